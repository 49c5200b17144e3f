import type { Command } from '../command.js';
import { COMMON_USAGE } from '../command.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';

export function usage(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  return `Usage: bluechip <command> [options]    (bluechip help <command> for its options; bluechip --version)

Drive a Bluefin Bluechip (Ingenico TSI) payment terminal over its local WebSocket.

Commands:
${lines.join('\n')}
  help${' '.repeat(width - 4)}Show this help, or a command's: bluechip help <command>.

${COMMON_USAGE}

Amounts are decimal currency units: --amount 12.34 sends 1234 cents. With --journal, --key <order id>
on sale, refund, void, pre-auth, complete and tip-adjust makes a retry return the first outcome.

Exit codes:
  0  approved, or completed (info, reports, settlement)
  1  usage error (nothing sent), refusal, terminal error, terminal unreachable
  2  declined, or refused: the terminal has no record of that reference (void, complete, tip-adjust)
  3  cancelled by the customer, or timed out waiting for the customer
  4  outcome unknown (link lost, no final event in time): run \`bluechip recall\`
     (with --journal, \`bluechip reconcile\`)
  5  terminal busy (another flow or client, or the queue): nothing ran
  6  partially approved: less than requested was approved (both amounts printed); collect the rest

Examples:
  bluechip simulate --port 50000 &              a simulated terminal on ws://127.0.0.1:50000
  bluechip sale --amount 12.34                  a sale against it
  bluechip sale --amount 12.34 --terminal ws://192.168.1.20:50000 --json
`;
}

/** `bluechip help [command]`: the overview, or one command's help (what `<command> --help` prints). */
export function helpCommand(
  commands: () => readonly Command[],
  find: (name: string) => Command | undefined,
): Command {
  return {
    name: 'help',
    summary: "Show this help, or a command's: bluechip help <command>.",
    usage: '[command]',
    async run(argv, io: CliIo) {
      const [name, extra] = argv;
      if (name === undefined || name === 'help') {
        io.stdout.write(usage(commands()));
        return EXIT.ok;
      }
      const command = find(name);
      if (command === undefined || extra !== undefined) {
        const why = command === undefined ? `unknown command "${name}"` : `unexpected argument "${extra}"`;
        io.stderr.write(`bluechip: help: ${why}; run \`bluechip help\` for the list\n`);
        return EXIT.error;
      }
      return command.run(['--help'], io);
    },
  };
}
