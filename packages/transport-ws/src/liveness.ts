import type { SchedulerLike, Subscription } from 'rxjs';
import type { ResolvedLiveness } from './options.js';
import type { WebSocketLike } from './socket.js';

/**
 * Declares a link dead when the peer goes silent: on Node by ping/pong (a pong or any frame counts as a sign of
 * life), anywhere by an optional idle timeout. Costs O(1) per incoming frame: it only records the time.
 */
export class LivenessMonitor {
  private lastSeen: number;
  private awaitingSince: number | undefined;
  private pingTimer: Subscription | undefined;
  private pongTimer: Subscription | undefined;
  private idleTimer: Subscription | undefined;
  private stopped = false;

  constructor(
    private readonly socket: WebSocketLike,
    private readonly options: ResolvedLiveness,
    private readonly scheduler: SchedulerLike,
    private readonly onDead: (reason: string) => void,
  ) {
    this.lastSeen = scheduler.now();
  }

  start(): void {
    const { pingIntervalMs, idleTimeoutMs } = this.options;
    const socket = this.socket;
    if (
      pingIntervalMs !== undefined &&
      typeof socket.ping === 'function' &&
      typeof socket.on === 'function'
    ) {
      socket.on('pong', () => this.activity());
      this.schedulePing(pingIntervalMs);
    }
    if (idleTimeoutMs !== undefined) this.scheduleIdleCheck(idleTimeoutMs);
  }

  /** Any sign of life from the peer. */
  activity(): void {
    this.lastSeen = this.scheduler.now();
    this.awaitingSince = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.pingTimer?.unsubscribe();
    this.pongTimer?.unsubscribe();
    this.idleTimer?.unsubscribe();
  }

  private schedulePing(intervalMs: number): void {
    this.pingTimer = this.scheduler.schedule(() => {
      if (this.stopped) return;
      this.ping();
      this.schedulePing(intervalMs);
    }, intervalMs);
  }

  private ping(): void {
    if (this.awaitingSince !== undefined) return; // the previous ping's deadline still runs
    const sentAt = this.scheduler.now();
    this.awaitingSince = sentAt;
    try {
      this.socket.ping?.();
    } catch {
      // A socket that cannot ping is closing; its close event ends the link.
    }
    const { pongTimeoutMs } = this.options;
    this.pongTimer = this.scheduler.schedule(() => {
      if (!this.stopped && this.awaitingSince === sentAt) {
        this.onDead(`liveness_timeout: no pong within ${pongTimeoutMs} ms of a ping`);
      }
    }, pongTimeoutMs);
  }

  private scheduleIdleCheck(delayMs: number): void {
    const idleTimeoutMs = this.options.idleTimeoutMs!;
    this.idleTimer = this.scheduler.schedule(() => {
      if (this.stopped) return;
      const silentFor = this.scheduler.now() - this.lastSeen;
      if (silentFor >= idleTimeoutMs) this.onDead(`liveness_timeout: no frame for ${idleTimeoutMs} ms`);
      else this.scheduleIdleCheck(idleTimeoutMs - silentFor);
    }, delayMs);
  }
}
