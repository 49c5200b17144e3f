import {
  AmountError,
  classifyFailure,
  FAILURE_CODES,
  type FailureKind,
  FlowError,
  FlowRefusedError,
  failureOfCode,
  IdempotencyKeyError,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  OperationAbortedError,
  OutcomeUnknownError,
  RecoveryPendingError,
} from '@bluechip-ws/client';
import { CodedError } from '@bluechip-ws/protocol';
import { RPC_CODES, type RpcErrorObject } from './jsonrpc.js';

export type BridgeErrorCode =
  /** No terminal with that id. */
  | 'unknown_terminal'
  /** `terminal.open` with an id already open. */
  | 'terminal_exists'
  /** The bridge's bounded queue of calls is full. */
  | 'busy'
  /** The bridge is shutting down. */
  | 'closed'
  | 'invalid_params'
  | 'message_too_large'
  | 'parse_error'
  | 'invalid_request'
  | 'method_not_found';

/** A problem the bridge itself finds (as opposed to one the library reports). */
export class BridgeError extends CodedError<BridgeErrorCode> {
  override readonly name = 'BridgeError';
  constructor(
    code: BridgeErrorCode,
    message: string,
    readonly detail?: Readonly<Record<string, unknown>>,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/**
 * What the caller should do, by `data.code`: part of the contract a binding shows its users. The library's
 * codes take their next step from the client's failure classifier; these are the bridge's own.
 */
const BRIDGE_ACTIONS: Readonly<Record<string, string>> = {
  busy: 'Nothing was sent. Retry later, or wait for the running operation to finish.',
  invalid_request: 'Send a JSON-RPC 2.0 request object; for an operation, fix the params (see the message).',
  invalid_options: 'Fix the terminal.open params.',
  unknown_terminal: 'Call terminal.open first, and use the terminalId it returned.',
  terminal_exists: 'Use the open terminal, or close it first.',
  closed: 'The bridge or the terminal handle is closing; open a new one.',
  journal_locked: 'Another process owns this journal directory; use one bridge per journal.',
  message_too_large: 'Send smaller messages (see the bridge limit).',
  parse_error: 'Send one well-formed JSON value per message.',
  method_not_found: 'See rpc.discover for the method list.',
  internal: 'A fault in the bridge: report it with the bridge log.',
};

export function actionFor(code: string): string {
  return (
    (Object.hasOwn(BRIDGE_ACTIONS, code) ? BRIDGE_ACTIONS[code] : undefined) ??
    failureOfCode(code)?.next ??
    'See the message.'
  );
}

/** The JSON-RPC error code of each kind of failure the classifier tells apart. */
const RPC_CODE_OF: Readonly<Record<FailureKind, number>> = {
  busy: RPC_CODES.terminalBusy,
  unreachable: RPC_CODES.unreachable,
  refused: RPC_CODES.refused,
  invalid: RPC_CODES.invalidParams,
  unknown: RPC_CODES.outcomeUnknown,
  pending: RPC_CODES.recoveryPending,
  aborted: RPC_CODES.requestCancelled,
  closed: RPC_CODES.closed,
  journal: RPC_CODES.journalFailed,
  protocol: RPC_CODES.terminalError,
  internal: RPC_CODES.internalError,
};

function rpc(
  code: number,
  dataCode: string,
  message: string,
  extra: Record<string, unknown> = {},
  action: string = actionFor(dataCode),
): RpcErrorObject {
  return { code, message, data: { code: dataCode, action, ...extra } };
}

/** Maps any error an operation may throw to a JSON-RPC error object, by the client's classifier. Never throws. */
export function toRpcError(error: unknown): RpcErrorObject {
  if (error instanceof BridgeError) return bridgeError(error);
  const failure = classifyFailure(error);
  const action = Object.hasOwn(BRIDGE_ACTIONS, failure.code) ? undefined : failure.next;
  return rpc(
    RPC_CODE_OF[failure.kind],
    failure.code,
    failure.message,
    { kind: failure.kind, ...detailOf(error) },
    action,
  );
}

/** What the caller may need besides the code: the flow, the key, the terminal's error_info… */
function detailOf(error: unknown): Record<string, unknown> {
  if (error instanceof OperationAbortedError) {
    return { flowId: error.flowId, outcomeUnknown: error.outcomeUnknown };
  }
  if (error instanceof OutcomeUnknownError) {
    return {
      flowId: error.flowId,
      idempotencyKey: error.idempotencyKey,
      reason: error.reason,
      check: error.check,
      outcomeUnknown: true,
    };
  }
  if (error instanceof RecoveryPendingError) return { flowIds: [...error.flowIds] };
  if (error instanceof IdempotencyKeyError) {
    return { path: 'params.idempotencyKey', reason: error.problem, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH };
  }
  if (error instanceof FlowError) {
    const info =
      error instanceof FlowRefusedError && error.errorInfo !== undefined
        ? { errorInfo: { ...error.errorInfo } }
        : {};
    return { flowId: error.flowId ?? null, outcomeUnknown: error.outcomeUnknown, ...info };
  }
  if (error instanceof AmountError) return { reason: error.code };
  return {};
}

/** The JSON-RPC error code of each of the bridge's own codes. */
const BRIDGE_RPC_CODE: Readonly<Record<BridgeErrorCode, number>> = {
  unknown_terminal: RPC_CODES.unknownTerminal,
  terminal_exists: RPC_CODES.invalidParams,
  busy: RPC_CODES.terminalBusy,
  closed: RPC_CODES.closed,
  invalid_params: RPC_CODES.invalidParams,
  invalid_request: RPC_CODES.invalidRequest,
  message_too_large: RPC_CODES.invalidRequest,
  parse_error: RPC_CODES.parseError,
  method_not_found: RPC_CODES.methodNotFound,
};

function bridgeError(error: BridgeError): RpcErrorObject {
  return rpc(BRIDGE_RPC_CODE[error.code], error.code, error.message, { ...error.detail });
}

/**
 * The `data.code`s a JSON-RPC error code may carry, read off the same tables `toRpcError` maps by: the
 * bridge's own codes, and the classifier's codes of the kinds mapped to it (plus, for outcome unknown, those
 * that may come with an unknown outcome), in that order. The OpenRPC document's `x-errors` lists these.
 */
export function dataCodesOf(rpcCode: number): string[] {
  const own = Object.entries(BRIDGE_RPC_CODE).flatMap(([code, rpc]) => (rpc === rpcCode ? [code] : []));
  const library = [...FAILURE_CODES].flatMap(([code, row]) =>
    RPC_CODE_OF[row.kind] === rpcCode || (rpcCode === RPC_CODES.outcomeUnknown && row.mayBeUnknown === true)
      ? [code]
      : [],
  );
  return [...new Set([...library, ...own])];
}
