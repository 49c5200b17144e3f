import { CodedError } from '@bluechip-ws/protocol';
import { renderUntrusted } from '@bluechip-ws/protocol/internal';
import {
  ClosedConnectionError,
  DrainingConnectionError,
  type Msg,
  type NatsConnection,
  NoRespondersError,
  headers as natsHeaders,
  nuid,
  PermissionViolationError,
  RequestError,
  type Subscription,
  TimeoutError,
} from '@nats-io/nats-core';
import { Observable } from 'rxjs';
import { type OutcomeRecord, OutcomeStore, type StreamSettings } from './outcome-store.js';
import { CALL_ID_HEADER, RECORDED_HEADER } from './protocol.js';
import {
  checkToken,
  type OutcomeKey,
  progressWildcard,
  requestSubject,
  terminalEventSubject,
} from './subjects.js';

/** An outcome as the agent answers it: the bridge's outcome JSON (docs/bridge.md), `replayed` included. */
export interface RemoteOutcome {
  readonly kind: 'approved' | 'declined' | 'cancelled' | 'timed_out' | 'error' | 'completed' | 'other';
  readonly flowId: string;
  readonly type: string;
  readonly status: string;
  readonly resultStatus?: string;
  readonly result?: { readonly [key: string]: unknown };
  readonly results: readonly { readonly [key: string]: unknown }[];
  readonly errorInfo?: { readonly [key: string]: unknown };
  readonly source: 'event' | 'response';
  readonly replayed?: boolean;
  /** False when the agent could not yet write it to the stream (it is journaled; the agent retries). */
  readonly recorded?: false;
  readonly raw: unknown;
}

export interface RemoteProgress {
  readonly type: 'started' | 'proceed';
  readonly flowId: string;
  readonly status?: string;
  readonly results?: readonly unknown[];
}

/** What the Observable forms emit, in order: `started`, any `proceed`, then `final` (then complete). */
export type RemoteFlowUpdate =
  | RemoteProgress
  | { readonly type: 'final'; readonly flowId: string; readonly outcome: RemoteOutcome };

export interface RemoteOperationOptions {
  /** Strongly advised: with it, a caller that timed out finds the outcome with `findOutcome`. */
  readonly idempotencyKey?: string;
  readonly flowId?: string;
  readonly timeouts?: { responseMs?: number; eventGapMs?: number; flowMs?: number };
  /** How long to wait for the agent's answer (default: the terminal's flow bound plus a margin, 200 s). */
  readonly requestTimeoutMs?: number;
  /** Progress of this call's flow (`started`, `proceed`), from its per-flow subject. */
  readonly onProgress?: (progress: RemoteProgress) => void;
}

export type RemoteErrorCode =
  /** No agent serves this terminal (none connected, or none holds it): nothing was sent. */
  | 'unreachable'
  /** No answer in time: the flow may have run; look for it with `findOutcome`, never resend blind. */
  | 'outcome_unknown'
  | 'permission_denied'
  /** The agent's answer could not be read: it ran the request, so the outcome is unknown. */
  | 'bad_answer'
  /** An error the agent answered with; `rpcCode` and `data` are the bridge's (docs/bridge.md). */
  | 'agent_error'
  /** `findOutcome` could not read the stream (NATS or JetStream away, no such stream): nothing changed. */
  | 'stream_unavailable'
  /** The params cannot be sent (not JSON-serialisable): nothing was sent. */
  | 'invalid_request';

const RETRY_OR_FIND =
  'retry with the same idempotency key (the agent answers a key it knows from the stream), or look the ' +
  'outcome up with findOutcome({ idempotencyKey }) or findOutcome({ flowId }); never resend without a key';

/** JSON-RPC codes of requests refused before any flow: parse error, invalid request, no method, bad params. */
const REFUSED_AT_THE_DOOR = new Set([-32700, -32600, -32601, -32602]);

export class RemoteError extends CodedError<RemoteErrorCode> {
  override readonly name = 'RemoteError';
  constructor(
    code: RemoteErrorCode,
    message: string,
    readonly details: { rpcCode?: number; data?: unknown; recorded?: boolean } = {},
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }

  /** True when the request certainly never reached a terminal (safe to retry as is). */
  get nothingSent(): boolean {
    if (
      this.code === 'unreachable' ||
      this.code === 'permission_denied' ||
      this.code === 'stream_unavailable' ||
      this.code === 'invalid_request'
    ) {
      return true;
    }
    if (this.code !== 'agent_error') return false;
    const data = this.details.data as { code?: string; outcomeUnknown?: boolean } | undefined;
    // The request was refused at the door (malformed, unknown method, bad params): it never reached a flow.
    const refusedAtTheDoor =
      this.details.rpcCode !== undefined && REFUSED_AT_THE_DOOR.has(this.details.rpcCode);
    return data?.outcomeUnknown !== true && (data?.code === 'busy' || refusedAtTheDoor);
  }

  /** True when the request may have reached a terminal and its outcome is not known to the caller. */
  get outcomeUnknown(): boolean {
    switch (this.code) {
      case 'outcome_unknown':
      case 'bad_answer':
        return true;
      case 'agent_error':
        return (this.details.data as { outcomeUnknown?: unknown } | undefined)?.outcomeUnknown === true;
      default:
        return false;
    }
  }

  /** The one safe next step, for a person or a program. */
  get action(): string {
    switch (this.code) {
      case 'unreachable':
        return 'nothing was sent: retry once an agent serves the terminal (check the agent and NATS)';
      case 'permission_denied':
        return 'nothing was sent: the credentials must allow requests to bluechip.<site>.<terminal>.<method>';
      case 'stream_unavailable':
        return 'nothing was sent and nothing changed: retry findOutcome once NATS and JetStream answer';
      case 'invalid_request':
        return 'nothing was sent: pass params that are plain JSON values';
      case 'outcome_unknown':
      case 'bad_answer':
        return RETRY_OR_FIND;
    }
    // agent_error: the bridge's own `data.action` when it gave one.
    const data = this.details.data as { action?: unknown } | undefined;
    if (typeof data?.action === 'string') return data.action;
    return this.outcomeUnknown ? RETRY_OR_FIND : 'see the message; nothing more is pending';
  }
}

export interface RemoteOptions {
  /** A connected NATS client: `@nats-io/transport-node`'s `connect` in Node, `wsconnect` in a browser. */
  readonly nats: NatsConnection;
  readonly site: string;
  readonly terminal: string;
  /** The outcome stream's name, for `findOutcome` (default `BLUECHIP_OUTCOMES`). */
  readonly stream?: string;
  /** The JetStream domain of the stream, when this client's server is a leaf node (see docs/fleet.md). */
  readonly domain?: string;
  readonly requestTimeoutMs?: number;
}

/** An operation's parameters, as the bridge's method table takes them (camelCase, amounts in cents). */
export type RemoteParams = { readonly [key: string]: unknown };

const DEFAULT_REQUEST_TIMEOUT_MS = 200_000;

/**
 * A terminal served by an agent somewhere, with the operations of the local `Terminal` in their Promise form:
 * POS code written against `connect()` runs against `connectRemote()` unchanged for payments.
 */
export class RemoteTerminal {
  readonly site: string;
  readonly terminal: string;
  private store: Promise<OutcomeStore> | undefined;

  constructor(private readonly options: RemoteOptions) {
    this.site = checkToken(options.site, 'site');
    this.terminal = checkToken(options.terminal, 'terminal');
  }

  sale(params: RemoteParams, options?: RemoteOperationOptions): Promise<RemoteOutcome> {
    return this.operation('sale', params, options);
  }
  refund(params: RemoteParams, options?: RemoteOperationOptions): Promise<RemoteOutcome> {
    return this.operation('refund', params, options);
  }
  void(params: RemoteParams, options?: RemoteOperationOptions): Promise<RemoteOutcome> {
    return this.operation('void', params, options);
  }
  preAuth(params: RemoteParams, options?: RemoteOperationOptions): Promise<RemoteOutcome> {
    return this.operation('preAuth', params, options);
  }
  preAuthCompletion(params: RemoteParams, options?: RemoteOperationOptions): Promise<RemoteOutcome> {
    return this.operation('preAuthCompletion', params, options);
  }
  force(params: RemoteParams, options?: RemoteOperationOptions): Promise<RemoteOutcome> {
    return this.operation('force', params, options);
  }
  tipAdjust(params: RemoteParams, options?: RemoteOperationOptions): Promise<RemoteOutcome> {
    return this.operation('tipAdjust', params, options);
  }
  cardBalance(params: RemoteParams = {}, options?: RemoteOperationOptions): Promise<RemoteOutcome> {
    return this.operation('cardBalance', params, options);
  }
  reprintReceipt(params: RemoteParams = {}, options?: RemoteOperationOptions): Promise<RemoteOutcome> {
    return this.operation('reprintReceipt', params, options);
  }
  recallLastTransaction(params: RemoteParams = {}, options?: RemoteOperationOptions): Promise<RemoteOutcome> {
    return this.operation('recallLastTransaction', params, options);
  }
  settlement(params: RemoteParams = {}, options?: RemoteOperationOptions): Promise<RemoteOutcome> {
    return this.operation('settlement', params, options);
  }
  terminalInfo(options?: RemoteOperationOptions): Promise<RemoteOutcome> {
    return this.operation('terminalInfo', {}, options);
  }
  setDateTime(
    params: { at?: Date; utc?: boolean } = {},
    options?: RemoteOperationOptions,
  ): Promise<RemoteOutcome> {
    const { at, ...rest } = params;
    return this.operation(
      'setDateTime',
      { ...rest, ...(at === undefined ? {} : { at: at.toISOString() }) },
      options,
    );
  }
  report(
    reportType: string,
    params: RemoteParams = {},
    options?: RemoteOperationOptions,
  ): Promise<RemoteOutcome> {
    return this.operation('report', { ...params, reportType }, options);
  }
  raw(endpoint: string, resource: RemoteParams, options?: RemoteOperationOptions): Promise<RemoteOutcome> {
    return this.operation('raw', { endpoint, resource }, options);
  }

  /** Observable forms, as on the local `Terminal`: progress, then `final`. Unsubscribing stops the waiting only. */
  sale$(params: RemoteParams, options?: RemoteOperationOptions): Observable<RemoteFlowUpdate> {
    return this.operation$('sale', params, options);
  }
  refund$(params: RemoteParams, options?: RemoteOperationOptions): Observable<RemoteFlowUpdate> {
    return this.operation$('refund', params, options);
  }
  void$(params: RemoteParams, options?: RemoteOperationOptions): Observable<RemoteFlowUpdate> {
    return this.operation$('void', params, options);
  }
  preAuth$(params: RemoteParams, options?: RemoteOperationOptions): Observable<RemoteFlowUpdate> {
    return this.operation$('preAuth', params, options);
  }
  preAuthCompletion$(params: RemoteParams, options?: RemoteOperationOptions): Observable<RemoteFlowUpdate> {
    return this.operation$('preAuthCompletion', params, options);
  }
  force$(params: RemoteParams, options?: RemoteOperationOptions): Observable<RemoteFlowUpdate> {
    return this.operation$('force', params, options);
  }
  tipAdjust$(params: RemoteParams, options?: RemoteOperationOptions): Observable<RemoteFlowUpdate> {
    return this.operation$('tipAdjust', params, options);
  }
  cardBalance$(params: RemoteParams = {}, options?: RemoteOperationOptions): Observable<RemoteFlowUpdate> {
    return this.operation$('cardBalance', params, options);
  }

  /** The agent's view: connection state, calls in flight, flows its journal holds open. */
  status(): Promise<{ state: { kind: string }; inFlight: number; openFlows: number; url: string }> {
    return this.call('terminal.status', {}) as never;
  }

  /** Asks the agent to reconcile the flows its journal holds open (docs/bridge.md `reconcile`). */
  reconcile(): Promise<unknown> {
    return this.call('reconcile', {});
  }

  /** What the agent's journal knows of a flow (the bridge's `outcome.get`). */
  journaled(key: OutcomeKey): Promise<unknown> {
    return this.call('outcome.get', { ...key });
  }

  /**
   * The outcome the stream holds for this key, or null: for a caller that timed out, or whose agent died.
   * Needs no agent, only the stream.
   */
  async findOutcome(key: OutcomeKey): Promise<OutcomeRecord | null> {
    const { stream, domain } = this.options;
    if (!isOutcomeKey(key)) {
      throw new RemoteError(
        'invalid_request',
        'findOutcome takes { idempotencyKey } or { flowId }, a non-empty string: nothing was looked up',
      );
    }
    try {
      this.store ??= OutcomeStore.open(this.options.nats, {
        ...(stream === undefined ? {} : { name: stream }),
        ...(domain === undefined ? {} : { domain }),
      } satisfies StreamSettings);
      return await (await this.store).find(this.site, this.terminal, key);
    } catch (error) {
      // A failed open is not remembered: the next lookup tries again (JetStream may be back).
      this.store = undefined;
      throw new RemoteError(
        'stream_unavailable',
        `could not read the outcome stream for ${this.site}/${this.terminal}: ${describe(error)}`,
        {},
        { cause: error },
      );
    }
  }

  /** Connection-state changes of the terminal, as the agent sees them. Returns the unsubscribe function. */
  onState(listener: (state: { kind: string; [key: string]: unknown }) => void): () => void {
    let sub: Subscription;
    try {
      sub = this.options.nats.subscribe(terminalEventSubject(this.site, this.terminal, 'state'), {
        callback: (error, msg) => {
          if (error !== null) return;
          try {
            listener((msg.json() as { params: { state: { kind: string } } }).params.state);
          } catch {
            // Not ours to crash on: a malformed publication is skipped.
          }
        },
      });
    } catch (error) {
      throw new RemoteError(
        'unreachable',
        `cannot watch ${this.site}/${this.terminal}: ${describe(error)}`,
        {},
        { cause: error },
      );
    }
    return () => sub.unsubscribe();
  }

  private operation$(
    method: string,
    params: RemoteParams,
    options: RemoteOperationOptions = {},
  ): Observable<RemoteFlowUpdate> {
    return new Observable<RemoteFlowUpdate>((subscriber) => {
      let open = true;
      this.operation(method, params, {
        ...options,
        onProgress: (progress) => {
          options.onProgress?.(progress);
          if (open) subscriber.next(progress);
        },
      }).then(
        (outcome) => {
          if (!open) return;
          subscriber.next({ type: 'final', flowId: outcome.flowId, outcome });
          subscriber.complete();
        },
        (error: unknown) => {
          if (open) subscriber.error(error);
        },
      );
      return () => {
        open = false;
      };
    });
  }

  private operation(
    method: string,
    params: RemoteParams,
    options: RemoteOperationOptions = {},
  ): Promise<RemoteOutcome> {
    const { idempotencyKey, flowId, timeouts } = options;
    return this.call(
      method,
      {
        ...params,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        ...(flowId === undefined ? {} : { flowId }),
        ...(timeouts === undefined ? {} : { timeouts }),
      },
      options,
    ) as Promise<RemoteOutcome>;
  }

  private async call(
    method: string,
    params: RemoteParams,
    options: RemoteOperationOptions = {},
  ): Promise<unknown> {
    const { nats } = this.options;
    const callId = nuid.next();
    const h = natsHeaders();
    h.set(CALL_ID_HEADER, callId);
    let progress: Subscription | undefined;
    try {
      if (options.onProgress !== undefined) {
        progress = nats.subscribe(progressWildcard(this.site, this.terminal), {
          callback: (error, msg) => {
            if (error !== null) return;
            try {
              const p = msg.json<RemoteProgress & { requestId?: string }>();
              if (p.requestId === callId) options.onProgress?.(p);
            } catch {
              // A malformed publication is skipped.
            }
          },
        });
        await nats.flush();
      }
    } catch (error) {
      // Before the request: whatever failed (a closed connection, a flush that timed out), nothing was sent.
      progress?.unsubscribe();
      throw new RemoteError(
        'unreachable',
        `could not prepare ${method} on ${this.site}/${this.terminal}: ${describe(error)}; nothing was sent`,
        {},
        { cause: error },
      );
    }
    const timeout =
      options.requestTimeoutMs ??
      this.options.requestTimeoutMs ??
      (options.timeouts?.flowMs === undefined
        ? DEFAULT_REQUEST_TIMEOUT_MS
        : options.timeouts.flowMs + 20_000);
    let body: string;
    try {
      body = JSON.stringify(params);
    } catch (error) {
      progress?.unsubscribe();
      throw new RemoteError(
        'invalid_request',
        `the params of ${method} are not JSON (${describe(error)}): nothing was sent`,
        {},
        { cause: error },
      );
    }
    let msg: Msg;
    try {
      msg = await nats.request(requestSubject(this.site, this.terminal, method), body, {
        timeout,
        headers: h,
      });
    } catch (error) {
      throw remoteError(error, this.site, this.terminal, method);
    } finally {
      progress?.unsubscribe();
    }
    const flag = msg.headers?.get(RECORDED_HEADER);
    const recorded = flag === 'yes' ? true : flag === 'no' ? false : undefined;
    let answer: unknown;
    try {
      answer = msg.json();
    } catch (error) {
      throw badAnswer(method, 'is not JSON', error);
    }
    if (!isObject(answer)) throw badAnswer(method, 'is not a JSON-RPC response object');
    if (Object.hasOwn(answer, 'error')) {
      const error = isObject(answer.error) ? answer.error : {};
      throw new RemoteError(
        'agent_error',
        typeof error.message === 'string' ? error.message : `the agent refused ${method}`,
        { ...(typeof error.code === 'number' ? { rpcCode: error.code } : {}), data: error.data },
      );
    }
    if (!Object.hasOwn(answer, 'result')) throw badAnswer(method, 'has no result');
    if (recorded === false && isOutcome(answer.result)) {
      // Approved and journaled at the store, but not yet in the fleet record: it will follow from the outbox.
      return { ...answer.result, recorded: false };
    }
    return answer.result;
  }
}

function isOutcomeKey(key: unknown): key is OutcomeKey {
  if (!isObject(key)) return false;
  const value = Object.hasOwn(key, 'idempotencyKey') ? key.idempotencyKey : key.flowId;
  return (
    (Object.hasOwn(key, 'idempotencyKey') || Object.hasOwn(key, 'flowId')) &&
    typeof value === 'string' &&
    value !== ''
  );
}

function isObject(value: unknown): value is { readonly [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The agent ran the request but its answer cannot be read: the outcome is unknown. */
function badAnswer(method: string, what: string, cause?: unknown): RemoteError {
  return new RemoteError(
    'bad_answer',
    `the agent's answer to ${method} ${what}`,
    {},
    cause === undefined ? undefined : { cause },
  );
}

function isOutcome(value: unknown): value is RemoteOutcome {
  return (
    typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string'
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : renderUntrusted(error, { maxChars: 200 });
}

/** Every failure of a request as a `RemoteError`: the NATS client's own errors never reach the caller. */
function remoteError(error: unknown, site: string, terminal: string, method: string): RemoteError {
  const cause = error instanceof RequestError && error.cause !== undefined ? error.cause : error;
  if (cause instanceof NoRespondersError || error instanceof NoRespondersError) {
    return new RemoteError(
      'unreachable',
      `no agent serves ${site}/${terminal}: nothing was sent`,
      {},
      { cause: error },
    );
  }
  // Both are thrown before anything is published.
  if (error instanceof ClosedConnectionError || error instanceof DrainingConnectionError) {
    return new RemoteError(
      'unreachable',
      `the NATS connection is ${error instanceof ClosedConnectionError ? 'closed' : 'draining'}: nothing was sent to ${site}/${terminal}`,
      {},
      { cause: error },
    );
  }
  if (cause instanceof PermissionViolationError || error instanceof PermissionViolationError) {
    return new RemoteError('permission_denied', describe(cause), {}, { cause: error });
  }
  if (cause instanceof TimeoutError || error instanceof TimeoutError) {
    return new RemoteError(
      'outcome_unknown',
      `no answer to ${method} on ${site}/${terminal} in time: the flow may have run; look it up with findOutcome`,
      {},
      { cause: error },
    );
  }
  const message = describe(error);
  if (/permission/i.test(message)) return new RemoteError('permission_denied', message, {}, { cause: error });
  // The connection failed while the request may have been out: as unknown as a timeout.
  return new RemoteError(
    'outcome_unknown',
    `request to ${site}/${terminal} failed: ${message}`,
    {},
    { cause: error },
  );
}

/** A terminal served by a `bluechip agent` over NATS. */
export function connectRemote(options: RemoteOptions): RemoteTerminal {
  return new RemoteTerminal(options);
}
