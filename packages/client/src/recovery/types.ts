import type { FlowTimeouts } from '@bluechip-ws/core';
import type { TransactionOutcome } from '../outcome.js';
import type { RecalledTransaction } from './recalled.js';

export type Verdict = 'recovered' | 'not_found' | 'still_unknown' | 'failed';

/** How a verdict was reached. */
export type VerdictSource =
  /** The final result was in the journal (it arrived, but was not acked). */
  | 'journal'
  /** Matched, or ruled out, against the terminal's last transaction. */
  | 'recall'
  /** A request that moves no money (info, reports, the recall itself): nothing to recover. */
  | 'read_only'
  /** A type that `recall_last_transaction` cannot show (settlement…): the operator checks. */
  | 'not_recallable'
  /** The terminal could not be asked (unreachable, busy, timed out). */
  | 'unreachable';

/** One open flow and what reconciliation concluded. */
export interface ReconciledFlow {
  readonly flowId: string;
  /** The request's `type` (`sale`…), or `unknown` when the journal has no request for it. */
  readonly type: string;
  readonly amount?: number;
  readonly idempotencyKey?: string;
  /** When the request went out (epoch ms, POS clock). */
  readonly sentAt?: number;
  readonly verdict: Verdict;
  readonly source: VerdictSource;
  /** For `recovered`: the outcome, as an operation would have delivered it (marked `replayed`). */
  readonly outcome?: TransactionOutcome;
  /** Why, and for `still_unknown` what the POS operator should check. */
  readonly note: string;
}

export interface ReconcileReport {
  /** When the run ended (epoch ms, POS clock). */
  readonly at: number;
  /** Every open flow looked at, newest request first. */
  readonly flows: readonly ReconciledFlow[];
  /** What `recall_last_transaction` answered, when it was asked. */
  readonly recall?:
    | { readonly status: 'found'; readonly flowId: string; readonly transaction: RecalledTransaction }
    | { readonly status: 'none'; readonly flowId: string }
    | { readonly status: 'failed'; readonly flowId: string; readonly reason: string };
  /** Flows still `still_unknown` after this run. */
  readonly unresolved: number;
}

export interface RecoveryOptions {
  /**
   * Reconcile by itself: before the first operation after `connect` (operations wait for it), after the link
   * comes back from a drop, and before the next operation after one ended with an unknown outcome.
   * Default: on when `connect` was given a `journal`, off otherwise. `terminal.reconcile()` works either way.
   */
  readonly auto?: boolean;
  /**
   * How far apart the terminal's clock and the POS clock may be when matching the terminal's last transaction
   * to a request, in ms. Default 120 000 (2 min). Set the terminal's clock (`setDateTime`) to keep it small.
   */
  readonly clockToleranceMs?: number;
  /**
   * How long before the request (on the POS clock) a recalled transaction may be stamped and still be taken
   * for it, in ms. Default 5 000. A transaction stamped earlier (a same-amount sale a minute before, say) is
   * never taken for the request: it gives `still_unknown`, or `not_found` when older than `clockToleranceMs`.
   * Keep the terminal's clock within this of the POS clock (`setDateTime`), or raise it.
   */
  readonly matchToleranceMs?: number;
  /** Timeouts of the `recall_last_transaction` that reconciliation sends. */
  readonly recallTimeouts?: Partial<FlowTimeouts>;
}
