import { describe, expect, it } from 'vitest';
import { cents, type Progress, parseAmount } from '../src/index.js';
import { testTerminal } from './support.js';

const start = testTerminal;

describe('typed operations against the simulator (memory network, virtual time)', () => {
  it('sale: camelCase params go out snake_case, the outcome is typed and keeps the raw result', async () => {
    const { terminal, settle, requests } = start();
    const outcome = await settle(
      terminal.sale({
        amount: parseAmount('12.34'),
        tipAmount: cents(100),
        tenderType: 'credit',
        clerkId: 'KL0001',
        invoiceNo: 'INV5',
        orderNumber: 'A-17',
        purchaseLevel2: { taxIndicator: '2', taxAmount: cents(50) },
      }),
    );
    expect(requests).toEqual([
      {
        type: 'sale',
        amount: 1234,
        tip_amount: 100,
        tender_type: 'credit',
        clerk_id: 'KL0001',
        invoice_no: 'INV5',
        order_number: 'A-17',
        purchase_level_2: { tax_indicator: '2', tax_amount: 50 },
      },
    ]);
    expect(outcome).toMatchObject({
      kind: 'approved',
      type: 'sale',
      status: 'completed',
      resultStatus: 'approved',
      source: 'event',
      result: { referenceNo: '1', transactionAmount: 1234, totalAmount: 1334 },
    });
    expect(outcome.flowId).toMatch(/^\d{6}$/);
    expect(outcome.raw.status).toBe('completed');
    expect(outcome.results).toHaveLength(1);
  });

  it('business outcomes resolve: declined, cancelled, timed out on user input, error event', async () => {
    const { terminal, settle } = start();
    const kinds = [];
    for (const amount of ['2.00', '2.01', '2.02', '2.03']) {
      const outcome = await settle(terminal.sale({ amount: parseAmount(amount) }));
      kinds.push(outcome.kind);
    }
    expect(kinds).toEqual(['declined', 'cancelled', 'timed_out', 'error']);
  });

  it('every operation reaches its endpoint and resolves', async () => {
    const { terminal, settle, requests } = start();
    const sale = await settle(terminal.sale({ amount: cents(1000) }));
    const ref = sale.result?.referenceNo ?? '';
    const tip = await settle(terminal.tipAdjust({ referenceNo: ref, tipAmount: cents(150) }));
    const voided = await settle(terminal.void({ referenceNo: ref }));
    const refund = await settle(terminal.refund({ amount: cents(500), tenderType: 'debit' }));
    const preAuth = await settle(terminal.preAuth({ amount: cents(2000) }));
    const completion = await settle(
      terminal.preAuthCompletion({ amount: cents(1800), referenceNo: preAuth.result?.referenceNo ?? '' }),
    );
    const force = await settle(terminal.force({ amount: cents(700) }));
    const balance = await settle(terminal.cardBalance({ tenderType: 'gift' }));
    const reprint = await settle(terminal.reprintReceipt({ reprintType: 'customer_copy' }));
    const recall = await settle(terminal.recallLastTransaction());
    const info = await settle(terminal.terminalInfo());
    const time = await settle(
      terminal.setDateTime({ at: new Date(Date.UTC(2026, 6, 26, 10, 20, 1)), utc: true }),
    );
    const report = await settle(terminal.report('summary_report'));
    const settlement = await settle(terminal.settlement());
    const raw = await settle(terminal.raw('payment', { type: 'verification' }));

    expect(
      [tip, voided, refund, preAuth, completion, force, recall, time, settlement, raw].map((o) => o.kind),
    ).toEqual(Array(10).fill('approved'));
    expect(
      [balance.kind, reprint.kind, info.kind, report.kind].every(
        (k) => k === 'approved' || k === 'completed',
      ),
    ).toBe(true);
    expect(info.result?.parameters.get('Package Name')).toBe('BFN');
    expect(recall.result?.referenceNo).toBe(force.result?.referenceNo);
    expect(requests.map((r) => r.type)).toEqual([
      'sale',
      'tip_adjust',
      'void',
      'refund',
      'pre_auth',
      'pre_auth_completion',
      'force',
      'card_balance_inquiry',
      'reprint_receipt',
      'recall_last_transaction',
      'terminal_info',
      'set_date_time',
      'summary_report',
      'settlement',
      'verification',
    ]);
    expect(requests[1]).toEqual({ type: 'tip_adjust', reference_no: ref, tip_amount: 150 });
    expect(requests[8]).toEqual({ type: 'reprint_receipt', reprint_type: 'customer_copy' });
    expect(requests[11]).toEqual({ type: 'set_date_time', date: '260726', time: '102001' });
  });

  it('the Observable form emits started, proceed and final, then completes', async () => {
    const { terminal, scheduler } = start();
    const seen: Progress['type'][] = [];
    let completed = false;
    terminal.settlement$().subscribe({
      next: (p) => seen.push(p.type),
      complete: () => {
        completed = true;
      },
    });
    scheduler.flush();
    expect(seen).toEqual(['started', 'proceed', 'final']);
    expect(completed).toBe(true);
  });

  it('the Observable form is cold: each subscription is a new flow with a new flow id', async () => {
    const { terminal, scheduler, requests } = start();
    const sale$ = terminal.sale$({ amount: cents(100) });
    const ids: string[] = [];
    sale$.subscribe((p) => p.type === 'final' && ids.push(p.flowId));
    sale$.subscribe((p) => p.type === 'final' && ids.push(p.flowId));
    scheduler.flush();
    expect(requests).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  });

  it('single-endpoint mode sends every operation on one socket at /', async () => {
    const { terminal, settle, network } = start({}, { endpointMode: 'single' });
    const paths: string[] = [];
    network.server.connections$.subscribe((link) => paths.push(link.path));
    const sale = await settle(terminal.sale({ amount: cents(100) }));
    const info = await settle(terminal.terminalInfo());
    expect([sale.kind, info.kind]).toEqual(['approved', 'completed']);
    expect(paths).toEqual(['/']);
  });

  it('multi-endpoint mode switches sockets between endpoints', async () => {
    const { terminal, settle, network } = start();
    const paths: string[] = [];
    network.server.connections$.subscribe((link) => paths.push(link.path));
    await settle(terminal.sale({ amount: cents(100) }));
    await settle(terminal.terminalInfo());
    await settle(terminal.sale({ amount: cents(100) }));
    expect(paths).toEqual(['/tsi/v1/payment', '/tsi/v1/info', '/tsi/v1/payment']);
  });

  it('passes the idempotency key to the journal and shows frames to onFrame', async () => {
    const { MemoryJournal } = await import('../src/index.js');
    const journal = new MemoryJournal();
    const frames: string[] = [];
    const { terminal, settle } = start(
      {},
      { journal, onFrame: (r) => frames.push(`${r.direction} ${String(r.frame)}`) },
    );
    const outcome = await settle(terminal.sale({ amount: cents(100) }, { idempotencyKey: 'order-42' }));
    const summary = await journal.byIdempotencyKey('order-42');
    expect(summary?.flowId).toBe(outcome.flowId);
    expect(terminal.journal).toBe(journal);
    expect(frames.map((f) => f.split(' ')[0])).toEqual(['out', 'in', 'in', 'out']);
    expect(frames[3]).toContain('event_ack');
  });

  it('manual ack mode: the terminal waits until outcome.ack() is called', async () => {
    const { terminal, advance, sim, requests } = start({ ackTimeoutMs: 60_000 }, { ackMode: 'manual' });
    const pending = terminal.settlement();
    advance(5_000);
    const outcome = await pending;
    expect(outcome.kind).toBe('approved');
    // proceed was acked by the Promise form; the final event waits for the caller
    expect(sim.engine.busy).toBe(true);
    outcome.ack();
    advance(1);
    expect(sim.engine.busy).toBe(false);
    expect(requests).toHaveLength(1);
  });

  it('odd frames surface on diagnostics$ while the outcome is delivered once (2.06 final twice, 2.07 malformed)', async () => {
    const { terminal, settle } = start();
    const diagnostics: string[] = [];
    terminal.diagnostics$.subscribe((d) => diagnostics.push(d.kind));
    const finals: string[] = [];
    const twice = await settle(terminal.sale({ amount: cents(206) }));
    const malformed = await settle(terminal.sale({ amount: cents(207) }));
    finals.push(twice.kind, malformed.kind);
    expect(finals).toEqual(['approved', 'approved']);
    expect(diagnostics).toContain('duplicate_event');
    expect(diagnostics).toContain('decode_error');
  });

  it('state$ follows the connection: idle, connecting, open, then closed on close()', async () => {
    const { terminal, settle } = start();
    const states: string[] = [];
    terminal.state$.subscribe((s) => states.push(s.kind));
    expect(states).toEqual(['idle']);
    await settle(terminal.terminalInfo());
    terminal.close();
    expect(states).toEqual(['idle', 'connecting', 'open', 'closed']);
  });
});
