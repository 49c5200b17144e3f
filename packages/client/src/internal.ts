/** Everything `@bluechip-ws/client` exports, plus its building blocks, for sibling packages and tests. No stability promise. */

export { tapFrames } from './frame-tap.js';
export * from './index.js';
export { snakeCase, toWire } from './wire.js';
