// Bundled by esbuild for the Chromium tests: the IndexedDB journal and the client from source, on the
// page's real IndexedDB, Web Locks and WebSocket. Each window function is one step a test drives.
import { connect, type Terminal } from '@bluechip-ws/client';
import { JournalError } from '@bluechip-ws/core';
import {
  type ConformanceCase,
  type JournalHarness,
  journalConformance,
} from '../../../../test-support/journal-conformance.js';
import { type IndexedDbJournal, IndexedDbJournalError, openIndexedDbJournal } from '../../src/index.js';

interface ErrorInfo {
  readonly name: string;
  readonly code?: string;
  readonly reason?: string;
  readonly message: string;
}

interface SaleView {
  readonly kind: string;
  readonly replayed: boolean;
  readonly flowId: string | undefined;
  readonly reference: string | undefined;
}

declare global {
  interface Window {
    runConformance(): Promise<{ name: string; ok: boolean; skipped: boolean; error?: string }[]>;
    startSale(
      url: string,
      key: string,
      cents: number,
      until: 'started' | 'final',
    ): Promise<{ flowId: string; lockKind: string }>;
    recoverSale(
      url: string,
      key: string,
      cents: number,
    ): Promise<{ openBefore: string[]; first: SaleView; again: SaleView; openAfter: string[] }>;
    openJournal(
      name: string,
      waitForLockMs: number,
      lease?: boolean,
    ): Promise<{ ok: true; lockKind: string } | ErrorInfo>;
    closeJournal(): Promise<void>;
    appendTo(flowId: string): Promise<{ ok: true; open: string[] } | ErrorInfo>;
    fillUntilFull(
      name: string,
      recordBytes: number,
      limit: number,
    ): Promise<{ appended: number; error?: ErrorInfo }>;
  }
}

const POS_JOURNAL = 'pos-journal';
let held: IndexedDbJournal | undefined;
let terminal: Terminal | undefined;

function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof IndexedDbJournalError) {
    return { name: error.name, code: error.code, reason: error.reason, message: error.message };
  }
  if (error instanceof JournalError) return { name: error.name, code: error.code, message: error.message };
  return { name: (error as Error)?.name ?? 'unknown', message: String(error) };
}

let databases = 0;
const harness: JournalHarness = {
  name: 'IndexedDbJournal (Chromium)',
  durable: true,
  exclusive: true,
  async fresh() {
    const name = `conformance-${Date.now()}-${databases++}`;
    return {
      open: (options) =>
        openIndexedDbJournal({
          name,
          ...(options?.keepFlows === undefined ? {} : { keepFlows: options.keepFlows }),
        }),
    };
  },
};

window.runConformance = async () => {
  const results = [];
  for (const c of journalConformance as readonly ConformanceCase[]) {
    if (c.applies !== undefined && !c.applies(harness)) {
      results.push({ name: c.name, ok: true, skipped: true });
      continue;
    }
    try {
      await c.run(harness);
      results.push({ name: c.name, ok: true, skipped: false });
    } catch (error) {
      results.push({
        name: c.name,
        ok: false,
        skipped: false,
        error: String((error as Error).stack ?? error),
      });
    }
  }
  return results;
};

/**
 * Opens the POS journal and starts a sale; resolves at `started` (the sale still running), or at the final
 * result, which (in manual ack mode) is journaled but not acked: the page then goes away in between.
 */
window.startSale = async (url, key, cents, until) => {
  held = await openIndexedDbJournal({ name: POS_JOURNAL });
  terminal = connect({ url, journal: held, ackMode: until === 'final' ? 'manual' : 'auto' });
  return new Promise((resolve, reject) => {
    terminal!.sale$({ amount: cents as never }, { idempotencyKey: key }).subscribe({
      next: (progress) => {
        if (progress.type === until) resolve({ flowId: progress.flowId, lockKind: held!.lockKind });
      },
      error: reject,
    });
  });
};

const view = (outcome: Awaited<ReturnType<Terminal['sale']>>): SaleView => ({
  kind: outcome.kind,
  replayed: outcome.replayed === true,
  flowId: outcome.flowId,
  reference: outcome.result?.referenceNo,
});

/**
 * After a reload (or a new tab): opens the same journal (waiting for the old page's lock to go), reads what
 * survived, then retries the sale with the same key, twice.
 */
window.recoverSale = async (url, key, cents) => {
  held = await openIndexedDbJournal({ name: POS_JOURNAL, waitForLockMs: 10_000 });
  const openBefore = (await held.openFlows()).map((f) => f.flowId);
  terminal = connect({ url, journal: held });
  const first = view(await terminal.sale({ amount: cents as never }, { idempotencyKey: key }));
  const again = view(await terminal.sale({ amount: cents as never }, { idempotencyKey: key }));
  const openAfter = (await held.openFlows()).map((f) => f.flowId);
  terminal.close();
  await held.close();
  return { openBefore, first, again, openAfter };
};

window.openJournal = async (name, waitForLockMs, lease = false) => {
  try {
    held = await openIndexedDbJournal({
      name,
      waitForLockMs,
      ...(lease ? { locks: null, leaseMs: 2_000 } : {}),
    });
    return { ok: true, lockKind: held.lockKind };
  } catch (error) {
    return errorInfo(error);
  }
};

/** Appends a request record to the journal `openJournal` opened; answers what the journal then holds open. */
window.appendTo = async (flowId) => {
  try {
    await held!.append({
      kind: 'request_sent',
      flowId,
      at: Date.now(),
      endpoint: '/tsi/v1/payment',
      resource: { type: 'sale', amount: 100 },
    });
    return { ok: true, open: (await held!.openFlows()).map((f) => f.flowId) };
  } catch (error) {
    return errorInfo(error);
  }
};

window.closeJournal = async () => {
  await held?.close();
  held = undefined;
};

/** Appends records of about `recordBytes` until one fails (or `limit` went in). */
window.fillUntilFull = async (name, recordBytes, limit) => {
  const journal = await openIndexedDbJournal({ name, compactAfterRecords: 1_000_000 });
  const blob = 'x'.repeat(recordBytes);
  let appended = 0;
  try {
    for (; appended < limit; appended++) {
      await journal.append({
        kind: 'request_sent',
        flowId: `fill-${appended}`,
        at: Date.now(),
        endpoint: '/tsi/v1/payment',
        resource: { type: 'sale', amount: 100, blob },
      });
    }
    return { appended };
  } catch (error) {
    return { appended, error: errorInfo(error) };
  } finally {
    await journal.close();
  }
};
