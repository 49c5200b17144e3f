import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when Debian's nats-server is on PATH (`.ci/run` installs it). */
export function hasNatsServer(): boolean {
  try {
    execFileSync('nats-server', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** A free loopback port: bound on port 0 by the OS, then released for the server to take. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

export interface NatsServerSpec {
  readonly name: string;
  /** Directory for JetStream files and the config; kept across restarts. */
  readonly dir: string;
  readonly port: number;
  readonly jetstream?: boolean;
  /** JetStream domain (a hub and its leaf nodes name theirs apart). */
  readonly domain?: string;
  readonly cluster?: { readonly port: number; readonly routes: readonly number[] };
  /** Accept leaf node connections on this port. */
  readonly leafPort?: number;
  /** Dial out to these hubs' leaf ports as a leaf node (the way a store connects). */
  readonly leafRemotes?: readonly number[];
  /** More configuration, appended as is (accounts, authorization). */
  readonly extra?: string;
}

export interface NatsServer {
  readonly url: string;
  readonly spec: NatsServerSpec;
  readonly child: ChildProcess;
  log(): string;
  /** SIGTERM (a clean shutdown, JetStream flushed) or SIGKILL; resolves once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function configText(spec: NatsServerSpec): string {
  const lines = [`server_name: ${spec.name}`, 'host: 127.0.0.1', `port: ${spec.port}`];
  const domain = spec.domain === undefined ? '' : `, domain: ${spec.domain}`;
  if (spec.jetstream !== false)
    lines.push(`jetstream { store_dir: "${join(spec.dir, spec.name, 'js')}"${domain} }`);
  if (spec.cluster !== undefined) {
    const routes = spec.cluster.routes.map((p) => `nats-route://127.0.0.1:${p}`).join(', ');
    lines.push(`cluster { name: hub, host: 127.0.0.1, port: ${spec.cluster.port}, routes: [${routes}] }`);
  }
  if (spec.leafPort !== undefined || spec.leafRemotes !== undefined) {
    // One remote with every hub URL: the leaf keeps one connection to the cluster, failing over between them.
    const urls = (spec.leafRemotes ?? []).map((p) => `"nats-leaf://127.0.0.1:${p}"`).join(', ');
    const remotes = urls === '' ? '' : `{ urls: [${urls}] }`;
    lines.push(
      `leafnodes { ${spec.leafPort === undefined ? '' : `host: 127.0.0.1, port: ${spec.leafPort},`} remotes: [${remotes}] }`,
    );
  }
  if (spec.extra !== undefined) lines.push(spec.extra);
  return `${lines.join('\n')}\n`;
}

/** Starts nats-server on loopback; resolves once it accepts clients (its log says it is ready). */
export function startNatsServer(spec: NatsServerSpec): Promise<NatsServer> {
  const config = join(spec.dir, `${spec.name}.conf`);
  writeFileSync(config, configText(spec));
  const child = spawn('nats-server', ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: NatsServer = {
    url: `nats://127.0.0.1:${spec.port}`,
    spec,
    child,
    log: () => log,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nats-server ${spec.name} did not start in 15 s:\n${log}`));
    }, 15_000);
    const onData = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-64_000);
      if (log.includes('Server is ready')) {
        clearTimeout(timer);
        resolve(server);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server ${spec.name} exited with ${code}:\n${log}`));
    });
  });
}

/** A single JetStream server in a fresh directory; `restart` keeps its port and its files. */
export async function singleServer(name = 'n1'): Promise<{
  server: () => NatsServer;
  restart(signal?: NodeJS.Signals): Promise<void>;
  /** Stopped until `start`: NATS down for a while. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
  url: string;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'bluechip-nats-'));
  const spec: NatsServerSpec = { name, dir, port: await freePort() };
  let current = await startNatsServer(spec);
  return {
    url: current.url,
    server: () => current,
    async restart(signal) {
      await current.stop(signal);
      current = await startNatsServer(spec);
    },
    async stop(signal) {
      await current.stop(signal);
    },
    async start() {
      current = await startNatsServer(spec);
    },
    async close() {
      await current.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
