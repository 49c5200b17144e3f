/**
 * Everything `@bluechip-ws/protocol` exports, plus the helpers behind it, for sibling packages and tests.
 * No stability promise: these change with the implementation.
 */

export * from './decode.js';
export * from './frame-error.js';
export * from './index.js';
export * from './json.js';
export * from './money.js';
export * from './resources/index.js';
export * from './untrusted.js';
