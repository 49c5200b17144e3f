import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { WebSocketConstructor } from './socket.js';

export interface LivenessOptions {
  /** Node only (sockets with `ping`): interval between pings. Default 5000. */
  readonly pingIntervalMs?: number;
  /** Node only: the link is declared dead when no pong (or any frame) arrives this long after a ping. Default 3000. */
  readonly pongTimeoutMs?: number;
  /**
   * Any environment: the link is declared dead when no frame arrives for this long. Off by default, because an
   * idle terminal sends nothing; during a flow the core's response and event-gap timeouts bound detection.
   */
  readonly idleTimeoutMs?: number;
}

export interface WsTransportOptions {
  /** Base URL, e.g. `ws://192.168.1.20:50000`; `open(path)` dials `url + path`. */
  readonly url: string;
  /** WebSocket constructor; default `isomorphic-ws` (`ws` on Node, the global in browsers). */
  readonly WebSocket?: WebSocketConstructor;
  /** Default 5000. */
  readonly connectTimeoutMs?: number;
  /** Largest incoming frame, in bytes; a larger one closes the link with code 1009. Default 1 MiB. */
  readonly maxFrameBytes?: number;
  /** `send` throws `buffer_full` when `bufferedAmount` would pass this. Default 1 MiB. */
  readonly maxBufferedBytes?: number;
  /** `false` turns every liveness check off. */
  readonly liveness?: LivenessOptions | false;
  /**
   * After `close()`, how long `closed$` waits for the socket to be really closed (the closing handshake)
   * before it reports anyway and drops the socket. A one-client terminal refuses the next socket until the
   * previous one is gone, so reporting early would let the next dial race it. Default 1000.
   */
  readonly closeWaitMs?: number;
  /** Runs the connect, ping and idle timers; default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

export interface ResolvedLiveness {
  readonly pingIntervalMs: number | undefined;
  readonly pongTimeoutMs: number;
  readonly idleTimeoutMs: number | undefined;
}

export interface ResolvedWsOptions {
  readonly url: string;
  readonly connectTimeoutMs: number;
  readonly maxFrameBytes: number;
  readonly maxBufferedBytes: number;
  readonly closeWaitMs: number;
  readonly liveness: ResolvedLiveness;
  readonly scheduler: SchedulerLike;
}

const MiB = 1024 * 1024;

export function resolveWsOptions(options: WsTransportOptions): ResolvedWsOptions {
  if (typeof options.url !== 'string' || !/^wss?:\/\//i.test(options.url)) {
    throw new TypeError(`url must start with ws:// or wss://, got ${JSON.stringify(options.url)}`);
  }
  const positive = (name: string, value: number | undefined, fallback: number): number => {
    const v = value ?? fallback;
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${name} must be a positive number, got ${v}`);
    return v;
  };
  const live = options.liveness === false ? undefined : (options.liveness ?? {});
  return {
    url: options.url.replace(/\/+$/, ''),
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 5000),
    maxFrameBytes: positive('maxFrameBytes', options.maxFrameBytes, MiB),
    maxBufferedBytes: positive('maxBufferedBytes', options.maxBufferedBytes, MiB),
    closeWaitMs: positive('closeWaitMs', options.closeWaitMs, 1000),
    liveness: {
      pingIntervalMs: live ? positive('pingIntervalMs', live.pingIntervalMs, 5000) : undefined,
      pongTimeoutMs: live ? positive('pongTimeoutMs', live.pongTimeoutMs, 3000) : 3000,
      idleTimeoutMs:
        live?.idleTimeoutMs === undefined ? undefined : positive('idleTimeoutMs', live.idleTimeoutMs, 0),
    },
    scheduler: options.scheduler ?? asyncScheduler,
  };
}
