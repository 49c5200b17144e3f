import {
  AsyncSubject,
  asyncScheduler,
  defer,
  map,
  type Observable,
  of,
  ReplaySubject,
  retry,
  type SchedulerLike,
  Subject,
  Subscription,
  switchMap,
  take,
  throwError,
  timeout,
  timer,
} from 'rxjs';
import { SoleFirstMap } from '../sole-first-map.js';
import { type Link, type LinkClose, type Transport, TransportError } from '../transport.js';
import {
  backoffDelay,
  type ReconnectPolicy,
  resolveReconnectPolicy,
  resolveSwitchPolicy,
  type SwitchPolicy,
} from './policy.js';
import type { ConnectionState } from './state.js';

export interface ConnectionOptions {
  /** Reconnection after an established link drops; `false` disables it. Defaults in `defaultReconnectPolicy`. */
  readonly reconnect?: Partial<ReconnectPolicy> | false;
  /** How a link to another endpoint replaces the current one. Defaults in `defaultSwitchPolicy`. */
  readonly switching?: Partial<SwitchPolicy>;
  /** Runs the backoff timers; inject a TestScheduler/VirtualTimeScheduler for virtual time. */
  readonly scheduler?: SchedulerLike;
  /** Source of jitter in [0, 1); inject a seeded one for reproducible delays. */
  readonly random?: () => number;
}

/** One dial in flight; every `acquire` of the same path while it runs shares its result. */
interface Dial {
  readonly path: string;
  readonly attempt: number;
  readonly result: AsyncSubject<Link>;
  subscription: Subscription;
}

type Phase =
  | { readonly kind: 'idle' }
  | { readonly kind: 'dialing'; readonly dial: Dial }
  | { readonly kind: 'open'; readonly path: string; readonly link: Link; watch: Subscription }
  | { readonly kind: 'backoff'; readonly path: string; readonly attempt: number; timer: Subscription }
  | { readonly kind: 'closed'; readonly disposed: boolean };

const pathOf = (phase: Phase): string | undefined => {
  switch (phase.kind) {
    case 'dialing':
      return phase.dial.path;
    case 'open':
    case 'backoff':
      return phase.path;
    default:
      return undefined;
  }
};

/**
 * Keeps at most one live `Link` over a `Transport` (a terminal serves one POS link at a time), and owns
 * switching it from one endpoint to another under one policy: wait until no user holds the link (`hold` /
 * `release`), close it, wait until it reports closed, dial, and retry a refused dial (`SwitchPolicy`).
 *
 * - `acquire(path)` dials once; a first dial is never retried. A dial that follows a link of ours is retried
 *   on the switch policy. Reconnection runs only after an established link drops without this side having
 *   closed it, with exponential backoff and jitter, up to `maxAttempts`.
 * - Reconnection only re-establishes the link: nothing is ever replayed on the new link.
 * - `close()` is final: it cancels any dial or backoff, closes the link and makes later `acquire`s fail.
 */
export class Connection {
  private readonly policy: ReconnectPolicy;
  private readonly switchPolicy: SwitchPolicy;
  private readonly scheduler: SchedulerLike;
  private readonly random: () => number;
  private readonly stateSubject = new ReplaySubject<ConnectionState>(1);
  private readonly linkSubject = new Subject<Link>();
  private phase: Phase = { kind: 'idle' };
  private currentState: ConnectionState = { kind: 'idle' };
  /** The last link opened: a new dial waits for it to be gone, and may then be retried. */
  private lastLink: Link | undefined;
  /** Users per path (flows started on it); a switch to another path waits until none is left. */
  /** Users per path; one path at a time is the rule, so no Map churn per flow (see `SoleFirstMap`). */
  private readonly holds = new SoleFirstMap<number>();
  /** An acquire of another path, waiting for the holders to finish. */
  private waiting: { readonly path: string; readonly result: AsyncSubject<Link> } | undefined;

  /** Every state change; replays the current state to new subscribers; completes after `close()`. */
  readonly state$: Observable<ConnectionState> = this.stateSubject.asObservable();
  /** Every link that becomes open (first dial and each reconnect), synchronously as it opens. */
  readonly links$: Observable<Link> = this.linkSubject.asObservable();

  constructor(
    private readonly transport: Transport,
    options: ConnectionOptions = {},
  ) {
    this.policy = resolveReconnectPolicy(options.reconnect);
    this.switchPolicy = resolveSwitchPolicy(options.switching);
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.random = options.random ?? Math.random;
    this.stateSubject.next(this.currentState);
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The open link, if any. */
  get link(): Link | undefined {
    return this.phase.kind === 'open' && this.phase.link.isOpen ? this.phase.link : undefined;
  }

  /** Whether a user starting now on `path` gets a link without waiting for users of another path. */
  canServe(path: string): boolean {
    return this.waiting === undefined && !this.heldElsewhere(path);
  }

  /** A user starts on `path`: no switch to another path until it `release`s. */
  hold(path: string): void {
    this.holds.set(path, (this.holds.get(path) ?? 0) + 1);
  }

  /** A user of `path` is done; the last user of any path lets a waiting switch go ahead. */
  release(path: string): void {
    const left = (this.holds.get(path) ?? 0) - 1;
    if (left > 0) {
      this.holds.set(path, left);
      return;
    }
    this.holds.delete(path);
    const waiting = this.waiting;
    if (waiting === undefined || this.heldElsewhere(waiting.path)) return;
    this.waiting = undefined;
    this.acquireNow(waiting.path).subscribe(waiting.result);
  }

  private heldElsewhere(path: string): boolean {
    for (const held of this.holds.keys()) if (held !== path) return true;
    return false;
  }

  /**
   * Cold: on subscription, emits the open link for `path` and completes. While users hold a link to another
   * path it waits until they release it (a later acquire of yet another path replaces the waiting one). Reuses an open link to the same path,
   * joins a dial in flight to it, or closes the link to another path and dials. During a reconnect backoff to
   * the same path it dials at once (an explicit demand beats the timer). Errors with
   * `TransportError('connect_failed')` when that one dial fails, `TransportError('not_open')` after `close()`.
   * Unsubscribing does not cancel a dial: the link it yields becomes the connection's current link.
   */
  acquire(path: string): Observable<Link> {
    return defer(() => this.acquireNow(path));
  }

  /** Stops everything for good: cancels dial and backoff, closes the link (clean), completes the streams. */
  close(reason = 'closed by client'): void {
    if (this.phase.kind === 'closed' && this.phase.disposed) return;
    const old = this.phase;
    // Final before any callback runs: an acquire from a closed$ handler must not dial again.
    this.phase = { kind: 'closed', disposed: true };
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.result.error(new TransportError('not_open', 'connection closed while waiting to switch'));
    this.leave(old, new TransportError('not_open', 'connection closed while dialing'), reason);
    const path = pathOf(old);
    this.emit({
      kind: 'closed',
      ...(path === undefined ? {} : { path }),
      reason: { reason, clean: true },
      disposed: true,
    });
    this.stateSubject.complete();
    this.linkSubject.complete();
  }

  private acquireNow(path: string): Observable<Link> {
    const phase = this.phase;
    if (this.heldElsewhere(path)) return this.waitToSwitch(path);
    switch (phase.kind) {
      case 'closed':
        if (phase.disposed) return throwError(() => new TransportError('not_open', 'connection is closed'));
        break;
      case 'open':
        if (phase.path === path && phase.link.isOpen) return of(phase.link);
        break;
      case 'dialing':
        if (phase.dial.path === path) return phase.dial.result;
        break;
      case 'backoff':
        if (phase.path === path) {
          phase.timer.unsubscribe();
          return this.dial(path, phase.attempt).result;
        }
        break;
    }
    this.phase = { kind: 'idle' };
    this.leave(
      phase,
      new TransportError('connect_failed', `dial cancelled: ${path} was acquired instead`),
      'path switch',
    );
    // A callback run by leave() (a closed$ or error handler) may have acquired or closed meanwhile.
    if (this.phase.kind !== 'idle') return this.acquireNow(path);
    return this.dial(path, 0).result;
  }

  /** Waits for the holders of the current link to release it; the latest waiting acquire wins. */
  private waitToSwitch(path: string): Observable<Link> {
    const waiting = this.waiting;
    if (waiting?.path === path) return waiting.result;
    this.waiting = { path, result: new AsyncSubject<Link>() };
    waiting?.result.error(
      new TransportError('connect_failed', `switch cancelled: ${path} was acquired instead`),
    );
    return this.waiting.result;
  }

  /** Cleans up a phase already left, without reacting to it: the link closes cleanly, a dial's waiters get `error`. */
  private leave(phase: Phase, error: TransportError, reason: string): void {
    switch (phase.kind) {
      case 'open':
        phase.watch.unsubscribe();
        phase.link.close(reason, 1000);
        break;
      case 'dialing':
        phase.dial.subscription.unsubscribe();
        phase.dial.result.error(error);
        break;
      case 'backoff':
        phase.timer.unsubscribe();
        break;
    }
  }

  private dial(path: string, attempt: number): Dial {
    const dial: Dial = { path, attempt, result: new AsyncSubject<Link>(), subscription: Subscription.EMPTY };
    this.phase = { kind: 'dialing', dial };
    this.emit({ kind: 'connecting', path, attempt });
    if (!this.isDialing(dial)) return dial; // a state subscriber moved us on
    const subscription = this.opener(path, attempt)
      .pipe(take(1))
      .subscribe({
        next: (link) => this.onOpened(dial, link),
        error: (err: unknown) => this.onDialFailed(dial, err),
        complete: () => {
          if (this.isDialing(dial)) {
            this.onDialFailed(
              dial,
              new TransportError('connect_failed', 'transport completed without a link'),
            );
          }
        },
      });
    // A transport may answer synchronously: only keep the subscription if the dial is still pending.
    if (this.isDialing(dial)) dial.subscription = subscription;
    return dial;
  }

  /**
   * The dial itself. After a link of ours (a switch, or a new acquire after a close) it first waits for that
   * link to report closed, then retries a failed open on the switch policy; a first dial and a reconnect
   * (which has its own backoff) open once.
   */
  private opener(path: string, attempt: number): Observable<Link> {
    // defer: a transport that throws instead of erroring still ends up in onDialFailed.
    const open = defer(() => this.transport.open(path));
    const previous = attempt === 0 ? this.lastLink : undefined;
    if (previous === undefined) return open;
    const policy = this.switchPolicy;
    const closed = previous.closed$.pipe(
      take(1),
      map(() => undefined),
      timeout({ first: policy.closeWaitMs, with: () => of(undefined), scheduler: this.scheduler }),
    );
    const redial = retry<Link>({
      count: policy.maxAttempts,
      delay: (_error, retried) => timer(backoffDelay(policy, retried, this.random), this.scheduler),
    });
    return closed.pipe(switchMap(() => open.pipe(redial)));
  }

  private isDialing(dial: Dial): boolean {
    return this.phase.kind === 'dialing' && this.phase.dial === dial;
  }

  private onOpened(dial: Dial, link: Link): void {
    if (!this.isDialing(dial)) {
      // Only reachable with a transport that ignores unsubscription; the waiters were already told.
      link.close('dial no longer wanted', 1000);
      dial.result.error(new TransportError('connect_failed', 'dial no longer wanted'));
      return;
    }
    const open: Phase & { kind: 'open' } = { kind: 'open', path: dial.path, link, watch: Subscription.EMPTY };
    this.phase = open;
    this.lastLink = link;
    this.emit({ kind: 'open', path: dial.path });
    this.linkSubject.next(link);
    const watch = link.closed$.pipe(take(1)).subscribe((close) => this.onClosed(link, close));
    if (this.phase === open) open.watch = watch;
    dial.result.next(link);
    dial.result.complete();
  }

  private onClosed(link: Link, close: LinkClose): void {
    const phase = this.phase;
    if (phase.kind !== 'open' || phase.link !== link) return;
    if (close.clean) {
      // Someone on this side closed the link itself: a deliberate end, not a drop.
      this.phase = { kind: 'closed', disposed: false };
      this.emit({ kind: 'closed', path: phase.path, reason: close });
      return;
    }
    this.reconnectOrGiveUp(phase.path, 1, close);
  }

  private onDialFailed(dial: Dial, err: unknown): void {
    if (!this.isDialing(dial)) return;
    const error =
      err instanceof TransportError && err.code === 'connect_failed'
        ? err
        : new TransportError('connect_failed', `could not open ${dial.path}: ${describe(err)}`, {
            cause: err,
          });
    const close: LinkClose = { reason: `connect_failed: ${error.message}`, clean: false, cause: err };
    if (dial.attempt === 0) {
      this.phase = { kind: 'closed', disposed: false };
      this.emit({ kind: 'closed', path: dial.path, reason: close });
    } else {
      this.reconnectOrGiveUp(dial.path, dial.attempt + 1, close);
    }
    dial.result.error(error);
  }

  private reconnectOrGiveUp(path: string, attempt: number, lastClose: LinkClose): void {
    if (attempt > this.policy.maxAttempts) {
      this.phase = { kind: 'closed', disposed: false };
      this.emit({ kind: 'closed', path, reason: lastClose });
      return;
    }
    const delayMs = backoffDelay(this.policy, attempt, this.random);
    const backoff: Phase & { kind: 'backoff' } = {
      kind: 'backoff',
      path,
      attempt,
      timer: Subscription.EMPTY,
    };
    this.phase = backoff;
    this.emit({ kind: 'reconnecting', path, attempt, delayMs, lastClose });
    if (this.phase !== backoff) return;
    backoff.timer = timer(delayMs, this.scheduler).subscribe(() => {
      if (this.phase === backoff) this.dial(path, attempt);
    });
  }

  private emit(state: ConnectionState): void {
    this.currentState = state;
    this.stateSubject.next(state);
  }
}

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));
