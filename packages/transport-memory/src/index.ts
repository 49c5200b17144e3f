export * from './faults.js';
export * from './memory-link.js';
export * from './network.js';
export * from './pair.js';
export * from './prng.js';
