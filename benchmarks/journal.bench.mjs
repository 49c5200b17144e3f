// Cost of durability in the file journal: one append awaited until durable, and 100 concurrent appends
// (group commit), under fsync, fdatasync and no sync ('none', the baseline in the same run).
// Build first: npx tsc -b packages/journal-file   Run: node benchmarks/journal.bench.mjs
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure } from 'mitata';
import { openFileJournal } from '../packages/journal-file/dist/index.js';
import { recordSource } from './lib/journal-records.mjs';

const MODES = ['none', 'fdatasync', 'fsync'];
const CONCURRENT = 100;

const root = await mkdtemp(join(tmpdir(), 'journal-bench-'));
const journals = new Map();
for (const mode of MODES) {
  journals.set(mode, await openFileJournal(join(root, mode), { durability: mode }));
}

// Each case is measured in every round, modes interleaved, so that load from elsewhere on a shared machine
// falls on all of them alike; the table takes, per case, the median over rounds of mitata's median.
const ROUNDS = 3;
const cases = [];
for (const mode of MODES) {
  const journal = journals.get(mode);
  const next = recordSource();
  cases.push({ name: `single ${mode}`, fn: () => journal.append(next()) });
  cases.push({
    name: `concurrent ${mode}`,
    fn: () => Promise.all(Array.from({ length: CONCURRENT }, () => journal.append(next()))),
  });
}

try {
  const samples = new Map(cases.map((c) => [c.name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const { name, fn } of cases) {
      const stats = await measure(fn, { min_cpu_time: 300 * 1e6 });
      samples.get(name).push(stats.p50);
      console.log(
        `round ${round}  ${name.padEnd(22)} p50 ${(stats.p50 / 1e3).toFixed(1)} µs  avg ${(stats.avg / 1e3).toFixed(1)} µs`,
      );
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ns = (name) => median(samples.get(name));
  const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

  console.log(
    `\nMedians; ratios against durability 'none' measured in this run (${process.platform}, node ${process.version}):`,
  );
  console.log(
    '| durability | one append (µs) | × none | 100 concurrent (µs per append) | × none | appends/s | group-commit gain |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const mode of MODES) {
    const single = ns(`single ${mode}`);
    const batch = ns(`concurrent ${mode}`);
    const perAppend = batch / CONCURRENT;
    console.log(
      `| ${mode} | ${fmt(single / 1e3)} | ${fmt(single / ns('single none'), 2)} | ${fmt(perAppend / 1e3, 2)} | ` +
        `${fmt(batch / ns('concurrent none'), 2)} | ${fmt(1e9 / perAppend, 0)} | ${fmt(single / perAppend, 1)} |`,
    );
  }
  console.log(
    "group-commit gain: one awaited append's latency divided by the per-append cost with 100 in flight.",
  );
} finally {
  for (const journal of journals.values()) await journal.close();
  await rm(root, { recursive: true, force: true });
}
