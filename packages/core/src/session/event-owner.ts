import type { Envelope, JsonObject } from '@bluechip-ws/protocol';
import type { JournalRecord } from '../journal/index.js';
import type { Link } from '../transport.js';
import type { EventState } from './event-state.js';
import type { SeenEvents } from './seen-events.js';

/**
 * Who an incoming event belongs to: a live `Flow`, or an `Orphan` (a finished or unknown flow). `EventPath`
 * runs the same steps for both; each step that touches an owner's state is a method of the owner, so a flow's
 * record of events is written only by that flow.
 */
export interface EventOwner {
  readonly id: string;
  /** The events it received (undefined until the first one, and for a trace flow, which remembers none). */
  readonly seen: SeenEvents | undefined;
  /** Its first final answer: the outcome, never replaced by a later final. */
  readonly final: JsonObject | undefined;
  /** The request it ran, if known: named in what is surfaced as unclaimed. */
  readonly request: JsonObject | undefined;
  /** Whether its events are journaled as unclaimed (no consumer of this session takes them). */
  readonly unclaimed: boolean;
  /** Whether an event of this status is a final answer to be judged (a trace flow's never are). */
  judgesFinal(status: unknown): boolean;
  /** A new (not resent) event arrived: checks that come before it is recorded. */
  arrive(envelope: Envelope): void;
  /** Remembers the event, so its resends are recognised. */
  remember(state: EventState): void;
  /** Forgets an event (not journaled, or a copy answered as its original). */
  forget(state: EventState): void;
  /** The event is taken: a first final becomes the outcome. */
  accept(envelope: Envelope, state: EventState): void;
  /** Appends `record`, then runs `next` once it is durable, or `failed`. */
  journalThen(record: JournalRecord, next: () => void, failed: () => void): void;
  /** Hands a journaled event on: to the consumer, or to `unclaimed$`; acked by the receiver's policy. */
  deliver(link: Link, envelope: Envelope, state: EventState): void;
  /** The journal could not take the event: it is neither delivered nor acked, and its resend starts afresh. */
  notJournaled(envelope: Envelope, state: EventState): void;
  /** Whether the journal should be asked for a first final this session has not seen (asked once). */
  lookUpFirstFinal(): boolean;
}
