import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleEntry, chromiumAvailable, launchChromium } from '../../../test-support/browser.js';
import { type RunningConsole, startConsole } from '../src/index.js';

/**
 * Screenshots the docs show (README, docs/console.md). Every run takes them; `UPDATE_SCREENSHOTS=1` writes them
 * to docs/images/ (commit the result), otherwise they go to a temporary folder so a test run leaves the
 * work tree as it was.
 */
const IMAGES =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? fileURLToPath(new URL('../../../docs/images/', import.meta.url))
    : `${mkdtempSync(join(tmpdir(), 'console-screenshots-'))}/`;

describe.skipIf(!chromiumAvailable('console'))('bluechip console in headless Chromium', () => {
  let running: RunningConsole;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(IMAGES, { recursive: true });
    const script = await bundleEntry(new URL('../src/page/main.ts', import.meta.url));
    running = await startConsole({ page: { script }, eventDelayMs: 40, customerTimeoutMs: 30_000 });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  /** A fresh page at 1280×800 on the printed URL, ready; page errors fail the test. */
  async function openConsole(url = running.url): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    return { page, errors };
  }

  async function ready(page: Page): Promise<void> {
    await page.waitForSelector('body[data-ready=true]', { timeout: 15_000 });
  }

  const screen = (page: Page) => page.getByTestId('screen');

  it('a sale from the workbench: the tester presents the card, sees the receipt and the ack in the timeline', async () => {
    const { page, errors } = await openConsole();
    await ready(page);
    // Before any flow, the timeline says what will appear there.
    expect(await page.getByTestId('timeline-empty').textContent()).toContain('No flows yet');
    // The default form is a sale of 12.34 (currency units; 1234 cents on the wire).
    await page.locator('#f-amount').fill('12.34');
    await page.getByRole('button', { name: 'Send' }).click();
    await screen(page).getByText('Tap, insert or swipe').waitFor();
    expect(await screen(page).textContent()).toContain('$12.34');
    await page.screenshot({ path: `${IMAGES}console-waiting.png` });
    await page.getByRole('button', { name: 'Present card' }).click();
    const receipt = page.getByTestId('receipt');
    await receipt.waitFor();
    expect(await receipt.locator('.verdict').textContent()).toContain('APPROVED');
    expect(await receipt.locator('[data-field=Total]').textContent()).toBe('12.34');
    expect(await receipt.locator('[data-field=Card]').textContent()).toMatch(/^\*+\d{4}$/);
    expect(await receipt.locator('[data-field="Auth no"]').textContent()).toMatch(/^\d+$/);
    // the EMV AID is not card data: the receipt shows it as sent (A000000003 1010, not A*********1010)
    expect(await receipt.locator('dl.emv').textContent()).toMatch(/A0{5}\d{5,}/);
    expect(await screen(page).textContent()).toContain('APPROVED');
    const flow = page.getByTestId('timeline').locator('li.flow').first();
    await flow.locator('[data-kind=ack]').waitFor();
    const kinds = await flow
      .locator('li.entry')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds).toEqual(['request', 'started', 'final', 'ack']);
    expect(await flow.locator('[data-kind=ack] .latency').textContent()).toMatch(/^ack after \d+ ms$/);
    // The frame log is newest first, like the timeline: the ack is on top.
    expect(await page.getByTestId('frames').locator('li').first().textContent()).toContain('event_ack');
    // The frame log masks card numbers.
    const frames = await page.getByTestId('frames').textContent();
    expect(frames).toContain('"account_no"');
    expect(frames).not.toMatch(/\d{12,19}/);
    // The filter keeps the frames of one flow (request, started, final, ack).
    const flowId = await flow.getAttribute('data-flow');
    await page.locator('#frame-filter').fill(`"${flowId}"`);
    expect(await page.getByTestId('frames').locator('li').count()).toBe(4);
    await page.locator('#frame-filter').fill('no such text');
    expect(await page.getByTestId('frames').locator('li').count()).toBe(0);
    await page.locator('#frame-filter').fill('');
    await page.screenshot({ path: `${IMAGES}console-sale.png`, fullPage: true });
    // A tablet in portrait: two columns, the timeline below.
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.screenshot({ path: `${IMAGES}console-tablet.png` });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a decline, sent from the keyboard: the receipt says declined', async () => {
    const { page, errors } = await openConsole();
    await ready(page);
    const amount = page.locator('#f-amount');
    await amount.fill('5.00');
    await amount.press('Enter');
    await screen(page).getByText('Tap, insert or swipe').waitFor();
    await page.getByRole('button', { name: 'Decline' }).focus();
    await page.keyboard.press('Enter');
    const receipt = page.getByTestId('receipt');
    await receipt.waitFor();
    expect(await receipt.locator('.verdict').textContent()).toContain('DECLINED');
    expect(await receipt.locator('[data-field=Host]').textContent()).toBe('05 DECLINED');
    expect(await page.getByTestId('wb-status').textContent()).toBe('sale: declined');
    await page.screenshot({ path: `${IMAGES}console-decline.png` });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a chip card: Insert card brings up the PIN pad, Enter PIN approves', async () => {
    const { page, errors } = await openConsole();
    await ready(page);
    await page.locator('#f-amount').fill('7.35');
    await page.getByRole('button', { name: 'Send' }).click();
    await screen(page).getByText('Tap, insert or swipe').waitFor();
    expect(await page.getByRole('button', { name: 'Enter PIN' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Insert card' }).click();
    await screen(page).getByText('Enter PIN').waitFor();
    expect(await screen(page).textContent()).toContain('$7.35');
    expect(await page.getByRole('button', { name: 'Present card' }).isDisabled()).toBe(true);
    await page.screenshot({ path: `${IMAGES}console-pin.png` });
    await page.getByRole('button', { name: 'Enter PIN' }).click();
    const receipt = page.getByTestId('receipt');
    await receipt.waitFor();
    expect(await receipt.locator('.verdict').textContent()).toContain('APPROVED');
    expect(await receipt.locator('[data-field=Total]').textContent()).toBe('7.35');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a bad amount: the error names the field once, and no earlier receipt stays under it', async () => {
    const { page, errors } = await openConsole();
    await ready(page);
    // With nothing waiting, "Present card" is disabled and looks like every other disabled button.
    const look = (name: string) =>
      page
        .getByRole('button', { name, exact: true })
        .evaluate((b) => [(b as HTMLButtonElement).disabled, getComputedStyle(b).backgroundColor]);
    expect(await look('Present card')).toEqual(await look('Decline'));
    await page.getByLabel('Endpoint', { exact: true }).selectOption('reports');
    await page.getByLabel('Type', { exact: true }).selectOption('summary_report');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('receipt').waitFor();
    await page.getByLabel('Endpoint', { exact: true }).selectOption('payment');
    await page.getByLabel('Type', { exact: true }).selectOption('sale');
    await page.locator('#f-amount').fill('1.234');
    await page.getByRole('button', { name: 'Send' }).click();
    const status = page.getByTestId('wb-status');
    await expect.poll(() => status.getAttribute('data-state')).toBe('invalid');
    expect(await status.textContent()).toBe('Amount has more than two decimals: "1.234"');
    expect(await page.locator('#f-amount').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('receipt').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('on a 400 px phone the workbench and its Send button are on the first screen', async () => {
    const page = await browser.newPage({ viewport: { width: 400, height: 780 } });
    await page.goto(running.url);
    await ready(page);
    const send = await page.getByRole('button', { name: 'Send' }).boundingBox();
    await page.screenshot({ path: `${IMAGES}console-phone.png` });
    expect(send).not.toBeNull();
    expect((send?.y ?? Number.POSITIVE_INFINITY) + (send?.height ?? 0)).toBeLessThanOrEqual(780);
    await page.close();
  });

  it('a report from the reports endpoint, with no customer involved', async () => {
    const { page, errors } = await openConsole();
    await ready(page);
    await page.getByLabel('Endpoint', { exact: true }).selectOption('reports');
    await page.getByLabel('Type', { exact: true }).selectOption('summary_report');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('receipt').waitFor();
    expect(await page.getByTestId('wb-status').textContent()).toBe('summary_report: completed');
    await page.getByTestId('outcome').getByText('JSON').click();
    expect(await page.getByTestId('outcome').locator('pre').textContent()).toContain('"summary_report"');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a pulled cable shows "outcome unknown"; reconcile settles it as recovered', async () => {
    const { page, errors } = await openConsole();
    await ready(page);
    await page.locator('#f-amount').fill('43.21');
    await page.getByRole('button', { name: 'Send' }).click();
    await screen(page).getByText('Tap, insert or swipe').waitFor();
    await page.getByRole('button', { name: 'Pull the cable' }).click();
    const banner = page.getByTestId('outcome-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('OUTCOME UNKNOWN');
    await expect.poll(() => page.getByTestId('open-flows').locator('li[data-flow]').count()).toBe(1);
    const cut = page
      .getByTestId('timeline')
      .locator('li.flow', { has: page.locator('[data-kind=link_lost]') });
    await cut.waitFor();
    const flow = page.locator(`li.flow[data-flow="${await cut.getAttribute('data-flow')}"]`);
    await page.screenshot({ path: `${IMAGES}console-unknown.png` });
    await page.getByRole('button', { name: 'Reconcile' }).click();
    const report = page.getByTestId('reconcile-report');
    await report.locator('.verdict').waitFor();
    expect(await report.textContent()).toMatch(/recovered sale flow \S+: approved/);
    await expect.poll(() => page.getByTestId('open-flows').textContent()).toBe('No open flows.');
    expect(await flow.locator('[data-kind=verdict]').textContent()).toContain(
      'reconciled: recovered, approved',
    );
    await page.screenshot({ path: `${IMAGES}console-reconcile.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without the token from the printed URL the bridge refuses the page', async () => {
    const { page } = await openConsole(running.url.replace(/#.*/, '#token=wrong-token-wrong-token'));
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('not connected');
    expect(await page.getByRole('alert').textContent()).toContain('open the exact URL');
    await page.close();
  });
});
