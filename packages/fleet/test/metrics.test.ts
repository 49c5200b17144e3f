import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRemote, RemoteError } from '../src/index.js';
import {
  type Agent,
  AgentMetrics,
  ConfigError,
  type MetricsServer,
  parseAgentConfig,
  startMetricsServer,
} from '../src/node.js';
import { singleServer } from './nats-server.js';
import { eventually, hasNatsServer, natsClient, simulated, startAgent } from './support.js';

const nats = hasNatsServer();

/** One HTTP GET (or another method) on loopback: status and body. */
function get(
  url: string,
  options: { readonly method?: string; readonly host?: string } = {},
): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        ...(options.host === undefined ? {} : { headers: { host: options.host } }),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The value of one sample of the Prometheus text, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const close = line.indexOf('}');
    const own = line.slice(name.length + 1, close);
    if (Object.entries(labels).every(([k, v]) => own.includes(`${k}="${v}"`))) {
      return Number(line.slice(close + 1).trim());
    }
  }
  return undefined;
}

describe('agent metrics config', () => {
  it('takes a port and an explicit host; refuses unknown keys and bad ports', () => {
    const base = { site: 's1', terminals: [{ id: 'lane1', simulator: true }] };
    expect(parseAgentConfig({ ...base, metrics: { port: 9464 } }).metrics).toEqual({ port: 9464 });
    expect(parseAgentConfig({ ...base, metrics: { port: 0, host: '0.0.0.0' } }).metrics).toEqual({
      port: 0,
      host: '0.0.0.0',
    });
    expect(() => parseAgentConfig({ ...base, metrics: { port: 70000 } })).toThrow(ConfigError);
    expect(() => parseAgentConfig({ ...base, metrics: {} })).toThrow(/metrics.port/);
    expect(() => parseAgentConfig({ ...base, metrics: { port: 1, path: '/x' } })).toThrow(/unknown setting/);
    expect(() => parseAgentConfig({ ...base, metrics: { port: 1, host: 'a b' } })).toThrow(/metrics.host/);
  });
});

describe('the metrics endpoint', () => {
  let endpoint: MetricsServer;
  beforeAll(async () => {
    endpoint = await startMetricsServer(new AgentMetrics('s1', ['lane1'], { processMetrics: false }));
  });
  afterAll(() => endpoint?.close());

  it('docs/observability.md lists every bluechip_agent_ metric', async () => {
    const doc = readFileSync(new URL('../../../docs/observability.md', import.meta.url), 'utf8');
    const registry = new AgentMetrics('s1', ['lane1'], { processMetrics: false }).registry;
    const names = (await registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(doc).toContain(`\`${name}\``);
  });

  it('binds loopback by default', () => {
    expect(endpoint.host).toBe('127.0.0.1');
    expect(endpoint.loopback).toBe(true);
  });

  it('refuses a Host naming another machine (DNS rebinding), other methods and other paths', async () => {
    expect((await get(`${endpoint.url}/metrics`, { host: 'evil.example:80' })).status).toBe(403);
    expect((await get(`${endpoint.url}/metrics`, { method: 'POST' })).status).toBe(405);
    expect((await get(`${endpoint.url}/admin`)).status).toBe(404);
    expect((await get(`${endpoint.url}/metrics`, { host: `localhost:${endpoint.port}` })).status).toBe(200);
  });
});

describe.skipIf(!nats)('bluechip agent /metrics, /healthz, /readyz over a real nats-server', () => {
  let server: Awaited<ReturnType<typeof singleServer>>;
  let metrics: AgentMetrics;
  let endpoint: MetricsServer;
  let agent: Agent | undefined;
  let nc: NatsConnection;

  beforeAll(async () => {
    server = await singleServer();
    nc = await natsClient(server.url);
    metrics = new AgentMetrics('store1', ['lane1', 'lane2']);
    endpoint = await startMetricsServer(metrics);
  }, 30_000);

  afterAll(async () => {
    await endpoint?.close();
    await nc?.close();
    await agent?.close();
    await server?.close();
  });

  it('/readyz is 503 while the agent starts, 200 once subscribed with every link state known; /healthz 200 throughout', async () => {
    const before = await get(`${endpoint.url}/readyz`);
    expect(before.status).toBe(503);
    expect(JSON.parse(before.body)).toMatchObject({
      status: 'not ready',
      missing: [expect.stringMatching(/starting/)],
    });
    expect((await get(`${endpoint.url}/healthz`)).status).toBe(200);

    agent = await startAgent(server.url, { terminals: [simulated('lane1'), simulated('lane2')] }, 'agent', {
      observer: metrics,
    });
    metrics.attach(agent);
    const after = await eventually(async () => {
      const answer = await get(`${endpoint.url}/readyz`);
      return answer.status === 200 ? answer : null;
    });
    expect(JSON.parse(after.body)).toEqual({ status: 'ready' });
    const health = JSON.parse((await get(`${endpoint.url}/healthz`)).body);
    expect(Object.keys(health.linkStates).sort()).toEqual(['lane1', 'lane2']);
  });

  it('counts a remote sale by outcome kind, its request, its publish to the stream and the link state', async () => {
    const lane = connectRemote({ nats: nc, site: 'store1', terminal: 'lane1' });
    expect((await lane.sale({ amount: 1234 }, { idempotencyKey: 'm-1' })).kind).toBe('approved');
    expect((await lane.sale({ amount: 200 }, { idempotencyKey: 'm-2' })).kind).toBe('declined');
    await expect(lane.sale({ amount: -5 })).rejects.toBeInstanceOf(RemoteError);
    // A retry with the same key is answered from the stream: a request, not a second outcome.
    expect((await lane.sale({ amount: 1234 }, { idempotencyKey: 'm-1' })).replayed).toBe(true);

    const scraped = await get(`${endpoint.url}/metrics`);
    expect(scraped.status).toBe(200);
    expect(scraped.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = scraped.body;
    const lane1 = { site: 'store1', terminal: 'lane1' };
    expect(
      sample(text, 'bluechip_agent_outcomes_total', { ...lane1, operation: 'sale', kind: 'approved' }),
    ).toBe(1);
    expect(
      sample(text, 'bluechip_agent_outcomes_total', { ...lane1, operation: 'sale', kind: 'declined' }),
    ).toBe(1);
    expect(sample(text, 'bluechip_agent_requests_total', { ...lane1, method: 'sale' })).toBe(4);
    expect(
      sample(text, 'bluechip_agent_errors_total', { ...lane1, method: 'sale', code: 'invalid_params' }),
    ).toBe(1);
    expect(sample(text, 'bluechip_agent_publish_duration_seconds_count', lane1)).toBe(2);
    expect(sample(text, 'bluechip_agent_publish_failures_total', lane1) ?? 0).toBe(0);
    expect(sample(text, 'bluechip_agent_outbox_depth', lane1)).toBe(0);
    expect(sample(text, 'bluechip_agent_link_state', { ...lane1, state: 'open' })).toBe(1);
    expect(sample(text, 'bluechip_agent_link_state', { ...lane1, state: 'closed' })).toBe(0);
    expect(sample(text, 'bluechip_agent_last_success_timestamp_seconds', lane1)).toBeGreaterThan(0);
    // lane2 took no request: no success time, its link never dialed.
    expect(
      sample(text, 'bluechip_agent_last_success_timestamp_seconds', { terminal: 'lane2' }),
    ).toBeUndefined();
    expect(sample(text, 'bluechip_agent_link_state', { terminal: 'lane2', state: 'idle' })).toBe(1);
    expect(sample(text, 'bluechip_agent_ready', { site: 'store1' })).toBe(1);
    // Card data never: the masked PAN of the approved sale is nowhere in the exposition.
    const ours = text.split('\n').filter((line) => line.startsWith('bluechip_'));
    expect(ours.join('\n')).not.toMatch(/\*{4}|card|pan=|\{[^}]*\d{13,19}/i);
  });

  it('counts an outcome unknown (link dropped mid-sale) and the verdict of its reconciliation', async () => {
    const lane = connectRemote({ nats: nc, site: 'store1', terminal: 'lane2' });
    const error = await lane.sale({ amount: 205 }, { idempotencyKey: 'm-unknown' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    const lane2 = { site: 'store1', terminal: 'lane2' };
    const unknown = sample(
      (await get(`${endpoint.url}/metrics`)).body,
      'bluechip_agent_outcome_unknown_total',
      {
        ...lane2,
        method: 'sale',
      },
    );
    expect(unknown).toBe(1);
    // The next operation reconciles the open flow first (recovery is automatic with the agent's journal).
    expect((await lane.sale({ amount: 1234 }, { idempotencyKey: 'm-after' })).kind).toBe('approved');
    const recovered = await eventually(async () => {
      const text = (await get(`${endpoint.url}/metrics`)).body;
      return sample(text, 'bluechip_agent_reconcile_verdicts_total', { ...lane2, verdict: 'recovered' });
    });
    expect(recovered).toBe(1);
  });

  it('a request naming an unknown method is counted under "unknown", not as a new series', async () => {
    await nc.request('bluechip.store1.lane1.no.such.method', '{}', { timeout: 5_000 });
    const text = (await get(`${endpoint.url}/metrics`)).body;
    expect(sample(text, 'bluechip_agent_requests_total', { terminal: 'lane1', method: 'unknown' })).toBe(1);
    expect(text).not.toContain('no.such.method');
  });
});
