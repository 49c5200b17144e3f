import { CodedError } from '@bluechip-ws/protocol';
import type { Observable } from 'rxjs';

/**
 * The only seam between the core and the outside world. The core never imports a transport package;
 * transports (WebSocket, in-memory) implement these interfaces.
 */

/** One WebSocket-like message: text frames carry TSI JSON; binary frames are reported, never parsed. */
export type Frame = string | Uint8Array;

/** Why a link closed. `clean` is true only when this side asked for the close. */
export interface LinkClose {
  readonly reason: string;
  readonly code?: number;
  readonly clean: boolean;
  readonly cause?: unknown;
}

/** A live, already-open bidirectional link to one endpoint path. */
export interface Link {
  /** Endpoint path this link was opened on ('/tsi/v1/payment', or '/' in single-endpoint mode). */
  readonly path: string;
  /** Incoming frames, hot. Completes when the link closes. */
  readonly frames$: Observable<Frame>;
  /** Emits exactly once when the link closes (for any reason), then completes. Replays to late subscribers. */
  readonly closed$: Observable<LinkClose>;
  /** True until the link has closed. */
  readonly isOpen: boolean;
  /**
   * Sends one text frame. Throws a `TransportError` (never anything else) when the link is closed or its
   * outgoing buffer is over its bound; the caller treats that as the link being unusable.
   */
  send(frame: string): void;
  /** Closes the link; idempotent. `closed$` then emits with `clean: true`. */
  close(reason?: string, code?: number): void;
}

/** Opens links. `open` is cold: each subscription dials once, emits the open link, then completes. */
export interface Transport {
  open(path: string): Observable<Link>;
}

/** The terminal side of a transport: accepted connections, for simulators and test terminals. */
export interface LinkServer {
  readonly connections$: Observable<Link>;
}

/** Error kinds a transport reports; `cause` keeps the underlying error. */
export type TransportErrorCode =
  | 'connect_failed'
  | 'not_open'
  | 'buffer_full'
  | 'frame_too_large'
  | 'liveness_timeout';

export class TransportError extends CodedError<TransportErrorCode> {
  override readonly name = 'TransportError';
  /**
   * The HTTP status a server answered a WebSocket handshake with instead of upgrading (`connect_failed`;
   * on Node only: browsers do not tell). 409 is a terminal that serves another client.
   */
  readonly status: number | undefined;

  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown; status?: number }) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = options?.status;
  }
}
