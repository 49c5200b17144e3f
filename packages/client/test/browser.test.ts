import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type RunningSimulator, startSimulator } from '@bluechip-ws/simulator';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const packagesDir = fileURLToPath(new URL('../../', import.meta.url));

/** Bundles test/browser/entry.ts for the browser; workspace packages resolve to their src, as in vitest. */
async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./browser/entry.ts', import.meta.url))],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    logLevel: 'silent',
    plugins: [
      {
        name: 'workspace-src',
        setup(b) {
          b.onResolve({ filter: /^@bluechip-ws\/[a-z-]+$/ }, (args) => ({
            path: `${packagesDir}${args.path.slice('@bluechip-ws/'.length)}/src/index.ts`,
          }));
        },
      },
    ],
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error('esbuild produced no output');
  return file.text;
}

async function servePage(script: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (req.url === '/') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>client</title><script type="module" src="/bundle.js"></script>');
    } else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

describe.skipIf(!existsSync(CHROMIUM))(
  'the client in headless Chromium (same API, browser WebSocket)',
  () => {
    let sim: RunningSimulator;
    let http: Server;
    let browser: Browser;
    let pageUrl: string;

    beforeAll(async () => {
      sim = await startSimulator({ host: '127.0.0.1', port: 0, eventDelayMs: 10 });
      const served = await servePage(await bundle());
      http = served.server;
      pageUrl = served.url;
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
      });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await sim?.close();
      await new Promise((resolve) => (http ? http.close(resolve) : resolve(undefined)));
    });

    it('connect({ url }) runs a sale, terminal info and a void; a float amount is an AmountError', async () => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pageUrl);
      await page.waitForFunction(() => typeof window.runDemo === 'function', undefined, { timeout: 15_000 });
      const result = await page.evaluate((url) => window.runDemo(url), sim.url);
      expect(result).toEqual({
        globalWebSocket: true,
        kinds: ['approved', 'completed', 'approved'],
        reference: '1',
        badAmount: 'AmountError not_integer',
      });
      expect(errors).toEqual([]);
      await page.close();
    });
  },
);
