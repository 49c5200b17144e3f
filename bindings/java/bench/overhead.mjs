// The Java binding's cost per call against the in-process TypeScript client, as paired medians: the same
// sale (approved, events without delay) against the simulator, each client with a simulator of its own in
// its own process; per round, the median of N sales through `connect()` in this process and the median of
// N sales through the Java binding over stdio (dev.bluechipws.bench.OverheadBench in the test sources, which
// runs the bridge as its child), in alternating order; the overhead is the median over rounds of
// (Java − TypeScript). Both sides first make WARMUP sales, so the JIT has compiled the Java path.
// Run after `npx tsc -b` (it imports the built client):
// `node bindings/java/bench/overhead.mjs [--rounds 9] [--n 100] [--warmup 1000] [--offline]` (--offline: mvn -o).
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connect } from '../../../packages/client/dist/index.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '9' },
    n: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '1000' },
    offline: { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(values.rounds);
const N = Number(values.n);
const WARMUP = Number(values.warmup);
for (const [name, value] of [
  ['rounds', ROUNDS],
  ['n', N],
  ['warmup', WARMUP],
]) {
  if (!Number.isInteger(value) || value < 1 || value > 100_000)
    throw new Error(`--${name}: not a count in 1..100000`);
}
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const JAVA_DIR = fileURLToPath(new URL('../', import.meta.url));
const children = [];

function lines(child) {
  const reader = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return async () => {
    const { value, done } = await reader.next();
    if (done) throw new Error('the child ended');
    return value;
  };
}

/**
 * Starts a simulator and returns its URL. Its stdout (the frame log) is read to the end and discarded: a
 * readline iterator left unread would pause the pipe, the simulator would drop log lines and, at SIGTERM,
 * never exit with its last write pending.
 */
function simulator() {
  const child = spawn(
    process.execPath,
    [`${ROOT}packages/simulator/dist/bin.js`, '--port', '0', '--event-delay-ms', '0'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let head = '';
    const onData = (chunk) => {
      if (head === undefined) return;
      head += chunk;
      const url = /ws:\/\/127\.0\.0\.1:\d+/.exec(head)?.[0];
      if (url !== undefined) {
        head = undefined;
        resolve(url);
      } else if (head.length > 64 * 1024) {
        reject(new Error(`the simulator printed no URL: ${head.slice(0, 200)}`));
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before printing its URL`)));
  });
}

/** SIGTERM, then SIGKILL after 10 s: the script always ends. */
async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill();
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
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

/** Compiles the binding and its test sources; returns the test classpath. */
function classpath(dir) {
  const file = join(dir, 'classpath.txt');
  execFileSync(
    'mvn',
    [
      '-q',
      '-B',
      '-Dstyle.color=never',
      ...(values.offline ? ['-o'] : []),
      'test-compile',
      'dependency:build-classpath',
      `-Dmdep.outputFile=${file}`,
      '-Dmdep.includeScope=test',
    ],
    { cwd: JAVA_DIR, stdio: 'inherit' },
  );
  const target = join(JAVA_DIR, 'target');
  return [join(target, 'test-classes'), join(target, 'classes'), readFileSync(file, 'utf8').trim()].join(
    delimiter,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'bluechip-java-overhead-'));
try {
  const cp = classpath(dir);
  const ts = connect({ url: await simulator(), reconnect: false });
  const java = spawn(
    'java',
    [
      '-cp',
      cp,
      'dev.bluechipws.bench.OverheadBench',
      '--url',
      await simulator(),
      '--bridge',
      `${process.execPath} ${ROOT}packages/cli/dist/bin.js serve --stdio`,
    ],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  children.push(java);
  const javaLine = lines(java);
  const jvm = (await javaLine()).replace(/^ready /, '');
  const javaMedian = async (n) => {
    java.stdin.write(`${n}\n`);
    return Number(await javaLine());
  };
  await tsMedian(ts, WARMUP);
  await javaMedian(WARMUP);
  const rows = [];
  for (let round = 0; round < ROUNDS; round++) {
    let t;
    let j;
    if (round % 2 === 0) {
      t = await tsMedian(ts, N);
      j = await javaMedian(N);
    } else {
      j = await javaMedian(N);
      t = await tsMedian(ts, N);
    }
    rows.push({ round, ts: t, java: j, diff: j - t });
  }
  const us = (ns) => `${(ns / 1000).toFixed(0)} µs`;
  console.log(`JVM: ${jvm}; Node ${process.version}; ${WARMUP} warm-up sales each`);
  for (const r of rows)
    console.log(
      `round ${r.round}: TypeScript ${us(r.ts)}, Java ${us(r.java)}, Java − TypeScript ${us(r.diff)}`,
    );
  console.log(
    `median of ${ROUNDS} rounds (${N} sales each): TypeScript in process ${us(median(rows.map((r) => r.ts)))}, ` +
      `Java over stdio ${us(median(rows.map((r) => r.java)))}, paired overhead ${us(median(rows.map((r) => r.diff)))}`,
  );
  // End of input: the Java program closes its terminal and bridge and exits (killed after 30 s).
  const exited = once(java, 'exit');
  java.stdin.end();
  await Promise.race([exited, delay(30_000, undefined, { ref: false })]);
  await ts.close();
} finally {
  await Promise.all(children.map(stop));
  rmSync(dir, { recursive: true, force: true });
}
