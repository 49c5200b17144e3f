import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';

const USAGE = `Usage: bluechip agent --config <agent.json>

Serves the terminals of one site (a store, or a group of lanes) over NATS (see docs/fleet.md): requests on
bluechip.<site>.<terminal>.<method> in the site's queue group, progress and terminal state under
bluechip-events.<site>.<terminal>.…, and every final outcome written to the JetStream stream
(BLUECHIP_OUTCOMES) before the agent answers. Flows left open by a crash are reconciled on start and their
outcomes published.

  --config <file>   the agent config (JSON): site, nats (servers, credentials, TLS), terminals
  --help, -h        show this help

With "metrics": { "port": 9464 } in the config, serves /metrics (Prometheus), /healthz and /readyz on
127.0.0.1 (another "host" must be written in the config); stderr says where (docs/observability.md).

The first stdout line is "serving <site>: <n> terminal(s) …" once every terminal is subscribed.
SIGTERM/SIGINT (at any moment, also while starting): stop taking requests, let running calls settle
(drainTimeoutMs), exit 0. A repeated signal while draining is ignored.
`;

/** \`bluechip agent\`: the fleet agent (packages/fleet). */
export const agentCommand: Command = {
  name: 'agent',
  summary: 'Serve terminals over NATS for remote POS and record outcomes in JetStream (--config agent.json).',
  usage: '--config <agent.json>',
  async run(argv, io) {
    let config: string | undefined;
    try {
      const { values } = parseArgs({
        args: [...argv],
        strict: true,
        options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      });
      if (values.help === true) {
        io.stdout.write(USAGE);
        return EXIT.ok;
      }
      config = values.config;
    } catch (error) {
      io.stderr.write(`bluechip agent: ${(error as Error).message}\n`);
      return EXIT.error;
    }
    if (config === undefined) {
      io.stderr.write('bluechip agent: --config <agent.json> is required\n');
      return EXIT.error;
    }
    // Before anything else: a supervisor may stop an agent it just started, and a SIGTERM that finds no
    // handler kills the process without draining (the handlers used to be installed after "serving" was
    // written, and the reader of that line could signal before they were).
    const stop = stopSignals();
    try {
      const logger = {
        log: (level: string, message: string) => io.stderr.write(`bluechip agent: ${level}: ${message}\n`),
      };
      logger.log('info', 'starting');
      // Loaded on demand: other commands do not pay for NATS.
      const fleet = await import('@bluechip-ws/fleet/node');
      let agent: Awaited<ReturnType<typeof fleet.Agent.start>>;
      try {
        const loaded = await fleet.loadAgentConfig(config);
        // The endpoint first: /healthz answers and /readyz says "starting" while terminals open.
        const metrics =
          loaded.metrics === undefined
            ? undefined
            : new fleet.AgentMetrics(
                loaded.site,
                loaded.terminals.map((t) => t.id),
              );
        if (metrics !== undefined && loaded.metrics !== undefined) {
          const endpoint = await fleet.startMetricsServer(metrics, loaded.metrics);
          stop.onDispose(() => endpoint.close());
          logger.log('info', `metrics on ${endpoint.url}/metrics (/healthz, /readyz)`);
          if (!endpoint.loopback) {
            logger.log(
              'warn',
              `the metrics endpoint listens on ${endpoint.host}, NOT loopback, as configured`,
            );
          }
        }
        agent = await fleet.Agent.start(loaded, {
          logger,
          ...(metrics === undefined ? {} : { observer: metrics }),
        });
        metrics?.attach(agent);
      } catch (error) {
        io.stderr.write(`bluechip agent: ${(error as Error).message}\n`);
        return EXIT.error;
      }
      if (stop.received === undefined) {
        const failed = [...agent.failed.keys()];
        io.stdout.write(
          `serving ${agent.site}: ${agent.terminals.length} terminal(s) (${agent.terminals.join(', ')})` +
            (failed.length === 0 ? '' : `; not served: ${failed.join(', ')}`) +
            ` on ${agent.nc.getServer()}\n`,
        );
      }
      logger.log('info', `${await stop.signal}: closing`);
      await agent.close();
    } finally {
      await stop.dispose();
    }
    return EXIT.ok;
  },
};

/**
 * SIGINT/SIGTERM handlers, installed until `dispose`: the first signal resolves `signal`, later ones (a
 * supervisor repeating itself while the agent drains) are ignored instead of killing the process.
 */
function stopSignals(): {
  readonly signal: Promise<string>;
  readonly received: string | undefined;
  /** Also run on dispose (the metrics endpoint). */
  onDispose(close: () => Promise<void>): void;
  dispose(): Promise<void>;
} {
  const closers: (() => Promise<void>)[] = [];
  let received: string | undefined;
  let resolve: (signal: string) => void = () => undefined;
  const signal = new Promise<string>((r) => {
    resolve = r;
  });
  const onSignal = (name: string) => {
    received ??= name;
    resolve(received);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal,
    get received() {
      return received;
    },
    onDispose(close) {
      closers.push(close);
    },
    async dispose() {
      // Handlers stay until the last await: the command then returns in microtasks, with no turn of the
      // event loop in which a signal could find none (bin.ts keeps one until the process exits).
      await Promise.allSettled(closers.map((close) => close()));
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
