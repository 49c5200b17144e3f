import { type EventState, markPinned } from './event-state.js';

/** Bounds of one flow's record of received events (see docs/architecture.md, "Bounds"). */
export interface SeenEventsLimits {
  /** Most events remembered per flow (default 256). */
  readonly maxEntries: number;
  /** Most frame text remembered per flow, in UTF-16 code units (default 1 Mi). */
  readonly maxChars: number;
}

export const DEFAULT_SEEN_EVENTS_LIMITS: SeenEventsLimits = { maxEntries: 256, maxChars: 1 << 20 };

/**
 * Events of one length compared with `===` before the rest go to the text-keyed map: bounds what a peer
 * that sends many distinct frames of one length makes each new frame cost (this many string compares).
 */
export const SAME_LENGTH_COMPARED = 16;

/**
 * The events a flow has received, to recognise a resend: a resend is byte-identical, so a match is exact
 * (`===` on the frame text). Events are keyed by their text's length, a small integer: no character is read
 * to file or find one. Reading characters costs: a Map keyed by the ~600-character text hashes all of it
 * on every frame (half of the session's cost over its floor, once), and even a digest of 160 sampled
 * characters cost more than 4 000 instructions, while `===` between two texts of one length is a memcmp
 * (about 300 instructions for 600 characters, less when they differ early). A new frame whose length no
 * remembered event has is known new at once; one that shares it is compared with those events (at most
 * SAME_LENGTH_COMPARED of them, newest first), and any further events of that length are kept in a
 * text-keyed map, which costs a hash of the text, as the text-keyed record always did.
 *
 * The peer decides how many distinct events it sends, so the record is bounded: past its limits the oldest
 * acked events are forgotten first (a resend of one is then handled as a new event), never the flow's first
 * final, which is what a resend most often repeats and what conflicts are judged against.
 */
export class SeenEvents {
  /**
   * The events of one length (the first filed while none is), compared one by one, oldest first: most flows
   * see one or two lengths, and a finished flow keeps one final, so most records need no Map at all (the
   * session keeps one per finished flow, 1 024 of them, and every Map is hundreds of bytes that every major
   * garbage collection walks).
   */
  private soleLength = -1;
  private sole: EventState[] | undefined;
  /** The events of every other length, likewise; made when a second length arrives. */
  private byLength: Map<number, EventState[]> | undefined;
  /**
   * Events past SAME_LENGTH_COMPARED for their length (rare): keyed by their whole text. Made on first use:
   * the session keeps a record per finished flow (1 024 of them) and an empty Map is about 250 bytes.
   */
  private overflow: Map<string, EventState> | undefined;
  private count = 0;
  private chars = 0;
  /** The flow's first final, once received: what a resend in other bytes is answered with. */
  private firstFinal: EventState | undefined;

  constructor(private readonly limits: SeenEventsLimits = DEFAULT_SEEN_EVENTS_LIMITS) {}

  get size(): number {
    return this.count;
  }

  find(text: string): EventState | undefined {
    const same = this.ofLength(text.length);
    if (same === undefined) return undefined;
    // Newest first: a resend most often repeats the event just received.
    for (let i = same.length - 1; i >= 0; i--) {
      const state = same[i] as EventState;
      if (state.text === text) return state;
    }
    return this.overflow?.get(text);
  }

  get first(): EventState | undefined {
    return this.firstFinal;
  }

  /** Marks the flow's first final: never forgotten, and what its later copies are answered with. */
  pin(state: EventState): void {
    markPinned(state);
    this.firstFinal ??= state;
  }

  /** Remembers an event not found by `find`. */
  add(state: EventState): void {
    const length = state.text.length;
    const same = this.ofLength(length);
    if (same === undefined) {
      if (this.sole === undefined) {
        this.soleLength = length;
        this.sole = [state];
      } else {
        this.byLength ??= new Map();
        this.byLength.set(length, [state]);
      }
    } else if (same.length < SAME_LENGTH_COMPARED) same.push(state);
    else {
      this.overflow ??= new Map();
      this.overflow.set(state.text, state);
    }
    this.count++;
    this.chars += length;
    if (this.over()) this.evict();
  }

  /** Forgets an event that could not be journaled, so the terminal's resend is handled afresh. */
  forget(text: string): void {
    if (!this.remove(text)) return;
    if (this.firstFinal?.text === text) this.firstFinal = undefined;
    this.count--;
    this.chars -= text.length;
  }

  /**
   * What a finished flow keeps: its finals only (to re-ack their resends and judge conflicts). An event not
   * kept is handled as a new, unclaimed one if the terminal ever sends it again.
   */
  keepFinals(): this {
    // Every finished flow passes here: plain loops over what is there (usually the one final in `sole`), no
    // generator; the texts are collected first, since forgetting edits the lists.
    let dropped = nonFinalTexts(this.sole, undefined);
    if (this.byLength !== undefined)
      for (const same of this.byLength.values()) dropped = nonFinalTexts(same, dropped);
    if (this.overflow !== undefined) dropped = nonFinalTexts(this.overflow.values(), dropped);
    if (dropped !== undefined) for (const text of dropped) this.forget(text);
    return this;
  }

  /** Forgets everything (benchmarks reuse a flow's record between rounds). */
  clear(): void {
    this.soleLength = -1;
    this.sole = undefined;
    this.byLength = undefined;
    this.overflow = undefined;
    this.count = 0;
    this.chars = 0;
    this.firstFinal = undefined;
  }

  /** The compared events of one length. */
  private ofLength(length: number): EventState[] | undefined {
    return length === this.soleLength ? this.sole : this.byLength?.get(length);
  }

  private remove(text: string): boolean {
    const same = this.ofLength(text.length);
    if (same === undefined) return false;
    const at = same.findIndex((state) => state.text === text);
    if (at < 0) return this.overflow?.delete(text) ?? false;
    same.splice(at, 1);
    // Keep SAME_LENGTH_COMPARED compared while any of that length remain in the text-keyed map.
    if (this.overflow !== undefined && this.overflow.size > 0) {
      for (const [key, state] of this.overflow) {
        if (key.length !== text.length) continue;
        this.overflow.delete(key);
        same.push(state);
        break;
      }
    }
    if (same.length > 0) return true;
    if (same === this.sole) {
      this.soleLength = -1;
      this.sole = undefined;
    } else this.byLength?.delete(text.length);
    return true;
  }

  /** Every remembered event, compared ones by length (oldest first within one), then the text-keyed ones. */
  private *all(): IterableIterator<EventState> {
    if (this.sole !== undefined) yield* this.sole;
    if (this.byLength !== undefined) for (const same of this.byLength.values()) yield* same;
    if (this.overflow !== undefined) yield* this.overflow.values();
  }

  private evict(): void {
    // Acked events first, oldest first; then, if the consumer holds that many unacked ones, the oldest of
    // those. The first final is never forgotten. An add overflows by one event, so this usually forgets one.
    for (const ackedOnly of [true, false]) {
      while (this.over()) {
        const victim = this.oldest(ackedOnly);
        if (victim === undefined) break;
        this.forget(victim.text);
      }
    }
  }

  private oldest(ackedOnly: boolean): EventState | undefined {
    for (const state of this.all()) if (!state.pinned && (state.acked || !ackedOnly)) return state;
    return undefined;
  }

  private over(): boolean {
    return this.count > this.limits.maxEntries || this.chars > this.limits.maxChars;
  }
}

/** The texts of the events in `states` that are not final, appended to `into` (made only if one is found). */
function nonFinalTexts(
  states: Iterable<EventState> | undefined,
  into: string[] | undefined,
): string[] | undefined {
  if (states === undefined) return into;
  let texts = into;
  for (const state of states) {
    if (state.final) continue;
    texts ??= [];
    texts.push(state.text);
  }
  return texts;
}
