// Bounded chaos run of the fleet: a three-node hub cluster (JetStream, R3 stream, file storage), two agents
// of one site in one queue group (child processes, file journals, each with its own simulated terminals),
// POS loops selling on every terminal with a fresh idempotency key per sale, and a seeded chaos actor
// that kill -9s an agent or a hub server at random and restarts it a little later. When the time is up,
// everything dead is restarted, flows left open are reconciled, and the invariants are checked:
//   1. every sale a simulated terminal approved is in the stream exactly once (matched by agent, terminal
//      and reference number);
//   2. every answered call's outcome is in the stream, with the same flow id;
//   3. a call that ended outcome_unknown is found in the stream, or no terminal approved it;
//   4. a call refused with nothing sent left no record; no idempotency key is recorded twice.
// Prints the counts; exit 1 on a violation. Run after `npx tsc -b`:
//   node benchmarks/fleet-chaos.mjs [--duration 60] [--terminals 3] [--seed 1]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectRemote, RemoteError } from '@bluechip-ws/fleet';
import { startSimulatorFleet } from '@bluechip-ws/fleet/node';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect as natsConnect } from '@nats-io/transport-node';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const DURATION_S = Math.min(arg('duration', 60), 900);
const TERMINALS = Math.min(arg('terminals', 3), 20);
let seed = arg('seed', 1) >>> 0 || 1;
const random = () => {
  // xorshift32: the same seed gives the same chaos schedule.
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const between = (lo, hi) => lo + Math.floor(random() * (hi - lo));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CLI = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));
const dir = mkdtempSync(join(os.tmpdir(), 'bluechip-fleet-chaos-'));
const children = new Set();

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function spawnUntil(command, args, ready, what) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let log = '';
  const started = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} not ready: ${log.slice(-2000)}`)), 30_000);
    const on = (chunk) => {
      log = (log + chunk).slice(-16_000);
      if (log.includes(ready)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code ?? signal}): ${log.slice(-2000)}`));
    });
  });
  return started;
}

const kill = (child) =>
  new Promise((resolve) => {
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

// --- the hub cluster -------------------------------------------------------------------------------------
const hubPorts = [];
for (let i = 0; i < 3; i++) hubPorts.push({ client: await freePort(), route: await freePort() });
function hubConfig(i) {
  const file = join(dir, `hub${i}.conf`);
  const routes = hubPorts.map((p) => `nats-route://127.0.0.1:${p.route}`).join(', ');
  writeFileSync(
    file,
    `server_name: hub${i}\nhost: 127.0.0.1\nport: ${hubPorts[i].client}\n` +
      `jetstream { store_dir: "${join(dir, `hub${i}`)}" }\n` +
      `cluster { name: hub, host: 127.0.0.1, port: ${hubPorts[i].route}, routes: [${routes}] }\n`,
  );
  return file;
}
const hubs = [];
const startHub = (i) => spawnUntil('nats-server', ['-c', hubConfig(i)], 'Server is ready', `hub${i}`);
const servers = hubPorts.map((p) => `nats://127.0.0.1:${p.client}`);

// --- agents ----------------------------------------------------------------------------------------------
const SITE = 'chaos';
const agentNames = ['agent-a', 'agent-b'];
const simulators = {};
const agents = {};
async function startAgent(name) {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      site: SITE,
      nats: { servers, name },
      stream: { replicas: 3 },
      terminals: simulators[name].urls.map((url, i) => ({
        id: `t${i}`,
        url,
        journalDir: join(dir, 'journals', name, `t${i}`),
        timeouts: { responseMs: 3000, eventGapMs: 5000, flowMs: 15000 },
      })),
      drainTimeoutMs: 2000,
    }),
  );
  agents[name] = await spawnUntil(process.execPath, [CLI, 'agent', '--config', file], 'serving', name);
}

const calls = []; // { key, terminal, state: 'answered' | 'unknown' | 'refused' | 'error', outcome?, code? }
let running = true;

async function posLoop(nc, terminal) {
  const lane = connectRemote({ nats: nc, site: SITE, terminal });
  for (let n = 0; running && n < 100_000; n++) {
    const key = `${terminal}-${n}`;
    const call = { key, terminal };
    calls.push(call);
    try {
      call.outcome = await lane.sale({ amount: 1000 + n }, { idempotencyKey: key, requestTimeoutMs: 6000 });
      call.state = 'answered';
    } catch (error) {
      if (error instanceof RemoteError && error.nothingSent) call.state = 'refused';
      else if (
        error instanceof RemoteError &&
        (error.code === 'outcome_unknown' || error.details.data?.outcomeUnknown)
      )
        call.state = 'unknown';
      else call.state = 'error';
      call.code =
        error instanceof RemoteError ? `${error.code}/${error.details.data?.code ?? ''}` : String(error);
      await sleep(200);
    }
  }
}

const events = { agentKills: 0, hubKills: 0 };
async function chaos() {
  while (running) {
    await sleep(between(2000, 5000));
    if (!running) break;
    if (random() < 0.6) {
      const name = agentNames[between(0, 2)];
      await kill(agents[name]);
      events.agentKills++;
      await sleep(between(500, 3000));
      await startAgent(name);
    } else {
      const i = between(0, 3);
      await kill(hubs[i]);
      events.hubKills++;
      await sleep(between(1000, 4000));
      hubs[i] = await startHub(i);
    }
  }
}

let exitCode = 0;
try {
  mkdirSync(join(dir, 'journals'), { recursive: true });
  for (let i = 0; i < 3; i++) hubs.push(startHub(i));
  for (let i = 0; i < 3; i++) hubs[i] = await hubs[i];
  const nc = await natsConnect({ servers, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  for (const name of agentNames) {
    simulators[name] = await startSimulatorFleet({ count: TERMINALS, eventDelayMs: 150, seed: name.length });
  }
  // The stream needs a meta leader; the first agent start retries until JetStream answers.
  for (let attempt = 0; ; attempt++) {
    try {
      await startAgent(agentNames[0]);
      break;
    } catch (error) {
      if (attempt > 20) throw error;
      await sleep(500);
    }
  }
  await startAgent(agentNames[1]);

  const loops = Array.from({ length: TERMINALS }, (_, i) => posLoop(nc, `t${i}`));
  const chaosDone = chaos();
  await sleep(DURATION_S * 1000);
  running = false;
  await Promise.all([...loops, chaosDone]);

  // Recovery: everything up, open flows reconciled on start (agents restarted to be sure they ran it).
  for (const name of agentNames) {
    await kill(agents[name]);
    await startAgent(name);
  }
  const jsm = await jetstreamManager(nc);
  await sleep(3000);
  const { state } = await jsm.streams.info('BLUECHIP_OUTCOMES');
  const records = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const msg = await jsm.streams.getMessage('BLUECHIP_OUTCOMES', { seq }).catch(() => null);
    if (msg !== null) records.push(msg.json());
  }
  const byKey = new Map();
  for (const r of records) byKey.set(r.idempotencyKey, [...(byKey.get(r.idempotencyKey) ?? []), r]);

  // 1. Every approved sale at a terminal is in the stream exactly once.
  const approvedAtTerminals = [];
  for (const name of agentNames) {
    simulators[name].simulators.forEach((sim, i) => {
      for (const entry of sim.snapshot().batch) {
        if (entry.type === 'sale')
          approvedAtTerminals.push({ agent: name, terminal: `t${i}`, ref: entry.reference_no });
      }
    });
  }
  const matches = (a, r) =>
    r.agent === a.agent &&
    r.terminal === a.terminal &&
    String(r.outcome?.result?.referenceNo) === String(a.ref);
  let once = 0;
  let missing = 0;
  let doubled = 0;
  for (const a of approvedAtTerminals) {
    const n = records.filter((r) => r.outcome.kind === 'approved' && matches(a, r)).length;
    if (n === 1) once++;
    else if (n === 0) missing++;
    else doubled++;
  }
  // 2–4.
  const count = (state) => calls.filter((c) => c.state === state);
  const answeredBad = count('answered').filter(
    (c) => byKey.get(c.key)?.[0]?.flowId !== c.outcome.flowId,
  ).length;
  const unknown = count('unknown');
  const unknownFound = unknown.filter((c) => byKey.has(c.key)).length;
  const refusedRecorded = count('refused').filter((c) => byKey.has(c.key)).length;
  const keysTwice = [...byKey.values()].filter((list) => list.length > 1).length;
  const streamApproved = records.filter((r) => r.outcome.kind === 'approved').length;
  const streamOnly = streamApproved - once - doubled;

  console.log(`fleet chaos: ${DURATION_S} s, ${TERMINALS} terminals × 2 agents, seed ${arg('seed', 1)}`);
  console.log(
    `  chaos: ${events.agentKills} agent kill -9 + restart, ${events.hubKills} hub server kill -9 + restart`,
  );
  console.log(
    `  calls: ${calls.length} (answered ${count('answered').length}, outcome_unknown ${unknown.length}, refused with nothing sent ${count('refused').length}, other errors ${count('error').length})`,
  );
  const others = {};
  for (const c of count('error')) others[c.code] = (others[c.code] ?? 0) + 1;
  if (count('error').length > 0) console.log(`  other errors by code: ${JSON.stringify(others)}`);
  console.log(
    `  approved at the terminals: ${approvedAtTerminals.length}; in the stream exactly once: ${once}, missing: ${missing}, twice or more: ${doubled}`,
  );
  console.log(
    `  stream: ${records.length} records (${streamApproved} approved; approved records matching no terminal sale: ${streamOnly})`,
  );
  console.log(`  answered calls whose outcome is not the stream's: ${answeredBad}`);
  console.log(`  outcome_unknown calls found in the stream afterwards: ${unknownFound} of ${unknown.length}`);
  console.log(`  refused calls with a record: ${refusedRecorded}; keys recorded twice: ${keysTwice}`);
  if (missing > 0 || doubled > 0 || answeredBad > 0 || refusedRecorded > 0 || keysTwice > 0) {
    console.log('  INVARIANT VIOLATED');
    exitCode = 1;
  } else console.log('  invariants hold');
  await nc.close();
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  running = false;
  await Promise.all([...children].map((c) => kill(c)));
  for (const name of agentNames) await simulators[name]?.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(exitCode);
}
