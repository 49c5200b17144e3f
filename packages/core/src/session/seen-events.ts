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
 * The events a flow has received, to recognise a resend: a resend is byte-identical, so events are matched
 * on their exact frame text. (Buckets by text length with string comparison were tried to avoid hashing each
 * frame; equal-length frames then cost a comparison each, which was slower in the worst case. A Map keeps
 * every lookup O(1).)
 *
 * The peer decides how many distinct events it sends, so the record is bounded: past its limits the oldest
 * acked events are forgotten first (a resend of one is then handled as a new event), never the flow's first
 * final, which is what a resend most often repeats and what conflicts are judged against.
 */
export class SeenEvents {
  private readonly byText = new Map<string, EventState>();
  private chars = 0;
  /** The flow's first final, once received: what a resend in other bytes is answered with. */
  private firstFinal: EventState | undefined;

  constructor(private readonly limits: SeenEventsLimits = DEFAULT_SEEN_EVENTS_LIMITS) {}

  get size(): number {
    return this.byText.size;
  }

  find(text: string): EventState | undefined {
    return this.byText.get(text);
  }

  get first(): EventState | undefined {
    return this.firstFinal;
  }

  /** Marks the flow's first final: never forgotten, and what its later copies are answered with. */
  pin(state: EventState): void {
    markPinned(state);
    this.firstFinal ??= state;
  }

  add(state: EventState): void {
    this.byText.set(state.text, state);
    this.chars += state.text.length;
    if (this.byText.size > this.limits.maxEntries || this.chars > this.limits.maxChars) this.evict();
  }

  /** Forgets an event that could not be journaled, so the terminal's resend is handled afresh. */
  forget(text: string): void {
    const state = this.byText.get(text);
    if (state === undefined) return;
    if (this.firstFinal === state) this.firstFinal = undefined;
    this.byText.delete(text);
    this.chars -= text.length;
  }

  /**
   * What a finished flow keeps: its finals only (to re-ack their resends and judge conflicts). An event not
   * kept is handled as a new, unclaimed one if the terminal ever sends it again.
   */
  keepFinals(): this {
    for (const state of this.byText.values()) if (!state.final) this.forget(state.text);
    return this;
  }

  /** Forgets everything (benchmarks reuse a flow's record between rounds). */
  clear(): void {
    this.byText.clear();
    this.chars = 0;
    this.firstFinal = undefined;
  }

  private evict(): void {
    // Acked events first, oldest first; then, if the consumer holds that many unacked ones, the oldest of
    // those. The first final is never forgotten. Bounded by maxEntries per call.
    for (const ackedOnly of [true, false]) {
      for (const state of this.byText.values()) {
        if (!this.over()) return;
        if (state.pinned || (ackedOnly && !state.acked)) continue;
        this.forget(state.text);
      }
    }
  }

  private over(): boolean {
    return this.byText.size > this.limits.maxEntries || this.chars > this.limits.maxChars;
  }
}
