import { describe, expect, it } from 'vitest';
import { type FlowEvent, FlowTimeoutError, stageOf, TIMEOUT_STAGES } from '../src/internal.js';
import { approved, harness, proceed } from './support/harness.js';

const SALE = { type: 'sale', amount: 6417 };

describe('one table of timeout stages', () => {
  it('names each stage once: setting, code and whether the outcome is unknown', () => {
    expect(Object.keys(TIMEOUT_STAGES)).toEqual(['queue', 'response', 'event_gap', 'ack', 'flow']);
    for (const [stage, spec] of Object.entries(TIMEOUT_STAGES)) expect(stageOf(spec.code)).toBe(stage);
    expect(new FlowTimeoutError('queue_timeout', '1', 5).outcomeUnknown).toBe(false);
    expect(new FlowTimeoutError('response_timeout', '1', 5).message).toMatch(/no response.*within 5 ms/);
  });
});

describe('every phase has a deadline (virtual time)', () => {
  it('manual mode: a final never acked fails the flow after ackMs, frees the slot, and stays recoverable', async () => {
    const h = harness({ ackMode: 'manual', timeouts: { ackMs: 30_000 } });
    const first = h.record(h.session.flow('payment', SALE, { idempotencyKey: 'order-1' }));
    const queued = h.record(h.session.flow('payment', { type: 'sale', amount: 100 }));
    h.advance();
    expect(h.terminal.requests()).toHaveLength(1);
    const id = h.terminal.lastFlowId();
    h.terminal.started(id);
    h.terminal.event(id, approved());
    h.advance(29_999);
    expect(first.error).toBeUndefined();
    expect(h.terminal.requests()).toHaveLength(1); // the queued flow still waits behind the unacked final
    h.advance(1);
    expect(first.error).toBeInstanceOf(FlowTimeoutError);
    expect(first.error).toMatchObject({ code: 'ack_timeout', outcomeUnknown: false });
    // The final is surfaced and acked under the unclaimed policy, and the journal keeps it for the key.
    expect(h.unclaimed).toMatchObject([{ flowId: id, reason: 'timed_out', final: true, acked: true }]);
    expect(h.terminal.acks(id)).toHaveLength(1);
    expect(await h.journal.byIdempotencyKey('order-1')).toMatchObject({ finalAcked: true });
    // The slot is free: the queued flow goes out.
    expect(h.terminal.requests()).toHaveLength(2);
    expect(queued.error).toBeUndefined();
    // A late ack from the consumer is harmless.
    (first.updates[1] as FlowEvent).ack();
    h.advance();
    expect(h.terminal.acks(id)).toHaveLength(1);
  });

  it('manual mode: a proceed never acked fails the flow with the outcome unknown', () => {
    const h = harness({ ackMode: 'manual', timeouts: { ackMs: 10_000 } });
    const flow = h.record(h.session.flow('payment', SALE));
    h.advance();
    const id = h.terminal.lastFlowId();
    h.terminal.started(id);
    h.terminal.event(id, proceed);
    h.advance(10_000);
    expect(flow.error).toMatchObject({ code: 'ack_timeout', outcomeUnknown: true });
    expect(h.unclaimed).toMatchObject([{ flowId: id, reason: 'timed_out', final: false }]);
  });

  it('an acked event moves on to the event-gap stage; the ack deadline no longer applies', () => {
    const h = harness({ ackMode: 'manual', timeouts: { ackMs: 10_000, eventGapMs: 50_000 } });
    const flow = h.record(h.session.flow('payment', SALE));
    h.advance();
    const id = h.terminal.lastFlowId();
    h.terminal.started(id);
    h.terminal.event(id, proceed);
    h.advance(5_000);
    (flow.updates[1] as FlowEvent).ack();
    h.advance(20_000);
    expect(flow.error).toBeUndefined();
    h.advance(30_000);
    expect(flow.error).toMatchObject({ code: 'event_timeout', outcomeUnknown: true });
  });

  it('a queued flow fails after queueMs with nothing sent', () => {
    const h = harness({ timeouts: { queueMs: 20_000, responseMs: 60_000 } });
    h.record(h.session.flow('payment', SALE));
    const queued = h.record(h.session.flow('payment', { type: 'sale', amount: 100 }));
    h.advance(19_999);
    expect(queued.error).toBeUndefined();
    h.advance(1);
    expect(queued.error).toMatchObject({ code: 'queue_timeout', outcomeUnknown: false });
    expect(h.terminal.requests()).toHaveLength(1);
    expect(h.session.stats().queued).toBe(0);
  });

  it('a flow that leaves the queue in time is not touched by the queue deadline', () => {
    const h = harness({ timeouts: { queueMs: 20_000, responseMs: 60_000 } });
    const first = h.record(h.session.flow('payment', SALE));
    const second = h.record(h.session.flow('payment', { type: 'sale', amount: 100 }));
    h.advance();
    const id = h.terminal.lastFlowId();
    h.terminal.started(id);
    h.terminal.event(id, approved());
    h.advance(1_000);
    expect(first.completed).toBe(true);
    expect(h.terminal.requests()).toHaveLength(2);
    h.advance(25_000);
    expect(second.error).toBeUndefined();
  });
});
