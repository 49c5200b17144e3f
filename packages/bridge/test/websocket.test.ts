import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Bridge, RPC_CODES } from '../src/index.js';
import { listenWebSocket, nodeHooks, tokenFromFile } from '../src/node.js';
import { buildCli, CLI, schema, wsClient } from './support.js';

const TOKEN = 'test-token-0123456789abcdef';

afterAll(() => expect(schema.problems).toEqual([]));

async function listen(
  options: { maxConnections?: number; maxMessageBytes?: number; allowedOrigins?: string[] } = {},
) {
  const bridge = new Bridge({ hooks: nodeHooks });
  const carrier = await listenWebSocket(bridge, { port: 0, token: TOKEN, ...options });
  onTestFinished(async () => {
    await carrier.close();
    await bridge.close(2000);
  });
  return { bridge, carrier };
}

const statusOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'open',
    (error: { status?: number }) => error.status ?? 'error',
  );

describe('bluechip serve --listen (WebSocket carrier)', () => {
  it('a caller with the token sells against the built-in simulator', async () => {
    const { carrier } = await listen();
    expect(carrier.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const { client } = await wsClient(carrier.url, { token: TOKEN });
    const { terminalId } = await client.call<{ terminalId: string }>('terminal.open', {
      simulator: { eventDelayMs: 10 },
    });
    expect(await client.call('sale', { terminalId, amount: 1234 })).toMatchObject({ kind: 'approved' });
    expect(client.notifications.some((n) => n.method === 'flow.progress')).toBe(true);
  });

  it('the token may come as a subprotocol (browsers cannot set headers)', async () => {
    const { carrier } = await listen({ allowedOrigins: ['http://localhost:5173'] });
    const { client, ws } = await wsClient(carrier.url, {
      protocols: ['bluechip.bridge', `bluechip.bearer.${TOKEN}`],
      headers: { Origin: 'http://localhost:5173' },
    });
    expect(ws.protocol).toBe('bluechip.bridge');
    expect(await client.call('rpc.discover')).toHaveProperty('openrpc');
  });

  it('refuses a missing or wrong token (401), a foreign Host (403), a foreign Origin (403)', async () => {
    const { carrier } = await listen();
    expect(await statusOf(wsClient(carrier.url))).toBe(401);
    expect(await statusOf(wsClient(carrier.url, { token: `${TOKEN}x` }))).toBe(401);
    expect(
      await statusOf(wsClient(carrier.url, { protocols: ['bluechip.bridge', 'bluechip.bearer.nope'] })),
    ).toBe(401);
    // DNS rebinding: a page on evil.example resolved to 127.0.0.1 sends its own Host.
    expect(
      await statusOf(
        wsClient(carrier.url, { token: TOKEN, headers: { Host: `evil.example:${carrier.port}` } }),
      ),
    ).toBe(403);
    expect(await statusOf(wsClient(carrier.url, { token: TOKEN, headers: { Host: '127.0.0.1:1' } }))).toBe(
      403,
    );
    // A cross-site page: the browser sends its Origin.
    expect(
      await statusOf(wsClient(carrier.url, { token: TOKEN, headers: { Origin: 'https://evil.example' } })),
    ).toBe(403);
    expect(
      await statusOf(wsClient(carrier.url, { token: TOKEN, headers: { Host: `localhost:${carrier.port}` } })),
    ).toBe('open');
  });

  it('bounds the connection count (503) and frees a slot when a caller leaves', async () => {
    const { carrier, bridge } = await listen({ maxConnections: 2 });
    const a = await wsClient(carrier.url, { token: TOKEN });
    await wsClient(carrier.url, { token: TOKEN });
    expect(await statusOf(wsClient(carrier.url, { token: TOKEN }))).toBe(503);
    a.ws.close();
    for (let i = 0; i < 100 && bridge.connectionCount > 1; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await statusOf(wsClient(carrier.url, { token: TOKEN }))).toBe('open');
  });

  it('refuses an oversize message with an error, and the connection survives', async () => {
    const { carrier } = await listen({ maxMessageBytes: 1000 });
    const { client, ws } = await wsClient(carrier.url, { token: TOKEN });
    const refused = client.next((m) => m.error !== undefined);
    ws.send(
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'rpc.discover', params: { pad: 'x'.repeat(2000) } }),
    );
    expect((await refused).error).toMatchObject({
      code: RPC_CODES.invalidRequest,
      data: { code: 'message_too_large' },
    });
    const binary = client.next((m) => m.error !== undefined);
    ws.send(Buffer.from([1, 2, 3]));
    expect((await binary).error?.code).toBe(RPC_CODES.parseError);
    expect(await client.call('rpc.discover')).toHaveProperty('openrpc');
  });

  it('a caller that disconnects mid-sale: the next caller gets the outcome', async () => {
    const { carrier } = await listen();
    const first = await wsClient(carrier.url, { token: TOKEN });
    const { terminalId } = await first.client.call<{ terminalId: string }>('terminal.open', {
      simulator: { eventDelayMs: 300 },
    });
    const started = first.client.next((m) => m.method === 'flow.progress');
    void first.client.request('sale', { terminalId, amount: 3100, idempotencyKey: 'ws-gone' });
    await started;
    first.ws.terminate();
    const second = await wsClient(carrier.url, { token: TOKEN });
    const announced = await second.client.next((m) => m.method === 'outcome.unclaimed');
    expect(announced.params).toMatchObject({ reason: 'caller_gone', outcome: { kind: 'approved' } });
    expect(await second.client.call('outcome.get', { terminalId, idempotencyKey: 'ws-gone' })).toMatchObject({
      state: 'completed',
      outcome: { kind: 'approved' },
    });
  });
});

// These spawn the built command: the build (a no-op when current) and each start may take long on a loaded
// machine, so they get bounds far above an idle run's; no test here measures speed.
describe('bluechip serve --listen, the command', { timeout: 120_000 }, () => {
  beforeAll(() => buildCli(), 180_000);

  it('writes a token file, serves a sale on a free loopback port, and exits 0 on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bluechip-listen-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const tokenFile = join(dir, 'token');
    const child = spawn(
      process.execPath,
      [CLI, 'serve', '--listen', '127.0.0.1:0', '--token-file', tokenFile],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('\n')) resolve(out);
      });
      child.on('exit', () => reject(new Error(`serve exited: ${out}`)));
    });
    const url = /listening (ws:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1] as string;
    expect(line).toContain(`token written to ${tokenFile}`);
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    const token = (await readFile(tokenFile, 'utf8')).trim();
    expect(await statusOf(wsClient(url, { token: 'x'.repeat(43) }))).toBe(401);
    const { client } = await wsClient(url, { token });
    const { terminalId } = await client.call<{ terminalId: string }>('terminal.open', {
      simulator: { eventDelayMs: 10 },
    });
    expect(await client.call('sale', { terminalId, amount: 1234 })).toMatchObject({ kind: 'approved' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a bad command line', async () => {
    const run = (args: string[]) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'serve', ...args], { stdio: 'ignore' });
        child.on('exit', (code) => resolve(code));
      });
    expect(await run([])).toBe(1);
    expect(await run(['--stdio', '--listen', '7300'])).toBe(1);
    expect(await run(['--listen', 'nowhere'])).toBe(1);
    expect(await run(['--listen', '0', '--token', 'short'])).toBe(1);
  });

  // Issue 24, defect 4: the port-only form was read as host "<first digits>", port "<last digit>", and
  // `--listen 00` as host 0 (every interface), port 0.
  it('--listen <port> alone listens on 127.0.0.1:<port>; --listen 00 is a usage error, nothing bound', async () => {
    const port = await freeLoopbackPort();
    const alone = await serve(['--listen', String(port), '--token', TOKEN]);
    expect(alone).toMatchObject({ listening: `ws://127.0.0.1:${port}`, code: 0 });
    expect(alone.stderr).not.toMatch(/WARNING/);
    for (const garbage of ['00', '0:0', '7300x']) {
      const refused = await serve(['--listen', garbage, '--token', TOKEN]);
      expect(refused, garbage).toMatchObject({ listening: undefined, code: 1 });
      expect(refused.stderr).toContain(`--listen "${garbage}"`);
    }
  });
});

/** A port free on 127.0.0.1 a moment ago (the system hands out ephemeral ports in turn, not the same one). */
async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `bluechip serve <args>` until it either exits or says where it listens (then it is stopped with SIGTERM
 * and must exit 0).
 */
function serve(
  args: readonly string[],
): Promise<{ listening: string | undefined; code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  let listening: string | undefined;
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    const url = /listening (ws:\/\/\S+)/.exec(stdout)?.[1];
    if (url !== undefined && listening === undefined) {
      listening = url;
      child.kill('SIGTERM');
    }
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ listening, code, stderr })));
}

describe('the token file', () => {
  it('is generated readable by the user only, and kept across restarts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bluechip-token-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'sub', 'bridge-token');
    const first = await tokenFromFile(file);
    expect(first.created).toBe(true);
    expect(first.token.length).toBeGreaterThanOrEqual(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(first.token);
    expect(await tokenFromFile(file)).toEqual({ token: first.token, created: false });
  });
});
