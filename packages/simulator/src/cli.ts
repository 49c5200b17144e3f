import { parseArgs } from 'node:util';
import { BoundedLog, type LogSink } from './bounded-log.js';
import { amountTable } from './outcomes.js';
import { loadScenarioFile, type Scenario } from './scenario.js';
import type { EndpointMode, SimulatorSettings } from './settings.js';
import { DEFAULT_HOST, DEFAULT_PORT, type RunningSimulator, startSimulator } from './ws-server.js';

export interface CommandIo {
  readonly stdout?: LogSink;
  readonly stderr?: LogSink;
  /** Stops the simulator like SIGINT does (for tests and embedding). */
  readonly signal?: AbortSignal;
}

const USAGE = `Usage: bluechip simulate [options]

Runs a simulated Bluechip terminal (TSI over WebSocket, server mode) and prints one line per frame
(card numbers masked). Stops cleanly on SIGINT (Ctrl-C) or SIGTERM.

Options:
  --host <addr>              listen address (default ${DEFAULT_HOST})
  --port <n>                 listen port, 0 for any free port (default ${DEFAULT_PORT})
  --event-delay-ms <n>       delay before each event (default 300)
  --ack-timeout-ms <n>       re-send an event not acked within this time (default 5000)
  --resend-limit <n>         re-sends before the flow is abandoned (default 3)
  --endpoint-mode <mode>     multi (/tsi/v1/*), single (/), or both (default both)
  --connection-policy <p>    refuse or replace a second client (default refuse)
  --final-status <s>         completed or ok (default completed)
  --amounts-as <t>           string or number in results (default string)
  --seed <n>                 seed for card and auth code picks
  --scenario <file>          JSON scenario with settings and per-request rules (see docs/simulator.md)
  --help                     show this help

Endpoints: /tsi/v1/payment, /tsi/v1/info, /tsi/v1/config, /tsi/v1/reports, and / (single-endpoint mode).

`;

class UsageError extends Error {}

function count(name: string, value: string | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > max) {
    throw new UsageError(`--${name} must be an integer from 0 to ${max}, got "${value}"`);
  }
  return Number(value);
}

function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

/** `parseArgs`'s text for `--port -1` suggests `--port=-XYZ`; say what is wrong instead. */
function usageError(error: unknown, argv: readonly string[]): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const option = /^Option '(--[\w-]+)/.exec(message)?.[1];
  if (option !== undefined && /ambiguous/.test(message)) {
    const next = argv[argv.indexOf(option) + 1] ?? '';
    return new UsageError(
      /^-\d/.test(next) ? `${option} must not be negative, got "${next}"` : `${option} needs a value`,
    );
  }
  return new UsageError(message.split('\n')[0] ?? message);
}

function parse(argv: string[]) {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    throw usageError(error, argv);
  }
  return readOptions(parsed.values);
}

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'event-delay-ms': { type: 'string' },
      'ack-timeout-ms': { type: 'string' },
      'resend-limit': { type: 'string' },
      'endpoint-mode': { type: 'string' },
      'connection-policy': { type: 'string' },
      'final-status': { type: 'string' },
      'amounts-as': { type: 'string' },
      seed: { type: 'string' },
      scenario: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function readOptions(values: ReturnType<typeof parseOptions>['values']) {
  const settings: Partial<Record<keyof SimulatorSettings, unknown>> = {
    eventDelayMs: count('event-delay-ms', values['event-delay-ms']),
    ackTimeoutMs: count('ack-timeout-ms', values['ack-timeout-ms']),
    resendLimit: count('resend-limit', values['resend-limit']),
    endpointMode: oneOf<EndpointMode>('endpoint-mode', values['endpoint-mode'], ['multi', 'single', 'both']),
    connectionPolicy: oneOf('connection-policy', values['connection-policy'], ['refuse', 'replace']),
    finalStatus: oneOf('final-status', values['final-status'], ['completed', 'ok']),
    amountsAs: oneOf('amounts-as', values['amounts-as'], ['string', 'number']),
  };
  return {
    help: values.help === true,
    host: values.host,
    port: count('port', values.port, 65535),
    seed: count('seed', values.seed),
    scenario: values.scenario,
    settings: settings as Partial<SimulatorSettings>,
  };
}

function clock(): string {
  return new Date().toISOString().slice(11, 23);
}

/**
 * Exit codes of both simulator entry points (`bluechip-simulator` and `bluechip simulate`): 1 for a usage
 * error or a simulator that could not start, the same code `bluechip` uses for usage errors.
 */
export const SIMULATE_EXIT = { ok: 0, usage: 1, failed: 1 } as const;

/** `bluechip simulate`: runs until SIGINT/SIGTERM (or `io.signal`), then resolves 0. */
export async function runSimulateCommand(argv: string[], io: CommandIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    stderr.write(`bluechip simulate: ${(error as Error).message}; try --help\n`);
    return SIMULATE_EXIT.usage;
  }
  if (args.help) {
    stdout.write(`${USAGE}${amountTable()}\n`);
    return SIMULATE_EXIT.ok;
  }
  let simulator: RunningSimulator;
  try {
    const scenario: Scenario | undefined =
      args.scenario === undefined ? undefined : await loadScenarioFile(args.scenario);
    simulator = await startSimulator({
      ...args.settings,
      ...(args.host === undefined ? {} : { host: args.host }),
      ...(args.port === undefined ? {} : { port: args.port }),
      ...(args.seed === undefined ? {} : { seed: args.seed }),
      ...(scenario === undefined ? {} : { scenario }),
    });
  } catch (error) {
    stderr.write(`bluechip simulate: ${(error as Error).message}\n`);
    return SIMULATE_EXIT.failed;
  }
  // Bounded: a slow or absent reader of the output must not grow the simulator's memory.
  const frameLog = new BoundedLog(stdout);
  const eventLog = new BoundedLog(stderr);
  const frames = simulator.frames$.subscribe((f) => {
    frameLog.line(
      `${clock()} #${f.connection} ${f.path} ${f.direction === 'in' ? 'POS->SIM' : 'SIM->POS'} ${f.text}`,
    );
  });
  const logs = simulator.log$.subscribe((e) => {
    eventLog.line(`${clock()} ${e.kind}: ${e.message}`);
  });
  const mode = simulator.engine.settings.endpointMode;
  stdout.write(`Bluechip simulator listening on ${simulator.url} (endpoint mode ${mode}); Ctrl-C to stop\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (io.signal?.aborted) stop();
    else io.signal?.addEventListener('abort', stop);
  });
  frames.unsubscribe();
  logs.unsubscribe();
  frameLog.flush();
  eventLog.flush();
  await simulator.close();
  stdout.write('Bluechip simulator stopped\n');
  return 0;
}
