import type { Journal } from '@bluechip-ws/core';
import type { TransactionOutcome } from '../outcome.js';
import { OutcomeUnknownError, RecoveryError, RecoveryPendingError } from './errors.js';
import { kindOfType } from './flow-kind.js';
import type { FlowTracker, TrackedFlow } from './flow-tracker.js';
import { isBusyRefusal, type KeyState, keyState } from './idempotency.js';
import { describeRequest } from './judge.js';
import type { LiveFlows } from './live-flows.js';
import { knownResult, replayedOutcome } from './replay.js';

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

/** What the gate needs of the run scheduler. */
export interface GateRuns {
  /** Nothing due or running. */
  readonly idle: boolean;
  /** Waits for a due or running reconciliation. */
  settle(): Promise<void>;
  /** A reconciliation that starts after this call. */
  request(): Promise<unknown>;
}

export interface GateContext {
  readonly journal: Journal;
  readonly now: () => number;
  readonly flows: LiveFlows;
  readonly runs: GateRuns;
  /** Transactions the last run could not check (see `VerdictRecord.pending`). */
  readonly pending: () => readonly string[];
  readonly track: (flow: TrackedFlow, sentAt: number) => FlowTracker;
}

/**
 * The gate every operation passes before it is sent:
 *
 * | Before it                                          | The operation                                      |
 * |----------------------------------------------------|----------------------------------------------------|
 * | its key held by a flow running here                | refused `OutcomeUnknownError` (`in_flight`)        |
 * | a reconciliation due or running                    | waits for it                                       |
 * | its key's earlier flow has a known outcome         | gets it back (`replay`), nothing sent              |
 * | its key's earlier flow may have run                | reconciles, then decides again; still unknown:     |
 * |                                                    | refused `OutcomeUnknownError` (`unresolved`)       |
 * | a transaction the last run could not check         | refused `RecoveryPendingError`, unless read-only   |
 * | none of these                                      | sent                                               |
 *
 * Never rejects: a refusal is an admission too.
 */
export class Gate {
  constructor(private readonly context: GateContext) {}

  /** Synchronous when there is nothing to check, so the common path adds no microtask. */
  admit(request: AdmitRequest): Admission | Promise<Admission> {
    const quiet = this.context.runs.idle && this.context.pending().length === 0;
    if (quiet && request.idempotencyKey === undefined) return this.admitted(request);
    return this.admitChecked(request);
  }

  private async admitChecked(request: AdmitRequest): Promise<Admission> {
    const key = request.idempotencyKey;
    if (key !== undefined) {
      const holder = this.context.flows.holderOf(key);
      // No await unless a holder must be pruned: a free key is reserved within this call.
      const refusal =
        (holder === undefined ? undefined : await this.prune(holder)) ?? this.reserve(key, request.flowId);
      if (refusal !== undefined) return refusal;
    }
    let answer: Admission | undefined;
    try {
      answer = await this.decide(request);
    } catch (error) {
      answer = refuse(error instanceof Error ? error : new RecoveryError('journal_failed', String(error)));
    }
    if (answer === undefined) return this.admitted(request);
    if (key !== undefined) this.context.flows.release(key, request.flowId);
    return answer;
  }

  /** Frees a key held by a detached flow the session has since ended. */
  private async prune(holder: string): Promise<Admission | undefined> {
    try {
      await this.context.flows.prune(holder, (id) => this.context.journal.flow(id));
      return undefined;
    } catch (cause) {
      return refuse(new RecoveryError('journal_failed', 'could not read the journal', { cause }));
    }
  }

  /** Checked and reserved with no await in between, so two calls cannot both take the key. */
  private reserve(key: string, flowId: string): Admission | undefined {
    const holder = this.context.flows.holderOf(key);
    if (holder !== undefined) return inFlight(holder, key);
    this.context.flows.reserve(key, flowId);
    return undefined;
  }

  /** After any due reconciliation: an answer (replay or refusal), or undefined to send. */
  private async decide(request: AdmitRequest): Promise<Admission | undefined> {
    await this.context.runs.settle();
    if (request.idempotencyKey !== undefined) {
      const answer = await this.checkKey(request.idempotencyKey);
      if (answer !== undefined) return answer;
    }
    const pending = this.context.pending();
    if (kindOfType(request.type) !== 'read_only' && pending.length > 0) {
      return refuse(new RecoveryPendingError(pending));
    }
    return undefined;
  }

  private async checkKey(key: string): Promise<Admission | undefined> {
    const { journal, flows } = this.context;
    let state = keyState(await journal.byIdempotencyKey(key));
    if (state.kind === 'unknown') {
      if (flows.isLive(state.flow)) return inFlight(state.flow.flowId, key);
      // Never sent again blindly: ask the terminal first.
      if (isBusyRefusal(state.flow)) flows.suspect(state.flow.flowId);
      await this.context.runs.request();
      state = keyState(await journal.byIdempotencyKey(key));
    }
    return answerFor(state, key);
  }

  private admitted(request: AdmitRequest): Admission {
    this.context.flows.attach(request.flowId, request.idempotencyKey);
    return { kind: 'send', tracker: this.context.track(request, this.context.now()) };
  }
}

/** What a key's state, after any reconciliation, lets the operation do; undefined: send. */
function answerFor(state: KeyState, key: string): Admission | undefined {
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

function inFlight(holder: string, key: string): Admission {
  return refuse(new OutcomeUnknownError(holder, key, 'in_flight', 'wait for that flow to finish'));
}

function refuse(error: Error): Admission {
  return { kind: 'refuse', error };
}
