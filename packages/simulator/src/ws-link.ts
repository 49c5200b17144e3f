import { type Frame, type LinkClose, TransportError } from '@bluechip-ws/core';
import { type Observable, ReplaySubject, Subject } from 'rxjs';
import type { RawData, WebSocket } from 'ws';
import type { DroppableLink } from './engine.js';

/** Outgoing bytes the socket may hold before `send` refuses (the POS is not reading). */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

function toFrame(data: RawData, isBinary: boolean): Frame {
  const chunks = Array.isArray(data) ? data : [data instanceof ArrayBuffer ? Buffer.from(data) : data];
  const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  return isBinary
    ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    : buffer.toString('utf8');
}

/** The upgrade socket under a `ws` socket: corking it makes several frames one write. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

export interface WsServerLinkOptions {
  /** Outgoing bytes the socket may hold before `send` refuses. Default `DEFAULT_MAX_BUFFERED_BYTES`. */
  readonly maxBufferedBytes?: number;
  /** The HTTP upgrade's socket, for `sendTogether`; without it frames go out one write each. */
  readonly transport?: Corkable;
}

/** One accepted server-side `ws` socket as a `Link`. */
export class WsServerLink implements DroppableLink {
  private readonly frames = new Subject<Frame>();
  private readonly closed = new ReplaySubject<LinkClose>(1);
  private open = true;
  private lastError: unknown;

  readonly frames$: Observable<Frame> = this.frames.asObservable();
  readonly closed$: Observable<LinkClose> = this.closed.asObservable();

  private readonly maxBufferedBytes: number;
  private readonly transport: Corkable | undefined;

  constructor(
    private readonly socket: WebSocket,
    readonly path: string,
    options: WsServerLinkOptions = {},
  ) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.transport = options.transport;
    socket.on('message', (data, isBinary) => {
      if (this.open) this.frames.next(toFrame(data, isBinary));
    });
    socket.on('error', (error) => {
      this.lastError = error;
    });
    socket.on('close', (code, reason) => {
      this.finish({
        reason: reason.toString('utf8') || 'connection closed by the peer',
        code,
        clean: false,
        ...(this.lastError === undefined ? {} : { cause: this.lastError }),
      });
    });
  }

  get isOpen(): boolean {
    return this.open;
  }

  send(frame: string): void {
    if (!this.open) throw new TransportError('not_open', 'link is closed');
    if (this.socket.bufferedAmount > this.maxBufferedBytes) {
      throw new TransportError('buffer_full', `more than ${this.maxBufferedBytes} bytes waiting to be sent`);
    }
    this.socket.send(frame);
  }

  /**
   * Sends frames as one TCP write (the upgrade socket corked around them), so a peer reads them together:
   * a terminal repeating its final event "in a row" repeats it before the POS can act on the first copy.
   */
  sendTogether(frames: readonly string[]): void {
    this.transport?.cork();
    try {
      for (const frame of frames) this.send(frame);
    } finally {
      this.transport?.uncork();
    }
  }

  close(reason = 'closed', code = 1000): void {
    if (!this.open) return;
    this.socket.close(code, reason.slice(0, 120));
    this.finish({ reason, code, clean: true });
  }

  /** Cuts the TCP connection without a close handshake. */
  drop(): void {
    if (!this.open) return;
    this.socket.terminate();
    this.finish({ reason: 'link dropped', clean: true });
  }

  private finish(close: LinkClose): void {
    if (!this.open) return;
    this.open = false;
    this.closed.next(close);
    this.closed.complete();
    this.frames.complete();
  }
}
