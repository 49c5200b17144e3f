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

The first stdout line is "serving <site>: <n> terminal(s) …" once every terminal is subscribed.
SIGTERM/SIGINT: stop taking requests, let running calls settle (drainTimeoutMs), exit 0.
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
    // Loaded on demand: other commands do not pay for NATS.
    const fleet = await import('@bluechip-ws/fleet/node');
    const logger = {
      log: (level: string, message: string) => io.stderr.write(`bluechip agent: ${level}: ${message}\n`),
    };
    let agent: Awaited<ReturnType<typeof fleet.Agent.start>>;
    try {
      agent = await fleet.Agent.start(await fleet.loadAgentConfig(config), { logger });
    } catch (error) {
      io.stderr.write(`bluechip agent: ${(error as Error).message}\n`);
      return EXIT.error;
    }
    const failed = [...agent.failed.keys()];
    io.stdout.write(
      `serving ${agent.site}: ${agent.terminals.length} terminal(s) (${agent.terminals.join(', ')})` +
        (failed.length === 0 ? '' : `; not served: ${failed.join(', ')}`) +
        ` on ${agent.nc.getServer()}\n`,
    );
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    logger.log('info', `${signal}: closing`);
    await agent.close();
    return EXIT.ok;
  },
};
