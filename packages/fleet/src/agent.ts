import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Bridge, type BridgeLogger, type Json, METHODS, results } from '@bluechip-ws/bridge';
import { toRpcError } from '@bluechip-ws/bridge/internal';
import { nodeHooks } from '@bluechip-ws/bridge/node';
import { checkIdempotencyKey } from '@bluechip-ws/client';
import { CodedError } from '@bluechip-ws/protocol';
import { renderUntrusted } from '@bluechip-ws/protocol/internal';
import {
  type Msg,
  type NatsConnection,
  headers as natsHeaders,
  nuid,
  type Subscription,
} from '@nats-io/nats-core';
import { connect as natsConnect } from '@nats-io/transport-node';
import type { AgentObserver } from './agent-metrics.js';
import { callBridge } from './bridge-call.js';
import type { AgentConfig, TerminalSettings } from './config.js';
import { natsConnectOptions } from './nats-options.js';
import { Outbox } from './outbox.js';
import { OUTBOX_FILE, OutboxLog, QUARANTINE_FILE } from './outbox-log.js';
import { type OutcomeRecord, OutcomeStore, UnpublishableOutcomeError } from './outcome-store.js';
import { CALL_ID_HEADER, RECORDED_HEADER } from './protocol.js';
import { acceptableCallId, decodeRequestPayload } from './request-payload.js';
import {
  methodOf,
  type OutcomeKey,
  outcomeMsgId,
  progressSubject,
  queueGroup,
  requestWildcard,
  terminalEventSubject,
} from './subjects.js';

/** Methods whose result is an outcome: their final results go to the stream. Derived from the bridge's table. */
const OUTCOME_METHODS = new Set(METHODS.filter((m) => m.result === results.OutcomeJsonC).map((m) => m.name));
/** Terminals belong to the agent's config: callers may not open or close them. */
const LOCAL_ONLY = new Set(['terminal.open', 'terminal.close']);
/** Terminals opened at once on start (each may start a simulator and read its journal). */
const OPEN_CONCURRENCY = 16;
/** Quarantined outcomes remembered in memory for `quarantined` (all of them stay in the quarantine files). */
const QUARANTINE_KEPT = 100;

/** An outcome the stream can never take, set aside (`fleet-outbox-quarantine.jsonl`) and reported. */
export interface QuarantinedOutcome {
  readonly terminal: string;
  readonly flowId: string;
  readonly reason: string;
  readonly at: string;
}

/**
 * NATS refused subscriptions the agent needs (the credentials do not allow the site's subjects): nothing is
 * served, rather than an agent that says "serving" and never hears a request.
 */
export class SubscriptionRefusedError extends CodedError<'subscription_refused'> {
  override readonly name = 'SubscriptionRefusedError';
  constructor(
    /** Each refused subject, with the server's reason. */
    readonly refused: ReadonlyMap<string, string>,
  ) {
    const subjects = [...refused.keys()].join(', ');
    const reason = [...refused.values()][0] ?? '';
    super(
      'subscription_refused',
      `NATS refused the subscription(s) to ${subjects} (${reason}): the agent's credentials must allow ` +
        'subscribing to bluechip.<site>.> (docs/fleet.md, "Security"); nothing is served',
    );
  }
}

export interface AgentOptions {
  readonly logger?: BridgeLogger;
  /** An existing connection (tests, embedding); by default the agent connects with the config's `nats`. */
  readonly nats?: NatsConnection;
  /** Told of each request, answer, publish and terminal notification (the `/metrics` endpoint: AgentMetrics). */
  readonly observer?: AgentObserver;
}

type Rec = { [key: string]: Json };

function keyOf(record: OutcomeRecord): OutcomeKey {
  return record.idempotencyKey === undefined
    ? { flowId: record.flowId }
    : { idempotencyKey: record.idempotencyKey };
}

function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `bluechip agent`: one process holding the terminals of a site, serving the bridge's method table over NATS
 * request/reply, publishing each final outcome to the JetStream stream before it answers.
 */
export class Agent {
  private readonly subscriptions: Subscription[] = [];
  private readonly recording = new Set<Promise<unknown>>();
  /** Write-ahead logs of outcomes on their way to the stream, by terminal (terminals with a file journal). */
  private readonly logs = new Map<string, OutboxLog>();
  private closing: Promise<void> | undefined;
  private scoped: ReadonlySet<string> | undefined;
  /** Subscriptions NATS refused (subject → reason): `start` fails when there is any. */
  readonly refused = new Map<string, string>();
  /** Terminals that could not be opened (their journal or simulator failed), with why. */
  readonly failed = new Map<string, string>();
  /** The latest outcomes quarantined by this run (at most `QUARANTINE_KEPT`). */
  readonly quarantined: QuarantinedOutcome[] = [];
  /** Outcomes in the quarantine files: set aside by earlier runs, plus by this one. */
  quarantinedTotal = 0;
  /** Written into each record it publishes: which agent served the flow. */
  readonly name: string;

  private constructor(
    readonly config: AgentConfig,
    readonly nc: NatsConnection,
    private readonly ownsConnection: boolean,
    readonly store: OutcomeStore,
    readonly bridge: Bridge,
    private readonly outbox: Outbox,
    private readonly logger: BridgeLogger,
    private readonly observer: AgentObserver | undefined,
  ) {
    this.name = config.nats?.name ?? `${config.site}@${process.pid}`;
  }

  static async start(config: AgentConfig, options: AgentOptions = {}): Promise<Agent> {
    const logger = options.logger ?? { log: () => undefined };
    const nc =
      options.nats ??
      (await natsConnect(await natsConnectOptions(config.nats, `bluechip-agent ${config.site}`)));
    try {
      const store = await OutcomeStore.open(nc, config.stream ?? {}, config.stream?.create ?? true);
      const bridge = new Bridge({ hooks: nodeHooks, logger, maxPending: 1_000_000 });
      const agent = new Agent(
        config,
        nc,
        options.nats === undefined,
        store,
        bridge,
        new Outbox(store, logger),
        logger,
        options.observer,
      );
      await agent.serve();
      if (agent.refused.size > 0) {
        const error = new SubscriptionRefusedError(agent.refused);
        await agent.close();
        throw error;
      }
      return agent;
    } catch (error) {
      if (options.nats === undefined) await nc.close().catch(() => undefined);
      throw error;
    }
  }

  get site(): string {
    return this.config.site;
  }

  /** Terminal ids being served. */
  get terminals(): string[] {
    return this.bridge.terminals.ids();
  }

  /** Outcomes waiting for the stream to come back. */
  get unpublished(): number {
    return this.outbox.size;
  }

  /** Outcomes of one terminal waiting for the stream. */
  unpublishedOf(terminal: string): number {
    return this.outbox.depthOf(terminal);
  }

  private async serve(): Promise<void> {
    // Terminal-wide notifications (state, reconciliations, unclaimed results) on one long-lived connection.
    this.bridge.connect({ send: (text) => this.onNotification(text) });
    const queue = [...this.config.terminals];
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) await this.openTerminal(next);
    };
    await Promise.all(Array.from({ length: Math.min(OPEN_CONCURRENCY, queue.length) }, worker));
    // The server answers a refused SUB with -ERR before the PONG of this flush: once it resolves, every
    // refusal has reached the subscription callbacks (and `refused`).
    await this.nc.flush();
  }

  private async openTerminal(settings: TerminalSettings): Promise<void> {
    const { id, ...rest } = settings;
    // The log first: reconciliation during the open publishes through it.
    const log = settings.journalDir === undefined ? undefined : await this.openLog(id, settings.journalDir);
    const answer = await callBridge(this.bridge, 'terminal.open', { terminalId: id, ...rest } as Json);
    if ('error' in answer) {
      this.logs.delete(id);
      await log?.close().catch(() => undefined);
      this.failed.set(id, answer.error.message);
      this.logger.log('error', `terminal ${id} not served: ${answer.error.message}`);
      return;
    }
    if (log !== undefined && log.quarantinedBefore > 0) {
      this.quarantinedTotal += log.quarantinedBefore;
      this.logger.log(
        'error',
        `terminal ${id}: ${log.quarantinedBefore} outcome(s) the stream cannot take are set aside in ${QUARANTINE_FILE}`,
      );
    }
    if (log !== undefined && log.pending.length > 0) {
      this.logger.log(
        'info',
        `terminal ${id}: republishing ${log.pending.length} outcome(s) the stream may lack`,
      );
      for (const record of log.pending) {
        const msgId = await outcomeMsgId(record.site, record.terminal, keyOf(record));
        this.outbox.add(record, {
          published: () => void log.done(msgId).catch(() => undefined),
          quarantined: (error) => this.quarantine(id, msgId, record, error),
        });
      }
      void this.outbox.flush();
    }
    const group = this.config.queueGroup ?? queueGroup(this.site);
    this.subscriptions.push(
      this.nc.subscribe(requestWildcard(this.site, id), {
        queue: group,
        callback: (error, msg) => {
          if (error !== null) {
            // A permissions violation: the server will never deliver this terminal's requests.
            this.refused.set(requestWildcard(this.site, id), error.message);
            this.logger.log(
              'error',
              `terminal ${id}: NATS refused its request subscription: ${error.message}`,
            );
            return;
          }
          this.handle(id, msg).catch((failure: unknown) =>
            // Only the reply can fail here (the connection closed under it); the outcome is recorded.
            this.logger.log(
              'warn',
              `could not answer a request on ${msg.subject}: ${(failure as Error).message}`,
            ),
          );
        },
      }),
    );
  }

  private async openLog(id: string, journalDir: string): Promise<OutboxLog | undefined> {
    try {
      await mkdir(journalDir, { recursive: true });
      const log = await OutboxLog.open(join(journalDir, OUTBOX_FILE));
      this.logs.set(id, log);
      return log;
    } catch (error) {
      this.logger.log(
        'error',
        `terminal ${id}: no outbox log (${(error as Error).message}); outcomes the stream misses live only in memory`,
      );
      return undefined;
    }
  }

  /** One request: every failure of the call is answered as a JSON-RPC error; only the reply itself may throw. */
  private async handle(terminal: string, msg: Msg): Promise<void> {
    const callId = acceptableCallId(msg.headers?.get(CALL_ID_HEADER)) ?? nuid.next();
    const method = methodOf(msg.subject, this.site, terminal);
    this.observer?.request(terminal, method);
    let replied = false;
    const reply = (body: Rec, recorded?: boolean) => {
      // One reply per request, whatever happens after the first.
      if (replied || !msg.reply) return;
      this.observer?.answered(terminal, method, body);
      const h = natsHeaders();
      if (recorded !== undefined) h.set(RECORDED_HEADER, recorded ? 'yes' : 'no');
      // Marked after: an answer NATS refuses (over max_payload) is followed by the -32603 below.
      msg.respond(JSON.stringify({ ...body, jsonrpc: '2.0', id: callId }), { headers: h });
      replied = true;
    };
    try {
      await this.serveRequest(terminal, method, msg, callId, reply);
    } catch (error) {
      // A bug, not the caller's input: still one typed answer, and the outcome (if any) is journaled.
      this.logger.log(
        'error',
        `request on ${msg.subject} failed: ${renderUntrusted((error as Error)?.message, { maxChars: 200 })}`,
      );
      reply({
        error: {
          code: -32603,
          message: 'internal error while serving the request: its outcome is unknown',
          data: { code: 'internal_error', outcomeUnknown: true },
        },
      });
    }
  }

  private async serveRequest(
    terminal: string,
    method: string,
    msg: Msg,
    callId: string,
    reply: (body: Rec, recorded?: boolean) => void,
  ): Promise<void> {
    const refuse = (code: number, message: string, data: Rec) => reply({ error: { code, message, data } });

    if (LOCAL_ONLY.has(method)) {
      refuse(-32601, `${method} is not served remotely: the agent's config owns its terminals`, {
        code: 'method_not_found',
      });
      return;
    }
    const decoded = decodeRequestPayload(msg.data);
    if ('error' in decoded) {
      reply({ error: decoded.error as unknown as Json });
      return;
    }
    const params = decoded.params as Rec;
    if (Object.hasOwn(params, 'terminalId') && params.terminalId !== terminal) {
      refuse(-32602, `params.terminalId names another terminal than the subject (${terminal})`, {
        code: 'invalid_params',
        path: 'params.terminalId',
      });
      return;
    }
    // The subject names the terminal; a method that takes none (`rpc.discover`) gets the params as they are.
    const call = this.terminalScoped().has(method) ? { ...params, terminalId: terminal } : params;
    const key =
      Object.hasOwn(params, 'idempotencyKey') && typeof params.idempotencyKey === 'string'
        ? params.idempotencyKey
        : undefined;
    if (key !== undefined) {
      // The client's one key rule, before the stream lookup: nothing is sent with a key it refuses.
      try {
        checkIdempotencyKey(key);
      } catch (error) {
        reply({ error: toRpcError(error) as unknown as Json });
        return;
      }
    }
    const isOperation = OUTCOME_METHODS.has(method);

    // Fleet-wide idempotency: another agent of the site (or this one, before a journal loss) may have run it.
    if (isOperation && key !== undefined) {
      const known = await this.store.find(this.site, terminal, { idempotencyKey: key }).catch((error) => {
        this.logger.log(
          'warn',
          `stream lookup of key failed, the journal decides: ${(error as Error).message}`,
        );
        return null;
      });
      if (known !== null) {
        reply({ result: { ...(known.outcome as Rec), replayed: true } }, true);
        return;
      }
    }

    // Progress subjects are computed asynchronously (a long flow id is hashed): one chain keeps their order.
    let published: Promise<void> = Promise.resolve();
    const answer = await callBridge(this.bridge, method, call, (progress) => {
      const flowId = typeof progress.flowId === 'string' ? progress.flowId : '';
      const body = JSON.stringify({ ...progress, requestId: callId });
      published = published
        .then(async () => this.nc.publish(await progressSubject(this.site, terminal, flowId), body))
        .catch(() => undefined);
    });
    await published;
    let recorded: boolean | undefined;
    if (
      isOperation &&
      'result' in answer &&
      isRecord(answer.result) &&
      typeof answer.result.flowId === 'string'
    ) {
      recorded = await this.record({
        site: this.site,
        terminal,
        flowId: answer.result.flowId,
        ...(key === undefined ? {} : { idempotencyKey: key }),
        source: 'answer',
        agent: this.name,
        outcome: answer.result as OutcomeRecord['outcome'],
        at: new Date().toISOString(),
      });
    }
    const { jsonrpc: _j, id: _i, ...body } = answer as unknown as Rec;
    reply(body, recorded);
  }

  /** Publishes an outcome to the stream (a few tries); on failure it goes to the outbox. True once stored. */
  private record(record: OutcomeRecord): Promise<boolean> {
    const run = (async () => {
      const log = this.logs.get(record.terminal);
      const msgId = await outcomeMsgId(record.site, record.terminal, keyOf(record));
      const published = () => void log?.done(msgId).catch(() => undefined);
      if (log !== undefined) {
        await log.add(msgId, record).catch((error: unknown) => {
          this.logger.log(
            'error',
            `outbox log write failed for flow ${record.flowId}: ${(error as Error).message}`,
          );
        });
      }
      for (let attempt = 0; attempt < 3; attempt++) {
        const began = performance.now();
        try {
          await this.store.publish(record, 2_000);
          this.observer?.published(record.terminal, (performance.now() - began) / 1000, true);
          published();
          return true;
        } catch (error) {
          this.observer?.published(record.terminal, (performance.now() - began) / 1000, false);
          if (error instanceof UnpublishableOutcomeError) {
            this.quarantine(record.terminal, msgId, record, error);
            return false;
          }
          this.logger.log(
            'warn',
            `publishing the outcome of flow ${record.flowId} failed: ${(error as Error).message}`,
          );
        }
      }
      this.outbox.add(record, {
        published,
        quarantined: (error) => this.quarantine(record.terminal, msgId, record, error),
      });
      return false;
    })();
    this.recording.add(run);
    void run.finally(() => this.recording.delete(run));
    return run;
  }

  /** Methods whose params include `terminalId`, read from the method table's OpenRPC document. */
  private terminalScoped(): ReadonlySet<string> {
    this.scoped ??= new Set(
      (
        (this.bridge.discover() as { methods?: { name: string; params?: { name: string }[] }[] }).methods ??
        []
      )
        .filter((m) => (m.params ?? []).some((p) => p.name === 'terminalId'))
        .map((m) => m.name),
    );
    return this.scoped;
  }

  /**
   * Sets aside an outcome the stream can never take: into the terminal's quarantine file (when it has a
   * journal directory), the log, `quarantined`, and `bluechip-events.<site>.<terminal>.quarantined`. The
   * outcome stays in the terminal's journal; nothing else waits for it.
   */
  private quarantine(terminal: string, msgId: string, record: OutcomeRecord, error: Error): void {
    const entry: QuarantinedOutcome = {
      terminal,
      // The record came from the bridge or the outbox log: a string, but of any length.
      flowId: record.flowId.length <= 128 ? record.flowId : renderUntrusted(record.flowId, { maxChars: 128 }),
      reason: error.message,
      at: new Date().toISOString(),
    };
    this.quarantinedTotal++;
    this.quarantined.push(entry);
    if (this.quarantined.length > QUARANTINE_KEPT) this.quarantined.shift();
    this.logger.log(
      'error',
      `terminal ${terminal}: outcome of flow ${entry.flowId} quarantined, the stream cannot take it: ${entry.reason}`,
    );
    const log = this.logs.get(terminal);
    const kept = log === undefined ? Promise.resolve() : log.quarantine(msgId, record, entry.reason);
    void kept
      .catch((failure: unknown) =>
        this.logger.log('error', `quarantine file write failed: ${(failure as Error).message}`),
      )
      .then(() => {
        if (this.nc.isClosed()) return;
        const notice = {
          jsonrpc: '2.0',
          method: 'outcome.quarantined',
          params: { terminalId: terminal, ...entry },
        };
        this.nc.publish(terminalEventSubject(this.site, terminal, 'quarantined'), JSON.stringify(notice));
      });
  }

  private onNotification(text: string): void {
    let message: { method?: string; params?: Rec };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    const params = message.params;
    if (message.method === undefined || params === undefined || typeof params.terminalId !== 'string') return;
    const terminal = params.terminalId;
    this.observer?.notification(terminal, message.method, params);
    const kind = message.method.replace(/^terminal\.|^outcome\./, '');
    this.nc.publish(terminalEventSubject(this.site, terminal, kind), text);
    if (
      message.method === 'outcome.unclaimed' &&
      isRecord(params.outcome) &&
      typeof params.flowId === 'string'
    ) {
      void this.recordLate(terminal, params.flowId, params.outcome, 'unclaimed', params.idempotencyKey);
    }
    if (
      message.method === 'terminal.reconciled' &&
      isRecord(params.report) &&
      Array.isArray(params.report.flows)
    ) {
      for (const flow of params.report.flows) {
        if (isRecord(flow) && isRecord(flow.outcome) && typeof flow.flowId === 'string') {
          void this.recordLate(terminal, flow.flowId, flow.outcome, 'reconciled', flow.idempotencyKey);
        }
      }
    }
  }

  /** An outcome learned outside a request; its idempotency key comes from the journal when not given. */
  private async recordLate(
    terminal: string,
    flowId: string,
    outcome: Rec,
    source: OutcomeRecord['source'],
    key: Json | undefined,
  ): Promise<void> {
    let idempotencyKey = typeof key === 'string' ? key : undefined;
    if (idempotencyKey === undefined) {
      try {
        idempotencyKey = (await this.bridge.terminals.get(terminal).journal.flow(flowId))?.idempotencyKey;
      } catch {
        // The terminal was closed meanwhile: the flow id is key enough.
      }
    }
    await this.record({
      site: this.site,
      terminal,
      flowId,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      source,
      agent: this.name,
      outcome: outcome as OutcomeRecord['outcome'],
      at: new Date().toISOString(),
    });
    this.logger.log('info', `recorded the ${source} outcome of flow ${flowId} on ${terminal}`);
  }

  /**
   * Stops taking requests, lets running calls settle (`drainTimeoutMs`), publishes their outcomes, closes the
   * terminals and journals, then the NATS connection (when the agent opened it). Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const subscription of this.subscriptions) subscription.unsubscribe();
      await this.nc.flush().catch(() => undefined);
      await this.bridge.close(this.config.drainTimeoutMs ?? 30_000);
      await Promise.allSettled([...this.recording]);
      await this.outbox.flush();
      this.outbox.stop();
      if (this.outbox.size > 0) {
        this.logger.log(
          'error',
          `${this.outbox.size} outcome(s) not published to the stream; they stay in the journals`,
        );
      }
      await Promise.allSettled([...this.logs.values()].map((log) => log.close()));
      if (this.ownsConnection) await this.nc.drain().catch(() => undefined);
    })();
    return this.closing;
  }
}
