import {
  AmountError,
  ClientError,
  FlowError,
  FlowRefusedError,
  IdempotencyKeyError,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  OperationAbortedError,
  OutcomeUnknownError,
  RecoveryError,
  RecoveryPendingError,
} from '@bluechip-ws/client';
import { JournalError } from '@bluechip-ws/core';
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

/** What the caller should do, by `data.code`: part of the contract a binding shows its users. */
const ACTIONS: Readonly<Record<string, string>> = {
  busy: 'Nothing was sent. Retry later, or wait for the running operation to finish.',
  terminal_busy: 'The terminal is running another flow; nothing ran. Retry once it is idle.',
  refused: 'The terminal refused the request; nothing ran. Check the request and the terminal.',
  invalid_request: 'Send a JSON-RPC 2.0 request object; for an operation, fix the params (see the message).',
  invalid_params: 'Nothing was sent. Fix the params (see data.path / message).',
  invalid_amount: 'Nothing was sent. Amounts are non-negative integer cents (1234 = 12.34).',
  invalid_options: 'Fix the terminal.open params.',
  connect_failed: 'Nothing was sent. Check the terminal is on and reachable, then retry.',
  send_failed: 'Nothing was sent. Check the link to the terminal, then retry.',
  outcome_unknown:
    'The terminal may have run it. Do not resend blind: call reconcile (or outcome.get), or retry with the same idempotencyKey.',
  recovery_pending:
    'An earlier outcome is unknown and the terminal could not be asked. Retry once the terminal is reachable.',
  aborted:
    'The call stopped waiting. If it was sent, its outcome is journaled and announced by outcome.unclaimed; see outcome.get.',
  unknown_terminal: 'Call terminal.open first, and use the terminalId it returned.',
  terminal_exists: 'Use the open terminal, or close it first.',
  closed: 'The bridge or the terminal handle is closing; open a new one.',
  session_closed: 'The terminal handle was closed while waiting; if sent, reconcile before retrying.',
  journal_failed:
    'The journal could not record the flow: stop taking payments and check the journal directory.',
  journal_locked: 'Another process owns this journal directory; use one bridge per journal.',
  message_too_large: 'Send smaller messages (see the bridge limit).',
  parse_error: 'Send one well-formed JSON value per message.',
  method_not_found: 'See rpc.discover for the method list.',
  internal: 'A fault in the bridge: report it with the bridge log.',
  flow_id_reused:
    'Nothing was sent. The flow id belongs to a flow the journal keeps: let the library draw ids (omit flowId).',
  queue_timeout:
    'Nothing was sent: the operation waited too long behind another. Retry once the terminal is idle.',
  ack_timeout:
    'The result was delivered but not acked in time: it is journaled and announced by outcome.unclaimed; see outcome.get.',
};

export function actionFor(code: string): string {
  return (
    ACTIONS[code] ?? (code.startsWith('journal_') ? (ACTIONS.journal_failed as string) : 'See the message.')
  );
}

function rpc(
  code: number,
  dataCode: string,
  message: string,
  extra: Record<string, unknown> = {},
): RpcErrorObject {
  return { code, message, data: { code: dataCode, action: actionFor(dataCode), ...extra } };
}

/** Maps any error an operation may throw to a JSON-RPC error object. Never throws. */
export function toRpcError(error: unknown): RpcErrorObject {
  if (error instanceof BridgeError) return bridgeError(error);
  if (error instanceof OperationAbortedError) {
    return rpc(RPC_CODES.requestCancelled, 'aborted', error.message, {
      flowId: error.flowId,
      outcomeUnknown: error.outcomeUnknown,
    });
  }
  if (error instanceof OutcomeUnknownError) {
    return rpc(RPC_CODES.outcomeUnknown, 'outcome_unknown', error.message, {
      flowId: error.flowId,
      idempotencyKey: error.idempotencyKey,
      reason: error.reason,
      check: error.check,
      outcomeUnknown: true,
    });
  }
  if (error instanceof RecoveryPendingError) {
    return rpc(RPC_CODES.recoveryPending, 'recovery_pending', error.message, { flowIds: [...error.flowIds] });
  }
  if (error instanceof FlowError) return flowError(error);
  if (error instanceof AmountError) {
    return rpc(RPC_CODES.invalidParams, 'invalid_amount', error.message, { reason: error.code });
  }
  if (error instanceof IdempotencyKeyError) {
    const detail = {
      path: 'params.idempotencyKey',
      reason: error.problem,
      maxLength: MAX_IDEMPOTENCY_KEY_LENGTH,
    };
    return rpc(RPC_CODES.invalidParams, 'invalid_params', error.message, detail);
  }
  if (error instanceof ClientError) return rpc(RPC_CODES.invalidParams, error.code, error.message);
  if (error instanceof RecoveryError) {
    const code =
      error.code === 'journal_failed'
        ? RPC_CODES.journalFailed
        : error.code === 'closed'
          ? RPC_CODES.closed
          : RPC_CODES.invalidParams;
    return rpc(code, error.code, error.message);
  }
  if (error instanceof JournalError) {
    return rpc(RPC_CODES.journalFailed, `journal_${error.code}`, error.message);
  }
  const message = error instanceof Error ? error.message : String(error);
  return rpc(RPC_CODES.internalError, 'internal', message);
}

function flowError(error: FlowError): RpcErrorObject {
  const base = { flowId: error.flowId ?? null, outcomeUnknown: error.outcomeUnknown };
  if (error instanceof FlowRefusedError) {
    const info = error.errorInfo === undefined ? {} : { errorInfo: { ...error.errorInfo } };
    return error.terminalBusy
      ? rpc(RPC_CODES.terminalBusy, 'terminal_busy', error.message, { ...base, ...info })
      : rpc(RPC_CODES.refused, 'refused', error.message, { ...base, ...info });
  }
  // Whatever the code, a flow that may have reached the terminal is "outcome unknown" first.
  if (error.outcomeUnknown) {
    return rpc(RPC_CODES.outcomeUnknown, error.code, error.message, base);
  }
  const code =
    error.code === 'busy' || error.code === 'queue_timeout'
      ? RPC_CODES.terminalBusy
      : error.code === 'invalid_request' || error.code === 'flow_id_reused'
        ? RPC_CODES.invalidParams
        : error.code === 'connect_failed' || error.code === 'send_failed'
          ? RPC_CODES.unreachable
          : error.code === 'journal_failed'
            ? RPC_CODES.journalFailed
            : error.code === 'session_closed'
              ? RPC_CODES.closed
              : RPC_CODES.terminalError;
  return rpc(code, error.code, error.message, base);
}

function bridgeError(error: BridgeError): RpcErrorObject {
  const code: Record<BridgeErrorCode, number> = {
    unknown_terminal: RPC_CODES.unknownTerminal,
    terminal_exists: RPC_CODES.invalidParams,
    busy: RPC_CODES.terminalBusy,
    closed: RPC_CODES.closed,
    invalid_params: RPC_CODES.invalidParams,
    message_too_large: RPC_CODES.invalidRequest,
    parse_error: RPC_CODES.parseError,
    invalid_request: RPC_CODES.invalidRequest,
    method_not_found: RPC_CODES.methodNotFound,
  };
  return rpc(code[error.code], error.code, error.message, { ...error.detail });
}
