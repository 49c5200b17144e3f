import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { Bridge, type BridgeOptions } from '../src/index.js';
import { nodeHooks } from '../src/node.js';
import { SchemaCheck } from './schema-check.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

import { CLI_BIN } from '../../../test-support/cli-build.js';

export const CLI = CLI_BIN;

/** Every message any test client receives goes through this; the suites assert it found no problem. */
export const schema = new SchemaCheck();

export type Message = {
  jsonrpc: '2.0';
  id?: string | number | null;
  method?: string;
  params?: Record<string, unknown>;
  result?: unknown;
  error?: { code: number; message: string; data?: Record<string, unknown> };
};

/**
 * A JSON-RPC caller over any carrier: sends text, matches responses to requests, keeps notifications.
 * Every message received is validated against the OpenRPC document.
 */
export class RpcClient {
  private nextId = 0;
  private readonly waiting = new Map<string | number, (message: Message) => void>();
  private readonly methods = new Map<string | number, string>();
  readonly notifications: Message[] = [];
  /** Messages with no id to match (parse errors, batches). */
  readonly others: Message[] = [];
  private readonly watchers = new Set<(message: Message) => void>();

  constructor(private readonly sendText: (text: string) => void) {}

  /** Feed one received message (a line, a WebSocket message). */
  receive(text: string): void {
    const value = JSON.parse(text) as Message | Message[];
    if (Array.isArray(value)) {
      for (const item of value) this.check(item);
      this.others.push(...value);
      for (const watcher of this.watchers) for (const item of value) watcher(item);
      return;
    }
    this.check(value);
    for (const watcher of this.watchers) watcher(value);
    if (value.method !== undefined) this.notifications.push(value);
    else if (value.id !== undefined && value.id !== null && this.waiting.has(value.id)) {
      const resolve = this.waiting.get(value.id);
      this.waiting.delete(value.id);
      resolve?.(value);
    } else this.others.push(value);
  }

  private check(message: Message): void {
    const method = message.id === undefined || message.id === null ? undefined : this.methods.get(message.id);
    schema.check(message, method);
  }

  /** Sends a request; resolves with the whole response message. */
  request(method: string, params?: unknown, id: string | number = ++this.nextId): Promise<Message> {
    this.methods.set(id, method);
    const answer = new Promise<Message>((resolve) => this.waiting.set(id, resolve));
    this.sendText(
      JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }),
    );
    return answer;
  }

  /** The result, or throws with the error. */
  async call<T = Record<string, unknown>>(method: string, params?: unknown): Promise<T> {
    const response = await this.request(method, params);
    if (response.error !== undefined) throw Object.assign(new Error(response.error.message), response.error);
    return response.result as T;
  }

  notify(method: string, params: unknown): void {
    this.sendText(JSON.stringify({ jsonrpc: '2.0', method, params }));
  }

  /**
   * Resolves with the first message (received from now on) matching `predicate`; bounded by `ms`, far above
   * an idle run's wait so a loaded machine does not fail it (a bound, not a speed requirement).
   */
  next(predicate: (message: Message) => boolean, ms = 60_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.watchers.delete(watch);
        reject(new Error('no such message in time'));
      }, ms);
      const watch = (message: Message) => {
        if (!predicate(message)) return;
        clearTimeout(timer);
        this.watchers.delete(watch);
        resolve(message);
      };
      this.watchers.add(watch);
    });
  }

  /** Remembers which method an id belongs to for raw lines sent by the test itself. */
  expect(id: string | number, method: string): void {
    this.methods.set(id, method);
  }
}

/** A bridge in this process with one caller on it; closed when the test ends. */
export function inProcess(options: BridgeOptions = {}): {
  bridge: Bridge;
  client: RpcClient;
  raw: (t: string) => void;
} {
  const bridge = new Bridge({ hooks: nodeHooks, ...options });
  let client: RpcClient;
  const connection = bridge.connect({ send: (text) => queueMicrotask(() => client.receive(text)) });
  client = new RpcClient((text) => connection.receive(text));
  onTestFinished(() => bridge.close(2000));
  return { bridge, client, raw: (text) => connection.receive(text) };
}

export { buildCli } from '../../../test-support/cli-build.js';

export interface StdioBridge {
  readonly child: ChildProcess;
  readonly client: RpcClient;
  /** Everything the bridge wrote on stderr. */
  stderr(): string;
  /** Resolves with the exit code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Writes raw text to stdin. */
  write(text: string): void;
}

/** `bluechip serve --stdio` in a child process; killed when the test ends if still running. */
export function spawnStdio(args: readonly string[] = []): StdioBridge {
  const child = spawn(process.execPath, [CLI, 'serve', '--stdio', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  let buffered = '';
  const client = new RpcClient((text) => child.stdin?.write(`${text}\n`));
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') client.receive(line);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin?.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, client, stderr: () => stderr, exited, write: (text) => child.stdin?.write(text) };
}

/** A WebSocket caller; resolves once open, rejects with the HTTP status when refused. */
export function wsClient(
  url: string,
  options: { token?: string; headers?: Record<string, string>; protocols?: string[] } = {},
): Promise<{ client: RpcClient; ws: WebSocket }> {
  return new Promise((resolve, reject) => {
    const headers = {
      ...(options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` }),
      ...options.headers,
    };
    const ws = new WebSocket(url, options.protocols ?? [], { headers });
    const client = new RpcClient((text) => ws.send(text));
    ws.on('message', (data) => client.receive(String(data)));
    ws.on('open', () => resolve({ client, ws }));
    ws.on('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`refused with ${res.statusCode}`), { status: res.statusCode }));
      ws.terminate();
    });
    ws.on('error', (error) => reject(error));
    onTestFinished(() => ws.terminate());
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
