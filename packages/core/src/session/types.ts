import type { FlowIdGenerator, JsonObject, Outcome } from '@bluechip-ws/protocol';
import type { SchedulerLike } from 'rxjs';
import type { ReconnectPolicy, SwitchPolicy } from '../connection/index.js';
import type { Journal } from '../journal/index.js';
import type { SeenEventsLimits } from './seen-events.js';

/** The terminal said the service started (the `response` with status "started"). */
export interface FlowStarted {
  readonly type: 'started';
  readonly flowId: string;
  readonly resource: JsonObject;
}

/** One terminal event (or a final `completed` response), delivered exactly once. */
export interface FlowEvent {
  readonly type: 'event';
  readonly flowId: string;
  readonly status: string;
  /** Every status but `proceed` ends the flow. */
  readonly final: boolean;
  readonly resource: JsonObject;
  /** Set on final events: what the result means to a POS. */
  readonly outcome?: Outcome;
  /** `event` for events; `response` when the terminal answered `completed` with no events. */
  readonly source: 'event' | 'response';
  /**
   * Accepts the event: the session sends its `event_ack`. Idempotent. In `auto` mode the session calls it
   * when your `next` handler returns; in `manual` mode nothing is acked until you call it.
   */
  ack(): void;
}

export type FlowUpdate = FlowStarted | FlowEvent;

export type AckMode = 'auto' | 'manual';

/** How long each stage of a flow may take (the stages are listed in `timeout-stages.ts`). */
export interface FlowTimeouts {
  /** Waiting in the session's queue for a free slot; nothing is sent if it runs out (default 330 s). */
  readonly queueMs: number;
  /** From sending the request to the response (default 10 s). */
  readonly responseMs: number;
  /** Between two events, counted after the response and after each event is acked (default 180 s). */
  readonly eventGapMs: number;
  /** From delivering an event to the consumer's `ack()` in manual mode (default 120 s). */
  readonly ackMs: number;
  /** The whole flow, from dispatch to its final event (default 300 s). */
  readonly flowMs: number;
}

export const DEFAULT_TIMEOUTS: FlowTimeouts = {
  queueMs: 330_000,
  responseMs: 10_000,
  eventGapMs: 180_000,
  ackMs: 120_000,
  flowMs: 300_000,
};

export interface FlowOptions {
  /** Use this flow id instead of a generated one. */
  readonly flowId?: string;
  readonly ackMode?: AckMode;
  readonly timeouts?: Partial<FlowTimeouts>;
  /** Written to the journal with the request, for idempotent retries (e.g. the POS order id). */
  readonly idempotencyKey?: string;
  /** Trace flows (`/log/v1/trace`) are never acked and never end on an event. Default: by endpoint. */
  readonly trace?: boolean;
}

/** Why an event had no live consumer. */
export type UnclaimedReason =
  | 'unknown_flow'
  | 'unsubscribed'
  | 'timed_out'
  | 'link_closed'
  | 'consumer_error'
  /** A second final that differs from the flow's first: the first stays the outcome (see docs/recovery.md). */
  | 'conflicting_final';

/** An event no live flow owned. It is journaled, and acked under `unclaimedAck`; never dropped. */
export interface UnclaimedEvent {
  readonly flowId: string;
  readonly reason: UnclaimedReason;
  readonly endpoint?: string;
  readonly resource: JsonObject;
  readonly final: boolean;
  readonly outcome?: Outcome;
  /** The request that opened the flow, when this session sent it. */
  readonly request?: JsonObject;
  /** Sends the ack if it was not sent yet. Idempotent. */
  ack(): void;
  readonly acked: boolean;
}

/**
 * When the session acks an unclaimed event by itself: `after_journal` (default: once the journal has it, so
 * it can always be recovered), `never` (only when you call `ack()` on the item).
 */
export type UnclaimedAckPolicy = 'after_journal' | 'never';

export type EndpointMode = 'multi' | 'single';

export interface SessionOptions {
  /** `multi`: one socket per endpoint URL (default). `single`: one socket at `/`, `endpoint` in envelopes. */
  readonly endpointMode?: EndpointMode;
  readonly ackMode?: AckMode;
  readonly timeouts?: Partial<FlowTimeouts>;
  /** Flows in flight at once (default 1: the terminal is one-to-one). */
  readonly maxInFlight?: number;
  /** What a flow does when `maxInFlight` is reached: wait in a queue (default) or fail with `busy`. */
  readonly whenBusy?: 'queue' | 'fail';
  /** Bound of the waiting queue (default 16). */
  readonly queueLimit?: number;
  readonly unclaimedAck?: UnclaimedAckPolicy;
  readonly journal?: Journal;
  readonly scheduler?: SchedulerLike;
  /** Clock for journal timestamps (default: the scheduler's, which for the default scheduler is Date.now). */
  readonly now?: () => number;
  readonly flowIds?: FlowIdGenerator;
  /** Accept incoming flow ids that end with ours (quirk of Ingenico's tools). Default false. */
  readonly suffixMatch?: boolean;
  readonly maxFrameBytes?: number;
  /** Validate request resources before sending (default true; `raw` operations turn it off). */
  readonly validate?: boolean;
  /** Reconnect after an unexpected drop (passed to the Connection). Default: Connection's defaults. */
  readonly reconnect?: Partial<ReconnectPolicy> | false;
  /**
   * How a link to another endpoint (multi mode), or a new link after one of ours, replaces the last one: wait
   * for it to report closed, then dial, retrying refusals. Default: `defaultSwitchPolicy`.
   */
  readonly switching?: Partial<SwitchPolicy>;
  /** How many finished flows are remembered to re-ack duplicates and route late events (default 1024). */
  readonly memory?: number;
  /** Bounds of each flow's record of received events (defaults: 256 events, 1 Mi characters). */
  readonly seenEvents?: Partial<SeenEventsLimits>;
}

/** What a session holds now: every count is bounded (see docs/architecture.md, "Bounds"). */
export interface SessionStats {
  /** Flows in the table: in flight or waiting for their final event. */
  readonly openFlows: number;
  readonly queued: number;
  /** Finished or unknown flows remembered to re-ack resends (at most `memory`). */
  readonly rememberedFlows: number;
  /** Received events remembered across live and remembered flows. */
  readonly seenEvents: number;
}
