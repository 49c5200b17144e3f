import { Observable, type Observer, Subscriber, type Subscription } from 'rxjs';

/**
 * An Observable whose consumer's `next` can refuse an item by throwing, and the producer sees it.
 *
 * RxJS 7 wraps a plain observer in a SafeSubscriber that swallows a throw from `next` (reporting it later as
 * unhandled), so a producer cannot tell whether the consumer accepted an item. A flow must know, because it
 * acks only accepted events. Here a plain observer is wrapped in a bare Subscriber instead, so the throw
 * reaches the producer's `subscriber.next(...)` call, which treats it as a refusal. Operator chains pass their
 * own Subscriber and are left alone (operators turn throws into `error` notifications). Wrappers that build
 * their own Observable on a flow (the client's operations) use this class too, so a throw travels all the way.
 */
export class GuardedObservable<T> extends Observable<T> {
  override subscribe(
    observerOrNext?: Partial<Observer<T>> | ((value: T) => void) | null,
    error?: ((error: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription {
    if (observerOrNext instanceof Subscriber) return super.subscribe(observerOrNext);
    const observer: Partial<Observer<T>> =
      typeof observerOrNext === 'function'
        ? { next: observerOrNext, ...(error ? { error } : {}), ...(complete ? { complete } : {}) }
        : (observerOrNext ?? {});
    return super.subscribe(new RelaySubscriber<T>(observer));
  }
}

/** What is told when a consumer's subscription ends. */
export interface Teardown {
  unsubscribe(): void;
}

/**
 * Ties a producer's teardown to its subscriber. A consumer's own relay holds it in a field; any other
 * subscriber (an operator chain's) gets it through `add`, whose finalizer list is an array of 17 slots
 * (184 bytes) per subscriber: most of what an open flow cost beyond its own object, once.
 */
export function onUnsubscribe(subscriber: Subscriber<unknown>, teardown: Teardown): void {
  if (subscriber instanceof RelaySubscriber) subscriber.endWith(teardown);
  else subscriber.add(teardown);
}

/** Hands items straight to the consumer's observer: a throw in `next` reaches the producer. */
class RelaySubscriber<T> extends Subscriber<T> {
  private teardown: Teardown | undefined;

  constructor(private readonly observer: Partial<Observer<T>>) {
    super();
  }

  /** `teardown` is told once, when this subscription ends (at once if it has ended). */
  endWith(teardown: Teardown): void {
    if (this.closed) teardown.unsubscribe();
    else this.teardown = teardown;
  }

  override unsubscribe(): void {
    if (this.closed) return;
    super.unsubscribe();
    const teardown = this.teardown;
    this.teardown = undefined;
    teardown?.unsubscribe();
  }

  protected override _next(value: T): void {
    this.observer.next?.(value);
  }

  protected override _error(err: unknown): void {
    try {
      const observer = this.observer;
      if (observer.error) callOutside(() => observer.error?.(err));
      else reportUnhandled(err);
    } finally {
      this.unsubscribe();
    }
  }

  protected override _complete(): void {
    try {
      const observer = this.observer;
      if (observer.complete) callOutside(() => observer.complete?.());
    } finally {
      this.unsubscribe();
    }
  }
}

/**
 * Hands an item to a consumer and says whether it was refused (its `next` threw). Never throws: producers
 * call it from frame handlers.
 */
const ACCEPTED = { refused: false } as const;

export function offer<T>(
  subscriber: Subscriber<T>,
  value: T,
): { readonly refused: false } | { readonly refused: true; readonly error: unknown } {
  try {
    subscriber.next(value);
    // One shared answer: this runs for every event delivered.
    return ACCEPTED;
  } catch (error) {
    return { refused: true, error };
  }
}

/** A throw from an `error`/`complete` handler must not unwind into the producer: report it like RxJS does. */
function callOutside(handler: () => void): void {
  try {
    handler();
  } catch (err) {
    reportUnhandled(err);
  }
}

/** What RxJS does with an error nobody handles: rethrow it outside the producer's call stack. */
function reportUnhandled(err: unknown): void {
  setTimeout(() => {
    throw err;
  });
}
