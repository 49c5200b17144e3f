import {
  classifyFailure,
  type Failure,
  FlowError,
  FlowRefusedError,
  OperationAbortedError,
  OutcomeUnknownError,
  type TransactionOutcome,
} from '@bluechip-ws/client';
import { type ErrorInfo, formatAmount, type JsonObject } from '@bluechip-ws/protocol';
import { EXIT, type ExitCode } from './exit-codes.js';
import { UsageError } from './options.js';

/** The `outcome` field of `--json` output. `completed`: info, reports and other non-payment results. */
export type OutcomeLabel =
  | 'approved'
  | 'partially_approved'
  | 'completed'
  | 'declined'
  | 'not_found'
  | 'cancelled'
  | 'timeout'
  | 'error'
  | 'unknown';

/** What one command ended with, ready to print as text or as the one `--json` object. */
export interface CommandReport {
  readonly flowId: string | undefined;
  readonly outcome: OutcomeLabel;
  readonly status: string | null;
  readonly exitCode: ExitCode;
  readonly transaction?: TransactionOutcome;
  /** One line for stderr, for every non-zero exit. */
  readonly message?: string;
  readonly error?: { readonly code: string; readonly message: string };
  /** The terminal's own `error_info`, as sent (error events and refusals). */
  readonly errorInfo?: ErrorInfo;
}

/** A final answer from the terminal: business outcomes map to their exit codes. */
export function reportOutcome(outcome: TransactionOutcome): CommandReport {
  const base = {
    flowId: outcome.flowId,
    status: outcome.status,
    transaction: outcome,
    ...(outcome.errorInfo === undefined ? {} : { errorInfo: outcome.errorInfo }),
  };
  const why = outcome.result?.hostResponseText ?? outcome.resultStatus ?? outcome.errorInfo?.text;
  switch (outcome.kind) {
    case 'approved':
      return { ...base, outcome: 'approved', exitCode: EXIT.ok };
    case 'partially_approved': {
      const { requested, approved } = outcome.partial ?? { requested: 0, approved: 0 };
      const rest = requested - approved;
      return {
        ...base,
        outcome: 'partially_approved',
        exitCode: EXIT.partial,
        message:
          `partially approved: ${formatAmount(approved)} of ${formatAmount(requested)} requested` +
          (rest > 0 ? `; collect the remaining ${formatAmount(rest)} another way` : ''),
      };
    }
    case 'not_found':
      return {
        ...base,
        outcome: 'not_found',
        exitCode: EXIT.declined,
        message: `refused: the terminal has no such transaction (${outcome.resultStatus}); nothing was changed`,
      };
    case 'completed':
      return { ...base, outcome: 'completed', exitCode: EXIT.ok };
    case 'declined':
      return {
        ...base,
        outcome: 'declined',
        exitCode: EXIT.declined,
        message: `declined: ${why ?? 'by host or card'}`,
      };
    case 'cancelled':
      return {
        ...base,
        outcome: 'cancelled',
        exitCode: EXIT.cancelled,
        message: 'cancelled by the customer',
      };
    case 'timed_out':
      return {
        ...base,
        outcome: 'timeout',
        exitCode: EXIT.cancelled,
        message: 'timed out waiting for the customer on the terminal',
      };
    case 'error':
      return {
        ...base,
        outcome: 'error',
        exitCode: EXIT.error,
        message: `terminal error: ${describeErrorInfo(outcome.errorInfo)}`,
      };
    default:
      return {
        ...base,
        outcome: 'error',
        exitCode: EXIT.error,
        message: `unrecognised result status "${outcome.resultStatus ?? outcome.status}"`,
      };
  }
}

const RECALL_HINT = "run `bluechip recall` to see the terminal's last transaction before retrying";

/** Held back by recovery: reconcile the journal in use once the terminal answers. */
function reconcileHint(context: ErrorContext): string {
  return `run \`bluechip reconcile --journal ${context.journal ?? '<dir>'}\` once the terminal is reachable`;
}

/** What a failed command was talking to, for messages that say where to look. */
export interface ErrorContext {
  /** The terminal's base URL. */
  readonly terminal: string;
  /** Where the URL came from (`--terminal`, `BLUECHIP_TERMINAL`, `default`). */
  readonly source?: string;
  /** The URL actually dialed (base plus endpoint path), when a dial started. */
  readonly dialed?: string;
  /** The journal directory in use: the recovery hint is then `bluechip reconcile`. */
  readonly journal?: string;
  /** Where the journal directory came from (`--journal`, `BLUECHIP_JOURNAL`). */
  readonly journalSource?: string;
}

/** The next step when an outcome is unknown: `reconcile` settles the journal's flows, else `recall`. */
function recoveryHint(context: ErrorContext): string {
  return context.journal === undefined
    ? RECALL_HINT
    : `run \`bluechip reconcile --journal ${context.journal}\` before retrying (it recalls the terminal's last transaction and settles the journaled flow)`;
}

/** No final answer: refusals, timeouts, lost links, bad input. */
export function reportError(error: unknown, context: ErrorContext | string): CommandReport {
  const ctx: ErrorContext = typeof context === 'string' ? { terminal: context } : context;
  const terminal = ctx.dialed ?? ctx.terminal;
  const from = ctx.source === undefined || ctx.source === 'default' ? '' : ` (from ${ctx.source})`;
  const flowId =
    error instanceof FlowError ||
    error instanceof OperationAbortedError ||
    error instanceof OutcomeUnknownError
      ? error.flowId
      : undefined;
  const errorInfo = error instanceof FlowRefusedError ? error.errorInfo : undefined;
  const fail = (exitCode: ExitCode, outcome: OutcomeLabel, code: string, message: string): CommandReport => ({
    flowId,
    outcome,
    // The terminal's own status, when it answered at all (a refusal is a response with status "error").
    status: error instanceof FlowRefusedError ? 'error' : null,
    exitCode,
    message,
    error: { code, message },
    ...(errorInfo === undefined ? {} : { errorInfo }),
  });
  if (error instanceof UsageError) {
    return fail(EXIT.error, 'error', 'usage', `${error.message} (see \`bluechip help\`)`);
  }
  const failure = classifyFailure(error);
  const exitCode = exitCodeOf(failure);
  return fail(exitCode, exitCode === EXIT.unknown ? 'unknown' : 'error', failure.code, messageOf());

  /** The CLI's words for the classifier's kind: where it dialed, what `bluechip` command to run next. */
  function messageOf(): string {
    switch (failure.kind) {
      case 'busy':
        if (error instanceof FlowRefusedError) {
          return `terminal busy: ${describeErrorInfo(error.errorInfo)}; try again when it is free`;
        }
        return failure.code === 'terminal_busy'
          ? `terminal busy: it already serves another client (${terminal}${from})`
          : `${failure.message}; try again when the terminal is free`;
      case 'unreachable':
        return failure.code === 'connect_failed' && error instanceof Error
          ? `cannot reach the terminal at ${terminal}${from}: ${rootCause(error)}`
          : failure.message;
      case 'refused':
        return `terminal refused the request: ${describeErrorInfo(errorInfo)}`;
      case 'unknown':
        // An OutcomeUnknownError sent nothing: the earlier flow with this key may have charged the card.
        return error instanceof OutcomeUnknownError
          ? `not sent: ${failure.message}; ${reconcileHint(ctx)}`
          : `outcome unknown: ${failure.cause}; ${recoveryHint(ctx)}`;
      case 'pending':
        return `not sent: ${failure.message}; ${reconcileHint(ctx)}`;
      case 'aborted':
        return failure.outcomeUnknown
          ? `interrupted; outcome unknown: ${recoveryHint(ctx)}`
          : 'interrupted: not sent, nothing was charged';
      case 'journal': {
        const where =
          ctx.journal === undefined
            ? ''
            : ` ${ctx.journal}${ctx.journalSource === undefined ? '' : ` (from ${ctx.journalSource})`}`;
        return `journal${where}: ${failure.message}`;
      }
      default:
        return failure.message;
    }
  }
}

/** The exit code of a failure: the classifier's kind, as `bluechip help` documents the codes. */
export function exitCodeOf(failure: Failure): ExitCode {
  switch (failure.kind) {
    case 'busy':
      return EXIT.busy;
    case 'unknown':
    case 'pending':
      return EXIT.unknown;
    case 'aborted':
      return failure.outcomeUnknown ? EXIT.unknown : EXIT.error;
    default:
      return EXIT.error;
  }
}

/** `"TSI busy" (code 0, extended 0)`: the text and both codes, as the terminal sent them. */
export function describeErrorInfo(info: ErrorInfo | undefined): string {
  if (info === undefined) return 'no error_info';
  const codes = [
    ...(info.code === undefined ? [] : [`code ${info.code}`]),
    ...(info.code_extended === undefined ? [] : [`extended ${info.code_extended}`]),
  ];
  const text = info.text === undefined ? 'no text' : `"${info.text}"`;
  return codes.length === 0 ? text : `${text} (${codes.join(', ')})`;
}

/** The innermost message of a cause chain ("connect ECONNREFUSED 127.0.0.1:50000"), not the wrappers'. */
function rootCause(error: Error): string {
  let message = error.message;
  for (let e: unknown = error.cause, depth = 0; depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof Error && e.message !== '') message = e.message;
    else if (typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string') {
      message = e.message;
    } else break;
  }
  return message;
}

/**
 * The single `--json` object: `{flow_id, outcome, status, result}`, then when they apply `results` (more
 * than one), `replayed`, `partial` (`requested_amount`, `approved_amount` in cents), `error_info` (the
 * terminal's, as sent) and `error` (this command's code and message). Results are the terminal's, unaltered.
 */
export function jsonReport(report: CommandReport): JsonObject {
  const results = report.transaction?.results.map((r) => r.raw) ?? [];
  const partial = report.transaction?.partial;
  return {
    flow_id: report.flowId ?? null,
    outcome: report.outcome,
    status: report.status,
    result: results[0] ?? null,
    ...(results.length > 1 ? { results } : {}),
    ...(report.transaction?.replayed === true ? { replayed: true } : {}),
    ...(partial === undefined
      ? {}
      : { partial: { requested_amount: partial.requested, approved_amount: partial.approved } }),
    ...(report.errorInfo === undefined ? {} : { error_info: { ...report.errorInfo } }),
    ...(report.error === undefined ? {} : { error: report.error }),
  };
}
