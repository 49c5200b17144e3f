/**
 * What became of one received event (keyed by its frame text): duplicates are matched against this. Read
 * anywhere; written only through the functions of this module, so every change to acking and deduplication
 * is made here once.
 */
export interface EventState {
  /** The event's frame text: what a resend is matched on. */
  readonly text: string;
  readonly acked: boolean;
  /** Copies that arrived while the consumer was still deciding; answered by the one ack. */
  readonly held: number;
  readonly endpoint: string | undefined;
  readonly status: string;
  readonly final: boolean;
  /** The flow's first final: never forgotten by a bounded `SeenEvents`. */
  readonly pinned?: boolean;
  /** A final that conflicts with the first: its acks do not acknowledge the flow's outcome. */
  readonly conflict?: boolean;
}

type Writable = { -readonly [K in keyof EventState]: EventState[K] };

/** A fresh record of one received event. */
export function eventState(
  text: string,
  endpoint: string | undefined,
  status: string,
  final: boolean,
): EventState {
  return { text, acked: false, held: 0, endpoint, status, final };
}

/** The event was accepted (or is known acked): from now on its copies are re-acked. */
export function markAcked(state: EventState): void {
  (state as Writable).acked = true;
}

/** A copy arrived before the event was acked: it gets its ack with the first one. */
export function holdCopy(state: EventState): void {
  (state as Writable).held++;
}

/** The copies held so far, now answered (the count resets). */
export function takeHeld(state: EventState): number {
  const held = state.held;
  (state as Writable).held = 0;
  return held;
}

/** The flow's first final: a bounded record never forgets it. */
export function markPinned(state: EventState): void {
  (state as Writable).pinned = true;
}

/** A final that contradicts the flow's first one. */
export function markConflict(state: EventState): void {
  (state as Writable).conflict = true;
}
