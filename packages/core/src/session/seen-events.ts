import type { EventState } from './flow.js';

/**
 * The events a flow has received, to recognise a resend: a resend is byte-identical, so events are matched
 * on their exact frame text. (Buckets by text length with string comparison were tried to avoid hashing each
 * frame; equal-length frames then cost a comparison each, which was slower in the worst case. A Map keeps
 * every lookup O(1).)
 */
export class SeenEvents {
  private readonly byText = new Map<string, EventState>();

  find(text: string): EventState | undefined {
    return this.byText.get(text);
  }

  add(state: EventState): void {
    this.byText.set(state.text, state);
  }

  /** Forgets an event that could not be journaled, so the terminal's resend is handled afresh. */
  forget(text: string): void {
    this.byText.delete(text);
  }

  clear(): void {
    this.byText.clear();
  }
}
