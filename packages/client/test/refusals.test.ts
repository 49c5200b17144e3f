import { describe, expect, it } from 'vitest';
import {
  AmountError,
  type Cents,
  ClientError,
  cents,
  connect,
  FlowError,
  FlowRefusedError,
  FlowTimeoutError,
  OperationAbortedError,
  type UnclaimedEvent,
} from '../src/index.js';
import { testTerminal } from './support.js';

const start = testTerminal;

describe('amounts are refused before anything is sent', () => {
  it.each([
    ['a float', 12.34, 'not_integer'],
    ['a negative', -100, 'negative'],
    ['NaN', Number.NaN, 'not_a_number'],
    ['a string', '1234', 'not_a_number'],
  ])('sale with %s amount rejects with AmountError', async (_label, amount, code) => {
    const { terminal, settle, network, requests } = start();
    const connections: unknown[] = [];
    network.server.connections$.subscribe((l) => connections.push(l));
    const error = await settle(terminal.sale({ amount: amount as Cents })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmountError);
    expect((error as AmountError).code).toBe(code);
    expect(requests).toEqual([]);
    expect(connections).toEqual([]);
  });

  it('names the parameter, nested ones too', async () => {
    const { terminal, settle, requests } = start();
    const tip = await settle(terminal.sale({ amount: cents(100), tipAmount: 1.5 as Cents })).catch((e) => e);
    expect(tip).toBeInstanceOf(AmountError);
    expect((tip as AmountError).message).toMatch(/^tipAmount: /);
    const tax = await settle(
      terminal.sale({ amount: cents(100), purchaseLevel2: { taxAmount: -1 as Cents } }),
    ).catch((e) => e);
    expect((tax as AmountError).message).toMatch(/^purchaseLevel2\.taxAmount: /);
    const adjust = await settle(terminal.tipAdjust({ referenceNo: '1', tipAmount: 0.1 as Cents })).catch(
      (e) => e,
    );
    expect(adjust).toBeInstanceOf(AmountError);
    expect(requests).toEqual([]);
  });

  it('the Observable form errors with the same AmountError', async () => {
    const { terminal } = start();
    const errors: unknown[] = [];
    terminal.refund$({ amount: 2.5 as Cents }).subscribe({ error: (e) => errors.push(e) });
    expect(errors[0]).toBeInstanceOf(AmountError);
  });
});

describe('typed rejections', () => {
  it('missing required parameters: FlowError invalid_request, nothing sent', async () => {
    const { terminal, settle, requests } = start();
    const error = await settle(terminal.void({ referenceNo: undefined as unknown as string })).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(FlowError);
    expect(error).toMatchObject({ code: 'invalid_request', outcomeUnknown: false });
    const report = await settle(terminal.report('no_such_report' as 'summary_report')).catch((e) => e);
    expect(report).toBeInstanceOf(ClientError);
    expect(requests).toEqual([]);
  });

  it('raw skips validation: the terminal judges the resource', async () => {
    const { terminal, settle, requests } = start();
    const error = await settle(terminal.raw('payment', { type: 'no_such_type' })).catch((e) => e);
    expect(error).toBeInstanceOf(FlowRefusedError);
    expect((error as FlowRefusedError).terminalBusy).toBe(false);
    expect(requests).toEqual([{ type: 'no_such_type' }]);
  });

  it('"TSI busy" is a FlowRefusedError with terminalBusy', async () => {
    const { terminal, settle } = start({ scenario: { rules: [{ times: 1, reject: 'TSI busy' }] } });
    const error = await settle(terminal.sale({ amount: cents(100) })).catch((e) => e);
    expect(error).toBeInstanceOf(FlowRefusedError);
    expect(error).toMatchObject({ code: 'refused', terminalBusy: true, outcomeUnknown: false });
    expect((error as FlowRefusedError).errorInfo?.text).toBe('TSI busy');
    // the next request goes through
    expect((await settle(terminal.sale({ amount: cents(100) }))).kind).toBe('approved');
  });

  it('no event in time: FlowTimeoutError with the outcome unknown', async () => {
    const { terminal, settle } = start({}, { timeouts: { eventGapMs: 2_000 } });
    const error = await settle(terminal.sale({ amount: cents(204) })).catch((e) => e);
    expect(error).toBeInstanceOf(FlowTimeoutError);
    expect(error).toMatchObject({ code: 'event_timeout', outcomeUnknown: true });
  });

  it('a per-call timeout overrides the terminal default', async () => {
    const { terminal, settle, scheduler } = start();
    const error = await settle(
      terminal.sale({ amount: cents(204) }, { timeouts: { eventGapMs: 1_000, flowMs: 5_000 } }),
    ).catch((e) => e);
    expect(error).toMatchObject({ code: 'event_timeout' });
    expect(scheduler.now()).toBeLessThan(10_000);
  });

  it('link dropped after started: FlowError link_closed, outcome unknown', async () => {
    const { terminal, settle } = start({}, { reconnect: false });
    const error = await settle(terminal.sale({ amount: cents(205) })).catch((e) => e);
    expect(error).toBeInstanceOf(FlowError);
    expect(error).toMatchObject({ code: 'link_closed', outcomeUnknown: true });
  });

  it('connect without url or transport throws ClientError', () => {
    expect(() => connect({})).toThrow(ClientError);
    expect(() => connect({ url: 'http://x' })).toThrow(ClientError);
  });

  it('after close, operations reject with session_closed', async () => {
    const { terminal, settle } = start();
    terminal.close();
    const error = await settle(terminal.sale({ amount: cents(100) })).catch((e) => e);
    expect(error).toMatchObject({ code: 'session_closed' });
  });
});

describe('abort stops waiting only', () => {
  it('an aborted sale rejects with OperationAbortedError; its result arrives on unclaimed$, acked', async () => {
    const { terminal, advance, sim } = start({ eventDelayMs: 3_000 });
    const unclaimed: UnclaimedEvent[] = [];
    terminal.unclaimed$.subscribe((u) => unclaimed.push(u));
    const controller = new AbortController();
    const pending = terminal.sale({ amount: cents(1234) }, { signal: controller.signal });
    const rejected = pending.catch((e: unknown) => e);
    advance(1_000); // started, the customer has not tapped yet
    controller.abort();
    const error = await rejected;
    expect(error).toBeInstanceOf(OperationAbortedError);
    expect(error).toMatchObject({ name: 'AbortError', code: 'aborted', outcomeUnknown: true });
    advance(10_000);
    expect(unclaimed).toHaveLength(1);
    expect(unclaimed[0]).toMatchObject({
      flowId: (error as OperationAbortedError).flowId,
      reason: 'unsubscribed',
      final: true,
      acked: true,
      outcome: { kind: 'approved' },
    });
    expect(sim.engine.busy).toBe(false);
    expect(sim.snapshot().lastTransaction?.transaction_amount).toBe('1234');
  });

  it('an already aborted signal rejects before anything is sent', async () => {
    const { terminal, settle, requests } = start();
    const error = await settle(terminal.sale({ amount: cents(100) }, { signal: AbortSignal.abort() })).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(OperationAbortedError);
    expect(error).toMatchObject({ outcomeUnknown: false });
    expect(requests).toEqual([]);
  });

  it('a consumer that throws in next does not accept the event: it is not acked by the flow', async () => {
    const { terminal, advance } = start({ ackTimeoutMs: 60_000 }, { unclaimedAck: 'never' });
    const unclaimed: UnclaimedEvent[] = [];
    terminal.unclaimed$.subscribe((u) => unclaimed.push(u));
    const errors: unknown[] = [];
    terminal.sale$({ amount: cents(100) }).subscribe({
      next: (p) => {
        if (p.type === 'final') throw new Error('POS database down');
      },
      error: (e) => errors.push(e),
    });
    advance(5_000);
    expect(errors[0]).toMatchObject({ code: 'consumer_error' });
    expect(unclaimed[0]).toMatchObject({ reason: 'consumer_error', acked: false });
    unclaimed[0]?.ack();
    expect(unclaimed[0]?.acked).toBe(true);
  });
});

describe('one coded error base across packages', () => {
  it('flow, journal, transport, client and recovery errors are CodedErrors with a code and a cause', async () => {
    const { CodedError } = await import('@bluechip-ws/protocol');
    const core = await import('@bluechip-ws/core');
    const client = await import('../src/index.js');
    const cause = new Error('underneath');
    const errors = [
      new core.FlowError('busy', 'm', { flowId: '1', outcomeUnknown: false, cause }),
      new core.JournalError('locked', 'm', { cause }),
      new core.TransportError('not_open', 'm', { cause }),
      new client.ClientError('invalid_params', 'm', { cause }),
      new client.OperationAbortedError('1', { outcomeUnknown: false, cause }),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(CodedError);
      expect(typeof error.code).toBe('string');
      expect(error.cause).toBe(cause);
    }
  });
});
