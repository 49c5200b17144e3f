import type { Diagnostic, Journal, Session } from '@bluechip-ws/core';
import { type Observable, Subject } from 'rxjs';
import { handleClosedError } from './errors.js';
import { type FlowTracker, trackFlow } from './flow-tracker.js';
import { type Admission, type AdmitRequest, Gate } from './gate.js';
import { LiveFlows } from './live-flows.js';
import { reconcileJob } from './reconcile-run.js';
import { ReferenceBook } from './references.js';
import { RunScheduler } from './run-scheduler.js';
import { Triggers } from './triggers.js';
import type { ReconcileReport, RecoveryOptions } from './types.js';
import { type Resolution, VerdictRecord } from './verdict-record.js';

export interface RecoveryContext {
  readonly session: Session;
  readonly journal: Journal;
  readonly nextFlowId: () => string;
  readonly now: () => number;
  readonly auto: boolean;
  readonly options?: RecoveryOptions;
}

/**
 * The recovery side of a terminal handle, put together from its parts: the `Gate` every operation passes,
 * the `RunScheduler` that runs reconciliations one at a time (`reconcileJob`), the `Triggers` that ask for
 * runs by themselves, and the `VerdictRecord` (operator verdicts, transactions left unchecked).
 */
export class Recovery {
  private readonly reportsSubject = new Subject<ReconcileReport>();
  private readonly runs: RunScheduler<ReconcileReport>;
  private readonly verdicts: VerdictRecord;
  private readonly gate: Gate;
  private readonly triggers: Triggers;
  private closed = false;

  /** Every reconciliation report, automatic runs included. */
  readonly reports$: Observable<ReconcileReport> = this.reportsSubject.asObservable();
  private readonly diagnosticsSubject = new Subject<Diagnostic>();
  /** Failures of recovery's own journal work that no caller waits for (a late result's verdict). */
  readonly diagnostics$: Observable<Diagnostic> = this.diagnosticsSubject.asObservable();

  constructor(context: RecoveryContext) {
    const flows = new LiveFlows();
    const references = new ReferenceBook();
    this.verdicts = new VerdictRecord(context.journal, context.now);
    const job = reconcileJob({ ...context, flows, references, verdicts: this.verdicts });
    this.runs = new RunScheduler(job, (report) => {
      if (!this.closed) this.reportsSubject.next(report);
    });
    this.triggers = new Triggers({
      session: context.session,
      journal: context.journal,
      auto: context.auto,
      runs: this.runs,
      references,
      verdicts: this.verdicts,
      diagnose: (diagnostic) => {
        if (!this.closed) this.diagnosticsSubject.next(diagnostic);
      },
    });
    this.gate = new Gate({
      journal: context.journal,
      now: context.now,
      flows,
      runs: this.runs,
      pending: () => this.verdicts.pending,
      track: (flow, sentAt) =>
        trackFlow(
          { flows, references, ended: (ending) => this.triggers.operationEnded(ending) },
          flow,
          sentAt,
        ),
    });
  }

  /** A reconciliation that starts after this call, after any running one; see `Terminal.reconcile`. */
  reconcile(): Promise<ReconcileReport> {
    return this.runs.request();
  }

  /** The gate before an operation is sent (see `Gate`). Never rejects: a refusal is an admission too. */
  admit(request: AdmitRequest): Admission | Promise<Admission> {
    if (this.closed) return { kind: 'send', tracker: NO_TRACKING }; // the session refuses it as closed
    return this.gate.admit(request);
  }

  /**
   * Records the operator's verdict on a flow reconciliation left `still_unknown`, after checking the
   * terminal: `recovered` with the result found (a final resource: `{ status: 'completed', results: [...] }`),
   * or `not_found`/`failed` when the terminal has no such transaction (its idempotency key may then be used
   * again). Rejects with `RecoveryError` when the flow is unknown or the journal fails.
   */
  async resolve(flowId: string, resolution: Resolution): Promise<void> {
    if (this.closed) throw handleClosedError();
    await this.verdicts.resolve(flowId, resolution);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.runs.close();
    this.triggers.close();
    this.reportsSubject.complete();
    this.diagnosticsSubject.complete();
  }
}

const NO_TRACKING: FlowTracker = { progress: () => undefined, end: () => undefined };
