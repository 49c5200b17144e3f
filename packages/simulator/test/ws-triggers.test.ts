import { describe, expect, it } from 'vitest';
import { AMOUNT_TRIGGERS, amountTable } from '../src/index.js';
import { useSimulator } from './setup.js';

const t = useSimulator();

describe('amount triggers', () => {
  it.each([
    [200, 'decline_by_host_or_card'],
    [201, 'cancelled_by_user'],
    [202, 'timeout_on_user_input'],
  ])('%i cents → completed event with results[0].status %s, not batched', async (amount, status) => {
    await t.start();
    const pos = await t.connect();
    const event = await pos.run('1', { type: 'sale', amount });
    expect(event.event.resource.status).toBe('completed');
    expect(event.event.resource.results[0]).toMatchObject({ status, type: 'sale' });
    expect(event.event.resource.results[0].authorization_no).toBeUndefined();
    expect(t.sim.snapshot().batch).toEqual([]);
    expect(t.sim.snapshot().lastTransaction?.status).toBe(status);
  });

  it('203 → an error event with error_info, acked like any event', async () => {
    await t.start();
    const pos = await t.connect();
    const event = await pos.run('1', { type: 'refund', amount: 203 });
    expect(event.event.resource.status).toBe('error');
    expect(event.event.resource.error_info).toMatchObject({
      code: '13',
      text: expect.stringContaining('JsonMapper'),
    });
    await expect.poll(() => t.sim.engine.busy).toBe(false);
    expect(t.sim.snapshot().batch).toEqual([]);
  });

  it('204 → started, then no event ever; the sale is recorded once the POS gives up and closes', async () => {
    await t.start();
    const pos = await t.connect();
    pos.request('1', { type: 'sale', amount: 204 });
    expect((await pos.next()).response.resource.status).toBe('started');
    expect(await pos.silentFor(150)).toBe(true);
    pos.request('2', { type: 'sale', amount: 100 });
    expect((await pos.next()).response.resource.error_info.text).toBe('TSI busy');
    pos.close();
    await pos.closed;
    await expect.poll(() => t.sim.engine.busy).toBe(false);
    const again = await t.connect();
    const recall = await again.run('3', { type: 'recall_last_transaction' });
    expect(recall.event.resource.results[0]).toMatchObject({
      status: 'approved',
      type: 'sale',
      total_amount: '204',
    });
  });

  it('205 → link dropped right after started; the sale is approved and recall finds it', async () => {
    await t.start();
    const pos = await t.connect();
    pos.request('1', { type: 'sale', amount: 205 });
    expect((await pos.next()).response.resource.status).toBe('started');
    const closed = await pos.closed;
    expect(closed.code).toBe(1006); // abrupt: no close frame
    await expect.poll(() => t.sim.snapshot().connections).toBe(0);
    const again = await t.connect();
    const recall = await again.run('2', { type: 'recall_last_transaction' });
    expect(recall.event.resource.results[0]).toMatchObject({
      status: 'approved',
      type: 'sale',
      reference_no: '1',
      total_amount: '205',
    });
    expect(t.sim.snapshot().batch).toHaveLength(1);
  });

  it('205 with onLinkDrop "cancel" → nothing recorded', async () => {
    await t.start({ onLinkDrop: 'cancel' });
    const pos = await t.connect();
    pos.request('1', { type: 'sale', amount: 205 });
    await pos.next();
    await pos.closed;
    await expect.poll(() => t.sim.snapshot().connections).toBe(0);
    expect(t.sim.snapshot().batch).toEqual([]);
    expect(t.sim.snapshot().lastTransaction).toBeUndefined();
  });

  it('206 → the final event is sent twice; one ack ends the flow, the second is a stray', async () => {
    await t.start();
    const logs: string[] = [];
    t.sim.log$.subscribe((e) => logs.push(e.kind));
    const pos = await t.connect();
    pos.request('1', { type: 'sale', amount: 206 });
    await pos.next();
    const first = await pos.nextText();
    const second = await pos.nextText();
    expect(second).toBe(first);
    pos.ack('1');
    pos.ack('1');
    await expect.poll(() => logs.includes('stray_ack')).toBe(true);
    expect(t.sim.engine.busy).toBe(false);
    expect(t.sim.snapshot().batch).toHaveLength(1);
  });

  it('207 → a malformed frame, then the real event', async () => {
    await t.start();
    const pos = await t.connect();
    pos.request('1', { type: 'sale', amount: 207 });
    await pos.next();
    const malformed = await pos.nextText();
    expect(() => JSON.parse(malformed)).toThrow();
    const event = await pos.next();
    expect(event.event.resource.results[0].status).toBe('approved');
    pos.ack('1');
    await expect.poll(() => t.sim.engine.busy).toBe(false);
  });

  it('triggers apply to sale-like types only: a 200-cent tip_adjust or card balance is not declined', async () => {
    await t.start();
    const pos = await t.connect();
    const sale = await pos.run('1', { type: 'sale', amount: 1000 });
    const ref = sale.event.resource.results[0].reference_no;
    const tip = await pos.run('2', { type: 'tip_adjust', reference_no: ref, tip_amount: 200 });
    expect(tip.event.resource.results[0].status).toBe('approved');
    const preAuth = await pos.run('3', { type: 'pre_auth', amount: 200 });
    expect(preAuth.event.resource.results[0].status).toBe('decline_by_host_or_card');
  });

  it('documents every trigger in the amount table', () => {
    const table = amountTable();
    for (const trigger of AMOUNT_TRIGGERS) expect(table).toContain(String(trigger.amount));
  });
});
