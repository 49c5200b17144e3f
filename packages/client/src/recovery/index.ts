/**
 * Recovery: no outcome lost. Reconciliation settles the flows a crash or a lost link left open, with the
 * journal and the terminal's `recall_last_transaction`; idempotency keys return a known outcome instead of
 * charging twice, and refuse to resend one whose outcome is unknown. See docs/recovery.md.
 */
export {
  OutcomeUnknownError,
  type OutcomeUnknownReason,
  RecoveryError,
  type RecoveryErrorCode,
  RecoveryPendingError,
} from './errors.js';
export { type FlowKind, flowKind, kindOfType } from './flow-kind.js';
export type { FlowTracker } from './flow-tracker.js';
export type { Admission, AdmitRequest } from './gate.js';
export { type KeyState, keyState } from './idempotency.js';
export { describeRequest, type Judgement, judge } from './judge.js';
export { DEFAULT_RECALL_TIMEOUTS } from './recall.js';
export { type RecallAnswer, type RecalledTransaction, readRecall } from './recalled.js';
export { Recovery, type RecoveryContext } from './recovery.js';
export type { ReconciledFlow, ReconcileReport, RecoveryOptions, Verdict, VerdictSource } from './types.js';
export type { Resolution } from './verdict-record.js';
