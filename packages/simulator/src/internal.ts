/** Everything `@bluechip-ws/simulator` exports, plus its building blocks, for the CLI and tests. No stability promise. */

export { BoundedLog, type BoundedLogOptions, type LogSink, truncateLine } from './bounded-log.js';
export { type CommandIo, runSimulateCommand, SIMULATE_EXIT } from './cli.js';
export * from './index.js';
export { seededRandom } from './random.js';
export { resolveSettings } from './settings.js';
