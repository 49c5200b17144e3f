import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  Connection,
  type ConnectionOptions,
  type ConnectionState,
  defaultReconnectPolicy,
  type Link,
  mulberry32,
  resolveReconnectPolicy,
  TransportError,
} from '../src/internal.js';
import { FakeTransport } from './support/fake-transport.js';

const PAY = '/tsi/v1/payment';
const INFO = '/tsi/v1/info';

/** Seeded PRNG so jitter is reproducible. */
const seeded = mulberry32;

function setup(options: ConnectionOptions = {}) {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
  const transport = new FakeTransport();
  const connection = new Connection(transport, { scheduler, random: () => 0.5, ...options });
  const states: ConnectionState[] = [];
  connection.state$.subscribe((s) => states.push(s));
  const links: Link[] = [];
  connection.links$.subscribe((l) => links.push(l));
  /** Runs every timer due up to virtual time `t` and leaves the clock at `t`. */
  const advanceTo = (t: number) => {
    scheduler.maxFrames = t;
    scheduler.flush();
    scheduler.frame = t;
  };
  return { scheduler, transport, connection, states, links, advanceTo };
}

function acquire(connection: Connection, path: string) {
  const result: { link?: Link; error?: unknown; done: boolean } = { done: false };
  connection.acquire(path).subscribe({
    next: (link) => {
      result.link = link;
    },
    error: (error: unknown) => {
      result.error = error;
      result.done = true;
    },
    complete: () => {
      result.done = true;
    },
  });
  return result;
}

describe('backoffDelay', () => {
  const policy = resolveReconnectPolicy({});

  it('grows exponentially from initialDelayMs and caps at maxDelayMs', () => {
    const mid = () => 0.5; // no jitter at the midpoint
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(policy, n, mid));
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('keeps jitter within ±20% and under the cap, reproducibly for a seed', () => {
    const draw = (seed: number) => {
      const random = seeded(seed);
      return Array.from({ length: 200 }, (_, i) => backoffDelay(policy, (i % 8) + 1, random));
    };
    const delays = draw(42);
    delays.forEach((delay, i) => {
      const nominal = Math.min(10_000, 250 * 2 ** (i % 8));
      expect(delay).toBeGreaterThanOrEqual(Math.floor(nominal * 0.8));
      expect(delay).toBeLessThanOrEqual(Math.min(10_000, Math.ceil(nominal * 1.2)));
    });
    expect(new Set(delays.slice(0, 8)).size).toBeGreaterThan(1);
    expect(draw(42)).toEqual(delays);
    expect(draw(43)).not.toEqual(delays);
  });

  it('rejects an invalid policy and maps `false` to no attempts', () => {
    expect(() => resolveReconnectPolicy({ factor: 0.5 })).toThrow(RangeError);
    expect(() => resolveReconnectPolicy({ jitter: 2 })).toThrow(RangeError);
    expect(resolveReconnectPolicy(false).maxAttempts).toBe(0);
    expect(resolveReconnectPolicy({ maxAttempts: Number.POSITIVE_INFINITY }).maxAttempts).toBe(Infinity);
    expect(resolveReconnectPolicy(undefined)).toEqual(defaultReconnectPolicy);
  });
});

describe('Connection.acquire', () => {
  it('dials, emits the open link, and reuses it for the same path', () => {
    const { transport, connection, states, links } = setup();
    const first = acquire(connection, PAY);
    expect(states.map((s) => s.kind)).toEqual(['idle', 'connecting']);
    expect(first.done).toBe(false);
    const link = transport.last.succeed();
    expect(first).toMatchObject({ link, done: true });
    expect(links).toEqual([link]);
    expect(connection.state).toEqual({ kind: 'open', path: PAY });
    expect(connection.link).toBe(link);

    const second = acquire(connection, PAY);
    expect(second).toMatchObject({ link, done: true });
    expect(transport.dials).toHaveLength(1);
  });

  it('is cold: nothing is dialed until subscription', () => {
    const { transport, connection } = setup();
    const lazy = connection.acquire(PAY);
    expect(transport.dials).toHaveLength(0);
    lazy.subscribe();
    expect(transport.dials).toHaveLength(1);
  });

  it('shares one dial between concurrent acquires of the same path', () => {
    const { transport, connection } = setup();
    const a = acquire(connection, PAY);
    const b = acquire(connection, PAY);
    expect(transport.dials).toHaveLength(1);
    const link = transport.last.succeed();
    expect(a.link).toBe(link);
    expect(b.link).toBe(link);
  });

  it('fails with connect_failed when the dial fails, without retrying, and can be acquired again', () => {
    const { transport, connection, states, advanceTo } = setup();
    const a = acquire(connection, PAY);
    transport.last.fail('ECONNREFUSED');
    expect(a.error).toBeInstanceOf(TransportError);
    expect((a.error as TransportError).code).toBe('connect_failed');
    expect(states.at(-1)).toMatchObject({ kind: 'closed', path: PAY, reason: { clean: false } });
    advanceTo(60_000);
    expect(transport.dials).toHaveLength(1);

    const b = acquire(connection, PAY);
    expect(transport.dials).toHaveLength(2);
    const link = transport.last.succeed();
    expect(b.link).toBe(link);
  });

  it('wraps a non-transport dial error in connect_failed with its cause', () => {
    const scheduler = new VirtualTimeScheduler();
    const boom = new Error('boom');
    const connection = new Connection(
      {
        open: () => {
          throw boom;
        },
      },
      { scheduler },
    );
    const a = acquire(connection, PAY);
    expect(a.error).toMatchObject({ code: 'connect_failed', cause: boom });
  });

  it('closes the link to another path first (cleanly, no reconnect), then dials the new path', () => {
    const { transport, connection, states, advanceTo } = setup();
    acquire(connection, PAY);
    const pay = transport.last.succeed();
    const closes: unknown[] = [];
    pay.closed$.subscribe((c) => closes.push(c));

    const info = acquire(connection, INFO);
    expect(pay.isOpen).toBe(false);
    expect(closes).toEqual([expect.objectContaining({ clean: true })]);
    expect(states.at(-1)).toEqual({ kind: 'connecting', path: INFO, attempt: 0 });
    const infoLink = transport.last.succeed();
    expect(info.link).toBe(infoLink);
    advanceTo(60_000);
    expect(transport.dials.map((d) => d.path)).toEqual([PAY, INFO]);
    expect(connection.state).toEqual({ kind: 'open', path: INFO });
  });

  it('cancels a dial in flight to another path; its waiters get connect_failed', () => {
    const { transport, connection } = setup();
    const pay = acquire(connection, PAY);
    const payDial = transport.last;
    const info = acquire(connection, INFO);
    expect(payDial.cancelled).toBe(true);
    expect(pay.error).toMatchObject({ code: 'connect_failed' });
    const infoLink = transport.last.succeed();
    expect(info.link).toBe(infoLink);
  });
});

describe('Connection reconnect', () => {
  it('reconnects after a drop with backoff delays on the scheduler, and never replays', () => {
    const { transport, connection, states, links, advanceTo } = setup();
    acquire(connection, PAY);
    const first = transport.last.succeed();
    first.send('{"request":{}}');
    first.drop('socket reset', 1006);

    expect(states.at(-1)).toEqual({
      kind: 'reconnecting',
      path: PAY,
      attempt: 1,
      delayMs: 250,
      lastClose: { reason: 'socket reset', code: 1006, clean: false },
    });
    advanceTo(249);
    expect(transport.dials).toHaveLength(1);
    advanceTo(250);
    expect(transport.dials).toHaveLength(2);
    expect(states.at(-1)).toEqual({ kind: 'connecting', path: PAY, attempt: 1 });

    transport.last.fail();
    expect(states.at(-1)).toMatchObject({ kind: 'reconnecting', attempt: 2, delayMs: 500 });
    advanceTo(250 + 500);
    const second = transport.last.succeed();
    expect(connection.state).toEqual({ kind: 'open', path: PAY });
    expect(links).toEqual([first, second]);
    expect(second.sent).toEqual([]);

    // A later drop starts again from the first delay.
    second.drop();
    expect(states.at(-1)).toMatchObject({ kind: 'reconnecting', attempt: 1, delayMs: 250 });
  });

  it('keeps jittered delays within bounds with a seeded random', () => {
    const { transport, connection, states, scheduler } = setup({
      random: seeded(7),
      reconnect: { maxAttempts: 6 },
    });
    acquire(connection, PAY);
    transport.last.succeed().drop();
    for (let i = 0; i < 6; i++) {
      scheduler.flush();
      transport.last.fail();
    }
    const delays = states.filter((s) => s.kind === 'reconnecting').map((s) => s.delayMs);
    expect(delays).toHaveLength(6);
    delays.forEach((delay, i) => {
      const nominal = 250 * 2 ** i;
      expect(delay).toBeGreaterThanOrEqual(nominal * 0.8 - 1);
      expect(delay).toBeLessThanOrEqual(nominal * 1.2 + 1);
    });
  });

  it('gives up after maxAttempts and ends closed with the last failure', () => {
    const { transport, connection, states, scheduler } = setup({ reconnect: { maxAttempts: 3 } });
    acquire(connection, PAY);
    transport.last.succeed().drop();
    for (let i = 0; i < 3; i++) {
      scheduler.flush();
      transport.last.fail(`refused ${i + 1}`);
    }
    expect(transport.dials).toHaveLength(4);
    expect(states.filter((s) => s.kind === 'reconnecting').map((s) => s.attempt)).toEqual([1, 2, 3]);
    expect(connection.state).toMatchObject({ kind: 'closed', path: PAY, reason: { clean: false } });
    expect(JSON.stringify(connection.state)).toContain('refused 3');
    scheduler.flush();
    expect(transport.dials).toHaveLength(4);
  });

  it('does not reconnect when disabled, or when this side closed the link itself', () => {
    const disabled = setup({ reconnect: false });
    acquire(disabled.connection, PAY);
    disabled.transport.last.succeed().drop('gone');
    expect(disabled.connection.state).toMatchObject({ kind: 'closed', reason: { reason: 'gone' } });

    const own = setup();
    acquire(own.connection, PAY);
    own.transport.last.succeed().close('done');
    own.advanceTo(60_000);
    expect(own.connection.state).toMatchObject({ kind: 'closed', reason: { reason: 'done', clean: true } });
    expect(own.transport.dials).toHaveLength(1);
  });

  it('dials at once when the same path is acquired during backoff', () => {
    const { transport, connection, states, advanceTo } = setup();
    acquire(connection, PAY);
    transport.last.succeed().drop();
    advanceTo(100);
    const again = acquire(connection, PAY);
    expect(transport.dials).toHaveLength(2);
    expect(states.at(-1)).toEqual({ kind: 'connecting', path: PAY, attempt: 1 });
    const link = transport.last.succeed();
    expect(again.link).toBe(link);
    advanceTo(10_000);
    expect(transport.dials).toHaveLength(2);
  });

  it('joins a reconnect dial in flight; if it fails the acquire errors and the loop goes on', () => {
    const { transport, connection, states, advanceTo } = setup();
    acquire(connection, PAY);
    transport.last.succeed().drop();
    advanceTo(250);
    const waiting = acquire(connection, PAY);
    expect(transport.dials).toHaveLength(2);
    transport.last.fail();
    expect(waiting.error).toMatchObject({ code: 'connect_failed' });
    expect(states.at(-1)).toMatchObject({ kind: 'reconnecting', attempt: 2 });
  });
});

describe('Connection.close', () => {
  it('cancels a backoff: no dial happens, state is closed clean, acquire then fails with not_open', () => {
    const { transport, connection, states, links, advanceTo } = setup();
    let completed = 0;
    connection.links$.subscribe({ complete: () => completed++ });
    acquire(connection, PAY);
    transport.last.succeed().drop();
    advanceTo(100);
    connection.close();
    advanceTo(60_000);
    expect(transport.dials).toHaveLength(1);
    expect(states.at(-1)).toEqual({
      kind: 'closed',
      path: PAY,
      reason: { reason: 'closed by client', clean: true },
      disposed: true,
    });
    expect(links).toHaveLength(1);
    expect(completed).toBe(1);
    const late = acquire(connection, PAY);
    expect(late.error).toBeInstanceOf(TransportError);
    expect((late.error as TransportError).code).toBe('not_open');
    connection.close(); // idempotent
  });

  it('closes the open link cleanly and fails waiters of a dial in flight with not_open', () => {
    const open = setup();
    acquire(open.connection, PAY);
    const link = open.transport.last.succeed();
    open.connection.close('shutdown');
    expect(link.isOpen).toBe(false);
    expect(open.transport.dials).toHaveLength(1);

    const dialing = setup();
    const waiter = acquire(dialing.connection, PAY);
    const dial = dialing.transport.last;
    dialing.connection.close();
    expect(dial.cancelled).toBe(true);
    expect(waiter.error).toMatchObject({ code: 'not_open' });
  });

  it('replays the final state to late subscribers', () => {
    const { connection } = setup();
    connection.close();
    const seen: ConnectionState[] = [];
    connection.state$.subscribe((s) => seen.push(s));
    expect(seen).toEqual([expect.objectContaining({ kind: 'closed', disposed: true })]);
  });
});

describe('Connection re-entrancy', () => {
  it('an acquire from a closed$ handler during a path switch is honoured, not lost', () => {
    const { transport, connection } = setup();
    acquire(connection, PAY);
    const pay = transport.last.succeed();
    let fromHandler: ReturnType<typeof acquire> | undefined;
    pay.closed$.subscribe(() => {
      fromHandler = acquire(connection, '/tsi/v1/config');
    });
    const info = acquire(connection, INFO);
    // The handler's dial to /config was superseded by the INFO acquire that caused the close.
    expect(fromHandler?.error).toMatchObject({ code: 'connect_failed' });
    expect(transport.dials.map((d) => [d.path, d.cancelled])).toEqual([
      [PAY, false],
      ['/tsi/v1/config', true],
      [INFO, false],
    ]);
    const infoLink = transport.last.succeed();
    expect(info.link).toBe(infoLink);
    expect(connection.state).toEqual({ kind: 'open', path: INFO });
  });

  it('an acquire from a closed$ handler during close() fails with not_open and dials nothing', () => {
    const { transport, connection } = setup();
    acquire(connection, PAY);
    const pay = transport.last.succeed();
    let fromHandler: ReturnType<typeof acquire> | undefined;
    pay.closed$.subscribe(() => {
      fromHandler = acquire(connection, PAY);
    });
    connection.close();
    expect(fromHandler?.error).toMatchObject({ code: 'not_open' });
    expect(transport.dials).toHaveLength(1);
  });

  it('close() from a state$ subscriber while connecting settles the waiting acquire', () => {
    const { transport, connection } = setup();
    connection.state$.subscribe((s) => {
      if (s.kind === 'connecting') connection.close();
    });
    const a = acquire(connection, PAY);
    expect(a.error).toMatchObject({ code: 'not_open' });
    expect(transport.dials).toHaveLength(0);
  });
});
