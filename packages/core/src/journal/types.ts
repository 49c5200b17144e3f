/**
 * The journal seam: the session writes every step of every flow here, and a final result is written (and,
 * for a durable journal, made durable) before its event_ack is sent. Reading back is what recovery and
 * idempotency stand on.
 */

import type { JsonObject } from '@bluechip-ws/protocol';
import { CodedError } from '@bluechip-ws/protocol';

/** A JSON object as it came from, or went to, the wire: the protocol's one type, re-exported for readers. */
export type { JsonObject };

/**
 * The frame text an event record's resource was decoded from, under a symbol key so that no journal stores or
 * serializes it (JSON ignores symbol keys; the record guards read named keys only). The session sets it; an
 * in-memory index keeps this one flat string for an intermediate event instead of its parsed resource (a few
 * dozen objects that every garbage collection walks, for as long as the flow is kept) and decodes it again
 * when the flow is read. The session keeps the same string for resend detection, so keeping it costs nothing.
 */
export const EVENT_FRAME: unique symbol = Symbol('bluechip.eventFrame');

/**
 * An in-memory journal's append for records a session built (`FlowRecorder`), skipping `isJournalRecord`:
 * that structural check is for records read back from storage or handed over by untyped callers, and the
 * session's records are typed and built in one place (the check cost a megamorphic property walk per
 * record, five records per sale). Everything else an append does (the closed check, `admit`) stays. Kept
 * out of the public entry (`@bluechip-ws/core/internal` only).
 */
export const APPEND_BUILT: unique symbol = Symbol('bluechip.appendBuilt');

/** A journal that offers `APPEND_BUILT`. */
export interface BuiltRecordAppend {
  [APPEND_BUILT](record: JournalRecord): void | Promise<void>;
}

/** What every journal record has. */
export interface RecordBase {
  readonly flowId: string;
  /** Epoch milliseconds from the session's clock. */
  readonly at: number;
}

/** Why a flow ended badly: the flow error's code and message; `busy` for a terminal's "busy" refusal. */
export interface FlowEndError {
  readonly code: string;
  readonly message: string;
  readonly busy?: boolean;
}

export type JournalRecord =
  | (RecordBase & {
      readonly kind: 'request_sent';
      readonly endpoint: string;
      readonly resource: JsonObject;
      readonly idempotencyKey?: string;
    })
  | (RecordBase & { readonly kind: 'started' })
  | (RecordBase & {
      readonly kind: 'event';
      readonly status: string;
      readonly final: boolean;
      readonly resource: JsonObject;
      /** True when no live subscriber owned the flow (unsubscribed, or an unknown flow id). */
      readonly unclaimed?: boolean;
      /** A final event that differs from the flow's first final: kept apart, never the outcome. */
      readonly conflict?: boolean;
      /** The frame `resource` was decoded from (see `EVENT_FRAME`); absent in records read back from storage. */
      readonly [EVENT_FRAME]?: string;
    })
  | (RecordBase & {
      readonly kind: 'ack_sent';
      readonly status: string;
      /** The ack answered a conflicting final: it does not acknowledge the flow's outcome. */
      readonly conflict?: boolean;
    })
  | (RecordBase & {
      readonly kind: 'flow_ended';
      /** completed: final event acked; failed: refused or error known; unknown: outcome not known. */
      readonly outcome: 'completed' | 'failed' | 'unknown';
      readonly error?: FlowEndError;
    })
  | (RecordBase & {
      readonly kind: 'reconciled';
      /** What reconciliation concluded for a flow left open (see docs/recovery.md). */
      readonly verdict: 'recovered' | 'not_found' | 'still_unknown' | 'failed';
      readonly resource?: JsonObject;
      readonly note?: string;
    });

export type JournalRecordKind = JournalRecord['kind'];

/** What the journal knows of one flow, folded from its records. */
export interface FlowSummary {
  readonly flowId: string;
  readonly endpoint?: string;
  readonly request?: JsonObject;
  readonly idempotencyKey?: string;
  readonly sentAt?: number;
  readonly started: boolean;
  /** Event resources in arrival order (duplicates are not journaled twice by the session). */
  readonly events: readonly JsonObject[];
  /** The first final event's resource, once one arrived: the flow's outcome. A later final never replaces it. */
  readonly final?: JsonObject;
  readonly finalAcked: boolean;
  /**
   * True once the terminal sent a second final that differs from the first (see docs/recovery.md,
   * "Conflicting finals"): the outcome is in doubt and the POS should recall before it decides.
   */
  readonly conflict?: boolean;
  /** The conflicting finals, most recent last (at most `MAX_CONFLICTS_KEPT`). */
  readonly conflicts?: readonly JsonObject[];
  /** Set once a flow_ended record exists. */
  readonly ended?: {
    readonly outcome: 'completed' | 'failed' | 'unknown';
    readonly at: number;
    readonly error?: FlowEndError;
  };
  /** Set once reconciliation wrote a verdict. */
  readonly reconciled?: {
    readonly verdict: 'recovered' | 'not_found' | 'still_unknown' | 'failed';
    readonly at: number;
    readonly resource?: JsonObject;
    readonly note?: string;
  };
}

export interface Journal {
  /**
   * Whether the journal still keeps a flow with this id. Synchronous (every journal keeps its index in
   * memory): the session asks it before it uses an id, so a new flow never folds into an old one.
   */
  has(flowId: string): boolean;
  /**
   * Appends one record. A returned promise resolves once the record is durable; the session waits for it
   * before acking a final event. Synchronous journals return void (no microtask on the hot path).
   * Rejects (or throws) only with a `JournalError`; a `request_sent` for a flow id the journal already
   * keeps is refused with code `flow_exists` (a new request never merges into an old flow).
   */
  append(record: JournalRecord): void | Promise<void>;
  /** Flows that need attention: final result not acked, ended as unknown, or never ended — and not yet reconciled to a terminal verdict. */
  openFlows(): Promise<readonly FlowSummary[]>;
  flow(flowId: string): Promise<FlowSummary | undefined>;
  /** The most recent flow sent with this idempotency key. */
  byIdempotencyKey(key: string): Promise<FlowSummary | undefined>;
  /** Flushes and releases resources; idempotent. */
  close(): Promise<void>;
}

/**
 * `locked`: another live process owns the journal; `invalid`: a record or an option is malformed;
 * `flow_exists`: a request for a flow id the journal already keeps (added after the first seam; existing
 * codes unchanged).
 */
export type JournalErrorCode =
  | 'write_failed'
  | 'read_failed'
  | 'closed'
  | 'corrupt'
  | 'locked'
  | 'invalid'
  | 'flow_exists';

export class JournalError extends CodedError<JournalErrorCode> {
  override readonly name = 'JournalError';
}
