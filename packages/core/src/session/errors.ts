import {
  CodedError,
  type ErrorInfo,
  type FrameError,
  type JsonObject,
  refusalKind,
} from '@bluechip-ws/protocol';
import { stageOf, TIMEOUT_STAGES, type TimeoutCode } from './timeout-stages.js';

/**
 * Every way a flow can end badly, one code each. `outcomeUnknown` is true when the request may have reached
 * the terminal and no final result was seen: the POS must reconcile (recall_last_transaction) before it
 * tells anyone the payment failed.
 */
export type FlowErrorCode =
  | 'busy' // local single-flight queue full (nothing sent)
  | 'refused' // the terminal answered the request with status "error" (e.g. TSI busy)
  | 'invalid_request' // the resource failed validation (nothing sent)
  | 'flow_id_reused' // the flow id belongs to a flow the journal still keeps (nothing sent)
  | 'connect_failed' // no link could be opened (nothing sent)
  | 'send_failed' // the request could not be written (nothing sent)
  | 'queue_timeout' // waited too long for a free slot (nothing sent)
  | 'response_timeout'
  | 'event_timeout'
  | 'ack_timeout' // a delivered event was not acked by the consumer in time (manual mode)
  | 'flow_timeout'
  | 'link_closed'
  | 'session_closed'
  | 'journal_failed'
  | 'consumer_error'
  | 'bad_response';

/** What a `FlowError` says besides its code and message. */
export interface FlowErrorOptions {
  /** The flow it ended, if one was admitted. */
  readonly flowId?: string | undefined;
  /** Whether the terminal may have run the request (reconcile before retrying): always said, never defaulted. */
  readonly outcomeUnknown: boolean;
  readonly cause?: unknown;
}

export class FlowError extends CodedError<FlowErrorCode> {
  override readonly name: string = 'FlowError';
  readonly flowId: string | undefined;
  readonly outcomeUnknown: boolean;
  constructor(code: FlowErrorCode, message: string, options: FlowErrorOptions) {
    super(code, message, Object.hasOwn(options, 'cause') ? { cause: options.cause } : undefined);
    this.flowId = options.flowId;
    this.outcomeUnknown = options.outcomeUnknown;
  }
}

/** The terminal refused the request in its `response` (docs/protocol.md). No events will follow. */
export class FlowRefusedError extends FlowError {
  override readonly name = 'FlowRefusedError';
  /** True for "TSI busy": another flow is running on the terminal. */
  readonly terminalBusy: boolean;
  constructor(
    flowId: string,
    readonly errorInfo: ErrorInfo | undefined,
    readonly resource: { readonly [key: string]: unknown },
  ) {
    const text = errorInfo?.text ?? 'no error_info';
    super('refused', `terminal refused the request: ${text}`, { flowId, outcomeUnknown: false });
    this.terminalBusy = refusalKind(errorInfo) === 'busy';
  }
}

export class FlowTimeoutError extends FlowError {
  override readonly name = 'FlowTimeoutError';
  constructor(
    code: TimeoutCode,
    flowId: string,
    readonly afterMs: number,
    /** `outcomeUnknown` defaults to the stage's rule (`TIMEOUT_STAGES`); an ack timeout after a final result knows it. */
    {
      outcomeUnknown = TIMEOUT_STAGES[stageOf(code)].outcomeUnknown,
    }: { readonly outcomeUnknown?: boolean } = {},
  ) {
    const what = TIMEOUT_STAGES[stageOf(code)].what;
    // The message states what happened; that an outcome is unknown, and what to do then, is said once by
    // the client's failure classifier (from `outcomeUnknown`), not repeated here.
    const fact = outcomeUnknown
      ? ''
      : code === 'ack_timeout'
        ? '; the final result is journaled and surfaced on unclaimed$'
        : '; nothing was sent';
    super(code, `${what} within ${afterMs} ms${fact}`, { flowId, outcomeUnknown });
  }
}

/** A frame the session could not use, reported on `diagnostics$`. */
export type Diagnostic =
  | { readonly kind: 'decode_error'; readonly error: FrameError; readonly frame: string }
  | { readonly kind: 'binary_frame'; readonly bytes: number }
  | { readonly kind: 'unexpected_envelope'; readonly envelope: string; readonly flowId: string }
  | { readonly kind: 'out_of_order'; readonly flowId: string; readonly detail: string }
  | {
      readonly kind: 'duplicate_event';
      readonly flowId: string;
      readonly reacked: boolean;
      /** Recognised from the journal: a resend of a final an earlier session on it had already received. */
      readonly fromJournal?: boolean;
    }
  /**
   * A final event that differs from the flow's first final (which stays the outcome). It was journaled
   * apart, acked, and put on `unclaimed$` with reason `conflicting_final`.
   */
  | {
      readonly kind: 'conflicting_final';
      readonly flowId: string;
      readonly first: JsonObject;
      readonly conflicting: JsonObject;
    }
  | { readonly kind: 'late_response'; readonly flowId: string; readonly status: unknown }
  | { readonly kind: 'unknown_status'; readonly flowId: string; readonly status: unknown }
  | { readonly kind: 'ack_failed'; readonly flowId: string; readonly error: unknown }
  | { readonly kind: 'journal_failed'; readonly flowId: string; readonly error: unknown }
  | { readonly kind: 'consumer_error'; readonly flowId: string; readonly error: unknown }
  /** A fault in this library while handling a frame: reported, and the session carries on. */
  | { readonly kind: 'internal_error'; readonly error: unknown }
  | {
      readonly kind: 'endpoint_mismatch';
      readonly flowId: string;
      readonly expected: string;
      readonly got: string;
    };
