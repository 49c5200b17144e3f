import type { ConnectionState, Diagnostic, Transport } from '@bluechip-ws/core';
import { decodeFrame } from '@bluechip-ws/protocol';
import {
  type Attributes,
  type Counter,
  createNoopMeter,
  type Histogram,
  type Meter,
  type MeterProvider,
  metrics,
  ProxyTracerProvider,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
  type UpDownCounter,
} from '@opentelemetry/api';
import type { Observable, Subscription } from 'rxjs';
import { classifyFailure, classifyOutcome } from './failure.js';
import { type FrameRecord, tapFrames } from './frame-tap.js';
import type { Progress, TransactionOutcome } from './outcome.js';
import type { ReconcileReport } from './recovery/index.js';
import type { TelemetrySetup } from './telemetry-setup.js';

/**
 * Traces and metrics of every flow through `@opentelemetry/api` only: without an SDK registered by the
 * application (or providers given here) `connect` creates nothing, taps nothing and calls nothing per flow.
 * Names are listed in docs/observability.md. No card data: attributes are the terminal, the operation, the
 * flow id, statuses and classifications; never a resource.
 */
export interface TelemetryOptions {
  /** Default: the global one, when the application registered an SDK before `connect`. */
  readonly tracerProvider?: TracerProvider;
  /** Default: the global one, when the application registered an SDK before `connect`. */
  readonly meterProvider?: MeterProvider;
  /** The `bluechip.terminal` attribute (default: the url without user, query or fragment; else `transport`). */
  readonly terminal?: string;
  /** Called once per flow when it ends, with its timeline (the CLI's `--trace`). */
  readonly onFlow?: (timeline: FlowTimeline) => void;
}

/** One step of a flow, on the POS clock (epoch ms). */
export interface TimelineMark {
  readonly at: number;
  readonly name:
    | 'request sent'
    | 'started'
    | 'response'
    | 'event'
    | 'ack'
    | 'resend'
    | 'conflicting final'
    | 'final'
    | 'failed';
  /** The terminal's status (`started`, `proceed`, `approved`…), bounded. */
  readonly status?: string;
  /** For `ack`: from the event's arrival to its `event_ack` on the wire. */
  readonly ackLatencyMs?: number;
  /** For `final` and `failed`: the classification's code. */
  readonly code?: string;
}

/** A flow as the telemetry saw it: its marks and how it ended. */
export interface FlowTimeline {
  readonly flowId: string;
  readonly operation: string;
  readonly terminal: string;
  readonly beganAt: number;
  readonly marks: readonly TimelineMark[];
  /** The classification's kind (`approved`, `declined`, `unknown`…), `detached` when the caller left first. */
  readonly outcome: string;
  readonly code: string;
  readonly outcomeUnknown: boolean;
  /** `replayed` when the outcome came from the journal (idempotency key), nothing sent. */
  readonly recoveryVerdict?: string;
}

/** What an operation run tells the telemetry. */
export interface FlowWatch {
  progress(progress: Progress): void;
  /** The final outcome was delivered (or replayed from the journal). */
  outcome(outcome: TransactionOutcome): void;
  failed(error: unknown): void;
  /** The run ended: completion, or the caller unsubscribed. Idempotent. */
  end(): void;
}

/** Attribute and instrument names: one place, used by the docs' table and the tests. */
export const ATTR = {
  terminal: 'bluechip.terminal',
  operation: 'bluechip.operation',
  flowId: 'bluechip.flow_id',
  outcomeKind: 'bluechip.outcome.kind',
  errorCode: 'bluechip.error.code',
  outcomeUnknown: 'bluechip.outcome_unknown',
  recoveryVerdict: 'bluechip.recovery.verdict',
  recoverySource: 'bluechip.recovery.source',
  stage: 'bluechip.stage',
  status: 'bluechip.status',
  linkState: 'bluechip.link.state',
  ackLatency: 'bluechip.ack.latency_ms',
  reconcileUnresolved: 'bluechip.reconcile.unresolved',
} as const;

export const METRIC = {
  outcomes: 'bluechip.outcomes',
  flowDuration: 'bluechip.flow.duration',
  stageDuration: 'bluechip.stage.duration',
  openFlows: 'bluechip.flows.open',
  linkStateChanges: 'bluechip.link.state_changes',
  resends: 'bluechip.resends',
  conflicts: 'bluechip.conflicting_finals',
  reconcileVerdicts: 'bluechip.reconcile.verdicts',
} as const;

const SCOPE = '@bluechip-ws/client';
/** Seconds: a response in milliseconds, a customer in minutes (the flow's default bound is 300 s). */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 180, 300];
/** Marks kept per flow: a terminal that sends events without end cannot grow a timeline without bound. */
const MAX_MARKS = 256;
const MAX_STATUS = 40;

/** The no-op tracer provider of the API, to tell "nothing registered" without creating a span. */
const NOOP_TRACERS = new ProxyTracerProvider().getDelegate();
const NOOP_METER = createNoopMeter();

/**
 * The telemetry of one terminal handle, or `undefined` when there is nothing to report to (no providers
 * given, none registered globally, no `onFlow`): then the handle runs exactly as without this module.
 */
/**
 * Reports every flow of the terminal it is given to through OpenTelemetry (and to `onFlow`):
 * `connect({ url, telemetry: openTelemetry() })`. With no SDK registered and no providers or listener given,
 * the terminal gets nothing: no tap, no per-flow call.
 */
export function openTelemetry(options: TelemetryOptions = {}): TelemetrySetup {
  return { create: (context) => createTelemetry(options, context) };
}

export function createTelemetry(
  options: TelemetryOptions | undefined,
  context: { readonly url?: string; readonly now?: () => number },
): Telemetry | undefined {
  const tracer = tracerOf(options?.tracerProvider);
  const meter = meterOf(options?.meterProvider);
  const onFlow = options?.onFlow;
  if (tracer === undefined && meter === undefined && onFlow === undefined) return undefined;
  return new Telemetry({
    ...(tracer === undefined ? {} : { tracer }),
    ...(meter === undefined ? {} : { instruments: new Instruments(meter) }),
    ...(onFlow === undefined ? {} : { onFlow }),
    terminal: options?.terminal ?? terminalName(context.url),
    now: context.now ?? wallClock,
  });
}

function tracerOf(given: TracerProvider | undefined): Tracer | undefined {
  if (given !== undefined) return given.getTracer(SCOPE);
  const global = trace.getTracerProvider();
  const registered = global instanceof ProxyTracerProvider ? global.getDelegate() !== NOOP_TRACERS : true;
  return registered ? global.getTracer(SCOPE) : undefined;
}

function meterOf(given: MeterProvider | undefined): Meter | undefined {
  const meter = (given ?? metrics.getMeterProvider()).getMeter(SCOPE);
  return meter === NOOP_METER ? undefined : meter;
}

function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

/** The url as an attribute: scheme, host, port and path only (no credentials, no query). */
export function terminalName(url: string | undefined): string {
  if (url === undefined) return 'transport';
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'invalid-url';
  }
}

class Instruments {
  readonly outcomes: Counter;
  readonly flowDuration: Histogram;
  readonly stageDuration: Histogram;
  readonly openFlows: UpDownCounter;
  readonly linkStateChanges: Counter;
  readonly resends: Counter;
  readonly conflicts: Counter;
  readonly reconcileVerdicts: Counter;

  constructor(meter: Meter) {
    const advice = { explicitBucketBoundaries: BUCKETS };
    this.outcomes = meter.createCounter(METRIC.outcomes, {
      description: 'Operations ended, by outcome kind (approved, declined… or a failure kind) and operation',
    });
    this.flowDuration = meter.createHistogram(METRIC.flowDuration, {
      description: 'From the request sent to the end of the flow',
      unit: 's',
      advice,
    });
    this.stageDuration = meter.createHistogram(METRIC.stageDuration, {
      description: 'Stages of a flow: response (request to started), customer (started to final), ack',
      unit: 's',
      advice,
    });
    this.openFlows = meter.createUpDownCounter(METRIC.openFlows, { description: 'Operations running' });
    this.linkStateChanges = meter.createCounter(METRIC.linkStateChanges, {
      description: 'Link state changes (connecting, open, reconnecting, closed)',
    });
    this.resends = meter.createCounter(METRIC.resends, {
      description: 'Events the terminal sent again (re-acked, not delivered again)',
    });
    this.conflicts = meter.createCounter(METRIC.conflicts, {
      description: 'Second finals that differ from the first (journaled apart, never the outcome)',
    });
    this.reconcileVerdicts = meter.createCounter(METRIC.reconcileVerdicts, {
      description: 'Reconciliation verdicts of flows left open (recovered, not_found, still_unknown, failed)',
    });
  }
}

interface TelemetryParts {
  readonly tracer?: Tracer;
  readonly instruments?: Instruments;
  readonly onFlow?: (timeline: FlowTimeline) => void;
  readonly terminal: string;
  readonly now: () => number;
}

/** The signals a terminal handle gives: `watch` per operation, `tap` on the transport, `observe` on the handle. */
export class Telemetry {
  /** Flows of running operations by flow id, for the wire tap. Each leaves at its run's end. */
  private readonly flows = new Map<string, FlowTrace>();
  private readonly subscriptions: Subscription[] = [];

  constructor(private readonly parts: TelemetryParts) {}

  /** The transport, its frames seen by the flows they belong to (request, response, events, acks). */
  tap(transport: Transport): Transport {
    return tapFrames(transport, (record) => this.onFrame(record));
  }

  /** The handle's link states, diagnostics (resends, conflicts) and reconciliation reports. */
  observe(sources: {
    readonly state$: Observable<ConnectionState>;
    readonly diagnostics$: Observable<Diagnostic>;
    readonly reconciled$: Observable<ReconcileReport>;
  }): void {
    const terminalAttrs = { [ATTR.terminal]: this.parts.terminal };
    this.subscriptions.push(
      sources.state$.subscribe((state) => {
        this.parts.instruments?.linkStateChanges.add(1, { ...terminalAttrs, [ATTR.linkState]: state.kind });
      }),
      sources.diagnostics$.subscribe((diagnostic) => this.onDiagnostic(diagnostic)),
      sources.reconciled$.subscribe((report) => this.onReconciled(report)),
    );
  }

  watch(flowId: string, operation: string): FlowWatch {
    const flow = new FlowTrace(this.parts, flowId, operation, () => {
      if (this.flows.get(flowId) === flow) this.flows.delete(flowId);
    });
    this.flows.set(flowId, flow);
    return flow;
  }

  private onFrame(record: FrameRecord): void {
    if (this.flows.size === 0 || typeof record.frame !== 'string') return;
    const decoded = decodeFrame(record.frame);
    if (decoded._tag === 'Left') return;
    const envelope = decoded.right;
    const flow = this.flows.get(envelope.flow_id);
    if (flow === undefined) return;
    // Own property only: a frame's keys never reach Object.prototype.
    const status = Object.hasOwn(envelope.resource, 'status') ? envelope.resource.status : undefined;
    flow.wire(envelope.kind, record.direction, status);
  }

  private onDiagnostic(diagnostic: Diagnostic): void {
    const attrs = { [ATTR.terminal]: this.parts.terminal };
    if (diagnostic.kind === 'duplicate_event') {
      this.parts.instruments?.resends.add(1, attrs);
      this.flows.get(diagnostic.flowId)?.mark('resend');
    } else if (diagnostic.kind === 'conflicting_final') {
      this.parts.instruments?.conflicts.add(1, attrs);
      this.flows.get(diagnostic.flowId)?.mark('conflicting final');
    }
  }

  private onReconciled(report: ReconcileReport): void {
    const { tracer, instruments, terminal } = this.parts;
    for (const flow of report.flows) {
      instruments?.reconcileVerdicts.add(1, {
        [ATTR.terminal]: terminal,
        [ATTR.operation]: flow.type,
        [ATTR.recoveryVerdict]: flow.verdict,
        [ATTR.recoverySource]: flow.source,
      });
    }
    if (tracer === undefined || report.flows.length === 0) return;
    const span = tracer.startSpan('bluechip reconcile', {
      kind: SpanKind.INTERNAL,
      startTime: report.at,
      attributes: { [ATTR.terminal]: terminal, [ATTR.reconcileUnresolved]: report.unresolved },
    });
    if (!span.isRecording()) return;
    for (const flow of report.flows) {
      span.addEvent(
        'verdict',
        {
          [ATTR.flowId]: flow.flowId,
          [ATTR.operation]: flow.type,
          [ATTR.recoveryVerdict]: flow.verdict,
          [ATTR.recoverySource]: flow.source,
          ...(flow.outcome === undefined ? {} : { [ATTR.outcomeKind]: flow.outcome.kind }),
        },
        report.at,
      );
    }
    span.end(report.at);
  }

  close(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }
}

interface Ending {
  readonly kind: string;
  readonly code: string;
  readonly outcomeUnknown: boolean;
  /** The terminal gave a final answer (declined is an answer; link_closed is not). */
  readonly answered: boolean;
  readonly verdict?: string;
}

/** The caller unsubscribed before any end: nothing is known about the outcome from this run. */
const DETACHED: Ending = { kind: 'detached', code: 'detached', outcomeUnknown: false, answered: false };

/** One operation's span, metrics and timeline. */
class FlowTrace implements FlowWatch {
  private readonly span: Span | undefined;
  private readonly beganAt: number;
  private readonly marks: TimelineMark[] = [];
  private readonly base: Attributes;
  private sentAt: number | undefined;
  private startedAt: number | undefined;
  private finalAt: number | undefined;
  /** Arrival times of events not acked yet, oldest first (acks go out in order). */
  private readonly unacked: number[] = [];
  private ending: Ending | undefined;
  private ended = false;

  constructor(
    private readonly parts: TelemetryParts,
    private readonly flowId: string,
    private readonly operation: string,
    private readonly release: () => void,
  ) {
    this.beganAt = parts.now();
    this.base = { [ATTR.terminal]: parts.terminal, [ATTR.operation]: operation };
    const span = parts.tracer?.startSpan(`bluechip ${operation}`, {
      kind: SpanKind.CLIENT,
      startTime: this.beganAt,
      attributes: { ...this.base, [ATTR.flowId]: flowId },
    });
    // The API's recording check: a sampled-out or no-op span gets no events.
    this.span = span?.isRecording() === true ? span : undefined;
    parts.instruments?.openFlows.add(1, this.base);
  }

  /** A frame of this flow on the wire. */
  wire(kind: string, direction: 'in' | 'out', status: unknown): void {
    const now = this.parts.now();
    if (kind === 'request' && direction === 'out') {
      this.sentAt = now;
      this.mark('request sent', { at: now });
    } else if (kind === 'response' && direction === 'in') {
      const text = statusText(status);
      if (text === 'started') {
        this.startedAt = now;
        this.stage('response', now - (this.sentAt ?? this.beganAt));
        this.mark('started', { at: now });
      } else this.mark('response', { at: now, status: text });
      // A `completed` response is final and is acked like an event.
      if (text !== 'started') this.arrived(now, text);
    } else if (kind === 'event' && direction === 'in') {
      const text = statusText(status);
      this.mark('event', { at: now, status: text });
      this.arrived(now, text);
    } else if (kind === 'event_ack' && direction === 'out') {
      const arrived = this.unacked.shift();
      const latency = arrived === undefined ? undefined : now - arrived;
      if (latency !== undefined) this.stage('ack', latency);
      this.mark('ack', { at: now, ...(latency === undefined ? {} : { ackLatencyMs: latency }) });
    }
  }

  private arrived(now: number, status: string): void {
    if (this.unacked.length < MAX_MARKS) this.unacked.push(now);
    if (status !== 'proceed' && this.finalAt === undefined) {
      this.finalAt = now;
      if (this.startedAt !== undefined) this.stage('customer', now - this.startedAt);
    }
  }

  progress(progress: Progress): void {
    if (progress.type === 'final') this.outcome(progress.outcome);
  }

  outcome(outcome: TransactionOutcome): void {
    if (this.ending !== undefined) return;
    const classified = classifyOutcome(outcome);
    this.ending = {
      kind: classified.kind,
      code: classified.code,
      outcomeUnknown: false,
      answered: true,
      ...(outcome.replayed === true ? { verdict: 'replayed' } : {}),
    };
  }

  failed(error: unknown): void {
    if (this.ending !== undefined) return;
    const failure = classifyFailure(error);
    this.ending = {
      kind: failure.kind,
      code: failure.code,
      outcomeUnknown: failure.outcomeUnknown,
      answered: false,
    };
  }

  end(): void {
    if (this.ended) return;
    this.release();
    const now = this.parts.now();
    const ending: Ending = this.ending ?? DETACHED;
    // Last on the timeline: a final outcome is the end once its ack went out (the run completes after it).
    this.mark(ending.answered ? 'final' : 'failed', { at: now, code: ending.code });
    this.ended = true;
    const { instruments, onFlow } = this.parts;
    if (instruments !== undefined) {
      const attrs = {
        ...this.base,
        [ATTR.outcomeKind]: ending.kind,
        [ATTR.errorCode]: ending.code,
        [ATTR.outcomeUnknown]: ending.outcomeUnknown,
      };
      instruments.openFlows.add(-1, this.base);
      instruments.outcomes.add(1, attrs);
      if (this.sentAt !== undefined) {
        instruments.flowDuration.record(seconds(now - this.sentAt), {
          ...this.base,
          [ATTR.outcomeKind]: ending.kind,
        });
      }
    }
    const span = this.span;
    if (span !== undefined) {
      span.setAttributes({
        [ATTR.outcomeKind]: ending.kind,
        [ATTR.errorCode]: ending.code,
        [ATTR.outcomeUnknown]: ending.outcomeUnknown,
        ...(ending.verdict === undefined ? {} : { [ATTR.recoveryVerdict]: ending.verdict }),
      });
      // A business outcome (declined…) is an answer, not an error of the flow.
      if (!ending.answered && ending !== DETACHED) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: ending.code });
      }
      span.end(now);
    }
    onFlow?.({
      flowId: this.flowId,
      operation: this.operation,
      terminal: this.parts.terminal,
      beganAt: this.beganAt,
      marks: this.marks,
      outcome: ending.kind,
      code: ending.code,
      outcomeUnknown: ending.outcomeUnknown,
      ...(ending.verdict === undefined ? {} : { recoveryVerdict: ending.verdict }),
    });
  }

  mark(name: TimelineMark['name'], detail: Partial<TimelineMark> = {}): void {
    if (this.ended) return;
    // Bounded, but the last mark always has its place.
    if (this.marks.length >= MAX_MARKS && name !== 'final' && name !== 'failed') return;
    const mark: TimelineMark = { at: detail.at ?? this.parts.now(), name, ...detail };
    if (this.parts.onFlow !== undefined) this.marks.push(mark);
    this.span?.addEvent(name, eventAttributes(mark), mark.at);
  }

  private stage(stage: 'response' | 'customer' | 'ack', ms: number): void {
    this.parts.instruments?.stageDuration.record(seconds(ms), { ...this.base, [ATTR.stage]: stage });
  }
}

function eventAttributes(mark: TimelineMark): Attributes {
  const attrs: Attributes = {};
  if (mark.status !== undefined) attrs[ATTR.status] = mark.status;
  if (mark.ackLatencyMs !== undefined) attrs[ATTR.ackLatency] = mark.ackLatencyMs;
  if (mark.code !== undefined) attrs[ATTR.errorCode] = mark.code;
  return attrs;
}

/** A status from the wire, as an attribute: a bounded string, never anything else. */
function statusText(status: unknown): string {
  if (typeof status !== 'string') return 'none';
  return status.length > MAX_STATUS ? `${status.slice(0, MAX_STATUS)}…` : status;
}

function seconds(ms: number): number {
  return Math.max(0, ms) / 1000;
}
