export * from './options.js';
export type { WebSocketConstructor, WebSocketLike } from './socket.js';
export * from './transport.js';
export { WsLink } from './ws-link.js';
