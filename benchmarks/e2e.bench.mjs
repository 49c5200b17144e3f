// End to end over 127.0.0.1: the session over createWsTransport, and a raw `ws` client doing the same
// exchange, both against the same minimal raw-ws terminal running in a child process. Fixed flow counts and
// a time cap per run; flows/s and latency (request written → final event acked) per scenario.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Session } from '@bluechip-ws/core';
import { createWsTransport } from '@bluechip-ws/transport-ws';
import { lastValueFrom } from 'rxjs';
import { SALE_REQUEST } from './lib/frames.mjs';
import { printTable, QUICK, ratio, report } from './lib/measure.mjs';
import { quartiles } from './lib/paired.mjs';
import { RawClient } from './lib/raw-client.mjs';

const ROUNDS = QUICK ? 1 : 2;
const CAP_MS = QUICK ? 1000 : 4000;
const WARMUP_FLOWS = QUICK ? 100 : 500;
const SCENARIOS = [
  {
    name: 'sequential (1 socket, 1 flow at a time)',
    sockets: 1,
    perSocket: 1,
    flows: QUICK ? 500 : 4000,
    pairFlows: 300,
  },
  {
    name: '100 in flight on one socket',
    sockets: 1,
    perSocket: 100,
    flows: QUICK ? 2000 : 30_000,
    pairFlows: 3000,
  },
  {
    name: '100 sockets, 1 flow each at a time',
    sockets: 100,
    perSocket: 1,
    flows: QUICK ? 2000 : 30_000,
    pairFlows: 3000,
  },
];
/** Adjacent session/raw blocks (see lib/paired.mjs for why): the ratio the targets use. */
const PAIRS = QUICK ? 3 : 15;

const terminal = fork(fileURLToPath(new URL('./lib/raw-terminal.mjs', import.meta.url)), [], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const [{ port }] = await once(terminal, 'message');
const url = `ws://127.0.0.1:${port}`;

/** Our client: one Session (one socket) per "socket", maxInFlight = flows in flight on it. */
async function sessionClients(sockets, perSocket) {
  const sessions = [];
  for (let i = 0; i < sockets; i++) {
    sessions.push(new Session(createWsTransport({ url }), { maxInFlight: perSocket, reconnect: false }));
  }
  // Open every socket before timing (the first flow dials).
  await Promise.all(sessions.map((s) => lastValueFrom(s.flow('payment', SALE_REQUEST))));
  return {
    sale: (i) => lastValueFrom(sessions[i].flow('payment', SALE_REQUEST)),
    close: () => {
      for (const s of sessions) s.close();
    },
  };
}

async function rawClients(sockets) {
  const clients = await Promise.all(
    Array.from({ length: sockets }, () => RawClient.connect(`${url}/tsi/v1/payment`)),
  );
  return {
    sale: (i) => clients[i].sale(SALE_REQUEST),
    close: () => {
      for (const c of clients) c.close();
    },
  };
}

/** Runs `flows` sales over `sockets × perSocket` workers, stopping early at the time cap. */
async function load(client, { sockets, perSocket }, flows, capMs) {
  const latencies = new Float64Array(flows);
  let started = 0;
  let done = 0;
  const t0 = performance.now();
  const deadline = t0 + capMs;
  const worker = async (socket) => {
    while (started < flows && performance.now() < deadline) {
      started++;
      const begin = performance.now();
      await client.sale(socket);
      latencies[done++] = performance.now() - begin;
    }
  };
  const workers = [];
  for (let s = 0; s < sockets; s++) for (let k = 0; k < perSocket; k++) workers.push(worker(s));
  await Promise.all(workers);
  const elapsed = performance.now() - t0;
  const sorted = latencies.subarray(0, done).sort();
  const pct = (q) => sorted[Math.min(done - 1, Math.floor(q * done))];
  return {
    flows: done,
    elapsedMs: elapsed,
    perSecond: (done * 1000) / elapsed,
    p50: pct(0.5),
    p99: pct(0.99),
  };
}

async function measureClient(kind, scenario) {
  const client =
    kind === 'session'
      ? await sessionClients(scenario.sockets, scenario.perSocket)
      : await rawClients(scenario.sockets);
  try {
    await load(client, scenario, WARMUP_FLOWS, CAP_MS);
    return await load(client, scenario, scenario.flows, CAP_MS);
  } finally {
    client.close();
  }
}

/**
 * Both clients connected at once, then blocks of `pairFlows` flows through each, back to back, the order
 * alternating: the median of the per-pair throughput ratios (session / raw), with its quartiles.
 */
async function pairedRatio(scenario) {
  const session = await sessionClients(scenario.sockets, scenario.perSocket);
  const raw = await rawClients(scenario.sockets);
  try {
    await load(session, scenario, WARMUP_FLOWS, CAP_MS);
    await load(raw, scenario, WARMUP_FLOWS, CAP_MS);
    const ratios = [];
    for (let pair = 0; pair < PAIRS; pair++) {
      const first = pair % 2 === 0 ? session : raw;
      const second = first === session ? raw : session;
      const a = await load(first, scenario, scenario.pairFlows, CAP_MS);
      const b = await load(second, scenario, scenario.pairFlows, CAP_MS);
      const [s, r] = first === session ? [a, b] : [b, a];
      ratios.push(s.perSecond / r.perSecond);
    }
    return { ...quartiles(ratios), pairs: ratios.length, flowsPerBlock: scenario.pairFlows };
  } finally {
    session.close();
    raw.close();
  }
}

const rows = [];
try {
  for (const scenario of SCENARIOS) {
    const best = {};
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which client goes first, so neither always runs on a warmer (or busier) machine.
      const order = round % 2 === 0 ? ['session', 'raw'] : ['raw', 'session'];
      for (const kind of order) {
        const result = await measureClient(kind, scenario);
        if (best[kind] === undefined || result.perSecond > best[kind].perSecond) best[kind] = result;
      }
    }
    const row = { scenario: scenario.name, session: best.session, raw: best.raw };
    row.ratio = row.session.perSecond / row.raw.perSecond;
    row.paired = await pairedRatio(scenario);
    rows.push(row);
    console.log(
      `  ${scenario.name}: session ${row.session.perSecond.toFixed(0)}/s, raw ${row.raw.perSecond.toFixed(0)}/s, paired session/raw ${ratio(row.paired.median)} (${ratio(row.paired.q1)}–${ratio(row.paired.q3)})`,
    );
  }
} finally {
  terminal.send('stop');
}

const ms = (v) => `${v.toFixed(2)} ms`;
printTable('End to end over 127.0.0.1 (best flows/s of rounds)', [
  [
    'scenario',
    'session flows/s',
    'raw flows/s',
    'session/raw',
    'paired',
    'session p50',
    'session p99',
    'raw p50',
    'raw p99',
  ],
  ...rows.map((r) => [
    r.scenario,
    r.session.perSecond.toFixed(0),
    r.raw.perSecond.toFixed(0),
    ratio(r.ratio),
    ratio(r.paired.median),
    ms(r.session.p50),
    ms(r.session.p99),
    ms(r.raw.p50),
    ms(r.raw.p99),
  ]),
]);
await report({ suite: 'e2e', capMs: CAP_MS, rounds: ROUNDS, scenarios: SCENARIOS, rows });
process.exit(0);
