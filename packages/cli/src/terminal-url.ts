import { UsageError } from './usage-error.js';

/** Where the terminal URL came from, so an error names what the user has to fix. */
export type TerminalSource = '--terminal' | 'BLUECHIP_TERMINAL' | 'default';

const URL_SHAPE =
  /^([a-z][a-z0-9+.-]*):\/\/(\[[0-9a-f:.]+\]|[^/:?#\s[\]]+)(?::([^/?#]*))?([^?#]*)?([?#].*)?$/i;

/**
 * Checks a terminal URL before anything is dialed and returns it without a trailing slash (endpoint paths
 * are appended to it). Bluechip serves plain `ws://` in server mode (the protocol notes know of no TLS), so
 * `wss://` is a usage error rather than a TLS handshake timing out against a plain socket.
 */
export function checkTerminalUrl(text: string, source: TerminalSource): string {
  const where = source === 'BLUECHIP_TERMINAL' ? `BLUECHIP_TERMINAL="${text}"` : `--terminal "${text}"`;
  const bad = (why: string) => new UsageError(`${where}: ${why}`);
  const match = URL_SHAPE.exec(text.trim());
  if (match === null) throw bad('not a URL; expected ws://<terminal address>:50000');
  const [, scheme = '', host = '', port, path = '', rest] = match;
  if (scheme.toLowerCase() === 'wss') {
    throw bad('the terminal serves plain ws:// (Bluechip server mode has no TLS); use ws://');
  }
  if (scheme.toLowerCase() !== 'ws') throw bad(`${scheme}:// is not a WebSocket URL; use ws://`);
  if (port !== undefined) {
    const n = Number(port);
    if (!/^\d{1,5}$/.test(port) || n < 1 || n > 65535) {
      throw bad(
        `port ${port === '' ? '(empty)' : port} is out of range; give 1 to 65535 (Bluechip listens on 50000)`,
      );
    }
  }
  if ((path !== '' && path !== '/') || rest !== undefined) {
    throw bad(
      `give the terminal's base URL (ws://host:port) without "${path}${rest ?? ''}": ` +
        'the endpoint paths (/tsi/v1/payment…) are added per operation',
    );
  }
  return `ws://${host}${port === undefined ? '' : `:${port}`}`;
}

/** The URL an operation dials: the base URL plus the endpoint path the connection reported. */
export function dialedUrl(base: string, path: string | undefined): string {
  return path === undefined ? base : `${base}${path.startsWith('/') ? path : `/${path}`}`;
}
