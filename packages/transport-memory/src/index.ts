/** The public entry. The fault picker and the PRNG: `@bluechip-ws/transport-memory/internal`. */

export type { Direction, FaultAction, FaultKind, FaultPlan, FaultReport, FaultRule } from './faults.js';
export * from './memory-link.js';
export * from './network.js';
export * from './pair.js';
