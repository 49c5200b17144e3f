import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bridge } from '@bluechip-ws/bridge';
import {
  type BridgeLogger,
  isLoopback,
  listenWebSocket,
  newToken,
  nodeHooks,
} from '@bluechip-ws/bridge/node';
import { builtPage, type PageAssets, pageHtml } from './page-assets.js';

export interface ConsoleOptions {
  /** Address of the page and the bridge (default 127.0.0.1; anything else must be loopback). */
  readonly host?: string;
  /** Port of the page (default 0: a free one). The bridge takes another free port. */
  readonly port?: number;
  /** A real terminal (`ws://…`); without it, the built-in simulator in interactive mode. */
  readonly terminal?: string;
  /** Interactive simulator: how long a flow waits for the customer (default 60 000 ms). */
  readonly customerTimeoutMs?: number;
  /**
   * Simulator: a scenario (docs/simulator.md), as parsed JSON. Its rules that set an outcome decide their
   * requests without waiting for the customer.
   */
  readonly scenario?: { readonly [key: string]: unknown };
  /** Simulator: delay before each event (default 300 ms, so people can follow it). */
  readonly eventDelayMs?: number;
  /**
   * Reconcile by itself after a dropped link or an unknown outcome, as a POS would (default false: the
   * console shows the unknown outcome and leaves the reconcile to the tester).
   */
  readonly autoReconcile?: boolean;
  /** A file journal directory (default: in memory). */
  readonly journalDir?: string;
  /** The page (default: the bundle built into dist/page). Tests pass one bundled from the sources. */
  readonly page?: PageAssets;
  /** The bearer token (default: a new random one per run). */
  readonly token?: string;
  readonly logger?: BridgeLogger;
}

export interface RunningConsole {
  /** The page's URL, the token in its fragment (never sent to a server, kept out of logs). */
  readonly url: string;
  readonly port: number;
  readonly bridgeUrl: string;
  readonly terminalId: string;
  readonly bridge: Bridge;
  close(): Promise<void>;
}

export const CONSOLE_TERMINAL_ID = 'console';

/**
 * `bluechip console`: one page on loopback, and the bridge's WebSocket carrier behind it (the same method
 * table as `bluechip serve`). The bridge admits only this page's origin and the per-run token the printed
 * URL carries; the page server answers only requests naming a loopback host (no DNS rebinding).
 */
export async function startConsole(options: ConsoleOptions = {}): Promise<RunningConsole> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new RangeError(`the console binds loopback only, not ${host}`);
  const page = options.page ?? (await builtPage());
  const token = options.token ?? newToken();
  const bridge = new Bridge({ hooks: nodeHooks, ...(options.logger ? { logger: options.logger } : {}) });
  const mode = options.terminal === undefined ? 'simulator' : 'terminal';

  let html = '';
  const server = createServer((req, res) => serve(req, res));
  const hostsAllowed = new Set<string>();
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    if (!hostsAllowed.has((req.headers.host ?? '').toLowerCase())) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('Host not allowed\n');
      return;
    }
    const headers = {
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
    } else if (path === '/') {
      res
        .writeHead(200, {
          ...headers,
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': `default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:; connect-src ws://${host === '::1' ? '[::1]' : host}:* ws://localhost:* ws://127.0.0.1:*; base-uri 'none'; form-action 'none'`,
        })
        .end(html);
    } else if (path === '/console.js') {
      res.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(page.script);
    } else res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found\n');
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  for (const name of ['127.0.0.1', 'localhost', '[::1]', urlHost]) hostsAllowed.add(`${name}:${port}`);
  const origins = [...hostsAllowed].map((h) => `http://${h}`);

  try {
    const carrier = await listenWebSocket(bridge, { host, port: 0, token, allowedOrigins: origins });
    html = pageHtml({ terminalId: CONSOLE_TERMINAL_ID, mode, bridgePort: carrier.port });
    await bridge.terminals.open({
      terminalId: CONSOLE_TERMINAL_ID,
      frames: true,
      autoReconcile: options.autoReconcile ?? false,
      ...(options.journalDir === undefined ? {} : { journalDir: options.journalDir }),
      ...(options.terminal === undefined
        ? {
            simulator: {
              interactive: true,
              eventDelayMs: options.eventDelayMs ?? 300,
              ...(options.scenario === undefined ? {} : { scenario: options.scenario }),
              ...(options.customerTimeoutMs === undefined
                ? {}
                : { customerTimeoutMs: options.customerTimeoutMs }),
            },
          }
        : { url: options.terminal }),
    });
    let closing: Promise<void> | undefined;
    return {
      url: `http://${urlHost}:${port}/#token=${token}`,
      port,
      bridgeUrl: carrier.url,
      terminalId: CONSOLE_TERMINAL_ID,
      bridge,
      close: () => {
        closing ??= (async () => {
          await carrier.close();
          await bridge.close(2_000);
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
        })();
        return closing;
      },
    };
  } catch (error) {
    server.close();
    await bridge.close(0);
    throw error;
  }
}
