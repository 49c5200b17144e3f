import { type FlowSummary, type JournalRecord, MemoryJournal } from '@bluechip-ws/core';
import { describe, expect, it } from 'vitest';
import { cents, type ReconcileReport, RecoveryError, RecoveryPendingError } from '../src/index.js';
import { BASE, PLAIN, testRig } from './recovery-support.js';

const setup = testRig;

const sale = (
  flowId: string,
  at: number,
  amount = PLAIN,
  extra: Record<string, unknown> = {},
): JournalRecord => ({
  kind: 'request_sent',
  flowId,
  at,
  endpoint: '/tsi/v1/payment',
  resource: { type: 'sale', amount, ...extra },
});

describe('reconcile()', () => {
  it('recovers a sale whose link dropped after started (amount 205) from the terminal', async () => {
    const r = setup();
    const terminal = r.terminal({ reconnect: false, recovery: { auto: false } });
    const error = await r.run(terminal.sale({ amount: cents(205) })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'link_closed', outcomeUnknown: true });
    expect(r.sim.snapshot().batch).toHaveLength(1);

    const report = await r.run(terminal.reconcile());
    expect(report.recall?.status).toBe('found');
    expect(report.flows).toHaveLength(1);
    const [flow] = report.flows;
    expect(flow).toMatchObject({ verdict: 'recovered', source: 'recall', type: 'sale', amount: 205 });
    expect(flow?.outcome).toMatchObject({ kind: 'approved', replayed: true });
    expect(flow?.outcome?.result?.referenceNo).toBe(r.sim.snapshot().batch[0]?.reference_no);

    const summary = (await r.journal.flow(flow!.flowId)) as FlowSummary;
    expect(summary.reconciled?.verdict).toBe('recovered');
    expect(await r.journal.openFlows()).toEqual([]);
    // Nothing left: a second run finds nothing and sends no recall.
    const again = await r.run(terminal.reconcile());
    expect(again.flows).toEqual([]);
    expect(again.recall).toBeUndefined();
  });

  it('marks a sale the terminal never received not_found (its last transaction is older)', async () => {
    const r = setup();
    const terminal = r.terminal({ reconnect: false, recovery: { auto: false } });
    await r.run(terminal.sale({ amount: cents(PLAIN) }));
    await r.advance(10 * 60_000);
    // The next request is lost on the way: response timeout, outcome unknown.
    r.network.setFaults({
      toTerminal: [{ match: (f) => f.includes('"request"'), action: { kind: 'drop' } }],
    });
    const error = await r.run(terminal.sale({ amount: cents(PLAIN + 1) })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'response_timeout', outcomeUnknown: true });
    r.network.setFaults({});

    const report = await r.run(terminal.reconcile());
    expect(report.flows.map((f) => [f.amount, f.verdict])).toEqual([[PLAIN + 1, 'not_found']]);
    expect(report.flows[0]?.note).toMatch(/older than this request/);
    expect(r.sim.snapshot().batch).toHaveLength(1);
  });

  it('recovers a final result that was journaled but never acked, from the journal alone', async () => {
    const journal = new MemoryJournal();
    const final = { status: 'completed', results: [{ status: 'approved', type: 'sale', reference_no: '9' }] };
    journal.append(sale('old-1', BASE - 60_000));
    journal.append({ kind: 'started', flowId: 'old-1', at: BASE - 59_000 });
    journal.append({
      kind: 'event',
      flowId: 'old-1',
      at: BASE - 58_000,
      status: 'completed',
      final: true,
      resource: final,
    });
    const r = setup({}, journal);
    const terminal = r.terminal({ recovery: { auto: false } });
    const report = await r.run(terminal.reconcile());
    expect(report.recall).toBeUndefined();
    expect(report.flows).toMatchObject([{ flowId: 'old-1', verdict: 'recovered', source: 'journal' }]);
    expect(report.flows[0]?.outcome?.kind).toBe('approved');
    expect(r.requests).toEqual([]);
  });

  it('closes read-only flows and leaves a settlement to the operator', async () => {
    const journal = new MemoryJournal();
    journal.append({
      kind: 'request_sent',
      flowId: 'info-1',
      at: BASE - 5_000,
      endpoint: '/tsi/v1/info',
      resource: { type: 'terminal_info' },
    });
    journal.append({
      kind: 'request_sent',
      flowId: 'settle-1',
      at: BASE - 4_000,
      endpoint: '/tsi/v1/payment',
      resource: { type: 'settlement' },
    });
    const r = setup({}, journal);
    const terminal = r.terminal({ recovery: { auto: false } });
    const report = await r.run(terminal.reconcile());
    const byId = new Map(report.flows.map((f) => [f.flowId, f]));
    expect(byId.get('info-1')).toMatchObject({ verdict: 'failed', source: 'read_only' });
    expect(byId.get('settle-1')).toMatchObject({ verdict: 'still_unknown', source: 'not_recallable' });
    expect(byId.get('settle-1')?.note).toMatch(/summary and detail reports/);
    expect(report.unresolved).toBe(1);
    // The settlement stays open (still_unknown is not a final verdict); the read-only flow is closed.
    expect((await journal.openFlows()).map((f) => f.flowId)).toEqual(['settle-1']);
  });

  it('cannot decide when the last transaction is a different, possibly newer one: still_unknown with a note', async () => {
    const r = setup();
    const terminal = r.terminal({ recovery: { auto: false } });
    await r.run(terminal.sale({ amount: cents(PLAIN + 7) }));
    // A flow from "another process", sent a moment before that sale: the recall shows the other sale.
    r.journal.append(sale('ghost', BASE + r.scheduler.now() - 1_000, PLAIN, { invoice_no: 'INV-1' }));
    const report = await r.run(terminal.reconcile());
    expect(report.flows).toMatchObject([{ flowId: 'ghost', verdict: 'still_unknown', source: 'recall' }]);
    expect(report.flows[0]?.note).toMatch(
      /detail report for a sale of 12\.34 sent at .* \(invoice_no INV-1\)/,
    );
  });

  it('a flow the terminal already showed another transaction for is never matched later', async () => {
    const r = setup();
    const at = BASE + r.scheduler.now();
    r.journal.append(sale('buried', at - 30_000, PLAIN));
    const shown = { status: 'completed', results: [{ status: 'approved', type: 'sale', reference_no: '0' }] };
    r.journal.append({
      kind: 'reconciled',
      flowId: 'buried',
      at,
      verdict: 'still_unknown',
      resource: shown,
      note: 'x',
    });
    // A later sale of the same amount, from another process (no reference ownership known here).
    const other = r.terminal({ recovery: { auto: false } });
    await r.run(other.sale({ amount: cents(PLAIN) }));
    other.close();
    const terminal = r.terminal({ recovery: { auto: false } });
    const report = await r.run(terminal.reconcile());
    expect(report.recall).toBeUndefined();
    expect(report.flows).toMatchObject([
      { flowId: 'buried', verdict: 'still_unknown', source: 'recall', note: 'x' },
    ]);
  });

  it('does not take a transaction another flow owns', async () => {
    const r = setup();
    const terminal = r.terminal({ recovery: { auto: false } });
    const delivered = await r.run(terminal.sale({ amount: cents(PLAIN) }));
    // Same type and amount, sent after it: the recall shows the delivered sale, which is not this one.
    r.journal.append(sale('later', BASE + r.scheduler.now() + 1, PLAIN));
    const report = await r.run(terminal.reconcile());
    expect(report.recall).toMatchObject({ status: 'found' });
    expect(delivered.result?.referenceNo).toBeDefined();
    expect(report.flows).toMatchObject([{ flowId: 'later', verdict: 'not_found' }]);
  });

  it('when the terminal cannot be asked, flows stay still_unknown and new sales wait (RecoveryPendingError)', async () => {
    const journal = new MemoryJournal();
    journal.append(sale('lost', BASE - 1_000));
    const r = setup({}, journal);
    r.network.setRefuse(() => 'terminal unplugged');
    const terminal = r.terminal({ reconnect: false });
    const error = await r.run(terminal.sale({ amount: cents(PLAIN) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecoveryPendingError);
    expect((error as RecoveryPendingError).flowIds).toEqual(['lost']);
    const summary = await journal.flow('lost');
    expect(summary?.reconciled).toMatchObject({ verdict: 'still_unknown' });
    expect(summary?.reconciled?.note).toMatch(/could not ask the terminal/);
    // Back online: the next sale reconciles first (not found: the terminal has no transaction), then goes out.
    r.network.setRefuse(undefined);
    const outcome = await r.run(terminal.sale({ amount: cents(PLAIN) }));
    expect(outcome.kind).toBe('approved');
    expect((await journal.flow('lost'))?.reconciled?.verdict).toBe('not_found');
  });
});

describe('automatic reconciliation', () => {
  it('runs before the first operation after connect, which waits for it', async () => {
    const journal = new MemoryJournal();
    const r = setup({}, journal);
    // A previous process sent a 205 sale and died: the terminal approved it.
    const previous = r.terminal({ reconnect: false, recovery: { auto: false } });
    await r.run(previous.sale({ amount: cents(205) }, { idempotencyKey: 'order-1' })).catch(() => undefined);
    previous.close();

    const terminal = r.terminal();
    const reports: ReconcileReport[] = [];
    terminal.reconciled$.subscribe((report) => reports.push(report));
    const info = await r.run(terminal.terminalInfo());
    expect(info.kind).toBe('completed');
    expect(reports).toHaveLength(1);
    expect(reports[0]?.flows).toMatchObject([{ verdict: 'recovered', idempotencyKey: 'order-1' }]);
    const types = r.requests.map((q) => q.type);
    expect(types).toEqual(['sale', 'recall_last_transaction', 'terminal_info']);
  });

  it('runs after the link comes back from a drop', async () => {
    const r = setup();
    const terminal = r.terminal({ reconnect: { initialDelayMs: 100, maxDelayMs: 100, maxAttempts: 5 } });
    const reports: ReconcileReport[] = [];
    terminal.reconciled$.subscribe((report) => reports.push(report));
    await r.run(terminal.sale({ amount: cents(PLAIN) }));
    expect(reports).toHaveLength(1); // the first operation's run (nothing open)
    const error = await r.run(terminal.sale({ amount: cents(205) })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'link_closed' });
    await r.advance(5_000);
    expect(reports).toHaveLength(2);
    expect(reports[1]?.flows).toMatchObject([{ amount: 205, verdict: 'recovered' }]);
  });

  it('a journal that cannot be read refuses operations with a typed RecoveryError, never a crash', async () => {
    const journal = new MemoryJournal();
    const broken = Object.assign(Object.create(journal) as MemoryJournal, {
      openFlows: () => Promise.reject(new Error('disk on fire')),
    });
    const r = setup({}, broken);
    const terminal = r.terminal();
    const error = await r.run(terminal.sale({ amount: cents(PLAIN) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecoveryError);
    expect(error).toMatchObject({ code: 'journal_failed' });
    expect((error as RecoveryError).message).toMatch(/disk on fire/);
    await expect(r.run(terminal.reconcile())).rejects.toBeInstanceOf(RecoveryError);
    expect(r.requests).toEqual([]);
  });

  it('can be turned off', async () => {
    const journal = new MemoryJournal();
    journal.append(sale('lost', BASE - 1_000));
    const r = setup({}, journal);
    const terminal = r.terminal({ recovery: { auto: false } });
    await r.run(terminal.sale({ amount: cents(PLAIN) }));
    expect(r.requests.map((q) => q.type)).toEqual(['sale']);
    expect((await journal.flow('lost'))?.reconciled).toBeUndefined();
  });
});
