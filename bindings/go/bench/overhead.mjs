// The Go binding's cost per call against the in-process TypeScript client, as paired medians: the same
// sale (approved, events without delay) against the simulator, each client with a simulator of its own in
// its own process; per round, the median of N sales through `connect()` in this process and the median of
// N sales through the Go binding over stdio (bindings/go/internal/overhead, which runs the bridge as its
// child), in alternating order; the overhead is the median over rounds of (Go − TypeScript).
// Run after `npx tsc -b` (it imports the built client): `node bindings/go/bench/overhead.mjs [--rounds 9] [--n 100]`.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connect } from '../../../packages/client/dist/index.js';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '9' }, n: { type: 'string', default: '100' } },
});
const ROUNDS = Number(values.rounds);
const N = Number(values.n);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GO_DIR = fileURLToPath(new URL('../', import.meta.url));
const children = [];

function lines(child) {
  const reader = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return async () => {
    const { value, done } = await reader.next();
    if (done) throw new Error('the child ended');
    return value;
  };
}

async function simulator() {
  const child = spawn(
    process.execPath,
    [`${ROOT}packages/simulator/dist/bin.js`, '--port', '0', '--event-delay-ms', '0'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  children.push(child);
  const next = lines(child);
  for (;;) {
    const url = /ws:\/\/127\.0\.0\.1:\d+/.exec(await next())?.[0];
    if (url !== undefined) {
      // Drain the frame log, or the simulator blocks on a full pipe.
      child.stdout.resume();
      return url;
    }
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function tsMedian(terminal, n) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    const outcome = await terminal.sale({ amount: 1234 });
    if (outcome.kind !== 'approved') throw new Error(`sale: ${outcome.kind}`);
    times.push(Number(process.hrtime.bigint() - start));
  }
  return median(times);
}

const dir = mkdtempSync(join(tmpdir(), 'bluechip-go-overhead-'));
try {
  const binary = join(dir, 'overhead');
  execFileSync('go', ['build', '-o', binary, './internal/overhead'], { cwd: GO_DIR, stdio: 'inherit' });
  const ts = connect({ url: await simulator(), reconnect: false });
  const go = spawn(
    binary,
    [
      '--url',
      await simulator(),
      '--bridge',
      `${process.execPath} ${ROOT}packages/cli/dist/bin.js serve --stdio`,
    ],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  children.push(go);
  const goLine = lines(go);
  const goMedian = async (n) => {
    go.stdin.write(`${n}\n`);
    return Number(await goLine());
  };
  await tsMedian(ts, 50);
  await goMedian(50);
  const rows = [];
  for (let round = 0; round < ROUNDS; round++) {
    let t;
    let g;
    if (round % 2 === 0) {
      t = await tsMedian(ts, N);
      g = await goMedian(N);
    } else {
      g = await goMedian(N);
      t = await tsMedian(ts, N);
    }
    rows.push({ round, ts: t, go: g, diff: g - t });
  }
  const us = (ns) => `${(ns / 1000).toFixed(0)} µs`;
  for (const r of rows)
    console.log(`round ${r.round}: TypeScript ${us(r.ts)}, Go ${us(r.go)}, Go − TypeScript ${us(r.diff)}`);
  console.log(
    `median of ${ROUNDS} rounds (${N} sales each): TypeScript in process ${us(median(rows.map((r) => r.ts)))}, ` +
      `Go over stdio ${us(median(rows.map((r) => r.go)))}, paired overhead ${us(median(rows.map((r) => r.diff)))}`,
  );
  go.stdin.end();
  await ts.close();
} finally {
  for (const child of children) child.kill();
  rmSync(dir, { recursive: true, force: true });
}
