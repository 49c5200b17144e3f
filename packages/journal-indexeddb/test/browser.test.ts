import type { Server } from 'node:http';
import { type RunningSimulator, startSimulator } from '@bluechip-ws/simulator';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleEntry, chromiumAvailable, launchChromium, servePage } from '../../../test-support/browser.js';

/** Counts the requests the simulator received, by type. */
function receivedRequests(sim: RunningSimulator): { count(type: string): number; stop(): void } {
  const counts = new Map<string, number>();
  const sub = sim.frames$.subscribe((frame) => {
    if (frame.direction !== 'in') return;
    try {
      const parsed = JSON.parse(frame.text) as { request?: { resource?: { type?: unknown } } };
      const type = parsed.request?.resource?.type;
      if (typeof type === 'string') counts.set(type, (counts.get(type) ?? 0) + 1);
    } catch {
      // Not JSON: not a request.
    }
  });
  return { count: (type) => counts.get(type) ?? 0, stop: () => sub.unsubscribe() };
}

describe.skipIf(!chromiumAvailable('journal-indexeddb'))('the IndexedDB journal in headless Chromium', () => {
  let http: Server;
  let browser: Browser;
  let pageUrl: string;
  let sim: RunningSimulator | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const served = await servePage(
      await bundleEntry(new URL('./browser/entry.ts', import.meta.url)),
      'journal-indexeddb',
    );
    http = served.server;
    pageUrl = served.url;
    browser = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    await sim?.close();
    sim = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (http ? http.close(resolve) : resolve(undefined)));
  });

  /** A page of the POS in `context` (one context = one browser profile: its IndexedDB persists). */
  async function posPage(context: BrowserContext, errors: string[]): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pageUrl);
    await page.waitForFunction(() => typeof window.startSale === 'function', undefined, { timeout: 15_000 });
    return page;
  }

  async function newContext(): Promise<BrowserContext> {
    const context = await browser.newContext();
    contexts.push(context);
    return context;
  }

  it('passes the shared journal conformance suite on the real IndexedDB and Web Locks', async () => {
    const context = await newContext();
    const errors: string[] = [];
    const page = await posPage(context, errors);
    const results = await page.evaluate(() => window.runConformance());
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.filter((r) => !r.skipped).length).toBeGreaterThanOrEqual(10);
    expect(errors).toEqual([]);
  }, 60_000);

  const cases = [
    { how: 'reloaded', until: 'started' },
    { how: 'closed and reopened', until: 'started' },
    { how: 'reloaded', until: 'final' },
  ] as const;
  for (const { how, until } of cases) {
    const when = until === 'started' ? 'after "started"' : 'after its final result, before the ack';
    it(`a sale whose page is ${how} ${when} recovers its approval; the retry sends no second sale`, async () => {
      // Slow enough events that the page goes away between `started` and the final result.
      sim = await startSimulator({ host: '127.0.0.1', port: 0, eventDelayMs: 2_500 });
      const requests = receivedRequests(sim);
      const context = await newContext();
      const errors: string[] = [];
      let page = await posPage(context, errors);
      const started = await page.evaluate(
        ({ url, until }) => window.startSale(url, 'order-1001', 1234, until),
        {
          url: sim.url,
          until,
        },
      );
      expect(started.lockKind).toBe('web-locks');
      if (how === 'reloaded') {
        await page.reload();
        await page.waitForFunction(() => typeof window.recoverSale === 'function');
      } else {
        await page.close();
        page = await posPage(context, errors);
      }
      const recovered = await page.evaluate(({ url }) => window.recoverSale(url, 'order-1001', 1234), {
        url: sim.url,
      });
      // The flow the first page left open survived in IndexedDB...
      expect(recovered.openBefore).toEqual([started.flowId]);
      // ...was reconciled with the terminal on connect, and the retry replays the approval.
      expect(recovered.first).toMatchObject({ kind: 'approved', replayed: true, flowId: started.flowId });
      expect(recovered.first.reference).toEqual(expect.any(String));
      expect(recovered.again).toEqual(recovered.first);
      expect(recovered.openAfter).toEqual([]);
      expect(requests.count('sale')).toBe(1);
      // A final result already in the journal needs no question to the terminal; otherwise one recall.
      expect(requests.count('recall_last_transaction')).toBe(until === 'final' ? 0 : 1);
      expect(sim.snapshot().lastTransaction).toMatchObject({ reference_no: recovered.first.reference });
      requests.stop();
      expect(errors).toEqual([]);
    }, 60_000);
  }

  it('two tabs: the second fails "locked" at once, or waits and gets the journal when the first closes', async () => {
    const context = await newContext();
    const errors: string[] = [];
    const first = await posPage(context, errors);
    const second = await posPage(context, errors);
    expect(await first.evaluate(() => window.openJournal('shared', 0))).toEqual({
      ok: true,
      lockKind: 'web-locks',
    });
    expect(await second.evaluate(() => window.openJournal('shared', 0))).toMatchObject({
      name: 'JournalError',
      code: 'locked',
    });
    expect(await second.evaluate(() => window.openJournal('shared', 300))).toMatchObject({ code: 'locked' });
    const waiting = second.evaluate(() => window.openJournal('shared', 20_000));
    // Closing the first tab without closing its journal: the browser releases its lock with the page.
    await first.close();
    expect(await waiting).toEqual({ ok: true, lockKind: 'web-locks' });
    expect(errors).toEqual([]);
  }, 60_000);

  it('without Web Locks (lease): the second tab fails "locked" while the first lives, and takes over once it is closed', async () => {
    const context = await newContext();
    const errors: string[] = [];
    const first = await posPage(context, errors);
    const second = await posPage(context, errors);
    expect(await first.evaluate(() => window.openJournal('leased', 0, true))).toEqual({
      ok: true,
      lockKind: 'lease',
    });
    expect(await second.evaluate(() => window.openJournal('leased', 0, true))).toMatchObject({
      name: 'JournalError',
      code: 'locked',
    });
    // The first tab goes away without closing its journal: no one answers for its lease any more.
    await first.close();
    expect(await second.evaluate(() => window.openJournal('leased', 0, true))).toEqual({
      ok: true,
      lockKind: 'lease',
    });
    expect(errors).toEqual([]);
  }, 60_000);

  it('site data cleared under an open journal: it stops with connection_lost; reopened, it is empty', async () => {
    const context = await newContext();
    const errors: string[] = [];
    const page = await posPage(context, errors);
    expect(await page.evaluate(() => window.openJournal('cleared', 0))).toMatchObject({ ok: true });
    expect(await page.evaluate(() => window.appendTo('before'))).toEqual({ ok: true, open: ['before'] });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', {
      origin: new URL(pageUrl).origin,
      storageTypes: 'indexeddb',
    });
    expect(await page.evaluate(() => window.appendTo('after'))).toMatchObject({
      name: 'JournalError',
      code: 'write_failed',
      reason: 'connection_lost',
    });
    await page.evaluate(() => window.closeJournal());
    expect(await page.evaluate(() => window.openJournal('cleared', 0))).toMatchObject({ ok: true });
    expect(await page.evaluate(() => window.appendTo('fresh'))).toEqual({ ok: true, open: ['fresh'] });
    expect(errors).toEqual([]);
  }, 60_000);

  it('without Web Locks (lease): after a reload, the dead page does not answer for its lease, so it is taken at once', async () => {
    const context = await newContext();
    const errors: string[] = [];
    const page = await posPage(context, errors);
    expect(await page.evaluate(() => window.openJournal('leased-reload', 0, true))).toMatchObject({
      ok: true,
    });
    expect(await page.evaluate(() => window.appendTo('before-reload'))).toMatchObject({ ok: true });
    await page.reload();
    await page.waitForFunction(() => typeof window.openJournal === 'function');
    expect(await page.evaluate(() => window.openJournal('leased-reload', 0, true))).toEqual({
      ok: true,
      lockKind: 'lease',
    });
    expect(await page.evaluate(() => window.appendTo('after-reload'))).toEqual({
      ok: true,
      open: ['before-reload', 'after-reload'],
    });
    expect(errors).toEqual([]);
  }, 60_000);

  it('storage quota exhausted: appends reject with a typed quota_exceeded error', async () => {
    const context = await newContext();
    const errors: string[] = [];
    const page = await posPage(context, errors);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', {
      origin: new URL(pageUrl).origin,
      quotaSize: 256 * 1024,
    });
    const result = await page.evaluate(() => window.fillUntilFull('quota', 16 * 1024, 1_000));
    expect(result.appended).toBeGreaterThan(0);
    expect(result.appended).toBeLessThan(1_000);
    expect(result.error).toMatchObject({
      name: 'JournalError',
      code: 'write_failed',
      reason: 'quota_exceeded',
    });
    expect(errors).toEqual([]);
  }, 60_000);
});
