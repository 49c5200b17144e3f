/**
 * The public entry: what a POS, a binding or a transport/journal implementer needs. The building blocks
 * behind it (the journal index and fold, checksums, guards, the consumer guard, the timeout table) are in
 * `@bluechip-ws/core/internal`, with no stability promise.
 */

export {
  Connection,
  type ConnectionOptions,
  type ConnectionState,
  type ConnectionStateKind,
  defaultReconnectPolicy,
  defaultSwitchPolicy,
  type ReconnectPolicy,
  type SwitchPolicy,
} from './connection/index.js';
export {
  DEFAULT_FOLD_LIMITS,
  DEFAULT_MAX_FLOWS,
  type FlowEndError,
  type FlowIndexOptions,
  type FlowSummary,
  type FoldLimits,
  type Journal,
  JournalError,
  type JournalErrorCode,
  type JournalRecord,
  type JournalRecordKind,
  type JsonObject,
  MemoryJournal,
  type MemoryJournalOptions,
  type RecordBase,
} from './journal/index.js';
export type { Random } from './random.js';
export {
  type AckMode,
  DEFAULT_SEEN_EVENTS_LIMITS,
  DEFAULT_TIMEOUTS,
  type Diagnostic,
  type EndpointMode,
  FlowError,
  type FlowErrorCode,
  type FlowEvent,
  type FlowOptions,
  FlowRefusedError,
  type FlowStarted,
  FlowTimeoutError,
  type FlowTimeouts,
  type FlowUpdate,
  type SeenEventsLimits,
  Session,
  type SessionOptions,
  type SessionStats,
  type TimeoutCode,
  type UnclaimedAckPolicy,
  type UnclaimedEvent,
  type UnclaimedReason,
} from './session/index.js';
export * from './transport.js';
