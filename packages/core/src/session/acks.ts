import { encodeEventAck } from '@bluechip-ws/protocol';
import type { Link } from '../transport.js';
import type { Diagnostic } from './errors.js';
import { type EventState, holdCopy, markAcked, takeHeld } from './event-state.js';
import type { FlowRecorder } from './flow-recorder.js';

/**
 * The one place an `event_ack` goes on the wire (and into the journal). Whoever decided that an event is
 * accepted (a consumer, the unclaimed policy, a conflict, a journal look-up) calls `first`; a repeat of an
 * event calls `repeat`, which re-acks only what was acked already.
 */
export class Acks {
  constructor(
    private readonly recorder: FlowRecorder,
    /** The endpoint to name in a single-endpoint ack when the event did not say (undefined in multi mode). */
    private readonly endpointOf: (flowId: string) => string | undefined,
    private readonly diagnose: (diagnostic: Diagnostic) => void,
  ) {}

  /** The event was accepted: each copy the terminal sent gets its ack, including repeats held meanwhile. */
  first(flowId: string, link: Link, state: EventState): void {
    markAcked(state);
    for (let copies = 1 + takeHeld(state); copies > 0; copies--) this.send(flowId, link, state);
  }

  /**
   * A copy of an event already received: re-acked if that event was acked (or is known acked by an earlier
   * session on the journal), held until it is otherwise.
   */
  repeat(flowId: string, link: Link, seen: EventState, fromJournal = false): void {
    if (seen.acked || fromJournal) {
      markAcked(seen);
      this.send(flowId, link, seen);
      this.diagnose({
        kind: 'duplicate_event',
        flowId,
        reacked: true,
        ...(fromJournal ? { fromJournal } : {}),
      });
    } else {
      holdCopy(seen);
      this.diagnose({ kind: 'duplicate_event', flowId, reacked: false });
    }
  }

  /** One ack on the wire; a final's is journaled (an ack of a conflicting final says so: it acks no outcome). */
  send(flowId: string, link: Link, state: EventState): void {
    try {
      link.send(encodeEventAck(flowId, state.endpoint ?? this.endpointOf(flowId)));
      // Only an ack of a final answer means anything to the journal (it settles the outcome); the reducer
      // ignores acks of intermediate events, so they are not written (a record per proceed event saved).
      if (state.final) this.recorder.ackSent(flowId, state);
    } catch (error) {
      // The link is gone: the terminal will resend, and the duplicate is re-acked on the next link.
      this.diagnose({ kind: 'ack_failed', flowId, error });
    }
  }
}
