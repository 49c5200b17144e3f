/**
 * Browser-safe entry: the remote terminal, the subject layout and the outcome stream. Node parts: `./node`.
 * The subject token helpers: `./internal` (browser-safe too), with no stability promise.
 */

export {
  DEFAULT_DUPLICATE_WINDOW_MS,
  type OutcomeRecord,
  type OutcomeSource,
  OutcomeStore,
  OutcomeStoreError,
  type StreamSettings,
} from './outcome-store.js';
export { CALL_ID_HEADER, RECORDED_HEADER } from './protocol.js';
export {
  connectRemote,
  RemoteError,
  type RemoteErrorCode,
  type RemoteFlowUpdate,
  type RemoteOperationOptions,
  type RemoteOptions,
  type RemoteOutcome,
  type RemoteParams,
  type RemoteProgress,
  RemoteTerminal,
} from './remote.js';
export {
  DEFAULT_STREAM,
  EVENTS_ROOT,
  type OutcomeKey,
  outcomeMsgId,
  outcomeStreamSubjects,
  outcomeSubject,
  progressSubject,
  progressWildcard,
  queueGroup,
  REQUEST_ROOT,
  requestSubject,
  requestWildcard,
  SubjectError,
  terminalEventSubject,
} from './subjects.js';
