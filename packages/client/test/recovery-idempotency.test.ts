import { MemoryJournal } from '@bluechip-ws/core';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { cents, FlowRefusedError, OutcomeUnknownError } from '../src/index.js';
import { BASE, PLAIN, type Rig, testRig } from './recovery-support.js';

const setup = testRig;
const saleRequests = (r: Rig) => r.requests.filter((q) => q.type === 'sale');

describe('idempotency keys', () => {
  it('returns the known outcome of a key without sending anything', async () => {
    const r = setup();
    const terminal = r.terminal();
    const first = await r.run(terminal.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'order-1' }));
    expect(first.kind).toBe('approved');
    expect(first.replayed).toBeUndefined();
    const again = await r.run(terminal.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'order-1' }));
    expect(again).toMatchObject({ kind: 'approved', replayed: true, flowId: first.flowId });
    expect(again.result?.referenceNo).toBe(first.result?.referenceNo);
    expect(saleRequests(r)).toHaveLength(1);
    // A declined outcome is an outcome too: replayed, not retried (use a new key for a new attempt).
    const declined = await r.run(terminal.sale({ amount: cents(200) }, { idempotencyKey: 'order-2' }));
    const replay = await r.run(terminal.sale({ amount: cents(200) }, { idempotencyKey: 'order-2' }));
    expect([declined.kind, replay.kind, replay.replayed]).toEqual(['declined', 'declined', true]);
    expect(saleRequests(r)).toHaveLength(2);
  });

  it('the Observable form emits the replayed outcome as its only progress', async () => {
    const r = setup();
    const terminal = r.terminal();
    await r.run(terminal.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'order-1' }));
    const progress = await r.run(
      lastValueFrom(terminal.sale$({ amount: cents(PLAIN) }, { idempotencyKey: 'order-1' }).pipe(toArray())),
    );
    expect(progress.map((p) => p.type)).toEqual(['final']);
    expect(progress[0]?.type === 'final' && progress[0].outcome.replayed).toBe(true);
  });

  it('sends again a key whose earlier flow was refused by the terminal', async () => {
    const r = setup({ scenario: { rules: [{ match: { request: 1 }, reject: 'PINPAD not ready' }] } });
    const terminal = r.terminal();
    const error = await r
      .run(terminal.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'order-1' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowRefusedError);
    const retry = await r.run(terminal.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'order-1' }));
    expect(retry).toMatchObject({ kind: 'approved' });
    expect(retry.replayed).toBeUndefined();
    expect(saleRequests(r)).toHaveLength(2);
  });

  it('an unknown outcome is reconciled first: recovered from the terminal, not charged twice', async () => {
    const r = setup();
    const terminal = r.terminal({ reconnect: false });
    const error = await r
      .run(terminal.sale({ amount: cents(205) }, { idempotencyKey: 'order-1' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'link_closed', outcomeUnknown: true });
    const retry = await r.run(terminal.sale({ amount: cents(205) }, { idempotencyKey: 'order-1' }));
    expect(retry).toMatchObject({ kind: 'approved', replayed: true });
    expect(saleRequests(r)).toHaveLength(1);
    expect(r.sim.snapshot().batch).toHaveLength(1);
    expect(retry.result?.referenceNo).toBe(r.sim.snapshot().batch[0]?.reference_no);
  });

  it('an unknown outcome the terminal never ran is sent again after reconciliation', async () => {
    const r = setup();
    const terminal = r.terminal({ reconnect: false });
    await r.run(terminal.sale({ amount: cents(PLAIN) }));
    await r.advance(10 * 60_000);
    r.network.setFaults({
      toTerminal: [{ match: (f) => f.includes('"type":"sale"'), action: { kind: 'drop' } }],
    });
    const error = await r
      .run(terminal.sale({ amount: cents(PLAIN + 1) }, { idempotencyKey: 'order-2' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'response_timeout' });
    r.network.setFaults({});
    const retry = await r.run(terminal.sale({ amount: cents(PLAIN + 1) }, { idempotencyKey: 'order-2' }));
    expect(retry.kind).toBe('approved');
    expect(retry.replayed).toBeUndefined();
    expect(r.sim.snapshot().batch.map((e) => e.amount)).toEqual([PLAIN, PLAIN + 1]);
    const summary = await r.journal.byIdempotencyKey('order-2');
    expect(summary?.flowId).toBe(retry.flowId);
  });

  it('an outcome that stays unknown is refused with OutcomeUnknownError and what to check', async () => {
    const journal = new MemoryJournal();
    journal.append({
      kind: 'request_sent',
      flowId: 'old',
      at: BASE - 1_000,
      endpoint: '/tsi/v1/payment',
      resource: { type: 'sale', amount: PLAIN },
      idempotencyKey: 'order-9',
    });
    const r = setup({}, journal);
    r.network.setRefuse(() => 'terminal unplugged');
    const terminal = r.terminal({ reconnect: false, recovery: { auto: false } });
    const error = await r
      .run(terminal.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'order-9' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error).toMatchObject({
      code: 'outcome_unknown',
      flowId: 'old',
      idempotencyKey: 'order-9',
      reason: 'unresolved',
    });
    expect((error as OutcomeUnknownError).check).toMatch(
      /could not ask the terminal.*detail report for a sale of 12\.34/,
    );
    expect(r.requests).toEqual([]);
  });

  it("after the operator's verdict the key is settled: not_found sends again, recovered replays", async () => {
    const journal = new MemoryJournal();
    for (const [flowId, key] of [
      ['old-1', 'order-1'],
      ['old-2', 'order-2'],
    ] as const) {
      journal.append({
        kind: 'request_sent',
        flowId,
        at: BASE - 1_000,
        endpoint: '/tsi/v1/payment',
        resource: { type: 'sale', amount: PLAIN },
        idempotencyKey: key,
      });
    }
    const r = setup({}, journal);
    const terminal = r.terminal({ recovery: { auto: false } });
    await expect(terminal.resolveFlow('nope', { verdict: 'failed' })).rejects.toMatchObject({
      code: 'unknown_flow',
    });
    await terminal.resolveFlow('old-1', { verdict: 'not_found', note: 'not on the detail report' });
    const found = {
      status: 'completed',
      results: [{ status: 'approved', type: 'sale', reference_no: '77' }],
    };
    await terminal.resolveFlow('old-2', { verdict: 'recovered', resource: found });
    expect((await journal.flow('old-1'))?.reconciled?.note).toBe(
      'resolved by the operator: not on the detail report',
    );
    expect(await journal.openFlows()).toEqual([]);
    const one = await r.run(terminal.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'order-1' }));
    const two = await r.run(terminal.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'order-2' }));
    expect([one.replayed, two.replayed, two.result?.referenceNo]).toEqual([undefined, true, '77']);
    expect(saleRequests(r)).toHaveLength(1);
  });

  it('a key whose flow is still running is refused as in flight', async () => {
    const r = setup({ eventDelayMs: 5_000 });
    const terminal = r.terminal();
    const first = terminal.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'order-1' });
    const second = terminal.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'order-1' });
    const error = await r.run(second).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'outcome_unknown', reason: 'in_flight' });
    expect((await r.run(first)).kind).toBe('approved');
    expect(saleRequests(r)).toHaveLength(1);
  });

  it('an aborted flow keeps its key until the session has finished it', async () => {
    const r = setup({ eventDelayMs: 5_000 });
    const terminal = r.terminal();
    const controller = new AbortController();
    const first = terminal.sale(
      { amount: cents(PLAIN) },
      { idempotencyKey: 'order-1', signal: controller.signal },
    );
    await r.advance(1_000);
    controller.abort();
    await expect(first).rejects.toMatchObject({ name: 'AbortError', outcomeUnknown: true });
    const during = await r
      .run(terminal.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'order-1' }))
      .catch((e: unknown) => e);
    expect(during).toMatchObject({ reason: 'in_flight' });
    await r.advance(10_000); // the result arrives, unclaimed: journaled and acked
    const after = await r.run(terminal.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'order-1' }));
    expect(after).toMatchObject({ kind: 'approved', replayed: true });
    expect(saleRequests(r)).toHaveLength(1);
  });
});
