import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';

/** Delegates to the simulator's own command; its usage-error code 2 becomes the CLI's usage code 1. */
export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'Run a simulated terminal (prints its ws:// URL; --port 0 picks a free port). See --help.',
  usage: '[--host <addr>] [--port <n>] [--scenario <file>] [--event-delay-ms <n>] ...',
  async run(argv, io) {
    const { runSimulateCommand } = await import('@bluechip-ws/simulator');
    const code = await runSimulateCommand([...argv], { stdout: io.stdout, stderr: io.stderr });
    return code === 2 ? EXIT.error : code;
  },
};
