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
 * The events a flow has received, to recognise a resend: a resend is byte-identical, so a match is exact
 * (`===` on the frame text). Events are keyed by a cheap digest of the text (`frameDigest`: its length and
 * a sample of its characters), not by the text itself: a Map keyed by a new ~600-character string hashes all
 * of it on every frame, which was half of the session's cost over its floor. Two different texts with one
 * digest are both kept exactly: the later one in a text-keyed map, so a peer that crafts colliding frames
 * costs no more than the text-keyed record did.
 *
 * The peer decides how many distinct events it sends, so the record is bounded: past its limits the oldest
 * acked events are forgotten first (a resend of one is then handled as a new event), never the flow's first
 * final, which is what a resend most often repeats and what conflicts are judged against.
 */
export class SeenEvents {
  private readonly byDigest = new Map<number, EventState>();
  /** Events whose digest another kept event already has (rare): keyed by their whole text. */
  private readonly collided = new Map<string, EventState>();
  private chars = 0;
  /** The flow's first final, once received: what a resend in other bytes is answered with. */
  private firstFinal: EventState | undefined;

  constructor(private readonly limits: SeenEventsLimits = DEFAULT_SEEN_EVENTS_LIMITS) {}

  get size(): number {
    return this.byDigest.size + this.collided.size;
  }

  find(text: string): EventState | undefined {
    const state = this.byDigest.get(frameDigest(text));
    if (state !== undefined && state.text === text) return state;
    return this.collided.size === 0 ? undefined : this.collided.get(text);
  }

  get first(): EventState | undefined {
    return this.firstFinal;
  }

  /** Marks the flow's first final: never forgotten, and what its later copies are answered with. */
  pin(state: EventState): void {
    markPinned(state);
    this.firstFinal ??= state;
  }

  /** Remembers an event not found by `find` (its text is not kept yet). */
  add(state: EventState): void {
    const digest = frameDigest(state.text);
    if (this.byDigest.has(digest)) this.collided.set(state.text, state);
    else this.byDigest.set(digest, state);
    this.chars += state.text.length;
    if (this.over()) this.evict();
  }

  /** Forgets an event that could not be journaled, so the terminal's resend is handled afresh. */
  forget(text: string): void {
    const digest = frameDigest(text);
    const state = this.byDigest.get(digest);
    if (state !== undefined && state.text === text) this.byDigest.delete(digest);
    else if (!this.collided.delete(text)) return;
    if (this.firstFinal?.text === text) this.firstFinal = undefined;
    this.chars -= text.length;
  }

  /**
   * What a finished flow keeps: its finals only (to re-ack their resends and judge conflicts). An event not
   * kept is handled as a new, unclaimed one if the terminal ever sends it again.
   */
  keepFinals(): this {
    for (const map of [this.byDigest, this.collided]) {
      for (const state of map.values()) if (!state.final) this.forget(state.text);
    }
    return this;
  }

  /** Forgets everything (benchmarks reuse a flow's record between rounds). */
  clear(): void {
    this.byDigest.clear();
    this.collided.clear();
    this.chars = 0;
    this.firstFinal = undefined;
  }

  private evict(): void {
    // Acked events first, oldest first; then, if the consumer holds that many unacked ones, the oldest of
    // those. The first final is never forgotten. Bounded by maxEntries per call.
    for (const ackedOnly of [true, false]) {
      for (const map of [this.byDigest, this.collided]) {
        for (const state of map.values()) {
          if (!this.over()) return;
          if (state.pinned || (ackedOnly && !state.acked)) continue;
          this.forget(state.text);
        }
      }
    }
  }

  private over(): boolean {
    return this.size > this.limits.maxEntries || this.chars > this.limits.maxChars;
  }
}

/** Characters read in full from the start of a frame, where JSON frames put what differs between events. */
const HEAD = 128;
/** Characters sampled, evenly spaced, from the rest. */
const SAMPLES = 32;

/**
 * A digest of a frame text that reads at most HEAD + SAMPLES + 1 characters whatever its length: its length,
 * its head (flow id, status, a sequence number), and an even sample of the rest. A small integer (a V8 Smi),
 * so a Map keyed by it hashes nothing. Equal texts have equal digests; the converse is checked with `===`.
 */
export function frameDigest(text: string): number {
  const length = text.length;
  let h = length;
  const head = Math.min(length, HEAD);
  for (let i = 0; i < head; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  if (length > HEAD) {
    const step = ((length - HEAD) / SAMPLES) | 0 || 1;
    for (let i = HEAD; i < length; i += step) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
    h = (Math.imul(h, 31) + text.charCodeAt(length - 1)) | 0;
  }
  // 30 bits: stays a Smi under pointer compression, so no number is allocated nor hashed.
  return h & 0x3fffffff;
}
