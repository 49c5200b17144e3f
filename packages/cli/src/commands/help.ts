import type { Command } from '../command.js';
import { COMMON_USAGE } from '../command.js';
import type { CliIo } from '../io.js';

export function usage(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  return `Usage: bluechip <command> [options]    (bluechip <command> --help for its options)

Drive a Bluefin Bluechip (Ingenico TSI) payment terminal over its local WebSocket.

Commands:
${lines.join('\n')}
  help${' '.repeat(width - 4)}Show this help.

${COMMON_USAGE}

Amounts are decimal currency units: --amount 12.34 sends 1234 cents. With --journal, --key <order id>
on sale, refund, void, pre-auth, complete and tip-adjust makes a retry return the first outcome.

Exit codes:
  0  approved, or completed (info, reports, settlement)
  1  usage error, refusal, terminal error, terminal unreachable
  2  declined
  3  cancelled by the customer, or timed out waiting for the customer
  4  outcome unknown (link lost, no final event in time): run \`bluechip recall\`
     (with --journal, \`bluechip reconcile\`)
  5  terminal busy

Examples:
  bluechip simulate --port 50000 &              a simulated terminal on ws://127.0.0.1:50000
  bluechip sale --amount 12.34                  a sale against it
  bluechip sale --amount 12.34 --terminal ws://192.168.1.20:50000 --json
`;
}

export function helpCommand(commands: () => readonly Command[]): Command {
  return {
    name: 'help',
    summary: 'Show this help.',
    usage: '',
    async run(_argv, io: CliIo) {
      io.stdout.write(usage(commands()));
      return 0;
    },
  };
}
