import type { Link, LinkClose } from '@bluechip-ws/core';
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createWsTransport, type WebSocketConstructor, type WsTransportOptions } from '../src/index.js';

type Listener = (event: never) => void;

/** A scripted WebSocket: the test fires its events. `browser: true` drops ping and rejects codes like a browser. */
class FakeSocket {
  static created: FakeSocket[] = [];
  readyState = 0;
  bufferedAmount = 0;
  binaryType = 'blob';
  readonly sent: string[] = [];
  readonly closes: [number | undefined, string | undefined][] = [];
  pings = 0;
  terminated = false;
  private readonly listeners = new Map<string, Listener[]>();
  private pongListener: (() => void) | undefined;
  ping?: () => void;
  on?: (event: 'pong', listener: () => void) => void;
  terminate?: () => void;

  constructor(
    readonly url: string,
    readonly browser: boolean,
  ) {
    if (!browser) {
      this.ping = () => {
        this.pings++;
      };
      this.on = (_event, listener) => {
        this.pongListener = listener;
      };
      this.terminate = () => {
        this.terminated = true;
      };
    }
    FakeSocket.created.push(this);
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    if (this.browser && code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) {
      throw new Error('InvalidAccessError');
    }
    this.closes.push([code, reason]);
    this.readyState = 2;
  }

  fire(type: string, event: object = {}): void {
    if (type === 'open') this.readyState = 1;
    if (type === 'close') this.readyState = 3;
    for (const listener of this.listeners.get(type) ?? []) (listener as (e: object) => void)(event);
  }

  pong(): void {
    this.pongListener?.();
  }
}

function setup(options: Partial<WsTransportOptions> = {}, browser = false) {
  FakeSocket.created = [];
  const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
  const Ctor = class extends FakeSocket {
    constructor(url: string) {
      super(url, browser);
    }
  } as unknown as WebSocketConstructor;
  const transport = createWsTransport({ url: 'ws://10.0.0.5:50000', WebSocket: Ctor, scheduler, ...options });
  const advanceTo = (t: number) => {
    scheduler.maxFrames = t;
    scheduler.flush();
    scheduler.frame = t;
  };
  const result: { link?: Link; error?: unknown; close?: LinkClose } = {};
  transport.open('/tsi/v1/payment').subscribe({
    next: (link) => {
      result.link = link;
      link.closed$.subscribe((c) => {
        result.close = c;
      });
    },
    error: (e: unknown) => {
      result.error = e;
    },
  });
  const socket = FakeSocket.created[0]!;
  return { scheduler, socket, result, advanceTo };
}

describe('ws transport with a scripted socket', () => {
  it('dials url + path and sets binaryType to arraybuffer', () => {
    const { socket, result } = setup();
    expect(socket.url).toBe('ws://10.0.0.5:50000/tsi/v1/payment');
    expect(socket.binaryType).toBe('arraybuffer');
    socket.fire('open');
    expect(result.link?.path).toBe('/tsi/v1/payment');
  });

  it('times out a dial in virtual time', () => {
    const { socket, result, advanceTo } = setup({ connectTimeoutMs: 2000 });
    advanceTo(1999);
    expect(result.error).toBeUndefined();
    advanceTo(2000);
    expect(result.error).toMatchObject({ code: 'connect_failed' });
    expect(socket.closes).toHaveLength(1);
    socket.fire('open'); // too late: ignored
    expect(result.link).toBeUndefined();
  });

  it('fails a dial on error + close during the handshake, keeping the cause', () => {
    const { socket, result } = setup();
    const cause = new Error('ECONNREFUSED');
    socket.fire('error', { error: cause });
    socket.fire('close', { code: 1006 });
    expect(result.error).toMatchObject({ code: 'connect_failed', cause: { error: cause } });
    expect(String((result.error as Error).message)).toContain('ECONNREFUSED');
  });

  it('pings on Node with the defaults: dead 3 s after an unanswered ping (at most 8 s after the last sign of life)', () => {
    const { socket, result, advanceTo } = setup();
    socket.fire('open');
    advanceTo(5000);
    expect(socket.pings).toBe(1);
    socket.pong();
    advanceTo(10_000);
    expect(socket.pings).toBe(2);
    advanceTo(12_999);
    expect(result.close).toBeUndefined();
    advanceTo(13_000);
    expect(result.close).toMatchObject({ code: 1006, clean: false });
    expect(result.close?.reason).toMatch(/^liveness_timeout/);
    expect(socket.terminated).toBe(true);
    expect(result.link?.isOpen).toBe(false);
  });

  it('counts any incoming frame as a sign of life', () => {
    const { socket, result, advanceTo } = setup();
    socket.fire('open');
    advanceTo(7000); // pinged at 5000, would be dead at 8000
    socket.fire('message', { data: '{"event":{}}' });
    advanceTo(12_999); // pinged again at 10000
    expect(result.link?.isOpen).toBe(true);
    advanceTo(13_000);
    expect(result.close?.reason).toMatch(/^liveness_timeout/);
  });

  it('in a browser (no ping) keeps an idle link open unless idleTimeoutMs is set', () => {
    const quiet = setup({}, true);
    quiet.socket.fire('open');
    quiet.advanceTo(600_000);
    expect(quiet.result.link?.isOpen).toBe(true);

    const idle = setup({ liveness: { idleTimeoutMs: 10_000 } }, true);
    idle.socket.fire('open');
    idle.advanceTo(6000);
    idle.socket.fire('message', { data: 'x' });
    idle.advanceTo(15_999);
    expect(idle.result.close).toBeUndefined();
    idle.advanceTo(16_000);
    expect(idle.result.close?.reason).toBe('liveness_timeout: no frame for 10000 ms');
    expect(idle.socket.closes).toEqual([[4000, 'liveness timeout']]);
  });

  it('liveness: false turns pings off', () => {
    const { socket, advanceTo, result } = setup({ liveness: false });
    socket.fire('open');
    advanceTo(60_000);
    expect(socket.pings).toBe(0);
    expect(result.link?.isOpen).toBe(true);
  });

  it('throws buffer_full past maxBufferedBytes and not_open once closed', () => {
    const { socket, result } = setup({ maxBufferedBytes: 100 });
    socket.fire('open');
    const link = result.link!;
    socket.bufferedAmount = 90;
    link.send('0123456789');
    expect(() => link.send('01234567890')).toThrow(expect.objectContaining({ code: 'buffer_full' }));
    socket.bufferedAmount = 99;
    expect(() => link.send('é')).toThrow(expect.objectContaining({ code: 'buffer_full' })); // 2 bytes
    expect(socket.sent).toEqual(['0123456789']);
    socket.fire('close', { code: 4001, reason: '' });
    expect(result.close).toEqual({ reason: 'closed by peer (code 4001)', code: 4001, clean: false });
    expect(() => link.send('x')).toThrow(expect.objectContaining({ code: 'not_open' }));
  });

  it('closes an oversize frame itself (browser: 1009 is refused, so it falls back to 1000)', () => {
    const { socket, result } = setup({ maxFrameBytes: 8 }, true);
    socket.fire('open');
    const frames: unknown[] = [];
    result.link!.frames$.subscribe((f) => frames.push(f));
    socket.fire('message', { data: new Uint8Array(8).buffer });
    socket.fire('message', { data: '123456789' });
    expect(frames).toHaveLength(1);
    expect(frames[0]).toBeInstanceOf(Uint8Array);
    expect(result.close).toMatchObject({ code: 1009, clean: false });
    expect(result.close?.reason).toBe('frame_too_large: incoming frame of 9 bytes exceeds maxFrameBytes 8');
    expect(socket.closes).toEqual([[1000, 'frame too large']]);
  });

  it('closes cleanly on request, once', () => {
    const { socket, result } = setup();
    socket.fire('open');
    result.link!.close('bye');
    result.link!.close('again');
    socket.fire('close', { code: 1000, reason: 'bye' });
    expect(result.close).toEqual({ reason: 'bye', code: 1000, clean: true });
    expect(socket.closes).toEqual([[1000, 'bye']]);
  });

  it('reports a requested close only once the socket is really closed, so the next dial cannot race it', () => {
    const { socket, result } = setup();
    socket.fire('open');
    result.link!.close('switching endpoint');
    expect(result.link!.isOpen).toBe(false);
    expect(() => result.link!.send('x')).toThrow(expect.objectContaining({ code: 'not_open' }));
    expect(result.close).toBeUndefined(); // the closing handshake is still under way
    socket.fire('close', { code: 1000, reason: 'switching endpoint' });
    expect(result.close).toEqual({ reason: 'switching endpoint', code: 1000, clean: true });
  });

  it('gives up waiting for the closing handshake after closeWaitMs and drops the socket', () => {
    const { socket, result, advanceTo } = setup({ closeWaitMs: 500 });
    socket.fire('open');
    result.link!.close('bye');
    advanceTo(499);
    expect(result.close).toBeUndefined();
    advanceTo(500);
    expect(result.close).toEqual({ reason: 'bye', code: 1000, clean: true });
    expect(socket.terminated).toBe(true);
  });
});
