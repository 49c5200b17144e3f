/** Everything `@bluechip-ws/fleet` exports (browser-safe), plus its building blocks, for tests. No stability promise. */

export * from './index.js';
export { checkToken, encodeToken, methodOf } from './subjects.js';
