import { NEVER, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { FlowError, type FlowEvent, FlowRefusedError, FlowTimeoutError, Session } from '../src/index.js';
import { approved, harness, proceed } from './support/harness.js';

const SALE = { type: 'sale', amount: 6417 };

describe('Session: one flow end to end', () => {
  it('sends the request, emits started and the final event, acks it, completes, and journals every step', async () => {
    const h = harness();
    const flow = h.record(h.session.flow('payment', SALE));
    h.advance();
    const [request] = h.terminal.requests();
    expect(request).toMatchObject({ kind: 'request', resource: SALE });
    expect(request?.flow_id).toMatch(/^[1-9]\d{5}$/);
    expect(request?.endpoint).toBeUndefined();
    expect(h.terminal.link.path).toBe('/tsi/v1/payment');
    const id = request!.flow_id;
    h.terminal.started(id);
    h.advance();
    expect(flow.updates.map((u) => u.type)).toEqual(['started']);
    h.terminal.event(id, approved());
    h.advance();
    expect(flow.updates).toHaveLength(2);
    const final = flow.updates[1] as FlowEvent;
    expect(final).toMatchObject({ type: 'event', final: true, status: 'completed', source: 'event' });
    expect(final.outcome?.kind).toBe('approved');
    expect(h.terminal.acks(id)).toEqual([{ kind: 'event_ack', flow_id: id, resource: { status: 'ok' } }]);
    expect(flow.completed).toBe(true);
    expect(h.session.openFlows).toBe(0);
    const summary = await h.journal.flow(id);
    expect(summary).toMatchObject({ started: true, finalAcked: true, ended: { outcome: 'completed' } });
    expect(await h.journal.openFlows()).toEqual([]);
  });

  it('acks intermediate proceed events and waits for the next', () => {
    const h = harness();
    const flow = h.record(h.session.flow('payment', { type: 'settlement' }));
    h.advance();
    const id = h.terminal.lastFlowId();
    h.terminal.started(id);
    h.terminal.event(id, proceed);
    h.advance();
    expect(h.terminal.acks(id)).toHaveLength(1);
    expect(flow.completed).toBe(false);
    h.terminal.event(id, approved());
    h.advance();
    expect(h.terminal.acks(id)).toHaveLength(2);
    expect(flow.updates.map((u) => (u.type === 'event' ? u.status : u.type))).toEqual([
      'started',
      'proceed',
      'completed',
    ]);
    expect(flow.completed).toBe(true);
  });

  it('treats "ok" as a final status like "completed"', () => {
    const h = harness();
    const flow = h.record(h.session.flow('payment', SALE));
    h.advance();
    const id = h.terminal.lastFlowId();
    h.terminal.started(id);
    h.terminal.event(id, { status: 'ok', results: [{ status: 'approved' }] });
    h.advance();
    expect(flow.completed).toBe(true);
    expect((flow.updates[1] as FlowEvent).outcome?.kind).toBe('approved');
  });

  it('errors with a typed refusal on a "TSI busy" response, outcome known', () => {
    const h = harness();
    const flow = h.record(h.session.flow('payment', SALE));
    h.advance();
    h.terminal.send({
      response: {
        flow_id: h.terminal.lastFlowId(),
        resource: { status: 'error', error_info: { code: '0', text: 'TSI busy' } },
      },
    });
    h.advance();
    expect(flow.error).toBeInstanceOf(FlowRefusedError);
    expect(flow.error).toMatchObject({
      code: 'refused',
      terminalBusy: true,
      outcomeUnknown: false,
      errorInfo: { text: 'TSI busy' },
    });
    expect(h.session.openFlows).toBe(0);
  });

  it('treats a "completed" response as a final result with no events and no ack', () => {
    const h = harness();
    const flow = h.record(h.session.flow('info', { type: 'terminal_info' }));
    h.advance();
    const id = h.terminal.lastFlowId();
    h.terminal.send({
      response: {
        flow_id: id,
        resource: { status: 'completed', results: [{ status: 'receipt_information' }] },
      },
    });
    h.advance();
    expect(flow.updates).toHaveLength(1);
    expect(flow.updates[0]).toMatchObject({
      type: 'event',
      final: true,
      source: 'response',
      outcome: { kind: 'completed' },
    });
    expect(flow.completed).toBe(true);
    expect(h.terminal.acks()).toEqual([]);
    expect(h.terminal.link.path).toBe('/tsi/v1/info');
  });

  it('refuses an invalid request before sending anything', () => {
    const h = harness();
    const flow = h.record(h.session.flow('payment', { type: 'sale', amount: 12.5 }));
    h.advance();
    expect(flow.error).toBeInstanceOf(FlowError);
    expect(flow.error).toMatchObject({ code: 'invalid_request', outcomeUnknown: false });
    expect(h.terminal.links).toHaveLength(0);
  });

  it('single-endpoint mode: one socket at /, endpoint in the request and echoed in the ack', () => {
    const h = harness({ endpointMode: 'single' });
    const flow = h.record(h.session.flow('payment', SALE));
    h.advance();
    expect(h.terminal.link.path).toBe('/');
    const id = h.terminal.lastFlowId();
    expect(h.terminal.requests()[0]?.endpoint).toBe('/tsi/v1/payment');
    h.terminal.started(id, '/tsi/v1/payment');
    h.terminal.event(id, approved(), '/tsi/v1/payment');
    h.advance();
    expect(h.terminal.acks(id)).toEqual([
      { kind: 'event_ack', flow_id: id, endpoint: '/tsi/v1/payment', resource: { status: 'ok' } },
    ]);
    expect(flow.completed).toBe(true);
  });

  it('trace flows: events are delivered but never acked, and never end the flow', () => {
    const h = harness();
    const flow = h.record(h.session.flow('trace', { action: 'start' }));
    h.advance();
    const id = h.terminal.lastFlowId();
    h.terminal.started(id);
    h.terminal.event(id, { date: '26/07/14', time: '10:00:00', source: 'tsi', text: 'hello' });
    h.terminal.event(id, { date: '26/07/14', time: '10:00:01', source: 'tsi', text: 'world' });
    h.advance();
    h.terminal.event(id, { date: '26/07/14', time: '10:00:01', source: 'tsi', text: 'world' });
    h.advance();
    // Identical trace lines are distinct log entries, not resends: every one is delivered.
    expect(flow.updates.filter((u) => u.type === 'event')).toHaveLength(3);
    expect(h.terminal.acks()).toEqual([]);
    expect(flow.completed).toBe(false);
    flow.unsubscribe();
  });
});

describe('Session: timeouts in virtual time', () => {
  it('response timeout ends the flow with outcome unknown', () => {
    const h = harness({ timeouts: { responseMs: 5000 } });
    const flow = h.record(h.session.flow('payment', SALE));
    h.advance(4999);
    expect(flow.error).toBeUndefined();
    h.advance(1);
    expect(flow.error).toBeInstanceOf(FlowTimeoutError);
    expect(flow.error).toMatchObject({ code: 'response_timeout', outcomeUnknown: true });
  });

  it('event-gap timeout counts from the response and from each ack', () => {
    const h = harness({ timeouts: { eventGapMs: 1000, flowMs: 1_000_000 } });
    const flow = h.record(h.session.flow('payment', { type: 'settlement' }));
    h.advance();
    const id = h.terminal.lastFlowId();
    h.terminal.started(id);
    h.advance(900);
    h.terminal.event(id, proceed);
    h.advance(900);
    expect(flow.error).toBeUndefined();
    h.advance(200);
    expect(flow.error).toMatchObject({ code: 'event_timeout', outcomeUnknown: true });
  });

  it('whole-flow timeout bounds a terminal that keeps sending proceed', () => {
    const h = harness({ timeouts: { eventGapMs: 1000, flowMs: 3000 } });
    const flow = h.record(h.session.flow('payment', { type: 'settlement' }));
    h.advance();
    const id = h.terminal.lastFlowId();
    h.terminal.started(id);
    for (let i = 0; i < 5 && flow.error === undefined; i++) {
      h.advance(800);
      h.terminal.event(id, { ...proceed, n: i });
    }
    h.advance(800);
    expect(flow.error).toMatchObject({ code: 'flow_timeout', outcomeUnknown: true });
  });

  it('a final event that arrives after a timeout is journaled, acked and surfaced as unclaimed', async () => {
    const h = harness({ timeouts: { responseMs: 100 } });
    const flow = h.record(h.session.flow('payment', SALE));
    h.advance();
    const id = h.terminal.lastFlowId();
    h.advance(100);
    expect(flow.error).toMatchObject({ code: 'response_timeout' });
    h.terminal.started(id);
    h.terminal.event(id, approved());
    h.advance();
    expect(h.unclaimed).toHaveLength(1);
    expect(h.unclaimed[0]).toMatchObject({
      flowId: id,
      reason: 'timed_out',
      final: true,
      acked: true,
      request: SALE,
    });
    expect(h.unclaimed[0]?.outcome?.kind).toBe('approved');
    expect(h.terminal.acks(id)).toHaveLength(1);
    expect(await h.journal.flow(id)).toMatchObject({ finalAcked: true, ended: { outcome: 'completed' } });
  });
});

describe('Session: link loss', () => {
  it('errors every open flow at once with link_closed, outcome unknown, and clears timers', () => {
    const h = harness({ maxInFlight: 3, timeouts: { responseMs: 1000 } });
    const flows = [1, 2, 3].map(() => h.record(h.session.flow('payment', SALE)));
    h.advance();
    expect(h.terminal.requests()).toHaveLength(3);
    h.network.disconnectAll('cable pulled');
    h.advance();
    for (const flow of flows) {
      expect(flow.error).toMatchObject({ code: 'link_closed', outcomeUnknown: true });
    }
    h.advance(10_000); // no timer fires on a finished flow
    expect(h.diagnostics.filter((d) => d.kind !== 'ack_failed')).toEqual([]);
    expect(h.session.openFlows).toBe(0);
  });

  it('flows not yet sent are not failed: they go out on the next link', () => {
    const h = harness({ reconnect: false });
    const first = h.record(h.session.flow('payment', SALE));
    const second = h.record(h.session.flow('payment', { type: 'sale', amount: 100 }));
    h.advance();
    h.network.disconnectAll('drop');
    h.advance();
    expect(first.error).toMatchObject({ code: 'link_closed' });
    expect(second.error).toBeUndefined();
    expect(h.terminal.links).toHaveLength(2);
    expect(h.terminal.requests().map((r) => r.resource.amount)).toEqual([6417, 100]);
  });
});

describe('Session: the whole-flow deadline also bounds what happens before the request is sent', () => {
  it('a dial that never completes ends as connect_failed, outcome known', () => {
    const scheduler = new VirtualTimeScheduler();
    const session = new Session({ open: () => NEVER }, { scheduler, timeouts: { flowMs: 1000 } });
    let error: unknown;
    session.flow('payment', SALE).subscribe({ error: (e: unknown) => (error = e) });
    scheduler.flush();
    expect(error).toMatchObject({ code: 'connect_failed', outcomeUnknown: false });
  });

  it('a journal write that never finishes ends the flow before anything is sent', () => {
    const h = harness({ timeouts: { flowMs: 1000 } });
    const warm = h.record(h.session.flow('payment', SALE)); // opens the link
    h.advance();
    const id = h.terminal.lastFlowId();
    h.terminal.started(id);
    h.terminal.event(id, approved());
    h.advance();
    expect(warm.completed).toBe(true);
    h.journal.append = () => new Promise<void>(() => undefined);
    const stuck = h.record(h.session.flow('payment', { type: 'sale', amount: 100 }));
    h.advance(1000);
    expect(stuck.error).toMatchObject({ code: 'journal_failed', outcomeUnknown: false });
    expect(h.terminal.requests()).toHaveLength(1);
  });
});

describe('Session: switching endpoints (multi mode) waits for the link to be idle', () => {
  it('a flow for another endpoint waits in the queue, in order, until every flow on the open link is done', () => {
    const h = harness({ maxInFlight: 3 });
    const first = h.record(h.session.flow('payment', SALE));
    const second = h.record(h.session.flow('payment', SALE));
    const info = h.record(h.session.flow('info', { type: 'terminal_info' }));
    // Behind the info flow: it does not overtake it, although a slot and a payment link are free.
    const third = h.record(h.session.flow('payment', SALE));
    h.advance();
    expect(h.terminal.requests()).toHaveLength(2);
    expect(h.session.stats().queued).toBe(2);
    const [a, b] = h.terminal.requests().map((r) => r.flow_id);
    for (const id of [a!, b!]) {
      h.terminal.started(id);
      h.terminal.event(id, approved());
    }
    h.advance();
    expect(first.completed && second.completed).toBe(true);
    // The payment link closed (cleanly) before the info link was dialed.
    expect(h.terminal.links.map((l) => [l.path, l.isOpen])).toEqual([
      ['/tsi/v1/payment', false],
      ['/tsi/v1/info', true],
    ]);
    expect(h.terminal.requests()).toHaveLength(3);
    expect(h.diagnostics.filter((d) => d.kind === 'internal_error')).toEqual([]);
    const infoId = h.terminal.lastFlowId();
    h.terminal.started(infoId);
    h.terminal.event(infoId, { status: 'ok' });
    h.advance();
    expect(info.completed).toBe(true);
    expect(h.terminal.requests()).toHaveLength(4);
    expect(h.terminal.link.path).toBe('/tsi/v1/payment');
    expect(third.error).toBeUndefined();
  });

  it('a flow waiting for the other endpoint is bounded by its queue deadline, and nothing is sent for it', () => {
    const h = harness({ maxInFlight: 2, timeouts: { queueMs: 5000 } });
    h.record(h.session.flow('payment', SALE));
    h.advance();
    h.terminal.started(h.terminal.lastFlowId());
    const info = h.record(h.session.flow('info', { type: 'terminal_info' }));
    h.advance(5000);
    expect(info.error).toBeInstanceOf(FlowTimeoutError);
    expect(info.error).toMatchObject({ code: 'queue_timeout', outcomeUnknown: false });
    expect(h.terminal.requests()).toHaveLength(1);
    expect(h.terminal.links).toHaveLength(1);
  });
});

describe('Session: every way out frees the slot before the consumer hears of it', () => {
  const ends = {
    'a final event': (h: ReturnType<typeof harness>, id: string) => {
      h.terminal.started(id);
      h.terminal.event(id, approved());
    },
    'a final completed response': (h: ReturnType<typeof harness>, id: string) =>
      h.terminal.send({ response: { flow_id: id, resource: { status: 'completed', results: [] } } }),
    'a refusal': (h: ReturnType<typeof harness>, id: string) =>
      h.terminal.send({
        response: { flow_id: id, resource: { status: 'error', error_info: { text: 'no' } } },
      }),
    'a timeout': (h: ReturnType<typeof harness>) => h.advance(10_000),
  };
  for (const [how, end] of Object.entries(ends)) {
    it(`${how}: a flow started from the consumer's last callback goes out at once`, () => {
      const h = harness({ whenBusy: 'fail' });
      let next: ReturnType<typeof h.record> | undefined;
      const startNext = () => {
        next = h.record(h.session.flow('payment', SALE));
      };
      h.session.flow('payment', SALE).subscribe({ complete: startNext, error: startNext });
      h.advance();
      end(h, h.terminal.lastFlowId());
      h.advance();
      // With `whenBusy: 'fail'`, a slot still held would refuse it as busy.
      expect(next?.error).toBeUndefined();
      expect(h.terminal.requests()).toHaveLength(2);
      expect(h.session.openFlows).toBe(1);
    });
  }
});
