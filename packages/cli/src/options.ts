import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { EndpointMode, FlowTimeouts } from '@bluechip-ws/core';
import type { CliIo } from './io.js';
import { explainParseError } from './parse-errors.js';
import { checkTerminalUrl, type TerminalSource } from './terminal-url.js';
import { UsageError } from './usage-error.js';

export { UsageError };

export const DEFAULT_TERMINAL = 'ws://127.0.0.1:50000';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Options every operation command takes. */
export const COMMON_OPTIONS = {
  terminal: { type: 'string' },
  journal: { type: 'string' },
  'endpoint-mode': { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  trace: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

export interface CommonOptions {
  /** The terminal's base URL, checked (`ws://host:port`, no trailing slash). */
  readonly terminal: string;
  /** Where `terminal` came from, named in errors. */
  readonly terminalSource: TerminalSource;
  /** Directory of a file journal recording every flow (`--journal`, or $BLUECHIP_JOURNAL). */
  readonly journal: string | undefined;
  /** Where `journal` came from, named in errors. */
  readonly journalSource: '--journal' | 'BLUECHIP_JOURNAL' | undefined;
  readonly endpointMode: EndpointMode;
  readonly timeouts: Partial<FlowTimeouts> | undefined;
  readonly timeoutMs: number | undefined;
  readonly json: boolean;
  readonly verbose: boolean;
  /** `--trace`: each flow's timeline (request, started, events, acks with latencies, end) on stderr. */
  readonly trace: boolean;
  readonly help: boolean;
}

export interface Parsed {
  readonly common: CommonOptions;
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** Parses `argv` with the common options plus `extra`; every problem is a `UsageError`. */
export function parseCommand(
  argv: readonly string[],
  extra: OptionSpecs,
  io: CliIo,
  maxPositionals = 0,
): Parsed {
  let parsed: {
    values: Record<string, string | boolean | (string | boolean)[] | undefined>;
    positionals: string[];
  };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...COMMON_OPTIONS, ...extra },
      strict: true,
      allowPositionals: maxPositionals > 0,
    });
  } catch (error) {
    throw new UsageError(
      explainParseError(error, argv, [...Object.keys(COMMON_OPTIONS), ...Object.keys(extra)]),
    );
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument "${parsed.positionals[maxPositionals]}"`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const fromFlag = str(values.terminal);
  const fromEnv = io.env.BLUECHIP_TERMINAL || undefined;
  const terminalSource: TerminalSource =
    fromFlag !== undefined ? '--terminal' : fromEnv !== undefined ? 'BLUECHIP_TERMINAL' : 'default';
  const terminal = checkTerminalUrl(fromFlag ?? fromEnv ?? DEFAULT_TERMINAL, terminalSource);
  const mode = str(values['endpoint-mode']) ?? 'multi';
  if (mode !== 'multi' && mode !== 'single') {
    throw new UsageError(`--endpoint-mode must be multi or single, got "${mode}"`);
  }
  const timeoutMs = seconds(str(values.timeout));
  return {
    common: {
      terminal,
      terminalSource,
      journal: str(values.journal) ?? (io.env.BLUECHIP_JOURNAL || undefined),
      journalSource:
        str(values.journal) !== undefined
          ? '--journal'
          : io.env.BLUECHIP_JOURNAL
            ? 'BLUECHIP_JOURNAL'
            : undefined,
      endpointMode: mode,
      timeoutMs,
      timeouts:
        timeoutMs === undefined
          ? undefined
          : { responseMs: Math.min(10_000, timeoutMs), eventGapMs: timeoutMs, flowMs: timeoutMs },
      json: values.json === true,
      verbose: values.verbose === true,
      trace: values.trace === true,
      help: values.help === true,
    },
    values,
    positionals: parsed.positionals,
  };
}

export function str(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A required string option. */
export function required(values: Parsed['values'], name: string): string {
  const value = str(values[name]);
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}

function seconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(value > 0) || value > 3600) {
    throw new UsageError(
      `--timeout must be more than 0 and at most 3600 seconds, got "${text}"` +
        (value === 0 ? '; leave it out for the default timeouts' : ''),
    );
  }
  return Math.round(value * 1000);
}
