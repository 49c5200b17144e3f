import type { Envelope, JsonObject } from '@bluechip-ws/protocol';
import { isFinalEventStatus } from '@bluechip-ws/protocol';
import { type JournalRecord, resourceOf } from '../journal/index.js';
import type { Link } from '../transport.js';
import type { EventOwner } from './event-owner.js';
import type { EventState } from './event-state.js';
import type { FlowRecorder } from './flow-recorder.js';
import type { SeenEvents } from './seen-events.js';
import type { UnclaimedReason } from './types.js';
import type { UnclaimedEvents } from './unclaimed-events.js';

/** What every orphan of a session shares (one object per session). */
export interface OrphanContext {
  readonly recorder: FlowRecorder;
  readonly unclaimed: UnclaimedEvents;
}

/** What an orphan starts from. */
export interface OrphanInit {
  readonly id: string;
  readonly reason: UnclaimedReason;
  readonly request: JsonObject | undefined;
  readonly seen: SeenEvents;
  /**
   * The first final answer seen for it, if any: its resource, or the frame it came in (a finished flow's,
   * decoded when first read: a resend in the same bytes never needs it, so most never are).
   */
  readonly final: JsonObject | string | undefined;
  /** Whether the journal is known to hold nothing more of it (a flow this session ran). */
  readonly lookedUp: boolean;
}

/**
 * What is remembered of a finished or unknown flow: enough to re-ack duplicates and explain late events.
 * Its events go to `unclaimed$`, through the same `EventPath` as a live flow's.
 */
export class Orphan implements EventOwner {
  readonly unclaimed = true;
  readonly id: string;
  readonly reason: UnclaimedReason;
  readonly request: JsonObject | undefined;
  readonly seen: SeenEvents;
  /**
   * The first final answer seen for it, by this session or (looked up) by an earlier one on the journal; a
   * frame until first read. A parsed final is a few dozen objects that would live as long as the orphan (up
   * to `memory` flows later) and be walked by every major garbage collection: about a tenth of a sale's
   * instructions end to end.
   */
  private firstFinal: JsonObject | string | undefined;
  /** Set once the journal was asked about an unknown flow id, so it is asked once. */
  private lookedUp: boolean;

  constructor(
    private readonly context: OrphanContext,
    init: OrphanInit,
  ) {
    this.id = init.id;
    this.reason = init.reason;
    this.request = init.request;
    this.seen = init.seen;
    this.firstFinal = init.final;
    this.lookedUp = init.lookedUp;
  }

  get final(): JsonObject | undefined {
    const first = this.firstFinal;
    if (typeof first !== 'string') return first;
    const resource = resourceOf(first);
    this.firstFinal = resource;
    return resource;
  }

  judgesFinal(status: unknown): boolean {
    return isFinalEventStatus(status);
  }

  arrive(): void {}

  remember(state: EventState): void {
    this.seen.add(state);
  }

  forget(state: EventState): void {
    this.seen.forget(state.text);
  }

  accept(envelope: Envelope, state: EventState): void {
    if (state.final && this.firstFinal === undefined) this.adoptFinal(envelope.resource, state);
  }

  /** A first final (this event's, or one an earlier session journaled): the outcome from now on. */
  adoptFinal(first: JsonObject, state?: EventState): void {
    this.firstFinal = first;
    if (state !== undefined) this.seen.pin(state);
  }

  journalThen(record: JournalRecord, next: () => void, failed: () => void): void {
    // No order to keep behind earlier writes: nothing is delivered to a consumer in sequence.
    this.context.recorder.writeAfter(undefined, record, next, failed);
  }

  deliver(link: Link, envelope: Envelope, state: EventState): void {
    this.context.unclaimed.emit(this.id, this.reason, this.request, link, envelope, state, state.final);
  }

  notJournaled(envelope: Envelope, state: EventState): void {
    this.forget(state);
    if (this.firstFinal === envelope.resource) this.firstFinal = undefined;
  }

  lookUpFirstFinal(): boolean {
    const lookedUp = this.lookedUp;
    this.lookedUp = true;
    // Ids the journal does not keep are settled at once (no promise: a flood of them stays cheap).
    return !lookedUp && this.context.recorder.knows(this.id);
  }
}
