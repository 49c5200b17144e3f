import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NatsConnection, wsconnect } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectRemote } from '../src/index.js';
import type { Agent } from '../src/node.js';
import { freePort, type NatsServer, startNatsServer } from './nats-server.js';
import { hasNatsServer, simulated, startAgent } from './support.js';

const nats = hasNatsServer();

// What a browser POS does: NATS over WebSocket (wsconnect), with the browser-safe entry of the package.
// Node 20 has no global WebSocket, so the `ws` package stands in for the browser's.
describe.skipIf(!nats)('a remote terminal over NATS-over-WebSocket (the browser path)', () => {
  let dir: string;
  let server: NatsServer;
  let agent: Agent;
  let nc: NatsConnection;

  beforeAll(async () => {
    (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
    dir = mkdtempSync(join(tmpdir(), 'bluechip-ws-'));
    const wsPort = await freePort();
    server = await startNatsServer({
      name: 'wsnats',
      dir,
      port: await freePort(),
      extra: `websocket { host: 127.0.0.1, port: ${wsPort}, no_tls: true }`,
    });
    agent = await startAgent(server.url, { site: 'web', terminals: [simulated('lane1')] });
    nc = await wsconnect({ servers: `ws://127.0.0.1:${wsPort}` });
  }, 30_000);

  afterAll(async () => {
    await nc?.close();
    await agent?.close();
    await server?.stop('SIGKILL');
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('sells, gets progress, and finds the outcome in the stream', async () => {
    const lane = connectRemote({ nats: nc, site: 'web', terminal: 'lane1' });
    const seen: string[] = [];
    const outcome = await lane.sale(
      { amount: 2500 },
      { idempotencyKey: 'web-1', onProgress: (p) => seen.push(p.type) },
    );
    expect(outcome.kind).toBe('approved');
    expect(seen).toContain('started');
    expect((await lane.findOutcome({ idempotencyKey: 'web-1' }))?.flowId).toBe(outcome.flowId);
  });
});
