import { startSimulator } from '@bluechip-ws/simulator';
import type { NatsConnection } from '@nats-io/nats-core';
import { firstValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRemote, RemoteError, requestSubject } from '../src/index.js';
import type { Agent } from '../src/node.js';
import { OutcomeStore } from '../src/outcome-store.js';
import { singleServer } from './nats-server.js';
import { eventually, hasNatsServer, natsClient, simulated, startAgent, streamRecords } from './support.js';

const nats = hasNatsServer();

describe.skipIf(!nats)('bluechip agent over a real nats-server', () => {
  let server: Awaited<ReturnType<typeof singleServer>>;
  let agent: Agent;
  let nc: NatsConnection;

  beforeAll(async () => {
    server = await singleServer();
    agent = await startAgent(server.url, { terminals: [simulated('lane1'), simulated('lane2')] });
    nc = await natsClient(server.url);
  }, 30_000);

  afterAll(async () => {
    await nc?.close();
    await agent?.close();
    await server?.close();
  });

  it('answers an approved remote sale once it is in the stream, with progress on the flow subject', async () => {
    const lane = connectRemote({ nats: nc, site: 'store1', terminal: 'lane1' });
    const progress: string[] = [];
    const outcome = await lane.sale(
      { amount: 1234 },
      { idempotencyKey: 'order-approved', onProgress: (p) => progress.push(p.type) },
    );
    expect(outcome.kind).toBe('approved');
    expect(outcome.type).toBe('sale');
    expect(outcome.recorded).toBeUndefined();
    expect(progress).toContain('started');
    // Published before the answer: the stream has it now, no polling.
    const record = await lane.findOutcome({ idempotencyKey: 'order-approved' });
    expect(record).toMatchObject({
      site: 'store1',
      terminal: 'lane1',
      source: 'answer',
      flowId: outcome.flowId,
    });
    expect(record?.outcome.kind).toBe('approved');
    // A caller that only knows the flow id (from `started`) finds the keyed sale too (issue 24, defect 8).
    expect(await lane.findOutcome({ flowId: outcome.flowId })).toEqual(record);
    expect(await lane.findOutcome({ flowId: `${outcome.flowId}-other` })).toBeNull();
    // Masked by the terminal, and nothing more.
    expect(JSON.stringify(record)).not.toMatch(/\d{13,19}/);
  });

  it('a declined card is an outcome, recorded too', async () => {
    const lane = connectRemote({ nats: nc, site: 'store1', terminal: 'lane2' });
    const outcome = await lane.sale({ amount: 200 }, { idempotencyKey: 'order-declined' });
    expect(outcome.kind).toBe('declined');
    expect((await lane.findOutcome({ idempotencyKey: 'order-declined' }))?.outcome.kind).toBe('declined');
  });

  it('the Observable form emits started, then final, then completes', async () => {
    const lane = connectRemote({ nats: nc, site: 'store1', terminal: 'lane2' });
    const updates = await firstValueFrom(lane.sale$({ amount: 201 }).pipe(toArray()));
    expect(updates.map((u) => u.type)).toEqual(['started', 'final']);
    const last = updates[1];
    expect(last?.type === 'final' ? last.outcome.kind : undefined).toBe('cancelled');
    expect(last?.flowId).toBe(updates[0]?.flowId);
  });

  it('a retry with the same idempotency key replays the outcome; the stream holds it exactly once', async () => {
    const lane = connectRemote({ nats: nc, site: 'store1', terminal: 'lane1' });
    const first = await lane.sale({ amount: 555 }, { idempotencyKey: 'order-twice' });
    const second = await lane.sale({ amount: 555 }, { idempotencyKey: 'order-twice' });
    expect(second.replayed).toBe(true);
    expect(second.flowId).toBe(first.flowId);
    const records = (await streamRecords(nc)).filter((r) => r.idempotencyKey === 'order-twice');
    expect(records).toHaveLength(1);
  });

  it('the stream drops a second publication with the same Nats-Msg-Id', async () => {
    const store = await OutcomeStore.open(nc);
    const record = {
      site: 'store1',
      terminal: 'lane9',
      flowId: '42',
      idempotencyKey: 'dup',
      source: 'answer' as const,
      outcome: { kind: 'approved', flowId: '42' },
      at: new Date().toISOString(),
    };
    const a = await store.publish(record);
    const b = await store.publish({ ...record, at: new Date().toISOString() });
    expect(a.duplicate).toBe(false);
    expect(b.duplicate).toBe(true);
    expect(b.seq).toBe(a.seq);
  });

  it('terminals run in parallel; one terminal serves its flows one at a time', async () => {
    const one = connectRemote({ nats: nc, site: 'store1', terminal: 'lane1' });
    const two = connectRemote({ nats: nc, site: 'store1', terminal: 'lane2' });
    const outcomes = await Promise.all([
      one.sale({ amount: 101 }),
      one.sale({ amount: 102 }),
      two.sale({ amount: 103 }),
      two.refund({ amount: 104 }),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['approved', 'approved', 'approved', 'approved']);
    expect(new Set(outcomes.map((o) => o.flowId)).size).toBe(4);
    const flowIds = new Set((await streamRecords(nc)).map((r) => r.flowId));
    for (const o of outcomes) expect(flowIds.has(o.flowId)).toBe(true);
  });

  it('other methods of the bridge table: status, outcome.get; open/close stay local', async () => {
    const lane = connectRemote({ nats: nc, site: 'store1', terminal: 'lane2' });
    const status = await lane.status();
    expect(status.state.kind).toBe('open');
    expect(status.inFlight).toBe(0);
    const journaled = (await lane.journaled({ idempotencyKey: 'order-declined' })) as { state: string };
    expect(journaled.state).toBe('completed');
    const refused = await nc.request(requestSubject('store1', 'lane2', 'terminal.close'), '{}');
    expect(refused.json<{ error: { data: { code: string } } }>().error.data.code).toBe('method_not_found');
  });

  it('bad requests get typed errors, and the agent carries on', async () => {
    const answer = async (method: string, body: string) =>
      (await nc.request(requestSubject('store1', 'lane1', method), body)).json<{
        error?: { code: number; data: { code: string; path?: string } };
      }>();
    expect((await answer('sale', '{not json')).error?.data.code).toBe('parse_error');
    expect((await answer('sale', '[1]')).error?.data.code).toBe('invalid_params');
    expect((await answer('sale', '{"amount":1,"terminalId":"lane2"}')).error?.data.path).toBe(
      'params.terminalId',
    );
    expect((await answer('sale', '{"amount":1,"idempotencyKee":"x"}')).error?.code).toBe(-32602);
    expect((await answer('nope', '{}')).error?.data.code).toBe('method_not_found');
    const lane = connectRemote({ nats: nc, site: 'store1', terminal: 'lane1' });
    expect((await lane.sale({ amount: 7 })).kind).toBe('approved');
  });

  it('a terminal no agent serves is unreachable at once: nothing was sent', async () => {
    const ghost = connectRemote({ nats: nc, site: 'store1', terminal: 'ghost' });
    const error = await ghost.sale({ amount: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).code).toBe('unreachable');
    expect((error as RemoteError).nothingSent).toBe(true);
    expect(() => connectRemote({ nats: nc, site: 'store.1', terminal: 'x' })).toThrow(/site/);
  });

  it('publishes terminal state on its per-terminal subject', async () => {
    const simulator = await startSimulator({ host: '127.0.0.1', port: 0, eventDelayMs: 20 });
    const watched = await startAgent(server.url, {
      site: 'store2',
      terminals: [{ id: 'lane1', url: simulator.url }],
    });
    try {
      const lane = connectRemote({ nats: nc, site: 'store2', terminal: 'lane1' });
      expect((await lane.sale({ amount: 300 })).kind).toBe('approved');
      const states: string[] = [];
      const stop = lane.onState((s) => states.push(s.kind));
      await nc.flush();
      await simulator.close();
      await eventually(async () => (states.some((k) => k !== 'open') ? true : null));
      stop();
      expect(states[0]).not.toBe('open');
    } finally {
      await watched.close();
      await simulator.close();
    }
  });
});
