import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = `${root}packages/cli/dist/bin.js`;

function get(
  url: string,
  host?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host === undefined ? {} : { host } }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a bridge socket as a page of `origin` would; resolves with it, or with the refusal's status. */
function dial(url: string, token: string, origin: string): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, ['bluechip.bridge', `bluechip.bearer.${token}`], { origin });
    ws.on('open', () => resolve(ws));
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(0));
  });
}

function call(ws: WebSocket, method: string, params: object): Promise<{ result?: unknown; error?: unknown }> {
  return new Promise((resolve) => {
    const id = Math.floor(Math.random() * 1e9);
    const listen = (data: WebSocket.RawData) => {
      const message = JSON.parse(String(data));
      if (message.id !== id) return;
      ws.off('message', listen);
      resolve(message);
    };
    ws.on('message', listen);
    ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
  });
}

describe('bluechip console, the command', () => {
  let child: ChildProcess;
  let url: URL;
  let token: string;
  let out = '';

  beforeAll(async () => {
    execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b', 'packages/cli'], {
      cwd: root,
    });
    execFileSync(process.execPath, [`${root}packages/console/scripts/bundle-page.mjs`], { cwd: root });
    const dir = mkdtempSync(join(tmpdir(), 'console-'));
    // A scenario still decides a request without the customer: 77.77 is declined at once.
    writeFileSync(
      join(dir, 'scenario.json'),
      JSON.stringify({ rules: [{ match: { amount: 7777 }, outcome: 'declined' }] }),
    );
    child = spawn(process.execPath, [
      CLI,
      'console',
      '--port',
      '0',
      '--event-delay',
      '5',
      '--scenario',
      join(dir, 'scenario.json'),
    ]);
    child.stdout?.on('data', (chunk) => {
      out += chunk;
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 15_000);
      child.stdout?.on('data', () => {
        const match = /open (http:\/\/\S+)/.exec(out);
        if (match?.[1] === undefined) return;
        clearTimeout(timer);
        url = new URL(match[1]);
        token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
        resolve();
      });
    });
  }, 120_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints the URL with its token and serves the page on loopback, with a CSP, to loopback hosts only', async () => {
    expect(url.hostname).toBe('127.0.0.1');
    expect(token.length).toBeGreaterThanOrEqual(32);
    const page = await get(`${url.origin}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="/console.js"></script>');
    expect(page.body).not.toContain(token);
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'none'");
    expect((await get(`${url.origin}/console.js`)).status).toBe(200);
    expect((await get(`${url.origin}/`, 'evil.example:80')).status).toBe(403);
    expect((await get(`${url.origin}/nope`)).status).toBe(404);
  });

  it('the bridge admits the page origin with the token, and nobody else', async () => {
    const page = await get(`${url.origin}/`);
    const port = /bluechip-bridge-port" content="(\d+)"/.exec(page.body)?.[1];
    const bridge = `ws://127.0.0.1:${port}`;
    expect(await dial(bridge, token, 'http://evil.example')).toBe(403);
    expect(await dial(bridge, 'x'.repeat(43), url.origin)).toBe(401);
    const ws = await dial(bridge, token, url.origin);
    if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
    expect(await call(ws, 'simulator.screen', { terminalId: 'console' })).toMatchObject({
      result: { screen: { kind: 'idle' } },
    });
    expect(await call(ws, 'sale', { terminalId: 'console', amount: 7777 })).toMatchObject({
      result: { kind: 'declined' },
    });
    ws.close();
  });

  it('exits 0 on SIGTERM', async () => {
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('refuses bad options with a usage error', () => {
    const run = (args: string[]) => {
      try {
        execFileSync(process.execPath, [CLI, 'console', ...args], { stdio: 'pipe' });
        return { code: 0, stderr: '' };
      } catch (error) {
        const e = error as { status: number; stderr: Buffer };
        return { code: e.status, stderr: String(e.stderr) };
      }
    };
    expect(run(['--port', '70000'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--port must be'),
    });
    expect(run(['--terminal', 'http://x'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('ws://'),
    });
    expect(run(['--bogus'])).toMatchObject({ code: 1 });
    expect(run(['--scenario', '/nonexistent.json'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--scenario'),
    });
  });
});
