import { firstValueFrom, NEVER, Observable, ReplaySubject, VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Connection, type Link, type LinkClose, type Transport, TransportError } from '../src/index.js';

const PAY = '/tsi/v1/payment';
const INFO = '/tsi/v1/info';

/** A link whose close is reported only when the test says so (as a socket's close takes a round trip). */
function slowClosingLink(path: string) {
  const closed = new ReplaySubject<LinkClose>(1);
  let open = true;
  const link: Link = {
    path,
    frames$: NEVER,
    closed$: closed.asObservable(),
    get isOpen() {
      return open;
    },
    send: () => undefined,
    close: () => {
      open = false;
    },
  };
  return { link, reportClosed: () => closed.next({ reason: 'closed', clean: true }) };
}

/** Each dial takes the next answer from `script`: a link, or a refusal. */
function scriptedTransport(scheduler: VirtualTimeScheduler, script: ('ok' | 'refuse')[]) {
  const dials: { path: string; at: number }[] = [];
  const links: ReturnType<typeof slowClosingLink>[] = [];
  const transport: Transport = {
    open: (path) =>
      new Observable<Link>((subscriber) => {
        dials.push({ path, at: scheduler.now() });
        if (script.shift() === 'refuse') {
          subscriber.error(new TransportError('connect_failed', 'WebSocket error'));
          return;
        }
        const made = slowClosingLink(path);
        links.push(made);
        subscriber.next(made.link);
        subscriber.complete();
      }),
  };
  return { transport, dials, links };
}

function setup(script: ('ok' | 'refuse')[], switching = {}) {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
  const scripted = scriptedTransport(scheduler, script);
  const connection = new Connection(scripted.transport, { scheduler, reconnect: false, switching });
  return { scheduler, connection, ...scripted };
}

describe('Connection: switching endpoints on a one-client terminal', () => {
  it('never retries a first dial: a refused terminal is reported at once', async () => {
    const { scheduler, connection, dials } = setup(['refuse', 'ok']);
    const result = firstValueFrom(connection.acquire(PAY)).catch((e: unknown) => e);
    scheduler.flush();
    expect(await result).toBeInstanceOf(TransportError);
    expect(dials).toHaveLength(1);
  });

  it('closes the old link, waits for it to report closed, then retries refusals with a short backoff', async () => {
    const { scheduler, connection, dials, links } = setup(['ok', 'refuse', 'refuse', 'ok']);
    await firstValueFrom(connection.acquire(PAY));
    const second = firstValueFrom(connection.acquire(INFO));
    expect(links[0]?.link.isOpen).toBe(false); // closed by the switch
    scheduler.maxFrames = 100;
    scheduler.flush();
    expect(dials).toHaveLength(1); // still waiting for the first link to report closed
    links[0]?.reportClosed();
    scheduler.maxFrames = Number.POSITIVE_INFINITY;
    scheduler.flush();
    const link = await second;
    expect(link.path).toBe(INFO);
    expect(dials.map((d) => d.at)).toEqual([0, 0, 50, 150]);
    expect(connection.state).toEqual({ kind: 'open', path: INFO });
  });

  it('gives up waiting for a close after closeWaitMs, and fails after its retries', async () => {
    const { scheduler, connection, dials } = setup(['ok', 'refuse', 'refuse', 'refuse'], {
      closeWaitMs: 1000,
      maxAttempts: 2,
    });
    await firstValueFrom(connection.acquire(PAY));
    const second = firstValueFrom(connection.acquire(INFO)).catch((e: unknown) => e);
    scheduler.flush();
    expect(await second).toMatchObject({ code: 'connect_failed' });
    expect(dials.map((d) => d.at)).toEqual([0, 1000, 1050, 1150]);
    expect(connection.state.kind).toBe('closed');
  });

  it('waits for the link to be idle: a switch goes ahead when its last holder releases', () => {
    const { scheduler, connection, dials, links } = setup(['ok', 'ok']);
    let pay: Link | undefined;
    connection.acquire(PAY).subscribe((link) => {
      pay = link;
    });
    connection.hold(PAY);
    connection.hold(PAY);
    expect(connection.canServe(PAY)).toBe(true);
    expect(connection.canServe(INFO)).toBe(false);
    let info: Link | undefined;
    connection.acquire(INFO).subscribe((link) => {
      info = link;
    });
    // Another user of the current path is still served at once; nobody new is admitted meanwhile.
    expect(connection.canServe(PAY)).toBe(false);
    connection.release(PAY);
    expect(pay?.isOpen).toBe(true);
    expect(dials).toHaveLength(1);
    connection.release(PAY);
    expect(pay?.isOpen).toBe(false);
    links[0]?.reportClosed();
    scheduler.flush();
    expect(info?.path).toBe(INFO);
    expect(dials.map((d) => d.path)).toEqual([PAY, INFO]);
  });

  it('a later acquire of a third path replaces the waiting switch, whose waiters get connect_failed', () => {
    const { connection } = setup(['ok', 'ok']);
    connection.acquire(PAY).subscribe();
    connection.hold(PAY);
    const errors: unknown[] = [];
    connection.acquire(INFO).subscribe({ error: (e: unknown) => errors.push(e) });
    connection.acquire('/tsi/v1/config').subscribe({ error: (e: unknown) => errors.push(e) });
    expect(errors).toEqual([expect.objectContaining({ code: 'connect_failed' })]);
  });

  it('close() fails a waiting switch with not_open', () => {
    const { connection, dials } = setup(['ok', 'ok']);
    connection.acquire(PAY).subscribe();
    connection.hold(PAY);
    const errors: unknown[] = [];
    connection.acquire(INFO).subscribe({ error: (e: unknown) => errors.push(e) });
    connection.close();
    connection.release(PAY);
    expect(errors).toEqual([expect.objectContaining({ code: 'not_open' })]);
    expect(dials).toHaveLength(1);
  });

  it('rejects a nonsense switch policy early', () => {
    expect(() => new Connection(setup([]).transport, { switching: { closeWaitMs: -1 } })).toThrow(RangeError);
    expect(() => new Connection(setup([]).transport, { switching: { factor: 0 } })).toThrow(RangeError);
  });
});
