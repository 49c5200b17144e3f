import { type Frame, type Link, type LinkClose, TransportError } from '@bluechip-ws/core';
import { utf8Length } from '@bluechip-ws/protocol/internal';
import { AsyncSubject, type Observable, ReplaySubject, Subject, type Subscription } from 'rxjs';
import { LivenessMonitor } from './liveness.js';
import type { ResolvedWsOptions } from './options.js';
import {
  type CloseEventLike,
  type CorkableSocket,
  closeQuietly,
  corkableSocketOf,
  errorMessage,
  type MessageEventLike,
  toFrame,
  type WebSocketLike,
} from './socket.js';

const OPEN = 1;

/** `ws` reports its own maxPayload breach as this error, then closes the socket (the close event says 1006). */
function isPayloadTooLarge(event: unknown): boolean {
  const error = (event as { error?: unknown } | undefined)?.error ?? event;
  return (error as { code?: unknown } | undefined)?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
}

/**
 * One WebSocket as a `Link`. It is created while the socket connects; `opened$` emits it once the socket is
 * open, or errors with `connect_failed`. The socket's listeners stay attached for its whole life (a `ws` socket
 * with no `error` listener would crash the process), and act according to the phase.
 */
export class WsLink implements Link {
  /** `closing`: we asked to close and wait for the socket to be gone before reporting it. */
  private phase: 'connecting' | 'open' | 'closing' | 'closed' = 'connecting';
  private closeWait: Subscription | undefined;
  private requestedClose: LinkClose | undefined;
  private readonly frames = new Subject<Frame>();
  private readonly closed = new ReplaySubject<LinkClose>(1);
  private readonly dial = new AsyncSubject<Link>();
  private readonly connectTimer: Subscription;
  private readonly liveness: LivenessMonitor;
  private lastError: unknown;
  /** Node only: the TCP socket, corked from the first send of a tick to the end of its microtasks. */
  private tcp: CorkableSocket | undefined;
  private corked = false;
  private readonly uncork = (): void => {
    this.corked = false;
    this.tcp?.uncork();
  };

  readonly frames$: Observable<Frame> = this.frames.asObservable();
  readonly closed$: Observable<LinkClose> = this.closed.asObservable();
  /** Emits this link once open, then completes; errors with `TransportError('connect_failed')`. */
  readonly opened$: Observable<Link> = this.dial.asObservable();

  constructor(
    private readonly socket: WebSocketLike,
    readonly path: string,
    readonly url: string,
    private readonly options: ResolvedWsOptions,
    /**
     * `emitter`: the socket is Node's `ws` (this transport's default constructor there), whose own `message`
     * event hands over the payload; its DOM-style listener built a MessageEvent per frame on top. `dom`: any
     * other WebSocket (browsers, an injected constructor).
     */
    messages: 'emitter' | 'dom' = 'dom',
  ) {
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('open', () => this.onOpen());
    if (messages === 'emitter' && typeof socket.on === 'function') {
      // A text payload is a Buffer: its own toString (String(buffer) looked up Symbol.toPrimitive first).
      socket.on('message', (data: unknown, isBinary: boolean) =>
        this.onMessage(isBinary ? toFrame(data) : (data as { toString(): string }).toString()),
      );
    } else {
      socket.addEventListener('message', (event: MessageEventLike) => this.onMessage(toFrame(event.data)));
    }
    socket.addEventListener('close', (event: CloseEventLike) => this.onClose(event));
    socket.addEventListener('error', (event: unknown) => this.onError(event));
    // Node (`ws`): a handshake the server refused (409 from a terminal serving another client) is told with
    // its status, so callers get a typed refusal rather than a message to parse. Browsers never tell.
    socket.on?.('unexpected-response', (_request, response) =>
      this.failDial(
        `the server refused the WebSocket handshake with HTTP ${response.statusCode ?? 'error'}`,
        undefined,
        response.statusCode,
      ),
    );
    this.liveness = new LivenessMonitor(socket, options.liveness, options.scheduler, (reason) =>
      this.declareDead(reason),
    );
    this.connectTimer = options.scheduler.schedule(
      () => this.failDial(`no connection within ${options.connectTimeoutMs} ms`),
      options.connectTimeoutMs,
    );
  }

  get isOpen(): boolean {
    return this.phase === 'open';
  }

  send(frame: string): void {
    if (this.phase !== 'open' || this.socket.readyState !== OPEN) {
      throw new TransportError('not_open', `link to ${this.url} is closed`);
    }
    const buffered = this.socket.bufferedAmount;
    const limit = this.options.maxBufferedBytes;
    // Exact UTF-8 length only when the cheap upper bound (3 bytes per UTF-16 unit) might pass the limit.
    if (buffered + frame.length * 3 > limit && buffered + utf8Length(frame) > limit) {
      throw new TransportError(
        'buffer_full',
        `outgoing buffer of ${this.url} holds ${buffered} bytes; sending ${utf8Length(frame)} more would pass maxBufferedBytes ${limit}`,
      );
    }
    try {
      this.corkForTick();
      this.socket.send(frame);
    } catch (cause) {
      throw new TransportError('not_open', `send on ${this.url} failed: ${errorMessage(cause)}`, { cause });
    }
  }

  /**
   * Frames sent in one tick (the acks of every event in one TCP read, the request of the next flow) leave in
   * one write: the socket is corked at the first send and uncorked once the tick's microtasks have run.
   */
  private corkForTick(): void {
    if (this.corked || this.tcp === undefined) return;
    this.corked = true;
    this.tcp.cork();
    queueMicrotask(this.uncork);
  }

  close(reason = 'closed', code = 1000): void {
    if (this.phase !== 'open') return;
    // From now on nothing is sent or delivered; `closed$` reports once the socket is really closed.
    this.phase = 'closing';
    this.requestedClose = { reason, code, clean: true };
    this.liveness.stop();
    this.frames.complete();
    closeQuietly(this.socket, code, reason);
    this.closeWait = this.options.scheduler.schedule(() => {
      if (typeof this.socket.terminate === 'function') this.socket.terminate();
      this.finishRequestedClose();
    }, this.options.closeWaitMs);
  }

  /** Gives up a dial nobody waits for any more. */
  abandonDial(): void {
    if (this.phase !== 'connecting') return;
    this.phase = 'closed';
    this.connectTimer.unsubscribe();
    closeQuietly(this.socket, 1000, 'dial cancelled');
  }

  private onOpen(): void {
    if (this.phase !== 'connecting') return;
    this.phase = 'open';
    this.tcp = corkableSocketOf(this.socket);
    this.connectTimer.unsubscribe();
    this.liveness.start();
    this.dial.next(this);
    this.dial.complete();
  }

  /** A received payload: text as a string, binary as bytes, undefined for a payload type nobody knows. */
  private onMessage(payload: string | Uint8Array | undefined): void {
    if (this.phase !== 'open') return;
    this.liveness.activity();
    const frame = payload ?? new Uint8Array(0); // unknown payload types are reported as binary
    const max = this.options.maxFrameBytes;
    // Exact UTF-8 length only when the cheap upper bound (3 bytes per UTF-16 unit) might pass the limit.
    const size =
      typeof frame === 'string'
        ? frame.length * 3 <= max
          ? frame.length
          : utf8Length(frame)
        : frame.byteLength;
    if (size > max) {
      const message = `frame_too_large: incoming frame of ${size} bytes exceeds maxFrameBytes ${this.options.maxFrameBytes}`;
      this.finish({
        reason: message,
        code: 1009,
        clean: false,
        cause: new TransportError('frame_too_large', message),
      });
      closeQuietly(this.socket, 1009, 'frame too large');
      return;
    }
    this.frames.next(frame);
  }

  private onError(event: unknown): void {
    this.lastError = event;
    if (this.phase === 'connecting') this.failDial(errorMessage(event), event);
  }

  private onClose(event: CloseEventLike): void {
    if (this.phase === 'closing') {
      this.finishRequestedClose();
      return;
    }
    if (this.phase === 'connecting') {
      this.failDial(`closed during the handshake (code ${event.code ?? 'none'})`, this.lastError);
      return;
    }
    if (this.phase !== 'open') return;
    const code = event.code ?? 1006;
    if (code === 1009 || isPayloadTooLarge(this.lastError)) {
      // `ws` enforces maxPayload itself (before buffering the frame) and closes with 1009.
      const message = `frame_too_large: incoming frame exceeds maxFrameBytes ${this.options.maxFrameBytes}`;
      const cause = new TransportError('frame_too_large', message, { cause: this.lastError });
      this.finish({ reason: message, code: 1009, clean: false, cause });
      return;
    }
    const reason = event.reason || (code === 1006 ? 'connection lost' : `closed by peer (code ${code})`);
    this.finish({
      reason,
      code,
      clean: false,
      ...(this.lastError === undefined ? {} : { cause: this.lastError }),
    });
  }

  private failDial(message: string, cause?: unknown, status?: number): void {
    if (this.phase !== 'connecting') return;
    this.phase = 'closed';
    this.connectTimer.unsubscribe();
    // On a refused handshake this also aborts the pending HTTP request (`ws` leaves it to the listener).
    closeQuietly(this.socket, 1000, 'connect failed');
    this.dial.error(
      new TransportError('connect_failed', `could not connect to ${this.url}: ${message}`, {
        ...(cause === undefined ? {} : { cause }),
        ...(status === undefined ? {} : { status }),
      }),
    );
  }

  private declareDead(reason: string): void {
    if (this.phase !== 'open') return;
    this.finish({ reason, code: 1006, clean: false, cause: new TransportError('liveness_timeout', reason) });
    if (typeof this.socket.terminate === 'function') this.socket.terminate();
    else closeQuietly(this.socket, 4000, 'liveness timeout');
  }

  private finishRequestedClose(): void {
    this.closeWait?.unsubscribe();
    this.closeWait = undefined;
    if (this.requestedClose !== undefined) this.finish(this.requestedClose);
  }

  private finish(close: LinkClose): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.liveness.stop();
    this.frames.complete(); // a no-op when close() completed it already
    this.closed.next(close);
    this.closed.complete();
  }
}
