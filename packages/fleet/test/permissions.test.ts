import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRemote } from '../src/index.js';
import { type Agent, OutcomeStore, SubscriptionRefusedError } from '../src/node.js';
import { buildCli, spawnAgent } from './agent-process.js';
import { freePort, type NatsServer, startNatsServer } from './nats-server.js';
import { hasNatsServer, simulated, startAgent } from './support.js';

const nats = hasNatsServer();

// The sample of docs/fleet.md ("Security"), with plain passwords for the test.
const ACCOUNTS = `
accounts {
  FLEET {
    jetstream: enabled
    users: [
      { user: admin, password: admin }
      { user: store-042, password: s42,
        permissions: {
          subscribe: { allow: ["bluechip.store-042.>", "_INBOX.>"] }
          publish: { allow: ["bluechip-events.store-042.>",
                             "$JS.API.INFO", "$JS.API.STREAM.INFO.BLUECHIP_OUTCOMES",
                             "$JS.API.STREAM.MSG.GET.BLUECHIP_OUTCOMES"] }
          allow_responses: true
        } }
      { user: pos-backend, password: pos,
        permissions: {
          publish: { allow: ["bluechip.*.*.>", "$JS.API.INFO", "$JS.API.STREAM.INFO.BLUECHIP_OUTCOMES",
                             "$JS.API.STREAM.MSG.GET.BLUECHIP_OUTCOMES"] }
          subscribe: { allow: ["bluechip-events.>", "_INBOX.>"] }
        } }
    ]
  }
}`;

describe.skipIf(!nats)("a site's credentials limited to its own subjects (the sample account config)", () => {
  let dir: string;
  let server: NatsServer;
  let admin: NatsConnection;
  let pos: NatsConnection;
  let store: NatsConnection;
  let agent: Agent;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bluechip-perm-'));
    server = await startNatsServer({ name: 'perm', dir, port: await freePort(), extra: ACCOUNTS });
    const as = (user: string, pass: string) => connect({ servers: server.url, user, pass });
    admin = await as('admin', 'admin');
    // The stream is made by an admin; agents get no right to create it.
    await OutcomeStore.open(admin, {}, true);
    pos = await as('pos-backend', 'pos');
    store = await as('store-042', 's42');
    agent = await startAgent(server.url, {
      site: 'store-042',
      nats: { user: 'store-042', pass: 's42' },
      stream: { create: false },
      terminals: [simulated('lane1')],
    });
  }, 30_000);

  afterAll(async () => {
    await agent?.close();
    await Promise.all([admin, pos, store].map((c) => c?.close()));
    await server?.stop('SIGKILL');
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('the agent serves its site with those rights, and the POS back end finds the outcome', async () => {
    const lane = connectRemote({ nats: pos, site: 'store-042', terminal: 'lane1' });
    const outcome = await lane.sale({ amount: 1500 }, { idempotencyKey: 'perm-1' });
    expect(outcome.kind).toBe('approved');
    expect(outcome.recorded).toBeUndefined();
    expect((await lane.findOutcome({ idempotencyKey: 'perm-1' }))?.flowId).toBe(outcome.flowId);
  });

  it("the site cannot receive another site's requests nor publish for another site", async () => {
    const seen: string[] = [];
    const watch = admin.subscribe('bluechip-events.>', { callback: (_e, m) => void seen.push(m?.subject) });
    const stolen: string[] = [];
    const denied: string[] = [];
    const steal = store.subscribe('bluechip.store-043.>', {
      callback: (error, m) => void (error === null ? stolen.push(m.subject) : denied.push(error.message)),
    });
    const own: string[] = [];
    const mine = store.subscribe('bluechip.store-042.probe.>', {
      callback: (_e, m) => void own.push(m?.subject),
    });
    await Promise.all([admin.flush(), store.flush().catch(() => undefined)]);
    admin.publish('bluechip.store-043.lane1.sale', '{}');
    admin.publish('bluechip.store-042.probe.sale', '{}');
    store.publish('bluechip-events.store-043.lane1.outcome.k.eA', '{}');
    store.publish('bluechip-events.store-042.lane1.state', '{}');
    // In order, each flush's PONG comes after what the server delivered before it: admin's publications
    // reach store, then store's reach admin. No sleep.
    await admin.flush();
    await store.flush().catch(() => undefined);
    await admin.flush();
    watch.unsubscribe();
    steal.unsubscribe();
    mine.unsubscribe();
    expect(own).toEqual(['bluechip.store-042.probe.sale']);
    expect(stolen).toEqual([]);
    expect(denied.join()).toMatch(/permission/i);
    expect(seen).toContain('bluechip-events.store-042.lane1.state');
    expect(seen).not.toContain('bluechip-events.store-043.lane1.outcome.k.eA');
  });

  // Issue 24, defect 9: "serving" used to be printed although the server refused every subscription.
  it("an agent whose credentials do not cover its site's subjects fails to start with a typed error", async () => {
    const error = await startAgent(server.url, {
      site: 'store-043',
      nats: { user: 'store-042', pass: 's42' },
      stream: { create: false },
      terminals: [simulated('lane1')],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubscriptionRefusedError);
    expect(error).toMatchObject({ code: 'subscription_refused' });
    expect((error as Error).message).toMatch(/bluechip\.store-043\.lane1\.>.*ermission/);
  });

  it('bluechip agent with such credentials exits non-zero with that message and never prints "serving"', async () => {
    buildCli();
    const agent = spawnAgent(join(dir, 'refused.json'), {
      site: 'store-043',
      nats: { servers: server.url, user: 'store-042', pass: 's42' },
      stream: { create: false },
      terminals: [{ id: 'lane1', simulator: true }],
    });
    await expect(agent.ready).rejects.toThrow(/before serving/);
    expect(await agent.exited).toEqual({ code: 1, signal: null });
    expect(agent.stderr()).toMatch(/NATS refused the subscription\(s\) to bluechip\.store-043\.lane1\.>/);
  }, 90_000);
});
