import type { Server } from 'node:http';
import { type RunningSimulator, startSimulator } from '@bluechip-ws/simulator';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleEntry, chromiumAvailable, launchChromium, servePage } from '../../../test-support/browser.js';

describe.skipIf(!chromiumAvailable('client'))(
  'the client in headless Chromium (same API, browser WebSocket)',
  () => {
    let sim: RunningSimulator;
    let http: Server;
    let browser: Browser;
    let pageUrl: string;

    beforeAll(async () => {
      sim = await startSimulator({ host: '127.0.0.1', port: 0, eventDelayMs: 10 });
      const served = await servePage(
        await bundleEntry(new URL('./browser/entry.ts', import.meta.url)),
        'client',
      );
      http = served.server;
      pageUrl = served.url;
      browser = await launchChromium();
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
