import { Observable, type Observer, Subscriber, type Subscription } from 'rxjs';

/**
 * RxJS 7 swallows an exception thrown by a subscriber's `next` (it is reported asynchronously as unhandled),
 * so a producer cannot tell whether the consumer accepted an item. A flow must know, because it acks only
 * accepted events. `GuardedObservable` wraps plain observers so a throwing `next` is caught, recorded for the
 * producer (`consumerFailure`), and turned into an `error` notification instead of an unhandled exception.
 * Operator chains pass their own Subscriber and are left alone: operators already turn throws into errors.
 */
const failures = new WeakMap<Subscriber<unknown>, unknown>();

export function consumerFailure(subscriber: Subscriber<unknown>): { failed: boolean; error?: unknown } {
  return failures.has(subscriber) ? { failed: true, error: failures.get(subscriber) } : { failed: false };
}

export class GuardedObservable<T> extends Observable<T> {
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
    const guarded: Subscriber<T> = new Subscriber<T>({
      next: (value) => {
        try {
          observer.next?.(value);
        } catch (err) {
          failures.set(guarded as Subscriber<unknown>, err);
        }
      },
      error: (err: unknown) => observer.error?.(err),
      complete: () => observer.complete?.(),
    });
    return super.subscribe(guarded);
  }
}
