/** The public entry. The frame tap and the camelCase-to-wire mapping: `@bluechip-ws/client/internal`. */

export {
  type ConnectionState,
  type Diagnostic,
  FlowError,
  type FlowErrorCode,
  FlowRefusedError,
  FlowTimeoutError,
  type FlowTimeouts,
  type Journal,
  MemoryJournal,
  type UnclaimedEvent,
} from '@bluechip-ws/core';
export {
  AmountError,
  type AmountErrorCode,
  type Cents,
  cents,
  type ErrorInfo,
  formatAmount,
  maskCardNumbers,
  maskPan,
  type OutcomeKind,
  type PartialApproval,
  parseAmount,
} from '@bluechip-ws/protocol';
export { type ConnectOptions, connect } from './connect.js';
export { ClientError, type ClientErrorCode, OperationAbortedError } from './errors.js';
export {
  type Classification,
  type ClassKind,
  classifyFailure,
  classifyOutcome,
  FAILURE_CODES,
  FAILURE_KINDS,
  type Failure,
  type FailureKind,
  type FailureRow,
  failureOfCode,
} from './failure.js';
export type { FrameListener, FrameRecord } from './frame-tap.js';
export {
  checkIdempotencyKey,
  IdempotencyKeyError,
  type IdempotencyKeyProblem,
  idempotencyKeyProblem,
  MAX_IDEMPOTENCY_KEY_LENGTH,
} from './idempotency-key.js';
export type { OperationOptions } from './operation.js';
export type { Progress, TransactionOutcome } from './outcome.js';
export type * from './params.js';
export {
  OutcomeUnknownError,
  type OutcomeUnknownReason,
  type RecalledTransaction,
  type ReconciledFlow,
  type ReconcileReport,
  RecoveryError,
  type RecoveryErrorCode,
  type RecoveryOptions,
  RecoveryPendingError,
  type Resolution,
  type Verdict,
  type VerdictSource,
} from './recovery/index.js';
// Types only: the reporter itself is the `./telemetry` entry (`openTelemetry()`), kept out of this one.
export type { FlowTimeline, TelemetryOptions, TimelineMark } from './telemetry.js';
export type { TelemetrySetup } from './telemetry-setup.js';
export { Terminal, type TerminalContext } from './terminal.js';
