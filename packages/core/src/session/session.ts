import {
  classifyFinal,
  createFlowIdGenerator,
  DEFAULT_MAX_FRAME_BYTES,
  decodeFrame,
  ENDPOINTS,
  type Envelope,
  encodeRequest,
  type FlowIdGenerator,
  isFinalEventStatus,
  type JsonObject,
  maskPan,
  normalizePath,
  SINGLE_ENDPOINT_PATH,
  validateRequest,
} from '@bluechip-ws/protocol';
import {
  asyncScheduler,
  type Observable,
  ReplaySubject,
  type SchedulerLike,
  Subject,
  type Subscriber,
  type Subscription,
} from 'rxjs';
import { Connection, type ConnectionState } from '../connection/index.js';
import { JournalError, type JournalRecord, MemoryJournal } from '../journal/index.js';
import type { Frame, Link, Transport } from '../transport.js';
import { Acks } from './acks.js';
import { GuardedObservable, offer } from './consumer-guard.js';
import { Deadlines } from './deadlines.js';
import { DeliveredEvent } from './delivered-event.js';
import { type Diagnostic, FlowError, FlowRefusedError, FlowTimeoutError } from './errors.js';
import { type EventState, Flow } from './flow.js';
import { FlowRecorder } from './flow-recorder.js';
import { FlowTable } from './flow-table.js';
import { DEFAULT_SEEN_EVENTS_LIMITS } from './seen-events.js';
import { TIMEOUT_STAGES, type TimeoutStage } from './timeout-stages.js';
import {
  type AckMode,
  DEFAULT_TIMEOUTS,
  type EndpointMode,
  type FlowEvent,
  type FlowOptions,
  type FlowTimeouts,
  type FlowUpdate,
  type SessionOptions,
  type SessionStats,
  type UnclaimedEvent,
  type UnclaimedReason,
} from './types.js';
import { UnclaimedEvents } from './unclaimed-events.js';

const sessionFlowIds = createFlowIdGenerator();

/** Draws of the generator before giving up on finding an id the journal does not know. */
const MAX_FLOW_ID_DRAWS = 10_000;

/**
 * A session with one terminal over one transport: it owns the connection (one live link at a time) and the
 * flow table, turns frames into one Observable per flow, and sends each `event_ack` only once the consumer
 * accepted the event and the journal holds it. Nothing here throws from a frame handler.
 */
export class Session {
  readonly endpointMode: EndpointMode;
  private readonly connection: Connection;
  private readonly table: FlowTable;
  private readonly queue: Flow[] = [];
  private readonly recorder: FlowRecorder;
  private readonly deadlines: Deadlines;
  private readonly scheduler: SchedulerLike;
  private readonly flowIds: FlowIdGenerator;
  private readonly ackMode: AckMode;
  private readonly timeouts: FlowTimeouts;
  private readonly maxInFlight: number;
  private readonly whenBusy: 'queue' | 'fail';
  private readonly queueLimit: number;
  private readonly maxFrameBytes: number;
  private readonly validate: boolean;
  private readonly unclaimedSubject = new ReplaySubject<UnclaimedEvent>(64);
  private readonly acks: Acks;
  private readonly unclaimed: UnclaimedEvents;
  private readonly diagnosticsSubject = new Subject<Diagnostic>();
  private readonly linkSubscription: Subscription;
  private closed = false;

  /** Events no live flow owned (bounded replay of the last 64 for late subscribers). */
  readonly unclaimed$: Observable<UnclaimedEvent> = this.unclaimedSubject.asObservable();
  /** Every frame that could not be used, or was odd. */
  readonly diagnostics$: Observable<Diagnostic> = this.diagnosticsSubject.asObservable();
  readonly state$: Observable<ConnectionState>;

  constructor(transport: Transport, options: SessionOptions = {}) {
    this.endpointMode = options.endpointMode ?? 'multi';
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.flowIds = options.flowIds ?? sessionFlowIds;
    this.ackMode = options.ackMode ?? 'auto';
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.maxInFlight = options.maxInFlight ?? 1;
    this.whenBusy = options.whenBusy ?? 'queue';
    this.queueLimit = options.queueLimit ?? 16;
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.validate = options.validate ?? true;
    this.deadlines = new Deadlines(this.scheduler, (flow, code, ms) => this.timeout(flow, code, ms));
    const journal = options.journal ?? new MemoryJournal();
    if (typeof journal.has !== 'function') {
      // A journal written for the first seam: without has() the session cannot keep flow ids unique.
      throw new JournalError('invalid', 'the journal has no has(flowId) method (required since 0.2)');
    }
    this.recorder = new FlowRecorder(
      journal,
      options.now ?? Date.now,
      (flowId, error) => this.diagnose({ kind: 'journal_failed', flowId, error }),
      (error) => this.diagnose({ kind: 'internal_error', error }),
    );
    this.table = new FlowTable(
      options.memory ?? 1024,
      options.suffixMatch ?? false,
      this.deadlines,
      () => this.dispatch(),
      { ...DEFAULT_SEEN_EVENTS_LIMITS, ...options.seenEvents },
    );
    const diagnose = (diagnostic: Diagnostic) => this.diagnose(diagnostic);
    this.acks = new Acks(
      this.recorder,
      (flowId) => (this.endpointMode === 'single' ? this.table.get(flowId)?.path : undefined),
      diagnose,
    );
    this.unclaimed = new UnclaimedEvents(
      this.table,
      this.recorder,
      this.acks,
      options.unclaimedAck ?? 'after_journal',
      (item) => this.unclaimedSubject.next(item),
      diagnose,
    );
    this.connection = new Connection(transport, {
      scheduler: this.scheduler,
      ...(options.reconnect === undefined ? {} : { reconnect: options.reconnect }),
    });
    this.state$ = this.connection.state$;
    this.linkSubscription = this.connection.links$.subscribe((link) => this.attach(link));
  }

  /** Flows currently in the table (in flight or waiting for their final event). */
  get openFlows(): number {
    return this.table.size;
  }

  /** What the session holds now (counts are bounded; `seenEvents` costs a walk over remembered flows). */
  stats(): SessionStats {
    return {
      openFlows: this.table.size,
      queued: this.queue.length,
      rememberedFlows: this.table.remembered,
      seenEvents: this.table.seenCount(),
    };
  }

  /**
   * A flow id for a new flow: from the generator, skipping any id in flight or still kept by the journal,
   * so a new flow never folds into an old one (a 6-digit random id drawn again by a new process is likely
   * over thousands of flows). Throws a `FlowError` (`flow_id_reused`) if the generator keeps repeating.
   */
  newFlowId(): string {
    for (let draw = 0; draw < MAX_FLOW_ID_DRAWS; draw++) {
      const id = this.flowIds();
      if (!this.table.has(id) && !this.recorder.knows(id)) return id;
    }
    throw new FlowError(
      'flow_id_reused',
      `no unused flow id in ${MAX_FLOW_ID_DRAWS} draws: every id drawn is in flight or in the journal`,
      undefined,
      false,
    );
  }

  /**
   * A cold Observable of one flow: subscribing sends `resource` to `endpoint` ('/tsi/v1/payment' or a short
   * name like 'payment'), emits `started`, then each event, and completes once the final event is acked.
   * Unsubscribing stops delivery only: the terminal's events are still journaled and acked (`unclaimed$`).
   */
  flow(endpoint: string, resource: JsonObject, options: FlowOptions = {}): Observable<FlowUpdate> {
    return new GuardedObservable<FlowUpdate>((subscriber) => {
      const path = resolveEndpoint(endpoint);
      let id: string;
      try {
        id = options.flowId ?? this.newFlowId();
      } catch (cause) {
        subscriber.error(
          cause instanceof FlowError
            ? cause
            : new FlowError('invalid_request', 'no flow id could be generated', undefined, false, { cause }),
        );
        return;
      }
      const refusal = this.refuse(id, path, resource);
      if (refusal !== undefined) {
        subscriber.error(refusal);
        return;
      }
      const flow = new Flow(
        id,
        path,
        resource,
        options.ackMode ?? this.ackMode,
        options.trace ?? path === ENDPOINTS.trace,
        options.timeouts === undefined ? this.timeouts : { ...this.timeouts, ...options.timeouts },
        options.idempotencyKey,
        subscriber,
      );
      this.table.add(flow);
      this.queue.push(flow);
      this.dispatch();
      // Still waiting for a slot: the queue stage bounds how long.
      if (flow.phase === 'queued') this.deadlines.step(flow, 'queue');
      return () => this.detach(flow);
    });
  }

  /**
   * Closes the live link if no flow uses it, so nothing this process sent earlier can still reach the terminal
   * on it (reconciliation fences a recall this way). Returns whether a link was closed.
   */
  closeIdleLink(reason: string): boolean {
    const link = this.connection.link;
    if (link === undefined || this.table.size > 0) return false;
    link.close(reason, 1000);
    return true;
  }

  /** Ends every flow (outcome unknown where a request went out), closes the link, completes the streams. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const flow of [...this.table.flows()]) {
      this.fail(flow, new FlowError('session_closed', 'session closed', flow.id, flow.sent));
    }
    this.deadlines.dispose();
    this.linkSubscription.unsubscribe();
    this.connection.close('session closed');
    this.unclaimedSubject.complete();
    this.diagnosticsSubject.complete();
  }

  // ── admission and dispatch ────────────────────────────────────────────────────────────────────────────

  private refuse(id: string, path: string, resource: JsonObject): FlowError | undefined {
    if (this.closed) return new FlowError('session_closed', 'session is closed', id, false);
    if (this.table.has(id)) {
      return new FlowError('invalid_request', `flow id ${id} is already in flight`, id, false);
    }
    if (this.recorder.knows(id)) {
      return new FlowError(
        'flow_id_reused',
        `flow id ${id} belongs to a flow the journal still keeps; a new request needs a new id`,
        id,
        false,
      );
    }
    if (this.validate && path !== ENDPOINTS.trace) {
      const checked = validateRequest(resource);
      if (checked._tag === 'Left') {
        return new FlowError('invalid_request', `invalid request: ${checked.left.message}`, id, false, {
          cause: checked.left,
        });
      }
    }
    const busy = this.table.inFlight >= this.maxInFlight;
    if (busy && (this.whenBusy === 'fail' || this.queue.length >= this.queueLimit)) {
      const why =
        this.whenBusy === 'fail'
          ? 'a flow is already in flight'
          : `${this.queue.length} flows already waiting`;
      return new FlowError('busy', `session busy: ${why}`, id, false);
    }
    return undefined;
  }

  /** Starts queued flows while slots are free. In multi mode a flow for another endpoint waits for idle. */
  private dispatch(): void {
    while (this.queue.length > 0 && this.table.inFlight < this.maxInFlight) {
      const next = this.queue[0]!;
      const current = this.connection.link;
      if (this.table.inFlight > 0 && current !== undefined && current.path !== this.linkPath(next)) return;
      this.queue.shift();
      this.start(next);
    }
  }

  private linkPath(flow: Flow): string {
    return this.endpointMode === 'single' ? SINGLE_ENDPOINT_PATH : flow.path;
  }

  private start(flow: Flow): void {
    this.table.occupy();
    flow.phase = 'connecting';
    this.deadlines.startFlow(flow);
    const path = this.linkPath(flow);
    const current = this.connection.link;
    if (current?.isOpen && current.path === path) {
      // The common case, one flow after another on an open link: no Observable round trip.
      this.sendWhenJournaled(flow, current);
      return;
    }
    const dialing = this.connection.acquire(path).subscribe({
      next: (link) => {
        flow.connecting = undefined;
        this.sendWhenJournaled(flow, link);
      },
      error: (err: unknown) =>
        this.fail(
          flow,
          new FlowError('connect_failed', `could not connect: ${describe(err)}`, flow.id, false, {
            cause: err,
          }),
        ),
    });
    // An open link is emitted synchronously: then the dial is already over.
    if (!dialing.closed) flow.connecting = dialing;
  }

  /** The request is journaled (durably, for a file journal) before it goes on the wire. */
  private sendWhenJournaled(flow: Flow, link: Link): void {
    this.journaled(flow, this.recorder.requestSent(flow), () => this.send(flow, link));
  }

  private send(flow: Flow, link: Link): void {
    if (flow.phase !== 'connecting') return;
    if (flow.subscriber === undefined) {
      this.finishUnsent(flow, 'cancelled before the request was sent');
      return;
    }
    if (!link.isOpen) {
      this.fail(
        flow,
        new FlowError('send_failed', 'the link closed before the request was sent', flow.id, false),
      );
      return;
    }
    const endpoint = this.endpointMode === 'single' ? flow.path : undefined;
    try {
      link.send(encodeRequest(flow.id, flow.resource, endpoint));
    } catch (cause) {
      this.fail(
        flow,
        new FlowError('send_failed', `could not send the request: ${describe(cause)}`, flow.id, false, {
          cause,
        }),
      );
      return;
    }
    flow.link = link;
    flow.phase = 'sent';
    this.deadlines.step(flow, 'response');
  }

  // ── incoming frames ───────────────────────────────────────────────────────────────────────────────────

  private attach(link: Link): void {
    const frames = link.frames$.subscribe({
      next: (frame) => this.onFrame(link, frame),
      error: () => undefined, // a transport error is followed by closed$, handled below
    });
    link.closed$.subscribe((close) => {
      frames.unsubscribe();
      this.onLinkClosed(link, close.reason);
    });
  }

  private onFrame(link: Link, frame: Frame): void {
    try {
      this.route(link, frame);
    } catch (error) {
      // A bug here must not take the session down with it; it is reported like any odd frame.
      this.diagnose({ kind: 'internal_error', error });
    }
  }

  private route(link: Link, frame: Frame): void {
    if (typeof frame !== 'string') {
      this.diagnose({ kind: 'binary_frame', bytes: frame.byteLength });
      return;
    }
    const decoded = decodeFrame(frame, { maxBytes: this.maxFrameBytes });
    if (decoded._tag === 'Left') {
      this.diagnose({ kind: 'decode_error', error: decoded.left, frame: maskPan(frame.slice(0, 512)) });
      return;
    }
    const envelope = decoded.right;
    const flow = this.table.get(envelope.flow_id);
    switch (envelope.kind) {
      case 'event':
        if (flow?.sent) this.onEvent(flow, link, envelope, frame);
        else this.unclaimed.onOrphanEvent(link, envelope, frame);
        return;
      case 'response':
        if (flow?.sent) this.onResponse(flow, envelope);
        else
          this.diagnose({
            kind: 'late_response',
            flowId: envelope.flow_id,
            status: envelope.resource.status,
          });
        return;
      default:
        this.diagnose({ kind: 'unexpected_envelope', envelope: envelope.kind, flowId: envelope.flow_id });
    }
  }

  private onResponse(flow: Flow, envelope: Envelope): void {
    if (flow.phase !== 'sent') {
      this.diagnose({ kind: 'late_response', flowId: flow.id, status: envelope.resource.status });
      return;
    }
    this.checkEndpoint(flow, envelope);
    const status = envelope.resource.status;
    if (status === 'started') {
      this.markStarted(flow, envelope.resource);
    } else if (status === 'error') {
      this.fail(
        flow,
        new FlowRefusedError(flow.id, classifyFinal(envelope.resource).errorInfo, envelope.resource),
      );
    } else if (status === 'completed') {
      // A final result with no events (docs/protocol.md): nothing to ack, but it is journaled first.
      flow.phase = 'final';
      flow.final = envelope.resource;
      this.deadlines.clear(flow);
      this.journaled(flow, this.recorder.event(flow.id, envelope.resource, true, false), () =>
        this.deliverFinalResponse(flow, envelope.resource),
      );
    } else {
      this.diagnose({ kind: 'unknown_status', flowId: flow.id, status });
      this.fail(
        flow,
        new FlowError('bad_response', `unknown response status ${JSON.stringify(status)}`, flow.id, true),
      );
    }
  }

  private markStarted(flow: Flow, resource: JsonObject): void {
    flow.phase = 'started';
    this.deadlines.step(flow, 'event_gap');
    this.recorder.started(flow.id);
    const subscriber = flow.subscriber;
    if (subscriber === undefined) return;
    const offered = offer<FlowUpdate>(subscriber, { type: 'started', flowId: flow.id, resource });
    if (offered.refused) this.consumerRefused(flow, subscriber, offered.error, true);
  }

  /** The consumer threw: it gets a typed error, and the flow's events go to `unclaimed$` from now on. */
  private consumerRefused(
    flow: Flow,
    subscriber: Subscriber<FlowUpdate>,
    error: unknown,
    unknown: boolean,
  ): void {
    this.diagnose({ kind: 'consumer_error', flowId: flow.id, error });
    flow.detachedAs = 'consumer_error';
    subscriber.error(
      new FlowError('consumer_error', `the flow's consumer threw: ${describe(error)}`, flow.id, unknown, {
        cause: error,
      }),
    );
  }

  private onEvent(flow: Flow, link: Link, envelope: Envelope, key: string): void {
    // Trace events are never acked, so never resent: remembering them would only grow without bound.
    const seen = flow.trace ? undefined : flow.seen?.find(key);
    if (seen !== undefined) {
      this.acks.repeat(flow.id, link, seen);
      return;
    }
    this.checkEndpoint(flow, envelope);
    if (flow.phase === 'sent') {
      this.diagnose({ kind: 'out_of_order', flowId: flow.id, detail: 'event before the response' });
      this.markStarted(flow, { status: 'started' });
    }
    const status = String(envelope.resource.status);
    const final = !flow.trace && isFinalEventStatus(envelope.resource.status);
    const state: EventState = {
      text: key,
      acked: false,
      held: 0,
      endpoint: envelope.endpoint,
      status,
      final,
    };
    if (!flow.trace) {
      flow.seen ??= this.table.newSeenEvents();
      flow.seen.add(state);
    }
    if (final && flow.final !== undefined) {
      // The flow has its outcome already: a second final never replaces it nor reaches the consumer.
      this.unclaimed.secondFinal(flow.id, flow.final, flow.resource, link, envelope, state, flow);
      return;
    }
    this.deadlines.clearStep(flow);
    if (final) {
      flow.phase = 'final';
      flow.final = envelope.resource;
      flow.seen?.pin(state);
      this.deadlines.clear(flow);
    }
    this.recorder.writeThen(
      flow,
      this.recorder.event(flow.id, envelope.resource, final, false),
      () => this.deliverEvent(flow, link, envelope, state, final),
      () => {
        // Not recorded, so not delivered nor acked: the terminal resends, and the resend is tried afresh.
        flow.seen?.forget(key);
        if (flow.final === envelope.resource) flow.final = undefined;
        this.fail(
          flow,
          new FlowError('journal_failed', 'the journal could not record an event', flow.id, true),
        );
      },
    );
  }

  private deliverEvent(flow: Flow, link: Link, envelope: Envelope, state: EventState, final: boolean): void {
    const subscriber = flow.subscriber;
    if (subscriber === undefined) {
      this.unclaimed.emit(
        flow.id,
        flow.detachedAs ?? 'unsubscribed',
        flow.resource,
        link,
        envelope,
        state,
        final,
      );
      if (final) this.table.finish(flow, flow.detachedAs ?? 'unsubscribed');
      return;
    }
    const event = new DeliveredEvent(flow.id, state.status, final, envelope.resource, 'event', () =>
      this.ackFlowEvent(flow, link, state, final),
    );
    const offered = offer(subscriber, event);
    if (offered.refused) {
      this.consumerRefused(flow, subscriber, offered.error, !final);
      // The event was not accepted: it is surfaced as unclaimed, and acked only under that policy.
      this.unclaimed.emit(flow.id, 'consumer_error', flow.resource, link, envelope, state, final);
      if (final) this.table.finish(flow, 'consumer_error');
      return;
    }
    if (flow.ackMode === 'auto' || flow.trace) event.ack();
    else if (!state.acked && flow.phase !== 'done') {
      // Manual mode: the consumer's ack is a stage of its own, so a consumer that never acks cannot hold the
      // slot (and every flow queued behind it) for ever.
      flow.awaitingAck = { final, resource: envelope.resource, frame: { link, envelope, state } };
      if (final) this.deadlines.awaitFinalAck(flow);
      else this.deadlines.step(flow, 'ack');
    }
  }

  private deliverFinalResponse(flow: Flow, resource: JsonObject): void {
    const outcome = classifyFinal(resource);
    const complete = () => {
      this.recorder.ended(flow.id, 'completed');
      flow.subscriber?.complete();
      this.table.finish(flow, 'unsubscribed');
    };
    /** Nothing to ack on a response: a result nobody took is journaled already, surfaced, and the flow ends. */
    const surface = (reason: UnclaimedReason) => {
      this.unclaimed.emitResponse(flow.id, reason, resource, flow.resource);
      complete();
    };
    const subscriber = flow.subscriber;
    if (subscriber === undefined) {
      surface(flow.detachedAs ?? 'unsubscribed');
      return;
    }
    let done = false;
    const event: FlowEvent = {
      type: 'event',
      flowId: flow.id,
      status: 'completed',
      final: true,
      resource,
      outcome,
      source: 'response',
      ack: () => {
        if (done) return;
        done = true;
        complete();
      },
    };
    const offered = offer(subscriber, event);
    if (offered.refused) {
      done = true;
      this.consumerRefused(flow, subscriber, offered.error, false);
      surface('consumer_error');
    } else if (flow.ackMode === 'auto') event.ack();
    else if (!done) {
      flow.awaitingAck = { final: true, resource };
      this.deadlines.awaitFinalAck(flow);
    }
  }

  private ackFlowEvent(flow: Flow, link: Link, state: EventState, final: boolean): void {
    if (state.acked) return;
    state.acked = true;
    if (flow.awaitingAck?.frame?.state === state) flow.awaitingAck = undefined;
    if (!flow.trace) this.acks.first(flow.id, link, state);
    if (final) {
      this.recorder.ended(flow.id, 'completed');
      const subscriber = flow.subscriber;
      this.table.finish(flow, 'unsubscribed');
      subscriber?.complete();
    } else if (flow.phase === 'started') {
      this.deadlines.step(flow, 'event_gap');
    }
  }

  // ── endings ───────────────────────────────────────────────────────────────────────────────────────────

  private detach(flow: Flow): void {
    if (flow.phase === 'done' || flow.subscriber === undefined) return;
    flow.subscriber = undefined;
    flow.detachedAs ??= 'unsubscribed';
    if (flow.phase === 'queued') {
      const index = this.queue.indexOf(flow);
      if (index >= 0) this.queue.splice(index, 1);
      this.table.finish(flow, 'unsubscribed');
    }
    // Once dialing or sent, the flow stays in the table: the terminal may still answer, and its events
    // must be journaled and acked; its timers still bound how long it holds the slot.
  }

  private timeout(flow: Flow, stage: TimeoutStage, ms: number): void {
    if (stage === 'ack') {
      this.ackTimedOut(flow, ms);
      return;
    }
    if (flow.phase === 'connecting') {
      // Nothing went out: either the dial or the journal write of the request is still pending.
      const error =
        flow.connecting === undefined
          ? new FlowError(
              'journal_failed',
              `the journal did not record the request within ${ms} ms`,
              flow.id,
              false,
            )
          : new FlowError('connect_failed', `could not connect within ${ms} ms`, flow.id, false);
      this.fail(flow, error);
      return;
    }
    this.fail(flow, new FlowTimeoutError(TIMEOUT_STAGES[stage].code, flow.id, ms), 'timed_out');
  }

  /**
   * The consumer did not ack a delivered event in time: the flow fails (the slot frees), and the event goes
   * to `unclaimed$` like any event nobody took: journaled already, acked under `unclaimedAck`.
   */
  private ackTimedOut(flow: Flow, ms: number): void {
    const pending = flow.awaitingAck;
    flow.awaitingAck = undefined;
    const final = pending?.final === true;
    // After a final result the outcome is known (journaled and surfaced); after a proceed it is not.
    this.fail(flow, new FlowTimeoutError('ack_timeout', flow.id, ms, !final), 'timed_out');
    if (pending?.frame !== undefined) {
      const { link, envelope, state } = pending.frame;
      this.unclaimed.emit(flow.id, 'timed_out', flow.resource, link, envelope, state, final);
    } else if (pending !== undefined) {
      // A final response: nothing to ack on the wire, and its record is journaled already.
      this.recorder.ended(flow.id, 'completed');
      this.unclaimed.emitResponse(flow.id, 'timed_out', pending.resource, flow.resource);
    }
  }

  private onLinkClosed(link: Link, reason: string): void {
    for (const flow of [...this.table.flows()]) {
      if (flow.link !== link || flow.phase === 'final') continue;
      this.fail(
        flow,
        new FlowError(
          'link_closed',
          `link closed during the flow (${reason}); the outcome is unknown`,
          flow.id,
          true,
        ),
        'link_closed',
      );
    }
  }

  /** The one error exit: journal the ending, tell the subscriber, free everything. */
  private fail(flow: Flow, error: FlowError, reason: UnclaimedReason = 'unsubscribed'): void {
    if (flow.phase === 'done') return;
    if (flow.phase === 'queued') {
      const index = this.queue.indexOf(flow);
      if (index >= 0) this.queue.splice(index, 1);
    }
    if (flow.sent || flow.phase === 'connecting') {
      this.recorder.ended(flow.id, error.outcomeUnknown ? 'unknown' : 'failed', {
        code: error.code,
        message: error.message,
        ...(error instanceof FlowRefusedError && error.terminalBusy ? { busy: true } : {}),
      });
    }
    const subscriber = flow.subscriber;
    this.table.finish(flow, reason);
    subscriber?.error(error);
  }

  private finishUnsent(flow: Flow, message: string): void {
    this.recorder.ended(flow.id, 'failed', { code: 'cancelled', message });
    this.table.finish(flow, 'unsubscribed');
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────────────────

  private checkEndpoint(flow: Flow, envelope: Envelope): void {
    if (envelope.endpoint !== undefined && normalizePath(envelope.endpoint) !== flow.path) {
      this.diagnose({
        kind: 'endpoint_mismatch',
        flowId: flow.id,
        expected: flow.path,
        got: envelope.endpoint,
      });
    }
  }

  /** Runs `next` once the record is durable; a journal that cannot record fails the flow instead. */
  private journaled(flow: Flow, record: JournalRecord, next: () => void): void {
    this.recorder.writeThen(flow, record, next, () =>
      this.fail(
        flow,
        new FlowError('journal_failed', 'the journal could not record the flow', flow.id, flow.sent),
      ),
    );
  }

  private diagnose(diagnostic: Diagnostic): void {
    if (!this.diagnosticsSubject.closed) this.diagnosticsSubject.next(diagnostic);
  }
}

const SHORT_ENDPOINTS: Readonly<Record<string, string>> = ENDPOINTS;

/** Accepts '/tsi/v1/payment' (any case) or a short name ('payment'). */
export function resolveEndpoint(endpoint: string): string {
  return SHORT_ENDPOINTS[endpoint] ?? normalizePath(endpoint);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
