/**
 * One table of failures every front end is tested against: the client's classifier, the bridge's error
 * codes, the CLI's exit codes and certify's reading of a POS report all agree on these.
 */
import {
  ClientError,
  type FailureKind,
  FlowError,
  type FlowErrorCode,
  FlowRefusedError,
  OperationAbortedError,
  OutcomeUnknownError,
  RecoveryPendingError,
} from '@bluechip-ws/client';
import { JournalError, TransportError } from '@bluechip-ws/core';
import { AmountError } from '@bluechip-ws/protocol';

/** The one place these tests build a `FlowError` (its constructor's options may change). */
export function flowError(code: FlowErrorCode, outcomeUnknown: boolean, cause?: unknown): FlowError {
  return new FlowError(code, `${code} in test`, {
    flowId: 'f-1',
    outcomeUnknown,
    ...(cause === undefined ? {} : { cause }),
  });
}

export interface FailureCase {
  readonly name: string;
  readonly error: () => unknown;
  readonly kind: FailureKind;
  readonly code: string;
  readonly outcomeUnknown: boolean;
}

export const FAILURE_CASES: readonly FailureCase[] = [
  {
    name: 'local queue full',
    error: () => flowError('busy', false),
    kind: 'busy',
    code: 'busy',
    outcomeUnknown: false,
  },
  {
    name: 'queue deadline passed',
    error: () => flowError('queue_timeout', false),
    kind: 'busy',
    code: 'queue_timeout',
    outcomeUnknown: false,
  },
  {
    name: 'terminal refused: TSI busy',
    error: () => new FlowRefusedError('f-1', { text: 'TSI busy', code: '0' }, { status: 'error' }),
    kind: 'busy',
    code: 'terminal_busy',
    outcomeUnknown: false,
  },
  {
    name: 'handshake refused with 409 (another client)',
    error: () =>
      flowError(
        'connect_failed',
        false,
        new TransportError('connect_failed', 'unexpected 409', { status: 409 }),
      ),
    kind: 'busy',
    code: 'terminal_busy',
    outcomeUnknown: false,
  },
  {
    name: 'connection refused',
    error: () => flowError('connect_failed', false, new TransportError('connect_failed', 'ECONNREFUSED')),
    kind: 'unreachable',
    code: 'connect_failed',
    outcomeUnknown: false,
  },
  {
    name: 'send failed',
    error: () => flowError('send_failed', false),
    kind: 'unreachable',
    code: 'send_failed',
    outcomeUnknown: false,
  },
  {
    name: 'terminal refused: bad request',
    error: () => new FlowRefusedError('f-1', { text: 'Invalid amount', code: '3' }, { status: 'error' }),
    kind: 'refused',
    code: 'refused',
    outcomeUnknown: false,
  },
  {
    name: 'bad amount',
    error: () => new AmountError('negative', 'amount: negative', -1),
    kind: 'invalid',
    code: 'invalid_amount',
    outcomeUnknown: false,
  },
  {
    name: 'bad params',
    error: () => new ClientError('invalid_params', 'bad'),
    kind: 'invalid',
    code: 'invalid_params',
    outcomeUnknown: false,
  },
  {
    name: 'response timeout',
    error: () => flowError('response_timeout', true),
    kind: 'unknown',
    code: 'response_timeout',
    outcomeUnknown: true,
  },
  {
    name: 'event timeout',
    error: () => flowError('event_timeout', true),
    kind: 'unknown',
    code: 'event_timeout',
    outcomeUnknown: true,
  },
  {
    name: 'flow timeout',
    error: () => flowError('flow_timeout', true),
    kind: 'unknown',
    code: 'flow_timeout',
    outcomeUnknown: true,
  },
  {
    name: 'link closed mid-flow',
    error: () => flowError('link_closed', true),
    kind: 'unknown',
    code: 'link_closed',
    outcomeUnknown: true,
  },
  {
    name: 'earlier flow with the key unknown',
    error: () => new OutcomeUnknownError('f-0', 'order-1', 'unresolved', 'check the terminal'),
    kind: 'unknown',
    code: 'outcome_unknown',
    outcomeUnknown: true,
  },
  {
    name: 'recovery pending',
    error: () => new RecoveryPendingError(['f-0']),
    kind: 'pending',
    code: 'recovery_pending',
    outcomeUnknown: false,
  },
  {
    name: 'aborted before sending',
    error: () => new OperationAbortedError('f-1', { outcomeUnknown: false }),
    kind: 'aborted',
    code: 'aborted',
    outcomeUnknown: false,
  },
  {
    name: 'journal failed',
    error: () => new JournalError('write_failed', 'disk full'),
    kind: 'journal',
    code: 'journal_write_failed',
    outcomeUnknown: false,
  },
  {
    name: 'unreadable response',
    error: () => flowError('bad_response', false),
    kind: 'protocol',
    code: 'bad_response',
    outcomeUnknown: false,
  },
  {
    name: 'a plain Error',
    error: () => new Error('boom'),
    kind: 'internal',
    code: 'internal',
    outcomeUnknown: false,
  },
];
