/**
 * The public entry: run the kit (`runCertification`), its scenarios and reports. The POS drivers (which
 * `runCertification` picks), the checks, the wire recorder, the report reader and the command helpers are in
 * `@bluechip-ws/certify/internal`, with no stability promise.
 */

export type { CheckResult } from './checks.js';
export { CertifyError, type CertifyErrorCode } from './errors.js';
export {
  type CertifyOptions,
  type CertifyReport,
  DEFAULT_CERTIFY_PORT,
  type ProgressEvent,
  runCertification,
  type ScenarioResult,
} from './examiner.js';
export type { InteractiveOptions, OperatorIo } from './interactive.js';
export type { Attempt } from './job.js';
export type { Reported, ReportedOutcome } from './outcome.js';
export { htmlReport } from './report-html.js';
export { junitReport } from './report-junit.js';
export { progressLine, summaryTable } from './report-text.js';
export { type CertifyScenario, CHECK_TITLES, type CheckId, SCENARIOS, selectScenarios } from './scenarios.js';
export { DEFAULT_ACK_TIMEOUT_MS, DEFAULT_TIME_SCALE, type Timing } from './timing.js';
