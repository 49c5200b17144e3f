import { type Link, type LinkClose, type Transport, TransportError } from '@bluechip-ws/core';
import { firstValueFrom, NEVER, Observable, ReplaySubject, VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { sequentialDials } from '../src/sequential-dials.js';

/** A link whose close is reported only when the test says so (as a socket's close takes a round trip). */
function fakeLink(path: string) {
  const closed = new ReplaySubject<LinkClose>(1);
  const link: Link = {
    path,
    frames$: NEVER,
    closed$: closed.asObservable(),
    isOpen: true,
    send: () => undefined,
    close: () => undefined,
  };
  return { link, reportClosed: () => closed.next({ reason: 'closed', clean: true }) };
}

/** Each dial takes the next answer from `script`: a link, or a refusal. */
function scriptedTransport(script: ('ok' | 'refuse')[]) {
  const dials: { path: string; at: number }[] = [];
  const links: ReturnType<typeof fakeLink>[] = [];
  const make = (scheduler: VirtualTimeScheduler): Transport => ({
    open: (path) =>
      new Observable<Link>((subscriber) => {
        dials.push({ path, at: scheduler.now() });
        if (script.shift() === 'refuse') {
          subscriber.error(new TransportError('connect_failed', 'WebSocket error'));
          return;
        }
        const made = fakeLink(path);
        links.push(made);
        subscriber.next(made.link);
        subscriber.complete();
      }),
  });
  return { make, dials, links };
}

describe('sequentialDials', () => {
  it('never retries a first dial: a refused terminal is reported at once', async () => {
    const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
    const script = scriptedTransport(['refuse', 'ok']);
    const transport = sequentialDials(script.make(scheduler), { scheduler });
    const result = firstValueFrom(transport.open('/tsi/v1/payment')).catch((e: unknown) => e);
    scheduler.flush();
    expect(await result).toBeInstanceOf(TransportError);
    expect(script.dials).toHaveLength(1);
  });

  it('waits for the previous link to close, then retries refusals with a short backoff', async () => {
    const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
    const script = scriptedTransport(['ok', 'refuse', 'refuse', 'ok']);
    const transport = sequentialDials(script.make(scheduler), { scheduler });
    await firstValueFrom(transport.open('/tsi/v1/payment'));
    const second = firstValueFrom(transport.open('/tsi/v1/info'));
    scheduler.maxFrames = 100;
    scheduler.flush();
    expect(script.dials).toHaveLength(1); // still waiting for the first link to report closed
    script.links[0]?.reportClosed();
    scheduler.maxFrames = Number.POSITIVE_INFINITY;
    scheduler.flush();
    const link = await second;
    expect(link.path).toBe('/tsi/v1/info');
    expect(script.dials.map((d) => d.at)).toEqual([0, 0, 50, 150]);
  });

  it('gives up waiting for a close after closeWaitMs, and after its retries', async () => {
    const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
    const script = scriptedTransport(['ok', 'refuse', 'refuse', 'refuse']);
    const transport = sequentialDials(script.make(scheduler), {
      scheduler,
      closeWaitMs: 1000,
      switchRetries: 2,
    });
    await firstValueFrom(transport.open('/tsi/v1/payment'));
    const second = firstValueFrom(transport.open('/tsi/v1/info')).catch((e: unknown) => e);
    scheduler.flush();
    expect(await second).toBeInstanceOf(TransportError);
    expect(script.dials.map((d) => d.at)).toEqual([0, 1000, 1050, 1150]);
  });
});
