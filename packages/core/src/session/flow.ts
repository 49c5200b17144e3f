import type { Envelope, JsonObject } from '@bluechip-ws/protocol';
import type { Subscriber, Subscription } from 'rxjs';
import type { Link } from '../transport.js';
import type { HeapItem } from './deadline-heap.js';
import type { SeenEvents } from './seen-events.js';
import type { TimeoutStage } from './timeout-stages.js';
import type { AckMode, FlowTimeouts, FlowUpdate, UnclaimedReason } from './types.js';

/** What became of one received event (keyed by its frame text): duplicates are matched against this. */
export interface EventState {
  /** The event's frame text: what a resend is matched on. */
  readonly text: string;
  acked: boolean;
  /** Copies that arrived while the consumer was still deciding; answered by the one ack. */
  held: number;
  readonly endpoint: string | undefined;
  readonly status: string;
  readonly final: boolean;
  /** The flow's first final: never forgotten by a bounded `SeenEvents`. */
  pinned?: boolean;
  /** A final that conflicts with the first: its acks do not acknowledge the flow's outcome. */
  conflict?: boolean;
}

export type FlowPhase = 'queued' | 'connecting' | 'sent' | 'started' | 'final' | 'done';

/** The state of one flow in flight. Owned and mutated only by the Session and its FlowTable. */
export class Flow implements HeapItem {
  phase: FlowPhase = 'queued';
  subscriber: Subscriber<FlowUpdate> | undefined;
  link: Link | undefined;
  /** Created on the first event: most open flows are waiting for one (an empty Map is about 250 B). */
  seen: SeenEvents | undefined;
  /** Kept by `Deadlines`: times relative to the session's start, and the flow's place in its heap. */
  heapKey = 0;
  heapIndex = -1;
  flowDeadline = Number.POSITIVE_INFINITY;
  stepDeadline = Number.POSITIVE_INFINITY;
  /** The stage whose deadline `stepDeadline` is. */
  stage: Exclude<TimeoutStage, 'flow'> = 'queue';
  /** A delivered event the consumer has not acked yet (manual mode): what an ack timeout surfaces. */
  awaitingAck: PendingAck | undefined;
  connecting: Subscription | undefined;
  /** Serializes this flow's frames behind an asynchronous journal write. */
  tail: Promise<void> | undefined;
  /** Why events of this flow are unclaimed, once its subscriber is gone. */
  detachedAs: UnclaimedReason | undefined;
  /** The first final answer (event or `completed` response): the outcome, which a later final never replaces. */
  final: JsonObject | undefined;

  constructor(
    readonly id: string,
    /** Endpoint path the request goes to ('/tsi/v1/payment'). */
    readonly path: string,
    readonly resource: JsonObject,
    readonly ackMode: AckMode,
    readonly trace: boolean,
    readonly timeouts: FlowTimeouts,
    readonly idempotencyKey: string | undefined,
    subscriber: Subscriber<FlowUpdate>,
  ) {
    this.subscriber = subscriber;
  }

  get sent(): boolean {
    return this.phase === 'sent' || this.phase === 'started' || this.phase === 'final';
  }
}

/** A delivered event waiting for the consumer's ack: the frame it came in (none for a final response). */
export interface PendingAck {
  readonly final: boolean;
  readonly resource: JsonObject;
  readonly frame?: { readonly link: Link; readonly envelope: Envelope; readonly state: EventState };
}

/** What is remembered of a finished or unknown flow: enough to re-ack duplicates and explain late events. */
export interface Orphan {
  readonly reason: UnclaimedReason;
  readonly request: JsonObject | undefined;
  readonly seen: SeenEvents;
  /** The first final answer seen for it, by this session or (looked up) by an earlier one on the journal. */
  final: JsonObject | undefined;
  /** Set once the journal was asked about an unknown flow id, so it is asked once. */
  lookedUp: boolean;
}
