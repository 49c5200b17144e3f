import { describe, expect, it } from 'vitest';
import { AmountError, cents, parseAmount, type UnclaimedEvent } from '../src/index.js';
import { testTerminal } from './support.js';

describe('outcomes are what the terminal reported', () => {
  it('an error event keeps error_info: code, extended code and text', async () => {
    const { terminal, settle } = testTerminal({
      scenario: { rules: [{ outcome: 'error_event', errorInfo: { code: '7', code_extended: '7001' } }] },
    });
    const outcome = await settle(terminal.sale({ amount: parseAmount('5.00') }));
    expect(outcome.kind).toBe('error');
    expect(outcome.errorInfo).toMatchObject({ code: '7', code_extended: '7001' });
    expect(outcome.errorInfo?.text).toEqual(expect.any(String));
  });

  it('the EMV AID and a long invoice number reach the caller unaltered', async () => {
    const { terminal, settle } = testTerminal({
      scenario: {
        rules: [{ fields: { invoice_no: '1234567890123456', emv: { aid: 'A0000000031010' } } }],
      },
    });
    const outcome = await settle(
      terminal.sale({ amount: parseAmount('5.00'), invoiceNo: '1234567890123456' }),
    );
    expect(outcome.result?.raw.invoice_no).toBe('1234567890123456');
    expect(outcome.result?.emv?.aid).toBe('A0000000031010');
    expect(outcome.result?.card?.accountNo).toMatch(/^\*+\d{4}$/);
  });

  it('a partial approval is reported with both amounts, live and when replayed by key', async () => {
    const { terminal, settle } = testTerminal({
      scenario: {
        rules: [{ match: { type: 'sale' }, fields: { transaction_amount: '1000', total_amount: '1000' } }],
      },
    });
    const outcome = await settle(terminal.sale({ amount: parseAmount('12.34') }, { idempotencyKey: 'o-1' }));
    expect(outcome).toMatchObject({
      kind: 'partially_approved',
      resultStatus: 'approved',
      partial: { requested: 1234, approved: 1000 },
    });
    const again = await settle(terminal.sale({ amount: parseAmount('12.34') }, { idempotencyKey: 'o-1' }));
    expect(again).toMatchObject({ replayed: true, kind: 'partially_approved', partial: { approved: 1000 } });
  });

  it("the simulator's 2.08 approves half: partially_approved, and the batch holds what was approved", async () => {
    const { terminal, settle, sim } = testTerminal();
    const outcome = await settle(
      terminal.sale({ amount: parseAmount('2.08'), tipAmount: parseAmount('0.50') }),
    );
    expect(outcome).toMatchObject({
      kind: 'partially_approved',
      partial: { requested: 208, approved: 104 },
      result: { transactionAmount: 104, totalAmount: 154 },
    });
    expect(sim.snapshot().batch.map((entry) => entry.amount)).toEqual([104]);
  });

  it('an aborted 2.08 sale: its result on unclaimed$ is partially_approved too', async () => {
    const { terminal, advance } = testTerminal({ eventDelayMs: 3_000 });
    const unclaimed: UnclaimedEvent[] = [];
    terminal.unclaimed$.subscribe((u) => unclaimed.push(u));
    const controller = new AbortController();
    const rejected = terminal
      .sale({ amount: parseAmount('2.08') }, { signal: controller.signal })
      .catch((e: unknown) => e);
    advance(1_000);
    controller.abort();
    expect(await rejected).toMatchObject({ code: 'aborted', outcomeUnknown: true });
    advance(10_000);
    expect(unclaimed).toHaveLength(1);
    expect(unclaimed[0]).toMatchObject({
      final: true,
      acked: true,
      outcome: { kind: 'partially_approved', partial: { requested: 208, approved: 104 } },
    });
    expect(JSON.parse(JSON.stringify(unclaimed[0]))).toMatchObject({ acked: true, reason: 'unsubscribed' });
  });

  it('a void of a record the terminal cannot find is not_found, not an unrecognised status', async () => {
    const { terminal, settle } = testTerminal();
    const outcome = await settle(terminal.void({ referenceNo: '999' }));
    expect(outcome).toMatchObject({ kind: 'not_found', resultStatus: 'transaction_record_not_found' });
  });

  it('a sale or refund of 0 is refused before anything is sent, unless allowZeroAmount', async () => {
    const { terminal, settle, requests, sim } = testTerminal();
    for (const run of [
      () => terminal.sale({ amount: cents(0) }),
      () => terminal.refund({ amount: cents(0) }),
    ]) {
      const error = await settle(run()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AmountError);
      expect(error).toMatchObject({ code: 'zero' });
    }
    expect(requests).toEqual([]);
    expect(sim.snapshot().connections).toBe(0);
    // other operations with an amount are not affected
    const pre = await settle(terminal.preAuth({ amount: cents(0) }));
    expect(pre.kind).toBe('approved');

    const allowed = testTerminal({}, { allowZeroAmount: true });
    const zero = await allowed.settle(allowed.terminal.sale({ amount: cents(0) }));
    expect(zero.kind).toBe('approved');
    expect(allowed.requests).toMatchObject([{ type: 'sale', amount: 0 }]);
  });
});
