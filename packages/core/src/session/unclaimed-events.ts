import { classifyFinal, type Envelope, isFinalEventStatus, type JsonObject } from '@bluechip-ws/protocol';
import type { FlowSummary } from '../journal/index.js';
import type { Link } from '../transport.js';
import { acksAtOnce, type Receiver } from './ack-policy.js';
import type { Acks } from './acks.js';
import type { Diagnostic } from './errors.js';
import { type EventState, eventState } from './event-state.js';
import type { Flow } from './flow.js';
import type { FlowRecorder } from './flow-recorder.js';
import type { FlowTable, Orphan } from './flow-table.js';
import type { UnclaimedAckPolicy, UnclaimedEvent, UnclaimedReason } from './types.js';

/**
 * Events no live consumer takes: for unknown or finished flows, finals that repeat or contradict a flow's
 * first one, and events the session gives up on (timed out, consumer gone). Each is journaled before it is
 * acked (by `Acks`) and surfaced on `unclaimed$`; none is dropped.
 */
export class UnclaimedEvents {
  private readonly receiver: Receiver;

  constructor(
    private readonly table: FlowTable,
    private readonly recorder: FlowRecorder,
    private readonly acks: Acks,
    policy: UnclaimedAckPolicy,
    private readonly publish: (item: UnclaimedEvent) => void,
    private readonly diagnose: (diagnostic: Diagnostic) => void,
  ) {
    this.receiver = { kind: 'unclaimed', policy };
  }

  /** An event for a flow id no live flow of this session owns. */
  onOrphanEvent(link: Link, envelope: Envelope, key: string): void {
    const orphan = this.table.orphan(envelope.flow_id);
    const seen = orphan.seen.find(key);
    if (seen !== undefined) {
      this.acks.repeat(envelope.flow_id, link, seen);
      return;
    }
    const final = isFinalEventStatus(envelope.resource.status);
    const state = eventState(key, envelope.endpoint, String(envelope.resource.status), final);
    orphan.seen.add(state);
    if (!final) {
      this.claim(orphan, link, envelope, state);
      return;
    }
    if (orphan.final !== undefined) {
      this.secondFinal(envelope.flow_id, orphan.final, orphan.request, link, envelope, state);
      return;
    }
    const lookedUp = orphan.lookedUp;
    orphan.lookedUp = true;
    // Ids the journal does not keep are settled at once (no promise: a flood of them stays cheap).
    if (lookedUp || !this.recorder.knows(envelope.flow_id)) {
      this.claim(orphan, link, envelope, state);
      return;
    }
    // A final for a flow id this session never ran but the journal keeps: an earlier session on it may
    // have received it already (a resend after a restart). Resends that arrive meanwhile are held.
    this.recorder
      .summary(envelope.flow_id)
      .then((known) => this.onJournalAnswer(orphan, known, link, envelope, state))
      .catch((error: unknown) => this.diagnose({ kind: 'internal_error', error }));
  }

  /** What the journal knew of a final's flow id that this session never ran. */
  private onJournalAnswer(
    orphan: Orphan,
    known: FlowSummary | undefined,
    link: Link,
    envelope: Envelope,
    state: EventState,
  ): void {
    const flowId = envelope.flow_id;
    const first = orphan.final ?? known?.final;
    if (first === undefined) {
      this.claim(orphan, link, envelope, state);
    } else if (!sameResource(first, envelope.resource)) {
      orphan.final ??= first;
      this.secondFinal(flowId, first, orphan.request ?? known?.request, link, envelope, state);
    } else if (orphan.final === undefined && known?.finalAcked === true) {
      // An earlier session received and acked this very answer: the terminal missed that ack.
      orphan.final = first;
      orphan.seen.pin(state);
      this.acks.repeat(flowId, link, state, true);
    } else {
      // Journaled earlier but never acked: nobody may have taken it, so it is surfaced as unclaimed.
      this.claim(orphan, link, envelope, state);
    }
  }

  /** An event no flow of this session owns: journaled as unclaimed, then surfaced (and acked by policy). */
  private claim(orphan: Orphan, link: Link, envelope: Envelope, state: EventState): void {
    const flowId = envelope.flow_id;
    if (state.final && orphan.final === undefined) {
      orphan.final = envelope.resource;
      orphan.seen.pin(state);
    }
    const write = this.recorder.write(this.recorder.event(flowId, envelope.resource, state.final, true));
    const emit = () => this.emit(flowId, orphan.reason, orphan.request, link, envelope, state, state.final);
    // An event the journal could not take is not acked; its resend is handled afresh.
    const forget = () => {
      orphan.seen.forget(state.text);
      if (orphan.final === envelope.resource) orphan.final = undefined;
    };
    this.afterWrite(write, emit, forget);
  }

  /**
   * A final for a flow that has one already. The same answer again (in other bytes, or from an earlier
   * session's journal) is a duplicate: re-acked. A different one is a conflict: journaled apart (the first
   * stays the outcome), acked so the terminal stops resending, and surfaced; never delivered as the outcome.
   */
  secondFinal(
    flowId: string,
    first: JsonObject,
    request: JsonObject | undefined,
    link: Link,
    envelope: Envelope,
    state: EventState,
    flow?: Flow,
  ): void {
    const conflicting = envelope.resource;
    const seen = flow?.seen ?? this.table.peekOrphan(flowId)?.seen;
    if (sameResource(first, conflicting)) {
      // The same answer in other bytes: answered like a resend of the first (held until that one is acked).
      const original = seen?.first;
      if (original !== undefined && original !== state) {
        seen?.forget(state.text);
        this.acks.repeat(flowId, link, original);
      } else this.acks.repeat(flowId, link, state, true);
      return;
    }
    const record = this.recorder.event(flowId, conflicting, true, flow === undefined, true);
    state.conflict = true;
    const surface = () => {
      // Through the same first ack as any accepted event: copies held while it was journaled get theirs.
      this.acks.first(flowId, link, state);
      this.diagnose({ kind: 'conflicting_final', flowId, first, conflicting });
      this.publish({
        flowId,
        reason: 'conflicting_final',
        resource: conflicting,
        final: true,
        outcome: classifyFinal(conflicting),
        acked: true,
        ack: () => undefined,
        ...(envelope.endpoint === undefined ? {} : { endpoint: envelope.endpoint }),
        ...(request === undefined ? {} : { request }),
      });
    };
    const forget = () => seen?.forget(state.text);
    // A live flow keeps its records in order behind its earlier (possibly pending) writes.
    if (flow !== undefined) flow.journalThen(record, surface, forget);
    else this.afterWrite(this.recorder.write(record), surface, forget);
  }

  private afterWrite(write: boolean | Promise<boolean>, next: () => void, failed: () => void): void {
    if (write === true) next();
    else if (write === false) failed();
    else
      write
        .then((ok) => (ok ? next() : failed()))
        .catch((error: unknown) => this.diagnose({ kind: 'internal_error', error }));
  }

  /** Surfaces a final `completed` response nobody takes: journaled already, and a response needs no ack. */
  emitResponse(flowId: string, reason: UnclaimedReason, resource: JsonObject, request: JsonObject): void {
    this.publish({
      flowId,
      reason,
      resource,
      final: true,
      outcome: classifyFinal(resource),
      request,
      acked: true,
      ack: () => undefined,
    });
  }

  /** Surfaces an event nobody takes (journaled already), acked now under the `after_journal` policy. */
  emit(
    flowId: string,
    reason: UnclaimedReason,
    request: JsonObject | undefined,
    link: Link,
    envelope: Envelope,
    state: EventState,
    final: boolean,
  ): void {
    const ack = () => {
      if (state.acked) return;
      state.acked = true;
      this.acks.first(flowId, link, state);
      if (final) this.recorder.ended(flowId, 'completed');
    };
    const item: UnclaimedEvent = {
      flowId,
      reason,
      resource: envelope.resource,
      final,
      ack,
      get acked() {
        return state.acked;
      },
      ...(envelope.endpoint === undefined ? {} : { endpoint: envelope.endpoint }),
      ...(final ? { outcome: classifyFinal(envelope.resource) } : {}),
      ...(request === undefined ? {} : { request }),
    };
    // Journaled already: acking now can never lose the result.
    if (acksAtOnce(this.receiver)) ack();
    this.publish(item);
  }
}

/** Whether two final answers say the same thing (a resend may differ in whitespace, never in content). */
export function sameResource(a: JsonObject, b: JsonObject): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
