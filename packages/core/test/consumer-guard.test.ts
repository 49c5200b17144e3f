import { map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { GuardedObservable, onUnsubscribe } from '../src/session/consumer-guard.js';

/** A producer that ties a counting teardown to its subscriber, as the session ties a flow. */
function producer(told: { count: number }, finish?: 'complete' | 'error') {
  return new GuardedObservable<number>((subscriber) => {
    subscriber.next(1);
    if (finish === 'complete') subscriber.complete();
    if (finish === 'error') subscriber.error(new Error('x'));
    onUnsubscribe(subscriber, {
      unsubscribe: () => {
        told.count++;
      },
    });
  });
}

describe('onUnsubscribe: a producer is told once when its consumer leaves', () => {
  it('a plain observer: told on unsubscribe, once however often it is called', () => {
    const told = { count: 0 };
    const subscription = producer(told).subscribe(() => undefined);
    expect(told.count).toBe(0);
    subscription.unsubscribe();
    subscription.unsubscribe();
    expect(told.count).toBe(1);
  });

  it('an operator chain (its own subscriber, through add): told on unsubscribe', () => {
    const told = { count: 0 };
    const seen: number[] = [];
    const subscription = producer(told)
      .pipe(map((n) => n * 2))
      .subscribe((n) => seen.push(n));
    expect(seen).toEqual([2]);
    subscription.unsubscribe();
    expect(told.count).toBe(1);
  });

  it('a subscription that ended before the teardown was tied: told at once', () => {
    for (const finish of ['complete', 'error'] as const) {
      const told = { count: 0 };
      producer(told, finish).subscribe({ next: () => undefined, error: () => undefined });
      expect(told.count).toBe(1);
    }
  });

  it('completion tells it too', () => {
    const told = { count: 0 };
    let end: (() => void) | undefined;
    new GuardedObservable<number>((subscriber) => {
      onUnsubscribe(subscriber, { unsubscribe: () => told.count++ });
      end = () => subscriber.complete();
    }).subscribe(() => undefined);
    expect(told.count).toBe(0);
    end?.();
    expect(told.count).toBe(1);
  });
});
