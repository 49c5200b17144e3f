import { open } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { CodedError } from '@bluechip-ws/protocol';
import { decodeUtf8Strict } from '@bluechip-ws/protocol/internal';
import type { StreamSettings } from './outcome-store.js';
import { checkToken, type SubjectError } from './subjects.js';

/** How the agent reaches NATS; credentials and TLS are passed through to the client as they are. */
export interface NatsSettings {
  /** `nats://host:port` (or `tls://`), one or more; default `nats://127.0.0.1:4222`. */
  readonly servers?: string | readonly string[];
  readonly name?: string;
  readonly user?: string;
  readonly pass?: string;
  readonly token?: string;
  /** A `.creds` file (JWT + nkey seed), as `nsc` writes it. */
  readonly credsFile?: string;
  /** A file holding an nkey seed (`SU…`). */
  readonly nkeySeedFile?: string;
  readonly tls?: {
    readonly caFile?: string;
    readonly certFile?: string;
    readonly keyFile?: string;
    /** Start TLS before the NATS INFO (servers with `handshake_first`). */
    readonly handshakeFirst?: boolean;
  };
}

/** One terminal the agent holds: like the bridge's `terminal.open` params (docs/bridge.md). */
export interface TerminalSettings {
  readonly id: string;
  /** The terminal's WebSocket URL; or `simulator` for a built-in simulator on a loopback port. */
  readonly url?: string;
  readonly simulator?: boolean | { eventDelayMs?: number; seed?: number; scenario?: Record<string, unknown> };
  readonly endpointMode?: 'multi' | 'single';
  /** File journal directory (recommended: without it the journal is in memory and lost on a crash). */
  readonly journalDir?: string;
  readonly timeouts?: { responseMs?: number; eventGapMs?: number; flowMs?: number };
  readonly connectTimeoutMs?: number;
  readonly queueLimit?: number;
}

export interface AgentConfig {
  /** The store (or any group of terminals): a subject token. */
  readonly site: string;
  readonly nats?: NatsSettings;
  /** Default `bluechip.<site>`: agents of one site in one queue group stand in for each other. */
  readonly queueGroup?: string;
  readonly stream?: StreamSettings & { readonly create?: boolean };
  readonly terminals: readonly TerminalSettings[];
  /** On shutdown, how long running calls may take to settle (default 30 000). */
  readonly drainTimeoutMs?: number;
  /** Serve `/metrics`, `/healthz` and `/readyz` over HTTP (docs/observability.md). */
  readonly metrics?: MetricsSettings;
}

export interface MetricsSettings {
  /** 0 takes a free port (printed on stderr). */
  readonly port: number;
  /** Default 127.0.0.1; another host (`0.0.0.0` for a scraper on another machine) must be written here. */
  readonly host?: string;
}

export class ConfigError extends CodedError<'invalid_config'> {
  override readonly name = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_config', message, options);
  }
}

type Rec = Record<string, unknown>;

function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Rec, keys: readonly string[], path: string): void {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw new ConfigError(`${path}.${key.length > 60 ? `${key.slice(0, 60)}…` : key}: unknown setting`);
    }
  }
}

function str(value: unknown, path: string, optional = true): string | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || value.length === 0)
    throw new ConfigError(`${path}: expected a non-empty string`);
  return value;
}

function int(value: unknown, path: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${path}: expected an integer from ${min} to ${max}`);
  }
  return value;
}

function token(value: unknown, path: string): string {
  const text = str(value, path, false) as string;
  try {
    return checkToken(text, path);
  } catch (error) {
    throw new ConfigError((error as SubjectError).message);
  }
}

function natsSettings(value: unknown, base: string): NatsSettings | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new ConfigError('nats: expected an object');
  onlyKeys(value, ['servers', 'name', 'user', 'pass', 'token', 'credsFile', 'nkeySeedFile', 'tls'], 'nats');
  const servers = value.servers;
  if (
    servers !== undefined &&
    typeof servers !== 'string' &&
    !(Array.isArray(servers) && servers.length > 0 && servers.every((s) => typeof s === 'string'))
  ) {
    throw new ConfigError('nats.servers: expected a URL or a non-empty list of URLs');
  }
  if ((value.user === undefined) !== (value.pass === undefined)) {
    throw new ConfigError('nats: user and pass go together');
  }
  let tls: NatsSettings['tls'];
  if (value.tls !== undefined) {
    if (!isRecord(value.tls)) throw new ConfigError('nats.tls: expected an object');
    onlyKeys(value.tls, ['caFile', 'certFile', 'keyFile', 'handshakeFirst'], 'nats.tls');
    const file = (key: string) => {
      const path = str((value.tls as Rec)[key], `nats.tls.${key}`);
      return path === undefined ? {} : { [key]: resolve(base, path) };
    };
    if (value.tls.handshakeFirst !== undefined && typeof value.tls.handshakeFirst !== 'boolean') {
      throw new ConfigError('nats.tls.handshakeFirst: expected a boolean');
    }
    tls = {
      ...file('caFile'),
      ...file('certFile'),
      ...file('keyFile'),
      ...(value.tls.handshakeFirst === undefined ? {} : { handshakeFirst: value.tls.handshakeFirst }),
    };
  }
  const path = (key: string) => {
    const p = str(value[key], `nats.${key}`);
    return p === undefined ? {} : { [key]: resolve(base, p) };
  };
  const text = (key: string) => {
    const t = str(value[key], `nats.${key}`);
    return t === undefined ? {} : { [key]: t };
  };
  return {
    ...(servers === undefined ? {} : { servers: servers as string | string[] }),
    ...text('name'),
    ...text('user'),
    ...text('pass'),
    ...text('token'),
    ...path('credsFile'),
    ...path('nkeySeedFile'),
    ...(tls === undefined ? {} : { tls }),
  };
}

function terminalSettings(value: unknown, index: number, base: string): TerminalSettings {
  const at = `terminals[${index}]`;
  if (!isRecord(value)) throw new ConfigError(`${at}: expected an object`);
  onlyKeys(
    value,
    ['id', 'url', 'simulator', 'endpointMode', 'journalDir', 'timeouts', 'connectTimeoutMs', 'queueLimit'],
    at,
  );
  const id = token(value.id, `${at}.id`);
  const url = str(value.url, `${at}.url`);
  const simulator = value.simulator;
  if (simulator !== undefined && typeof simulator !== 'boolean' && !isRecord(simulator)) {
    throw new ConfigError(`${at}.simulator: expected true or an object`);
  }
  const hasSimulator = simulator !== undefined && simulator !== false;
  if ((url === undefined) === !hasSimulator) throw new ConfigError(`${at}: give either url or simulator`);
  if (url !== undefined && !/^wss?:\/\//.test(url))
    throw new ConfigError(`${at}.url: expected ws:// or wss://`);
  if (value.endpointMode !== undefined && value.endpointMode !== 'multi' && value.endpointMode !== 'single') {
    throw new ConfigError(`${at}.endpointMode: expected "multi" or "single"`);
  }
  let timeouts: TerminalSettings['timeouts'];
  if (value.timeouts !== undefined) {
    if (!isRecord(value.timeouts)) throw new ConfigError(`${at}.timeouts: expected an object`);
    onlyKeys(value.timeouts, ['responseMs', 'eventGapMs', 'flowMs'], `${at}.timeouts`);
    timeouts = Object.fromEntries(
      Object.entries(value.timeouts).map(([k, v]) => [k, int(v, `${at}.timeouts.${k}`, 1, 3_600_000)]),
    );
  }
  const journalDir = str(value.journalDir, `${at}.journalDir`);
  const connectTimeoutMs = int(value.connectTimeoutMs, `${at}.connectTimeoutMs`, 1, 600_000);
  const queueLimit = int(value.queueLimit, `${at}.queueLimit`, 0, 10_000);
  return {
    id,
    ...(url === undefined ? {} : { url }),
    ...(hasSimulator ? { simulator: simulator as TerminalSettings['simulator'] & object } : {}),
    ...(value.endpointMode === undefined ? {} : { endpointMode: value.endpointMode }),
    ...(journalDir === undefined ? {} : { journalDir: resolve(base, journalDir) }),
    ...(timeouts === undefined ? {} : { timeouts }),
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    ...(queueLimit === undefined ? {} : { queueLimit }),
  };
}

function metricsSettings(value: unknown): MetricsSettings | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new ConfigError('metrics: expected an object');
  onlyKeys(value, ['port', 'host'], 'metrics');
  const port = int(value.port, 'metrics.port', 0, 65_535);
  if (port === undefined) throw new ConfigError('metrics.port: expected an integer from 0 to 65535');
  const host = str(value.host, 'metrics.host');
  if (host !== undefined && !/^[A-Za-z0-9.:-]{1,253}$/.test(host)) {
    throw new ConfigError('metrics.host: expected an IP address or a host name');
  }
  return { port, ...(host === undefined ? {} : { host }) };
}

function streamSettings(value: unknown): AgentConfig['stream'] {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new ConfigError('stream: expected an object');
  onlyKeys(
    value,
    ['name', 'domain', 'replicas', 'duplicateWindowMs', 'maxAgeMs', 'maxBytes', 'create'],
    'stream',
  );
  const domain = str(value.domain, 'stream.domain');
  if (value.create !== undefined && typeof value.create !== 'boolean') {
    throw new ConfigError('stream.create: expected a boolean');
  }
  const name = str(value.name, 'stream.name');
  if (name !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw new ConfigError('stream.name: letters, digits, _ and - only');
  }
  const replicas = int(value.replicas, 'stream.replicas', 1, 5);
  const duplicateWindowMs = int(value.duplicateWindowMs, 'stream.duplicateWindowMs', 1000, 30 * 86_400_000);
  const maxAgeMs = int(value.maxAgeMs, 'stream.maxAgeMs', 0, Number.MAX_SAFE_INTEGER);
  const maxBytes = int(value.maxBytes, 'stream.maxBytes', -1, Number.MAX_SAFE_INTEGER);
  return {
    ...(name === undefined ? {} : { name }),
    ...(domain === undefined ? {} : { domain }),
    ...(replicas === undefined ? {} : { replicas }),
    ...(duplicateWindowMs === undefined ? {} : { duplicateWindowMs }),
    ...(maxAgeMs === undefined ? {} : { maxAgeMs }),
    ...(maxBytes === undefined ? {} : { maxBytes }),
    ...(value.create === undefined ? {} : { create: value.create }),
  };
}

/**
 * Checks an agent config (already parsed JSON). Relative paths (journals, creds, TLS files) are taken from
 * `baseDir`, the config file's directory. Unknown keys are refused: a misspelt setting must not pass silently.
 */
export function parseAgentConfig(value: unknown, baseDir = process.cwd()): AgentConfig {
  if (!isRecord(value)) throw new ConfigError('the config must be a JSON object');
  onlyKeys(
    value,
    ['site', 'nats', 'queueGroup', 'stream', 'terminals', 'drainTimeoutMs', 'metrics'],
    'config',
  );
  const site = token(value.site, 'site');
  if (!Array.isArray(value.terminals) || value.terminals.length === 0) {
    throw new ConfigError('terminals: expected a non-empty list');
  }
  if (value.terminals.length > 10_000) throw new ConfigError('terminals: at most 10000');
  const terminals = value.terminals.map((t, i) => terminalSettings(t, i, baseDir));
  const ids = new Set<string>();
  for (const t of terminals) {
    if (ids.has(t.id)) throw new ConfigError(`terminals: id "${t.id}" appears twice`);
    ids.add(t.id);
  }
  const nats = natsSettings(value.nats, baseDir);
  const stream = streamSettings(value.stream);
  const queueGroup = str(value.queueGroup, 'queueGroup');
  const drainTimeoutMs = int(value.drainTimeoutMs, 'drainTimeoutMs', 0, 3_600_000);
  const metrics = metricsSettings(value.metrics);
  return {
    site,
    terminals,
    ...(nats === undefined ? {} : { nats }),
    ...(stream === undefined ? {} : { stream }),
    ...(queueGroup === undefined ? {} : { queueGroup }),
    ...(drainTimeoutMs === undefined ? {} : { drainTimeoutMs }),
    ...(metrics === undefined ? {} : { metrics }),
  };
}

/** The largest agent config read (a real one is a few KB). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export async function loadAgentConfig(file: string): Promise<AgentConfig> {
  let bytes: Uint8Array;
  try {
    const handle = await open(file, 'r');
    try {
      // One byte more than the limit tells "too large" without reading a huge file whole.
      const buffer = new Uint8Array(MAX_CONFIG_BYTES + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      bytes = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (bytes.length > MAX_CONFIG_BYTES) {
    throw new ConfigError(`${file} is larger than ${MAX_CONFIG_BYTES} bytes`);
  }
  const text = decodeUtf8Strict(bytes);
  if (text === undefined) throw new ConfigError(`${file} is not valid UTF-8`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const base = dirname(isAbsolute(file) ? file : resolve(file));
  return parseAgentConfig(value, base);
}
