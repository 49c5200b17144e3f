/** Browser-safe entry: the remote terminal, the subject layout and the outcome stream. Node parts: `./node`. */

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
  type RemoteProgress,
  RemoteTerminal,
} from './remote.js';
export * from './subjects.js';
