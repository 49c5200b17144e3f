import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { CustomerDesk, type CustomerScreen, type LogEntry, SimulatorEngine } from '../src/index.js';
import { FakeLink } from './fake-link.js';

function setup(timeoutMs = 10_000) {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
  const desk = new CustomerDesk({ timeoutMs, scheduler });
  const engine = new SimulatorEngine({ scheduler, customer: desk, eventDelayMs: 100 });
  const screens: CustomerScreen[] = [];
  desk.screen$.subscribe((s) => screens.push(s));
  const logs: LogEntry[] = [];
  engine.log$.subscribe((l) => logs.push(l));
  const link = new FakeLink();
  engine.serve(link);
  const advanceTo = (t: number) => {
    scheduler.maxFrames = t;
    scheduler.flush();
  };
  return { scheduler, desk, engine, screens, logs, link, advanceTo };
}

describe('interactive mode: flows wait for the customer', () => {
  it('answers started, waits (whatever the amount), then approves when the card is presented', () => {
    const { desk, link, advanceTo, screens, engine } = setup();
    link.request('1', { type: 'sale', amount: 200 }); // 200 would decline by the amount table
    expect(link.messages).toEqual([{ response: { flow_id: '1', resource: { status: 'started' } } }]);
    expect(desk.screen).toMatchObject({ kind: 'present_card', flowId: '1', amount: 200, deadline: 10_000 });
    advanceTo(5_000);
    expect(link.sent).toHaveLength(1);
    expect(engine.busy).toBe(true);
    expect(desk.act('approve')).toBe(true);
    advanceTo(5_100);
    const final = link.messages[1].event.resource;
    expect(final.results[0]).toMatchObject({ status: 'approved', transaction_amount: '200' });
    link.ack('1');
    expect(engine.busy).toBe(false);
    expect(screens.map((s) => s.kind)).toEqual(['idle', 'present_card', 'approved']);
    expect(engine.snapshot().lastTransaction).toMatchObject({ status: 'approved' });
  });

  it.each([
    ['decline', 'decline_by_host_or_card', 'DECLINED'],
    ['wrong_pin', 'decline_by_host_or_card', 'INCORRECT PIN'],
    ['cancel', 'cancelled_by_user', 'CANCELLED'],
    ['walk_away', 'timeout_on_user_input', 'TIMEOUT'],
  ] as const)('%s ends the flow as %s', (action, status, text) => {
    const { desk, link, advanceTo } = setup();
    link.request('1', { type: 'sale', amount: 1234 });
    desk.act(action);
    advanceTo(100);
    expect(link.messages[1].event.resource.results[0]).toMatchObject({ status, host_response_text: text });
  });

  it('a chip card: insert_card shows the PIN pad until the same deadline, enter_pin approves', () => {
    const { desk, link, advanceTo, screens } = setup();
    link.request('1', { type: 'sale', amount: 1234 });
    expect(desk.act('enter_pin')).toBe(false); // no card in yet
    advanceTo(2_000);
    expect(desk.act('insert_card')).toBe(true);
    expect(desk.screen).toMatchObject({ kind: 'enter_pin', flowId: '1', amount: 1234, deadline: 10_000 });
    expect(desk.act('insert_card')).toBe(false);
    expect(link.sent).toHaveLength(1);
    expect(desk.act('enter_pin')).toBe(true);
    advanceTo(2_100);
    expect(link.messages[1].event.resource.results[0]).toMatchObject({ status: 'approved' });
    expect(screens.map((s) => s.kind)).toEqual(['idle', 'present_card', 'enter_pin', 'approved']);
  });

  it('on the PIN pad, a wrong PIN declines and walking away still times out at the deadline', () => {
    const wrong = setup();
    wrong.link.request('1', { type: 'sale', amount: 1234 });
    wrong.desk.act('insert_card');
    wrong.desk.act('wrong_pin');
    wrong.advanceTo(100);
    expect(wrong.link.messages[1].event.resource.results[0]).toMatchObject({
      status: 'decline_by_host_or_card',
      host_response_text: 'INCORRECT PIN',
    });
    const away = setup(3_000);
    away.link.request('1', { type: 'sale', amount: 1234 });
    away.desk.act('insert_card');
    away.advanceTo(3_100);
    expect(away.link.messages[1].event.resource.results[0]).toMatchObject({
      status: 'timeout_on_user_input',
    });
  });

  it('reference numbers go up by one per sale, as on the standalone simulator', () => {
    const { desk, link, advanceTo } = setup();
    const references: unknown[] = [];
    for (const [i, flowId] of ['1', '2', '3'].entries()) {
      link.request(flowId, { type: 'sale', amount: 1234 });
      desk.act('approve');
      advanceTo(100 * (i + 1));
      references.push(link.messages.at(-1).event.resource.results[0].reference_no);
      link.ack(flowId);
    }
    expect(references).toEqual(['1', '2', '3']);
  });

  it('the customer walking away is the desk timeout: timed out, no action needed', () => {
    const { link, advanceTo, screens, logs } = setup(3_000);
    link.request('1', { type: 'sale', amount: 1234 });
    advanceTo(2_999);
    expect(link.sent).toHaveLength(1);
    advanceTo(3_100);
    expect(link.messages[1].event.resource.results[0].status).toBe('timeout_on_user_input');
    expect(screens.at(-1)?.kind).toBe('timed_out');
    expect(logs.some((l) => l.kind === 'customer_acted' && l.flow_id === '1')).toBe(true);
  });

  it('pulling the cable records the approved sale and drops the link before the final event', () => {
    const { desk, link, advanceTo, engine } = setup();
    link.request('1', { type: 'sale', amount: 1234 });
    desk.act('pull_cable');
    advanceTo(1_000);
    expect(link.sent).toHaveLength(1);
    expect(link.isOpen).toBe(false);
    expect(engine.busy).toBe(false);
    expect(engine.snapshot().lastTransaction).toMatchObject({
      status: 'approved',
      transaction_amount: '1234',
    });
    expect(desk.screen.kind).toBe('link_lost');
  });

  it('busy toggles an occupied terminal that refuses requests with the busy text', () => {
    const { desk, link } = setup();
    desk.act('busy');
    expect(desk.screen.kind).toBe('busy');
    link.request('1', { type: 'sale', amount: 1234 });
    expect(link.messages[0].response.resource).toMatchObject({
      status: 'error',
      error_info: { text: 'TSI busy' },
    });
    desk.act('busy');
    expect(desk.screen.kind).toBe('idle');
    link.request('2', { type: 'sale', amount: 1234 });
    expect(link.messages[1].response.resource.status).toBe('started');
  });

  it('actions with no flow waiting are refused; non sale-like types do not wait', () => {
    const { desk, link, advanceTo } = setup();
    expect(desk.act('approve')).toBe(false);
    link.request('1', { type: 'recall_last_transaction' });
    advanceTo(100);
    expect(link.messages[1].event.resource.status).toBe('completed');
    expect(desk.screen.kind).toBe('idle');
  });

  it('the POS leaving while the customer is asked withdraws the question', () => {
    const { desk, link, advanceTo, engine } = setup();
    link.request('1', { type: 'sale', amount: 1234 });
    link.peerClose();
    expect(engine.busy).toBe(false);
    expect(desk.screen.kind).toBe('link_lost');
    expect(desk.act('approve')).toBe(false);
    advanceTo(20_000);
    expect(link.sent).toHaveLength(1);
  });

  it('refuses a non-positive timeout', () => {
    expect(() => new CustomerDesk({ timeoutMs: 0 })).toThrow(RangeError);
  });
});
