import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopback } from '@bluechip-ws/bridge/node';

/** What the endpoint serves: Prometheus text, liveness details, and why it is not ready. */
export interface MetricsSource {
  scrape(): Promise<string>;
  /** Why the process is not ready to serve, or an empty list. */
  notReady(): string[];
  /** Extra liveness details for /healthz (e.g. link states by terminal). */
  health?(): Record<string, unknown>;
}

export interface MetricsServerOptions {
  /** Default 127.0.0.1. Anything else must be asked for: the metrics name the site and its terminals. */
  readonly host?: string;
  /** 0 (default) takes a free port; see `MetricsServer.port`. */
  readonly port?: number;
}

export interface MetricsServer {
  readonly host: string;
  readonly port: number;
  /** False when bound to anything but loopback (the caller asked for it; say so). */
  readonly loopback: boolean;
  /** `http://host:port` */
  readonly url: string;
  close(): Promise<void>;
}

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * `/metrics` (Prometheus text format), `/healthz` (200 while the process answers) and `/readyz` (200 once
 * ready, else 503 with the reasons), GET or HEAD only, nothing read from a request body. Bound to loopback,
 * it also refuses a Host header naming another machine (a page's DNS rebinding cannot read it).
 */
export function startMetricsServer(
  source: MetricsSource,
  options: MetricsServerOptions = {},
): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const loopbackOnly = isLoopback(host);
  const server: Server = createServer((req, res) => {
    void answer(source, req, res, loopbackOnly).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, 500, 'text/plain; charset=utf-8', `metrics failed: ${(error as Error).message}\n`);
      else res.destroy();
    });
  });
  // Scrapers keep connections alive; bounded so an idle or slow peer holds nothing for long.
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 50;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        host,
        port,
        loopback: loopbackOnly,
        url: `http://${shown}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function answer(
  source: MetricsSource,
  req: IncomingMessage,
  res: ServerResponse,
  loopbackOnly: boolean,
): Promise<void> {
  if (loopbackOnly && !isLoopback(hostName(req.headers.host))) {
    send(res, 403, 'text/plain; charset=utf-8', 'forbidden: Host must be loopback\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    return;
  }
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/metrics') {
    send(res, 200, PROMETHEUS_TEXT, await source.scrape(), req.method === 'HEAD');
  } else if (path === '/healthz') {
    send(res, 200, 'application/json', `${JSON.stringify({ status: 'ok', ...source.health?.() })}\n`);
  } else if (path === '/readyz') {
    const missing = source.notReady();
    const body = JSON.stringify(
      missing.length === 0 ? { status: 'ready' } : { status: 'not ready', missing },
    );
    send(res, missing.length === 0 ? 200 : 503, 'application/json', `${body}\n`);
  } else {
    send(res, 404, 'text/plain; charset=utf-8', 'not found: /metrics, /healthz, /readyz\n');
  }
}

/** The host of a Host header, without its port (brackets of an IPv6 literal removed). */
function hostName(header: string | undefined): string {
  if (header === undefined) return '';
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(header);
  if (bracketed !== null) return bracketed[1] as string;
  return header.replace(/:\d+$/, '');
}

function send(res: ServerResponse, status: number, type: string, body: string, headOnly = false): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(headOnly ? undefined : body);
}
