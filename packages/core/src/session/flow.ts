import {
  classifyFinal,
  type Envelope,
  encodeRequest,
  isFinalEventStatus,
  type JsonObject,
  normalizePath,
  SINGLE_ENDPOINT_PATH,
} from '@bluechip-ws/protocol';
import type { Observable, Subscriber, Subscription } from 'rxjs';
import type { JournalRecord } from '../journal/index.js';
import type { Link } from '../transport.js';
import { acksAtOnce, type ConsumerReceiver, consumerReceiver } from './ack-policy.js';
import type { Acks } from './acks.js';
import { offer } from './consumer-guard.js';
import { type Deadlines, FlowClock } from './deadlines.js';
import { DeliveredEvent } from './delivered-event.js';
import { type Diagnostic, FlowError, FlowRefusedError, FlowTimeoutError } from './errors.js';
import type { EventOwner } from './event-owner.js';
import type { EventPath } from './event-path.js';
import { type EventState, markAcked } from './event-state.js';
import type { FlowRecorder, RecordedEvent } from './flow-recorder.js';
import type { FlowTable } from './flow-table.js';
import type { SeenEvents } from './seen-events.js';
import { TIMEOUT_STAGES, type TimeoutStage } from './timeout-stages.js';
import type { AckMode, EndpointMode, FlowEvent, FlowTimeouts, FlowUpdate, UnclaimedReason } from './types.js';
import type { UnclaimedEvents } from './unclaimed-events.js';

/**
 * queued → connecting (slot taken; request being journaled, link being dialed) → sent → started → final
 * (outcome known, waiting for the consumer's ack) → done. Any phase can go to done: that is the one exit.
 */
export type FlowPhase = 'queued' | 'connecting' | 'sent' | 'started' | 'final' | 'done';

/**
 * Every phase change a flow may make, in one table (`moveTo` refuses any other). `sent → final` is a
 * `completed` response; `sent → started` also happens when an event comes before the response.
 */
const TRANSITIONS: Readonly<Record<FlowPhase, readonly FlowPhase[]>> = {
  queued: ['connecting', 'done'],
  connecting: ['sent', 'done'],
  sent: ['started', 'final', 'done'],
  started: ['final', 'done'],
  final: ['done'],
  done: [],
};

/** Where a flow gets its link from (the session's `Connection`), which it holds from start to exit. */
export interface LinkSource {
  acquire(path: string): Observable<Link>;
  hold(path: string): void;
  release(path: string): void;
}

/** What every flow of a session shares: one object per session, so a flow costs no closures for it. */
export interface FlowContext {
  readonly endpointMode: EndpointMode;
  readonly recorder: FlowRecorder;
  readonly acks: Acks;
  readonly unclaimed: UnclaimedEvents;
  readonly events: EventPath;
  readonly deadlines: Deadlines;
  readonly table: FlowTable;
  readonly links: LinkSource;
  diagnose(diagnostic: Diagnostic): void;
}

export interface FlowSettings {
  readonly ackMode: AckMode;
  readonly trace: boolean;
  readonly timeouts: FlowTimeouts;
  readonly idempotencyKey: string | undefined;
}

/** How a final `completed` response is journaled: a final event of its flow. */
const FINAL_RESPONSE: RecordedEvent = { final: true };

/** A delivered event waiting for the consumer's ack: the frame it came in (none for a final response). */
interface PendingAck {
  readonly final: boolean;
  readonly resource: JsonObject;
  readonly frame?: { readonly link: Link; readonly envelope: Envelope; readonly state: EventState };
}

/**
 * One flow, from admission to its end: a state machine that owns its life. The session hands it the frames
 * of its flow id (`handle`), its deadlines (`expire`), its link's end (`linkClosed`) and its consumer's
 * leaving (`detach`); every way out goes through `exit`, which runs the same cleanup. Nothing else writes
 * a flow's fields.
 */
export class Flow extends FlowClock implements EventOwner {
  /** Who this flow's events go to, for the ack decision (`acksAtOnce`); says its ack mode and trace. */
  private readonly receiver: ConsumerReceiver;
  readonly idempotencyKey: string | undefined;
  private state: FlowPhase = 'queued';
  private subscriber: Subscriber<FlowUpdate> | undefined;
  private link: Link | undefined;
  /** Created on the first event: most open flows are waiting for one (an empty Map is about 250 B). */
  private seenEvents: SeenEvents | undefined;
  /** A delivered event the consumer has not acked yet (manual mode): what an ack timeout surfaces. */
  private awaitingAck: PendingAck | undefined;
  private connecting: Subscription | undefined;
  /** Serializes this flow's frames behind an asynchronous journal write. */
  private tail: Promise<void> | undefined;
  /** Why events of this flow are unclaimed, once its subscriber is gone. */
  private detachedAs: UnclaimedReason | undefined;
  /** The first final answer (event or `completed` response): the outcome, which a later final never replaces. */
  private firstFinal: JsonObject | undefined;

  constructor(
    private readonly context: FlowContext,
    readonly id: string,
    /** Endpoint path the request goes to ('/tsi/v1/payment'). */
    readonly path: string,
    readonly resource: JsonObject,
    settings: FlowSettings,
    subscriber: Subscriber<FlowUpdate>,
  ) {
    super(settings.timeouts);
    this.idempotencyKey = settings.idempotencyKey;
    this.receiver = consumerReceiver(settings.ackMode, settings.trace);
    this.subscriber = subscriber;
  }

  /** A trace flow: its events are never acked, so never resent nor remembered. */
  get trace(): boolean {
    return this.receiver.trace;
  }

  /** Whether the request went out (the terminal may be running it). */
  get sent(): boolean {
    return this.state === 'sent' || this.state === 'started' || this.state === 'final';
  }

  get seen(): SeenEvents | undefined {
    return this.seenEvents;
  }

  get final(): JsonObject | undefined {
    return this.firstFinal;
  }

  // ── driven by the session ─────────────────────────────────────────────────────────────────────────────

  /** Admitted but no slot free: the queue stage bounds the wait. */
  awaitSlot(): void {
    if (this.state === 'queued') this.context.deadlines.step(this, 'queue');
  }

  /** The connection path this flow needs (and holds from `start` to its exit): one socket at `/` in single mode. */
  get linkPath(): string {
    return this.context.endpointMode === 'single' ? SINGLE_ENDPOINT_PATH : this.path;
  }

  /** The flow got a slot: the request is journaled, then sent on `open` or on a link acquired for its path. */
  start(open: Link | undefined): void {
    this.moveTo('connecting');
    const linkPath = this.linkPath;
    this.context.links.hold(linkPath);
    this.context.deadlines.startFlow(this);
    if (open !== undefined) {
      // The common case, one flow after another on an open link: no Observable round trip.
      this.sendWhenJournaled(open);
      return;
    }
    const dialing = this.context.links.acquire(linkPath).subscribe({
      next: (link) => {
        this.connecting = undefined;
        this.sendWhenJournaled(link);
      },
      error: (err: unknown) =>
        this.fail(
          new FlowError('connect_failed', `could not connect: ${describe(err)}`, {
            flowId: this.id,
            outcomeUnknown: false,
            cause: err,
          }),
        ),
    });
    // An open link is emitted synchronously: then the dial is already over.
    if (!dialing.closed) this.connecting = dialing;
  }

  /** A frame of this flow id. Returns false when the flow takes no frames yet (nothing sent) or of this kind. */
  handle(link: Link, envelope: Envelope, text: string): boolean {
    if (!this.sent) return false;
    if (envelope.kind === 'event') this.context.events.receive(this, link, envelope, text);
    else if (envelope.kind === 'response') this.onResponse(envelope);
    else return false;
    return true;
  }

  /** A deadline passed (told by `Deadlines`). */
  override expire(stage: TimeoutStage, ms: number): void {
    if (stage === 'ack') {
      this.ackTimedOut(ms);
      return;
    }
    if (this.state === 'connecting') {
      // Nothing went out: either the dial or the journal write of the request is still pending.
      this.fail(
        this.connecting === undefined
          ? new FlowError('journal_failed', `the journal did not record the request within ${ms} ms`, {
              flowId: this.id,
              outcomeUnknown: false,
            })
          : new FlowError('connect_failed', `could not connect within ${ms} ms`, {
              flowId: this.id,
              outcomeUnknown: false,
            }),
      );
      return;
    }
    this.fail(new FlowTimeoutError(TIMEOUT_STAGES[stage].code, this.id, ms), 'timed_out');
  }

  /** A link closed: if it carried this flow before its outcome, the outcome is unknown. */
  linkClosed(link: Link, reason: string): void {
    if (this.link !== link || this.state === 'final') return;
    this.fail(
      new FlowError('link_closed', `link closed during the flow (${reason})`, {
        flowId: this.id,
        outcomeUnknown: true,
      }),
      'link_closed',
    );
  }

  /** RxJS teardown of the consumer's subscription (the flow is returned as its `Unsubscribable`). */
  unsubscribe(): void {
    this.detach();
  }

  /** The consumer unsubscribed: delivery stops, the flow does not. */
  detach(): void {
    if (this.state === 'done' || this.subscriber === undefined) return;
    this.subscriber = undefined;
    this.detachedAs ??= 'unsubscribed';
    // Once dialing or sent, the flow stays in the table: the terminal may still answer, and its events
    // must be journaled and acked; its deadlines still bound how long it holds the slot.
    if (this.state === 'queued') this.exit('unsubscribed');
  }

  /** The session is closing. */
  close(): void {
    this.fail(
      new FlowError('session_closed', 'session closed', { flowId: this.id, outcomeUnknown: this.sent }),
    );
  }

  /**
   * Appends `record`, then runs `next` once it is durable (or `failed`), in order behind this flow's earlier
   * writes: a flow's records and actions keep their order over an asynchronous journal.
   */
  journalThen(record: JournalRecord, next: () => void, failed: () => void): void {
    const tail = this.context.recorder.writeAfter(this.tail, record, next, failed);
    this.tail = tail;
    tail?.then(() => {
      if (this.tail === tail) this.tail = undefined;
    });
  }

  // ── sending ───────────────────────────────────────────────────────────────────────────────────────────

  /** The request is journaled (durably, for a file journal) before it goes on the wire. */
  private sendWhenJournaled(link: Link): void {
    this.journaled(this.context.recorder.requestSent(this), () => this.send(link));
  }

  private send(link: Link): void {
    if (this.state !== 'connecting') return;
    if (this.subscriber === undefined) {
      this.context.recorder.ended(this.id, 'failed', {
        code: 'cancelled',
        message: 'cancelled before the request was sent',
      });
      this.exit('unsubscribed');
      return;
    }
    if (!link.isOpen) {
      this.fail(
        new FlowError('send_failed', 'the link closed before the request was sent', {
          flowId: this.id,
          outcomeUnknown: false,
        }),
      );
      return;
    }
    const endpoint = this.context.endpointMode === 'single' ? this.path : undefined;
    try {
      link.send(encodeRequest(this.id, this.resource, endpoint));
    } catch (cause) {
      this.fail(
        new FlowError('send_failed', `could not send the request: ${describe(cause)}`, {
          flowId: this.id,
          outcomeUnknown: false,
          cause,
        }),
      );
      return;
    }
    this.link = link;
    this.moveTo('sent');
    this.context.deadlines.step(this, 'response');
  }

  // ── receiving ─────────────────────────────────────────────────────────────────────────────────────────

  private onResponse(envelope: Envelope): void {
    if (this.state !== 'sent') {
      this.context.diagnose({ kind: 'late_response', flowId: this.id, status: envelope.resource.status });
      return;
    }
    this.checkEndpoint(envelope);
    const status = envelope.resource.status;
    if (status === 'started') {
      this.markStarted(envelope.resource);
    } else if (status === 'error') {
      this.fail(new FlowRefusedError(this.id, classifyFinal(envelope.resource).errorInfo, envelope.resource));
    } else if (status === 'completed') {
      // A final result with no events (docs/protocol.md): nothing to ack, but it is journaled first.
      this.moveTo('final');
      this.firstFinal = envelope.resource;
      this.context.deadlines.clear(this);
      this.journaled(this.context.recorder.event(this, envelope.resource, FINAL_RESPONSE), () =>
        this.deliverFinalResponse(envelope.resource),
      );
    } else {
      this.context.diagnose({ kind: 'unknown_status', flowId: this.id, status });
      this.fail(
        new FlowError('bad_response', `unknown response status ${JSON.stringify(status)}`, {
          flowId: this.id,
          outcomeUnknown: true,
        }),
      );
    }
  }

  private markStarted(resource: JsonObject): void {
    this.moveTo('started');
    this.context.deadlines.step(this, 'event_gap');
    this.context.recorder.started(this.id);
    const subscriber = this.subscriber;
    if (subscriber === undefined) return;
    const offered = offer<FlowUpdate>(subscriber, { type: 'started', flowId: this.id, resource });
    if (offered.refused) this.consumerRefused(subscriber, offered.error, { outcomeUnknown: true });
  }

  // ── its part of the event path (`EventPath` runs the steps; a flow's own state is written only here) ──

  /** A live flow's events go to its consumer while it has one. */
  get unclaimed(): boolean {
    return false;
  }

  get request(): JsonObject {
    return this.resource;
  }

  /** Trace events are never acked, so never resent: none is judged final nor remembered. */
  judgesFinal(status: unknown): boolean {
    return !this.trace && isFinalEventStatus(status);
  }

  arrive(envelope: Envelope): void {
    this.checkEndpoint(envelope);
    if (this.state === 'sent') {
      this.context.diagnose({ kind: 'out_of_order', flowId: this.id, detail: 'event before the response' });
      this.markStarted({ status: 'started' });
    }
  }

  remember(state: EventState): void {
    if (this.trace) return;
    this.seenEvents ??= this.context.table.newSeenEvents();
    this.seenEvents.add(state);
  }

  forget(state: EventState): void {
    this.seenEvents?.forget(state.text);
  }

  accept(envelope: Envelope, state: EventState): void {
    this.context.deadlines.clearStep(this);
    if (state.final) {
      this.moveTo('final');
      this.firstFinal = envelope.resource;
      this.seenEvents?.pin(state);
      this.context.deadlines.clear(this);
    }
  }

  notJournaled(envelope: Envelope, state: EventState): void {
    // Not recorded, so not delivered nor acked: the terminal resends, and the resend is tried afresh.
    this.forget(state);
    if (this.firstFinal === envelope.resource) this.firstFinal = undefined;
    this.fail(
      new FlowError('journal_failed', 'the journal could not record an event', {
        flowId: this.id,
        outcomeUnknown: true,
      }),
    );
  }

  /** The journal knows no more of a flow this session runs than the session does. */
  lookUpFirstFinal(): boolean {
    return false;
  }

  // ── delivery and acks ─────────────────────────────────────────────────────────────────────────────────

  deliver(link: Link, envelope: Envelope, state: EventState): void {
    const final = state.final;
    const subscriber = this.subscriber;
    if (subscriber === undefined) {
      const reason = this.detachedAs ?? 'unsubscribed';
      this.context.unclaimed.emit(this.id, reason, this.resource, link, envelope, state, final);
      if (final) this.exit(reason);
      return;
    }
    const event = new DeliveredEvent(this.id, state.status, final, envelope.resource, 'event', () =>
      this.ackEvent(link, state),
    );
    const offered = offer(subscriber, event);
    if (offered.refused) {
      this.consumerRefused(subscriber, offered.error, { outcomeUnknown: !final });
      // The event was not accepted: it is surfaced as unclaimed, and acked only under that policy.
      this.context.unclaimed.emit(this.id, 'consumer_error', this.resource, link, envelope, state, final);
      if (final) this.exit('consumer_error');
      return;
    }
    if (acksAtOnce(this.receiver)) event.ack();
    else if (!state.acked && this.state !== 'done') {
      // Manual mode: the consumer's ack is a stage of its own, so a consumer that never acks cannot hold the
      // slot (and every flow queued behind it) for ever.
      this.awaitingAck = { final, resource: envelope.resource, frame: { link, envelope, state } };
      if (final) this.context.deadlines.awaitFinalAck(this);
      else this.context.deadlines.step(this, 'ack');
    }
  }

  private deliverFinalResponse(resource: JsonObject): void {
    const subscriber = this.subscriber;
    if (subscriber === undefined) {
      this.surfaceFinalResponse(this.detachedAs ?? 'unsubscribed', resource);
      return;
    }
    let done = false;
    const event: FlowEvent = {
      type: 'event',
      flowId: this.id,
      status: 'completed',
      final: true,
      resource,
      outcome: classifyFinal(resource),
      source: 'response',
      ack: () => {
        if (done) return;
        done = true;
        this.completed();
      },
    };
    const offered = offer(subscriber, event);
    if (offered.refused) {
      done = true;
      this.consumerRefused(subscriber, offered.error, { outcomeUnknown: false });
      this.surfaceFinalResponse('consumer_error', resource);
    } else if (acksAtOnce(this.receiver)) event.ack();
    else if (!done) {
      this.awaitingAck = { final: true, resource };
      this.context.deadlines.awaitFinalAck(this);
    }
  }

  /** Nothing to ack on a response: a result nobody took is journaled already, surfaced, and the flow ends. */
  private surfaceFinalResponse(reason: UnclaimedReason, resource: JsonObject): void {
    this.context.unclaimed.emitResponse(this.id, reason, resource, this.resource);
    this.completed();
  }

  /** The consumer accepted an event: its ack goes out; a final one ends the flow. */
  private ackEvent(link: Link, state: EventState): void {
    if (state.acked) return;
    markAcked(state);
    if (this.awaitingAck?.frame?.state === state) this.awaitingAck = undefined;
    if (!this.trace) this.context.acks.first(this.id, link, state);
    if (state.final) this.completed();
    else if (this.state === 'started') this.context.deadlines.step(this, 'event_gap');
  }

  /**
   * The consumer did not ack a delivered event in time: the flow fails (the slot frees), and the event goes
   * to `unclaimed$` like any event nobody took: journaled already, acked under `unclaimedAck`.
   */
  private ackTimedOut(ms: number): void {
    const pending = this.awaitingAck;
    this.awaitingAck = undefined;
    const final = pending?.final === true;
    // After a final result the outcome is known (journaled and surfaced); after a proceed it is not.
    this.fail(new FlowTimeoutError('ack_timeout', this.id, ms, { outcomeUnknown: !final }), 'timed_out');
    if (pending?.frame !== undefined) {
      const { link, envelope, state } = pending.frame;
      this.context.unclaimed.emit(this.id, 'timed_out', this.resource, link, envelope, state, final);
    } else if (pending !== undefined) {
      // A final response: nothing to ack on the wire, and its record is journaled already.
      this.context.recorder.ended(this.id, 'completed');
      this.context.unclaimed.emitResponse(this.id, 'timed_out', pending.resource, this.resource);
    }
  }

  /** The consumer threw: it gets a typed error, and the flow's events go to `unclaimed$` from now on. */
  private consumerRefused(
    subscriber: Subscriber<FlowUpdate>,
    error: unknown,
    { outcomeUnknown }: { readonly outcomeUnknown: boolean },
  ): void {
    this.context.diagnose({ kind: 'consumer_error', flowId: this.id, error });
    this.detachedAs = 'consumer_error';
    subscriber.error(
      new FlowError('consumer_error', `the flow's consumer threw: ${describe(error)}`, {
        flowId: this.id,
        outcomeUnknown,
        cause: error,
      }),
    );
  }

  // ── endings ───────────────────────────────────────────────────────────────────────────────────────────

  /** The outcome was taken: journaled as completed, and the consumer's stream completes. */
  private completed(): void {
    this.context.recorder.ended(this.id, 'completed');
    this.exit('unsubscribed', 'complete');
  }

  /** Journals how the flow ended (if anything was started) and exits with `error`. */
  private fail(error: FlowError, reason: UnclaimedReason = 'unsubscribed'): void {
    if (this.state === 'done') return;
    if (this.sent || this.state === 'connecting') {
      this.context.recorder.ended(this.id, error.outcomeUnknown ? 'unknown' : 'failed', {
        code: error.code,
        message: error.message,
        ...(error instanceof FlowRefusedError && error.terminalBusy ? { busy: true } : {}),
      });
    }
    this.exit(reason, error);
  }

  /**
   * The one way out: deadlines and a pending dial are dropped, the table forgets the flow (remembering what
   * it saw, so resends are re-acked) and frees its slot, then the consumer is told, if anyone still listens.
   */
  private exit(reason: UnclaimedReason, end?: FlowError | 'complete'): void {
    if (this.state === 'done') return;
    const heldSlot = this.state !== 'queued';
    this.moveTo('done');
    this.awaitingAck = undefined;
    this.context.deadlines.clear(this);
    this.connecting?.unsubscribe();
    this.connecting = undefined;
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    // The link first: a flow the table then dispatches may need it for another endpoint.
    if (heldSlot) this.context.links.release(this.linkPath);
    this.context.table.finish(this, reason, heldSlot);
    if (end === 'complete') subscriber?.complete();
    else if (end !== undefined) subscriber?.error(end);
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────────────────

  /** The one place a flow changes phase, along `TRANSITIONS` only (anything else is a bug, reported). */
  private moveTo(next: FlowPhase): void {
    if (!TRANSITIONS[this.state].includes(next)) {
      throw new Error(`flow ${this.id}: no transition from ${this.state} to ${next}`);
    }
    this.state = next;
  }

  private checkEndpoint(envelope: Envelope): void {
    if (envelope.endpoint !== undefined && normalizePath(envelope.endpoint) !== this.path) {
      this.context.diagnose({
        kind: 'endpoint_mismatch',
        flowId: this.id,
        expected: this.path,
        got: envelope.endpoint,
      });
    }
  }

  /** Runs `next` once the record is durable; a journal that cannot record fails the flow instead. */
  private journaled(record: JournalRecord, next: () => void): void {
    this.journalThen(record, next, () =>
      this.fail(
        new FlowError('journal_failed', 'the journal could not record the flow', {
          flowId: this.id,
          outcomeUnknown: this.sent,
        }),
      ),
    );
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
