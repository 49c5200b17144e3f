/**
 * Everything `@bluechip-ws/core` exports, plus the building blocks behind it, for sibling packages (the
 * journals, the client) and tests. No stability promise: these change with the implementation.
 */

export * from './connection/index.js';
export * from './index.js';
export * from './journal/index.js';
export * from './random.js';
export * from './session/index.js';
