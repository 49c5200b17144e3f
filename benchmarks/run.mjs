// `pnpm bench` (after `tsc -b`): runs every suite in its own process, prints their tables, and writes
// docs/benchmarks.md with the numbers, the ratios against the baselines measured in the same run, and the
// machine. `node benchmarks/run.mjs --quick` shortens every suite (for trying things out; not published).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderReport } from './lib/render.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const quick = process.argv.includes('--quick');
/** Every suite is killed after this long: the run always ends. */
const SUITE_TIMEOUT_MS = 6 * 60_000;

const SUITES = [
  { name: 'floor', file: 'floor.bench.mjs' },
  { name: 'hot-path', file: 'hot-path.bench.mjs' },
  { name: 'multiplex', file: 'multiplex.bench.mjs' },
  { name: 'e2e', file: 'e2e.bench.mjs' },
  { name: 'memory', file: 'memory.bench.mjs' },
];

/** Runs one script with --expose-gc; echoes its output, and returns it with its exit status and duration. */
function runScript(file, args) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--expose-gc', join(here, file), ...args], {
      cwd: join(here, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), SUITE_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, seconds: (performance.now() - started) / 1000 });
    });
  });
}

const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model ?? 'unknown',
  cores: cpus.length,
  memoryGb: os.totalmem() / 2 ** 30,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  node: process.version,
  loadBefore: os.loadavg(),
};
const startedAt = new Date();
const tmp = await mkdtemp(join(os.tmpdir(), 'bluechip-bench-'));
const results = {};
const runs = {};
try {
  for (const suite of SUITES) {
    console.log(`\n=== ${suite.name} (${suite.file}) ===`);
    const json = join(tmp, `${suite.name}.json`);
    const run = await runScript(suite.file, ['--json', json, ...(quick ? ['--quick'] : [])]);
    runs[suite.name] = { code: run.code, signal: run.signal, seconds: run.seconds };
    if (run.code === 0 && existsSync(json)) results[suite.name] = JSON.parse(await readFile(json, 'utf8'));
    else console.error(`suite ${suite.name} failed (exit ${run.code ?? run.signal})`);
  }
  // Written by the journal helper; it prints its own table, which is kept as is.
  if (existsSync(join(here, 'journal.bench.mjs'))) {
    console.log('\n=== journal (journal.bench.mjs) ===');
    const run = await runScript('journal.bench.mjs', []);
    runs.journal = { code: run.code, signal: run.signal, seconds: run.seconds };
    results.journal = { output: run.output, ok: run.code === 0 };
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
}
machine.loadAfter = os.loadavg();

const markdown = renderReport({
  results,
  runs,
  machine,
  startedAt,
  seconds: (Date.now() - startedAt.getTime()) / 1000,
  command: quick ? 'node benchmarks/run.mjs --quick' : 'npx -y pnpm@12.4.2 bench',
  quick,
});
// The browser bundle section (and its budget marker, read by the consumer test) is kept by hand: carry it over.
const reportPath = join(here, '..', 'docs', 'benchmarks.md');
const previous = existsSync(reportPath) ? await readFile(reportPath, 'utf8') : '';
const handKept = /\n## Browser bundle size[\s\S]*$/.exec(previous)?.[0] ?? '';
await writeFile(reportPath, handKept === '' ? markdown : `${markdown.trimEnd()}\n${handKept}`);
console.log(`\nwrote docs/benchmarks.md (${Object.keys(results).length} suites)`);
const failed = Object.entries(runs).filter(([, r]) => r.code !== 0);
if (failed.length > 0) {
  console.error(`failed: ${failed.map(([name]) => name).join(', ')}`);
  process.exitCode = 1;
}
