/** Everything `@bluechip-ws/transport-memory` exports, plus its building blocks, for tests. No stability promise. */

export * from './faults.js';
export * from './index.js';
export * from './prng.js';
