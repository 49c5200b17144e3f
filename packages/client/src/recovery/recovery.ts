import {
  FlowRefusedError,
  type FlowSummary,
  type Journal,
  type JsonObject,
  type Session,
  type UnclaimedEvent,
} from '@bluechip-ws/core';
import { type Observable, Subject, type Subscription } from 'rxjs';
import type { Progress, TransactionOutcome } from '../outcome.js';
import { OutcomeUnknownError, RecoveryError, RecoveryPendingError } from './errors.js';
import { flowKind, kindOfType } from './flow-kind.js';
import { isBusyRefusal, keyState } from './idempotency.js';
import { describeRequest } from './judge.js';
import { LiveFlows } from './live-flows.js';
import { DEFAULT_RECALL_TIMEOUTS } from './recall.js';
import { reconcileOnce } from './reconciler.js';
import { ReferenceBook, referenceOf } from './references.js';
import { knownResult, replayedOutcome } from './replay.js';
import type { ReconcileReport, RecoveryOptions } from './types.js';

/** An operator's verdict on a flow (see `Recovery.resolve`). */
export type Resolution =
  | { readonly verdict: 'recovered'; readonly resource: JsonObject; readonly note?: string }
  | { readonly verdict: 'not_found' | 'failed'; readonly note?: string };

/** What the recovery gate lets an operation do. */
export type Admission =
  | { readonly kind: 'send'; readonly tracker: FlowTracker }
  | { readonly kind: 'replay'; readonly outcome: TransactionOutcome }
  | { readonly kind: 'refuse'; readonly error: Error };

export interface AdmitRequest {
  readonly flowId: string;
  /** The request's `type`. */
  readonly type: string;
  readonly idempotencyKey?: string;
}

/** Told what became of an admitted operation, so recovery knows which flows are still running here. */
export interface FlowTracker {
  progress(progress: Progress): void;
  /** `detached`: the caller stopped waiting; the session still runs the flow. */
  end(how: 'complete' | 'error' | 'detached', error?: unknown): void;
}

export interface RecoveryContext {
  readonly session: Session;
  readonly journal: Journal;
  readonly nextFlowId: () => string;
  readonly now: () => number;
  readonly auto: boolean;
  readonly options?: RecoveryOptions;
}

const DEFAULT_TOLERANCE_MS = 120_000;
const DEFAULT_MATCH_TOLERANCE_MS = 5_000;

/**
 * The recovery side of a terminal handle: reconciliation runs (serialized, one at a time), the automatic
 * ones (first operation, after a drop, after an unknown outcome), and the gate every operation passes before
 * it is sent (idempotency keys, and no new transaction while an earlier one could not be checked).
 */
export class Recovery {
  private readonly reportsSubject = new Subject<ReconcileReport>();
  private readonly flows = new LiveFlows();
  private readonly references = new ReferenceBook();
  private readonly subscriptions: Subscription[] = [];
  private readonly toleranceMs: number;
  private readonly matchToleranceMs: number;
  private dirty: boolean;
  private sawDrop = false;
  private running: Promise<ReconcileReport> | undefined;
  /** Transactions the last run could not check with the terminal. */
  private pending: readonly string[] = [];
  private closed = false;

  /** Every reconciliation report, automatic runs included. */
  readonly reports$: Observable<ReconcileReport> = this.reportsSubject.asObservable();

  constructor(private readonly context: RecoveryContext) {
    this.dirty = context.auto;
    this.toleranceMs = context.options?.clockToleranceMs ?? DEFAULT_TOLERANCE_MS;
    this.matchToleranceMs = context.options?.matchToleranceMs ?? DEFAULT_MATCH_TOLERANCE_MS;
    const { session } = context;
    this.subscriptions.push(
      session.state$.subscribe((state) => {
        if (
          state.kind === 'reconnecting' ||
          (state.kind === 'closed' && !state.reason.clean && !state.disposed)
        ) {
          this.sawDrop = true;
          if (context.auto) this.dirty = true;
        } else if (state.kind === 'open' && this.sawDrop) {
          this.sawDrop = false;
          if (context.auto) this.reconcile().catch(() => undefined);
        }
      }),
      session.unclaimed$.subscribe((item) => {
        if (item.final) this.onLateResult(item).catch(() => undefined);
      }),
    );
  }

  /** Runs one reconciliation after any running one; see `Terminal.reconcile`. */
  reconcile(): Promise<ReconcileReport> {
    if (this.closed) return Promise.reject(new RecoveryError('closed', 'the terminal handle is closed'));
    const run = (this.running ?? Promise.resolve()).then(
      () => this.runOnce(),
      () => this.runOnce(),
    );
    this.running = run;
    const clear = () => {
      if (this.running === run) this.running = undefined;
    };
    run.then(clear, clear);
    return run;
  }

  /**
   * The gate before an operation is sent. Never rejects: a refusal is an admission too. When there is nothing
   * to check (no key, no reconciliation due or running, nothing pending) it answers synchronously, so the
   * common path adds no microtask.
   */
  admit(request: AdmitRequest): Admission | Promise<Admission> {
    if (this.closed) return { kind: 'send', tracker: NO_TRACKING }; // the session refuses it as closed
    const quiet = !this.dirty && this.running === undefined && this.pending.length === 0;
    if (quiet && request.idempotencyKey === undefined) return this.admitted(request);
    return this.admitChecked(request);
  }

  private async admitChecked(request: AdmitRequest): Promise<Admission> {
    const key = request.idempotencyKey;
    if (key !== undefined) {
      let holder = this.flows.holderOf(key);
      if (holder !== undefined) {
        try {
          await this.flows.prune(holder, (id) => this.context.journal.flow(id));
        } catch (cause) {
          return refuse(new RecoveryError('journal_failed', 'could not read the journal', { cause }));
        }
        holder = this.flows.holderOf(key);
      }
      // Checked and reserved with no await in between, so two calls cannot both take the key.
      if (holder !== undefined) {
        return refuse(new OutcomeUnknownError(holder, key, 'in_flight', 'wait for that flow to finish'));
      }
      this.flows.reserve(key, request.flowId);
    }
    const release = () => {
      if (key !== undefined) this.flows.release(key, request.flowId);
    };
    try {
      await this.settle();
      if (key !== undefined) {
        const answer = await this.checkKey(key);
        if (answer !== undefined) {
          release();
          return answer;
        }
      }
      if (kindOfType(request.type) !== 'read_only' && this.pending.length > 0) {
        release();
        return refuse(new RecoveryPendingError(this.pending));
      }
    } catch (error) {
      release();
      return refuse(error instanceof Error ? error : new RecoveryError('journal_failed', String(error)));
    }
    return this.admitted(request);
  }

  private admitted(request: AdmitRequest): Admission {
    this.flows.attach(request.flowId, request.idempotencyKey);
    return { kind: 'send', tracker: this.tracker(request, this.context.now()) };
  }

  /**
   * Records the operator's verdict on a flow reconciliation left `still_unknown`, after checking the
   * terminal: `recovered` with the result found (a final resource: `{ status: 'completed', results: [...] }`),
   * or `not_found`/`failed` when the terminal has no such transaction (its idempotency key may then be used
   * again). Rejects with `RecoveryError` when the flow is unknown or the journal fails.
   */
  async resolve(flowId: string, resolution: Resolution): Promise<void> {
    if (this.closed) throw new RecoveryError('closed', 'the terminal handle is closed');
    const journal = this.context.journal;
    const flow = await journal.flow(flowId);
    if (flow === undefined) throw new RecoveryError('unknown_flow', `the journal has no flow ${flowId}`);
    try {
      await journal.append({
        kind: 'reconciled',
        flowId,
        at: this.context.now(),
        verdict: resolution.verdict,
        note: `resolved by the operator${resolution.note === undefined ? '' : `: ${resolution.note}`}`,
        ...(resolution.verdict === 'recovered' ? { resource: resolution.resource } : {}),
      });
    } catch (cause) {
      throw new RecoveryError('journal_failed', `could not record the verdict for ${flowId}`, { cause });
    }
    this.pending = this.pending.filter((id) => id !== flowId);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.reportsSubject.complete();
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────────────────

  private async runOnce(): Promise<ReconcileReport> {
    this.dirty = false;
    const suspects = this.flows.suspected();
    try {
      const extra = (await Promise.all(suspects.map((id) => this.context.journal.flow(id)))).filter(
        (flow): flow is FlowSummary => flow !== undefined && isBusyRefusal(flow),
      );
      const report = await reconcileOnce(
        {
          session: this.context.session,
          journal: this.context.journal,
          nextFlowId: this.context.nextFlowId,
          now: this.context.now,
          clock: { toleranceMs: this.toleranceMs, matchToleranceMs: this.matchToleranceMs },
          recallTimeouts: { ...DEFAULT_RECALL_TIMEOUTS, ...this.context.options?.recallTimeouts },
          references: this.references,
          isLive: (flow) => this.flows.isLive(flow),
          sentHere: (flowId) => this.flows.sentHere(flowId),
        },
        extra,
      );
      const settled = new Set(report.flows.filter((f) => f.verdict !== 'still_unknown').map((f) => f.flowId));
      for (const id of suspects)
        if (settled.has(id) || !extra.some((f) => f.flowId === id)) this.flows.clearSuspect(id);
      this.pending = report.flows.filter((flow) => flow.source === 'unreachable').map((flow) => flow.flowId);
      // Unchecked transactions and aborted flows still running need another look later.
      if (this.pending.length > 0 || this.flows.hasDetached()) this.dirty = true;
      if (!this.closed) this.reportsSubject.next(report);
      return report;
    } catch (error) {
      this.dirty = true;
      throw error;
    }
  }

  /** Waits for a needed or running reconciliation before an operation goes out. */
  private async settle(): Promise<void> {
    if (this.dirty) await this.reconcile();
    else if (this.running !== undefined) await this.running;
  }

  private async checkKey(key: string): Promise<Admission | undefined> {
    const journal = this.context.journal;
    let state = keyState(await journal.byIdempotencyKey(key));
    if (state.kind === 'unknown') {
      if (this.flows.isLive(state.flow)) {
        return refuse(
          new OutcomeUnknownError(state.flow.flowId, key, 'in_flight', 'wait for that flow to finish'),
        );
      }
      // Never sent again blindly: ask the terminal first.
      if (isBusyRefusal(state.flow)) this.flows.suspect(state.flow.flowId);
      await this.reconcile();
      state = keyState(await journal.byIdempotencyKey(key));
    }
    switch (state.kind) {
      case 'fresh':
        return undefined;
      case 'known': {
        const result = knownResult(state.flow);
        return result === undefined
          ? undefined
          : { kind: 'replay', outcome: replayedOutcome(state.flow, result) };
      }
      case 'unknown': {
        const check =
          state.flow.reconciled?.note ??
          `check the terminal's detail report for ${describeRequest(state.flow)}`;
        return refuse(new OutcomeUnknownError(state.flow.flowId, key, 'unresolved', check));
      }
    }
  }

  private tracker(request: AdmitRequest, sentAt: number): FlowTracker {
    let ended = false;
    return {
      progress: (progress) => {
        if (progress.type !== 'final' || kindOfType(request.type) !== 'transaction') return;
        const reference = referenceOf(progress.outcome.raw);
        if (reference !== undefined) this.references.note(reference, request.flowId, sentAt);
      },
      end: (how, error) => {
        if (ended) return;
        ended = true;
        if (how === 'detached') {
          this.flows.detach(request.flowId);
          if (this.context.auto) this.dirty = true;
          return;
        }
        this.flows.end(request.flowId);
        if (how === 'error' && busyRefusal(error) && kindOfType(request.type) === 'transaction') {
          this.flows.suspect(request.flowId);
          if (this.context.auto) this.dirty = true;
        }
        if (how === 'error' && outcomeUnknown(error) && this.context.auto) this.dirty = true;
      },
    };
  }

  /**
   * A final result no caller waited for: its reference is owned from now on. Should it belong to a flow
   * reconciliation had ruled out, the terminal did run it after all, and the result replaces that verdict.
   */
  private async onLateResult(item: UnclaimedEvent): Promise<void> {
    const flow = await this.context.journal.flow(item.flowId);
    // Only a transaction owns its reference: a recall's result carries the recalled one's.
    if (flow === undefined || flowKind(flow) !== 'transaction') return;
    const reference = referenceOf(item.resource);
    if (reference !== undefined) this.references.note(reference, item.flowId, flow.sentAt);
    const verdict = flow.reconciled?.verdict;
    if (this.closed || (verdict !== 'not_found' && verdict !== 'failed')) return;
    await this.context.journal.append({
      kind: 'reconciled',
      flowId: item.flowId,
      at: this.context.now(),
      verdict: 'recovered',
      resource: item.resource,
      note: `the terminal's result arrived after reconciliation had judged this flow ${verdict}; it replaces that verdict`,
    });
  }
}

const NO_TRACKING: FlowTracker = { progress: () => undefined, end: () => undefined };

function refuse(error: Error): Admission {
  return { kind: 'refuse', error };
}

function busyRefusal(error: unknown): boolean {
  return error instanceof FlowRefusedError && error.terminalBusy;
}

function outcomeUnknown(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { outcomeUnknown?: unknown }).outcomeUnknown === true
  );
}
