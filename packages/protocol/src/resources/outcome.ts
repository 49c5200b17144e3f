import { type JsonObject, own } from '../json.js';
import { type ErrorInfo, readErrorInfo, readResults, type TransactionResult } from './results.js';

/**
 * What a final event (or a final response) means to a POS. Business outcomes are not protocol errors: a
 * decline arrives as `completed` with `results[0].status` other than `approved` (tsi-notes §3.1).
 *  - `completed`: a successful final event with no approval semantics (info, reports, receipts).
 *  - `other`: a result status this library does not know (kept raw for the POS to judge).
 */
export type OutcomeKind =
  | 'approved'
  | 'declined'
  | 'cancelled'
  | 'timed_out'
  | 'error'
  | 'completed'
  | 'other';

export interface Outcome {
  readonly kind: OutcomeKind;
  /** The event's `resource.status`. */
  readonly status: string;
  /** `results[0].status`, when there is one. */
  readonly resultStatus?: string;
  readonly result?: TransactionResult;
  readonly results: readonly TransactionResult[];
  readonly errorInfo?: ErrorInfo;
  readonly raw: JsonObject;
}

const RESULT_KINDS: Readonly<Record<string, OutcomeKind>> = {
  approved: 'approved',
  decline_by_host_or_card: 'declined',
  declined: 'declined',
  cancelled_by_user: 'cancelled',
  timeout_on_user_input: 'timed_out',
  receipt_information: 'completed',
};

/** Classifies a final event (or a `completed`/`error` response) resource, keeping the raw result. */
export function classifyFinal(resource: JsonObject): Outcome {
  const status = typeof resource.status === 'string' ? resource.status : String(resource.status);
  const results = readResults(resource);
  const result = results[0];
  const errorInfo = readErrorInfo(own(resource, 'error_info'));
  const base = { status, results, raw: resource };
  const withResult = result === undefined ? base : { ...base, result };
  const withError = errorInfo === undefined ? withResult : { ...withResult, errorInfo };
  if (status === 'error') return { kind: 'error', ...withError };
  if (status !== 'completed' && status !== 'ok') {
    // Unknown final statuses are failures (tsi-notes §2.3): the POS must not treat them as approvals.
    return { kind: 'error', ...withError };
  }
  const resultStatus = result?.status;
  if (resultStatus === undefined) return { kind: 'completed', ...withError };
  const kind = RESULT_KINDS[resultStatus] ?? (resultStatus.startsWith('decline') ? 'declined' : 'other');
  return { kind, resultStatus, ...withError };
}
