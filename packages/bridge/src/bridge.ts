import { decodeUtf8Strict, renderUntrusted } from '@bluechip-ws/protocol/internal';
import { BridgeError, toRpcError } from './errors.js';
import {
  classify,
  failure,
  isNotification,
  notification,
  type RpcErrorObject,
  type RpcId,
  type RpcRequest,
  type RpcResponse,
  readableId,
  success,
} from './jsonrpc.js';
import { checkMessage, DEFAULT_MAX_DEPTH, type MessageCheck } from './message-check.js';
import { METHODS, type MethodSpec, methodTable } from './methods.js';
import { openRpcDocument } from './openrpc.js';
import type { Json } from './outcome-json.js';
import { decodeParams } from './schema/decode.js';
import { type BridgeHooks, TerminalRegistry } from './terminals.js';

/** One caller's end of a carrier (a stdio pipe, a WebSocket): where the bridge writes whole messages. */
export interface Peer {
  /** One serialized JSON-RPC message (or batch). Must not throw. */
  send(text: string): void;
}

export interface BridgeLogger {
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export interface BridgeOptions {
  readonly hooks?: BridgeHooks;
  /** The method table (default `METHODS`); other tools may extend it. */
  readonly methods?: readonly MethodSpec[];
  /** Calls one connection may have running at once; beyond, a call fails at once with busy (default 32). */
  readonly maxPending?: number;
  /** Elements of one batch (default 64). */
  readonly maxBatch?: number;
  /** Nesting of one message, or of one element of a batch (default 64); deeper ones are refused (-32600). */
  readonly maxDepth?: number;
  readonly logger?: BridgeLogger;
}

interface Pending {
  readonly controller: AbortController;
  readonly method: string;
}

/**
 * The dispatcher: one per bridge process, shared by every connection of every carrier. It owns the terminals
 * (and their journals), so a caller that goes away loses nothing: its flows finish, are journaled and acked,
 * and their outcomes are announced to the callers still connected.
 */
export class Bridge {
  readonly terminals: TerminalRegistry;
  private readonly methods: ReadonlyMap<string, MethodSpec>;
  private readonly specs: readonly MethodSpec[];
  private readonly connections = new Set<BridgeConnection>();
  private readonly running = new Set<Promise<unknown>>();
  private document: Json | undefined;
  readonly maxPending: number;
  readonly maxBatch: number;
  readonly maxDepth: number;
  readonly logger: BridgeLogger;
  private closing: Promise<void> | undefined;

  constructor(options: BridgeOptions = {}) {
    this.specs = options.methods ?? METHODS;
    this.methods = methodTable(this.specs);
    this.maxPending = options.maxPending ?? 32;
    this.maxBatch = options.maxBatch ?? 64;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.logger = options.logger ?? { log: () => undefined };
    this.terminals = new TerminalRegistry(options.hooks ?? {}, (method, params) =>
      this.broadcast(method, params),
    );
  }

  /** A new caller; the carrier feeds it messages and tells it when the caller is gone. */
  connect(peer: Peer): BridgeConnection {
    const connection = new BridgeConnection(this, peer);
    this.connections.add(connection);
    return connection;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Calls running, on every connection (those of gone callers included). */
  get runningCalls(): number {
    return this.running.size;
  }

  /** The method's spec, or undefined. */
  method(name: string): MethodSpec | undefined {
    return this.methods.get(name);
  }

  discover(): Json {
    this.document ??= openRpcDocument(this.specs) as Json;
    return this.document;
  }

  broadcast(method: string, params: Json): void {
    const text = JSON.stringify(notification(method, params));
    for (const connection of this.connections) connection.sendText(text);
  }

  /** @internal */
  track<T>(call: Promise<T>): Promise<T> {
    this.running.add(call);
    const done = () => this.running.delete(call);
    call.then(done, done);
    return call;
  }

  /** @internal */
  forget(connection: BridgeConnection): void {
    this.connections.delete(connection);
  }

  /**
   * Lets running calls settle (at most `timeoutMs`), then closes every terminal and journal. Idempotent.
   * Calls still running at the deadline fail `session_closed`; their flows are in the journal as open, and
   * the next `terminal.open` on that journal reconciles them.
   */
  close(timeoutMs = 30_000): Promise<void> {
    this.closing ??= (async () => {
      const settled = Promise.allSettled([...this.running]);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      if (this.running.size > 0) {
        this.logger.log('info', `waiting up to ${timeoutMs} ms for ${this.running.size} call(s) to settle`);
        const how = await Promise.race([settled, deadline]);
        if (how === 'timeout')
          this.logger.log('warn', `${this.running.size} call(s) still running; closing anyway`);
      }
      clearTimeout(timer);
      await this.terminals.closeAll();
    })();
    return this.closing;
  }
}

/** One caller. Responses and its progress go to its peer; terminal-wide notifications to every caller. */
export class BridgeConnection {
  private readonly pending = new Map<RpcId, Pending>();
  private gone = false;

  constructor(
    private readonly bridge: Bridge,
    private readonly peer: Peer,
  ) {}

  get pendingCalls(): number {
    return this.pending.size;
  }

  /**
   * One message from the caller as the bytes it sent. Bytes that are not UTF-8 are refused (-32700), never
   * replaced with U+FFFD: two different keys must not become one. Never throws.
   */
  receiveBytes(bytes: Uint8Array): void {
    const text = decodeUtf8Strict(bytes);
    if (text === undefined) {
      this.reply(
        failure(null, errorObject(new BridgeError('parse_error', 'message refused: it is not valid UTF-8'))),
      );
      return;
    }
    this.receive(text);
  }

  /** One message from the caller: a request, a notification or a batch. Never throws. */
  receive(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.reply(
        failure(
          null,
          errorObject(new BridgeError('parse_error', `malformed JSON: ${(error as Error).message}`)),
        ),
      );
      return;
    }
    if (Array.isArray(value)) this.receiveBatch(value);
    else {
      const answer = this.dispatch(value);
      if (answer !== undefined) answer.then((response) => this.reply(response));
    }
  }

  /** The carrier refused a message over its size bound. */
  refuseTooLarge(bytes: number, limit: number): void {
    this.reply(
      failure(
        null,
        errorObject(
          new BridgeError(
            'message_too_large',
            `message of ${bytes} bytes refused: the limit is ${limit} bytes`,
            {
              limit,
            },
          ),
        ),
      ),
    );
  }

  /** The caller is gone: its calls keep running to their end (journaled, acked); nothing more is sent to it. */
  close(): void {
    if (this.gone) return;
    this.gone = true;
    this.bridge.forget(this);
  }

  /** @internal */
  sendText(text: string): void {
    if (this.gone) return;
    try {
      this.peer.send(text);
    } catch (error) {
      this.bridge.logger.log('warn', `could not write to a caller: ${(error as Error).message}`);
    }
  }

  private reply(response: RpcResponse | RpcResponse[]): void {
    this.sendText(JSON.stringify(response));
  }

  private receiveBatch(items: unknown[]): void {
    if (items.length === 0) {
      this.reply(
        failure(null, errorObject(new BridgeError('invalid_request', 'an empty batch is not a request'))),
      );
      return;
    }
    if (items.length > this.bridge.maxBatch) {
      this.reply(
        failure(
          null,
          errorObject(
            new BridgeError('invalid_request', `a batch holds at most ${this.bridge.maxBatch} messages`),
          ),
        ),
      );
      return;
    }
    const answers = items.map((item) => this.dispatch(item)).filter((a) => a !== undefined);
    if (answers.length === 0) return;
    Promise.all(answers).then((responses) => this.reply(responses));
  }

  /** Handles one message; a promise of its response, or undefined for a notification. */
  private dispatch(value: unknown): Promise<RpcResponse> | undefined {
    const check = checkMessage(value, this.bridge.maxDepth);
    if (!check.ok) return this.refuse(value, check);
    const incoming = classify(value);
    switch (incoming.kind) {
      case 'invalid':
        return Promise.resolve(
          failure(incoming.id, errorObject(new BridgeError('invalid_request', incoming.message))),
        );
      case 'response':
        // The bridge sends no requests, so a response is the caller's mistake; it has no id to answer.
        this.bridge.logger.log(
          'warn',
          'ignored a response object from a caller (the bridge sends no requests)',
        );
        return undefined;
      case 'notification':
        this.notified(incoming.request);
        return undefined;
      case 'request':
        return this.call(incoming.request.id, incoming.request);
    }
  }

  /** A message that failed the door's checks: nothing in it is read but its id. */
  private refuse(
    value: unknown,
    check: Exclude<MessageCheck, { ok: true }>,
  ): Promise<RpcResponse> | undefined {
    const why =
      check.problem === 'too_deep'
        ? `nested deeper than ${check.limit} levels`
        : 'a string holds a lone surrogate (not UTF-8)';
    const limit = check.problem === 'too_deep' ? { maxDepth: check.limit } : {};
    // Inside a parameter it is that parameter's decode failure (-32602 with data.path); elsewhere the message's.
    const error =
      check.path === 'params' || check.path.startsWith('params.')
        ? new BridgeError('invalid_params', `${check.path}: ${why}`, { path: check.path, ...limit })
        : new BridgeError(
            'invalid_request',
            `message refused: ${check.path || 'the message'}: ${why}`,
            limit,
          );
    if (isNotification(value)) {
      this.bridge.logger.log('warn', `ignored a notification: ${error.message}`);
      return undefined;
    }
    return Promise.resolve(failure(readableId(value), errorObject(error)));
  }

  private notified(request: RpcRequest): void {
    if (request.method === '$/cancelRequest') {
      const params = request.params;
      const id =
        typeof params === 'object' && params !== null && Object.hasOwn(params, 'id')
          ? (params as { id?: unknown }).id
          : undefined;
      const entry = typeof id === 'string' || typeof id === 'number' ? this.pending.get(id) : undefined;
      entry?.controller.abort(new Error('cancelled by $/cancelRequest'));
      return;
    }
    // Notifications get no answer, even when unknown (JSON-RPC 2.0 §4.1); the log says why nothing happened.
    this.bridge.logger.log('warn', `ignored notification ${renderUntrusted(request.method)}`);
  }

  private call(id: RpcId, request: RpcRequest): Promise<RpcResponse> {
    const spec = this.bridge.method(request.method);
    if (spec === undefined) {
      return Promise.resolve(
        failure(
          id,
          errorObject(
            new BridgeError('method_not_found', `unknown method ${renderUntrusted(request.method)}`),
          ),
        ),
      );
    }
    if (id !== null && this.pending.has(id)) {
      return Promise.resolve(
        failure(
          id,
          errorObject(new BridgeError('invalid_request', `id ${renderUntrusted(id)} is already in use`)),
        ),
      );
    }
    if (this.pending.size >= this.bridge.maxPending) {
      return Promise.resolve(
        failure(
          id,
          errorObject(
            new BridgeError('busy', `${this.pending.size} calls are already running on this connection`, {
              limit: this.bridge.maxPending,
            }),
          ),
        ),
      );
    }
    const decoded = decodeParams(spec.params, request.params);
    if (!decoded.ok) {
      return Promise.resolve(
        failure(id, errorObject(new BridgeError('invalid_params', decoded.message, { path: decoded.path }))),
      );
    }
    const controller = new AbortController();
    if (id !== null) this.pending.set(id, { controller, method: spec.name });
    const context = {
      terminals: this.bridge.terminals,
      signal: controller.signal,
      requestId: id,
      progress: (params: Json) => this.sendText(JSON.stringify(notification('flow.progress', params))),
      discover: () => this.bridge.discover(),
    };
    const run = this.bridge.track(
      (async () => spec.handler(decoded.value, context))().then(
        (result) => {
          if (this.gone) this.unclaimed(request, result);
          return success(id, result);
        },
        (error: unknown) => failure(id, errorObject(error)),
      ),
    );
    return run.finally(() => {
      if (id !== null) this.pending.delete(id);
    });
  }

  /** An outcome whose caller left before it arrived: announced to the callers still connected. */
  private unclaimed(request: RpcRequest, result: Json): void {
    if (
      typeof result !== 'object' ||
      result === null ||
      Array.isArray(result) ||
      typeof result.flowId !== 'string'
    ) {
      return;
    }
    const params = request.params as { terminalId?: unknown; idempotencyKey?: unknown };
    this.bridge.broadcast('outcome.unclaimed', {
      terminalId: String(params.terminalId),
      flowId: result.flowId,
      reason: 'caller_gone',
      final: true,
      outcome: result,
      ...(typeof params.idempotencyKey === 'string' ? { idempotencyKey: params.idempotencyKey } : {}),
    });
  }
}

function errorObject(error: unknown): RpcErrorObject {
  return toRpcError(error);
}
