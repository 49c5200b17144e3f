import {
  FlowError,
  FlowRefusedError,
  type Journal,
  JournalError,
  type JournalRecord,
  MemoryJournal,
} from '@bluechip-ws/core';
import { describe, expect, it } from 'vitest';
import type { OutcomeUnknownError, RecoveryPendingError } from '../src/index.js';
import { endingOf, trackFlow } from '../src/recovery/flow-tracker.js';
import { type Admission, type AdmitRequest, Gate } from '../src/recovery/gate.js';
import { LiveFlows } from '../src/recovery/live-flows.js';
import { ReferenceBook } from '../src/recovery/references.js';
import { RunScheduler } from '../src/recovery/run-scheduler.js';

const AT = 1_700_000_000_000;
const FINAL = { status: 'completed', results: [{ status: 'approved', type: 'sale', reference_no: '42' }] };

/**
 * A gate on a memory journal and a real run scheduler whose job is `reconcile` (by default: nothing). The
 * job stands in for reconciliation, so each row of the gate's table can be set up in the journal alone.
 */
function setup(reconcile: (journal: Journal) => void | Promise<void> = () => undefined) {
  const journal = new MemoryJournal();
  const flows = new LiveFlows();
  let pending: readonly string[] = [];
  let runs = 0;
  const scheduler = new RunScheduler(async () => {
    runs++;
    await reconcile(journal);
    return { value: undefined, again: false };
  });
  const ended: string[] = [];
  const gate = new Gate({
    journal,
    now: () => AT,
    flows,
    runs: scheduler,
    pending: () => pending,
    track: (flow, sentAt) =>
      trackFlow({ flows, references: new ReferenceBook(), ended: (e) => ended.push(e) }, flow, sentAt),
  });
  return {
    journal,
    flows,
    scheduler,
    gate,
    ended,
    get runs() {
      return runs;
    },
    setPending(ids: readonly string[]) {
      pending = ids;
    },
  };
}

const sale = (flowId: string, idempotencyKey?: string): AdmitRequest => ({
  flowId,
  type: 'sale',
  ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
});

/** An earlier flow with key `key`, followed by `records` (given without `flowId`/`at`). */
function earlier(journal: Journal, flowId: string, key: string, ...records: Record<string, unknown>[]): void {
  const sent: JournalRecord = {
    kind: 'request_sent',
    flowId,
    at: AT - 60_000,
    endpoint: '/tsi/v1/payment',
    resource: { type: 'sale', amount: 500 },
    idempotencyKey: key,
  };
  journal.append(sent);
  for (const record of records) journal.append({ flowId, at: AT - 50_000, ...record } as JournalRecord);
}

const FINAL_ACKED = [
  { kind: 'event', status: 'completed', final: true, resource: FINAL },
  { kind: 'ack_sent', status: 'completed' },
  { kind: 'flow_ended', outcome: 'completed' },
];
const LOST = [{ kind: 'flow_ended', outcome: 'unknown' }];

function errorOf<E>(admission: Admission): E {
  if (admission.kind !== 'refuse') throw new Error(`expected a refusal, got ${admission.kind}`);
  return admission.error as unknown as E;
}

function kindOf(admission: Admission): string {
  if (admission.kind !== 'refuse') return admission.kind;
  const error = admission.error as { name: string; reason?: string };
  return `refuse ${error.name}${error.reason === undefined ? '' : ` ${error.reason}`}`;
}

describe('Gate: what an operation may do before it is sent', () => {
  it('nothing to check: admitted synchronously, and the flow is now sent from here', () => {
    const g = setup();
    const admission = g.gate.admit(sale('f1'));
    expect(admission).not.toBeInstanceOf(Promise);
    expect((admission as Admission).kind).toBe('send');
    expect(g.flows.sentHere('f1')).toBe(true);
  });

  it('a run due: the operation waits for it, and the run happens once', async () => {
    const g = setup();
    g.scheduler.markDue();
    const admission = g.gate.admit(sale('f1'));
    expect(admission).toBeInstanceOf(Promise);
    expect(kindOf(await admission)).toBe('send');
    expect(g.runs).toBe(1);
    expect(kindOf(await g.gate.admit(sale('f2')))).toBe('send');
    expect(g.runs).toBe(1);
  });

  it('a fresh key is reserved at once: a second call with it is refused in_flight until the first ends', async () => {
    const g = setup();
    const first = g.gate.admit(sale('f1', 'order-1'));
    const second = g.gate.admit(sale('f2', 'order-1'));
    const [a, b] = await Promise.all([first, second]);
    expect([kindOf(a), kindOf(b)]).toEqual(['send', 'refuse OutcomeUnknownError in_flight']);
    expect(errorOf<OutcomeUnknownError>(b).flowId).toBe('f1');
    if (a.kind !== 'send') throw new Error('expected send');
    a.tracker.end('complete');
    expect(g.ended).toEqual(['settled']);
    expect(kindOf(await g.gate.admit(sale('f3', 'order-1')))).toBe('send');
  });

  it('a key whose earlier flow has a known result replays it without a run', async () => {
    const g = setup();
    earlier(g.journal, 'old', 'order-1', ...FINAL_ACKED);
    const admission = await g.gate.admit(sale('f1', 'order-1'));
    expect(admission.kind === 'replay' && admission.outcome).toMatchObject({
      kind: 'approved',
      flowId: 'old',
      replayed: true,
    });
    expect(g.runs).toBe(0);
    expect(g.flows.holderOf('order-1')).toBeUndefined();
  });

  it('a key whose earlier flow was refused (not busy) is sent again without a run', async () => {
    const g = setup();
    earlier(g.journal, 'old', 'order-1', {
      kind: 'flow_ended',
      outcome: 'failed',
      error: { code: 'refused', message: 'PINPAD not ready' },
    });
    expect(kindOf(await g.gate.admit(sale('f1', 'order-1')))).toBe('send');
    expect(g.runs).toBe(0);
  });

  it('a key whose earlier flow may have run: reconciled first, then replayed when recovered', async () => {
    const g = setup((journal) =>
      journal.append({ kind: 'reconciled', flowId: 'old', at: AT, verdict: 'recovered', resource: FINAL }),
    );
    earlier(g.journal, 'old', 'order-1', ...LOST);
    const admission = await g.gate.admit(sale('f1', 'order-1'));
    expect(kindOf(admission)).toBe('replay');
    expect(g.runs).toBe(1);
  });

  it('a key whose earlier flow stays unknown after the run is refused with the note, and the key freed', async () => {
    const note = 'check the detail report for a sale of 5.00';
    const g = setup((journal) =>
      journal.append({ kind: 'reconciled', flowId: 'old', at: AT, verdict: 'still_unknown', note }),
    );
    earlier(g.journal, 'old', 'order-1', ...LOST);
    const admission = await g.gate.admit(sale('f1', 'order-1'));
    expect(kindOf(admission)).toBe('refuse OutcomeUnknownError unresolved');
    expect(errorOf<OutcomeUnknownError>(admission).check).toBe(note);
    expect(g.flows.holderOf('order-1')).toBeUndefined();
    expect(g.flows.sentHere('f1')).toBe(false);
  });

  it('a key whose earlier flow was refused "TSI busy" is checked like an unknown outcome', async () => {
    const g = setup();
    earlier(g.journal, 'old', 'order-1', {
      kind: 'flow_ended',
      outcome: 'failed',
      error: { code: 'refused', message: 'terminal refused the request: TSI busy', busy: true },
    });
    const admission = await g.gate.admit(sale('f1', 'order-1'));
    expect(g.runs).toBe(1);
    expect(g.flows.suspected()).toEqual(['old']);
    expect(kindOf(admission)).toBe('refuse OutcomeUnknownError unresolved');
  });

  it('a transaction left unchecked holds back new transactions, not reads', async () => {
    const g = setup();
    g.setPending(['lost-1']);
    const refused = await g.gate.admit(sale('f1'));
    expect(kindOf(refused)).toBe('refuse RecoveryPendingError');
    expect(errorOf<RecoveryPendingError>(refused).flowIds).toEqual(['lost-1']);
    expect(kindOf(await g.gate.admit({ flowId: 'f2', type: 'terminal_info' }))).toBe('send');
    expect(kindOf(await g.gate.admit({ flowId: 'f3', type: 'settlement' }))).toBe(
      'refuse RecoveryPendingError',
    );
  });

  it('a run that fails refuses the operation with its error and frees the key', async () => {
    const failure = new JournalError('read_failed', 'disk gone');
    const g = setup(() => {
      throw failure;
    });
    g.scheduler.markDue();
    const admission = await g.gate.admit(sale('f1', 'order-1'));
    expect(admission).toEqual({ kind: 'refuse', error: failure });
    expect(g.flows.holderOf('order-1')).toBeUndefined();
  });

  it('a key held by an aborted flow is free once the session has ended that flow in the journal', async () => {
    const g = setup();
    const first = await g.gate.admit(sale('f1', 'order-1'));
    if (first.kind !== 'send') throw new Error('expected send');
    first.tracker.end('detached');
    earlier(g.journal, 'f1', 'order-1');
    expect(kindOf(await g.gate.admit(sale('f2', 'order-1')))).toBe('refuse OutcomeUnknownError in_flight');
    g.journal.append({
      kind: 'flow_ended',
      flowId: 'f1',
      at: AT,
      outcome: 'failed',
      error: { code: 'x', message: 'y' },
    });
    expect(kindOf(await g.gate.admit(sale('f3', 'order-1')))).toBe('send');
  });
});

describe('flow tracker: how an admitted operation ended', () => {
  const busy = new FlowRefusedError('f1', { code: '0', text: 'TSI busy' }, {});
  const refused = new FlowRefusedError('f1', { code: '5', text: 'PINPAD not ready' }, {});
  const lost = new FlowError('link_closed', 'link closed', { flowId: 'f1', outcomeUnknown: true });

  it('classifies endings: only those that may hide a result the terminal ran ask for a look', () => {
    expect(endingOf('sale', 'complete')).toBe('settled');
    expect(endingOf('sale', 'detached')).toBe('detached');
    expect(endingOf('sale', 'error', busy)).toBe('busy_refused');
    expect(endingOf('terminal_info', 'error', busy)).toBe('settled');
    expect(endingOf('sale', 'error', refused)).toBe('settled');
    expect(endingOf('sale', 'error', lost)).toBe('unknown');
    expect(endingOf('terminal_info', 'error', lost)).toBe('unknown');
  });

  it('ends once; a busy refusal becomes a suspect; a transaction final owns its reference', () => {
    const flows = new LiveFlows();
    const references = new ReferenceBook();
    const ended: string[] = [];
    flows.attach('f1', 'order-1');
    const tracker = trackFlow({ flows, references, ended: (e) => ended.push(e) }, sale('f1'), AT);
    tracker.progress({ type: 'final', outcome: { raw: FINAL } } as never);
    tracker.end('error', busy);
    tracker.end('complete');
    expect(ended).toEqual(['busy_refused']);
    expect(flows.suspected()).toEqual(['f1']);
    expect(flows.holderOf('order-1')).toBeUndefined();
    expect(references.owner('42')).toEqual({ flowId: 'f1', sentAt: AT });

    // A recall's result carries the recalled transaction's reference, which is not the recall's.
    const recallBook = new ReferenceBook();
    const recall = trackFlow(
      { flows, references: recallBook, ended: () => undefined },
      { flowId: 'r1', type: 'recall_last_transaction' },
      AT,
    );
    recall.progress({ type: 'final', outcome: { raw: FINAL } } as never);
    expect(recallBook.owner('42')).toBeUndefined();
  });
});
