import { Connection, type Frame, type LinkClose, TransportError } from '@bluechip-ws/core';
import { firstValueFrom, VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  createMemoryNetwork,
  type FaultPlan,
  type FaultReport,
  type MemoryLink,
  type MemoryNetworkOptions,
  mulberry32,
} from '../src/internal.js';

const PAY = '/tsi/v1/payment';

function virtual(options: Omit<MemoryNetworkOptions, 'scheduler'> = {}) {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
  const network = createMemoryNetwork({ ...options, scheduler });
  const terminals: MemoryLink[] = [];
  network.server.connections$.subscribe((t) => terminals.push(t));
  const reports: FaultReport[] = [];
  network.faults$.subscribe((r) => reports.push(r));
  const advanceTo = (t: number) => {
    scheduler.maxFrames = t;
    scheduler.flush();
    scheduler.frame = t;
  };
  /** Opens a pair and returns both ends with what each received. */
  const connect = (path = PAY) => {
    let pos: MemoryLink | undefined;
    network.transport.open(path).subscribe((l) => {
      pos = l as MemoryLink;
    });
    scheduler.flush();
    const terminal = terminals.at(-1);
    if (!pos || !terminal) throw new Error('not connected');
    const atTerminal: Frame[] = [];
    const atPos: Frame[] = [];
    terminal.frames$.subscribe((f) => atTerminal.push(f));
    pos.frames$.subscribe((f) => atPos.push(f));
    return { pos, terminal, atTerminal, atPos };
  };
  return { scheduler, network, terminals, reports, advanceTo, connect, flush: () => scheduler.flush() };
}

const closes = (link: MemoryLink) => {
  const seen: LinkClose[] = [];
  link.closed$.subscribe((c) => seen.push(c));
  return seen;
};

describe('memory network: connecting', () => {
  it('creates a connected pair on the same path, terminal side announced first', async () => {
    const network = createMemoryNetwork();
    const order: string[] = [];
    network.server.connections$.subscribe((t) => order.push(`terminal ${t.path} ${t.side}`));
    const pos = await firstValueFrom(network.transport.open(PAY));
    order.push(`pos ${pos.path}`);
    expect(order).toEqual([`terminal ${PAY} terminal`, `pos ${PAY}`]);
    expect(pos.isOpen).toBe(true);
    expect(network.links).toHaveLength(1);
    pos.close();
  });

  it('is cold and asynchronous: nothing happens before subscription, nothing in the subscriber stack', () => {
    const { network, terminals, flush } = virtual();
    const open = network.transport.open(PAY);
    expect(terminals).toHaveLength(0);
    let pos: unknown;
    const sub = open.subscribe((l) => {
      pos = l;
    });
    expect(pos).toBeUndefined();
    flush();
    expect(pos).toBeDefined();
    sub.unsubscribe();

    // Unsubscribing before the connect happens cancels it.
    open.subscribe().unsubscribe();
    flush();
    expect(terminals).toHaveLength(1);
  });

  it('refuses with connect_failed, and the refusal can change at runtime', async () => {
    const network = createMemoryNetwork({ refuse: (path) => (path === '/' ? 'no single mode' : undefined) });
    const err = await firstValueFrom(network.transport.open('/')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ code: 'connect_failed' });
    expect((err as Error).message).toContain('no single mode');
    network.setRefuse(() => 'terminal off');
    await expect(firstValueFrom(network.transport.open(PAY))).rejects.toMatchObject({
      code: 'connect_failed',
    });
    network.setRefuse(undefined);
    const link = await firstValueFrom(network.transport.open(PAY));
    link.close();
  });
});

describe('memory network: delivery', () => {
  it('delivers asynchronously and in order in both directions', () => {
    const { connect, flush } = virtual();
    const { pos, terminal, atTerminal, atPos } = connect();
    for (let i = 0; i < 50; i++) pos.send(`p${i}`);
    for (let i = 0; i < 50; i++) terminal.send(`t${i}`);
    expect(atTerminal).toEqual([]);
    expect(atPos).toEqual([]);
    flush();
    expect(atTerminal).toEqual(Array.from({ length: 50 }, (_, i) => `p${i}`));
    expect(atPos).toEqual(Array.from({ length: 50 }, (_, i) => `t${i}`));
  });

  it('never re-enters the sender: a reply sent from a handler arrives after the sender returns', async () => {
    const network = createMemoryNetwork();
    const log: string[] = [];
    network.server.connections$.subscribe((terminal) =>
      terminal.frames$.subscribe((f) => {
        log.push(`terminal got ${String(f)}`);
        terminal.send('response');
        log.push('terminal replied');
      }),
    );
    const pos = await firstValueFrom(network.transport.open(PAY));
    const reply = firstValueFrom(pos.frames$);
    pos.send('request');
    log.push('pos send returned');
    expect(await reply).toBe('response');
    expect(log).toEqual(['pos send returned', 'terminal got request', 'terminal replied']);
    pos.close();
  });

  it('adds latency on the scheduler when asked', () => {
    const { connect, advanceTo } = virtual({ latencyMs: 10 });
    const { pos, atTerminal } = connect();
    advanceTo(100);
    pos.send('x');
    advanceTo(109);
    expect(atTerminal).toEqual([]);
    advanceTo(110);
    expect(atTerminal).toEqual(['x']);
  });

  it('passes binary frames through untouched, even under faults', () => {
    const { network, connect, flush } = virtual();
    network.setFaults({ toPos: [{ action: { kind: 'drop' } }] });
    const { terminal, atPos } = connect();
    const bytes = new Uint8Array([1, 2, 3]);
    terminal.sendFrame(bytes);
    terminal.send('text');
    flush();
    expect(atPos).toEqual([bytes]);
  });
});

describe('memory network: faults', () => {
  const onlyEvents = (frame: string) => frame.startsWith('event');

  it('drops matching frames and reports it', () => {
    const { connect, flush, reports } = virtual({
      faults: { toPos: [{ match: onlyEvents, action: { kind: 'drop' } }] },
    });
    const { terminal, atPos } = connect();
    terminal.send('response');
    terminal.send('event 1');
    terminal.send('event 2');
    flush();
    expect(atPos).toEqual(['response']);
    expect(reports.map((r) => [r.direction, r.index, r.action.kind, r.frame])).toEqual([
      ['toPos', 1, 'drop', 'event 1'],
      ['toPos', 2, 'drop', 'event 2'],
    ]);
  });

  it('delays a frame by the given ms (later frames overtake it)', () => {
    const { connect, advanceTo } = virtual({
      faults: { toTerminal: [{ match: (_, i) => i === 0, action: { kind: 'delay', ms: 500 } }] },
    });
    const { pos, atTerminal } = connect();
    pos.send('a');
    pos.send('b');
    advanceTo(499);
    expect(atTerminal).toEqual(['b']);
    advanceTo(500);
    expect(atTerminal).toEqual(['b', 'a']);
  });

  it('duplicates a frame', () => {
    const { connect, flush } = virtual({
      faults: { toPos: [{ match: onlyEvents, action: { kind: 'duplicate' } }] },
    });
    const { terminal, atPos } = connect();
    terminal.send('event final');
    terminal.send('response');
    flush();
    expect(atPos).toEqual(['event final', 'event final', 'response']);
  });

  it('duplicates a frame with an altered copy (a second, different answer)', () => {
    const { connect, flush } = virtual({
      faults: {
        toPos: [
          { match: onlyEvents, action: { kind: 'duplicate', copy: (f) => f.replace('final', 'other') } },
        ],
      },
    });
    const { terminal, atPos } = connect();
    terminal.send('event final');
    flush();
    expect(atPos).toEqual(['event final', 'event other']);
  });

  it('reorders: holds a frame and releases it right after the next one', () => {
    const { connect, flush } = virtual({
      faults: { toPos: [{ match: (f) => f === 'b', action: { kind: 'reorder' } }] },
    });
    const { terminal, atPos } = connect();
    for (const f of ['a', 'b', 'c', 'd']) terminal.send(f);
    flush();
    expect(atPos).toEqual(['a', 'c', 'b', 'd']);
  });

  it('corrupts: truncates by default, or replaces as told', () => {
    const { network, connect, flush } = virtual({ faults: { toPos: [{ action: { kind: 'corrupt' } }] } });
    const { terminal, atPos } = connect();
    terminal.send('{"event":{"flow_id":"1"}}');
    flush();
    expect(atPos).toEqual(['{"event":{"f']);
    expect(() => JSON.parse(String(atPos[0]))).toThrow();
    network.setFaults({ toPos: [{ action: { kind: 'corrupt', replaceWith: (f) => f.toUpperCase() } }] });
    terminal.send('abc');
    flush();
    expect(atPos[1]).toBe('ABC');
  });

  it('disconnects both sides (not cleanly) after delivering the matching frame', () => {
    const { network, connect, flush, reports } = virtual({
      faults: { toPos: [{ match: (f) => f === 'event 1', action: { kind: 'disconnect', reason: 'cable' } }] },
    });
    const { pos, terminal, atPos } = connect();
    const posCloses = closes(pos);
    const terminalCloses = closes(terminal);
    terminal.send('event 1');
    terminal.send('event 2');
    flush();
    expect(atPos).toEqual(['event 1']);
    expect(posCloses).toEqual([{ reason: 'cable', code: 1006, clean: false }]);
    expect(terminalCloses).toEqual([{ reason: 'cable', code: 1006, clean: false }]);
    expect(reports).toHaveLength(1);
    expect(network.links).toHaveLength(0);
  });

  it('applies probabilistic faults deterministically for a seed', () => {
    const plan: FaultPlan = {
      toPos: [
        { probability: 0.2, action: { kind: 'drop' } },
        { probability: 0.2, action: { kind: 'duplicate' } },
      ],
      toTerminal: [{ probability: 0.3, action: { kind: 'delay', ms: 50 } }],
    };
    const run = (seed: number) => {
      const { connect, flush, reports } = virtual({ faults: plan, seed });
      const { pos, terminal } = connect();
      for (let i = 0; i < 100; i++) {
        terminal.send(`t${i}`);
        pos.send(`p${i}`);
      }
      flush();
      return reports.map((r) => `${r.direction}:${r.index}:${r.action.kind}`);
    };
    const a = run(1234);
    expect(a.length).toBeGreaterThan(20);
    expect(a.length).toBeLessThan(150);
    expect(run(1234)).toEqual(a);
    expect(run(4321)).not.toEqual(a);
  });

  it('mulberry32 is reproducible and in [0, 1)', () => {
    const a = mulberry32(9);
    const b = mulberry32(9);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('memory network: closing', () => {
  it('closing one side closes the other: clean only on the side that asked', () => {
    const { network, connect, flush } = virtual();
    const { pos, terminal } = connect();
    const posCloses = closes(pos);
    const terminalCloses = closes(terminal);
    let framesDone = 0;
    pos.frames$.subscribe({ complete: () => framesDone++ });
    terminal.frames$.subscribe({ complete: () => framesDone++ });
    pos.send('last words');
    const got: Frame[] = [];
    terminal.frames$.subscribe((f) => got.push(f));
    pos.close('bye', 4000);
    expect(pos.isOpen).toBe(false);
    expect(posCloses).toEqual([{ reason: 'bye', code: 4000, clean: true }]);
    expect(terminal.isOpen).toBe(true);
    flush();
    expect(got).toEqual(['last words']);
    expect(terminalCloses).toEqual([{ reason: 'bye', code: 4000, clean: false }]);
    expect(framesDone).toBe(2);
    expect(network.links).toHaveLength(0);

    pos.close(); // idempotent
    flush();
    expect(posCloses).toHaveLength(1);
    expect(() => pos.send('x')).toThrow(TransportError);
    expect(() => terminal.send('x')).toThrow(expect.objectContaining({ code: 'not_open' }));
    // closed$ replays to late subscribers
    expect(closes(pos)).toEqual(posCloses);
  });

  it('terminal close reaches the POS as unclean', () => {
    const { connect, flush } = virtual();
    const { pos, terminal } = connect();
    const posCloses = closes(pos);
    terminal.close('terminal reboot', 1001);
    flush();
    expect(posCloses).toEqual([{ reason: 'terminal reboot', code: 1001, clean: false }]);
  });

  it('disconnectAll cuts every pair at once', () => {
    const { network, connect } = virtual();
    const a = connect(PAY);
    const b = connect('/tsi/v1/info');
    const seen = [closes(a.pos), closes(a.terminal), closes(b.pos), closes(b.terminal)];
    network.disconnectAll('switch off');
    for (const s of seen) expect(s).toEqual([{ reason: 'switch off', code: 1006, clean: false }]);
    expect(network.links).toHaveLength(0);
  });
});

describe('memory network with the core Connection', () => {
  it('reconnects after the network drops, in virtual time', () => {
    const { scheduler, network, terminals, advanceTo } = virtual();
    const connection = new Connection(network.transport, { scheduler, random: () => 0.5 });
    const kinds: string[] = [];
    connection.state$.subscribe((s) => kinds.push(s.kind));
    connection.acquire(PAY).subscribe();
    advanceTo(1);
    expect(connection.state).toEqual({ kind: 'open', path: PAY });

    network.setRefuse(() => 'down');
    network.disconnectAll();
    advanceTo(251); // dropped at 1, first attempt after 250 ms is refused
    expect(connection.state).toMatchObject({ kind: 'reconnecting', attempt: 2, delayMs: 500 });
    network.setRefuse(undefined);
    advanceTo(751);
    expect(connection.state).toEqual({ kind: 'open', path: PAY });
    expect(terminals).toHaveLength(2);
    expect(kinds).toEqual([
      'idle',
      'connecting',
      'open',
      'reconnecting',
      'connecting',
      'reconnecting',
      'connecting',
      'open',
    ]);
    connection.close();
    advanceTo(1000);
    expect(network.links).toHaveLength(0);
  });
});
