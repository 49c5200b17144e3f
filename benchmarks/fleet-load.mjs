// Load through the fleet: N simulated terminals (one child process, one port each) behind ONE `bluechip
// agent` (a child process), a real nats-server (JetStream, file storage), and this process as the POS back
// end calling `connectRemote(...).sale()` on every terminal at once, F sales in a row per terminal. The
// baseline is the same sales through a direct local `connect()` to the same simulators, in the same run.
// Reports flows/s, p50/p99 latency for both, and the agent's resident memory per terminal (RSS of the agent
// with N terminals minus RSS of an agent with 1, over N-1). Bounded: F × N flows, every child killed at the end.
// --agents K splits the terminals over K agents; --cluster runs a three-node NATS cluster (R3 stream) with
// the agents spread over its nodes.
// Run after `npx tsc -b`: node benchmarks/fleet-load.mjs [--terminals 200] [--flows 5] [--event-delay 0]
//                         [--agents 1] [--cluster]
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@bluechip-ws/client';
import { connectRemote } from '@bluechip-ws/fleet';
import { connect as natsConnect } from '@nats-io/transport-node';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const TERMINALS = Math.min(arg('terminals', 200), 1000);
const FLOWS = Math.min(arg('flows', 5), 100);
const EVENT_DELAY = arg('event-delay', 0);
const AGENTS = Math.max(1, Math.min(arg('agents', 1), 8));
const CLUSTER = process.argv.includes('--cluster');
const CLI = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));
const cleanups = [];
const dir = mkdtempSync(join(os.tmpdir(), 'bluechip-fleet-load-'));

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function natsNode(name, port, cluster) {
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(dir, name), '-n', name];
  if (cluster !== undefined) {
    args.push('--cluster_name', 'hub', '--cluster', `nats://127.0.0.1:${cluster.port}`);
    args.push('--routes', cluster.routes.map((p) => `nats://127.0.0.1:${p}`).join(','));
  }
  const child = spawn('nats-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  cleanups.push(() => child.kill('SIGKILL'));
  let log = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nats-server did not start: ${log}`)), 15_000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      if (log.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return `nats://127.0.0.1:${port}`;
}

/** One server, or three in a cluster; the client URLs. */
async function natsServers() {
  if (!CLUSTER) return [await natsNode('n1', await freePort())];
  const ports = [];
  for (let i = 0; i < 3; i++) ports.push({ client: await freePort(), route: await freePort() });
  const routes = ports.map((p) => p.route);
  const urls = await Promise.all(
    ports.map((p, i) => natsNode(`hub${i}`, p.client, { port: p.route, routes })),
  );
  await new Promise((r) => setTimeout(r, 3000)); // a JetStream meta leader
  return urls;
}

async function simulators(count) {
  const child = fork(
    fileURLToPath(new URL('./lib/simulator-fleet-child.mjs', import.meta.url)),
    [String(count), String(EVENT_DELAY)],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  cleanups.push(() => child.send('stop'));
  const [{ urls }] = await once(child, 'message');
  return urls;
}

async function agent(name, site, nats, urls, first = 0) {
  const config = join(dir, `${name}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      site,
      nats: { servers: nats, name },
      stream: { replicas: CLUSTER ? 3 : 1 },
      terminals: urls.map((url, i) => ({ id: `t${first + i}`, url })),
    }),
  );
  const child = spawn(process.execPath, [CLI, 'agent', '--config', config], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(() => child.kill('SIGKILL'));
  let out = '';
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`agent exited ${code}`)));
  });
  return child;
}

function rssKiB(pid) {
  const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : Number.NaN;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Every terminal at once, FLOWS sales in a row on each; latencies in ms and the wall time. */
async function load(sellers) {
  const latencies = [];
  let failures = 0;
  const causes = {};
  const started = performance.now();
  await Promise.all(
    sellers.map(async (sell, t) => {
      for (let f = 0; f < FLOWS; f++) {
        const at = performance.now();
        try {
          const outcome = await sell(1000 + f, `load-${t}-${f}-${started}`);
          if (outcome.kind !== 'approved') {
            failures++;
            causes[outcome.kind] = (causes[outcome.kind] ?? 0) + 1;
          }
        } catch (error) {
          failures++;
          const code = `${error.code ?? error.name}/${error.details?.data?.code ?? ''}`;
          causes[code] = (causes[code] ?? 0) + 1;
        }
        latencies.push(performance.now() - at);
      }
    }),
  );
  const wall = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    flows: latencies.length,
    failures,
    causes,
    flowsPerSecond: (latencies.length / wall) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

const fmt = (r) =>
  `${r.flows} flows, ${r.failures} failed${r.failures > 0 ? ` ${JSON.stringify(r.causes)}` : ''}, ${r.flowsPerSecond.toFixed(0)} flows/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`;

try {
  const nats = await natsServers();
  const urls = await simulators(TERMINALS + 1);
  // Memory baseline: the same agent with one terminal.
  let single;
  for (let attempt = 0; single === undefined; attempt++) {
    single = await agent('single', 'probe', nats, urls.slice(TERMINALS)).catch((error) => {
      if (attempt > 10) throw error;
    });
  }
  await new Promise((r) => setTimeout(r, 1000));
  const rssOne = rssKiB(single.pid);
  single.kill('SIGKILL');

  const share = Math.ceil(TERMINALS / AGENTS);
  const fleetAgents = await Promise.all(
    Array.from({ length: AGENTS }, (_, a) =>
      agent(
        `load-${a}`,
        'load',
        [nats[a % nats.length]],
        urls.slice(a * share, Math.min(TERMINALS, (a + 1) * share)),
        a * share,
      ),
    ),
  );
  const nc = await natsConnect({ servers: nats });
  cleanups.unshift(() => nc.close());
  const remote = Array.from({ length: TERMINALS }, (_, i) =>
    connectRemote({ nats: nc, site: 'load', terminal: `t${i}` }),
  );
  // Warm up: one sale per terminal (opens every terminal link).
  await load(
    remote
      .map((t) => (amount, key) => t.sale({ amount }, { idempotencyKey: `warm-${key}` }))
      .slice(0, TERMINALS),
  );
  const viaNats = await load(remote.map((t) => (amount, key) => t.sale({ amount }, { idempotencyKey: key })));
  const rssN = fleetAgents.reduce((sum, a) => sum + rssKiB(a.pid), 0);
  for (const a of fleetAgents) a.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 500));

  const local = urls.slice(0, TERMINALS).map((url) => connect({ url }));
  cleanups.unshift(() => {
    for (const t of local) t.close();
  });
  await load(local.map((t) => (amount) => t.sale({ amount })));
  const direct = await load(local.map((t) => (amount, key) => t.sale({ amount }, { idempotencyKey: key })));

  console.log(
    `fleet load: ${TERMINALS} simulated terminals, ${FLOWS} sales each, event delay ${EVENT_DELAY} ms, ${AGENTS} agent(s), ${CLUSTER ? 'three-node cluster, R3 stream' : 'one nats-server'}`,
  );
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, node ${process.version}`);
  console.log(
    `  remote (connectRemote → NATS → agent → terminal; outcome in JetStream before the answer): ${fmt(viaNats)}`,
  );
  console.log(
    `  direct (connect() in this process):                                                       ${fmt(direct)}`,
  );
  console.log(
    `  ratio remote/direct: flows/s ${(viaNats.flowsPerSecond / direct.flowsPerSecond).toFixed(2)}, p50 ${(viaNats.p50 / direct.p50).toFixed(2)}, p99 ${(viaNats.p99 / direct.p99).toFixed(2)}`,
  );
  console.log(
    `  agent RSS: ${(rssOne / 1024).toFixed(1)} MiB with 1 terminal, ${(rssN / 1024).toFixed(1)} MiB for ${TERMINALS} in ${AGENTS} agent(s) after the load: ${((rssN - AGENTS * rssOne) / (TERMINALS - AGENTS)).toFixed(0)} KiB per terminal`,
  );
} finally {
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch {}
  }
  rmSync(dir, { recursive: true, force: true });
  setTimeout(() => process.exit(0), 1000).unref();
}
