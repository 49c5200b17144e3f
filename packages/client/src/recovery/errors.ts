/**
 * Errors of the recovery layer. Each has a `code`, and `cause` where there is an underlying error.
 */
import { CodedError } from '@bluechip-ws/protocol';

/** Why an operation with an idempotency key was not sent: the earlier flow's outcome is not known. */
export type OutcomeUnknownReason =
  /** A flow with the same key is still running in this process. */
  | 'in_flight'
  /** Reconciliation ran and could not tell whether the terminal ran the earlier flow. */
  | 'unresolved';

/**
 * An operation with an idempotency key whose earlier flow may or may not have reached the terminal. Sending it
 * again could charge the card twice, so nothing was sent. `check` says what the POS operator should look at;
 * once the terminal is reachable, `terminal.reconcile()` (or simply retrying) may settle it.
 */
export class OutcomeUnknownError extends CodedError<'outcome_unknown'> {
  override readonly name = 'OutcomeUnknownError';
  constructor(
    /** The earlier flow holding the key. */
    readonly flowId: string,
    readonly idempotencyKey: string,
    readonly reason: OutcomeUnknownReason,
    /** What the POS operator should check (from the reconciliation note). */
    readonly check: string,
    options?: { cause?: unknown },
  ) {
    super(
      'outcome_unknown',
      reason === 'in_flight'
        ? `a flow with idempotency key ${JSON.stringify(idempotencyKey)} (${flowId}) is still in flight`
        : `the outcome of flow ${flowId} (idempotency key ${JSON.stringify(idempotencyKey)}) is unknown: ${check}`,
      options,
    );
  }
}

/**
 * A new transaction (or a settlement) was held back because an earlier one's outcome could not be checked
 * with the terminal (it was unreachable or busy). Sending it first would hide the earlier one from
 * `recall_last_transaction`. Retry once the terminal is reachable (the next attempt reconciles first).
 * Reads and reports still go out.
 */
export class RecoveryPendingError extends CodedError<'recovery_pending'> {
  override readonly name = 'RecoveryPendingError';
  constructor(
    readonly flowIds: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(
      'recovery_pending',
      `earlier flow(s) ${flowIds.join(', ')} still have an unknown outcome and the terminal could not be asked; ` +
        'retry once it is reachable',
      options,
    );
  }
}

export type RecoveryErrorCode = 'journal_failed' | 'closed' | 'unknown_flow';

/** Reconciliation itself could not run: the journal failed, the terminal handle is closed, or no such flow. */
export class RecoveryError extends CodedError<RecoveryErrorCode> {
  override readonly name = 'RecoveryError';
}

/** What every recovery call answers once the terminal handle is closed. */
export function handleClosedError(): RecoveryError {
  return new RecoveryError('closed', 'the terminal handle is closed');
}
