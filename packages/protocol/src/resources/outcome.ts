import { type JsonObject, own } from '../json.js';
import { type Cents, readCents } from '../money.js';
import { type ErrorInfo, readErrorInfo, readResults, type TransactionResult } from './results.js';

/**
 * What a final event (or a final response) means to a POS. Business outcomes are not protocol errors: a
 * decline arrives as `completed` with `results[0].status` other than `approved` (docs/protocol.md).
 *  - `partially_approved`: approved for an amount other than the one requested (see `partial`); the POS
 *    must collect the difference another way. Only known when the request is given (`classifyFinal`).
 *  - `not_found`: the terminal has no record to act on (a void, completion or tip adjust of an unknown or
 *    already voided reference: `transaction_record_not_found`). A refusal: nothing changed.
 *  - `completed`: a successful final event with no approval semantics (info, reports, receipts).
 *  - `other`: a result status this library does not know (kept raw for the POS to judge).
 */
export type OutcomeKind =
  | 'approved'
  | 'partially_approved'
  | 'declined'
  | 'not_found'
  | 'cancelled'
  | 'timed_out'
  | 'error'
  | 'completed'
  | 'other';

/** The two amounts of a partial approval, in cents (tips excluded). */
export interface PartialApproval {
  readonly requested: Cents;
  readonly approved: Cents;
}

export interface Outcome {
  readonly kind: OutcomeKind;
  /** The event's `resource.status`. */
  readonly status: string;
  /** `results[0].status`, when there is one. */
  readonly resultStatus?: string;
  readonly result?: TransactionResult;
  readonly results: readonly TransactionResult[];
  /** The terminal's `error_info` (code, extended code, text), as sent, on error outcomes. */
  readonly errorInfo?: ErrorInfo;
  /** Set when `kind` is `partially_approved`. */
  readonly partial?: PartialApproval;
  readonly raw: JsonObject;
}

/** Every `results[i].status` the protocol notes and the simulator know (docs/protocol.md). */
export const RESULT_KINDS: Readonly<Record<string, OutcomeKind>> = {
  approved: 'approved',
  decline_by_host_or_card: 'declined',
  declined: 'declined',
  cancelled_by_user: 'cancelled',
  timeout_on_user_input: 'timed_out',
  transaction_record_not_found: 'not_found',
  receipt_information: 'completed',
};

/**
 * Classifies a final event (or a `completed`/`error` response) resource, keeping the raw result. With the
 * request's resource, an approval for another amount than the requested one is `partially_approved`.
 */
export function classifyFinal(resource: JsonObject, request?: JsonObject): Outcome {
  const status = typeof resource.status === 'string' ? resource.status : String(resource.status);
  const results = readResults(resource);
  const result = results[0];
  const errorInfo = readErrorInfo(own(resource, 'error_info'));
  const base = { status, results, raw: resource };
  const withResult = result === undefined ? base : { ...base, result };
  const withError = errorInfo === undefined ? withResult : { ...withResult, errorInfo };
  if (status === 'error') return { kind: 'error', ...withError };
  if (status !== 'completed' && status !== 'ok') {
    // Unknown final statuses are failures (docs/protocol.md): the POS must not treat them as approvals.
    return { kind: 'error', ...withError };
  }
  const resultStatus = result?.status;
  if (resultStatus === undefined) return { kind: 'completed', ...withError };
  const kind = Object.hasOwn(RESULT_KINDS, resultStatus)
    ? (RESULT_KINDS[resultStatus] as OutcomeKind)
    : resultStatus.startsWith('decline')
      ? 'declined'
      : 'other';
  const outcome: Outcome = { kind, resultStatus, ...withError };
  return kind === 'approved' && request !== undefined ? withPartialApproval(outcome, request) : outcome;
}

/**
 * Marks an approval `partially_approved` when the amount the terminal approved differs from the request's
 * `amount`. The approved amount is `transaction_amount`, else `total_amount` less the tip; when the result
 * carries neither, nothing is inferred.
 */
export function withPartialApproval(outcome: Outcome, request: JsonObject): Outcome {
  if (outcome.kind !== 'approved' || outcome.result === undefined) return outcome;
  const requested = readCents(own(request, 'amount'));
  if (requested === undefined) return outcome;
  const r = outcome.result;
  const approved =
    r.transactionAmount ??
    (r.totalAmount === undefined
      ? undefined
      : r.totalAmount - (r.tipAmount ?? readCents(own(request, 'tip_amount')) ?? 0));
  if (approved === undefined || approved === requested) return outcome;
  return { ...outcome, kind: 'partially_approved', partial: { requested, approved: approved as Cents } };
}
