/** Everything `@bluechip-ws/transport-ws` exports, plus its building blocks, for tests. No stability promise. */

export * from './index.js';
export * from './options.js';
export { WsLink } from './ws-link.js';
