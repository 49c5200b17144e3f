import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type ServerOptions, type WebSocket, WebSocketServer } from 'ws';

/** A real `ws` server on 127.0.0.1, port 0, remembering its sockets so `stop()` leaves nothing behind. */
export interface TestServer {
  readonly wss: WebSocketServer;
  readonly url: string;
  readonly port: number;
  readonly sockets: WebSocket[];
  readonly paths: string[];
  /** Resolves with the next accepted socket. */
  nextConnection(): Promise<WebSocket>;
  stop(): Promise<void>;
}

export async function startServer(options: Omit<ServerOptions, 'port' | 'host'> = {}): Promise<TestServer> {
  const wss = new WebSocketServer({ ...options, host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const port = (wss.address() as AddressInfo).port;
  const sockets: WebSocket[] = [];
  const paths: string[] = [];
  const waiters: ((ws: WebSocket) => void)[] = [];
  wss.on('connection', (ws, req) => {
    sockets.push(ws);
    paths.push(req.url ?? '');
    ws.on('error', () => {}); // test servers see abrupt client exits on purpose
    waiters.shift()?.(ws);
  });
  return {
    wss,
    port,
    url: `ws://127.0.0.1:${port}`,
    sockets,
    paths,
    nextConnection: () => new Promise((resolve) => waiters.push(resolve)),
    stop: async () => {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Answers like a terminal: `response` then one final `event` per request, and records every frame. */
export function answerLikeATerminal(ws: WebSocket, transcript: string[]): void {
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? '<binary>' : data.toString();
    transcript.push(`terminal got ${text}`);
    const message = JSON.parse(text) as { request?: { flow_id: string; endpoint?: string } };
    if (!message.request) return;
    const { flow_id, endpoint } = message.request;
    const head = endpoint === undefined ? { flow_id } : { flow_id, endpoint };
    ws.send(JSON.stringify({ response: { ...head, resource: { status: 'ok' } } }));
    ws.send(
      JSON.stringify({
        event: {
          ...head,
          resource: { status: 'completed', results: [{ status: 'approved', amount: 6417 }] },
        },
      }),
    );
  });
}
