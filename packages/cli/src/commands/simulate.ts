import type { Command } from '../command.js';

/** Delegates to the simulator's own command: same options, same exit codes (usage error 1, as here). */
export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'Run a simulated terminal (prints its ws:// URL; --port 0 picks a free port). See --help.',
  usage: '[--host <addr>] [--port <n>] [--scenario <file>] [--event-delay-ms <n>] ...',
  async run(argv, io) {
    const { runSimulateCommand } = await import('@bluechip-ws/simulator/internal');
    return runSimulateCommand([...argv], { stdout: io.stdout, stderr: io.stderr });
  },
};
