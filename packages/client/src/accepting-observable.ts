import { Observable, type Observer, Subscriber, type Subscription } from 'rxjs';

/**
 * An Observable that lets a throw in the caller's `next` propagate to the producer instead of being
 * swallowed by RxJS's SafeSubscriber. The session acks an event only once its consumer accepted it; a
 * throwing handler is a refusal, so the event is not acked and surfaces on `unclaimed$` instead.
 * Operator chains pass their own Subscriber, which already turns throws into errors: they are left alone.
 */
export class AcceptingObservable<T> extends Observable<T> {
  override subscribe(
    observerOrNext?: Partial<Observer<T>> | ((value: T) => void) | null,
    error?: ((error: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription {
    if (observerOrNext instanceof Subscriber) return super.subscribe(observerOrNext);
    const observer: Partial<Observer<T>> =
      typeof observerOrNext === 'function'
        ? {
            next: observerOrNext,
            ...(error ? { error } : {}),
            ...(complete ? { complete } : {}),
          }
        : (observerOrNext ?? {});
    return super.subscribe(
      new Subscriber<T>({
        next: (value) => observer.next?.(value),
        error: (err: unknown) => {
          if (observer.error) observer.error(err);
          else reportUnhandled(err);
        },
        complete: () => observer.complete?.(),
      }),
    );
  }
}

/** What RxJS does with an error nobody handles: rethrow it outside the producer's call stack. */
function reportUnhandled(err: unknown): void {
  setTimeout(() => {
    throw err;
  });
}
