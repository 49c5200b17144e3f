import type { JsonObject } from '@bluechip-ws/protocol';
import { StringSlots } from '../string-slots.js';
import type { TextPage } from '../text-pages.js';
import type { EventState } from './event-state.js';
import { Orphan, type OrphanContext } from './orphan.js';
import type { SeenEvents } from './seen-events.js';
import type { UnclaimedReason } from './types.js';

/**
 * The finished and unknown flows a session remembers (at most `limit`, the oldest forgotten first; one
 * remembered again becomes the newest), to re-ack a resent final and explain a late event.
 *
 * Most are finished flows that will never hear from the terminal again, so they are kept as slots in columns,
 * not objects: id, request, why it is unclaimed, and its final frame as bytes in the context's `TextPages`.
 * An `Orphan` is made from a slot when a frame for its id arrives (`get`), and kept in the slot from then on;
 * a flow with more to remember (events held or conflicting, a final response with no event) is an `Orphan`
 * from the start. Ids are found through `StringSlots` and the age order is a list through the slots: with one
 * flow in and one out per sale, nothing is allocated once the table is full (an `Orphan` and a `Map` entry
 * per sale were about 200 bytes for the major collector, most of what the memory cost end to end).
 */
export class RememberedFlows {
  private readonly index = new StringSlots();
  private capacity = 0;
  private ids: (string | undefined)[] = [];
  private orphans: (Orphan | undefined)[] = [];
  private requests: (JsonObject | undefined)[] = [];
  private reasons: UnclaimedReason[] = [];
  private pages: (TextPage | undefined)[] = [];
  private endpoints: (string | undefined)[] = [];
  private statuses: string[] = [];
  /** Three per slot: the final's page generation, offset and length (when `pages` has its page). */
  private spans = new Int32Array(0);
  /** The age list: older and newer neighbour of each slot (-1: none). */
  private older = new Int32Array(0);
  private newer = new Int32Array(0);
  private oldest = -1;
  private newest = -1;
  /** Slots not in use (a stack). */
  private free = new Int32Array(0);
  private freeCount = 0;

  constructor(
    private readonly limit: number,
    private readonly context: OrphanContext,
  ) {}

  get size(): number {
    return this.index.size;
  }

  /** The remembered flow with this id, made an `Orphan` now if it was kept as a slot. */
  get(flowId: string): Orphan | undefined {
    const slot = this.index.get(flowId);
    if (slot < 0) return undefined;
    return this.orphans[slot] ?? this.materialize(slot);
  }

  /** Remembers `orphan` under its id (as the newest; one remembered before under that id is let go). */
  remember(orphan: Orphan): void {
    if (this.limit < 1) return;
    this.orphans[this.file(orphan.id)] = orphan;
  }

  /**
   * Remembers a finished flow as a slot when that is all it needs: its one event is its final (`first`),
   * acked, with no copy held and no conflict, and its text can be kept as bytes; or it received no event and
   * has no final. Returns false otherwise (then the caller remembers an `Orphan`). With a limit below one
   * nothing is remembered.
   */
  rememberFinished(
    flowId: string,
    reason: UnclaimedReason,
    request: JsonObject | undefined,
    first: EventState | undefined,
  ): boolean {
    if (this.limit < 1) return true;
    const texts = this.context.texts;
    if (first !== undefined) {
      if (!first.acked || first.held !== 0 || first.conflict === true || !texts.put(first.text)) return false;
    }
    const slot = this.file(flowId);
    this.requests[slot] = request;
    this.reasons[slot] = reason;
    if (first !== undefined) {
      this.pages[slot] = texts.page;
      this.endpoints[slot] = first.endpoint;
      this.statuses[slot] = first.status;
      this.spans[3 * slot] = texts.generation;
      this.spans[3 * slot + 1] = texts.at;
      this.spans[3 * slot + 2] = texts.length;
    }
    return true;
  }

  /** Events remembered across all remembered flows (stats: O(flows), builds nothing). */
  seenCount(): number {
    let count = 0;
    for (let slot = this.oldest; slot >= 0; slot = this.newer[slot] as number) {
      const orphan = this.orphans[slot];
      count += orphan === undefined ? (this.pages[slot] === undefined ? 0 : 1) : orphan.seenSize;
    }
    return count;
  }

  /** Takes a slot for `flowId` as the newest (letting go of what the id had), then keeps within the limit. */
  private file(flowId: string): number {
    const previous = this.index.get(flowId);
    if (previous >= 0) this.drop(previous);
    if (this.freeCount === 0) this.grow();
    const slot = this.free[--this.freeCount] as number;
    this.ids[slot] = flowId;
    this.index.set(flowId, slot);
    this.older[slot] = this.newest;
    this.newer[slot] = -1;
    if (this.newest >= 0) this.newer[this.newest] = slot;
    else this.oldest = slot;
    this.newest = slot;
    while (this.index.size > this.limit) this.drop(this.oldest);
    return slot;
  }

  /** Forgets a slot: its bytes are released (or its orphan's), and the slot is free again. */
  private drop(slot: number): void {
    const orphan = this.orphans[slot];
    const page = this.pages[slot];
    if (orphan !== undefined) orphan.release();
    else if (page !== undefined) this.context.texts.release(page, this.spans[3 * slot] as number);
    this.index.delete(this.ids[slot] as string);
    const older = this.older[slot] as number;
    const newer = this.newer[slot] as number;
    if (older >= 0) this.newer[older] = newer;
    else this.oldest = newer;
    if (newer >= 0) this.older[newer] = older;
    else this.newest = older;
    this.clear(slot);
    this.free[this.freeCount++] = slot;
  }

  private clear(slot: number): void {
    this.ids[slot] = undefined;
    this.orphans[slot] = undefined;
    this.requests[slot] = undefined;
    this.pages[slot] = undefined;
    this.endpoints[slot] = undefined;
  }

  /** An orphan made from a slot; the bytes of its final are its own from now on (it releases them). */
  private materialize(slot: number): Orphan {
    const page = this.pages[slot];
    const orphan = new Orphan(this.context, {
      id: this.ids[slot] as string,
      reason: this.reasons[slot] as UnclaimedReason,
      request: this.requests[slot],
      seen: undefined as SeenEvents | undefined,
      final: undefined,
      paged:
        page === undefined
          ? undefined
          : {
              page,
              generation: this.spans[3 * slot] as number,
              at: this.spans[3 * slot + 1] as number,
              length: this.spans[3 * slot + 2] as number,
              endpoint: this.endpoints[slot],
              status: this.statuses[slot] as string,
            },
      // The journal knows no more of a flow this session ran than the session does.
      lookedUp: true,
    });
    this.pages[slot] = undefined;
    this.endpoints[slot] = undefined;
    this.orphans[slot] = orphan;
    return orphan;
  }

  /** More slots (doubling, up to the limit plus the one a new flow takes before the oldest goes). */
  private grow(): void {
    const from = this.capacity;
    const to = Math.min(Math.max(16, from * 2), this.limit + 1);
    if (to <= from) throw new Error('remembered flows: no free slot within the limit');
    this.capacity = to;
    for (const column of [this.ids, this.orphans, this.requests, this.pages, this.endpoints]) {
      (column as unknown[]).length = to;
      (column as unknown[]).fill(undefined, from);
    }
    this.reasons.length = to;
    this.reasons.fill('unknown_flow', from);
    this.statuses.length = to;
    this.statuses.fill('', from);
    this.spans = grown(this.spans, 3 * to);
    this.older = grown(this.older, to);
    this.newer = grown(this.newer, to);
    this.free = grown(this.free, to);
    // Handed out lowest first.
    for (let slot = to - 1; slot >= from; slot--) this.free[this.freeCount++] = slot;
  }
}

function grown(array: Int32Array<ArrayBuffer>, length: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(length);
  bigger.set(array);
  return bigger;
}
