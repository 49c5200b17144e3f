import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import {
  Connection,
  type ConnectionState,
  type Link,
  type LinkClose,
  TransportError,
} from '@bluechip-ws/core';
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createWsTransport, type WebSocketConstructor, type WsTransportOptions } from '../src/index.js';
import { runSaleExchange } from './support/sale-exchange.js';
import { answerLikeATerminal, startServer, type TestServer } from './support/ws-server.js';

const PAY = '/tsi/v1/payment';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(options?: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(options);
  cleanups.push(() => s.stop());
  return s;
}

async function open(options: WsTransportOptions, path = PAY): Promise<Link> {
  const link = await firstValueFrom(createWsTransport(options).open(path));
  cleanups.push(() => link.close());
  return link;
}

const closeOf = (link: Link): Promise<LinkClose> => firstValueFrom(link.closed$);

describe('ws transport (Node, real ws server)', () => {
  it('runs a sale-shaped exchange on a per-endpoint URL', async () => {
    const s = await server();
    const terminalSaw: string[] = [];
    s.wss.on('connection', (ws) => answerLikeATerminal(ws, terminalSaw));
    const transport = createWsTransport({ url: s.url });
    const transcript = await runSaleExchange(transport, PAY);
    expect(s.paths).toEqual([PAY]);
    expect(transcript.map((line) => line.slice(0, 20))).toEqual([
      'pos sent {"request":',
      'pos got {"response":',
      'pos got {"event":{"f',
      'pos sent {"event_ack',
    ]);
    await expect.poll(() => terminalSaw.length).toBe(2);
    expect(terminalSaw[1]).toBe('terminal got {"event_ack":{"flow_id":"109569","resource":{"status":"ok"}}}');
  });

  it('frames sent in one tick leave corked together, and the socket is uncorked after the tick', async () => {
    const s = await server();
    const got: string[] = [];
    s.wss.on('connection', (ws) => ws.on('message', (data) => got.push(String(data))));
    const made: WebSocket[] = [];
    class Recording extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        made.push(this);
      }
    }
    const link = await open({
      url: s.url,
      WebSocket: Recording as unknown as WsTransportOptions['WebSocket'],
    });
    const tcp = (made[0] as unknown as { _socket: Socket })._socket;
    expect(tcp.writableCorked).toBe(0);
    link.send('{"n":1}');
    link.send('{"n":2}');
    expect(tcp.writableCorked).toBe(1);
    link.send('{"n":3}');
    await Promise.resolve();
    expect(tcp.writableCorked).toBe(0);
    await expect.poll(() => got).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    // The next tick corks again.
    link.send('{"n":4}');
    expect(tcp.writableCorked).toBe(1);
    await expect.poll(() => got.length).toBe(4);
    expect(tcp.writableCorked).toBe(0);
  });

  it('runs the same exchange in single-endpoint mode at /, with endpoint in every envelope', async () => {
    const s = await server();
    const terminalSaw: string[] = [];
    s.wss.on('connection', (ws) => answerLikeATerminal(ws, terminalSaw));
    const transcript = await runSaleExchange(createWsTransport({ url: `${s.url}/` }), '/');
    expect(s.paths).toEqual(['/']);
    expect(transcript.every((line) => line.includes('"endpoint":"/tsi/v1/payment"'))).toBe(true);
    await expect.poll(() => terminalSaw.length).toBe(2);
    expect(terminalSaw[1]).toContain('"event_ack":{"flow_id":"109569","endpoint":"/tsi/v1/payment"');
  });

  it('passes binary frames through as Uint8Array', async () => {
    const s = await server();
    s.wss.on('connection', (ws) => ws.on('message', () => ws.send(Buffer.from([1, 2, 3]))));
    const link = await open({ url: s.url });
    const next = firstValueFrom(link.frames$);
    link.send('hello');
    const frame = await next;
    expect(frame).toBeInstanceOf(Uint8Array);
    expect([...(frame as Uint8Array)]).toEqual([1, 2, 3]);
  });

  it('passes text frames through as strings, multi-byte UTF-8 intact, from ws and from an injected constructor', async () => {
    const text = '{"event":{"flow_id":"1","resource":{"status":"proceed","message":"Carte refusée — 卡"}}}';
    const s = await server();
    s.wss.on('connection', (ws) => ws.on('message', () => ws.send(text)));
    // The default constructor is `ws` and is read through its own 'message' event; an injected one (here the
    // same class) through the DOM API: both must hand over the same string.
    for (const options of [
      { url: s.url },
      { url: s.url, WebSocket: WebSocket as unknown as WebSocketConstructor },
    ]) {
      const link = await open(options);
      const next = firstValueFrom(link.frames$);
      link.send('hello');
      expect(await next).toBe(text);
      link.close();
    }
  });

  it('reports a server close mid-exchange with its code and reason, not clean', async () => {
    const s = await server();
    s.wss.on('connection', (ws) =>
      ws.on('message', () => {
        ws.send('{"response":{"flow_id":"1","resource":{"status":"ok"}}}');
        ws.close(1011, 'terminal fault');
      }),
    );
    const link = await open({ url: s.url });
    const frames: unknown[] = [];
    let completed = false;
    link.frames$.subscribe({ next: (f) => frames.push(f), complete: () => (completed = true) });
    link.send('{"request":{"flow_id":"1","resource":{"type":"sale","amount":1}}}');
    expect(await closeOf(link)).toEqual({ reason: 'terminal fault', code: 1011, clean: false });
    expect(frames).toHaveLength(1);
    expect(completed).toBe(true);
    expect(link.isOpen).toBe(false);
    expect(() => link.send('x')).toThrow(expect.objectContaining({ code: 'not_open' }));
  });

  it('reports an abrupt drop as code 1006, and our own close as clean', async () => {
    const s = await server();
    const dropped = await open({ url: s.url });
    s.sockets[0]?.terminate();
    expect(await closeOf(dropped)).toMatchObject({ code: 1006, clean: false });

    const next = s.nextConnection();
    const ours = await open({ url: s.url });
    const serverSide = await next;
    const serverClose = once(serverSide, 'close');
    ours.close('pos shutting down', 1000);
    expect(await closeOf(ours)).toEqual({ reason: 'pos shutting down', code: 1000, clean: true });
    const [code, reason] = await serverClose;
    expect(code).toBe(1000);
    expect(String(reason)).toBe('pos shutting down');
  });

  it('declares a link dead when the server never answers pings', async () => {
    const s = await server({ autoPong: false });
    const link = await open({ url: s.url, liveness: { pingIntervalMs: 50, pongTimeoutMs: 100 } });
    const close = await closeOf(link);
    expect(close.reason).toMatch(/^liveness_timeout/);
    expect(close.clean).toBe(false);
    expect(close.cause).toBeInstanceOf(TransportError);
    expect((close.cause as TransportError).code).toBe('liveness_timeout');
  });

  it('keeps a link whose server answers pings', async () => {
    const s = await server();
    let pings = 0;
    s.wss.on('connection', (ws) => ws.on('ping', () => pings++));
    // A generous pong timeout: a busy machine must not turn a slow pong into a false death.
    const link = await open({ url: s.url, liveness: { pingIntervalMs: 30, pongTimeoutMs: 2000 } });
    await expect.poll(() => pings, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    expect(link.isOpen).toBe(true);
  });

  it('fails with connect_failed when the port refuses', async () => {
    const s = await startServer();
    const url = s.url;
    await s.stop();
    const err = await firstValueFrom(createWsTransport({ url }).open(PAY)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ code: 'connect_failed' });
    expect((err as Error).message).toContain(url);
  });

  it('fails with connect_failed when the handshake never completes within connectTimeoutMs', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket)); // accepts TCP, never answers HTTP
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    const { port } = silent.address() as { port: number };
    const transport = createWsTransport({ url: `ws://127.0.0.1:${port}`, connectTimeoutMs: 150 });
    const err = await firstValueFrom(transport.open(PAY)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'connect_failed' });
    expect((err as Error).message).toContain('no connection within 150 ms');
  });

  it('a refused handshake (a terminal serving another client answers 409) is connect_failed with its status', async () => {
    const sockets: Socket[] = [];
    const busy: Server = createServer((socket) => {
      sockets.push(socket);
      socket.once('data', () =>
        socket.end('HTTP/1.1 409 Conflict\r\nContent-Length: 5\r\nConnection: close\r\n\r\nbusy\n'),
      );
    });
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => busy.close(resolve));
    });
    const { port } = busy.address() as { port: number };
    const err = await firstValueFrom(createWsTransport({ url: `ws://127.0.0.1:${port}` }).open(PAY)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ code: 'connect_failed', status: 409 });
    expect((err as Error).message).toContain('HTTP 409');
  });

  it('closes with 1009 and a clear reason on an oversize frame', async () => {
    const s = await server();
    const next = s.nextConnection();
    const link = await open({ url: s.url, maxFrameBytes: 1024 });
    const serverSide = await next;
    const serverClose = once(serverSide, 'close');
    serverSide.send('x'.repeat(1025));
    const close = await closeOf(link);
    expect(close).toMatchObject({ code: 1009, clean: false });
    expect(close.reason).toContain('frame_too_large');
    expect((close.cause as TransportError).code).toBe('frame_too_large');
    const [code] = await serverClose;
    expect(code).toBe(1009);
  });

  it('accepts a frame of exactly maxFrameBytes', async () => {
    const s = await server();
    s.wss.on('connection', (ws) => ws.on('message', () => ws.send('é'.repeat(512)))); // 1024 bytes in UTF-8
    const link = await open({ url: s.url, maxFrameBytes: 1024 });
    const next = firstValueFrom(link.frames$);
    link.send('hello');
    expect(await next).toHaveLength(512);
  });

  it('throws buffer_full when the server stops reading and the buffer passes its bound', async () => {
    const s = await server();
    s.wss.on('connection', (ws) => ws.pause());
    const link = await open({ url: s.url, maxBufferedBytes: 256 * 1024 });
    const chunk = 'y'.repeat(64 * 1024);
    let error: unknown;
    for (let i = 0; i < 2000 && error === undefined; i++) {
      try {
        link.send(chunk);
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe('buffer_full');
    expect(link.isOpen).toBe(true);
  });

  it('rejects a bad url early and a throwing constructor as connect_failed', async () => {
    expect(() => createWsTransport({ url: 'http://127.0.0.1:1' })).toThrow(TypeError);
    const transport = createWsTransport({
      url: 'ws://127.0.0.1:1',
      WebSocket: class {
        constructor() {
          throw new SyntaxError('bad url');
        }
      } as never,
    });
    await expect(firstValueFrom(transport.open(PAY))).rejects.toMatchObject({ code: 'connect_failed' });
  });

  it('aborts the dial when the subscriber leaves before the socket opens', async () => {
    const s = await server();
    const sub = createWsTransport({ url: s.url }).open(PAY).subscribe();
    sub.unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(s.sockets.every((ws) => ws.readyState !== ws.OPEN)).toBe(true);
  });
});

describe('Connection over the ws transport', () => {
  it('reconnects with backoff after the server drops the socket, without replaying', async () => {
    const s = await server();
    const received: string[] = [];
    s.wss.on('connection', (ws) => ws.on('message', (data) => received.push(data.toString())));
    const connection = new Connection(createWsTransport({ url: s.url }), {
      reconnect: { initialDelayMs: 20, maxDelayMs: 100, maxAttempts: 5 },
    });
    cleanups.push(() => connection.close());
    const states: ConnectionState[] = [];
    connection.state$.subscribe((st) => states.push(st));

    const first = await firstValueFrom(connection.acquire(PAY));
    first.send('{"request":{"flow_id":"1","resource":{"type":"sale","amount":1}}}');
    await expect.poll(() => received.length).toBe(1);
    const reconnected = firstValueFrom(connection.links$);
    s.sockets[0]?.terminate();
    const second = await reconnected;
    expect(second).not.toBe(first);
    await firstValueFrom(connection.state$.pipe(filter((st) => st.kind === 'open')));
    expect(states.map((st) => st.kind)).toEqual([
      'idle',
      'connecting',
      'open',
      'reconnecting',
      'connecting',
      'open',
    ]);
    expect(states[3]).toMatchObject({
      kind: 'reconnecting',
      attempt: 1,
      lastClose: { code: 1006, clean: false },
    });
    expect(s.sockets).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toHaveLength(1); // nothing replayed on the new link
  });

  it('gives up after maxAttempts when the server is gone', async () => {
    const s = await startServer();
    const connection = new Connection(createWsTransport({ url: s.url }), {
      reconnect: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 },
    });
    cleanups.push(() => connection.close());
    await firstValueFrom(connection.acquire(PAY));
    await s.stop();
    const closed = await firstValueFrom(connection.state$.pipe(filter((st) => st.kind === 'closed')));
    expect(closed).toMatchObject({ kind: 'closed', path: PAY, reason: { clean: false } });
    expect(closed.kind === 'closed' && closed.reason.reason).toMatch(/connect_failed/);
  });
});
