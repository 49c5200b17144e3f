import type { EventState } from './flow.js';

/**
 * The events a flow has received, to recognise a resend. A resend is byte-identical, so events are matched
 * on their exact frame text; but a Map keyed by the text makes V8 hash every ~600-byte frame, which was a
 * visible share of the hot path. Buckets keyed by the text's length (a small integer) need no hashing, and
 * the few events of one flow that share a length are told apart by a string comparison.
 */
export class SeenEvents {
  private readonly byLength = new Map<number, EventState[]>();

  find(text: string): EventState | undefined {
    const bucket = this.byLength.get(text.length);
    if (bucket === undefined) return undefined;
    for (const state of bucket) if (state.text === text) return state;
    return undefined;
  }

  add(state: EventState): void {
    const bucket = this.byLength.get(state.text.length);
    if (bucket === undefined) this.byLength.set(state.text.length, [state]);
    else bucket.push(state);
  }

  clear(): void {
    this.byLength.clear();
  }
}
