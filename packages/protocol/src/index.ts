/**
 * The public entry: codecs, encoders, typed requests and results, outcome and refusal classifiers, money,
 * flow ids, masking. The helpers behind them (own-key reads, envelope checks of parsed JSON, UTF-8 length,
 * permissive amount reads, the result-kind table) are in `@bluechip-ws/protocol/internal`, with no stability
 * promise.
 */

export * from './coded-error.js';
export * from './dates.js';
export { DEFAULT_MAX_FRAME_BYTES, type DecodeOptions, decodeFrame } from './decode.js';
export * from './encode.js';
export * from './endpoints.js';
export * from './envelope.js';
export * from './flow-id.js';
export type { FrameError, FrameErrorKind } from './frame-error.js';
export { isJsonObject, type JsonObject } from './json.js';
export * from './mask.js';
export {
  AmountError,
  type AmountErrorCode,
  type AmountOptions,
  type Cents,
  cents,
  DEFAULT_MAX_CENTS,
  describeAmountProblem,
  formatAmount,
  parseAmount,
  tryCents,
  tryParseAmount,
} from './money.js';
export type {
  ApiValue,
  OperationParams,
  OptionalParamsOperation,
  PurchaseLevel2Params,
} from './operations/api-params.js';
export {
  COMMON_PARAMETERS,
  OPERATION_NAMES,
  OPERATIONS,
  type OperationName,
  type OperationOf,
  type OperationRow,
  operationRow,
  type SharedOf,
  type SharedParameters,
  sharedParameters,
  TOKEN_PARAMETERS,
} from './operations/operations.js';
export {
  type CamelCase,
  CENTS_PARAMETERS,
  camelCase,
  LEVEL2_PARAMETERS,
  type Level2Name,
  PARAMETERS,
  type ParameterKind,
  type ParameterName,
  type ParameterRow,
  parameterLabel,
  parameterRow,
  TENDER_TYPES,
} from './operations/parameters.js';
export {
  effectOf,
  isTransaction,
  REQUEST_TYPES,
  type RequestEffect,
  type RequestTypeRow,
  requestTypeRow,
  sendsAmountToHost,
  type TypeOn,
  typesWhere,
} from './operations/request-types.js';
export * from './refusal.js';
export { classifyFinal, type Outcome, type OutcomeKind, type PartialApproval } from './resources/outcome.js';
export * from './resources/params.js';
export * from './resources/requests.js';
export {
  type ErrorInfo,
  ErrorInfoC,
  EVENT_STATUSES,
  isFinalEventStatus,
  RESPONSE_STATUSES,
  readErrorInfo,
  readResult,
  readResults,
  type TransactionResult,
  TransactionResultC,
} from './resources/results.js';
export * from './resources/validate.js';
