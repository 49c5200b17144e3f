import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';

const USAGE = `Usage: bluechip certify [--pos-command '<command>'] [options]

Plays a suite of scenarios against whichever POS connects to the simulated terminal, checks what the POS
does on the wire (acks, flow ids, amounts, envelopes, busy, recall after a drop) and what it reports.

Options:
  --pos-command <cmd>     run per scenario (through the shell) instead of asking a person; placeholders:
                          {amount} (5.00) {cents} (500) {type} (sale) {reference} {url} (ws://host:port)
                          {host} {port} {mode} (multi|single) {state} (a directory for the POS's state)
                          {scenario}. Its exit code (0 approved, 2 declined, 3 cancelled/timed out,
                          4 unknown, 5 busy, 6 partially approved, other error) and its stdout JSON
                          {"outcome","amount"} give the outcome it reported (outcome: approved,
                          partially_approved or partial, declined, cancelled, timed_out, error, busy,
                          unknown or not_found). Reporting "unknown" gets it run again for the same order.
  --port <n>              simulator port (default 50000; 0 = any free port, given to the command as {port})
  --host <addr>           address to listen on (default 127.0.0.1)
  --only <ids>            run these scenarios only (comma-separated; repeatable); --list shows the ids
  --junit <file>          write a JUnit XML report
  --html <file>           write a self-contained HTML report
  --time-scale <x>        multiply the terminal's customer and host waits (default 0.1)
  --ack-timeout-ms <n>    the terminal's resend timer and the bound on every ack (default 5000)
  --customer-hold <s>     real seconds the customer takes in slow-customer (default 40; not scaled; that
                          scenario runs beside the others on a second terminal, its own {port})
  --retries <n>           runs after an "unknown" report (default 1)
  --command-timeout <s>   kill a POS command still running after this long (default 60 s + the waits)
  --list                  list the scenarios and exit
  --help, -h              show this help

Without --pos-command the kit is interactive: it prints "start a sale of 5.00 on your POS now" and waits.
Exit code 0 when every scenario passed, 1 otherwise. See docs/certify.md.
`;

class CertifyUsageError extends Error {}

function int(text: string | undefined, name: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new CertifyUsageError(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function parse(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      'pos-command': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      only: { type: 'string', multiple: true },
      junit: { type: 'string' },
      html: { type: 'string' },
      'time-scale': { type: 'string' },
      'ack-timeout-ms': { type: 'string' },
      'customer-hold': { type: 'string' },
      retries: { type: 'string' },
      'command-timeout': { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const scale = values['time-scale'];
  if (scale !== undefined && !(/^\d+(\.\d+)?$/.test(scale) && Number(scale) > 0)) {
    throw new CertifyUsageError(`--time-scale must be a positive number, got "${scale}"`);
  }
  const commandTimeout = int(values['command-timeout'], 'command-timeout', 1, 3600);
  const hold = int(values['customer-hold'], 'customer-hold', 1, 600);
  return {
    values,
    options: {
      posCommand: values['pos-command'],
      port: int(values.port, 'port', 0, 65535),
      host: values.host,
      only: values.only
        ?.flatMap((o) => o.split(','))
        .map((o) => o.trim())
        .filter((o) => o !== ''),
      timeScale: scale === undefined ? undefined : Number(scale),
      ackTimeoutMs: int(values['ack-timeout-ms'], 'ack-timeout-ms', 50, 600_000),
      customerHoldMs: hold === undefined ? undefined : hold * 1000,
      retries: int(values.retries, 'retries', 0, 5),
      commandTimeoutMs: commandTimeout === undefined ? undefined : commandTimeout * 1000,
    },
  };
}

/** Asks on the controlling terminal; undefined when stdin is not one, or nobody answers in time. */
function operatorAsk(): ((question: string, timeoutMs: number) => Promise<string | undefined>) | undefined {
  if (process.stdin.isTTY !== true) return undefined;
  return async (question, timeoutMs) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return await rl.question(question, { signal: AbortSignal.timeout(timeoutMs) });
    } catch {
      return undefined;
    } finally {
      rl.close();
    }
  };
}

export const certifyCommand: Command = {
  name: 'certify',
  summary: 'Try a POS against the mistakes that lose payments (conformance kit). See --help.',
  usage:
    "[--pos-command '<cmd with {amount} {url}…>'] [--port <n>] [--only <ids>] [--junit <file>] [--html <file>]",
  async run(argv, io: CliIo) {
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(argv);
    } catch (error) {
      const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
      io.stderr.write(`bluechip certify: ${message} (see \`bluechip certify --help\`)\n`);
      return EXIT.error;
    }
    if (parsed.values.help === true) {
      io.stdout.write(USAGE);
      return EXIT.ok;
    }
    const kit = await import('@bluechip-ws/certify');
    if (parsed.values.list === true) {
      for (const s of kit.SCENARIOS) {
        io.stdout.write(`${s.id}\n  ${s.title}. ${s.does}\n  A correct POS: ${s.correctPos}\n`);
      }
      return EXIT.ok;
    }
    try {
      const report = await kit.runCertification(
        {
          ...parsed.options,
          onProgress: (event) => {
            if (event.type === 'listening') {
              io.stdout.write(
                `bluechip certify: simulated terminal on ${event.url}, ${event.total} scenarios\n`,
              );
            } else if (event.type === 'scenario_started' && parsed.options.posCommand === undefined) {
              io.stdout.write(
                `\n[${event.index + 1}/${event.total}] ${event.scenario.id}: ${event.scenario.title}. ${event.scenario.does}\n`,
              );
            } else if (event.type === 'scenario_finished') {
              io.stdout.write(`${kit.progressLine(event.index, event.total, event.result)}\n`);
            }
          },
        },
        { stdout: io.stdout, ask: operatorAsk() },
      );
      io.stdout.write(kit.summaryTable(report));
      if (parsed.values.junit !== undefined) await writeFile(parsed.values.junit, kit.junitReport(report));
      if (parsed.values.html !== undefined) await writeFile(parsed.values.html, kit.htmlReport(report));
      return report.failed === 0 ? EXIT.ok : EXIT.error;
    } catch (error) {
      io.stderr.write(`bluechip certify: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT.error;
    }
  },
};
