import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../../test-support/browser.js';
import { connectRemote } from '../src/index.js';
import { type AgentProcess, buildCli, spawnAgent } from './agent-process.js';
import { freePort, singleServer } from './nats-server.js';
import { eventually, hasNatsServer, natsClient } from './support.js';

/**
 * Debian's Prometheus server scrapes a `bluechip agent` (the CLI, with "metrics" in its config) on loopback,
 * and its HTTP API answers the outcome counter. `.ci/run` installs prometheus; without it the suite is
 * skipped with a warning, except in CI (CI=true), where it fails.
 */
function hasPrometheus(): boolean {
  try {
    execFileSync('prometheus', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const available = hasPrometheus() && hasNatsServer();
const required = process.env.CI === 'true';
if (!available && !required) {
  console.warn(
    "[prometheus.test] skipped: needs Debian's prometheus and nats-server (apt-get install -y prometheus nats-server); .ci/run installs them",
  );
}

interface PrometheusServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts prometheus on a free loopback port with its own storage; resolves once it says it is ready. */
async function startPrometheus(dir: string, target: string): Promise<PrometheusServer> {
  const port = await freePort();
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      'scrape_configs:',
      '  - job_name: bluechip-agent',
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=info',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`prometheus not ready in 60 s:\n${log}`)), 60_000);
    const onData = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-16_000);
      if (log.includes('Server is ready to receive web requests')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`prometheus exited before ready:\n${log}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The screenshot docs/observability.md shows: `UPDATE_SCREENSHOTS=1` writes it to docs/images/ (commit the
 * result), otherwise to a temporary folder so a test run leaves the work tree as it was.
 */
const IMAGES =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? fileURLToPath(new URL('../../../docs/images/', import.meta.url))
    : `${mkdtempSync(join(tmpdir(), 'prometheus-screenshots-'))}/`;

/** Every ```promql block of docs/observability.md: one query each. */
function documentedQueries(): string[] {
  const doc = readFileSync(new URL('../../../docs/observability.md', import.meta.url), 'utf8');
  return [...doc.matchAll(/```promql\n([\s\S]*?)```/g)].map((match) => (match[1] as string).trim());
}

/** One instant query through Prometheus's HTTP API: the first sample's value, or undefined. */
async function query(prometheus: string, promql: string): Promise<number | undefined> {
  const response = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as {
    status: string;
    data?: { result: { value: [number, string] }[] };
  };
  if (body.status !== 'success') throw new Error(`query failed: ${JSON.stringify(body)}`);
  const first = body.data?.result[0];
  return first === undefined ? undefined : Number(first.value[1]);
}

describe.skipIf(!available && !required)('Prometheus scrapes bluechip agent', () => {
  let dir: string;
  let nats: Awaited<ReturnType<typeof singleServer>>;
  let agent: AgentProcess;
  let nc: NatsConnection;
  let prometheus: PrometheusServer;
  let metricsPort: number;

  beforeAll(async () => {
    expect(hasPrometheus(), 'prometheus is missing: apt-get install -y prometheus (.ci/run does)').toBe(true);
    buildCli();
    dir = mkdtempSync(join(tmpdir(), 'bluechip-prometheus-'));
    nats = await singleServer();
    metricsPort = await freePort();
    agent = spawnAgent(join(dir, 'agent.json'), {
      site: 'store1',
      nats: { servers: nats.url },
      metrics: { port: metricsPort },
      terminals: [{ id: 'lane1', simulator: { eventDelayMs: 10 } }],
    });
    await agent.ready;
    nc = await natsClient(nats.url);
    prometheus = await startPrometheus(dir, `127.0.0.1:${metricsPort}`);
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
    await nc?.close();
    if (agent !== undefined && agent.child.exitCode === null) {
      agent.child.kill('SIGTERM');
      await agent.exited;
    }
    await nats?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('the agent says where its metrics are, on loopback', () => {
    expect(agent.stderr()).toContain(`metrics on http://127.0.0.1:${metricsPort}/metrics`);
  });

  it('answers the outcome counter after a few sales, and the agent is up and ready', async () => {
    const lane = connectRemote({ nats: nc, site: 'store1', terminal: 'lane1' });
    for (const key of ['p-1', 'p-2', 'p-3']) {
      expect((await lane.sale({ amount: 1234 }, { idempotencyKey: key })).kind).toBe('approved');
    }
    expect((await lane.sale({ amount: 200 }, { idempotencyKey: 'p-4' })).kind).toBe('declined');

    const approved =
      'bluechip_agent_outcomes_total{site="store1",terminal="lane1",operation="sale",kind="approved"}';
    // Prometheus scrapes every second: wait (bounded) for a scrape that saw all three.
    expect(
      await eventually(async () => ((await query(prometheus.url, approved)) === 3 ? 3 : null), 300),
    ).toBe(3);
    expect(
      await query(prometheus.url, 'sum by (kind) (bluechip_agent_outcomes_total{kind="declined"})'),
    ).toBe(1);
    expect(await query(prometheus.url, 'up{job="bluechip-agent"}')).toBe(1);
    expect(await query(prometheus.url, 'bluechip_agent_ready{site="store1"}')).toBe(1);
    // "Lanes offline" from docs/observability.md: none.
    expect(
      await query(prometheus.url, 'count(bluechip_agent_link_state{state=~"reconnecting|closed"} == 1)'),
    ).toBeUndefined();
  }, 60_000);

  it.skipIf(!chromiumAvailable('prometheus'))(
    "Prometheus's graph page in Chromium shows the outcome counter (the docs' screenshot)",
    async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1100, height: 470 } });
        const expr = 'sum by (terminal, kind) (bluechip_agent_outcomes_total)';
        await page.goto(`${prometheus.url}/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`);
        // The console tab lists each series with its value once the query ran in the page.
        await page.getByText('kind="approved"').first().waitFor({ timeout: 30_000 });
        await page.screenshot({ path: `${IMAGES}prometheus-outcomes.png` });
      } finally {
        await browser.close();
      }
    },
    60_000,
  );

  it('runs every query of docs/observability.md (each parses and evaluates)', async () => {
    const queries = documentedQueries();
    expect(queries.length).toBeGreaterThanOrEqual(7);
    for (const promql of queries) await query(prometheus.url, promql);
    // The agent's view of "lanes offline" holds no lane, and its "outbox behind" none.
    expect(await query(prometheus.url, queries[0] as string)).toBeUndefined();
  });
});
