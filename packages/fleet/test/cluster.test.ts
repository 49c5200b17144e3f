import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRemote } from '../src/index.js';
import type { Agent } from '../src/node.js';
import { freePort, type NatsServer, startNatsServer } from './nats-server.js';
import { eventually, hasNatsServer, natsClient, simulated, startAgent, streamRecords } from './support.js';

const nats = hasNatsServer();

describe.skipIf(!nats)('a store agent as a leaf node of a three-node hub cluster', () => {
  let dir: string;
  const hub: NatsServer[] = [];
  let leaf: NatsServer;
  let agent: Agent;
  let nc: NatsConnection;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bluechip-cluster-'));
    const ports = await Promise.all(
      [0, 1, 2].map(async () => ({
        client: await freePort(),
        route: await freePort(),
        leaf: await freePort(),
      })),
    );
    const routes = ports.map((p) => p.route);
    hub.push(
      ...(await Promise.all(
        ports.map((p, i) =>
          startNatsServer({
            name: `hub${i}`,
            dir,
            domain: 'hub',
            port: p.client,
            cluster: { port: p.route, routes },
            leafPort: p.leaf,
          }),
        ),
      )),
    );
    // The store's own server: no JetStream of its own, it dials out to the hub (no inbound port at the store).
    leaf = await startNatsServer({
      name: 'store-leaf',
      dir,
      port: await freePort(),
      jetstream: false,
      leafRemotes: ports.map((p) => p.leaf),
    });
    nc = await natsClient(hub.map((s) => s.url));
    // JetStream in a cluster needs a meta leader before a replicated stream can be made.
    await eventually(async () => ((await (await jetstreamManager(nc)).getAccountInfo()) ? true : null), 150);
    agent = await eventually(
      () =>
        startAgent(leaf.url, {
          site: 'store7',
          stream: { replicas: 3, domain: 'hub' },
          terminals: [simulated('lane1')],
        }),
      30,
      500,
    );
    // The agent serves once the leaf confirmed its subscriptions; the hub learns of them a little later
    // (leaf-node interest propagation), so a first sale could find no responders. Wait until a hub client
    // reaches the agent, with a request that sells nothing.
    await eventually(() => connectRemote({ nats: nc, site: 'store7', terminal: 'lane1' }).status(), 150, 200);
  }, 90_000);

  afterAll(async () => {
    await nc?.close();
    await agent?.close();
    await Promise.all([leaf, ...hub].filter((s) => s !== undefined).map((s) => s.stop('SIGKILL')));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('a POS on the hub sells through the leaf; the outcome is in the replicated stream', async () => {
    const lane = connectRemote({ nats: nc, site: 'store7', terminal: 'lane1' });
    const outcome = await lane.sale({ amount: 990 }, { idempotencyKey: 'hub-1' });
    expect(outcome.kind).toBe('approved');
    const info = await (await jetstreamManager(nc)).streams.info('BLUECHIP_OUTCOMES');
    expect(info.config.num_replicas).toBe(3);
    expect((await lane.findOutcome({ idempotencyKey: 'hub-1' }))?.flowId).toBe(outcome.flowId);
  }, 30_000);

  it('one hub node killed: sales go on and are recorded (two of three replicas are a quorum)', async () => {
    await hub[2]?.stop('SIGKILL');
    const lane = connectRemote({ nats: nc, site: 'store7', terminal: 'lane1' });
    const outcome = await eventually(
      () => lane.sale({ amount: 991 }, { idempotencyKey: 'hub-2', requestTimeoutMs: 4_000 }),
      20,
      500,
    );
    expect(outcome.kind).toBe('approved');
    expect(outcome.recorded).toBeUndefined();
    // The JetStream API may time out while the cluster elects a new meta leader: ask again.
    const records = await eventually(
      async () => (await streamRecords(nc)).filter((r) => r.idempotencyKey === 'hub-2'),
      20,
      500,
    );
    expect(records).toHaveLength(1);
  }, 120_000);
});
