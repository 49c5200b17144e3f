import type { Envelope, JsonObject } from '@bluechip-ws/protocol';
import type { FlowSummary } from '../journal/index.js';
import type { Link } from '../transport.js';
import type { Acks } from './acks.js';
import type { Diagnostic } from './errors.js';
import type { EventOwner } from './event-owner.js';
import { type EventState, eventState, markConflict } from './event-state.js';
import type { FlowRecorder } from './flow-recorder.js';
import type { Orphan } from './orphan.js';
import type { UnclaimedEvents } from './unclaimed-events.js';

/**
 * The one path of an incoming event, whoever it belongs to (a live flow or an orphan): resend check →
 * record → conflicting-final check → journal → deliver or emit unclaimed → ack by the receiver's policy.
 * This is the money-safety path: a change to deduplication or acking is made here once.
 */
export class EventPath {
  constructor(
    private readonly recorder: FlowRecorder,
    private readonly acks: Acks,
    private readonly unclaimed: UnclaimedEvents,
    private readonly diagnose: (diagnostic: Diagnostic) => void,
  ) {}

  receive(owner: EventOwner, link: Link, envelope: Envelope, text: string): void {
    // A resend is the same bytes: re-acked if its event was acked, else held until it is.
    const seen = owner.seen?.find(text);
    if (seen !== undefined) {
      this.acks.repeat(owner.id, link, seen);
      return;
    }
    owner.arrive(envelope);
    const status = envelope.resource.status;
    const state = eventState(text, envelope.endpoint, String(status), owner.judgesFinal(status));
    owner.remember(state);
    if (state.final) {
      const first = owner.final;
      if (first !== undefined) {
        // The owner has its outcome already: a second final never replaces it nor reaches a consumer.
        this.secondFinal(owner, first, owner.request, link, envelope, state);
        return;
      }
      if (owner.lookUpFirstFinal()) {
        // A final for a flow id this session never ran but the journal keeps: an earlier session on it may
        // have received it already (a resend after a restart). Resends that arrive meanwhile are held.
        this.recorder
          .summary(owner.id)
          .then((known) => this.onJournalAnswer(owner as Orphan, known, link, envelope, state))
          .catch((error: unknown) => this.diagnose({ kind: 'internal_error', error }));
        return;
      }
    }
    this.take(owner, link, envelope, state);
  }

  /** The event is accepted: journaled, then delivered (or, if the journal fails, neither delivered nor acked). */
  private take(owner: EventOwner, link: Link, envelope: Envelope, state: EventState): void {
    owner.accept(envelope, state);
    owner.journalThen(
      this.recorder.event(owner, envelope.resource, state),
      () => owner.deliver(link, envelope, state),
      () => owner.notJournaled(envelope, state),
    );
  }

  /** What the journal knew of a final's flow id that this session never ran. */
  private onJournalAnswer(
    orphan: Orphan,
    known: FlowSummary | undefined,
    link: Link,
    envelope: Envelope,
    state: EventState,
  ): void {
    const first = orphan.final ?? known?.final;
    if (first === undefined) {
      this.take(orphan, link, envelope, state);
    } else if (!sameResource(first, envelope.resource)) {
      if (orphan.final === undefined) orphan.adoptFinal(first);
      this.secondFinal(orphan, first, orphan.request ?? known?.request, link, envelope, state);
    } else if (orphan.final === undefined && known?.finalAcked === true) {
      // An earlier session received and acked this very answer: the terminal missed that ack.
      orphan.adoptFinal(first, state);
      this.acks.repeat(orphan.id, link, state, true);
    } else {
      // Journaled earlier but never acked: nobody may have taken it, so it is surfaced as unclaimed.
      this.take(orphan, link, envelope, state);
    }
  }

  /**
   * A final for an owner that has one already. The same answer again (in other bytes, or from an earlier
   * session's journal) is a duplicate: re-acked. A different one is a conflict: journaled apart (the first
   * stays the outcome), acked so the terminal stops resending, and surfaced; never delivered as the outcome.
   */
  private secondFinal(
    owner: EventOwner,
    first: JsonObject,
    request: JsonObject | undefined,
    link: Link,
    envelope: Envelope,
    state: EventState,
  ): void {
    const flowId = owner.id;
    const conflicting = envelope.resource;
    if (sameResource(first, conflicting)) {
      // The same answer in other bytes: answered like a resend of the first (held until that one is acked).
      const original = owner.seen?.first;
      if (original !== undefined && original !== state) {
        owner.forget(state);
        this.acks.repeat(flowId, link, original);
      } else this.acks.repeat(flowId, link, state, true);
      return;
    }
    markConflict(state);
    // A live flow keeps its records in order behind its earlier (possibly pending) writes.
    owner.journalThen(
      this.recorder.event(owner, conflicting, state),
      () => {
        // Through the same first ack as any accepted event: copies held while it was journaled get theirs.
        this.acks.first(flowId, link, state);
        this.diagnose({ kind: 'conflicting_final', flowId, first, conflicting });
        this.unclaimed.publishConflict(flowId, conflicting, envelope.endpoint, request);
      },
      () => owner.forget(state),
    );
  }
}

/** Whether two final answers say the same thing (a resend may differ in whitespace, never in content). */
export function sameResource(a: JsonObject, b: JsonObject): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
