import type { Command } from './command.js';
import { agentCommand } from './commands/agent.js';
import { certifyCommand } from './commands/certify.js';
import { consoleCommand } from './commands/console.js';
import { demoCommand } from './commands/demo.js';
import { helpCommand, usage } from './commands/help.js';
import { infoCommands } from './commands/info.js';
import { paymentCommands } from './commands/payment.js';
import { rawCommand } from './commands/raw.js';
import { reconcileCommand } from './commands/reconcile.js';
import { serveCommand } from './commands/serve.js';
import { simulateCommand } from './commands/simulate.js';
import { EXIT } from './exit-codes.js';
import type { CliIo } from './io.js';
import { closestName } from './suggest.js';
import { cliVersion } from './version.js';

const COMMANDS: readonly Command[] = [
  demoCommand,
  simulateCommand,
  ...paymentCommands,
  ...infoCommands,
  rawCommand,
  reconcileCommand,
  serveCommand,
  certifyCommand,
  consoleCommand,
  agentCommand,
];
const help = helpCommand(
  () => COMMANDS,
  (name) => byName.get(name),
);
const byName = new Map<string, Command>([...COMMANDS, help].map((c) => [c.name, c]));

/** `bluechip <command> [options]`: resolves with the process exit code; never rejects. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    io.stdout.write(usage(COMMANDS));
    return EXIT.ok;
  }
  if (name === undefined) {
    // A usage error like any other: the help goes to stderr with the one-line reason, stdout stays empty.
    io.stderr.write(usage(COMMANDS));
    io.stderr.write(
      'bluechip: no command given; run `bluechip help` for the list, or `bluechip demo` to try it\n',
    );
    return EXIT.error;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout.write(`bluechip ${cliVersion()}\n`);
    return EXIT.ok;
  }
  const command = byName.get(name);
  if (command === undefined) {
    const near = closestName(name, byName.keys());
    const hint =
      near === undefined
        ? '; run `bluechip help` for the list'
        : `; did you mean "${near}"? (\`bluechip help\` lists them all)`;
    io.stderr.write(`bluechip: unknown command "${name}"${hint}\n`);
    return EXIT.error;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.stderr.write(`bluechip: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.error;
  }
}
