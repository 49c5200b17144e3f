import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';

const USAGE = `Usage: bluechip console [--port <n>] [--open] [--terminal ws://host:50000] [options]

Serves the integrator console on 127.0.0.1: a virtual terminal where you play the customer (present a
card, decline, wrong PIN, cancel, walk away, pull the cable, busy), a TSI workbench for every request type,
the flow timeline with acks and timings, the frame log and the journal with a reconcile button.
Open the printed URL: it carries the page's token. The page talks to the JSON-RPC bridge (docs/bridge.md).

  --port <n>                port of the page (default 0: a free one)
  --open                    open the page in the default browser (xdg-open, open or start)
  --terminal <url>          drive a real terminal instead of the built-in simulator
  --journal <dir>           a file journal in <dir> (default: in memory)
  --auto-reconcile          reconcile by itself after a dropped link, as a POS would (default: off, so
                            an unknown outcome stays open until you press Reconcile)
  --scenario <file.json>    simulator: a scenario (docs/simulator.md); rules with an outcome decide their
                            requests without waiting for the customer
  --customer-timeout <s>    simulator: how long a sale waits for the customer (default 60)
  --event-delay <ms>        simulator: delay before each event (default 300)
  --help, -h                show this help
`;

class ConsoleUsageError extends Error {}

function integer(text: string | undefined, name: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ConsoleUsageError(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

function parse(argv: readonly string[]) {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        port: { type: 'string' },
        open: { type: 'boolean' },
        terminal: { type: 'string' },
        journal: { type: 'string' },
        scenario: { type: 'string' },
        'auto-reconcile': { type: 'boolean' },
        'customer-timeout': { type: 'string' },
        'event-delay': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }) as { values: Record<string, string | boolean | undefined> });
  } catch (error) {
    throw new ConsoleUsageError((error as Error).message.split('\n')[0]);
  }
  const terminal = values.terminal as string | undefined;
  if (terminal !== undefined && !/^wss?:\/\/./.test(terminal)) {
    throw new ConsoleUsageError(`--terminal must be a ws:// or wss:// URL, got "${terminal}"`);
  }
  const timeout = integer(values['customer-timeout'] as string | undefined, 'customer-timeout', 1, 3600);
  return {
    help: values.help === true,
    open: values.open === true,
    autoReconcile: values['auto-reconcile'] === true,
    port: integer(values.port as string | undefined, 'port', 0, 65535),
    terminal,
    journal: values.journal as string | undefined,
    scenario: values.scenario as string | undefined,
    customerTimeoutMs: timeout === undefined ? undefined : timeout * 1000,
    eventDelayMs: integer(values['event-delay'] as string | undefined, 'event-delay', 0, 60_000),
  };
}

function openBrowser(url: string, io: CliIo): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () =>
    io.stderr.write(`bluechip console: could not open a browser; open the URL yourself\n`),
  );
  child.unref();
}

/** `bluechip console`: the integrator console (packages/console) on loopback. */
export const consoleCommand: Command = {
  name: 'console',
  summary:
    'Open the integrator console in the browser: play the customer, send requests, read flows. See --help.',
  usage: '[--port <n>] [--open] [--terminal <url>]',
  async run(argv, io) {
    let options: ReturnType<typeof parse>;
    try {
      options = parse(argv);
    } catch (error) {
      io.stderr.write(`bluechip console: ${(error as Error).message}\n`);
      return EXIT.error;
    }
    if (options.help) {
      io.stdout.write(USAGE);
      return EXIT.ok;
    }
    if (options.scenario !== undefined && options.terminal !== undefined) {
      io.stderr.write('bluechip console: --scenario applies to the simulator, not to --terminal\n');
      return EXIT.error;
    }
    let scenario: Record<string, unknown> | undefined;
    if (options.scenario !== undefined) {
      try {
        scenario = JSON.parse(await readFile(options.scenario, 'utf8'));
      } catch (error) {
        io.stderr.write(`bluechip console: --scenario ${options.scenario}: ${(error as Error).message}\n`);
        return EXIT.error;
      }
    }
    const { startConsole } = await import('@bluechip-ws/console');
    const running = await startConsole({
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.terminal === undefined ? {} : { terminal: options.terminal }),
      ...(options.journal === undefined ? {} : { journalDir: options.journal }),
      autoReconcile: options.autoReconcile,
      ...(scenario === undefined ? {} : { scenario }),
      ...(options.customerTimeoutMs === undefined ? {} : { customerTimeoutMs: options.customerTimeoutMs }),
      ...(options.eventDelayMs === undefined ? {} : { eventDelayMs: options.eventDelayMs }),
      logger: { log: (level, message) => io.stderr.write(`bluechip console: ${level}: ${message}\n`) },
    });
    io.stdout.write(`bluechip console: open ${running.url}\n`);
    io.stdout.write(
      options.terminal === undefined
        ? 'Against the built-in simulator: send a sale, then press "Present card". Ctrl-C to stop.\n'
        : `Against ${options.terminal}. Ctrl-C to stop.\n`,
    );
    if (options.open) openBrowser(running.url, io);
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    io.stderr.write(`bluechip console: ${signal}: closing\n`);
    await running.close();
    return EXIT.ok;
  },
};
