import { FlowError, FlowRefusedError, JournalError, TransportError } from '@bluechip-ws/core';
import { AmountError, CodedError, type OutcomeKind } from '@bluechip-ws/protocol';
import { ClientError, OperationAbortedError } from './errors.js';
import { IdempotencyKeyError } from './idempotency-key.js';
import type { TransactionOutcome } from './outcome.js';
import { OutcomeUnknownError, RecoveryError, RecoveryPendingError } from './recovery/index.js';

/**
 * The one classifier of how an operation ended: every front end (the CLI's exit codes and messages, the
 * bridge's error codes and `data.action`, certify's judgement, the console) maps from it instead of
 * classifying again, so a 409 handshake or a `queue_timeout` is the same thing everywhere.
 */

/** How an operation failed to give a final answer: every kind, in order. */
export const FAILURE_KINDS = [
  /** The terminal (another flow, another client) or the local queue is busy: nothing ran. */
  'busy',
  /** No link to the terminal, or the request could not be written: nothing was sent. */
  'unreachable',
  /** The terminal refused the request (not busy): nothing ran. */
  'refused',
  /** Bad input, found before anything was sent. */
  'invalid',
  /** The request may have reached the terminal and no final answer is known. */
  'unknown',
  /** Held back: an earlier flow's outcome is unknown and the terminal could not be asked. Nothing was sent. */
  'pending',
  /** The caller stopped waiting (`outcomeUnknown` says whether it had been sent). */
  'aborted',
  /** The terminal handle or the process is closing. */
  'closed',
  /** The journal could not record the flow. */
  'journal',
  /** The terminal or the consumer broke the protocol (an unreadable response, a consumer that threw…). */
  'protocol',
  /** A fault in this library. */
  'internal',
] as const;

export type FailureKind = (typeof FAILURE_KINDS)[number];

/** A final answer's kind (`OutcomeKind`) or a failure's. */
export type ClassKind = OutcomeKind | FailureKind;

export interface Classification {
  readonly kind: ClassKind;
  /** The typed code: the outcome's kind, or the failure's code (`busy`, `terminal_busy`, `link_closed`…). */
  readonly code: string;
  /** True when the request may have reached the terminal and its outcome is not known. */
  readonly outcomeUnknown: boolean;
  /** The one safe next step, in words a caller can show (API terms: idempotencyKey, outcome.get, reconcile). */
  readonly next: string;
  /** The error's message, with the next step where the message alone does not say it (`link_closed`). */
  readonly message: string;
}

/** A failure's classification. */
export interface Failure extends Classification {
  readonly kind: FailureKind;
  /** What happened, in the error's own words, without the outcome or the next step (`message` adds them). */
  readonly cause: string;
}

/** The safe next step once an outcome is unknown (defect: every outcome-unknown error says it). */
const RECOVER =
  'Do not send a new request: retry with the same idempotencyKey (it returns the first outcome, or reconciles first), or call outcome.get / reconcile to learn the outcome.';

/** Every failure code a library error (or a bridge, for its queue) carries: its kind and its next step. */
export interface FailureRow {
  readonly kind: FailureKind;
  readonly next: string;
  /** Appended to the library's message, which does not say what to do. */
  readonly tell?: string;
  /** Also comes with `outcomeUnknown` (then it is of kind `unknown`). */
  readonly mayBeUnknown?: true;
}

const INTERNAL: FailureRow = { kind: 'internal', next: 'A fault in the library: report it with the log.' };

export const FAILURE_CODES: ReadonlyMap<string, FailureRow> = new Map<string, FailureRow>([
  [
    'busy',
    { kind: 'busy', next: 'Nothing was sent. Retry later, or wait for the running operation to finish.' },
  ],
  [
    'terminal_busy',
    {
      kind: 'busy',
      next: 'The terminal is running another flow or serves another client; nothing ran. Retry once it is idle.',
    },
  ],
  [
    'queue_timeout',
    {
      kind: 'busy',
      next: 'Nothing was sent: the operation waited too long behind another. Retry once the terminal is idle.',
    },
  ],
  [
    'connect_failed',
    { kind: 'unreachable', next: 'Nothing was sent. Check the terminal is on and reachable, then retry.' },
  ],
  [
    'send_failed',
    { kind: 'unreachable', next: 'Nothing was sent. Check the link to the terminal, then retry.' },
  ],
  [
    'refused',
    {
      kind: 'refused',
      next: 'The terminal refused the request; nothing ran. Check the request and the terminal.',
    },
  ],
  [
    'invalid_params',
    { kind: 'invalid', next: 'Nothing was sent. Fix the params (see data.path / message).' },
  ],
  [
    'invalid_amount',
    { kind: 'invalid', next: 'Nothing was sent. Amounts are non-negative integer cents (1234 = 12.34).' },
  ],
  ['invalid_request', { kind: 'invalid', next: 'Nothing was sent. Fix the request (see the message).' }],
  ['invalid_options', { kind: 'invalid', next: 'Fix the options (see the message).' }],
  [
    'flow_id_reused',
    {
      kind: 'invalid',
      next: 'Nothing was sent. The flow id belongs to a flow the journal keeps: let the library draw ids (omit flowId).',
    },
  ],
  ['unknown_flow', { kind: 'invalid', next: 'No such flow in the journal: check the flow id.' }],
  ['closed', { kind: 'closed', next: 'The terminal handle is closing; open a new one.' }],
  [
    'outcome_unknown',
    {
      kind: 'unknown',
      next: 'Nothing was sent: an earlier flow with this idempotencyKey may have run. Call reconcile (or outcome.get), then retry with the same idempotencyKey.',
    },
  ],
  ['response_timeout', { kind: 'unknown', next: `No response in time. ${RECOVER}` }],
  ['event_timeout', { kind: 'unknown', next: `The terminal went quiet during the flow. ${RECOVER}` }],
  ['flow_timeout', { kind: 'unknown', next: `The flow ran out of time. ${RECOVER}` }],
  [
    'ack_timeout',
    {
      kind: 'protocol',
      next: 'The result was delivered but not acked in time: it is journaled and announced as unclaimed (outcome.unclaimed, unclaimed$); see outcome.get.',
      mayBeUnknown: true,
    },
  ],
  [
    'link_closed',
    {
      kind: 'unknown',
      next: `The link closed during the flow. ${RECOVER}`,
      tell: 'retry with the same idempotency key, or call outcome.get / reconcile before any new attempt',
    },
  ],
  [
    'session_closed',
    {
      kind: 'closed',
      next: 'The terminal handle was closed while waiting; if it was sent, reconcile before retrying.',
      mayBeUnknown: true,
    },
  ],
  [
    'bad_response',
    {
      kind: 'protocol',
      next: 'The terminal answered with something unreadable; check it, then reconcile.',
      mayBeUnknown: true,
    },
  ],
  [
    'consumer_error',
    {
      kind: 'protocol',
      next: 'The code handling the result threw; the result is journaled: see outcome.get.',
    },
  ],
  [
    'recovery_pending',
    {
      kind: 'pending',
      next: 'Nothing was sent: an earlier outcome is unknown and the terminal could not be asked. Retry once the terminal is reachable (the retry reconciles first).',
    },
  ],
  [
    'aborted',
    {
      kind: 'aborted',
      next: 'The call stopped waiting. If it was sent, its outcome is journaled and announced as unclaimed; see outcome.get.',
    },
  ],
  [
    'journal_failed',
    {
      kind: 'journal',
      next: 'The journal could not record the flow: stop taking payments and check the journal directory.',
    },
  ],
  [
    'journal_locked',
    { kind: 'journal', next: 'Another process owns this journal directory; use one per journal.' },
  ],
  ['internal', INTERNAL],
]);

/** The kind and next step of a failure code (as carried in `data.code` or a report's `error.code`). */
export function failureOfCode(code: string): FailureRow | undefined {
  return (
    FAILURE_CODES.get(code) ?? (code.startsWith('journal_') ? FAILURE_CODES.get('journal_failed') : undefined)
  );
}

function failure(error: unknown, code: string, outcomeUnknown = false): Failure {
  const row = failureOfCode(code) ?? INTERNAL;
  // The error's own text states what happened; whether the outcome is known and what to do is said here,
  // once, so a front end that words its own next step (the CLI) can use the cause alone.
  const cause = error instanceof Error ? error.message : String(error);
  const unknown = outcomeUnknown && row.kind !== 'aborted';
  const told = row.tell === undefined ? '' : `: ${row.tell}`;
  const message = unknown
    ? `${cause}; the outcome is unknown${told}`
    : row.tell
      ? `${cause}; ${row.tell}`
      : cause;
  // Whatever the code, a flow that may have reached the terminal is "outcome unknown" first.
  if (outcomeUnknown && row.kind !== 'aborted' && row.kind !== 'unknown') {
    return { kind: 'unknown', code, outcomeUnknown, next: `${row.next} ${RECOVER}`, message, cause };
  }
  return { kind: row.kind, code, outcomeUnknown, next: row.next, message, cause };
}

/** A handshake the terminal refused with 409: it serves another client (the transport says so, typed). */
function refusedAsBusy(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof TransportError && e.status === 409) return true;
  }
  return false;
}

/** How an operation that threw ended. Never throws; anything this library does not know is `internal`. */
export function classifyFailure(error: unknown): Failure {
  if (error instanceof OperationAbortedError) return failure(error, 'aborted', error.outcomeUnknown);
  if (error instanceof OutcomeUnknownError) return failure(error, 'outcome_unknown', true);
  if (error instanceof RecoveryPendingError) return failure(error, 'recovery_pending');
  if (error instanceof FlowRefusedError)
    return failure(error, error.terminalBusy ? 'terminal_busy' : 'refused');
  if (error instanceof FlowError) {
    if (error.code === 'connect_failed' && refusedAsBusy(error)) return failure(error, 'terminal_busy');
    return failure(error, error.code, error.outcomeUnknown);
  }
  if (error instanceof AmountError) return failure(error, 'invalid_amount');
  // A key the one key rule refuses is a bad parameter like any other (data.path names it).
  if (error instanceof IdempotencyKeyError) return failure(error, 'invalid_params');
  if (error instanceof ClientError || error instanceof RecoveryError) return failure(error, error.code);
  if (error instanceof JournalError) return failure(error, `journal_${error.code}`);
  if (error instanceof CodedError && failureOfCode(error.code) !== undefined)
    return failure(error, error.code);
  return failure(error, 'internal');
}

const OUTCOME_NEXT: Readonly<Record<OutcomeKind, string>> = {
  approved: 'Done.',
  partially_approved: 'Approved for less than asked: collect the rest another way.',
  completed: 'Done.',
  declined: 'Declined by the host or the card: ask for another card or payment.',
  not_found: 'The terminal has no such transaction: nothing was changed. Check the reference.',
  cancelled: 'Cancelled by the customer: nothing was charged. Ask again if the customer wants to pay.',
  timed_out: 'The customer did not answer in time: nothing was charged. Ask again.',
  error: 'The terminal reported an error: nothing was charged. Check the terminal (error_info).',
  other: 'A final status this library does not know: check the transaction on the terminal.',
};

/** How an operation with a final answer ended. */
export function classifyOutcome(outcome: Pick<TransactionOutcome, 'kind'>): Classification {
  const next = OUTCOME_NEXT[outcome.kind];
  return { kind: outcome.kind, code: outcome.kind, outcomeUnknown: false, next, message: next };
}
