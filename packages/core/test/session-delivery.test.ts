import { Subscriber } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { FlowEvent, FlowUpdate } from '../src/index.js';
import { approved, harness, proceed } from './support/harness.js';

const SALE = { type: 'sale', amount: 6417 };

function startFlow(h: ReturnType<typeof harness>, onNext?: (u: FlowUpdate) => void, resource = SALE) {
  const flow = h.record(h.session.flow('payment', resource), onNext);
  h.advance();
  const id = h.terminal.lastFlowId();
  h.terminal.started(id);
  h.advance();
  return { flow, id };
}

describe('ack only after the consumer accepted', () => {
  it('auto mode acks after next returns: the ack is not on the wire while next runs', () => {
    const h = harness();
    let acksSeenInsideNext = -1;
    const { id } = startFlow(h, (u) => {
      if (u.type === 'event') acksSeenInsideNext = h.terminal.acks().length;
    });
    h.terminal.event(id, approved());
    h.advance();
    expect(acksSeenInsideNext).toBe(0);
    expect(h.terminal.acks(id)).toHaveLength(1);
  });

  it('auto mode: a throwing consumer gets no ack from its flow; the event goes to unclaimed under the policy', async () => {
    const h = harness({ unclaimedAck: 'never' });
    const { flow, id } = startFlow(h, (u) => {
      if (u.type === 'event') throw new Error('database down');
    });
    h.terminal.event(id, approved());
    h.advance();
    expect(flow.error).toMatchObject({ code: 'consumer_error', outcomeUnknown: false });
    expect(h.terminal.acks()).toEqual([]);
    expect(h.unclaimed).toHaveLength(1);
    expect(h.unclaimed[0]).toMatchObject({ reason: 'consumer_error', acked: false, final: true });
    expect(h.diagnostics.some((d) => d.kind === 'consumer_error')).toBe(true);
    expect((await h.journal.openFlows()).map((f) => f.flowId)).toEqual([id]);
    h.unclaimed[0]?.ack();
    h.advance();
    expect(h.terminal.acks(id)).toHaveLength(1);
    expect(await h.journal.openFlows()).toEqual([]);
  });

  it('a wrapper passing its own Subscriber that throws is treated as a refusal too', () => {
    const h = harness();
    const errors: unknown[] = [];
    h.session.flow('payment', SALE).subscribe(
      new Subscriber<FlowUpdate>({
        next: (u) => {
          if (u.type === 'event') throw new Error('wrapper refused');
        },
        error: (e: unknown) => errors.push(e),
        complete: () => undefined,
      }),
    );
    h.advance();
    const id = h.terminal.lastFlowId();
    h.terminal.started(id);
    h.terminal.event(id, approved());
    h.advance();
    expect(errors[0]).toMatchObject({ code: 'consumer_error' });
    expect(h.unclaimed[0]).toMatchObject({ flowId: id, reason: 'consumer_error', acked: true });
  });

  it('manual mode sends nothing until ack() is called, then completes', () => {
    const h = harness({ ackMode: 'manual' });
    const { flow, id } = startFlow(h);
    h.terminal.event(id, approved());
    h.advance(60_000);
    expect(h.terminal.acks()).toEqual([]);
    expect(flow.completed).toBe(false);
    const final = flow.updates[1] as FlowEvent;
    final.ack();
    final.ack(); // idempotent
    h.advance();
    expect(h.terminal.acks(id)).toHaveLength(1);
    expect(flow.completed).toBe(true);
  });

  it('the final result is durable in the journal before its ack is sent (asynchronous journal)', async () => {
    const h = harness();
    const writes: string[] = [];
    let release: (() => void) | undefined;
    const slow = {
      append: (record: { kind: string; final?: boolean }) => {
        writes.push(record.kind);
        if (record.kind === 'event' && record.final) {
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        }
        return undefined;
      },
    };
    const original = h.journal.append.bind(h.journal);
    h.journal.append = (record) => {
      original(record);
      return slow.append(record);
    };
    const { flow, id } = startFlow(h);
    h.terminal.event(id, approved());
    h.advance();
    expect(flow.updates).toHaveLength(1); // not delivered before it is durable
    expect(h.terminal.acks()).toEqual([]);
    release?.();
    await Promise.resolve();
    await Promise.resolve();
    h.advance();
    expect(flow.updates).toHaveLength(2);
    expect(h.terminal.acks(id)).toHaveLength(1);
    expect(writes.indexOf('ack_sent')).toBeGreaterThan(writes.indexOf('event'));
  });
});

describe('exactly once', () => {
  it('a repeated event after its ack is re-acked at once and not delivered again', () => {
    const h = harness();
    const { flow, id } = startFlow(h, undefined, { type: 'settlement' } as never);
    h.terminal.event(id, proceed);
    h.advance();
    h.terminal.event(id, proceed);
    h.advance();
    expect(flow.updates.filter((u) => u.type === 'event')).toHaveLength(1);
    expect(h.terminal.acks(id)).toHaveLength(2);
    expect(h.diagnostics).toContainEqual({ kind: 'duplicate_event', flowId: id, reacked: true });
  });

  it('a repeated event while the consumer is deciding is held, not acked early, then acked with it', () => {
    const h = harness({ ackMode: 'manual' });
    const { flow, id } = startFlow(h);
    h.terminal.event(id, approved());
    h.advance(5000);
    h.terminal.event(id, approved()); // the terminal's resend
    h.advance();
    expect(h.terminal.acks()).toEqual([]);
    expect(flow.updates.filter((u) => u.type === 'event')).toHaveLength(1);
    expect(h.diagnostics).toContainEqual({ kind: 'duplicate_event', flowId: id, reacked: false });
    (flow.updates[1] as FlowEvent).ack();
    h.advance();
    // one ack per copy the terminal sent (issue 15: a repeat is acked each time)
    expect(h.terminal.acks(id)).toHaveLength(2);
  });

  it('a repeated final event after the flow completed is re-acked, never surfaced again', () => {
    const h = harness();
    const { flow, id } = startFlow(h);
    h.terminal.event(id, approved());
    h.advance();
    expect(flow.completed).toBe(true);
    h.terminal.event(id, approved());
    h.advance();
    expect(h.terminal.acks(id)).toHaveLength(2);
    expect(h.unclaimed).toEqual([]);
  });
});

describe('unclaimed events are never dropped', () => {
  it('an event for an unknown flow id is journaled, acked after the journal, and surfaced', async () => {
    const h = harness();
    h.record(h.session.flow('payment', SALE));
    h.advance();
    h.terminal.event('999999', approved('77'));
    h.advance();
    expect(h.unclaimed).toHaveLength(1);
    expect(h.unclaimed[0]).toMatchObject({
      flowId: '999999',
      reason: 'unknown_flow',
      acked: true,
      final: true,
    });
    expect(h.terminal.acks('999999')).toHaveLength(1);
    expect(await h.journal.flow('999999')).toMatchObject({ finalAcked: true });
  });

  it('events of an unsubscribed flow keep the slot busy until the terminal finishes, then surface', () => {
    const h = harness();
    const { flow, id } = startFlow(h);
    flow.unsubscribe();
    const next = h.record(h.session.flow('payment', { type: 'sale', amount: 100 }));
    h.advance();
    expect(h.terminal.requests()).toHaveLength(1); // single flight: the terminal is still busy with the first
    h.terminal.event(id, approved());
    h.advance();
    expect(h.unclaimed[0]).toMatchObject({ flowId: id, reason: 'unsubscribed', request: SALE, acked: true });
    expect(h.terminal.requests()).toHaveLength(2);
    expect(next.error).toBeUndefined();
  });
});

describe('diagnostics: nothing odd from the wire crashes or vanishes', () => {
  it('reports malformed, binary, foreign and out-of-order frames and keeps working', () => {
    const h = harness();
    const flow = h.record(h.session.flow('payment', SALE));
    h.advance();
    const id = h.terminal.lastFlowId();
    h.terminal.send('{"event":');
    h.terminal.send('[1,2,3]');
    h.terminal.send({ event: { flow_id: id, resource: 'oops' } });
    h.terminal.link.send('{"request":{"flow_id":"1","resource":{"type":"sale"}}}');
    h.terminal.send({ response: { flow_id: 'nobody', resource: { status: 'started' } } });
    h.terminal.event(id, approved()); // before the response: accepted in order
    h.advance();
    h.terminal.started(id); // now late
    h.advance();
    const kinds = h.diagnostics.map((d) => d.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['decode_error', 'unexpected_envelope', 'late_response', 'out_of_order']),
    );
    expect(h.diagnostics.filter((d) => d.kind === 'decode_error')).toHaveLength(3);
    expect(flow.updates.map((u) => u.type)).toEqual(['started', 'event']);
    expect(flow.completed).toBe(true);
  });
});

describe('single flight', () => {
  it('queues a second flow until the first ends', () => {
    const h = harness();
    const { id } = startFlow(h);
    const second = h.record(h.session.flow('payment', { type: 'sale', amount: 100 }));
    h.advance();
    expect(h.terminal.requests()).toHaveLength(1);
    h.terminal.event(id, approved());
    h.advance();
    expect(h.terminal.requests()).toHaveLength(2);
    expect(second.error).toBeUndefined();
  });

  it('fails fast with busy when asked to, and bounds the queue', () => {
    const failFast = harness({ whenBusy: 'fail' });
    startFlow(failFast);
    const refused = failFast.record(failFast.session.flow('payment', SALE));
    expect(refused.error).toMatchObject({ code: 'busy', outcomeUnknown: false });
    const bounded = harness({ queueLimit: 1 });
    startFlow(bounded);
    const queued = bounded.record(bounded.session.flow('payment', SALE));
    const overflow = bounded.record(bounded.session.flow('payment', SALE));
    expect(queued.error).toBeUndefined();
    expect(overflow.error).toMatchObject({ code: 'busy' });
  });

  it('unsubscribing a queued flow removes it without sending anything', () => {
    const h = harness();
    const { id } = startFlow(h);
    const queued = h.record(h.session.flow('payment', { type: 'sale', amount: 100 }));
    queued.unsubscribe();
    h.terminal.event(id, approved());
    h.advance();
    expect(h.terminal.requests()).toHaveLength(1);
  });
});

describe('races', () => {
  it('ack vs unsubscribe: acking after unsubscribing still sends the ack (manual mode)', () => {
    const h = harness({ ackMode: 'manual' });
    const { flow, id } = startFlow(h);
    h.terminal.event(id, approved());
    h.advance();
    const final = flow.updates[1] as FlowEvent;
    flow.unsubscribe();
    final.ack();
    h.advance();
    expect(h.terminal.acks(id)).toHaveLength(1);
    expect(h.session.openFlows).toBe(0);
  });

  it('event vs timeout at the same instant: exactly one of result or timeout, and the result is never lost', () => {
    for (const eventFirst of [true, false]) {
      const h = harness({ timeouts: { eventGapMs: 1000 } });
      const { flow, id } = startFlow(h);
      if (eventFirst) h.terminal.event(id, approved());
      h.advance(1000);
      if (!eventFirst) h.terminal.event(id, approved());
      h.advance();
      const delivered = flow.updates.filter((u) => u.type === 'event').length;
      const timedOut = flow.error !== undefined;
      expect(delivered + (timedOut ? 1 : 0)).toBe(1);
      if (timedOut) expect(h.unclaimed.map((u) => u.flowId)).toEqual([id]);
      expect(h.terminal.acks(id)).toHaveLength(1);
    }
  });

  it('close during ack: the link drops while the consumer decides; ack() reports, never throws', () => {
    const h = harness({ ackMode: 'manual', reconnect: false });
    const { flow, id } = startFlow(h);
    h.terminal.event(id, approved());
    h.advance();
    h.network.disconnectAll('drop');
    h.advance();
    // The final result was delivered: the outcome is known, so the flow is not failed.
    expect(flow.error).toBeUndefined();
    expect(() => (flow.updates[1] as FlowEvent).ack()).not.toThrow();
    expect(h.diagnostics.some((d) => d.kind === 'ack_failed')).toBe(true);
    expect(flow.completed).toBe(true);
  });
});

describe('a consumer that throws at other moments', () => {
  it('on started: the flow errors and its later events are unclaimed, not lost', () => {
    const h = harness();
    const flow = h.record(h.session.flow('payment', SALE), (u) => {
      if (u.type === 'started') throw new Error('not ready');
    });
    h.advance();
    const id = h.terminal.lastFlowId();
    h.terminal.started(id);
    h.advance();
    expect(flow.error).toMatchObject({ code: 'consumer_error', outcomeUnknown: true });
    h.terminal.event(id, approved());
    h.advance();
    expect(h.unclaimed[0]).toMatchObject({ flowId: id, reason: 'consumer_error', final: true, acked: true });
    expect(h.session.openFlows).toBe(0);
  });

  it('on a final "completed" response: surfaced as unclaimed and the slot is freed', async () => {
    const h = harness();
    const flow = h.record(h.session.flow('info', { type: 'terminal_info' }), () => {
      throw new Error('nope');
    });
    h.advance();
    const id = h.terminal.lastFlowId();
    h.terminal.send({ response: { flow_id: id, resource: { status: 'completed', results: [] } } });
    h.advance();
    expect(flow.error).toMatchObject({ code: 'consumer_error', outcomeUnknown: false });
    expect(h.unclaimed[0]).toMatchObject({ flowId: id, reason: 'consumer_error', final: true });
    expect(h.session.openFlows).toBe(0);
    expect(await h.journal.openFlows()).toEqual([]);
  });
});

describe('a final "completed" response for a flow nobody waits for', () => {
  it('is surfaced as unclaimed and ends the flow', async () => {
    const h = harness();
    const flow = h.record(h.session.flow('info', { type: 'terminal_info' }));
    h.advance();
    const id = h.terminal.lastFlowId();
    flow.unsubscribe();
    h.terminal.send({
      response: {
        flow_id: id,
        resource: { status: 'completed', results: [{ status: 'receipt_information' }] },
      },
    });
    h.advance();
    expect(h.unclaimed[0]).toMatchObject({
      flowId: id,
      reason: 'unsubscribed',
      final: true,
      outcome: { kind: 'completed' },
    });
    expect(h.session.openFlows).toBe(0);
    expect(await h.journal.openFlows()).toEqual([]);
  });
});

describe('a journal that fails to record an event', () => {
  it("fails the flow without acking, and takes the terminal's resend afresh once the journal works again", async () => {
    const h = harness();
    const flow = h.record(h.session.flow('payment', SALE));
    h.advance();
    const id = h.terminal.lastFlowId();
    h.terminal.started(id);
    h.advance();
    const append = h.journal.append.bind(h.journal);
    let broken = true;
    h.journal.append = (record) => {
      if (broken && record.kind === 'event') throw new Error('disk full');
      return append(record);
    };
    h.terminal.event(id, approved());
    h.advance();
    expect(flow.error).toMatchObject({ code: 'journal_failed', outcomeUnknown: true });
    expect(h.terminal.acks()).toEqual([]);
    expect(h.diagnostics.some((d) => d.kind === 'journal_failed')).toBe(true);
    broken = false;
    h.terminal.event(id, approved()); // the terminal's resend
    h.advance();
    expect(h.unclaimed[0]).toMatchObject({ flowId: id, final: true, acked: true });
    expect(h.terminal.acks(id)).toHaveLength(1);
    expect(await h.journal.flow(id)).toMatchObject({ finalAcked: true });
  });
});
