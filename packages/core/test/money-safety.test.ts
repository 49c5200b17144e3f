import { describe, expect, it } from 'vitest';
import { type FlowEvent, type FlowSummary, JournalError, MemoryJournal, type Session } from '../src/index.js';
import { approved, harness, proceed } from './support/harness.js';

const SALE = { type: 'sale', amount: 6417 };

const declined = (reference = '4'): Record<string, unknown> => ({
  status: 'completed',
  results: [{ status: 'declined', type: 'sale', reference_no: reference, total_amount: '6417' }],
});

/** The status of the first result of a summary's final answer. */
function resultStatus(summary: FlowSummary | undefined): unknown {
  const results = summary?.final?.results;
  return Array.isArray(results) ? (results[0] as { status?: unknown } | undefined)?.status : undefined;
}

/** Lets the session's journal look-ups (promises) run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A generator that hands out `ids` in order, then keeps repeating the last one. */
function idsOf(...ids: string[]): () => string {
  let next = 0;
  return () => ids[Math.min(next++, ids.length - 1)]!;
}

function startFlow(h: ReturnType<typeof harness>, options: Parameters<Session['flow']>[2] = {}) {
  const flow = h.record(h.session.flow('payment', SALE, options));
  h.advance();
  const id = h.terminal.lastFlowId();
  h.terminal.started(id);
  h.advance();
  return { flow, id };
}

describe('a flow id drawn again never merges two flows (defect 1)', () => {
  it('a generated id the journal still knows is skipped: the new flow gets an id of its own', async () => {
    const journal = new MemoryJournal();
    const first = harness({ journal, flowIds: idsOf('100001') });
    const a = startFlow(first, { idempotencyKey: 'order-1' });
    first.terminal.event(a.id, approved('1'));
    first.advance();
    first.session.close();

    // A new process on the same journal whose generator draws the same id again.
    const second = harness({ journal, flowIds: idsOf('100001', '100001', '100002') });
    const b = startFlow(second, { idempotencyKey: 'order-2' });
    expect(b.id).toBe('100002');
    second.terminal.event(b.id, declined('2'));
    second.advance();
    const old = await journal.byIdempotencyKey('order-1');
    expect(old?.flowId).toBe('100001');
    expect(resultStatus(old)).toBe('approved');
    const fresh = await journal.byIdempotencyKey('order-2');
    expect(resultStatus(fresh)).toBe('declined');
  });

  it('an explicit flow id the journal knows is a typed error before anything is sent', () => {
    const journal = new MemoryJournal();
    const first = harness({ journal });
    const a = startFlow(first, { flowId: '424242' });
    first.terminal.event(a.id, approved());
    first.advance();
    const again = first.record(first.session.flow('payment', SALE, { flowId: '424242' }));
    first.advance();
    expect(again.error).toMatchObject({ code: 'flow_id_reused', outcomeUnknown: false, flowId: '424242' });
    expect(first.terminal.requests()).toHaveLength(1);
  });

  it('the journal itself refuses to fold a second request into a known flow', () => {
    const journal = new MemoryJournal();
    const request = { kind: 'request_sent', flowId: '7', at: 1, endpoint: '/tsi/v1/payment', resource: SALE };
    journal.append(request as never);
    expect(() => journal.append({ ...request, at: 2 } as never)).toThrow(JournalError);
    expect(() => journal.append({ ...request, at: 2 } as never)).toThrow(/flow 7/);
  });

  it('gives up with a typed error when the generator only repeats known ids', () => {
    const journal = new MemoryJournal();
    const h = harness({ journal, flowIds: idsOf('555555') });
    const a = startFlow(h);
    h.terminal.event(a.id, approved());
    h.advance();
    const stuck = h.record(h.session.flow('payment', SALE));
    h.advance();
    expect(stuck.error).toMatchObject({ code: 'flow_id_reused', outcomeUnknown: false });
    expect(h.terminal.requests()).toHaveLength(1);
  });
});

describe('the first final answer is the outcome (defects 2 and 3)', () => {
  it('manual mode: a second, different final is acked, journaled as a conflict and surfaced, never lost', async () => {
    const h = harness({ ackMode: 'manual' });
    const { flow, id } = startFlow(h, { idempotencyKey: 'order-1' });
    h.terminal.event(id, approved());
    h.advance();
    h.terminal.event(id, declined());
    h.advance();
    // The consumer saw only the first final.
    expect(flow.updates.filter((u) => u.type === 'event')).toHaveLength(1);
    // The conflicting one is acked so the terminal stops resending, and it is on unclaimed$ as a conflict.
    expect(h.terminal.acks(id)).toHaveLength(1);
    expect(h.unclaimed).toHaveLength(1);
    expect(h.unclaimed[0]).toMatchObject({
      flowId: id,
      reason: 'conflicting_final',
      acked: true,
      final: true,
    });
    expect(h.diagnostics.some((d) => d.kind === 'conflicting_final' && d.flowId === id)).toBe(true);
    // Its resend is re-acked, not held.
    h.terminal.event(id, declined());
    h.advance();
    expect(h.terminal.acks(id)).toHaveLength(2);
    // The journal keeps the first result; the first final is still not acked by the consumer.
    const summary = await h.journal.byIdempotencyKey('order-1');
    expect(resultStatus(summary)).toBe('approved');
    expect(summary?.finalAcked).toBe(false);
    expect(summary?.conflict).toBe(true);
    expect(summary?.conflicts).toHaveLength(1);
    (flow.updates[1] as FlowEvent).ack();
    h.advance();
    expect(flow.completed).toBe(true);
    expect((await h.journal.flow(id))?.finalAcked).toBe(true);
  });

  it('auto mode: a later conflicting final never replaces the journal result', async () => {
    const h = harness();
    const { flow, id } = startFlow(h, { idempotencyKey: 'order-1' });
    h.terminal.event(id, approved());
    h.advance();
    expect(flow.completed).toBe(true);
    h.terminal.event(id, declined());
    h.advance();
    expect(h.terminal.acks(id)).toHaveLength(2);
    expect(h.unclaimed.map((u) => u.reason)).toEqual(['conflicting_final']);
    expect(h.diagnostics.filter((d) => d.kind === 'conflicting_final')).toHaveLength(1);
    const summary = await h.journal.byIdempotencyKey('order-1');
    expect(resultStatus(summary)).toBe('approved');
    expect(summary?.finalAcked).toBe(true);
    expect(summary?.conflict).toBe(true);
    expect(await h.journal.openFlows()).toEqual([]);
  });

  it('a repeat of the same final is a duplicate, not a conflict', async () => {
    const h = harness();
    const { id } = startFlow(h);
    h.terminal.event(id, approved());
    h.advance();
    h.terminal.event(id, approved());
    h.advance();
    expect(h.unclaimed).toEqual([]);
    expect((await h.journal.flow(id))?.conflict).toBeFalsy();
  });
});

describe('after a restart, a resend of a final acked earlier is recognised (defect 5)', () => {
  it('is re-acked from the journal and not reported as new money', async () => {
    const journal = new MemoryJournal();
    const first = harness({ journal });
    const { id } = startFlow(first);
    first.terminal.event(id, approved());
    first.advance();
    expect(first.terminal.acks(id)).toHaveLength(1);
    first.session.close();

    const second = harness({ journal });
    second.record(second.session.flow('admin', { type: 'terminal_info' }));
    second.advance();
    second.terminal.event(id, approved());
    second.advance();
    await settle();
    second.advance();
    expect(second.terminal.acks(id)).toHaveLength(1);
    expect(second.unclaimed).toEqual([]);
    expect(second.diagnostics.some((d) => d.kind === 'duplicate_event' && d.flowId === id)).toBe(true);
  });

  it('a different final for a flow settled by an earlier process is a conflict', async () => {
    const journal = new MemoryJournal();
    const first = harness({ journal });
    const { id } = startFlow(first);
    first.terminal.event(id, approved());
    first.advance();
    first.session.close();

    const second = harness({ journal });
    second.record(second.session.flow('admin', { type: 'terminal_info' }));
    second.advance();
    second.terminal.event(id, declined());
    second.advance();
    await settle();
    second.advance();
    expect(second.terminal.acks(id)).toHaveLength(1);
    expect(second.unclaimed.map((u) => u.reason)).toEqual(['conflicting_final']);
    const summary = await journal.flow(id);
    expect(resultStatus(summary)).toBe('approved');
    expect(summary?.conflict).toBe(true);
  });
});

describe('bounded memory against a hostile peer (defect 4)', () => {
  it('proceed events for unknown flows do not stay open in the journal, and the journal stays bounded', async () => {
    const journal = new MemoryJournal({ maxFlows: 100 });
    const h = harness({ journal });
    h.record(h.session.flow('admin', { type: 'terminal_info' }));
    h.advance();
    for (let i = 0; i < 1_000; i++) h.terminal.event(String(900_000 + i), proceed);
    h.advance();
    expect(await journal.openFlows()).toHaveLength(1); // only our own terminal_info
    expect(journal.size).toBeLessThanOrEqual(101);
    expect(h.unclaimed.length).toBeGreaterThan(0);
  });

  it('the seen-events record of one flow is bounded, and a final is still recognised after many events', () => {
    const h = harness({ seenEvents: { maxEntries: 32 } });
    const { flow, id } = startFlow(h);
    for (let i = 0; i < 500; i++) h.terminal.event(id, { status: 'proceed', step: i });
    h.advance();
    expect(h.session.stats().seenEvents).toBeLessThanOrEqual(32);
    h.terminal.event(id, approved());
    h.advance();
    expect(flow.completed).toBe(true);
    h.terminal.event(id, approved());
    h.advance();
    expect(h.unclaimed).toEqual([]);
    expect(h.session.stats().seenEvents).toBeLessThanOrEqual(32);
  });

  it('finished flows keep only what re-acks their final', () => {
    const h = harness({ memory: 8 });
    for (let n = 0; n < 20; n++) {
      const { id } = startFlow(h);
      for (let i = 0; i < 10; i++) h.terminal.event(id, { status: 'proceed', step: i });
      h.terminal.event(id, approved(String(n)));
      h.advance();
    }
    // 8 remembered flows, each keeping its final (and no intermediate events).
    expect(h.session.stats().rememberedFlows).toBe(8);
    expect(h.session.stats().seenEvents).toBeLessThanOrEqual(8);
  });
});

describe('finished flows keep their final as bytes (TextPages)', () => {
  const final = (n: number) => approved(`Zoë-${n} 🎉`);

  it('re-acks a resend in the same bytes or in other bytes, and judges a different final against it', () => {
    const h = harness({ memory: 4 });
    const ids: string[] = [];
    for (let n = 0; n < 1000; n++) {
      const { id } = startFlow(h);
      h.terminal.event(id, final(n));
      h.advance();
      ids.push(id);
    }
    // 4 remembered flows: their finals fill part of one page, and forgotten ones free theirs for reuse.
    const texts = (h.session as unknown as { table: { orphanContext: { texts: { made: number } } } }).table
      .orphanContext.texts;
    expect(texts.made).toBeLessThanOrEqual(2);
    expect(h.session.stats().seenEvents).toBe(4);
    const [a, b, c] = ids.slice(-3) as [string, string, string];
    const acked = (id: string) => h.terminal.acks(id).length;
    h.terminal.event(a, final(997));
    h.terminal.send(`{ "event": { "flow_id": "${b}", "resource": ${JSON.stringify(final(998), null, 2)} } }`);
    h.advance();
    expect([acked(a), acked(b)]).toEqual([2, 2]);
    expect(h.unclaimed).toEqual([]);
    h.terminal.event(c, approved('another'));
    h.advance();
    expect(acked(c)).toBe(2);
    expect(h.unclaimed.map((u) => u.reason)).toEqual(['conflicting_final']);
    const conflict = h.diagnostics.find((d) => d.kind === 'conflicting_final');
    expect(conflict).toMatchObject({ flowId: c, first: final(999) });
  });
});

describe('a journal without has()', () => {
  it('is refused when the session is made, with a typed error (flow ids could not be kept unique)', () => {
    const legacy = {
      append: () => undefined,
      openFlows: async () => [],
      flow: async () => undefined,
      byIdempotencyKey: async () => undefined,
      close: async () => undefined,
    };
    expect(() => harness({ journal: legacy as never })).toThrow(JournalError);
    expect(() => harness({ journal: legacy as never })).toThrow(/has\(flowId\)/);
  });
});

describe('a conflicting final resent while it is being journaled', () => {
  it('gets one ack per copy, like any accepted event', async () => {
    const journal = new MemoryJournal();
    const durable = journal.append.bind(journal);
    // Durable one microtask later, as a file journal is (later): copies arriving meanwhile are held.
    const slow = Object.assign(Object.create(journal) as MemoryJournal, {
      append: (record: Parameters<MemoryJournal['append']>[0]) =>
        Promise.resolve().then(() => durable(record)),
    });
    const h = harness({ journal: slow });
    const step = async () => {
      h.advance();
      await settle();
      h.advance();
    };
    h.record(h.session.flow('payment', SALE));
    await step();
    const id = h.terminal.lastFlowId();
    h.terminal.started(id);
    await step();
    h.terminal.event(id, approved());
    h.advance();
    await settle();
    h.advance();
    h.terminal.event(id, declined());
    h.terminal.event(id, declined());
    h.advance();
    await settle();
    h.advance();
    // One ack for the approval, two for the two copies of the conflicting final.
    expect(h.terminal.acks(id)).toHaveLength(3);
    expect(h.unclaimed.map((u) => u.reason)).toEqual(['conflicting_final']);
  });
});
