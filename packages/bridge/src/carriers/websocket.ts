import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { renderUntrusted } from '@bluechip-ws/protocol/internal';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { Bridge } from '../bridge.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './stdio.js';

export interface WebSocketCarrierOptions {
  /** Address to bind (default 127.0.0.1). Anything but loopback must be asked for explicitly. */
  readonly host?: string;
  /** Port (0 picks a free one). */
  readonly port: number;
  /** The bearer token every connection must present. */
  readonly token: string;
  /** Browser origins allowed to connect (exact match, e.g. `http://localhost:5173`); none by default. */
  readonly allowedOrigins?: readonly string[];
  /** Extra `Host` header values accepted besides the loopback names with this port. */
  readonly allowedHosts?: readonly string[];
  /** Largest accepted message in bytes (default 1 MiB); larger ones are refused with an error, not read. */
  readonly maxMessageBytes?: number;
  /** Callers connected at once (default 4); more are refused with 503. */
  readonly maxConnections?: number;
  /** A caller that lets this many bytes of replies pile up unread is disconnected (default 8 MiB). */
  readonly maxBufferedBytes?: number;
}

export interface WebSocketCarrier {
  readonly url: string;
  readonly port: number;
  /** Stops accepting, disconnects every caller (their calls go on in the bridge). */
  close(): Promise<void>;
}

/** Subprotocols: browsers cannot set headers, so they offer `bluechip.bearer.<token>` alongside this one. */
export const BRIDGE_SUBPROTOCOL = 'bluechip.bridge';
const BEARER_PREFIX = 'bluechip.bearer.';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function refuse(socket: Duplex, status: number, text: string, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function sameToken(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the token.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function tokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string' && /^Bearer\s+/i.test(header))
    return header.replace(/^Bearer\s+/i, '').trim();
  const protocols = req.headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    for (const p of protocols.split(',').map((s) => s.trim())) {
      if (p.startsWith(BEARER_PREFIX)) return p.slice(BEARER_PREFIX.length);
    }
  }
  return undefined;
}

/**
 * The WebSocket carrier: one JSON-RPC message per text message. Every upgrade is checked before a socket
 * exists: `Host` must name this server (no DNS rebinding), `Origin`, when a browser sends one, must be
 * allowed (no cross-site page can drive a terminal), the bearer token must match, and the connection count
 * must be under its bound.
 */
export async function listenWebSocket(
  bridge: Bridge,
  options: WebSocketCarrierOptions,
): Promise<WebSocketCarrier> {
  const host = options.host ?? '127.0.0.1';
  const limit = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const maxConnections = options.maxConnections ?? 4;
  const maxBuffered = options.maxBufferedBytes ?? 8 * 1024 * 1024;
  if (options.token.length < 16) throw new Error('the bearer token must be at least 16 characters');
  const origins = new Set(options.allowedOrigins ?? []);
  const server = createServer((_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket' });
    res.end('bluechip bridge: connect with a WebSocket and a bearer token.\n');
  });
  // Messages up to 4× the limit are read and refused with an error (the connection survives); beyond, ws
  // closes the connection (1009) without reading them.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limit * 4,
    // ws would close the connection (1007) on a text message that is not UTF-8, leaving the request
    // unanswered: the bridge checks the bytes itself and answers -32700 instead.
    skipUTF8Validation: true,
    handleProtocols: (offered) => (offered.has(BRIDGE_SUBPROTOCOL) ? BRIDGE_SUBPROTOCOL : false),
  });
  server.on('error', (error) => bridge.logger.log('error', `bridge server: ${error.message}`));
  wss.on('error', (error) => bridge.logger.log('error', `bridge WebSocket server: ${error.message}`));

  let port = options.port;
  const hostsAllowed = () => {
    const names = new Set<string>(options.allowedHosts ?? []);
    for (const name of ['127.0.0.1', 'localhost', '[::1]', host.includes(':') ? `[${host}]` : host]) {
      names.add(`${name}:${port}`);
    }
    return names;
  };
  let allowedHosts = new Set<string>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const hostHeader = (req.headers.host ?? '').toLowerCase();
    if (!allowedHosts.has(hostHeader)) {
      bridge.logger.log('warn', `refused a connection with Host ${renderUntrusted(hostHeader)}`);
      refuse(socket, 403, 'Forbidden', 'Host not allowed\n');
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin)) {
      bridge.logger.log('warn', `refused a connection from Origin ${renderUntrusted(origin)}`);
      refuse(socket, 403, 'Forbidden', 'Origin not allowed\n');
      return;
    }
    const token = tokenOf(req);
    if (token === undefined || !sameToken(token, options.token)) {
      refuse(socket, 401, 'Unauthorized', 'a valid bearer token is required\n');
      return;
    }
    if (bridge.connectionCount >= maxConnections || wss.clients.size >= maxConnections) {
      refuse(socket, 503, 'Service Unavailable', `at most ${maxConnections} connections\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  const attach = (ws: WebSocket) => {
    const connection = bridge.connect({
      send: (text) => {
        if (ws.readyState !== ws.OPEN) return;
        if (ws.bufferedAmount > maxBuffered) {
          bridge.logger.log('warn', 'a caller stopped reading its replies; disconnecting it');
          ws.terminate();
          return;
        }
        ws.send(text);
      },
    });
    // Binary messages are read as UTF-8 text too (some client libraries send text that way); text and
    // binary alike are decoded strictly from the raw bytes.
    ws.on('message', (data: RawData) => {
      const bytes = Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(data);
      if (bytes.length > limit) connection.refuseTooLarge(bytes.length, limit);
      else connection.receiveBytes(bytes);
    });
    ws.on('close', () => connection.close());
    ws.on('error', () => connection.close());
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address !== null ? address.port : options.port;
  allowedHosts = hostsAllowed();
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `ws://${urlHost}:${port}`,
    port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
