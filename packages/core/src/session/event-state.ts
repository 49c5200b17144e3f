/**
 * What became of one received event (keyed by its frame text): duplicates are matched against this. Written
 * by whoever receives the event and by `Acks` (`acked`, `held`), the one place acks go out.
 */
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

/** A fresh record of one received event. */
export function eventState(
  text: string,
  endpoint: string | undefined,
  status: string,
  final: boolean,
): EventState {
  return { text, acked: false, held: 0, endpoint, status, final };
}
