import type { ParseArgsConfig } from 'node:util';
import type { CliIo } from './io.js';
import { type CommonOptions, type Parsed, parseCommand } from './options.js';
import { reportError } from './outcome-report.js';
import { writeReport } from './output.js';
import { type OperationRun, runOperation } from './run-operation.js';

export interface Command {
  readonly name: string;
  /** One line for `bluechip help`. */
  readonly summary: string;
  /** Arguments after the command name, for `bluechip help` and `<command> --help`. */
  readonly usage: string;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

export interface OperationCommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options?: NonNullable<ParseArgsConfig['options']>;
  readonly positionals?: number;
  /** Turns the parsed command line into the operation; throws `UsageError` or `AmountError` on bad input. */
  readonly operation: (parsed: Parsed) => OperationRun;
}

export const COMMON_USAGE = `Common options:
  --terminal <url>          terminal WebSocket URL (default ws://127.0.0.1:50000, or $BLUECHIP_TERMINAL)
  --journal <dir>           record every flow in a file journal there (or $BLUECHIP_JOURNAL)
  --endpoint-mode <mode>    multi (one socket per /tsi/v1/* endpoint, default) or single (one socket at /)
  --timeout <seconds>       give up waiting for the terminal after this long (outcome unknown, exit 4)
  --json                    print exactly one JSON object on stdout
  --verbose, -v             print every frame on stderr (card numbers masked)
  --trace                   print the flow's timeline on stderr: request, started, events, acks with
                            their latency, final (docs/observability.md)
  --help, -h                show this help`;

/** A command that runs one terminal operation: parse, run, print, exit code. */
export function operationCommand(spec: OperationCommandSpec): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    async run(argv, io) {
      let parsed: Parsed;
      let run: OperationRun;
      try {
        parsed = parseCommand(argv, spec.options ?? {}, io, spec.positionals ?? 0);
        if (parsed.common.help) {
          io.stdout.write(
            `Usage: bluechip ${spec.name} ${spec.usage}\n\n${spec.summary}\n\n${COMMON_USAGE}\n`,
          );
          return 0;
        }
        run = spec.operation(parsed);
      } catch (error) {
        return usageFailure(error, argv, io);
      }
      return runOperation(parsed.common, run, io);
    },
  };
}

/** Prints a command-line problem (as JSON too with `--json`) and returns its exit code. */
export function usageFailure(error: unknown, argv: readonly string[], io: CliIo): number {
  const report = reportError(error, '');
  writeReport(report, io, argv.includes('--json'));
  return report.exitCode;
}

export type { CommonOptions };
