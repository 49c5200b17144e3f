import type { JsonObject } from '@bluechip-ws/protocol';
import {
  APPEND_BUILT,
  type BuiltRecordAppend,
  EVENT_FRAME,
  type FlowEndError,
  type FlowSummary,
  type Journal,
  type JournalRecord,
} from '../journal/index.js';
import type { EventOwner } from './event-owner.js';
import type { EventState } from './event-state.js';
import type { Flow } from './flow.js';

type Ending = 'completed' | 'failed' | 'unknown';
/** Whose event a record is: its flow id, and whether no consumer of this session takes its events. */
type RecordOwner = Pick<EventOwner, 'id' | 'unclaimed'>;
/**
 * What a record says of an event: whether it is final, whether it is a final conflicting with the first, and
 * the frame its resource was decoded from (which an in-memory journal may keep instead of the resource).
 */
export type RecordedEvent = Pick<EventState, 'final' | 'conflict'> & { readonly text?: string };
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Writes a session's flows to its journal. Writes that gate an action (request before send, event before
 * delivery and ack) go through `then`; the rest are fire-and-forget but still report failures. A synchronous
 * journal runs the gated action at once, so the common path adds no microtask.
 */
export class FlowRecorder {
  /** The journal's append for records built here, when it has one (`APPEND_BUILT`); else its `append`. */
  private readonly appendBuilt: (record: JournalRecord) => void | Promise<void>;

  constructor(
    private readonly journal: Journal,
    /** The time a record carries (a `FrameClock`'s: one read per incoming frame). */
    private readonly now: () => number,
    private readonly onFailure: (flowId: string, error: unknown) => void,
    /** A throw from the action run after an asynchronous write: reported, never an unhandled rejection. */
    private readonly onFault: (error: unknown) => void,
  ) {
    const built = (journal as Partial<BuiltRecordAppend>)[APPEND_BUILT];
    this.appendBuilt = typeof built === 'function' ? built.bind(journal) : (record) => journal.append(record);
  }

  /** Whether the journal still keeps a flow with this id (a new flow must not reuse it). */
  knows(flowId: string): boolean {
    return this.journal.has(flowId);
  }

  /** What the journal knows of a flow; a failed read is reported and reads as nothing known. */
  async summary(flowId: string): Promise<FlowSummary | undefined> {
    try {
      return await this.journal.flow(flowId);
    } catch (error) {
      this.onFailure(flowId, error);
      return undefined;
    }
  }

  requestSent(flow: Flow): JournalRecord {
    return {
      kind: 'request_sent',
      flowId: flow.id,
      at: this.now(),
      endpoint: flow.path,
      resource: flow.resource,
      ...(flow.idempotencyKey === undefined ? {} : { idempotencyKey: flow.idempotencyKey }),
    };
  }

  /** An event's record: whose (its flow id, unclaimed or not) and what (final, a conflicting final). */
  event(owner: RecordOwner, resource: JsonObject, event: RecordedEvent): JournalRecord {
    const record: Mutable<JournalRecord & { kind: 'event' }> = {
      kind: 'event',
      flowId: owner.id,
      at: this.now(),
      status: String(resource.status),
      final: event.final,
      resource,
      [EVENT_FRAME]: event.text,
    };
    // Set only when true, after the literal: the common record keeps one shape (no spread per event).
    if (owner.unclaimed) record.unclaimed = true;
    if (event.conflict === true) record.conflict = true;
    return record;
  }

  started(flowId: string): void {
    this.append({ kind: 'started', flowId, at: this.now() });
  }

  /** An ack of a final event went out (an ack of a conflicting final says so: it acks no outcome). */
  ackSent(flowId: string, acked: Pick<EventState, 'status' | 'conflict'>): void {
    const record: Mutable<JournalRecord & { kind: 'ack_sent' }> = {
      kind: 'ack_sent',
      flowId,
      at: this.now(),
      status: acked.status,
    };
    if (acked.conflict === true) record.conflict = true;
    this.append(record);
  }

  ended(flowId: string, outcome: Ending, error?: FlowEndError): void {
    this.append({
      kind: 'flow_ended',
      flowId,
      at: this.now(),
      outcome,
      ...(error === undefined ? {} : { error }),
    });
  }

  /**
   * Appends after `previous` (a flow's pending writes), then runs `next` once the record is durable, or
   * `failed` if it cannot be written. Returns the new tail of the flow's writes, or undefined when everything
   * is done already (a synchronous journal: no promise, no microtask on the common path).
   */
  writeAfter(
    previous: Promise<void> | undefined,
    record: JournalRecord,
    next: () => void,
    failed: () => void,
  ): Promise<void> | undefined {
    if (previous === undefined) return this.writeNow(record, next, failed);
    return previous.then(() => this.writeNow(record, next, failed));
  }

  /** `writeAfter` with nothing pending: a synchronous journal runs `next` at once, with no closure made. */
  private writeNow(record: JournalRecord, next: () => void, failed: () => void): Promise<void> | undefined {
    const write = this.write(record);
    if (write === true) next();
    else if (write === false) failed();
    else return write.then((ok) => (ok ? next() : failed())).catch(this.onFault);
    return undefined;
  }

  /** true: durable now; false: failed (reported); a promise of either for asynchronous journals. */
  write(record: JournalRecord): boolean | Promise<boolean> {
    try {
      const result = this.appendBuilt(record);
      if (result === undefined) return true;
      return result.then(
        () => true,
        (error: unknown) => {
          this.onFailure(record.flowId, error);
          return false;
        },
      );
    } catch (error) {
      this.onFailure(record.flowId, error);
      return false;
    }
  }

  private append(record: JournalRecord): void {
    void this.write(record);
  }
}
