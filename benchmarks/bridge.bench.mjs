// The bridge's cost per call: the same sale against the simulator (each in its own child process, events
// without delay), called in process through `connect()`, over `bluechip serve --stdio`, and over
// `bluechip serve --listen` (WebSocket on 127.0.0.1), and through the dispatcher in process with no carrier
// (the bridge's own code without the extra process hop). Overhead = bridge p50 − in-process p50, same run.
// Run after `npx tsc -b`: `node benchmarks/bridge.bench.mjs` (`--quick` for a short try).
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Bridge } from '@bluechip-ws/bridge';
import { connect } from '@bluechip-ws/client';
import WebSocket from 'ws';
import { ns, printTable, QUICK, ratio, report, timed } from './lib/measure.mjs';

const CLI = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));
const cpuMs = QUICK ? 300 : 2000;
const ROUNDS = QUICK ? 1 : 3;
const TOKEN = 'bench-token-0123456789abcdef';
const children = [];

async function simulator() {
  const child = fork(fileURLToPath(new URL('./lib/simulator-child.mjs', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(() => child.send('stop'));
  const [{ url }] = await once(child, 'message');
  return url;
}

/** A JSON-RPC caller over a text channel; resolves calls by id. */
function rpc(send) {
  let next = 0;
  const waiting = new Map();
  return {
    receive(text) {
      const message = JSON.parse(text);
      if (message.id === undefined || !waiting.has(message.id)) return;
      const { resolve, reject } = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error) reject(new Error(message.error.message));
      else resolve(message.result);
    },
    call(method, params) {
      const id = ++next;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
      });
    },
  };
}

async function inProcessClient() {
  const terminal = connect({ url: await simulator(), reconnect: false });
  children.push(() => terminal.close());
  return () => terminal.sale({ amount: 1234 });
}

/** The dispatcher alone, in this process (no carrier): what the bridge's own code costs per call. */
async function dispatcherClient() {
  const url = await simulator();
  const bridge = new Bridge();
  let client;
  const connection = bridge.connect({ send: (text) => client.receive(text) });
  client = rpc((text) => connection.receive(text));
  children.push(() => bridge.close(1000));
  const { terminalId } = await client.call('terminal.open', { url, reconnect: false });
  return () => client.call('sale', { terminalId, amount: 1234 });
}

async function stdioClient() {
  const url = await simulator();
  const child = spawn(process.execPath, [CLI, 'serve', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(() => child.stdin.end());
  const client = rpc((text) => child.stdin.write(`${text}\n`));
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop();
    for (const line of lines) client.receive(line);
  });
  const { terminalId } = await client.call('terminal.open', { url, reconnect: false });
  return () => client.call('sale', { terminalId, amount: 1234 });
}

async function webSocketClient() {
  const url = await simulator();
  const child = spawn(process.execPath, [CLI, 'serve', '--listen', '127.0.0.1:0', '--token', TOKEN], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(() => child.kill('SIGTERM'));
  const [line] = await once(child.stdout.setEncoding('utf8'), 'data');
  const bridgeUrl = /listening (ws:\/\/\S+)/.exec(line)?.[1];
  const ws = new WebSocket(bridgeUrl, { headers: { Authorization: `Bearer ${TOKEN}` } });
  await once(ws, 'open');
  children.push(() => ws.close());
  const client = rpc((text) => ws.send(text));
  ws.on('message', (data) => client.receive(String(data)));
  const { terminalId } = await client.call('terminal.open', { url, reconnect: false });
  return () => client.call('sale', { terminalId, amount: 1234 });
}

const clients = {
  'in process (connect())': await inProcessClient(),
  'dispatcher in process (no carrier)': await dispatcherClient(),
  'over stdio (bluechip serve --stdio)': await stdioClient(),
  'over WebSocket (bluechip serve --listen)': await webSocketClient(),
};
const best = {};
try {
  for (const [name, sale] of Object.entries(clients)) {
    const outcome = await sale();
    if (outcome.kind !== 'approved') throw new Error(`${name}: the warm-up sale was ${outcome.kind}`);
    for (let i = 0; i < 200; i++) await sale();
  }
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order so that no client always runs first (or on a warmer machine).
    const names = Object.keys(clients);
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
    for (const name of order) {
      const stats = await timed(clients[name], { cpuMs, minSamples: 50 });
      if (best[name] === undefined || stats.p50 < best[name].p50) best[name] = stats;
      console.log(`  round ${round + 1}: ${name}: p50 ${ns(stats.p50)} (${stats.ticks} sales)`);
    }
  }
} finally {
  for (const stop of children) stop();
}

const baseline = best['in process (connect())'];
const rows = Object.entries(best).map(([name, stats]) => ({
  name,
  stats,
  overheadP50: stats.p50 - baseline.p50,
  overheadAvg: stats.avg - baseline.avg,
  ratio: stats.p50 / baseline.p50,
}));
printTable('A sale against the simulator (events without delay), best p50 of rounds', [
  ['client', 'p50', 'avg', 'p99', 'sales', 'p50 ÷ in process', 'overhead p50', 'overhead avg'],
  ...rows.map((r) => [
    r.name,
    ns(r.stats.p50),
    ns(r.stats.avg),
    ns(r.stats.p99),
    r.stats.ticks,
    ratio(r.ratio),
    r.name === 'in process (connect())' ? '-' : ns(r.overheadP50),
    r.name === 'in process (connect())' ? '-' : ns(r.overheadAvg),
  ]),
]);
await report({ suite: 'bridge', cpuMs, rounds: ROUNDS, rows });
process.exit(0);
