import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleEntry, chromiumAvailable, launchChromium, servePage } from '../../../test-support/browser.js';
import { answerLikeATerminal, startServer, type TestServer } from './support/ws-server.js';

const available = chromiumAvailable('transport-ws');

describe.skipIf(!available)('ws transport in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let http: Server;
  let terminal: TestServer;
  const terminalSaw: string[] = [];

  beforeAll(async () => {
    terminal = await startServer();
    terminal.wss.on('connection', (ws, req) => {
      if (req.url === '/big') ws.on('message', () => ws.send('z'.repeat(4096)));
      else answerLikeATerminal(ws, terminalSaw);
    });
    const served = await servePage(
      await bundleEntry(new URL('./browser/entry.ts', import.meta.url)),
      'transport-ws',
    );
    http = served.server;
    browser = await launchChromium();
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(served.url);
    await page.waitForFunction(() => typeof window.runExchange === 'function', undefined, {
      timeout: 15_000,
    });
    expect(errors).toEqual([]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await terminal?.stop();
    await new Promise((resolve) => (http ? http.close(resolve) : resolve(undefined)));
  });

  it('runs the sale-shaped exchange on /tsi/v1/payment', async () => {
    const transcript = await page.evaluate((url) => window.runExchange(url, '/tsi/v1/payment'), terminal.url);
    expect(transcript.map((line) => line.slice(0, 20))).toEqual([
      'pos sent {"request":',
      'pos got {"response":',
      'pos got {"event":{"f',
      'pos sent {"event_ack',
    ]);
    await expect.poll(() => terminalSaw.length).toBe(2);
    expect(terminalSaw[1]).toBe('terminal got {"event_ack":{"flow_id":"109569","resource":{"status":"ok"}}}');
  });

  it('runs it in single-endpoint mode at /', async () => {
    const transcript = await page.evaluate((url) => window.runExchange(url, '/'), terminal.url);
    expect(transcript).toHaveLength(4);
    expect(transcript.every((line) => line.includes('"endpoint":"/tsi/v1/payment"'))).toBe(true);
    await expect.poll(() => terminalSaw.length).toBe(4);
    expect(terminal.paths.slice(0, 2)).toEqual(['/tsi/v1/payment', '/']);
  });

  it('closes on an oversize frame with its own check (browsers have no maxPayload)', async () => {
    const close = await page.evaluate((url) => window.oversizeClose(url, 1024), terminal.url);
    expect(close).toMatchObject({ code: 1009, clean: false });
    expect(close.reason).toBe('frame_too_large: incoming frame of 4096 bytes exceeds maxFrameBytes 1024');
  });
});
