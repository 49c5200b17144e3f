import { describe, expect, it } from 'vitest';
import { cents, type ReconcileReport, RecoveryError } from '../src/index.js';
import { testRig as setup } from './recovery-support.js';

const recalls = (requests: readonly Record<string, unknown>[]) =>
  requests.filter((request) => request.type === 'recall_last_transaction').length;

describe('reconciliation runs through a terminal handle', () => {
  it('calls made while a run is under way share one more run', async () => {
    const r = setup();
    const terminal = r.terminal({ reconnect: false, recovery: { auto: false } });
    const error = await r.run(terminal.sale({ amount: cents(205) })).catch((e: unknown) => e);
    expect(error).toMatchObject({ outcomeUnknown: true });
    const reports: ReconcileReport[] = [];
    terminal.reconciled$.subscribe((report) => reports.push(report));

    const first = terminal.reconcile();
    const later = [terminal.reconcile(), terminal.reconcile(), terminal.reconcile()];
    const [one, ...rest] = await r.run(Promise.all([first, ...later]));
    expect(reports).toHaveLength(2);
    expect(one).toBe(reports[0]);
    for (const report of rest) expect(report).toBe(reports[1]);
    // The first run recovered the sale with one recall; the shared second run had nothing left to ask.
    expect(one?.flows.map((f) => f.verdict)).toEqual(['recovered']);
    expect(rest[0]?.flows).toEqual([]);
    expect(recalls(r.requests)).toBe(1);
  });

  it('closing the handle refuses new runs and the one queued, and completes reconciled$', async () => {
    const r = setup();
    const terminal = r.terminal({ recovery: { auto: false } });
    let completed = false;
    terminal.reconciled$.subscribe({ complete: () => (completed = true) });
    const running = terminal.reconcile();
    const queued = terminal.reconcile();
    terminal.close();
    const [runningOutcome, queuedOutcome] = await r.run(Promise.allSettled([running, queued]));
    expect(runningOutcome?.status).toBe('fulfilled');
    expect(queuedOutcome?.status === 'rejected' && queuedOutcome.reason).toBeInstanceOf(RecoveryError);
    expect(queuedOutcome?.status === 'rejected' && queuedOutcome.reason).toMatchObject({ code: 'closed' });
    await expect(terminal.reconcile()).rejects.toMatchObject({ code: 'closed' });
    expect(completed).toBe(true);
  });
});
