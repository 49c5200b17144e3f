/** A JSON-RPC 2.0 error as the bridge sends it (docs/bridge.md, "Error codes"). */
export interface RpcError {
  readonly code: number;
  readonly message: string;
  readonly data?: {
    readonly code?: string;
    readonly action?: string;
    /** The client's failure classifier's kind (busy, unreachable, unknown…). */
    readonly kind?: string;
    readonly flowId?: string;
    readonly outcomeUnknown?: boolean;
    readonly path?: string;
  };
}

/** A call the bridge answered with an error. */
export class RpcCallError extends Error {
  override readonly name = 'RpcCallError';
  constructor(readonly error: RpcError) {
    super(error.message);
  }
}

export type NotificationListener = (method: string, params: Record<string, unknown>) => void;

/** Calls waiting for an answer, at most: the page never sends more (the bridge refuses beyond 32 anyway). */
const MAX_WAITING = 32;

/**
 * The page's end of the bridge's WebSocket carrier: the token goes in the subprotocols (browsers cannot set
 * an Authorization header), one JSON-RPC message per WebSocket message.
 */
export class BridgeClient {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<NotificationListener>();
  private socket: WebSocket | undefined;

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  /** Opens the socket; rejects when the bridge refuses it (wrong token, host or origin). */
  open(onClose: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.url, ['bluechip.bridge', `bluechip.bearer.${this.token}`]);
      this.socket = socket;
      let opened = false;
      socket.onopen = () => {
        opened = true;
        resolve();
      };
      socket.onerror = () => reject(new Error(`cannot connect to the bridge at ${this.url}`));
      socket.onclose = () => {
        for (const call of this.waiting.values()) call.reject(new Error('the bridge connection closed'));
        this.waiting.clear();
        if (opened) onClose();
      };
      socket.onmessage = (event) => this.receive(String(event.data));
    });
  }

  onNotification(listener: NotificationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  call<T = Record<string, unknown>>(method: string, params: Record<string, unknown>): Promise<T> {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new Error('not connected to the bridge'));
    }
    if (this.waiting.size >= MAX_WAITING) return Promise.reject(new Error('too many calls waiting'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  private receive(text: string): void {
    let message: { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: RpcError };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message.method === 'string') {
      const params = (message.params ?? {}) as Record<string, unknown>;
      for (const listener of this.listeners) listener(message.method, params);
      return;
    }
    if (typeof message.id !== 'number') return;
    const call = this.waiting.get(message.id);
    if (call === undefined) return;
    this.waiting.delete(message.id);
    if (message.error !== undefined) call.reject(new RpcCallError(message.error));
    else call.resolve(message.result);
  }
}
