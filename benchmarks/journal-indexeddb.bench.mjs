// Append latency of the IndexedDB journal in headless Chromium beside the file journal's in Node, in one
// run with the same shape as journal.bench.mjs (one append awaited until durable; 100 concurrent appends),
// and the bundle size the IndexedDB journal adds to a browser POS (esbuild --minify, then gzip).
// Build first: npx tsc -b packages/journal-indexeddb packages/journal-file packages/client
// Run: node benchmarks/journal-indexeddb.bench.mjs   (needs Debian's chromium at /usr/bin/chromium)
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { measure } from 'mitata';
import { chromium } from 'playwright-core';
import { openFileJournal } from '../packages/journal-file/dist/index.js';
import { recordSource } from './lib/journal-records.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CONCURRENT = 100;
const ROUNDS = 3;
const MIN_CPU_NS = 300 * 1e6;

const pageEntry = `
import { measure } from 'mitata';
import { openIndexedDbJournal } from './packages/journal-indexeddb/dist/index.js';
import { recordSource } from './benchmarks/lib/journal-records.mjs';
const journals = new Map();
window.benchIdb = async (durability, kind, minCpuNs) => {
  let entry = journals.get(durability);
  if (entry === undefined) {
    entry = { journal: await openIndexedDbJournal({ name: 'bench-' + durability, durability }), next: recordSource() };
    journals.set(durability, entry);
  }
  const { journal, next } = entry;
  const fn = kind === 'single'
    ? () => journal.append(next())
    : () => Promise.all(Array.from({ length: ${CONCURRENT} }, () => journal.append(next())));
  const stats = await measure(fn, { min_cpu_time: minCpuNs });
  return { p50: stats.p50, avg: stats.avg };
};
window.benchReady = true;
`;

async function bundle(contents, minify) {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify,
    // mitata imports Bun's engine module only when running on Bun.
    external: ['bun:jsc'],
    logLevel: 'silent',
  });
  return result.outputFiles[0].contents;
}

async function bundleSizes() {
  const sizes = async (contents) => {
    const bytes = await bundle(contents, true);
    return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  const client = `export { connect } from './packages/client/dist/index.js';`;
  const journal = `export { openIndexedDbJournal } from './packages/journal-indexeddb/dist/index.js';`;
  return {
    journalAlone: await sizes(journal),
    client: await sizes(client),
    clientWithJournal: await sizes(`${client}\n${journal}`),
  };
}

const pageBundle = await bundle(pageEntry, false);
const server = createServer((req, res) => {
  if (req.url === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(pageBundle);
  else
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><script type="module" src="/bundle.js"></script>');
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const dir = await mkdtemp(join(tmpdir(), 'journal-idb-bench-'));
// A persistent profile on disk: a default (incognito-like) context keeps IndexedDB in memory, which would
// measure no durability at all.
const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--disable-dev-shm-usage',
  ],
});

try {
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.benchReady === true);
  const chromiumVersion = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));

  const fileJournals = {};
  for (const mode of ['none', 'fsync']) {
    fileJournals[mode] = {
      journal: await openFileJournal(join(dir, mode), { durability: mode }),
      next: recordSource(),
    };
  }
  const cases = [];
  for (const mode of ['none', 'fsync']) {
    const { journal, next } = fileJournals[mode];
    cases.push({
      name: `file ${mode} single`,
      run: async () => await measure(() => journal.append(next()), { min_cpu_time: MIN_CPU_NS }),
    });
    cases.push({
      name: `file ${mode} concurrent`,
      run: async () =>
        await measure(() => Promise.all(Array.from({ length: CONCURRENT }, () => journal.append(next()))), {
          min_cpu_time: MIN_CPU_NS,
        }),
    });
  }
  for (const durability of ['relaxed', 'strict']) {
    for (const kind of ['single', 'concurrent']) {
      cases.push({
        name: `idb ${durability} ${kind}`,
        run: () => page.evaluate(([d, k, ns]) => window.benchIdb(d, k, ns), [durability, kind, MIN_CPU_NS]),
      });
    }
  }

  // Interleaved rounds, so that load from elsewhere on a shared machine falls on every case alike.
  const samples = new Map(cases.map((c) => [c.name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const { name, run } of cases) {
      const stats = await run();
      samples.get(name).push(stats.p50);
      console.log(
        `round ${round}  ${name.padEnd(24)} p50 ${(stats.p50 / 1e3).toFixed(1)} µs  avg ${(stats.avg / 1e3).toFixed(1)} µs`,
      );
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ns = (name) => median(samples.get(name));
  const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

  console.log(
    `\nMedians over ${ROUNDS} rounds; ratios against the file journal with fsync, measured in this run`,
  );
  console.log(
    `(${process.platform}, node ${process.version}, Chromium ${chromiumVersion} headless, profile on disk):`,
  );
  console.log(
    '| journal | one append (µs) | × file fsync | 100 concurrent (µs per append) | × file fsync | appends/s |',
  );
  console.log('|---|---|---|---|---|---|');
  const rows = [
    ['file, durability none (Node)', 'file none'],
    ['file, durability fsync (Node)', 'file fsync'],
    ["IndexedDB, durability 'relaxed' (Chromium)", 'idb relaxed'],
    ["IndexedDB, durability 'strict' (Chromium)", 'idb strict'],
  ];
  for (const [label, key] of rows) {
    const single = ns(`${key} single`);
    const perAppend = ns(`${key} concurrent`) / CONCURRENT;
    console.log(
      `| ${label} | ${fmt(single / 1e3)} | ${fmt(single / ns('file fsync single'), 2)} | ${fmt(perAppend / 1e3, 2)} | ` +
        `${fmt(perAppend / (ns('file fsync concurrent') / CONCURRENT), 2)} | ${fmt(1e9 / perAppend, 0)} |`,
    );
  }

  const sizes = await bundleSizes();
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log('\nBundle size (esbuild --minify, ES2022, then gzip -9):');
  console.log('| bundle | minified | gzip |');
  console.log('|---|---|---|');
  console.log(
    `| @bluechip-ws/journal-indexeddb alone (with the core it imports) | ${kb(sizes.journalAlone.min)} | ${kb(sizes.journalAlone.gzip)} |`,
  );
  console.log(`| @bluechip-ws/client (connect) | ${kb(sizes.client.min)} | ${kb(sizes.client.gzip)} |`);
  console.log(
    `| client + journal-indexeddb | ${kb(sizes.clientWithJournal.min)} | ${kb(sizes.clientWithJournal.gzip)} |`,
  );
  console.log(
    `| added by the journal to a client bundle | ${kb(sizes.clientWithJournal.min - sizes.client.min)} | ${kb(sizes.clientWithJournal.gzip - sizes.client.gzip)} |`,
  );
  for (const { journal } of Object.values(fileJournals)) await journal.close();
} finally {
  await context.close();
  server.close();
  await rm(dir, { recursive: true, force: true });
}
