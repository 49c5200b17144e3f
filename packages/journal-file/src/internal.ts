/** Everything `@bluechip-ws/journal-file` exports, plus its building blocks, for tests. No stability promise. */

export { crc32 } from './crc32.js';
export * from './index.js';
