export * from './crc32.js';
export * from './flow-index.js';
export * from './guards.js';
export * from './indexed-journal.js';
export * from './memory-journal.js';
export * from './reduce.js';
export * from './types.js';
export * from './write-queue.js';
