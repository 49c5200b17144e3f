import { type Link, type Transport, TransportError } from '@bluechip-ws/core';
import IsomorphicWebSocket from 'isomorphic-ws';
import { Observable } from 'rxjs';
import { type ResolvedWsOptions, resolveWsOptions, type WsTransportOptions } from './options.js';
import { errorMessage, type WebSocketConstructor, type WebSocketLike } from './socket.js';
import { WsLink } from './ws-link.js';

/**
 * A `Transport` over WebSocket, for Node (`ws`) and browsers (the global WebSocket). Each subscription to
 * `open(path)` dials `url + path` once: `/tsi/v1/payment` (one socket per endpoint) or `/` (single-endpoint
 * mode). Unsubscribing before the socket opens aborts the dial.
 */
export function createWsTransport(options: WsTransportOptions): Transport {
  const resolved = resolveWsOptions(options);
  const Ctor = options.WebSocket ?? (IsomorphicWebSocket as unknown as WebSocketConstructor | undefined);
  // Only the default constructor is known to be `ws` on Node (in a browser it has no `on`): an injected one
  // is spoken to through the DOM API alone.
  const messages = options.WebSocket === undefined ? 'emitter' : 'dom';
  return { open: (path) => dial(Ctor, resolved, path, messages) };
}

function dial(
  Ctor: WebSocketConstructor | undefined,
  options: ResolvedWsOptions,
  path: string,
  messages: 'emitter' | 'dom',
): Observable<Link> {
  return new Observable<Link>((subscriber) => {
    const url = options.url + (path.startsWith('/') ? path : `/${path}`);
    if (typeof Ctor !== 'function') {
      subscriber.error(new TransportError('connect_failed', 'no WebSocket constructor in this environment'));
      return;
    }
    let socket: WebSocketLike;
    try {
      socket = new Ctor(url, undefined, { maxPayload: options.maxFrameBytes });
    } catch (cause) {
      subscriber.error(
        new TransportError('connect_failed', `could not connect to ${url}: ${errorMessage(cause)}`, {
          cause,
        }),
      );
      return;
    }
    const link = new WsLink(socket, path, url, options, messages);
    const subscription = link.opened$.subscribe(subscriber);
    return () => {
      subscription.unsubscribe();
      link.abandonDial();
    };
  });
}
