import { METHODS } from '@bluechip-ws/bridge';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsSource } from './metrics-server.js';

/**
 * What the agent tells whoever watches it: each request, each answer, each publish to the stream and each
 * terminal-wide notification. The agent calls these at its few decision points and nothing else.
 */
export interface AgentObserver {
  /** A request arrived on a terminal's subject (before any check). */
  request(terminal: string, method: string): void;
  /** The one answer of a request: its JSON-RPC body (`result` or `error`). */
  answered(terminal: string, method: string, body: Readonly<Record<string, unknown>>): void;
  /** One attempt to publish an outcome to the stream, with its duration; `ok` false when it failed. */
  published(terminal: string, seconds: number, ok: boolean): void;
  /** A terminal-wide notification (`terminal.state`…), with its params. */
  notification(terminal: string, method: string, params: Readonly<Record<string, unknown>>): void;
}

/** What the metrics read from the agent at scrape time. */
export interface AgentReadings {
  readonly terminals: readonly string[];
  /** Outcomes waiting in the outbox for the stream, for one terminal. */
  unpublishedOf(terminal: string): number;
}

const LINK_STATES = ['idle', 'connecting', 'open', 'reconnecting', 'closed'] as const;
const VERDICTS: ReadonlySet<string> = new Set(['recovered', 'not_found', 'still_unknown', 'failed']);
/** Label values come from our tables only: a hostile subject or answer cannot create series without bound. */
const KNOWN_METHODS: ReadonlySet<string> = new Set(METHODS.map((m) => m.name));
const LABEL_MAX = 40;
/** Distinct operation labels kept (a `raw` request may name any type): beyond, `other`. */
const OPERATION_LABELS_MAX = 64;

/**
 * The agent's Prometheus metrics (prom-client, on a registry of its own), one series per configured
 * terminal. Names are listed in docs/observability.md. `ready` once `Agent.start` resolved (subscriptions
 * confirmed by NATS) and every configured terminal reported its link state.
 */
export class AgentMetrics implements AgentObserver, MetricsSource {
  readonly registry = new Registry();
  private readonly linkState: Gauge<'site' | 'terminal' | 'state'>;
  private readonly lastSuccess: Gauge<'site' | 'terminal'>;
  private readonly outcomes: Counter<'site' | 'terminal' | 'operation' | 'kind'>;
  private readonly requests: Counter<'site' | 'terminal' | 'method'>;
  private readonly errors: Counter<'site' | 'terminal' | 'method' | 'code'>;
  private readonly publishFailures: Counter<'site' | 'terminal'>;
  private readonly publishLatency: Histogram<'site' | 'terminal'>;
  private readonly outcomeUnknown: Counter<'site' | 'terminal' | 'method' | 'code'>;
  private readonly verdicts: Counter<'site' | 'terminal' | 'verdict'>;
  private readonly states = new Map<string, string>();
  private readonly operations = new Set<string>();
  private readings: AgentReadings | undefined;

  constructor(
    readonly site: string,
    /** Every terminal of the config: readiness waits for each one's link state. */
    private readonly configured: readonly string[],
    options: { readonly processMetrics?: boolean } = {},
  ) {
    const registers = [this.registry];
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.linkState = new Gauge({
      name: 'bluechip_agent_link_state',
      help: 'Link state of each terminal: 1 for its current state, 0 for the others',
      labelNames: ['site', 'terminal', 'state'],
      registers,
    });
    this.lastSuccess = new Gauge({
      name: 'bluechip_agent_last_success_timestamp_seconds',
      help: 'When a request on the terminal last got a result (not an error), in Unix seconds',
      labelNames: ['site', 'terminal'],
      registers,
    });
    this.outcomes = new Counter({
      name: 'bluechip_agent_outcomes_total',
      help: 'Operation outcomes answered, by kind (approved, declined, cancelled…)',
      labelNames: ['site', 'terminal', 'operation', 'kind'],
      registers,
    });
    this.requests = new Counter({
      name: 'bluechip_agent_requests_total',
      help: 'Requests received, by method',
      labelNames: ['site', 'terminal', 'method'],
      registers,
    });
    this.errors = new Counter({
      name: 'bluechip_agent_errors_total',
      help: 'Requests answered with an error, by method and error code (busy, link_closed…)',
      labelNames: ['site', 'terminal', 'method', 'code'],
      registers,
    });
    this.publishFailures = new Counter({
      name: 'bluechip_agent_publish_failures_total',
      help: 'Attempts to publish an outcome to the stream that failed (the outbox retries)',
      labelNames: ['site', 'terminal'],
      registers,
    });
    this.publishLatency = new Histogram({
      name: 'bluechip_agent_publish_duration_seconds',
      help: 'Publishing an outcome to the stream until its PubAck',
      labelNames: ['site', 'terminal'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
      registers,
    });
    this.outcomeUnknown = new Counter({
      name: 'bluechip_agent_outcome_unknown_total',
      help: 'Requests answered with an error whose outcome is unknown (link_closed, timeouts…): to be reconciled',
      labelNames: ['site', 'terminal', 'method', 'code'],
      registers,
    });
    this.verdicts = new Counter({
      name: 'bluechip_agent_reconcile_verdicts_total',
      help: 'Reconciliation verdicts of flows left open (recovered, not_found, still_unknown, failed)',
      labelNames: ['site', 'terminal', 'verdict'],
      registers,
    });
    const self = this;
    new Gauge({
      name: 'bluechip_agent_outbox_depth',
      help: 'Outcomes waiting for the stream (NATS or JetStream away)',
      labelNames: ['site', 'terminal'],
      registers,
      collect() {
        for (const terminal of self.configured) {
          this.set({ site, terminal }, self.readings?.unpublishedOf(terminal) ?? 0);
        }
      },
    });
    new Gauge({
      name: 'bluechip_agent_ready',
      help: '1 once the agent serves: NATS confirmed its subscriptions and every terminal reported its link state',
      labelNames: ['site'],
      registers,
      collect() {
        this.set({ site }, self.ready ? 1 : 0);
      },
    });
  }

  /** The agent started (its subscriptions confirmed): from now on scrapes read its outbox. */
  attach(readings: AgentReadings): void {
    this.readings = readings;
  }

  /** Why the agent is not ready, or an empty list when it is. */
  notReady(): string[] {
    if (this.readings === undefined) return ['starting: NATS subscriptions not confirmed yet'];
    const served = new Set(this.readings.terminals);
    const missing: string[] = [];
    for (const terminal of this.configured) {
      if (!served.has(terminal)) missing.push(`${terminal}: not served`);
      else if (!this.states.has(terminal)) missing.push(`${terminal}: link state not known yet`);
    }
    return missing;
  }

  get ready(): boolean {
    return this.notReady().length === 0;
  }

  /** For /healthz: the site and each terminal's current link state. */
  health(): Record<string, unknown> {
    return { site: this.site, linkStates: Object.fromEntries(this.states) };
  }

  request(terminal: string, method: string): void {
    this.requests.inc({ site: this.site, terminal, method: methodLabel(method) });
  }

  answered(terminal: string, method: string, body: Readonly<Record<string, unknown>>): void {
    const labels = { site: this.site, terminal };
    const error = record(body.error);
    if (error !== undefined) {
      const data = record(error.data);
      const errorLabels = { ...labels, method: methodLabel(method), code: label(data?.code, 'unknown') };
      this.errors.inc(errorLabels);
      if (data?.outcomeUnknown === true) this.outcomeUnknown.inc(errorLabels);
      return;
    }
    this.lastSuccess.set(labels, Date.now() / 1000);
    const result = record(body.result);
    // A replay (same idempotency key, answered from the stream or the journal) is not a second outcome.
    if (
      result !== undefined &&
      result.replayed !== true &&
      typeof result.kind === 'string' &&
      typeof result.type === 'string'
    ) {
      this.outcomes.inc({
        ...labels,
        operation: this.operation(result.type),
        kind: label(result.kind, 'other'),
      });
    }
  }

  private operation(type: unknown): string {
    const name = label(type, 'unknown');
    if (this.operations.has(name)) return name;
    if (this.operations.size >= OPERATION_LABELS_MAX) return 'other';
    this.operations.add(name);
    return name;
  }

  published(terminal: string, seconds: number, ok: boolean): void {
    const labels = { site: this.site, terminal };
    if (ok) this.publishLatency.observe(labels, seconds);
    else this.publishFailures.inc(labels);
  }

  notification(terminal: string, method: string, params: Readonly<Record<string, unknown>>): void {
    if (!this.configured.includes(terminal)) return;
    if (method === 'terminal.reconciled') {
      const flows = record(params.report)?.flows;
      for (const flow of Array.isArray(flows) ? flows : []) {
        const verdict = record(flow)?.verdict;
        if (typeof verdict === 'string' && VERDICTS.has(verdict)) {
          this.verdicts.inc({ site: this.site, terminal, verdict });
        }
      }
      return;
    }
    if (method !== 'terminal.state') return;
    const kind = record(params.state)?.kind;
    if (typeof kind !== 'string' || !(LINK_STATES as readonly string[]).includes(kind)) return;
    this.states.set(terminal, kind);
    for (const state of LINK_STATES) {
      this.linkState.set({ site: this.site, terminal, state }, state === kind ? 1 : 0);
    }
  }

  /** The Prometheus text exposition. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}

function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'unknown';
}

function label(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.length > 0 && value.length <= LABEL_MAX && /^[\w.-]+$/.test(value)
    ? value
    : fallback;
}

function record(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
