import type { Link, Transport } from '@bluechip-ws/core';
import {
  asyncScheduler,
  defer,
  map,
  of,
  retry,
  type SchedulerLike,
  switchMap,
  take,
  tap,
  throwError,
  timeout,
  timer,
} from 'rxjs';

export interface SequentialDialOptions {
  /** Longest wait for the previous link to report closed. Default 2000 ms. */
  readonly closeWaitMs?: number;
  /** Re-dials after a "busy" refusal that follows our own previous link. Default 4 (50, 100, 200, 400 ms). */
  readonly busyRetries?: number;
  readonly scheduler?: SchedulerLike;
}

/**
 * A terminal serves one client at a time (tsi-notes §6.3) and refuses a second socket until the first has
 * gone. In multi-endpoint mode the session closes the payment socket and dials the info one right away, and
 * the terminal may still count the old socket (a WebSocket close takes a round trip) and refuse the new one.
 * So a dial waits for the previous link to report closed, and a busy refusal (HTTP 409, "busy") right
 * after a link of our own is retried a few times with a short backoff. A first dial is never retried: a
 * terminal held by another POS is reported at once.
 */
export function sequentialDials(transport: Transport, options: SequentialDialOptions = {}): Transport {
  const closeWaitMs = options.closeWaitMs ?? 2000;
  const busyRetries = options.busyRetries ?? 4;
  const scheduler = options.scheduler ?? asyncScheduler;
  let previous: Link | undefined;
  return {
    open: (path) =>
      defer(() => {
        const prior = previous;
        if (prior === undefined) return transport.open(path);
        const closed$ = prior.closed$.pipe(
          take(1),
          map(() => undefined),
          timeout({ first: closeWaitMs, with: () => of(undefined), scheduler }),
        );
        return closed$.pipe(
          switchMap(() => transport.open(path)),
          retry({
            count: busyRetries,
            delay: (error: unknown, attempt) =>
              isBusyRefusal(error) ? timer(50 * 2 ** (attempt - 1), scheduler) : throwError(() => error),
          }),
        );
      }).pipe(
        tap((link) => {
          previous = link;
        }),
      ),
  };
}

/** The simulator answers a second client with HTTP 409 "terminal busy"; real terminals are not documented. */
function isBusyRefusal(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (/\b409\b|busy/i.test(e.message)) return true;
  }
  return false;
}
