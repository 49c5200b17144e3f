import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callBridge } from '../src/bridge-call.js';
import { connectRemote, RemoteError } from '../src/index.js';
import { OUTBOX_FILE, QUARANTINE_FILE } from '../src/outbox-log.js';
import type { OutcomeRecord } from '../src/outcome-store.js';
import { outcomeMsgId } from '../src/subjects.js';
import { singleServer } from './nats-server.js';
import { eventually, hasNatsServer, natsClient, simulated, startAgent, streamRecords } from './support.js';

/** Issue 24, defect 7: a long key must never leave an outcome out of the stream nor stop an agent. */
describe.skipIf(!hasNatsServer())('long idempotency keys and outcomes the stream cannot take', () => {
  let server: Awaited<ReturnType<typeof singleServer>>;
  let nc: NatsConnection;
  const dir = mkdtempSync(join(tmpdir(), 'bluechip-poison-'));

  beforeAll(async () => {
    server = await singleServer();
    nc = await natsClient(server.url);
  }, 30_000);

  afterAll(async () => {
    await nc?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a key over the maximum is refused with -32602 before anything is charged or recorded', async () => {
    const agent = await startAgent(server.url, { site: 'keys', terminals: [simulated('lane1')] });
    try {
      const lane = connectRemote({ nats: nc, site: 'keys', terminal: 'lane1' });
      const before = (await streamRecords(nc)).length;
      const error = await lane.sale({ amount: 1234 }, { idempotencyKey: 'k'.repeat(3000) }).catch((e) => e);
      expect(error).toBeInstanceOf(RemoteError);
      expect(error).toMatchObject({
        code: 'agent_error',
        details: {
          rpcCode: -32602,
          data: { path: 'params.idempotencyKey', reason: 'too_long', maxLength: 256 },
        },
      });
      expect((error as RemoteError).nothingSent).toBe(true);
      // The bridge itself (every binding's door) refuses it the same way, from the client's rule.
      const direct = await callBridge(agent.bridge, 'sale', {
        terminalId: 'lane1',
        amount: 1234,
        idempotencyKey: 'k'.repeat(257),
      });
      expect('error' in direct && direct.error).toMatchObject({
        code: -32602,
        data: { code: 'invalid_params', reason: 'too_long' },
      });
      expect((await lane.status()).openFlows).toBe(0);
      expect((await streamRecords(nc)).length).toBe(before);
      // The longest allowed key sells and is found again by its key.
      const key = 'é'.repeat(256);
      const outcome = await lane.sale({ amount: 1234 }, { idempotencyKey: key });
      expect(outcome.kind).toBe('approved');
      expect((await lane.findOutcome({ idempotencyKey: key }))?.flowId).toBe(outcome.flowId);
    } finally {
      await agent.close();
    }
  }, 60_000);

  it('an agent restarted on an outbox with a 3500-character key and an oversize record serves, publishes the one and quarantines the other', async () => {
    const journalDir = join(dir, 'lane1');
    mkdirSync(journalDir, { recursive: true });
    const record = (flowId: string, extra: object): OutcomeRecord => ({
      site: 'poison',
      terminal: 'lane1',
      flowId,
      source: 'answer',
      outcome: { kind: 'approved', flowId },
      at: new Date().toISOString(),
      ...extra,
    });
    const longKey = `order-${'x'.repeat(3500)}`;
    const keyed = record('flow-long-key', { idempotencyKey: longKey });
    // Over the server's max_payload (1 MB by default): no retry can ever publish it.
    const huge = record('flow-huge', {
      outcome: { kind: 'approved', flowId: 'flow-huge', pad: 'p'.repeat(1_100_000) },
    });
    const lines = [
      { id: await outcomeMsgId('poison', 'lane1', { idempotencyKey: longKey }), add: keyed },
      { id: await outcomeMsgId('poison', 'lane1', { flowId: 'flow-huge' }), add: huge },
    ];
    writeFileSync(join(journalDir, OUTBOX_FILE), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);

    const agent = await startAgent(server.url, {
      site: 'poison',
      terminals: [{ ...simulated('lane1'), journalDir }],
    });
    try {
      expect(agent.terminals).toEqual(['lane1']);
      const lane = connectRemote({ nats: nc, site: 'poison', terminal: 'lane1' });
      // The long-key outcome reaches the stream (its subject holds a hash of the key) and is found by key.
      // Waits for the outbox (retried every second) to get there: bounded, generous, not a speed check.
      const found = await eventually(() => lane.findOutcome({ idempotencyKey: longKey }), 600);
      expect(found.flowId).toBe('flow-long-key');
      // The oversize one is set aside, reported, and blocks nothing.
      await eventually(async () => (agent.quarantinedTotal > 0 ? true : null), 600);
      expect(agent.quarantined.map((q) => q.flowId)).toEqual(['flow-huge']);
      expect(agent.quarantined[0]?.reason).toMatch(/max_payload/);
      expect((await lane.sale({ amount: 1234 })).kind).toBe('approved');
    } finally {
      await agent.close();
    }
    const quarantined = readFileSync(join(journalDir, QUARANTINE_FILE), 'utf8').trim().split('\n');
    expect(quarantined).toHaveLength(1);
    expect(JSON.parse(quarantined[0] as string).record.flowId).toBe('flow-huge');

    // A second start does not retry it, and says it is there.
    const again = await startAgent(server.url, {
      site: 'poison',
      terminals: [{ ...simulated('lane1'), journalDir }],
    });
    try {
      expect(again.terminals).toEqual(['lane1']);
      expect(again.quarantinedTotal).toBe(1);
      expect(again.unpublished).toBe(0);
    } finally {
      await again.close();
    }
  }, 90_000);
});
