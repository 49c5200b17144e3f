import type { Envelope, JsonObject } from '@bluechip-ws/protocol';
import { isFinalEventStatus } from '@bluechip-ws/protocol';
import { type JournalRecord, resourceOf } from '../journal/index.js';
import type { TextPage, TextPages } from '../text-pages.js';
import type { Link } from '../transport.js';
import type { EventOwner } from './event-owner.js';
import { type EventState, eventState, markAcked } from './event-state.js';
import type { FlowRecorder } from './flow-recorder.js';
import type { SeenEvents } from './seen-events.js';
import type { UnclaimedReason } from './types.js';
import type { UnclaimedEvents } from './unclaimed-events.js';

/** The session's parts an orphan uses. */
export interface OrphanServices {
  readonly recorder: FlowRecorder;
  readonly unclaimed: UnclaimedEvents;
}

/** What every orphan of a session shares (one object per session, made by the flow table). */
export interface OrphanContext extends OrphanServices {
  /** A fresh, bounded record of received events (the session's limits). */
  newSeenEvents(): SeenEvents;
  /** Where finished flows' finals are kept as bytes (`PagedFinal`). */
  readonly texts: TextPages;
}

/**
 * A finished flow's one final event, acked, kept as bytes in a page (`TextPages`) until a frame for the flow
 * arrives: most finished flows never hear from the terminal again.
 */
export interface PagedFinal {
  readonly page: TextPage;
  readonly generation: number;
  readonly at: number;
  readonly length: number;
  readonly endpoint: string | undefined;
  readonly status: string;
}

/** What an orphan starts from. */
export interface OrphanInit {
  readonly id: string;
  readonly reason: UnclaimedReason;
  readonly request: JsonObject | undefined;
  /** The events it received (none yet: made on first use), unless `paged` holds its one final. */
  readonly seen: SeenEvents | undefined;
  /**
   * The first final answer seen for it, if any: its resource, or the frame it came in (a finished flow's,
   * decoded when first read: a resend in the same bytes never needs it, so most never are).
   */
  readonly final: JsonObject | string | undefined;
  /** Its events are its one final, acked, kept as bytes (then `seen` and `final` are undefined). */
  readonly paged?: PagedFinal;
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
  private seenEvents: SeenEvents | undefined;
  /**
   * The first final answer seen for it, by this session or (looked up) by an earlier one on the journal; a
   * frame until first read. A parsed final is a few dozen objects that would live as long as the orphan (up
   * to `memory` flows later) and be walked by every major garbage collection: about a tenth of a sale's
   * instructions end to end.
   */
  private firstFinal: JsonObject | string | undefined;
  /** Set once the journal was asked about an unknown flow id, so it is asked once. */
  private lookedUp: boolean;
  /**
   * A finished flow's final as bytes (see `PagedFinal`): what a finished flow keeps is then this object
   * alone. Its events and final are rebuilt from the bytes when a frame for it arrives (`unpage`).
   */
  private page: TextPage | undefined;
  private pageGeneration: number;
  private pageAt: number;
  private pageLength: number;
  private pagedEndpoint: string | undefined;
  private pagedStatus: string;

  constructor(
    private readonly context: OrphanContext,
    init: OrphanInit,
  ) {
    this.id = init.id;
    this.reason = init.reason;
    this.request = init.request;
    this.seenEvents = init.seen;
    this.firstFinal = init.final;
    this.lookedUp = init.lookedUp;
    const paged = init.paged;
    this.page = paged?.page;
    this.pageGeneration = paged?.generation ?? 0;
    this.pageAt = paged?.at ?? 0;
    this.pageLength = paged?.length ?? 0;
    this.pagedEndpoint = paged?.endpoint;
    this.pagedStatus = paged?.status ?? '';
  }

  get seen(): SeenEvents {
    return this.seenEvents ?? this.unpage();
  }

  /** How many events it remembers, without rebuilding them (stats). */
  get seenSize(): number {
    return this.seenEvents?.size ?? (this.page === undefined ? 0 : 1);
  }

  get final(): JsonObject | undefined {
    if (this.page !== undefined) this.unpage();
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

  /** Its record of events, made now: from the paged final if there is one (acked, pinned, its first final). */
  private unpage(): SeenEvents {
    const seen = this.context.newSeenEvents();
    const page = this.page;
    if (page !== undefined) {
      const text = page.read(this.pageGeneration, this.pageAt, this.pageLength);
      this.release();
      const state = eventState(text, this.pagedEndpoint, this.pagedStatus, true);
      markAcked(state);
      seen.add(state);
      seen.pin(state);
      this.firstFinal ??= text;
    }
    this.seenEvents = seen;
    return seen;
  }

  /** Lets go of its paged final's bytes (it was forgotten, or its events were rebuilt from them). */
  release(): void {
    const page = this.page;
    if (page === undefined) return;
    this.page = undefined;
    this.context.texts.release(page, this.pageGeneration);
  }

  lookUpFirstFinal(): boolean {
    const lookedUp = this.lookedUp;
    this.lookedUp = true;
    // Ids the journal does not keep are settled at once (no promise: a flood of them stays cheap).
    return !lookedUp && this.context.recorder.knows(this.id);
  }
}
