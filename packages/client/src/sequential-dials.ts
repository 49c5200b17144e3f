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
  timeout,
  timer,
} from 'rxjs';

export interface SequentialDialOptions {
  /** Longest wait for the previous link to report closed. Default 2000 ms. */
  readonly closeWaitMs?: number;
  /** Re-dials of a failed dial that follows our own previous link. Default 4 (50, 100, 200, 400 ms). */
  readonly switchRetries?: number;
  readonly scheduler?: SchedulerLike;
}

/**
 * A terminal serves one client at a time (docs/protocol.md) and refuses a second socket until the first has
 * gone. In multi-endpoint mode the session closes the payment socket and dials the info one right away, and
 * the terminal may still count the old socket (a WebSocket close takes a round trip) and refuse the new one.
 * So a dial waits for the previous link to report closed, and a failed dial that follows a link of our own
 * is retried a few times with a short backoff. Any failure counts, not only a visible "busy" (HTTP 409):
 * browsers report every refused handshake as a bare "WebSocket error". A first dial is never retried, so a
 * terminal held by another POS, or unreachable, is reported at once.
 */
export function sequentialDials(transport: Transport, options: SequentialDialOptions = {}): Transport {
  const closeWaitMs = options.closeWaitMs ?? 2000;
  const switchRetries = options.switchRetries ?? 4;
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
        // Only the dial is retried: the wait for the previous close is behind us.
        const redial = retry<Link>({
          count: switchRetries,
          delay: (_error, attempt) => timer(50 * 2 ** (attempt - 1), scheduler),
        });
        return closed$.pipe(switchMap(() => transport.open(path).pipe(redial)));
      }).pipe(
        tap((link) => {
          previous = link;
        }),
      ),
  };
}
