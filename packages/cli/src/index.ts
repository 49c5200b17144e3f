export type { Command } from './command.js';
export { EXIT, type ExitCode } from './exit-codes.js';
export { type CliIo, processIo } from './io.js';
export { runCli } from './main.js';
export { type CommandReport, jsonReport, type OutcomeLabel } from './outcome-report.js';
