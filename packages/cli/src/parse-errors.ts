import { didYouMean } from './suggest.js';

/**
 * `parseArgs` errors reworded for a cashier's script: one line, naming the option, and saying what to do.
 * Its own text for `--amount -1` ("argument is ambiguous… use '--amount=-XYZ'") invites the wrong fix.
 */
export function explainParseError(
  error: unknown,
  argv: readonly string[],
  optionNames: Iterable<string> = [],
): string {
  const message = error instanceof Error ? error.message : String(error);
  const option = /^Option '(-{1,2}[\w-]+)/.exec(message)?.[1];
  if (option !== undefined && /argument is ambiguous/.test(message)) {
    const next = argv[argv.indexOf(option) + 1];
    if (next !== undefined && /^-\d/.test(next)) {
      const hint = option === '--amount' ? '; to give money back use `bluechip refund`' : '';
      return `${option} must not be negative, got "${next}"${hint}`;
    }
    return `${option} needs a value, got the option "${next}" instead`;
  }
  if (option !== undefined && /argument missing/.test(message)) return `${option} needs a value`;
  if (option !== undefined && /does not take an argument/.test(message)) return `${option} takes no value`;
  const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
  if (unknown !== undefined) {
    const known = [...optionNames].map((name) => `--${name}`);
    return `unknown option ${unknown}${didYouMean(unknown.split('=')[0] ?? unknown, known)}`;
  }
  const positional = /^Unexpected argument '([^']*)'/.exec(message)?.[1];
  if (positional !== undefined) return `unexpected argument "${positional}"`;
  return message.split('\n')[0] ?? message;
}
