import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Observable } from 'rxjs';
import { WebSocketServer } from 'ws';
import { BUSY_CLOSE_REASON, type EngineOptions, SimulatorEngine, type SimulatorSnapshot } from './engine.js';
import { SimulatorError } from './errors.js';
import type { FrameRecord, LogEntry } from './observe.js';
import { WsServerLink } from './ws-link.js';

export interface SimulatorServerOptions extends EngineOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 50000; 0 picks a free port. */
  readonly port?: number;
  /** Largest accepted incoming frame. Default 1 MiB. */
  readonly maxFrameBytes?: number;
}

export interface RunningSimulator {
  /** `ws://host:port` (append `/tsi/v1/payment`, or use it as is in single-endpoint mode). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly engine: SimulatorEngine;
  readonly frames$: Observable<FrameRecord>;
  readonly log$: Observable<LogEntry>;
  snapshot(): SimulatorSnapshot;
  /** Closes every connection and the server. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 50000;
export const DEFAULT_HOST = '127.0.0.1';

function refuseUpgrade(socket: Duplex, status: number, statusText: string, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * Runs the simulator on a real WebSocket server. Unknown paths are refused at the handshake with 404; a
 * second client, under `connectionPolicy: 'refuse'`, with 409.
 */
export async function startSimulator(options: SimulatorServerOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? DEFAULT_HOST;
  const requestedPort = options.port ?? DEFAULT_PORT;
  const engine = new SimulatorEngine(options);
  const server = createServer((_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket' });
    res.end('This is a Bluechip terminal simulator: connect with a WebSocket.\n');
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? 1024 * 1024 });

  // After listening, server errors are reported, never thrown into the process.
  server.on('error', (error) => engine.note('internal_error', `server error: ${error.message}`));
  wss.on('error', (error) => engine.note('internal_error', `WebSocket server error: ${error.message}`));

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const raw = req.url ?? '/';
    const path = raw.split('?')[0] ?? '/';
    if (engine.servedPath(path) === undefined) {
      engine.note('connection_refused', `handshake on unknown path ${path} refused with 404`);
      refuseUpgrade(socket, 404, 'Not Found', `unknown path ${path}\n`);
      return;
    }
    if (!engine.canAccept()) {
      engine.note(
        'connection_refused',
        `second connection on ${path} refused with 409: ${BUSY_CLOSE_REASON}`,
      );
      refuseUpgrade(socket, 409, 'Conflict', `${BUSY_CLOSE_REASON}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) =>
      engine.serve(new WsServerLink(ws, path, { transport: socket })),
    );
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (cause: Error) => {
      reject(
        new SimulatorError('listen_failed', `cannot listen on ${host}:${requestedPort}: ${cause.message}`, {
          cause,
        }),
      );
    };
    server.once('error', onError);
    server.listen(requestedPort, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : requestedPort;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `ws://${urlHost}:${port}`,
    host,
    port,
    engine,
    frames$: engine.frames$,
    log$: engine.log$,
    snapshot: () => engine.snapshot(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        engine.close();
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
