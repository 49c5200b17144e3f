/**
 * Everything `@bluechip-ws/journal-indexeddb` exports (nothing more yet: its public entry is all there is),
 * so tests and sibling packages import one place in every package. No stability promise.
 */

export * from './index.js';
