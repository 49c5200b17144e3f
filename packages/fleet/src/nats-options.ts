import { readFile } from 'node:fs/promises';
import {
  type Authenticator,
  credsAuthenticator,
  type NodeConnectionOptions,
  nkeyAuthenticator,
} from '@nats-io/transport-node';
import type { NatsSettings } from './config.js';

/** The agent config's `nats` section as NATS client options; credential files are read here. */
export async function natsConnectOptions(
  settings: NatsSettings = {},
  fallbackName = 'bluechip-agent',
): Promise<NodeConnectionOptions> {
  const authenticators: Authenticator[] = [];
  if (settings.credsFile !== undefined) {
    authenticators.push(credsAuthenticator(new Uint8Array(await readFile(settings.credsFile))));
  }
  if (settings.nkeySeedFile !== undefined) {
    const seed = (await readFile(settings.nkeySeedFile, 'utf8')).trim();
    authenticators.push(nkeyAuthenticator(new TextEncoder().encode(seed)));
  }
  const servers = settings.servers ?? 'nats://127.0.0.1:4222';
  return {
    servers: typeof servers === 'string' ? servers : [...servers],
    name: settings.name ?? fallbackName,
    // The agent must outlive a NATS restart: reconnect for ever, and keep what is published meanwhile.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    ...(settings.user === undefined ? {} : { user: settings.user, pass: settings.pass ?? '' }),
    ...(settings.token === undefined ? {} : { token: settings.token }),
    ...(authenticators.length === 0 ? {} : { authenticator: authenticators }),
    ...(settings.tls === undefined ? {} : { tls: { ...settings.tls } }),
  };
}
