export { GuardedObservable, offer } from './consumer-guard.js';
export * from './errors.js';
export { DEFAULT_SEEN_EVENTS_LIMITS, type SeenEventsLimits } from './seen-events.js';
export { resolveEndpoint, Session } from './session.js';
export * from './timeout-stages.js';
export * from './types.js';
