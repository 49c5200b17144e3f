export { GuardedObservable, offer } from './consumer-guard.js';
export * from './errors.js';
export { resolveEndpoint, Session } from './session.js';
export * from './types.js';
