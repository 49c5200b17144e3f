/**
 * The `bluechip` command as a function, for programs and tests that run it in process. The CLI is an app:
 * this entry is only what running it needs. Its report builder: `@bluechip-ws/cli/internal`, no stability
 * promise.
 */

export type { Command } from './command.js';
export { EXIT, type ExitCode } from './exit-codes.js';
export { type CliIo, processIo } from './io.js';
export { runCli } from './main.js';
export type { CommandReport, OutcomeLabel } from './outcome-report.js';
