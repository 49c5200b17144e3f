import { describe, expect, it } from 'vitest';
import { useSimulator } from './setup.js';

const t = useSimulator();

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
const result = (event: any) => event.event.resource.results[0];

describe('transactions with state', () => {
  it('voids by reference: found, then already voided, then unknown', async () => {
    await t.start();
    const pos = await t.connect();
    const sale = result(await pos.run('1', { type: 'sale', amount: 1500 }));
    const voided = result(await pos.run('2', { type: 'void', reference_no: sale.reference_no }));
    expect(voided).toMatchObject({
      status: 'approved',
      type: 'void',
      original_reference_no: sale.reference_no,
      total_amount: '1500',
      authorization_no: sale.authorization_no,
    });
    expect(voided.reference_no).not.toBe(sale.reference_no);
    const again = result(await pos.run('3', { type: 'void', reference_no: sale.reference_no }));
    expect(again.status).toBe('transaction_record_not_found');
    const unknown = result(await pos.run('4', { type: 'void', reference_no: '999' }));
    expect(unknown).toMatchObject({ status: 'transaction_record_not_found', reference_no: '999' });
  });

  it('completes a pre_auth by reference once', async () => {
    await t.start();
    const pos = await t.connect();
    const auth = result(await pos.run('1', { type: 'pre_auth', amount: 5000 }));
    expect(auth.status).toBe('approved');
    const done = result(
      await pos.run('2', { type: 'pre_auth_completion', amount: 4200, reference_no: auth.reference_no }),
    );
    expect(done).toMatchObject({
      status: 'approved',
      type: 'pre_auth_completion',
      total_amount: '4200',
      original_reference_no: auth.reference_no,
    });
    const twice = result(
      await pos.run('3', { type: 'pre_auth_completion', amount: 4200, reference_no: auth.reference_no }),
    );
    expect(twice.status).toBe('transaction_record_not_found');
  });

  it('adjusts the tip of a sale', async () => {
    await t.start();
    const pos = await t.connect();
    const sale = result(await pos.run('1', { type: 'sale', amount: 2000 }));
    const tip = result(
      await pos.run('2', { type: 'tip_adjust', reference_no: sale.reference_no, tip_amount: 300 }),
    );
    expect(tip).toMatchObject({
      status: 'approved',
      type: 'tip_adjust',
      tip_amount: '300',
      total_amount: '2300',
    });
    expect(t.sim.snapshot().batch[0]).toMatchObject({ amount: 2000, tip: 300 });
  });

  it('recalls the last transaction, on the payment and the reports endpoint', async () => {
    await t.start();
    const pos = await t.connect();
    const none = result(await pos.run('1', { type: 'recall_last_transaction' }));
    expect(none.status).toBe('transaction_record_not_found');
    const sale = result(await pos.run('2', { type: 'sale', amount: 777 }));
    expect(result(await pos.run('3', { type: 'recall_last_transaction' }))).toEqual(sale);
    pos.close();
    await pos.closed;
    await expect.poll(() => t.sim.snapshot().connections).toBe(0);
    const reports = await t.connect('/tsi/v1/reports');
    expect(result(await reports.run('4', { type: 'recall_last_transaction' }))).toEqual(sale);
  });

  it('settles: proceed, then completed with batch totals; the batch resets', async () => {
    await t.start();
    const pos = await t.connect();
    await pos.run('1', { type: 'sale', amount: 1000 });
    const s2 = result(await pos.run('2', { type: 'sale', amount: 2000 }));
    await pos.run('3', { type: 'refund', amount: 500 });
    await pos.run('4', { type: 'void', reference_no: s2.reference_no });
    await pos.run('5', { type: 'sale', amount: 200 }); // declined, not in the batch
    pos.request('6', { type: 'settlement' });
    expect((await pos.next()).response.resource.status).toBe('started');
    const proceed = await pos.next();
    expect(proceed.event.resource).toMatchObject({ status: 'proceed', results: [{ type: 'settlement' }] });
    pos.ack('6');
    const done = await pos.next();
    pos.ack('6');
    expect(done.event.resource.status).toBe('completed');
    expect(done.event.resource.results).toHaveLength(2);
    expect(done.event.resource.results[0]).toMatchObject({
      status: 'approved',
      type: 'settlement',
      batch_no: '1',
      terminal_total: {
        sale_count: '1',
        sale_amount: '1000',
        refund_count: '1',
        refund_amount: '500',
        void_count: '1',
        void_amount: '2000',
      },
    });
    await expect.poll(() => t.sim.engine.busy).toBe(false);
    expect(t.sim.snapshot().batch).toEqual([]);
    expect(t.sim.snapshot().batchNo).toBe(2);
    const empty = await pos.run('7', { type: 'settlement' });
    expect(result(empty).terminal_total).toMatchObject({ sale_count: '0', sale_amount: '0' });
  });

  it('settlementShape "array" and a custom function', async () => {
    await t.start({ settlementShape: 'array', amountsAs: 'number' });
    const pos = await t.connect();
    await pos.run('1', { type: 'sale', amount: 1000 });
    const done = await pos.run('2', { type: 'settlement' });
    expect(result(done).terminal_total).toEqual([
      {
        batch_sale_count: '1',
        batch_sale_amount: 1000,
        batch_refund_count: '0',
        batch_refund_amount: 0,
        batch_void_count: '0',
        batch_void_amount: 0,
      },
    ]);
    pos.socket.terminate();
    await t.sim.close();
    await t.start({ settlementShape: (totals) => ({ net: totals.sale_amount - totals.refund_amount }) });
    const pos2 = await t.connect();
    await pos2.run('1', { type: 'sale', amount: 900 });
    await pos2.run('2', { type: 'refund', amount: 100 });
    expect(result(await pos2.run('3', { type: 'settlement' })).terminal_total).toEqual({ net: 800 });
  });

  it('terminal_info has the trailing-colon keys of tsi-notes §5.5', async () => {
    await t.start({ now: () => new Date(2026, 6, 26, 10, 26, 59) });
    const pos = await t.connect('/tsi/v1/info');
    const event = await pos.run('1', { type: 'terminal_info' });
    expect(event.event.resource.status).toBe('completed');
    const info = result(event);
    expect(info).toMatchObject({
      status: 'receipt_information',
      transaction_date: '26/07/26',
      transaction_time: '10:26:59',
    });
    expect(info.parameters).toMatchObject({
      'Device Type:': 'Move5000',
      'Package Name:': 'BFN',
      'Package Version:': '6.0.3',
      'TSI library version: ': '3.2.2',
      'TSI version: ': '3.2.2',
    });
    for (const key of [
      'Build Number:',
      'Hardware Serial Number:',
      'RAM Available:',
      'SDK Version:',
      'Uptime:',
    ]) {
      expect(info.parameters).toHaveProperty([key]);
    }
  });

  it('set_date_time moves the clock used in later results', async () => {
    let wall = new Date(2030, 0, 1, 12, 0, 0).getTime();
    await t.start({ now: () => new Date(wall) });
    const config = await t.connect('/tsi/v1/config');
    const set = await config.run('1', { type: 'set_date_time', date: '260726', time: '102001' });
    expect(set.event.resource).toEqual({ status: 'completed', results: [{ status: 'approved' }] });
    const bad = await config.run('2', { type: 'set_date_time', date: '261399', time: '102001' });
    expect(bad.response.resource.error_info.text).toMatch(/YYMMDD/);
    config.close();
    await config.closed;
    await expect.poll(() => t.sim.snapshot().connections).toBe(0);
    wall += 5000;
    const pos = await t.connect();
    const sale = result(await pos.run('3', { type: 'sale', amount: 100 }));
    expect(sale).toMatchObject({ transaction_date: '26/07/26', transaction_time: '10:20:06' });
  });

  it('returns reports as receipt-like lines', async () => {
    await t.start();
    const pos = await t.connect();
    await pos.run('1', { type: 'sale', amount: 1234 });
    await pos.run('2', { type: 'sale', amount: 203 }); // error event
    pos.close();
    await pos.closed;
    await expect.poll(() => t.sim.snapshot().connections).toBe(0);
    const reports = await t.connect('/tsi/v1/reports');
    const detail = result(await reports.run('3', { type: 'detail_report' }));
    expect(detail.status).toBe('receipt_information');
    expect(detail.receipt_information.lines).toEqual(['REF 1  SALE  1234']);
    const summary = result(await reports.run('4', { type: 'summary_report' }));
    expect(summary.receipt_information.lines).toContain('SALES   1  1234');
    const recent = result(await reports.run('5', { type: 'recent_error' }));
    expect(recent.receipt_information.lines[0]).toBe('CODE 13');
    const other = result(await reports.run('6', { type: 'clerk_id_list' }));
    expect(other.receipt_information.header).toContain('CLERK ID LIST');
  });

  it('answers card_balance_inquiry and reprint_receipt', async () => {
    await t.start();
    const pos = await t.connect();
    const balance = result(await pos.run('1', { type: 'card_balance_inquiry', tender_type: 'gift' }));
    expect(balance).toMatchObject({
      status: 'approved',
      type: 'card_balance_inquiry',
      available_balance: expect.any(String),
    });
    const sale = result(await pos.run('2', { type: 'sale', amount: 4500 }));
    const reprint = result(await pos.run('3', { type: 'reprint_receipt', reprint_type: 'merchant_copy' }));
    expect(reprint).toMatchObject({ status: 'approved', reference_no: sale.reference_no });
    expect(reprint.receipt_information.header).toContain('MERCHANT COPY');
    expect(reprint.receipt_information.lines).toContain('TOTAL 4500');
  });
});
