export * from './errors.js';
export { resolveEndpoint, Session } from './session.js';
export * from './types.js';
