import {
  createFlowIdGenerator,
  DEFAULT_MAX_FRAME_BYTES,
  decodeFrame,
  ENDPOINTS,
  type FlowIdGenerator,
  type JsonObject,
  maskPan,
  normalizePath,
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
import { JournalError, MemoryJournal } from '../journal/index.js';
import type { Frame, Link, Transport } from '../transport.js';
import { Acks } from './acks.js';
import { GuardedObservable, onUnsubscribe } from './consumer-guard.js';
import { Deadlines } from './deadlines.js';
import { type Diagnostic, FlowError } from './errors.js';
import { EventPath } from './event-path.js';
import { Flow, type FlowContext } from './flow.js';
import { FlowRecorder } from './flow-recorder.js';
import { FlowTable } from './flow-table.js';
import { FrameClock } from './frame-clock.js';
import { DEFAULT_SEEN_EVENTS_LIMITS } from './seen-events.js';
import {
  type AckMode,
  DEFAULT_TIMEOUTS,
  type EndpointMode,
  type FlowOptions,
  type FlowTimeouts,
  type FlowUpdate,
  type SessionOptions,
  type SessionStats,
  type UnclaimedEvent,
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
  private readonly recorder: FlowRecorder;
  private readonly deadlines: Deadlines;
  private readonly clock: FrameClock;
  /** What every flow of this session shares. */
  private readonly context: FlowContext;
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
  private readonly events: EventPath;
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
    // One read of the scheduler's clock per incoming frame, shared by the frame's deadlines and records.
    const clock = new FrameClock(() => this.scheduler.now());
    this.clock = clock;
    this.deadlines = new Deadlines(
      this.scheduler,
      (flow, stage, ms) => flow.expire(stage, ms),
      () => clock.now(),
    );
    const journal = options.journal ?? new MemoryJournal();
    if (typeof journal.has !== 'function') {
      // A journal written for the first seam: without has() the session cannot keep flow ids unique.
      throw new JournalError('invalid', 'the journal has no has(flowId) method (required since 0.2)');
    }
    this.recorder = new FlowRecorder(
      journal,
      // The scheduler's time (Date.now for the default one), unless the caller gives the journal its own.
      options.now ?? (() => clock.now()),
      (flowId, error) => this.diagnose({ kind: 'journal_failed', flowId, error }),
      (error) => this.diagnose({ kind: 'internal_error', error }),
    );
    const diagnose = (diagnostic: Diagnostic) => this.diagnose(diagnostic);
    this.acks = new Acks(
      this.recorder,
      (flowId) => (this.endpointMode === 'single' ? this.table.get(flowId)?.path : undefined),
      diagnose,
    );
    this.unclaimed = new UnclaimedEvents(
      this.recorder,
      this.acks,
      options.unclaimedAck ?? 'after_journal',
      (item) => this.unclaimedSubject.next(item),
    );
    this.events = new EventPath(this.recorder, this.acks, this.unclaimed, diagnose);
    this.table = new FlowTable(
      options.memory ?? 1024,
      options.suffixMatch ?? false,
      () => this.dispatch(),
      { ...DEFAULT_SEEN_EVENTS_LIMITS, ...options.seenEvents },
      { recorder: this.recorder, unclaimed: this.unclaimed },
    );
    this.connection = new Connection(transport, {
      scheduler: this.scheduler,
      ...(options.reconnect === undefined ? {} : { reconnect: options.reconnect }),
      ...(options.switching === undefined ? {} : { switching: options.switching }),
    });
    this.state$ = this.connection.state$;
    this.context = {
      endpointMode: this.endpointMode,
      recorder: this.recorder,
      acks: this.acks,
      unclaimed: this.unclaimed,
      events: this.events,
      deadlines: this.deadlines,
      table: this.table,
      links: this.connection,
      diagnose,
    };
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
      queued: this.table.queued,
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
      { outcomeUnknown: false },
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
            : new FlowError('invalid_request', 'no flow id could be generated', {
                outcomeUnknown: false,
                cause,
              }),
        );
        return;
      }
      const refusal = this.refuse(id, path, resource);
      if (refusal !== undefined) {
        subscriber.error(refusal);
        return;
      }
      // The request record and the flow's first deadlines carry one clock read (Date.now costs ~500
      // instructions, and admission read it three times).
      const opened = this.clock.span();
      try {
        this.admit(id, path, resource, options, subscriber);
      } finally {
        if (opened) this.clock.end();
      }
    });
  }

  /** A flow that passed `refuse`: into the table, started if a slot is free, queued otherwise. */
  private admit(
    id: string,
    path: string,
    resource: JsonObject,
    options: FlowOptions,
    subscriber: Subscriber<FlowUpdate>,
  ): void {
    const flow = new Flow(
      this.context,
      id,
      path,
      resource,
      {
        ackMode: options.ackMode ?? this.ackMode,
        trace: options.trace ?? path === ENDPOINTS.trace,
        timeouts: options.timeouts === undefined ? this.timeouts : { ...this.timeouts, ...options.timeouts },
        idempotencyKey: options.idempotencyKey,
      },
      subscriber,
    );
    this.table.add(flow);
    this.dispatch();
    flow.awaitSlot();
    // The flow is its own teardown, held by the consumer's relay: a closure here would keep this
    // function's two scopes alive for the flow's whole life (about 160 bytes per open flow), and rxjs's
    // finalizer list another 184.
    onUnsubscribe(subscriber, flow);
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
    for (const flow of [...this.table.flows()]) flow.close();
    this.deadlines.dispose();
    this.linkSubscription.unsubscribe();
    this.connection.close('session closed');
    this.unclaimedSubject.complete();
    this.diagnosticsSubject.complete();
  }

  // ── admission and dispatch ────────────────────────────────────────────────────────────────────────────

  private refuse(id: string, path: string, resource: JsonObject): FlowError | undefined {
    if (this.closed)
      return new FlowError('session_closed', 'session is closed', { flowId: id, outcomeUnknown: false });
    if (this.table.has(id)) {
      return new FlowError('invalid_request', `flow id ${id} is already in flight`, {
        flowId: id,
        outcomeUnknown: false,
      });
    }
    if (this.recorder.knows(id)) {
      return new FlowError(
        'flow_id_reused',
        `flow id ${id} belongs to a flow the journal still keeps; a new request needs a new id`,
        { flowId: id, outcomeUnknown: false },
      );
    }
    if (this.validate && path !== ENDPOINTS.trace) {
      const checked = validateRequest(resource);
      if (checked._tag === 'Left') {
        return new FlowError('invalid_request', `invalid request: ${checked.left.message}`, {
          flowId: id,
          outcomeUnknown: false,
          cause: checked.left,
        });
      }
    }
    const busy = this.table.inFlight >= this.maxInFlight;
    if (busy && (this.whenBusy === 'fail' || this.table.queued >= this.queueLimit)) {
      const why =
        this.whenBusy === 'fail'
          ? 'a flow is already in flight'
          : `${this.table.queued} flows already waiting`;
      return new FlowError('busy', `session busy: ${why}`, { flowId: id, outcomeUnknown: false });
    }
    return undefined;
  }

  /**
   * Starts queued flows, in order, while slots are free and the connection can serve them (a flow for another
   * endpoint waits in the queue, under its queue deadline, until the connection's users are done).
   */
  private dispatch(): void {
    for (let next = this.table.nextQueued(); next !== undefined; next = this.table.nextQueued()) {
      if (this.table.inFlight >= this.maxInFlight) return;
      const path = next.linkPath;
      if (!this.connection.canServe(path)) return;
      this.table.takeNext();
      const current = this.connection.link;
      next.start(current?.path === path ? current : undefined);
    }
  }

  // ── incoming frames: decode, look up, hand over ───────────────────────────────────────────────────────

  private attach(link: Link): void {
    const frames = link.frames$.subscribe({
      next: (frame) => this.onFrame(link, frame),
      error: () => undefined, // a transport error is followed by closed$, handled below
    });
    link.closed$.subscribe((close) => {
      frames.unsubscribe();
      for (const flow of [...this.table.flows()]) flow.linkClosed(link, close.reason);
    });
  }

  private onFrame(link: Link, frame: Frame): void {
    // Every record and deadline the frame causes (its event, its ack, the next stage) carries one time.
    this.clock.begin();
    try {
      this.route(link, frame);
    } catch (error) {
      // A bug here must not take the session down with it; it is reported like any odd frame.
      this.diagnose({ kind: 'internal_error', error });
    } finally {
      this.clock.end();
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
    if (this.table.get(envelope.flow_id)?.handle(link, envelope, frame)) return;
    // No flow of this session takes it.
    switch (envelope.kind) {
      case 'event':
        this.events.receive(this.table.orphan(envelope.flow_id), link, envelope, frame);
        return;
      case 'response':
        this.diagnose({ kind: 'late_response', flowId: envelope.flow_id, status: envelope.resource.status });
        return;
      default:
        this.diagnose({ kind: 'unexpected_envelope', envelope: envelope.kind, flowId: envelope.flow_id });
    }
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
