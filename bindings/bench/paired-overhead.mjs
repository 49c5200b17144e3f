// The measurement every binding's overhead script shares (bindings/go/bench/overhead.mjs,
// bindings/java/bench/overhead.mjs): a binding's cost per call against the in-process TypeScript client, as
// paired medians. The same sale (approved, events without delay) against the simulator, each client with a
// simulator of its own in its own process; per round, the median of N sales through `connect()` in this
// process and the median of N sales through the binding over stdio, in alternating order; the overhead is
// the median over rounds of (binding − TypeScript). Both sides first make WARMUP sales (the JITs of V8 and
// of a JVM compile the hot path).
//
// The binding's side is a small program started as `<command> <args…> --url <simulator> --bridge <command
// line of a stdio bridge>`: once its terminal is open it prints `ready <runtime>`, then for each line "N" on
// stdin it makes N sales and prints the median time of one sale in nanoseconds; it exits at the end of stdin.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connect } from '../../packages/client/dist/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAX_COUNT = 100_000;

/** `--rounds` (9), `--n` (100 sales a round), `--warmup` (1000), plus the script's own `options`. */
export function overheadOptions(options = {}) {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '9' },
      n: { type: 'string', default: '100' },
      warmup: { type: 'string', default: '1000' },
      ...options,
    },
  });
  for (const name of ['rounds', 'n', 'warmup']) {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 1 || value > MAX_COUNT) {
      throw new Error(`--${name}: not a count in 1..${MAX_COUNT}`);
    }
    values[name] = value;
  }
  return values;
}

/** Runs the paired measurement and prints each round and the medians; every child is stopped at the end. */
export async function measureOverhead({ label, command, args, rounds, n, warmup }) {
  const children = [];
  try {
    const ts = connect({ url: await simulator(children), reconnect: false });
    const binding = spawn(
      command,
      [
        ...args,
        '--url',
        await simulator(children),
        '--bridge',
        `${process.execPath} ${ROOT}packages/cli/dist/bin.js serve --stdio`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    children.push(binding);
    const next = lines(binding);
    const runtime = (await next()).replace(/^ready /, '');
    const bindingMedian = async (count) => {
      binding.stdin.write(`${count}\n`);
      const ns = Number(await next());
      if (!Number.isFinite(ns)) throw new Error(`${label}: not a time in nanoseconds`);
      return ns;
    };
    await tsMedian(ts, warmup);
    await bindingMedian(warmup);
    const rows = [];
    for (let round = 0; round < rounds; round++) {
      let t;
      let b;
      if (round % 2 === 0) {
        t = await tsMedian(ts, n);
        b = await bindingMedian(n);
      } else {
        b = await bindingMedian(n);
        t = await tsMedian(ts, n);
      }
      rows.push({ round, ts: t, binding: b, diff: b - t });
    }
    const us = (ns) => `${(ns / 1000).toFixed(0)} µs`;
    const diffs = rows.map((r) => r.diff);
    console.log(`${label}: ${runtime}; Node ${process.version}; ${warmup} warm-up sales each`);
    for (const r of rows) {
      console.log(
        `round ${r.round}: TypeScript ${us(r.ts)}, ${label} ${us(r.binding)}, ${label} − TypeScript ${us(r.diff)}`,
      );
    }
    console.log(
      `median of ${rounds} rounds (${n} sales each): TypeScript in process ${us(median(rows.map((r) => r.ts)))}, ` +
        `${label} over stdio ${us(median(rows.map((r) => r.binding)))}, paired overhead ${us(median(diffs))} ` +
        `(rounds from ${us(Math.min(...diffs))} to ${us(Math.max(...diffs))})`,
    );
    // End of input: the binding closes its terminal and bridge and exits.
    const exited = once(binding, 'exit');
    binding.stdin.end();
    await Promise.race([exited, delay(30_000, undefined, { ref: false })]);
    await ts.close();
  } finally {
    await Promise.all(children.map(stop));
  }
}

function lines(child) {
  const reader = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return async () => {
    const { value, done } = await reader.next();
    if (done) throw new Error('the binding ended');
    return value;
  };
}

/**
 * Starts a simulator and returns its URL. Its stdout (the frame log) is read to the end and discarded: a
 * readline iterator left unread would pause the pipe, the simulator would drop log lines and, at SIGTERM,
 * never exit with its last write pending.
 */
function simulator(children) {
  const child = spawn(
    process.execPath,
    [`${ROOT}packages/simulator/dist/bin.js`, '--port', '0', '--event-delay-ms', '0'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let head = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      if (head === undefined) return;
      head += chunk;
      const url = /ws:\/\/127\.0\.0\.1:\d+/.exec(head)?.[0];
      if (url !== undefined) {
        head = undefined;
        resolve(url);
      } else if (head.length > 64 * 1024) {
        reject(new Error(`the simulator printed no URL: ${head.slice(0, 200)}`));
      }
    });
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before printing its URL`)));
  });
}

/** SIGTERM, then SIGKILL after 10 s: the script always ends. */
async function stop(child) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
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
