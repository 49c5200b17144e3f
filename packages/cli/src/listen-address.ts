import { isIP } from 'node:net';
import { UsageError } from './usage-error.js';

/** Where `bluechip serve --listen` binds. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
  /** Whether the caller wrote the host (`0.0.0.0:7300`) or gave a port alone (`7300`: loopback). */
  readonly explicitHost: boolean;
}

/** The host a port alone binds: loopback, so nothing off this machine can reach the bridge by default. */
export const DEFAULT_LISTEN_HOST = '127.0.0.1';

const PORT = /^(?:0|[1-9]\d{0,4})$/;
/** A DNS name: dot-separated labels of letters, digits and inner hyphens. */
const NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * Reads `--listen`: `7300` (a port alone: 127.0.0.1), `host:7300` with an IPv4 address or a name, or
 * `[ipv6]:7300`; port 0 picks a free one. Anything else is a usage error rather than a guess: `00`, `7300x`,
 * `:7300`, an unbracketed IPv6 address, or a host of digits that is no full IPv4 address (`0`, `127.1`, which
 * the resolver would read as 0.0.0.0 or 127.0.0.1).
 */
export function parseListenAddress(text: string): ListenAddress {
  const bad = (why: string) =>
    new UsageError(
      `--listen "${text.slice(0, 80)}": ${why}; give a port (7300) or host:port (127.0.0.1:7300)`,
    );
  const port = (digits: string): number => {
    const n = Number(digits);
    if (!PORT.test(digits) || n > 65535) throw bad(`"${digits.slice(0, 10)}" is not a port (0 to 65535)`);
    return n;
  };
  if (/^\d+$/.test(text)) return { host: DEFAULT_LISTEN_HOST, port: port(text), explicitHost: false };
  const bracketed = /^\[([^\]]*)\]:(\d*)$/.exec(text);
  if (bracketed !== null) {
    const [, host = '', digits = ''] = bracketed;
    if (isIP(host) !== 6) throw bad(`[${host.slice(0, 40)}] is not an IPv6 address`);
    return { host, port: port(digits), explicitHost: true };
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) throw bad('no port');
  const host = text.slice(0, colon);
  const digits = text.slice(colon + 1);
  if (host === '') throw bad('the host is empty (give a port alone for 127.0.0.1)');
  if (host.includes(':')) throw bad('write an IPv6 address in brackets, like [::1]:7300');
  if (isIP(host) !== 4) {
    if (/^[\d.]+$/.test(host)) throw bad(`"${host.slice(0, 40)}" is not a full IPv4 address (a.b.c.d)`);
    if (!NAME.test(host)) throw bad(`"${host.slice(0, 40)}" is not an IP address nor a host name`);
  }
  return { host, port: port(digits), explicitHost: true };
}

/**
 * What `serve` prints before binding anything but loopback: the bridge drives payment terminals, so the
 * operator must know that every machine reaching that address is one token away from them.
 */
export function nonLoopbackWarning(address: ListenAddress): string {
  const everywhere = address.host === '0.0.0.0' || address.host === '::';
  const where = `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
  return [
    `WARNING: listening on ${where}, which is NOT loopback${everywhere ? ' (every network interface)' : ''}.`,
    'WARNING: any machine that reaches this address and holds the token can run payments on these terminals.',
    'WARNING: the connection is plain ws:// (no TLS). Give a port alone to listen on 127.0.0.1 only.',
    '',
  ].join('\n');
}
