import { type FlowSummary, type Journal, JournalError, MemoryJournal } from '@bluechip-ws/core';
import { describe, expect, it } from 'vitest';
import { RecoveryError } from '../src/index.js';
import type { ReconciledFlow, ReconcileReport } from '../src/recovery/types.js';
import { VerdictRecord } from '../src/recovery/verdict-record.js';

const AT = 1_700_000_000_000;
const FINAL = { status: 'completed', results: [{ status: 'approved', type: 'sale', reference_no: '77' }] };

function journalWithSale(flowId = 's1'): MemoryJournal {
  const journal = new MemoryJournal();
  journal.append({
    kind: 'request_sent',
    flowId,
    at: AT,
    endpoint: '/tsi/v1/payment',
    resource: { type: 'sale', amount: 500 },
    idempotencyKey: `order-${flowId}`,
  });
  journal.append({ kind: 'flow_ended', flowId, at: AT + 1, outcome: 'unknown' });
  return journal;
}

function report(flows: Partial<ReconciledFlow>[]): ReconcileReport {
  const full = flows.map(
    (flow, i): ReconciledFlow => ({
      flowId: `f${i}`,
      type: 'sale',
      verdict: 'still_unknown',
      source: 'recall',
      note: '',
      ...flow,
    }),
  );
  return { at: AT, flows: full, unresolved: full.filter((f) => f.verdict === 'still_unknown').length };
}

async function summary(journal: Journal, flowId: string): Promise<FlowSummary> {
  const flow = await journal.flow(flowId);
  if (flow === undefined) throw new Error(`no flow ${flowId}`);
  return flow;
}

describe('VerdictRecord', () => {
  it('pending: each run replaces it with the transactions that run could not check', () => {
    const record = new VerdictRecord(new MemoryJournal(), () => AT);
    expect(record.pending).toEqual([]);
    record.noteRun(
      report([
        { flowId: 'a', source: 'unreachable' },
        { flowId: 'b', source: 'not_recallable' },
        { flowId: 'c', source: 'unreachable' },
        { flowId: 'd', source: 'recall', verdict: 'recovered' },
      ]),
    );
    expect(record.pending).toEqual(['a', 'c']);
    record.noteRun(report([{ flowId: 'a', source: 'recall', verdict: 'not_found' }]));
    expect(record.pending).toEqual([]);
  });

  it('resolve journals the operator verdict with its note and frees the flow from pending', async () => {
    const journal = journalWithSale();
    const record = new VerdictRecord(journal, () => AT + 50);
    record.noteRun(report([{ flowId: 's1', source: 'unreachable' }]));
    await record.resolve('s1', { verdict: 'recovered', resource: FINAL, note: 'found on the detail report' });
    expect(record.pending).toEqual([]);
    expect((await summary(journal, 's1')).reconciled).toEqual({
      verdict: 'recovered',
      at: AT + 50,
      resource: FINAL,
      note: 'resolved by the operator: found on the detail report',
    });
    await record.resolve('s1', { verdict: 'not_found' });
    expect((await summary(journal, 's1')).reconciled).toMatchObject({
      verdict: 'not_found',
      note: 'resolved by the operator',
    });
    expect((await summary(journal, 's1')).reconciled?.resource).toBeUndefined();
  });

  it('resolve refuses a flow the journal does not have, and keeps pending as it was', async () => {
    const record = new VerdictRecord(journalWithSale(), () => AT);
    record.noteRun(report([{ flowId: 's1', source: 'unreachable' }]));
    const error = await record.resolve('nope', { verdict: 'failed' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecoveryError);
    expect(error).toMatchObject({ code: 'unknown_flow' });
    expect(record.pending).toEqual(['s1']);
  });

  it('resolve wraps a journal failure (cause kept) and leaves the flow pending', async () => {
    const journal = journalWithSale();
    const failure = new JournalError('write_failed', 'disk full');
    const failing: Journal = {
      has: (id) => journal.has(id),
      append: () => Promise.reject(failure),
      openFlows: () => journal.openFlows(),
      flow: (id) => journal.flow(id),
      byIdempotencyKey: (key) => journal.byIdempotencyKey(key),
      close: () => journal.close(),
    };
    const record = new VerdictRecord(failing, () => AT);
    record.noteRun(report([{ flowId: 's1', source: 'unreachable' }]));
    const error = await record.resolve('s1', { verdict: 'not_found' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RecoveryError', code: 'journal_failed', cause: failure });
    expect(record.pending).toEqual(['s1']);
  });

  it('a late result overturns not_found and failed, and leaves every other verdict alone', async () => {
    for (const [before, after] of [
      ['not_found', 'recovered'],
      ['failed', 'recovered'],
      ['still_unknown', 'still_unknown'],
      [undefined, undefined],
    ] as const) {
      const journal = journalWithSale();
      if (before !== undefined)
        journal.append({ kind: 'reconciled', flowId: 's1', at: AT + 2, verdict: before });
      const record = new VerdictRecord(journal, () => AT + 9);
      await record.lateResult(await summary(journal, 's1'), FINAL);
      const reconciled = (await summary(journal, 's1')).reconciled;
      expect([before, reconciled?.verdict]).toEqual([before, after]);
      if (after === 'recovered') {
        expect(reconciled?.resource).toEqual(FINAL);
        expect(reconciled?.note).toMatch(`judged this flow ${before}`);
      }
    }
  });
});
