// `npm run bench:instructions` (after `tsc -b`): the hot path, its floor and the client end to end counted in
// instructions under valgrind's callgrind, which gives the same count whatever else the machine is doing
// (wall-clock ratios on a shared 2-core machine swing by tens of percent). Each quantity is a slope: the same
// run at two or more counts (frames, or flows), so start-up, set-up and warm-up cancel out. Writes the
// "Instruction counts" section of docs/benchmarks.md. `--quick` runs fewer cases (not for publishing).
import { execFileSync, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FOLD_LIMITS } from '@bluechip-ws/core';

const here = fileURLToPath(new URL('.', import.meta.url));
const child = join(here, 'lib', 'instructions-child.mjs');
const quick = process.argv.includes('--quick');

/**
 * The frame counts of every hot-path slope (after the same warm-up), least squares over them. Garbage
 * collections fall at different points in runs of different lengths, which moves a run's total by tens of
 * millions of instructions: 40 000 frames between the ends keep that under about a thousand per frame.
 */
const FRAMES = quick ? [1000, 3000] : [2000, 22_000, 42_000];
/** Open flows and journal per hot-path case (see lib/steady-state.mjs for the steady state each starts in). */
const HOT_CASES = quick
  ? [
      { count: 1, journal: 'small' },
      { count: 100, journal: 'small' },
    ]
  : [
      { count: 1, journal: 'small' },
      { count: 100, journal: 'small' },
      { count: 10_000, journal: 'small' },
      { count: 100_000, journal: 'small' },
      { count: 100, journal: 'default' },
      { count: 100, journal: 'large' },
      { count: 100, journal: 'none' },
      { count: 10_000, journal: 'none' },
      { count: 100_000, journal: 'none' },
    ];
/**
 * The multiplex-style router runs every subscriber's filter on every frame (hundreds of thousands of
 * instructions per frame at 10 000), so fewer frames give the same precision.
 */
const MULTIPLEX_FRAMES = quick ? [100, 300] : [200, 1200];
const MULTIPLEX_SUBSCRIBERS = 10_000;
/** Flow counts of every end-to-end slope (least squares over them). */
const E2E_FLOWS = quick ? [200, 600] : [600, 2400];
/** callgrind runs at once: valgrind runs a process's threads on one core, so two use a 2-core machine. */
const PARALLEL = Number(process.env.CALLGRIND_JOBS ?? 2);
const E2E_CASES = [
  { name: 'sequential', inFlight: 1 },
  { name: '100 in flight', inFlight: 100 },
];

function valgrindVersion() {
  try {
    return execFileSync('valgrind', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    console.error(
      'valgrind is not installed. On Debian or Ubuntu: `sudo apt-get install valgrind` (the Debian package\n' +
        '`valgrind` brings callgrind); on Fedora: `sudo dnf install valgrind`. Then run this again.',
    );
    process.exit(2);
  }
}

const tmp = await mkdtemp(join(os.tmpdir(), 'bluechip-callgrind-'));
let runs = 0;

/** Instructions executed by one `node lib/instructions-child.mjs ...args` run (all of its threads). */
async function instructions(args) {
  const out = join(tmp, `callgrind.${runs++}.out`);
  const proc = spawn(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, child, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  proc.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  proc.stdout.resume();
  const [code] = await once(proc, 'close');
  if (code !== 0 || !existsSync(out)) throw new Error(`callgrind run ${args.join(' ')} failed:\n${stderr}`);
  const text = await readFile(out, 'utf8');
  await rm(out);
  const total = /^(?:summary|totals): (\d+)/m.exec(text);
  if (total === null) throw new Error(`no total in the callgrind output of ${args.join(' ')}`);
  return Number(total[1]);
}

/** Least-squares slope of y over x. */
function slope(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return num / den;
}

/** A global limit of PARALLEL callgrind runs: `limited(task)` waits for a free slot. */
let running = 0;
const waiting = [];
async function limited(task) {
  if (running >= PARALLEL) await new Promise((resolve) => waiting.push(resolve));
  running++;
  try {
    return await task();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Instructions per frame of one hot-path kind: the slope over `frameCounts`. */
async function perFrame(kind, count, journal, frameCounts = FRAMES) {
  const totals = await Promise.all(
    frameCounts.map((frames) => limited(() => instructions(['hot', kind, count, frames, journal]))),
  );
  return slope(frameCounts, totals);
}

const kilo = (n) => `${(n / 1000).toFixed(1)}k`;
const times = (n) => `${n.toFixed(2)}×`;

const version = valgrindVersion();
const started = Date.now();
console.log(`${version}; hot path frames ${FRAMES.join(' and ')}, end to end flows ${E2E_FLOWS.join(', ')}`);

// The floor and the frame factory do not depend on the open flows: measured once, at one open flow.
const [build, floorRaw, multiplexRaw, ...hots] = await Promise.all([
  perFrame('build', 1, 'small'),
  perFrame('floor', 1, 'small'),
  perFrame('multiplex', MULTIPLEX_SUBSCRIBERS, 'none', MULTIPLEX_FRAMES),
  ...HOT_CASES.map(({ count, journal }) => perFrame('hot', count, journal)),
]);
const floorTotal = floorRaw - build;
console.log(`floor (JSON.parse + ack encode): ${kilo(floorTotal)} instructions per frame`);
const hotRows = HOT_CASES.map(({ count, journal }, i) => {
  const hot = hots[i] - build;
  console.log(
    `${count} open flows, ${journal} journal: ${kilo(hot)} per frame, ${times(hot / floorTotal)} the floor`,
  );
  return { count, journal, hot, ratio: hot / floorTotal };
});
const multiplex = multiplexRaw - build;
const atMultiplexCount = hotRows.filter((r) => r.count === MULTIPLEX_SUBSCRIBERS);
console.log(`multiplex-style router, ${MULTIPLEX_SUBSCRIBERS} subscribers: ${kilo(multiplex)} per frame`);

const terminal = fork(join(here, 'lib', 'raw-terminal.mjs'), [], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const [{ port }] = await once(terminal, 'message');
const url = `ws://127.0.0.1:${port}`;
const e2eRows = [];
try {
  const slopes = await Promise.all(
    E2E_CASES.flatMap(({ inFlight }) =>
      ['session', 'raw'].map(async (kind) => {
        // allSettled: a failed run must not remove the output directory under the runs still going.
        const settled = await Promise.allSettled(
          E2E_FLOWS.map((flows) => limited(() => instructions(['e2e', kind, flows, inFlight, url]))),
        );
        const failed = settled.find((r) => r.status === 'rejected');
        if (failed !== undefined) throw failed.reason;
        const totals = settled.map((r) => r.value);
        return slope(E2E_FLOWS, totals);
      }),
    ),
  );
  E2E_CASES.forEach(({ name }, i) => {
    const [session, raw] = slopes.slice(2 * i, 2 * i + 2);
    e2eRows.push({ name, session, raw, ratio: raw / session });
    console.log(
      `end to end, ${name}: session ${kilo(session)}, raw ws ${kilo(raw)} per flow: ${times(raw / session)}`,
    );
  });
} finally {
  terminal.send('stop');
  await rm(tmp, { recursive: true, force: true });
}

const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const journalName = {
  small: '16 events/flow',
  default: `default (${DEFAULT_FOLD_LIMITS.maxEventsPerFlow} events/flow)`,
  large: '1000 events/flow',
  none: 'none (keeps nothing)',
};
const section = `## Instruction counts (benchmarks/instructions.mjs)

<!-- Written by \`npm run bench:instructions\`; the rest of this file by \`pnpm bench\`. -->

Run: ${new Date(started).toISOString()} at commit \`${commit}\`, \`npm run bench:instructions\`${quick ? ' --quick (not for publishing)' : ''}, ${Math.round((Date.now() - started) / 1000)} s; ${version}, Node ${process.version}.

Counted by callgrind (every thread of the process), so the numbers do not depend on the machine's load. Each
is a slope: the same process run at ${FRAMES.join(', ')} measured frames (hot path, least squares), or at ${E2E_FLOWS.join(', ')} flows
(end to end, least squares), so start-up, set-up and warm-up cancel out. Before its measured frames every
hot-path run opens its flows, brings each to the steady state (one event through the session, its journal
entry filled to the journal's bound) and pushes ${4000} warm-up frames; a flow's dedupe map is reset after
every 16 of its events, the flows staggered so that one frame in 16 meets a reset at every flow count
(\`lib/steady-state.mjs\`). The frame factory's own cost (${kilo(build)} per frame) is subtracted from both.

Floor (\`JSON.parse\` of the frame + encoding its ack): **${kilo(floorTotal)} instructions per frame**.

| open flows | journal | hot path, instructions per frame | hot path / floor |
|---|---|---|---|
${hotRows.map((r) => `| ${r.count} | ${journalName[r.journal]} | ${kilo(r.hot)} | ${times(r.ratio)} |`).join('\n')}

Cost at ${hotRows.find((r) => r.count === 100_000)?.count ?? hotRows.at(-1)?.count} open flows / cost at 1 (16 events/flow): ${times((hotRows.find((r) => r.count === 100_000) ?? hotRows.at(-1)).hot / hotRows[0].hot)}.

The multiplex-style router (\`lib/multiplex-router.mjs\`: one \`filter\` per subscriber over every parsed frame, as
rxjs \`webSocket().multiplex\` routes) at ${MULTIPLEX_SUBSCRIBERS} subscribers, slope over ${MULTIPLEX_FRAMES.join(' and ')} frames:
**${kilo(multiplex)} instructions per frame**; ${atMultiplexCount.map((r) => `${times(multiplex / r.hot)} the session's (${journalName[r.journal]})`).join(', ')}.

End to end, the client process only (the terminal, \`lib/raw-terminal.mjs\`, runs outside valgrind): the
\`Session\` over \`createWsTransport\` with its defaults, against the raw \`ws\` client (\`lib/raw-client.mjs\`).

| scenario | session, instructions per flow | raw ws, per flow | raw / session |
|---|---|---|---|
${e2eRows.map((r) => `| ${r.name} | ${kilo(r.session)} | ${kilo(r.raw)} | ${times(r.ratio)} |`).join('\n')}
`;
console.log(`\n${section}`);
if (!quick) {
  const path = join(here, '..', 'docs', 'benchmarks.md');
  const doc = await readFile(path, 'utf8');
  const pattern = /## Instruction counts \(benchmarks\/instructions\.mjs\)[\s\S]*?(?=\n## |$)/;
  const next = pattern.test(doc)
    ? doc.replace(pattern, section.trimEnd())
    : // At the end: `pnpm bench` (run.mjs) regenerates everything before "## Browser bundle size" and keeps the rest.
      `${doc.trimEnd()}\n\n${section}`;
  await writeFile(path, next);
  console.log('wrote the "Instruction counts" section of docs/benchmarks.md');
}
