/** Everything `@bluechip-ws/cli` exports, plus its building blocks, for tests. No stability promise. */

export * from './index.js';
export { jsonReport } from './outcome-report.js';
