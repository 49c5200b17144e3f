import { utf8Length } from '@bluechip-ws/protocol/internal';
/**
 * The part of a WebSocket this transport uses: the WHATWG API shared by browsers and `ws`, plus `ws`'s
 * optional `ping`/`on('pong')`/`terminate` on Node. Any runtime's constructor with this shape can be injected.
 */
export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  binaryType: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  // One overload per event, so the DOM's `WebSocket` and `ws`'s class (both generic over an event map)
  // are assignable: `connect({ WebSocket })` type-checks with the browser's global constructor.
  addEventListener(type: 'open' | 'error', listener: (event: unknown) => void): void;
  addEventListener(type: 'message', listener: (event: MessageEventLike) => void): void;
  addEventListener(type: 'close', listener: (event: CloseEventLike) => void): void;
  ping?: () => void;
  on?: ((event: 'pong', listener: () => void) => unknown) &
    ((event: 'message', listener: (data: unknown, isBinary: boolean) => void) => unknown) &
    ((
      event: 'unexpected-response',
      listener: (request: { destroy(): void }, response: { statusCode?: number }) => void,
    ) => unknown);
  terminate?: () => void;
}

/** The part of Node's `net.Socket` that lets writes made in one tick leave in one system call. */
export interface CorkableSocket {
  cork(): void;
  uncork(): void;
}

/**
 * The TCP socket under a Node `ws` WebSocket (its `_socket`, set once open), or undefined for a browser's
 * WebSocket or any other runtime's: those send as they are told.
 */
export function corkableSocketOf(socket: WebSocketLike): CorkableSocket | undefined {
  const raw = (socket as { _socket?: unknown })._socket;
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { cork, uncork } = raw as Partial<CorkableSocket>;
  return typeof cork === 'function' && typeof uncork === 'function' ? (raw as CorkableSocket) : undefined;
}

/**
 * A WebSocket constructor. The third argument carries Node `ws` options (`maxPayload`); browsers ignore it.
 */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { maxPayload?: number },
) => WebSocketLike;

export interface MessageEventLike {
  readonly data: unknown;
}

export interface CloseEventLike {
  readonly code?: number;
  readonly reason?: string;
  readonly wasClean?: boolean;
}

/** What an error event tells, which in browsers is nothing at all. */
export function errorMessage(event: unknown): string {
  if (event instanceof Error) return event.message;
  if (typeof event === 'object' && event !== null) {
    const { error, message } = event as { error?: unknown; message?: unknown };
    if (error instanceof Error) return error.message;
    if (typeof message === 'string' && message) return message;
  }
  return 'WebSocket error';
}

/** Closes without throwing: browsers reject codes other than 1000 and 3000–4999, and reasons over 123 bytes. */
export function closeQuietly(socket: WebSocketLike, code: number, reason: string): void {
  const shortReason = utf8Length(reason) > 123 ? reason.slice(0, 40) : reason;
  try {
    socket.close(code, shortReason);
  } catch {
    try {
      socket.close(1000, shortReason);
    } catch {
      // The socket is already unusable; nothing more to do.
    }
  }
}

/** Text stays a string; any binary payload becomes a Uint8Array view (no copy). */
export function toFrame(data: unknown): string | Uint8Array | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}
