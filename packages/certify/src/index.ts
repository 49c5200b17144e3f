export {
  type CheckContext,
  type CheckResult,
  CLOSING_GRACE_MS,
  type FlowIdRegistry,
  runChecks,
} from './checks.js';
export { CertifyError, type CertifyErrorCode } from './errors.js';
export {
  type CertifyOptions,
  type CertifyReport,
  DEFAULT_CERTIFY_PORT,
  type ProgressEvent,
  runCertification,
  type ScenarioResult,
} from './examiner.js';
export { type InteractiveOptions, interactiveDriver, type OperatorIo, parseAnswer } from './interactive.js';
export type { Attempt, DriveHooks, DriveResult, PosDriver, SaleJob } from './job.js';
export {
  lastJsonObject,
  outcomeMatches,
  outcomeOfExitCode,
  type Reported,
  type ReportedOutcome,
  readReport,
} from './outcome.js';
export { commandDriver, expandCommand, placeholders, runCommand, shellQuote } from './pos-command.js';
export { htmlReport } from './report-html.js';
export { junitReport } from './report-junit.js';
export { progressLine, summaryTable } from './report-text.js';
export { type CertifyScenario, CHECK_TITLES, type CheckId, SCENARIOS, selectScenarios } from './scenarios.js';
export { DEFAULT_ACK_TIMEOUT_MS, DEFAULT_TIME_SCALE, type Timing, timing } from './timing.js';
export {
  describeEntry,
  type InspectedFrame,
  inspectFrame,
  MAX_ENTRIES,
  type WireEntry,
  WireRecorder,
} from './wire.js';
