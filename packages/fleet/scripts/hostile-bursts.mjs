// The agent's resident memory under repeated bursts of hostile requests (issue 24, defect 12): one
// `bluechip agent` (a child process, one simulated terminal), a real nats-server on loopback, and this process
// sending B bursts of 440 requests (40 of about 900 KB, 400 small bad ones: deep nesting, invalid UTF-8,
// prototype-named keys, malformed JSON, wrong types), waiting for every reply, then reading the agent's RSS.
// A measurement, not a test: it prints the numbers. Linux only (/proc). Bounded: B ≤ 100, children killed.
// Run after `npx tsc -b`: node packages/fleet/scripts/hostile-bursts.mjs [--bursts 20]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';

const at = process.argv.indexOf('--bursts');
const BURSTS = Math.max(1, Math.min(at < 0 ? 20 : Number(process.argv[at + 1]), 100));
const CLI = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));
const dir = mkdtempSync(join(os.tmpdir(), 'bluechip-hostile-'));
const children = [];

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

function start(command, args, readyWhen, stream) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start: ${log}`)), 60_000);
    child[stream].on('data', (chunk) => {
      log = (log + chunk).slice(-4000);
      if (log.includes(readyWhen)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`${command} exited ${code}: ${log}`)));
  });
}

const rssMiB = (pid) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return line === null ? Number.NaN : Math.round(Number(line[1]) / 1024);
};

const encode = (text) => new TextEncoder().encode(text);
const nested = (depth) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const large = [
  encode(`{"amount":100,"note":"${'x'.repeat(900_000)}"}`),
  encode(`{"amount":"${'9'.repeat(900_000)}"}`),
  encode(`{"amount":${nested(6000)},"pad":"${'p'.repeat(880_000)}"}`),
  Uint8Array.from([...encode(`{"idempotencyKey":"${'k'.repeat(899_000)}`), 0xfc, ...encode('"}')]),
];
const small = [
  encode(`{"amount":${nested(5000)}}`),
  Uint8Array.from([...encode('{"amount":100,"idempotencyKey":"order-M'), 0xfc, ...encode('ller"}')]),
  encode('{"amount":"12","constructor":"x"}'),
  encode('{"__proto__":{"amount":1},"amount":[]}'),
  encode('{"amount":'),
  encode('[1,2,3]'),
  encode(`{"amount":100,"idempotencyKey":"${'k'.repeat(3000)}"}`),
  encode('{"amount":1e400}'),
];

try {
  const port = await freePort();
  await start(
    '/usr/sbin/nats-server',
    ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(dir, 'nats')],
    'Server is ready',
    'stderr',
  );
  const config = join(dir, 'agent.json');
  writeFileSync(
    config,
    JSON.stringify({
      site: 'hostile',
      nats: { servers: `nats://127.0.0.1:${port}` },
      terminals: [{ id: 'lane1', simulator: true }],
    }),
  );
  const agent = await start(process.execPath, [CLI, 'agent', '--config', config], 'serving', 'stdout');
  const nc = await connect({ servers: `nats://127.0.0.1:${port}` });
  const subject = (method) => `bluechip.hostile.lane1.${method}`;
  console.log(`agent pid ${agent.pid}, RSS at start ${rssMiB(agent.pid)} MiB`);
  const rss = [];
  for (let burst = 1; burst <= BURSTS; burst++) {
    const requests = [];
    for (let i = 0; i < 40; i++)
      requests.push(nc.request(subject('sale'), large[i % large.length], { timeout: 120_000 }));
    for (let i = 0; i < 400; i++) {
      const method = i % 4 === 0 ? 'refund' : 'sale';
      requests.push(nc.request(subject(method), small[i % small.length], { timeout: 120_000 }));
    }
    const replies = await Promise.allSettled(requests);
    const unanswered = replies.filter((r) => r.status === 'rejected').length;
    rss.push(rssMiB(agent.pid));
    console.log(
      `burst ${burst}: ${replies.length - unanswered} replies, ${unanswered} unanswered, RSS ${rss.at(-1)} MiB`,
    );
  }
  console.log(`RSS after each burst (MiB): ${rss.join(', ')}`);
  await nc.close();
} finally {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
