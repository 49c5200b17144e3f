import {
  type Diagnostic,
  type Journal,
  type JsonObject,
  MemoryJournal,
  type Session,
  type UnclaimedEvent,
} from '@bluechip-ws/core';
import { type ObservedValueOf, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ReferenceBook } from '../src/recovery/references.js';
import { Triggers } from '../src/recovery/triggers.js';
import { VerdictRecord } from '../src/recovery/verdict-record.js';

type LinkState = ObservedValueOf<Session['state$']>;

const AT = 1_700_000_000_000;
const FINAL = { status: 'completed', results: [{ status: 'approved', type: 'sale', reference_no: '42' }] };
const OPEN: LinkState = { kind: 'open', path: '/tsi/v1/payment' };
const DROP: LinkState = {
  kind: 'reconnecting',
  path: '/tsi/v1/payment',
  attempt: 1,
  delayMs: 100,
  lastClose: { reason: 'reset', clean: false },
};

/** Triggers on a session made of two subjects, with the run requests counted. */
function setup(auto = true, failingRead?: Error) {
  const state$ = new Subject<LinkState>();
  const diagnostics: Diagnostic[] = [];
  const unclaimed$ = new Subject<UnclaimedEvent>();
  const journal = new MemoryJournal();
  const triggerJournal: Journal =
    failingRead === undefined
      ? journal
      : Object.assign(Object.create(journal) as MemoryJournal, { flow: () => Promise.reject(failingRead) });
  const references = new ReferenceBook();
  const asked = { due: 0, runs: 0 };
  const triggers = new Triggers({
    session: { state$, unclaimed$ },
    journal: triggerJournal,
    auto,
    runs: {
      markDue: () => void asked.due++,
      request: () => {
        asked.runs++;
        return Promise.resolve();
      },
    },
    references,
    verdicts: new VerdictRecord(journal, () => AT + 100),
    diagnose: (d) => diagnostics.push(d),
  });
  return { state$, unclaimed$, journal, references, asked, triggers, diagnostics };
}

function unclaimed(flowId: string, resource: JsonObject, final = true): UnclaimedEvent {
  return { flowId, reason: 'timed_out', resource, final, ack: () => undefined, acked: true };
}

function sentFlow(journal: MemoryJournal, flowId: string, type: string): void {
  journal.append({ kind: 'request_sent', flowId, at: AT, endpoint: '/tsi/v1/payment', resource: { type } });
}

async function drain(): Promise<void> {
  for (let i = 0; i < 20; i++) await null;
}

describe('Triggers', () => {
  it('with auto, a run is due before the first operation; without, nothing is', () => {
    expect(setup(true).asked).toEqual({ due: 1, runs: 0 });
    expect(setup(false).asked).toEqual({ due: 0, runs: 0 });
  });

  it('a drop makes a run due and the link back open runs it once', () => {
    const { state$, asked } = setup();
    state$.next(OPEN);
    expect(asked).toEqual({ due: 1, runs: 0 });
    state$.next(DROP);
    state$.next({ kind: 'connecting', path: '/tsi/v1/payment', attempt: 1 });
    expect(asked).toEqual({ due: 2, runs: 0 });
    state$.next(OPEN);
    state$.next(OPEN);
    expect(asked).toEqual({ due: 2, runs: 1 });
  });

  it('an unclean close counts as a drop; a clean or disposed close does not', () => {
    const { state$, asked } = setup();
    state$.next({ kind: 'closed', reason: { reason: 'bye', clean: true } });
    state$.next({ kind: 'closed', reason: { reason: 'reset', clean: false }, disposed: true });
    state$.next(OPEN);
    expect(asked).toEqual({ due: 1, runs: 0 });
    state$.next({ kind: 'closed', reason: { reason: 'reset', clean: false } });
    state$.next(OPEN);
    expect(asked).toEqual({ due: 2, runs: 1 });
  });

  it('an operation that ended without a known result makes a run due; a settled one does not', () => {
    const { triggers, asked } = setup();
    triggers.operationEnded('settled');
    expect(asked.due).toBe(1);
    for (const ending of ['detached', 'busy_refused', 'unknown'] as const) triggers.operationEnded(ending);
    expect(asked.due).toBe(4);
  });

  it('without auto, neither drops nor endings ask for anything', () => {
    const { state$, triggers, asked } = setup(false);
    state$.next(DROP);
    state$.next(OPEN);
    triggers.operationEnded('unknown');
    expect(asked).toEqual({ due: 0, runs: 0 });
  });

  it('a late final of a ruled-out transaction is recorded as recovered and its reference owned', async () => {
    const { unclaimed$, journal, references } = setup(false);
    sentFlow(journal, 'late', 'sale');
    journal.append({ kind: 'flow_ended', flowId: 'late', at: AT + 1, outcome: 'unknown' });
    journal.append({ kind: 'reconciled', flowId: 'late', at: AT + 2, verdict: 'not_found' });
    unclaimed$.next(unclaimed('late', FINAL));
    await drain();
    expect(references.owner('42')).toEqual({ flowId: 'late', sentAt: AT });
    expect((await journal.flow('late'))?.reconciled).toMatchObject({ verdict: 'recovered', resource: FINAL });
  });

  it('ignores late results that are not a transaction final: a recall, a non-final event', async () => {
    const { unclaimed$, journal, references } = setup(false);
    sentFlow(journal, 'recall', 'recall_last_transaction');
    journal.append({ kind: 'reconciled', flowId: 'recall', at: AT + 2, verdict: 'failed' });
    sentFlow(journal, 'sale', 'sale');
    journal.append({ kind: 'reconciled', flowId: 'sale', at: AT + 2, verdict: 'not_found' });
    unclaimed$.next(unclaimed('recall', FINAL));
    unclaimed$.next(unclaimed('sale', FINAL, false));
    unclaimed$.next(unclaimed('nobody', FINAL));
    await drain();
    expect(references.owner('42')).toBeUndefined();
    expect((await journal.flow('recall'))?.reconciled?.verdict).toBe('failed');
    expect((await journal.flow('sale'))?.reconciled?.verdict).toBe('not_found');
  });

  it('a late result whose journal read fails is reported on diagnostics, not dropped in silence', async () => {
    const { unclaimed$, diagnostics } = setup(true, new Error('disk gone'));
    unclaimed$.next(unclaimed('700001', FINAL));
    await drain();
    expect(diagnostics).toEqual([
      { kind: 'journal_failed', flowId: '700001', error: expect.objectContaining({ message: 'disk gone' }) },
    ]);
  });

  it('close stops listening: later drops and late results change nothing', async () => {
    const { state$, unclaimed$, journal, references, triggers, asked } = setup();
    sentFlow(journal, 'late', 'sale');
    journal.append({ kind: 'reconciled', flowId: 'late', at: AT + 2, verdict: 'not_found' });
    triggers.close();
    state$.next(DROP);
    state$.next(OPEN);
    unclaimed$.next(unclaimed('late', FINAL));
    await drain();
    expect(asked).toEqual({ due: 1, runs: 0 });
    expect(references.owner('42')).toBeUndefined();
    expect((await journal.flow('late'))?.reconciled?.verdict).toBe('not_found');
  });
});
