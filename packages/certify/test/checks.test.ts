import type { LogEntry } from '@bluechip-ws/simulator';
import { describe, expect, it } from 'vitest';
import { type CheckContext, inspectFrame, runChecks, SCENARIOS, type WireEntry } from '../src/internal.js';

const scenario = (id: string) => SCENARIOS.find((s) => s.id === id)!;

/** A tiny timeline builder: times in ms from 0, one connection unless told. */
class Timeline {
  readonly entries: WireEntry[] = [];
  in(at: number, value: unknown, connection = 1, path = '/tsi/v1/payment'): this {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    this.entries.push({
      kind: 'frame',
      at,
      direction: 'in',
      connection,
      path,
      text,
      frame: inspectFrame(text),
    });
    return this;
  }
  out(at: number, value: unknown, connection = 1, path = '/tsi/v1/payment'): this {
    const text = JSON.stringify(value);
    this.entries.push({
      kind: 'frame',
      at,
      direction: 'out',
      connection,
      path,
      text,
      frame: inspectFrame(text),
    });
    return this;
  }
  log(at: number, kind: LogEntry['kind'], extra: Partial<LogEntry> = {}): this {
    this.entries.push({ kind: 'log', at, log: { kind, message: kind, at, ...extra } });
    return this;
  }
}

/** The amount the `approved` scenario asks for, in cents. */
const A = scenario('approved').amount;

const req = (flow_id: string, amount: unknown = A, type = 'sale') => ({
  request: { flow_id, resource: { type, amount } },
});
const ack = (flow_id: string, endpoint?: string) => ({
  event_ack: { flow_id, ...(endpoint === undefined ? {} : { endpoint }), resource: { status: 'ok' } },
});
const event = (flow_id: string, status = 'completed') => ({
  event: { flow_id, resource: { status, results: [] } },
});

function check(t: Timeline, id = 'approved', extra: Partial<CheckContext> = {}) {
  const results = runChecks({
    scenario: scenario(id),
    entries: t.entries,
    origin: 0,
    reported: { outcome: 'approved', amount: A, source: 'test' },
    ackBoundMs: 1000,
    flowIds: new Map(),
    ...extra,
  });
  return Object.fromEntries(results.map((r) => [r.id, r.problems]));
}

describe('the scenarios', () => {
  it('ask amounts a float POS gets wrong: Math.floor(x * 100) loses a cent of every one', () => {
    for (const s of SCENARIOS) {
      const text = (s.amount / 100).toFixed(2);
      expect(Math.floor(Number.parseFloat(text) * 100), s.id).toBe(s.amount - 1);
    }
    expect(new Set(SCENARIOS.map((s) => s.amount)).size).toBe(SCENARIOS.length);
  });
});

describe('wire checks', () => {
  it('a clean flow passes every check', () => {
    const t = new Timeline()
      .in(0, req('1'))
      .out(1, { response: { flow_id: '1', resource: { status: 'started' } } });
    t.out(10, event('1')).in(12, ack('1'));
    expect(Object.values(check(t)).flat()).toEqual([]);
  });

  it('an ack before the event, a late ack and an un-acked repeat are each named', () => {
    const early = new Timeline().in(0, req('1')).in(1, ack('1')).out(10, event('1')).in(11, ack('1'));
    expect(check(early).acks).toEqual([
      expect.stringMatching(
        /\+1 ms event_ack for flow 1 on connection #1 came before the flow's first event/,
      ),
    ]);
    const late = new Timeline().in(0, req('1')).out(10, event('1')).in(2000, ack('1'));
    expect(check(late).acks).toEqual([expect.stringMatching(/came 1990 ms after it \(bound 1000 ms\)/)]);
    const repeat = new Timeline().in(0, req('1')).out(10, event('1')).out(11, event('1')).in(12, ack('1'));
    expect(check(repeat).acks).toEqual([
      expect.stringMatching(/copy 2: a repeat\) sent at \+11 ms .*never acked/),
    ]);
  });

  it('acks are matched by copy and connection: the copy left unanswered, another connection, a flow never started', () => {
    // The POS let the first copy go and acked the terminal's resend at once: copy 1 went unanswered, no late ack.
    const resent = new Timeline()
      .in(0, req('1'))
      .out(10, event('1'))
      .out(1010, event('1'))
      .in(1013, ack('1'));
    expect(check(resent).acks).toEqual([
      expect.stringMatching(
        /^the "completed" event of flow 1 sent at \+10 ms on connection #1 was never acked on its connection \(the POS acked only copy 2, sent at \+1010 ms\)$/,
      ),
    ]);
    // It hung up as the event came and acked on a new connection.
    const elsewhere = new Timeline().in(0, req('1')).out(10, event('1')).log(11, 'connection_closed', {
      connection: 1,
    });
    elsewhere.log(20, 'connection_opened', { connection: 2 }).in(21, ack('1'), 2);
    expect(check(elsewhere).acks).toEqual([
      expect.stringMatching(
        /^\+21 ms event_ack for flow 1 on connection #2 answers the "completed" event of flow 1 sent at \+10 ms on connection #1: an ack goes on the connection its event came on/,
      ),
      expect.stringMatching(/sent at \+10 ms on connection #1 was never acked on its connection$/),
    ]);
    // An ack for a flow id the terminal never used.
    const never = new Timeline().in(0, req('1')).out(10, event('1')).in(11, ack('1')).in(12, ack('77'));
    expect(check(never).acks).toEqual([
      expect.stringMatching(
        /^\+12 ms event_ack for flow 77 on connection #1: an ack for a flow the terminal never started/,
      ),
    ]);
  });

  it('a repeat reaching a POS already closing after its ack is excused, one it kept ignoring is not', () => {
    const closing = new Timeline().in(0, req('1')).out(10, event('1')).in(12, ack('1')).out(60, event('1'));
    closing.log(70, 'connection_closed', { connection: 1 });
    const excused = runChecks({
      scenario: scenario('event-resent'),
      entries: closing.entries,
      origin: 0,
      reported: undefined,
      ackBoundMs: 1000,
      flowIds: new Map(),
    }).find((c) => c.id === 'acks')!;
    expect(excused.passed).toBe(true);
    // Passed, with a warning (the scenario shows "pass with warnings").
    expect(excused.warnings[0]).toMatch(/reached a POS that was closing/);
    const lingering = new Timeline().in(0, req('1')).out(10, event('1')).in(12, ack('1')).out(60, event('1'));
    lingering.log(900, 'connection_closed', { connection: 1 });
    expect(check(lingering).acks).toEqual([
      expect.stringMatching(/never acked .*\(the POS acked an earlier copy only\)/),
    ]);
    // The terminal took the ack as late, but the POS hung up before the repeat: a warning, not a failure.
    const gone = new Timeline().in(0, req('1')).out(10, event('1')).in(12, ack('1'));
    gone.log(13, 'ack_ignored', { flow_id: '1' }).log(20, 'connection_closed', { connection: 1 });
    const acks = runChecks({
      scenario: scenario('event-resent'),
      entries: gone.entries,
      origin: 0,
      reported: undefined,
      ackBoundMs: 1000,
      flowIds: new Map(),
    }).find((c) => c.id === 'acks')!;
    expect(acks).toMatchObject({
      passed: true,
      warnings: [expect.stringMatching(/repeat was not exercised/)],
    });
    // An ack within the bound but past half of it passes with a warning.
    const slowAck = new Timeline().in(0, req('1')).out(10, event('1')).in(700, ack('1'));
    const slow = runChecks({
      scenario: scenario('approved'),
      entries: slowAck.entries,
      origin: 0,
      reported: undefined,
      ackBoundMs: 1000,
      flowIds: new Map(),
    }).find((c) => c.id === 'acks')!;
    expect(slow).toMatchObject({
      passed: true,
      warnings: [
        expect.stringMatching(/came 690 ms after it: within the bound \(1000 ms\), but more than half/),
      ],
    });
    // A repeat followed by another reached a POS that stayed: never excused, however soon it closed after.
    const twice = new Timeline().in(0, req('1')).out(10, event('1')).in(12, ack('1')).out(60, event('1'));
    twice.out(110, event('1')).log(120, 'connection_closed', { connection: 1 });
    expect(check(twice).acks).toEqual([
      expect.stringMatching(/sent at \+60 ms on connection #1 was never acked .*earlier copy only/),
    ]);
  });

  it('closing the link while the terminal still runs the flow (after proceed) fails; a drop by the terminal does not', () => {
    const t = new Timeline().in(0, req('1')).out(10, event('1', 'proceed')).in(11, ack('1'));
    t.log(20, 'link_dropped_mid_flow', { connection: 1, flow_id: '1' });
    expect(check(t).acks).toEqual([expect.stringMatching(/closed its link while flow 1 was still running/)]);
    const dropped = new Timeline().in(0, req('1')).log(5, 'link_dropped_by_simulator', { connection: 1 });
    dropped.log(6, 'link_dropped_mid_flow', { connection: 1, flow_id: '1' });
    expect(check(dropped).acks).toEqual([]);
  });

  it('a POS that hangs up after acking "proceed" fails however late its close reaches the terminal', () => {
    // On a loaded machine the close can reach the terminal after it sent "completed" (here 30 ms before the
    // close). That event is not a repeat of the acked "proceed": it was never acked, and is no excuse.
    const slow = new Timeline().in(0, req('1')).out(10, event('1', 'proceed')).in(11, ack('1'));
    slow.out(30, event('1')).log(60, 'connection_closed', { connection: 1 });
    slow.log(60, 'link_dropped_mid_flow', { connection: 1, flow_id: '1' });
    expect(check(slow).acks).toEqual([
      expect.stringMatching(
        /the "completed" event of flow 1 sent at \+30 ms on connection #1 was never acked/,
      ),
    ]);
  });

  it('flow ids are unique across the run, amounts are integer cents of the amount asked', () => {
    const flowIds = new Map([['7', 'declined']]);
    const t = new Timeline()
      .in(0, req('7', 5.5))
      .in(5, req('8', '4.35'))
      .in(6, req('9', 510))
      .in(7, req('9', String(A)))
      .in(8, req('10', A - 1));
    const problems = check(t, 'approved', { flowIds });
    expect(problems['flow-ids']).toEqual([
      expect.stringMatching(/flow_id "7" was already used in scenario "declined"/),
      expect.stringMatching(/flow_id "9" was already used earlier in this scenario/),
    ]);
    expect(problems.amounts).toEqual([
      expect.stringMatching(/amount 5.5 is not integer cents/),
      expect.stringMatching(/amount "4.35" is not integer cents/),
      expect.stringMatching(/amount 510 cents, but the sale asked was 435 cents: /),
      expect.stringMatching(/amount 434 cents, but the sale asked was 435 cents \(one cent short: .* float/),
    ]);
  });

  it('envelopes: garbage from the POS, a POS sending "event", and single-endpoint frames without endpoint', () => {
    const t = new Timeline()
      .in(0, 'hello')
      .in(1, { event: { flow_id: '1', resource: {} } })
      .in(2, { request: { flow_id: '', resource: [] } });
    expect(check(t).envelopes).toEqual([
      expect.stringMatching(/^not JSON/),
      expect.stringMatching(/not "event"/),
      expect.stringMatching(/flow_id is missing/),
      expect.stringMatching(/resource is missing/),
      expect.stringMatching(/request without resource.type/),
    ]);
    const single = new Timeline()
      .in(
        0,
        { request: { flow_id: '1', endpoint: '/tsi/v1/payment', resource: { type: 'sale', amount: 620 } } },
        1,
        '/',
      )
      .out(5, event('1'), 1, '/')
      .in(6, ack('1'), 1, '/')
      .in(7, ack('1', '/tsi/v1/info'), 1, '/')
      .log(8, 'connection_refused', {
        message: 'handshake on unknown path /tsi/v1/payment refused with 404',
      });
    expect(check(single, 'single-endpoint').envelopes).toEqual([
      expect.stringMatching(/single-endpoint mode: "event_ack" without "endpoint"/),
      expect.stringMatching(/echoes "endpoint":"\/tsi\/v1\/info", the flow's is "\/tsi\/v1\/payment"/),
      expect.stringMatching(/connection refused: handshake on unknown path/),
    ]);
  });

  it('envelopes: an ack whose resource is not {"status":"ok"} fails, an echo of the event is named', () => {
    const t = new Timeline().in(0, req('1')).out(10, event('1'));
    t.in(11, { event_ack: { flow_id: '1', resource: event('1').event.resource } });
    t.in(12, { event_ack: { flow_id: '1', resource: { status: 'OK' } } });
    t.in(13, { event_ack: { flow_id: '1', resource: { status: 'ok', extra: 1 } } });
    expect(check(t).envelopes).toEqual([
      expect.stringMatching(
        /^an event_ack's resource is \{"status":"ok"\}, not \{"status":"completed","results":\[\]\} \(the event echoed back\): \+11 ms/,
      ),
      expect.stringMatching(/not \{"status":"OK"\}: \+12 ms/),
      expect.stringMatching(/not \{"status":"ok","extra":1\}: \+13 ms/),
    ]);
  });

  it('after a drop: a new sale before any recall fails, a recall first passes, no reconnection fails', () => {
    const base = () =>
      new Timeline().in(0, req('1', 502)).log(5, 'link_dropped_by_simulator', { connection: 1 });
    const resold = base().log(50, 'connection_opened', { connection: 2 }).in(60, req('2', 502), 2);
    expect(check(resold, 'drop-after-started')['recall-after-drop']).toEqual([
      expect.stringMatching(/a new sale was sent after the drop without asking/),
    ]);
    const recalled = base()
      .log(50, 'connection_opened', { connection: 2 })
      .in(60, req('2', undefined, 'recall_last_transaction'), 2);
    const ok = check(recalled, 'drop-after-started');
    expect(ok['recall-after-drop']).toEqual([]);
    expect(ok.reconnect).toEqual([]);
    const gone = check(base(), 'drop-after-started');
    expect(gone.reconnect).toEqual(['the POS never connected again after the link dropped']);
    expect(gone['recall-after-drop']).toEqual([expect.stringMatching(/no recall_last_transaction/)]);
  });

  it("the sale never completed and the last transaction is an earlier customer's: only unknown or a new sale", () => {
    const lost = scenario('drop-sale-not-run');
    const dropped = () =>
      new Timeline().in(0, req('1', lost.amount)).log(5, 'link_dropped_by_simulator', { connection: 1 });
    const outcome = (t: Timeline, reported: CheckContext['reported']) =>
      check(t, 'drop-sale-not-run', { reported }).outcome;
    expect(outcome(dropped(), { outcome: 'unknown', source: 'exit code 4' })).toEqual([]);
    expect(outcome(dropped(), { outcome: 'approved', amount: 1234, source: 'stdout JSON' })).toEqual([
      expect.stringMatching(
        /^reported approved 1234 cents \(stdout JSON\) \(the earlier customer's amount\), but this order's sale never completed: the terminal's last transaction is an earlier customer's sale of 1234 cents/,
      ),
    ]);
    // Sold anew after the recall, and approved by the terminal: that sale is what the POS reports.
    const resold = dropped().in(50, req('2', undefined, 'recall_last_transaction'), 2);
    resold.in(80, req('3', lost.amount), 3).out(90, {
      event: { flow_id: '3', resource: { status: 'completed', results: [{ status: 'approved' }] } },
    });
    expect(outcome(resold, { outcome: 'approved', amount: lost.amount, source: 'x' })).toEqual([]);
    expect(outcome(dropped(), { outcome: 'approved', amount: lost.amount, source: 'x' })).toHaveLength(1);
  });

  it('a request while the terminal is busy fails one-at-a-time', () => {
    const t = new Timeline().log(3, 'busy', { message: 'request 2 while flow 1 is active' });
    const problems = check(t);
    expect(problems['one-at-a-time']).toEqual([
      '+3 ms a second request reached the terminal while it was busy: request 2 while flow 1 is active',
    ]);
    // Told "busy", the POS sells again on its own: the damage is named (a second sale reached the terminal).
    const busy = scenario('busy');
    const resold = new Timeline()
      .in(0, req('1', busy.amount))
      .out(1, { response: { flow_id: '1', resource: { status: 'error', error_info: { text: 'TSI busy' } } } })
      .in(5, req('2', busy.amount));
    expect(check(resold, 'busy')['one-at-a-time']).toEqual([
      expect.stringMatching(
        /^\+5 ms a second sale reached the terminal after it answered busy: the POS sold again/,
      ),
    ]);
    expect(problems.amounts).toEqual(['the POS sent no sale request']);
  });

  it('outcome: a wrong outcome or amount fails, exit code 3 covers cancelled and timed out', () => {
    const none = new Timeline();
    expect(
      check(none, 'partial-approval', { reported: { outcome: 'approved', amount: 4030, source: 'x' } })
        .outcome,
    ).toEqual(['reported an amount of 4030 cents, the terminal approved 3000']);
    // A partial approval: partially_approved, or approved with the approved amount; plain approved fails.
    const partial = (reported: CheckContext['reported']) =>
      check(none, 'partial-approval', { reported }).outcome;
    expect(partial({ outcome: 'partially_approved', source: 'exit code 6' })).toEqual([]);
    expect(partial({ outcome: 'approved', amount: 3000, source: 'x' })).toEqual([]);
    expect(partial({ outcome: 'approved', source: 'exit code 0' })).toEqual([
      expect.stringMatching(/^reported approved \(exit code 0\) without an amount for a partial approval/),
    ]);
    expect(
      check(none, 'declined', { reported: { outcome: 'approved', source: 'exit code 0' } }).outcome,
    ).toEqual(['reported approved (exit code 0), expected declined']);
    expect(
      check(none, 'cancelled', { reported: { outcome: 'cancelled_or_timed_out', source: 'x' } }).outcome,
    ).toEqual([]);
    expect(
      check(none, 'customer-timeout', { reported: { outcome: 'cancelled_or_timed_out', source: 'x' } })
        .outcome,
    ).toEqual([]);
  });
});
