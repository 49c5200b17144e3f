/** The public entry. `WsLink` and the resolved options behind it: `@bluechip-ws/transport-ws/internal`. */

export type { LivenessOptions, WsTransportOptions } from './options.js';
export type { CloseEventLike, MessageEventLike, WebSocketConstructor, WebSocketLike } from './socket.js';
export * from './transport.js';
