import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openTelemetry } from '@bluechip-ws/client/telemetry';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { type ListenAddress, nonLoopbackWarning, parseListenAddress } from '../listen-address.js';
import { type ServeMetrics, startServeMetrics } from '../serve-metrics.js';

const USAGE = `Usage: bluechip serve --stdio | --listen [host:]port [options]

Runs the JSON-RPC 2.0 bridge, so a program in any language drives terminals through this library (see
docs/bridge.md). The bridge owns the journal: an outcome is journaled and acked even if the caller dies.

  --stdio                   one JSON-RPC message per line on stdin/stdout (UTF-8); logs on stderr only.
                            When stdin closes, running calls settle (--drain-timeout), then exit 0.
  --listen [host:]port      WebSocket on host:port; a port alone listens on 127.0.0.1 (port 0 picks a free
                            one). Any other address must be written out (0.0.0.0:7300, [::]:7300) and is
                            warned about: whoever reaches it and holds the token can run payments.
                            Every connection needs the bearer token (Authorization: Bearer <token>, or the
                            subprotocols "bluechip.bridge" + "bluechip.bearer.<token>").
  --token-file <path>       where the token is read, or generated (mode 0600) when missing
                            (default $XDG_CONFIG_HOME/bluechip/bridge-token or ~/.config/bluechip/bridge-token)
  --token <value>           use this token instead (or $BLUECHIP_BRIDGE_TOKEN); at least 16 characters
  --allow-origin <origin>   a browser origin allowed to connect (repeatable; none by default)
  --allow-host <host:port>  an extra Host header value accepted (repeatable; loopback names always are)
  --max-connections <n>     WebSocket callers at once (default 4)
  --max-message-bytes <n>   largest message accepted (default 1048576)
  --max-pending <n>         calls one caller may have running at once (default 32); then "busy"
  --drain-timeout <s>       on shutdown, how long running calls may take to settle (default 30)
  --metrics [host:]port     serve /metrics (Prometheus text: the library's metrics of every terminal),
                            /healthz and /readyz over HTTP; a port alone listens on 127.0.0.1 (port 0 picks
                            a free one, named on stderr). See docs/observability.md.
  --help, -h                show this help

Try it against the built-in simulator:
  echo '{"jsonrpc":"2.0","id":1,"method":"terminal.open","params":{"simulator":true}}
  {"jsonrpc":"2.0","id":2,"method":"sale","params":{"terminalId":"t1","amount":1234}}' | bluechip serve --stdio
`;

class ServeUsageError extends Error {}

interface ServeOptions {
  readonly stdio: boolean;
  readonly listen: ListenAddress | undefined;
  readonly tokenFile: string;
  readonly token: string | undefined;
  readonly origins: readonly string[];
  readonly hosts: readonly string[];
  readonly maxConnections: number | undefined;
  readonly maxMessageBytes: number | undefined;
  readonly maxPending: number | undefined;
  readonly drainMs: number;
  readonly metrics: ListenAddress | undefined;
}

function count(text: string | undefined, name: string, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) {
    throw new ServeUsageError(`--${name} must be an integer from 1 to ${max}, got "${text}"`);
  }
  return Number(text);
}

function parse(argv: readonly string[], io: CliIo): ServeOptions | 'help' {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        stdio: { type: 'boolean' },
        listen: { type: 'string' },
        'token-file': { type: 'string' },
        token: { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        'allow-host': { type: 'string', multiple: true },
        'max-connections': { type: 'string' },
        'max-message-bytes': { type: 'string' },
        'max-pending': { type: 'string' },
        'drain-timeout': { type: 'string' },
        metrics: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new ServeUsageError((error as Error).message.split('\n')[0]);
  }
  if (values.help === true) return 'help';
  const listen = typeof values.listen === 'string' ? parseListenAddress(values.listen) : undefined;
  if ((values.stdio === true) === (listen !== undefined)) {
    throw new ServeUsageError('give exactly one of --stdio and --listen [host:]port');
  }
  const config = io.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  const token = (values.token as string | undefined) ?? (io.env.BLUECHIP_BRIDGE_TOKEN || undefined);
  if (token !== undefined && token.length < 16)
    throw new ServeUsageError('--token must be at least 16 characters');
  return {
    stdio: values.stdio === true,
    listen,
    tokenFile: (values['token-file'] as string | undefined) ?? join(config, 'bluechip', 'bridge-token'),
    token,
    origins: (values['allow-origin'] as string[] | undefined) ?? [],
    hosts: (values['allow-host'] as string[] | undefined) ?? [],
    maxConnections: count(values['max-connections'] as string | undefined, 'max-connections', 1000),
    maxMessageBytes: count(
      values['max-message-bytes'] as string | undefined,
      'max-message-bytes',
      64 * 1024 * 1024,
    ),
    maxPending: count(values['max-pending'] as string | undefined, 'max-pending', 10_000),
    drainMs: (count(values['drain-timeout'] as string | undefined, 'drain-timeout', 3600) ?? 30) * 1000,
    metrics: typeof values.metrics === 'string' ? parseListenAddress(values.metrics) : undefined,
  };
}

/** `bluechip serve`: the JSON-RPC bridge on stdio or a loopback WebSocket (packages/bridge). */
export const serveCommand: Command = {
  name: 'serve',
  summary:
    'Run the JSON-RPC 2.0 bridge for other languages (--stdio, or --listen 127.0.0.1:7300). See --help.',
  usage: '--stdio | --listen [host:]port [--token-file <path>] [--allow-origin <origin>] ...',
  async run(argv, io) {
    let options: ServeOptions | 'help';
    try {
      options = parse(argv, io);
    } catch (error) {
      io.stderr.write(`bluechip serve: ${(error as Error).message}\n`);
      return EXIT.error;
    }
    if (options === 'help') {
      io.stdout.write(USAGE);
      return EXIT.ok;
    }
    // Loaded on demand: other commands do not pay for the bridge.
    const node = await import('@bluechip-ws/bridge/node');
    const logger = {
      log: (level: string, message: string) => io.stderr.write(`bluechip serve: ${level}: ${message}\n`),
    };
    // Before the bridge opens any terminal: each terminal's `connect` reports to the registered provider.
    let serving = false;
    let exposed: ServeMetrics | undefined;
    if (options.metrics !== undefined) {
      if (!node.isLoopback(options.metrics.host)) io.stderr.write(nonLoopbackWarning(options.metrics));
      try {
        exposed = await startServeMetrics(options.metrics, () => (serving ? [] : ['starting']));
      } catch (error) {
        io.stderr.write(`bluechip serve: --metrics: ${(error as Error).message}\n`);
        return EXIT.error;
      }
      logger.log('info', `metrics on ${exposed.url}/metrics (/healthz, /readyz)`);
    }
    // With --metrics each terminal the bridge opens reports to the provider registered above.
    const hooks =
      exposed === undefined
        ? node.nodeHooks
        : {
            ...node.nodeHooks,
            connectOptions: { ...node.nodeHooks.connectOptions, telemetry: openTelemetry() },
          };
    const bridge = new node.Bridge({
      hooks,
      logger,
      ...(options.maxPending === undefined ? {} : { maxPending: options.maxPending }),
    });
    const signals = new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    if (options.stdio) {
      // stdin "end" on SIGTERM too, so a supervisor's stop also drains.
      signals.then((signal) => {
        logger.log('info', `${signal}: closing`);
        process.stdin.destroy();
      });
      serving = true;
      await node.serveStdio(bridge, {
        input: process.stdin,
        output: process.stdout,
        drainTimeoutMs: options.drainMs,
        ...(options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes }),
      });
      await exposed?.close();
      return EXIT.ok;
    }
    const listen = options.listen as ListenAddress;
    // Only a host written out can be anything but loopback (a port alone is 127.0.0.1).
    if (!node.isLoopback(listen.host)) io.stderr.write(nonLoopbackWarning(listen));
    let token = options.token;
    let tokenNote = 'token given';
    if (token === undefined) {
      const read = await node.tokenFromFile(options.tokenFile);
      token = read.token;
      tokenNote = `token ${read.created ? 'written to' : 'read from'} ${options.tokenFile}`;
    }
    const carrier = await node.listenWebSocket(bridge, {
      host: listen.host,
      port: listen.port,
      token,
      allowedOrigins: options.origins,
      allowedHosts: options.hosts,
      ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
      ...(options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes }),
    });
    serving = true;
    io.stdout.write(`listening ${carrier.url} (${tokenNote})\n`);
    const signal = await signals;
    logger.log('info', `${signal}: closing`);
    await carrier.close();
    await bridge.close(options.drainMs);
    await exposed?.close();
    return EXIT.ok;
  },
};
