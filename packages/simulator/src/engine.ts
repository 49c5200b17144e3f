import type { Frame, Link } from '@bluechip-ws/core';
import {
  decodeFrame,
  ENDPOINTS,
  type Envelope,
  encodeEvent,
  encodeResponse,
  type JsonObject,
  maskPan,
  normalizePath,
} from '@bluechip-ws/protocol';
import { renderUntrusted } from '@bluechip-ws/protocol/internal';
import { asyncScheduler, type Observable, type SchedulerLike, Subject, type Subscription } from 'rxjs';
import { Batch, type BatchEntry } from './batch.js';
import { formatErrorTime, TerminalClock } from './clock.js';
import type { CustomerDesk } from './customer.js';
import type { InteractiveHost } from './interactive.js';
import { startWaitingFlow } from './interactive.js';
import type { FrameRecord, LogEntry, LogKind } from './observe.js';
import { SALE_LIKE_TYPES } from './outcomes.js';
import type { FlowPlan } from './plan.js';
import { planRequest } from './planner.js';
import { DEFAULT_SEED, type Random, seededRandom } from './random.js';
import { checkRequest } from './request-check.js';
import type { TerminalState } from './results.js';
import { GARBAGE_FRAMES, type Scenario, ScenarioPlayer } from './scenario.js';
import { DEFAULT_SETTINGS, resolveSettings, type SimulatorSettings } from './settings.js';

/** Settings plus the injected clock, timers, randomness and scenario. */
export interface EngineOptions extends Partial<SimulatorSettings> {
  /** Runs every timer (event delay, ack timeout, resend). Default `asyncScheduler`; pass a virtual one in tests. */
  readonly scheduler?: SchedulerLike;
  /** Wall clock behind the terminal's result dates. Default `() => new Date()`. */
  readonly now?: () => Date;
  /** Seed of the PRNG picking cards and auth codes. Default `DEFAULT_SEED`. Ignored when `random` is given. */
  readonly seed?: number;
  readonly random?: Random;
  readonly scenario?: Scenario;
  /**
   * Interactive mode: sale-like flows the scenario leaves undecided wait for the customer's action at this
   * desk (bounded by its timeout) instead of deciding by amount.
   */
  readonly customer?: CustomerDesk;
}

/** A link that can be cut abruptly (no close handshake), as a dropped cable would. */
export interface DroppableLink extends Link {
  drop(): void;
  /** Sends frames so the peer reads them together (one write), where the link can; else one by one. */
  sendTogether?(frames: readonly string[]): void;
}

/** Close codes the simulator uses. */
export const CLOSE_CODES = {
  /** A second client while one is connected (`connectionPolicy: 'refuse'`), when not refused at the handshake. */
  busy: 1013,
  /** The old client under `connectionPolicy: 'replace'`. */
  replaced: 4000,
  /** A path the simulator does not serve (over links that have no handshake to refuse). */
  unknownPath: 4404,
  /** A link cut on purpose (amount 205, scenario `disconnect`) when it cannot be dropped abruptly. */
  dropped: 4001,
  shutdown: 1001,
} as const;

export const BUSY_CLOSE_REASON = 'terminal busy: one client at a time';

const TSI_PATHS: ReadonlySet<string> = new Set([
  ENDPOINTS.payment,
  ENDPOINTS.info,
  ENDPOINTS.config,
  ENDPOINTS.reports,
]);

interface Connection {
  readonly id: number;
  readonly link: Link;
  readonly path: string;
  readonly single: boolean;
  readonly subscriptions: Subscription[];
  closed: boolean;
}

interface ActiveFlow {
  readonly flowId: string;
  /** Echoed on the response and events, expected in acks (single-endpoint mode only). */
  readonly endpoint: string | undefined;
  readonly conn: Connection;
  plan: FlowPlan;
  index: number;
  sends: number;
  awaitingAck: boolean;
  acksToIgnore: number;
  committed: boolean;
  timer: Subscription | undefined;
  /** Withdraws the question to the customer (interactive mode). */
  stopWaiting?: () => void;
}

/** What a test may inspect. */
export interface SimulatorSnapshot {
  readonly batch: readonly BatchEntry[];
  readonly batchNo: number;
  readonly lastTransaction: JsonObject | undefined;
  readonly lastError: JsonObject | undefined;
  readonly activeFlow: string | undefined;
  readonly connections: number;
  readonly clock: Date;
}

/** An ack's resource is exactly `{"status":"ok"}` (confirmed: every TSI client sends that, nothing else). */
function isOkAckResource(resource: JsonObject): boolean {
  const keys = Object.keys(resource);
  return keys.length === 1 && keys[0] === 'status' && resource.status === 'ok';
}

const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof SimulatorSettings)[];

function settingsOf(options: EngineOptions): Partial<SimulatorSettings> {
  const picked: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) if (options[key] !== undefined) picked[key] = options[key];
  return picked as Partial<SimulatorSettings>;
}

/**
 * The simulated terminal, independent of any transport: it serves `Link`s. One terminal, so one flow at a
 * time across all links; every timer runs on the injected scheduler.
 */
export class SimulatorEngine {
  private readonly scheduler: SchedulerLike;
  private readonly baseSettings: Partial<SimulatorSettings>;
  private readonly state: TerminalState;
  private readonly framesSubject = new Subject<FrameRecord>();
  private readonly logSubject = new Subject<LogEntry>();
  private readonly connections = new Set<Connection>();
  private player: ScenarioPlayer;
  private active: ActiveFlow | undefined;
  private requestCount = 0;
  private nextConnectionId = 1;
  private shutDown = false;
  private readonly customer: CustomerDesk | undefined;

  /** Every frame in and out, PAN masked. Hot: subscribe before connecting. */
  readonly frames$: Observable<FrameRecord> = this.framesSubject.asObservable();
  /** Notable happenings (invalid requests, busy, resends, abandoned flows, refused connections…). */
  readonly log$: Observable<LogEntry> = this.logSubject.asObservable();

  constructor(options: EngineOptions = {}) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.baseSettings = settingsOf(options);
    const settings = resolveSettings(this.baseSettings, options.scenario?.settings);
    this.state = {
      settings,
      clock: new TerminalClock(options.now ?? (() => new Date())),
      random: options.random ?? seededRandom(options.seed ?? DEFAULT_SEED),
      batch: new Batch(),
      lastTransaction: undefined,
      lastError: undefined,
    };
    this.player = new ScenarioPlayer(options.scenario?.rules ?? []);
    this.customer = options.customer;
  }

  get settings(): SimulatorSettings {
    return this.state.settings;
  }

  /** True while a flow holds the terminal. */
  get busy(): boolean {
    return this.active !== undefined;
  }

  /** Replaces the scenario (its rules start afresh, its settings apply over the simulator's own). */
  setScenario(scenario: Scenario | undefined): void {
    this.state.settings = resolveSettings(this.baseSettings, scenario?.settings);
    this.player = new ScenarioPlayer(scenario?.rules ?? []);
    this.requestCount = 0;
  }

  snapshot(): SimulatorSnapshot {
    return {
      batch: this.state.batch.list(),
      batchNo: this.state.batch.batchNo,
      lastTransaction: this.state.lastTransaction,
      lastError: this.state.lastError,
      activeFlow: this.active?.flowId,
      connections: this.connections.size,
      clock: this.state.clock.now(),
    };
  }

  /** The normalized path when the simulator serves it under the current endpoint mode. */
  servedPath(path: string): string | undefined {
    const normalized = normalizePath(path.split('?')[0] ?? path);
    const mode = this.state.settings.endpointMode;
    if (normalized === '/') return mode === 'multi' ? undefined : normalized;
    return TSI_PATHS.has(normalized) && mode !== 'single' ? normalized : undefined;
  }

  /** False when a new connection would be refused now (one client at a time, `connectionPolicy: 'refuse'`). */
  canAccept(): boolean {
    return (
      !this.shutDown && (this.connections.size === 0 || this.state.settings.connectionPolicy === 'replace')
    );
  }

  /** Emits a log entry, e.g. for a connection a front end refused at its handshake. */
  note(kind: LogKind, message: string, extra?: { connection?: number; flow_id?: string }): void {
    this.logSubject.next({ kind, message, at: this.scheduler.now(), ...extra });
  }

  /** Takes an accepted link and serves it until it closes. */
  serve(link: Link): void {
    const path = this.servedPath(link.path);
    if (path === undefined) {
      this.note('connection_refused', `unknown path ${link.path}`);
      link.close(`unknown path ${link.path}`, CLOSE_CODES.unknownPath);
      return;
    }
    if (!this.canAccept()) {
      this.note('connection_refused', `second connection on ${path} refused: ${BUSY_CLOSE_REASON}`);
      link.close(BUSY_CLOSE_REASON, CLOSE_CODES.busy);
      return;
    }
    for (const old of [...this.connections]) {
      this.note('connection_replaced', `connection ${old.id} replaced by a new connection`, {
        connection: old.id,
      });
      old.link.close('replaced by a new connection', CLOSE_CODES.replaced);
      this.connectionClosed(old, 'replaced');
    }
    const conn: Connection = {
      id: this.nextConnectionId++,
      link,
      path,
      single: path === '/',
      subscriptions: [],
      closed: false,
    };
    this.connections.add(conn);
    this.note('connection_opened', `connection ${conn.id} on ${path}`, { connection: conn.id });
    conn.subscriptions.push(
      link.frames$.subscribe({
        next: (frame) => this.guard(conn, () => this.onFrame(conn, frame)),
        error: () => this.connectionClosed(conn, 'frames errored'),
      }),
    );
    conn.subscriptions.push(link.closed$.subscribe((close) => this.connectionClosed(conn, close.reason)));
  }

  /** Closes every link and cancels every timer. The engine serves nothing afterwards. */
  close(): void {
    if (this.shutDown) return;
    this.shutDown = true;
    for (const conn of [...this.connections]) {
      conn.link.close('simulator shutting down', CLOSE_CODES.shutdown);
      this.connectionClosed(conn, 'simulator shutting down');
    }
    this.framesSubject.complete();
    this.logSubject.complete();
  }

  /**
   * A bug or a throwing user hook (e.g. a `settlementShape` function) must not kill the server or leave the
   * terminal stuck: log it, free the terminal, and tell the POS.
   */
  private guard(conn: Connection, work: () => void): void {
    try {
      work();
    } catch (cause) {
      const message = `internal simulator error: ${cause instanceof Error ? cause.message : String(cause)}`;
      this.note('internal_error', message, { connection: conn.id });
      const flow = this.active;
      if (flow !== undefined && flow.conn === conn) {
        this.end(flow, 'flow_abandoned', `flow ${flow.flowId} abandoned: ${message}`);
      }
      if (!conn.closed) this.respondError(conn, flow?.flowId ?? '', message, '3', flow?.endpoint);
    }
  }

  /** Frame records cost a mask and an allocation per frame: only made when someone listens. */
  private record(direction: 'in' | 'out', conn: Connection, text: string): void {
    if (!this.framesSubject.observed) return;
    this.framesSubject.next({
      direction,
      path: conn.path,
      text: maskPan(text),
      at: this.scheduler.now(),
      connection: conn.id,
    });
  }

  // ---- incoming -------------------------------------------------------------------------------------

  private onFrame(conn: Connection, frame: Frame): void {
    if (conn.closed) return;
    this.record(
      'in',
      conn,
      typeof frame === 'string' ? frame : `<binary frame of ${frame.byteLength} bytes>`,
    );
    const decoded = decodeFrame(frame);
    if (decoded._tag === 'Left') {
      const error = decoded.left;
      if (error.envelope === 'event_ack') {
        this.note('stray_ack', `invalid event_ack: ${error.message}`, { connection: conn.id });
        return;
      }
      this.note('invalid_request', `invalid frame: ${error.message}`, { connection: conn.id });
      this.respondError(conn, error.flow_id ?? '', `invalid request: ${error.message}`, '1', undefined);
      return;
    }
    const envelope = decoded.right;
    switch (envelope.kind) {
      case 'request':
        this.onRequest(conn, envelope);
        return;
      case 'event_ack':
        this.onAck(conn, envelope);
        return;
      default:
        this.note('unexpected_frame', `unexpected ${envelope.kind} from the POS, ignored`, {
          connection: conn.id,
          flow_id: envelope.flow_id,
        });
    }
  }

  private onRequest(conn: Connection, envelope: Envelope): void {
    const flowId = envelope.flow_id;
    let endpoint: string;
    if (conn.single) {
      if (envelope.endpoint === undefined) {
        this.refuse(conn, flowId, undefined, 'invalid request: endpoint is required in single-endpoint mode');
        return;
      }
      endpoint = normalizePath(envelope.endpoint);
      if (!TSI_PATHS.has(endpoint)) {
        this.refuse(
          conn,
          flowId,
          envelope.endpoint,
          `invalid request: unknown endpoint "${envelope.endpoint}"`,
        );
        return;
      }
    } else {
      endpoint = conn.path;
    }
    const echo = conn.single ? envelope.endpoint : undefined;
    if (this.active !== undefined) {
      this.note('busy', `request ${flowId} while flow ${this.active.flowId} is active`, {
        connection: conn.id,
        flow_id: flowId,
      });
      this.respondError(conn, flowId, this.state.settings.busyText, '0', echo);
      return;
    }
    if (this.customer?.busy === true) {
      this.note('busy', `request ${flowId} while the terminal is occupied`, {
        connection: conn.id,
        flow_id: flowId,
      });
      this.respondError(conn, flowId, this.state.settings.busyText, '0', echo);
      return;
    }
    const checked = checkRequest(envelope.resource, endpoint);
    if ('kind' in checked) {
      this.refuse(conn, flowId, echo, checked.text, checked.code);
      return;
    }
    this.requestCount++;
    const rule = this.player.next({
      type: checked.type,
      amount: checked.amount,
      endpoint,
      index: this.requestCount,
    });
    if (this.customer !== undefined && SALE_LIKE_TYPES.has(checked.type) && rule?.outcome === undefined) {
      startWaitingFlow(this.customer, this.interactiveHost(conn, flowId, echo), checked, rule);
      return;
    }
    const plan = planRequest(this.state, checked, rule);
    if (plan.kind === 'reject') {
      this.refuse(conn, flowId, echo, plan.text, plan.code);
      return;
    }
    this.start(conn, flowId, echo, plan);
  }

  private refuse(conn: Connection, flowId: string, echo: string | undefined, text: string, code = '1'): void {
    this.note('invalid_request', text, { connection: conn.id, flow_id: flowId });
    this.respondError(conn, flowId, text, code, echo);
  }

  private respondError(
    conn: Connection,
    flowId: string,
    text: string,
    code: string,
    echo: string | undefined,
  ): void {
    const error_info = { code, code_extended: '0', text, time: formatErrorTime(this.state.clock.now()) };
    this.state.lastError = error_info;
    this.send(conn, encodeResponse(flowId, { status: 'error', error_info }, echo));
  }

  private onAck(conn: Connection, envelope: Envelope): void {
    const flow = this.active;
    if (flow === undefined || flow.conn !== conn || flow.flowId !== envelope.flow_id || !flow.awaitingAck) {
      this.note('stray_ack', `event_ack for ${envelope.flow_id} matches no event awaiting an ack`, {
        connection: conn.id,
        flow_id: envelope.flow_id,
      });
      return;
    }
    if (conn.single && normalizePath(envelope.endpoint ?? '') !== normalizePath(flow.endpoint ?? '')) {
      this.note('stray_ack', `event_ack for ${flow.flowId} without the flow's endpoint ${flow.endpoint}`, {
        connection: conn.id,
        flow_id: flow.flowId,
      });
      return;
    }
    if (!isOkAckResource(envelope.resource)) {
      const ignored = this.state.settings.onWrongAck === 'ignore';
      this.note(
        'ack_wrong_resource',
        `event_ack for ${flow.flowId} with resource ${renderUntrusted(envelope.resource, { maxChars: 200 })}, ` +
          `not {"status":"ok"}${ignored ? ': not taken as an ack (onWrongAck: ignore)' : ''}`,
        { connection: conn.id, flow_id: flow.flowId },
      );
      if (ignored) return;
    }
    if (flow.acksToIgnore > 0) {
      flow.acksToIgnore--;
      this.note('ack_ignored', `event_ack for ${flow.flowId} treated as lost (scenario)`, {
        connection: conn.id,
        flow_id: flow.flowId,
      });
      return;
    }
    flow.awaitingAck = false;
    flow.timer?.unsubscribe();
    flow.timer = undefined;
    flow.index++;
    if (flow.index < flow.plan.events.length) {
      this.scheduleEvent(flow);
    } else {
      this.end(flow, 'flow_completed', `flow ${flow.flowId} completed`);
    }
  }

  // ---- outgoing -------------------------------------------------------------------------------------

  private send(conn: Connection, text: string): boolean {
    if (conn.closed || !conn.link.isOpen) {
      this.note('send_failed', 'link already closed, frame not sent', { connection: conn.id });
      return false;
    }
    this.record('out', conn, text);
    try {
      conn.link.send(text);
      return true;
    } catch (cause) {
      this.note('send_failed', `send failed: ${(cause as Error).message}`, { connection: conn.id });
      return false;
    }
  }

  /** Frames the peer must read together (a final repeated in a row); one by one where the link cannot. */
  private sendTogether(conn: Connection, texts: readonly string[]): void {
    const link = conn.link as DroppableLink;
    if (link.sendTogether === undefined || conn.closed || !link.isOpen) {
      for (const text of texts) if (!this.send(conn, text)) return;
      return;
    }
    for (const text of texts) this.record('out', conn, text);
    try {
      link.sendTogether(texts);
    } catch (cause) {
      this.note('send_failed', `send failed: ${(cause as Error).message}`, { connection: conn.id });
    }
  }

  private start(conn: Connection, flowId: string, echo: string | undefined, plan: FlowPlan): ActiveFlow {
    const flow: ActiveFlow = {
      flowId,
      endpoint: echo,
      conn,
      plan,
      index: 0,
      sends: 0,
      awaitingAck: false,
      acksToIgnore: plan.ignoreAcks,
      committed: false,
      timer: undefined,
    };
    this.active = flow;
    this.note('flow_started', `flow ${flowId} started`, { connection: conn.id, flow_id: flowId });
    if (plan.garbage.includes('before_response')) this.sendGarbage(conn);
    if (plan.eventBeforeResponse && plan.events.length > 0) {
      // The response still follows, even if the event was acked meanwhile (the flow may be over).
      this.sendEvent(flow);
      if (!conn.closed) this.send(conn, encodeResponse(flowId, { status: 'started' }, echo));
      return flow;
    }
    this.send(conn, encodeResponse(flowId, { status: 'started' }, echo));
    if (this.active !== flow) return flow;
    if (plan.dropAfterResponse) {
      this.dropLink(conn, `link dropped after "started" of flow ${flowId}`);
      return flow;
    }
    if (plan.events.length > 0) this.scheduleEvent(flow);
    return flow;
  }

  /** What an interactive flow needs from the engine: start it empty, then go on once the customer decided. */
  private interactiveHost(conn: Connection, flowId: string, echo: string | undefined): InteractiveHost {
    return {
      state: this.state,
      flowId,
      refuse: (text, code) => this.refuse(conn, flowId, echo, text, code),
      start: (plan, stopWaiting) => {
        const flow = this.start(conn, flowId, echo, plan);
        if (this.active === flow) flow.stopWaiting = stopWaiting;
        return () => this.active === flow;
      },
      proceed: (plan, dropLink) =>
        this.guard(conn, () => {
          const flow = this.active;
          if (flow === undefined || flow.flowId !== flowId || flow.conn !== conn) return;
          flow.stopWaiting = undefined;
          flow.plan = plan;
          flow.acksToIgnore = plan.ignoreAcks;
          this.note('customer_acted', `customer decided flow ${flowId}`, {
            connection: conn.id,
            flow_id: flowId,
          });
          if (dropLink) {
            this.commit(flow);
            this.dropLink(conn, `link dropped during flow ${flowId} (the customer pulled the cable)`);
          } else if (plan.events.length > 0) this.scheduleEvent(flow);
          else this.end(flow, 'flow_completed', `flow ${flowId} ended without events`);
        }),
    };
  }

  private scheduleEvent(flow: ActiveFlow): void {
    const event = flow.plan.events[flow.index];
    if (event === undefined) return;
    flow.timer = this.scheduler.schedule(() => {
      flow.timer = undefined;
      this.guard(flow.conn, () => this.sendEvent(flow));
    }, event.delayMs);
  }

  private sendEvent(flow: ActiveFlow): void {
    if (this.active !== flow) return;
    const { plan, conn } = flow;
    const event = plan.events[flow.index];
    if (event === undefined) return;
    const isFinal = flow.index === plan.events.length - 1;
    if (isFinal && plan.disconnect === 'before_final') {
      this.dropLink(conn, `link dropped before the final event of flow ${flow.flowId}`);
      return;
    }
    const text = encodeEvent(flow.flowId, event.resource, flow.endpoint);
    if (isFinal && plan.garbage.includes('before_final')) {
      this.sendGarbage(conn);
      if (this.active !== flow) return;
    }
    if (isFinal && plan.malformedBeforeFinal) {
      this.send(conn, text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      if (this.active !== flow) return;
    }
    if (isFinal) this.commit(flow);
    // Armed before sending: over a synchronous link the ack can arrive inside `send`.
    flow.sends = 1;
    flow.awaitingAck = true;
    this.armAckTimer(flow);
    if (isFinal && plan.duplicateFinal) this.sendTogether(conn, [text, text]);
    else this.send(conn, text);
    if (isFinal && plan.garbage.includes('after_final') && !conn.closed) this.sendGarbage(conn);
    if (isFinal && plan.disconnect === 'after_final' && this.active === flow) {
      this.dropLink(conn, `link dropped after the final event of flow ${flow.flowId}`);
    }
  }

  private sendGarbage(conn: Connection): void {
    for (const text of GARBAGE_FRAMES) {
      if (!this.send(conn, text)) return;
    }
  }

  private armAckTimer(flow: ActiveFlow): void {
    flow.timer?.unsubscribe();
    flow.timer = this.scheduler.schedule(() => {
      flow.timer = undefined;
      this.guard(flow.conn, () => this.onAckTimeout(flow));
    }, flow.plan.ackTimeoutMs);
  }

  private onAckTimeout(flow: ActiveFlow): void {
    if (this.active !== flow || !flow.awaitingAck) return;
    if (flow.sends - 1 >= flow.plan.resendLimit) {
      this.commit(flow);
      this.end(
        flow,
        'flow_abandoned',
        `flow ${flow.flowId} abandoned: no event_ack after ${flow.sends} sends (resend limit ${flow.plan.resendLimit})`,
      );
      return;
    }
    const event = flow.plan.events[flow.index];
    if (event === undefined) return;
    flow.sends++;
    this.note('event_resent', `event of flow ${flow.flowId} re-sent (send ${flow.sends}), no event_ack`, {
      connection: flow.conn.id,
      flow_id: flow.flowId,
    });
    this.armAckTimer(flow);
    this.send(flow.conn, encodeEvent(flow.flowId, event.resource, flow.endpoint));
  }

  private commit(flow: ActiveFlow): void {
    if (flow.committed) return;
    flow.committed = true;
    flow.plan.commit();
  }

  private end(flow: ActiveFlow, kind: LogKind, message: string): void {
    flow.stopWaiting?.();
    flow.stopWaiting = undefined;
    flow.timer?.unsubscribe();
    flow.timer = undefined;
    flow.awaitingAck = false;
    if (this.active === flow) this.active = undefined;
    this.note(kind, message, { connection: flow.conn.id, flow_id: flow.flowId });
  }

  private dropLink(conn: Connection, message: string): void {
    this.note('link_dropped_by_simulator', message, { connection: conn.id });
    const link = conn.link as Partial<DroppableLink> & Link;
    if (typeof link.drop === 'function') link.drop();
    else link.close('link dropped by the simulator', CLOSE_CODES.dropped);
    this.connectionClosed(conn, 'dropped by the simulator');
  }

  private connectionClosed(conn: Connection, reason: string): void {
    if (conn.closed) return;
    conn.closed = true;
    this.connections.delete(conn);
    for (const s of conn.subscriptions) s.unsubscribe();
    this.note('connection_closed', `connection ${conn.id} closed: ${reason}`, { connection: conn.id });
    const flow = this.active;
    if (flow === undefined || flow.conn !== conn) return;
    const keep = this.state.settings.onLinkDrop === 'complete';
    const delivered = flow.committed;
    if (keep) this.commit(flow);
    this.end(
      flow,
      'link_dropped_mid_flow',
      delivered
        ? `link closed during flow ${flow.flowId} before the last event_ack`
        : keep
          ? `link closed during flow ${flow.flowId}: transaction completed and recorded, final event not delivered`
          : `link closed during flow ${flow.flowId}: transaction cancelled (onLinkDrop: cancel)`,
    );
  }
}
