/** Everything `@bluechip-ws/certify` exports, plus its building blocks, for tests. No stability promise. */

export { CLOSING_GRACE_MS } from './acks.js';
export { type CheckContext, type FlowIdRegistry, runChecks } from './checks.js';
export { playEarlierSale } from './earlier-sale.js';
export * from './index.js';
export { interactiveDriver, parseAnswer } from './interactive.js';
export type { DriveHooks, DriveResult, PosDriver, SaleJob } from './job.js';
export { lastJsonObject, outcomeMatches, outcomeOfExitCode, readReport } from './outcome.js';
export {
  type CommandDriverOptions,
  commandDriver,
  expandCommand,
  placeholders,
  runCommand,
  shellQuote,
} from './pos-command.js';
export { timing } from './timing.js';
export { type Verdict, verdictOf } from './verdict.js';
export {
  CITED_FRAME_CHARS,
  describeEntry,
  FRAME_CHARS,
  type InspectedFrame,
  inspectFrame,
  MAX_ENTRIES,
  type WireEntry,
  WireRecorder,
} from './wire.js';
