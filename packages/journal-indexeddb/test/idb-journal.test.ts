import { JournalError, type JournalRecord } from '@bluechip-ws/core';
import { describe, expect, it } from 'vitest';
import { completedFlow, sent } from '../../../test-support/journal-conformance.js';
import { IndexedDbJournalError, openIndexedDbJournal } from '../src/index.js';
import { FakeLockManager, freshFactory, rawKeys, withRawDb } from './support.js';

const NAME = 'bluechip-ws-journal';
const appendAll = async (journal: { append(r: JournalRecord): Promise<void> }, records: JournalRecord[]) => {
  for (const record of records) await journal.append(record);
};

describe('IndexedDbJournal', () => {
  it('stores each transaction as one value of checksummed JSON entries, keyed by sequence number', async () => {
    const indexedDB = freshFactory();
    const journal = await openIndexedDbJournal({ indexedDB, locks: null });
    expect(journal.lockKind).toBe('lease');
    await appendAll(journal, completedFlow('1', 'k'));
    await journal.close();
    expect(await rawKeys(indexedDB, NAME)).toEqual([1, 2, 3, 4, 5]);
    const third = await withRawDb(indexedDB, NAME, 'readonly', (store) => store.get(3));
    expect(third).toEqual([{ c: expect.any(Number), t: expect.stringContaining('"kind":"event"') }]);

    const reopened = await openIndexedDbJournal({ indexedDB, locks: null });
    expect(reopened.diagnostics).toEqual([]);
    await reopened.append(sent('2'));
    // Appends issued together share one transaction, and so one value.
    await Promise.all([reopened.append(sent('3')), reopened.append(sent('4'))]);
    await reopened.close();
    expect(await rawKeys(indexedDB, NAME)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await withRawDb(indexedDB, NAME, 'readonly', (store) => store.get(7))).toHaveLength(2);
  });

  it('skips and reports a damaged value (bad checksum, half a value, not JSON) and an unknown entry', async () => {
    const indexedDB = freshFactory();
    const journal = await openIndexedDbJournal({ indexedDB, locks: null });
    await appendAll(journal, [...completedFlow('a', 'ka'), sent('b', 'kb'), sent('c', 'kc')]);
    await journal.close();
    // Damage entry 6 (flow b's request): change a character so the checksum no longer holds.
    type Stored = { c: number; t: string };
    const [six] = (await withRawDb(indexedDB, NAME, 'readonly', (s) => s.get(6))) as Stored[];
    const bad = { ...six!, t: six!.t.replace('6417', '6418') };
    await withRawDb(indexedDB, NAME, 'readwrite', (s) => s.put([bad], 6));
    // A batch with half an entry and one that is not an entry; a value that is no batch; and an intact
    // entry of a kind we do not know (from a newer version).
    const { crc32Portable: crc32 } = await import('@bluechip-ws/core/internal');
    const future = JSON.stringify({ x: { v: 2 } });
    const unknown = { c: crc32(new TextEncoder().encode(future)), t: future };
    await withRawDb(indexedDB, NAME, 'readwrite', (s) => s.put([{ c: six!.c }, 'garbage'], 8));
    await withRawDb(indexedDB, NAME, 'readwrite', (s) => s.put('garbage', 9));
    await withRawDb(indexedDB, NAME, 'readwrite', (s) => s.put([unknown], 10));

    const reopened = await openIndexedDbJournal({ indexedDB, locks: null });
    expect(reopened.diagnostics.map((d) => [d.kind, d.seq, d.position])).toEqual([
      ['corrupt_record', 6, 0],
      ['corrupt_record', 8, 0],
      ['corrupt_record', 8, 1],
      ['corrupt_record', 9, -1],
      ['invalid_entry', 10, 0],
    ]);
    expect(reopened.diagnostics[0]?.error).toMatchObject({ name: 'JournalError', code: 'corrupt' });
    expect(reopened.diagnostics[0]?.error.message).toContain('checksum');
    // Everything else is intact, and appends go after the highest key.
    expect((await reopened.openFlows()).map((f) => f.flowId)).toEqual(['c']);
    expect((await reopened.byIdempotencyKey('ka'))?.ended?.outcome).toBe('completed');
    expect(await reopened.byIdempotencyKey('kb')).toBeUndefined();
    await reopened.append(sent('d'));
    await reopened.close();
    expect((await rawKeys(indexedDB, NAME))?.at(-1)).toBe(11);
  });

  it('compacts by itself past compactAfterRecords, keeping open flows and idempotency lookups', async () => {
    const indexedDB = freshFactory();
    const options = { indexedDB, locks: null, keepFlows: 5, compactAfterRecords: 40 } as const;
    const journal = await openIndexedDbJournal(options);
    await journal.append(sent('open-1', 'k-open'));
    for (let i = 0; i < 30; i++) await appendAll(journal, completedFlow(`done-${i}`, `k-${i}`));
    await journal.append(sent('open-2'));
    // 152 records went in; the log holds at most the 5 kept flows plus 40 records.
    expect(journal.entries).toBeLessThanOrEqual(5 + 40);
    const stored = (await withRawDb(indexedDB, NAME, 'readonly', (s) => s.getAll())) as unknown[][];
    expect(stored.reduce((n, batch) => n + batch.length, 0)).toBe(journal.entries);
    const live = {
      open: await journal.openFlows(),
      last: await journal.flow('done-29'),
      key: await journal.byIdempotencyKey('k-open'),
    };
    expect(live.open.map((f) => f.flowId)).toEqual(['open-1', 'open-2']);
    expect(await journal.byIdempotencyKey('k-0')).toBeUndefined();

    await journal.compact();
    expect(journal.entries).toBe(5);
    await journal.close();
    const reopened = await openIndexedDbJournal(options);
    expect(reopened.diagnostics).toEqual([]);
    expect(await reopened.openFlows()).toEqual(live.open);
    expect(await reopened.flow('done-29')).toEqual(live.last);
    expect(await reopened.byIdempotencyKey('k-open')).toEqual(live.key);
    await reopened.append({ kind: 'reconciled', flowId: 'open-1', at: 7, verdict: 'not_found' });
    await reopened.close();
    const third = await openIndexedDbJournal(options);
    expect((await third.openFlows()).map((f) => f.flowId)).toEqual(['open-2']);
    await third.close();
  });

  it('groups appends issued together into one transaction', async () => {
    const indexedDB = freshFactory();
    const journal = await openIndexedDbJournal({ indexedDB, locks: new FakeLockManager() });
    const db = (journal as unknown as { db: IDBDatabase }).db;
    const transaction = db.transaction.bind(db);
    let writes = 0;
    db.transaction = ((
      stores: string | string[],
      mode?: IDBTransactionMode,
      options?: IDBTransactionOptions,
    ) => {
      if (mode === 'readwrite') writes += 1;
      return transaction(stores, mode, options);
    }) as typeof db.transaction;
    await Promise.all(Array.from({ length: 100 }, (_, i) => journal.append(sent(`f${i}`))));
    expect(writes).toBeLessThanOrEqual(2);
    expect((await journal.openFlows()).length).toBe(100);
    await journal.close();
  });

  it('rejects a batch with a typed quota error, writes none of it, and keeps going once space is back', async () => {
    const indexedDB = freshFactory();
    const journal = await openIndexedDbJournal({ indexedDB, locks: null });
    await journal.append(sent('kept'));
    const db = (journal as unknown as { db: IDBDatabase }).db;
    const transaction = db.transaction.bind(db);
    let full = true;
    db.transaction = ((
      stores: string | string[],
      mode?: IDBTransactionMode,
      options?: IDBTransactionOptions,
    ) => {
      const tx = transaction(stores, mode, options);
      if (full && mode === 'readwrite') {
        const store = tx.objectStore('log');
        const put = store.put.bind(store);
        store.put = (value: unknown, key?: IDBValidKey) => {
          // What a browser does when the origin is out of space: the write's transaction aborts.
          const request = put(value, key);
          request.addEventListener('success', () => {
            Object.defineProperty(tx, 'error', { value: new DOMException('full', 'QuotaExceededError') });
            tx.abort();
          });
          return request;
        };
      }
      return tx;
    }) as typeof db.transaction;

    const results = await Promise.allSettled([journal.append(sent('a')), journal.append(sent('b'))]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(IndexedDbJournalError);
      expect(reason).toBeInstanceOf(JournalError);
      expect(reason).toMatchObject({ code: 'write_failed', reason: 'quota_exceeded' });
    }
    expect((await journal.openFlows()).map((f) => f.flowId)).toEqual(['kept']);
    full = false;
    await journal.append(sent('after'));
    await journal.close();
    const reopened = await openIndexedDbJournal({ indexedDB, locks: null });
    expect((await reopened.openFlows()).map((f) => f.flowId)).toEqual(['kept', 'after']);
    await reopened.close();
  });

  it('fails with a typed error when IndexedDB is missing or refuses to open; never falls back to memory', async () => {
    const original = (globalThis as { indexedDB?: unknown }).indexedDB;
    expect(original).toBeUndefined();
    await expect(openIndexedDbJournal({ locks: null })).rejects.toMatchObject({
      name: 'JournalError',
      code: 'read_failed',
      reason: 'unsupported',
    });
    const refusing = {
      open() {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      },
    } as unknown as IDBFactory;
    const error = await openIndexedDbJournal({ indexedDB: refusing, locks: null }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'read_failed', reason: 'open_failed' });
    expect((error as Error).cause).toMatchObject({ name: 'SecurityError' });
  });

  it('stops with connection_lost when another tab upgrades or deletes the database', async () => {
    const indexedDB = freshFactory();
    const journal = await openIndexedDbJournal({ indexedDB, locks: new FakeLockManager() });
    await journal.append(sent('1'));
    const deleted = new Promise((resolve) => {
      indexedDB.deleteDatabase(NAME).onsuccess = resolve;
    });
    await deleted;
    await expect(journal.append(sent('2'))).rejects.toMatchObject({
      code: 'write_failed',
      reason: 'connection_lost',
    });
    await journal.close();
  });

  it('rejects bad options with JournalError("invalid")', async () => {
    const indexedDB = freshFactory();
    for (const bad of [
      { keepFlows: 0 },
      { compactAfterRecords: 1.5 },
      { waitForLockMs: -1 },
      { durability: 'sometimes' },
      { name: '' },
    ]) {
      await expect(
        openIndexedDbJournal({ indexedDB, locks: null, ...(bad as object) }),
      ).rejects.toMatchObject({
        code: 'invalid',
      });
    }
    const journal = await openIndexedDbJournal({ indexedDB, locks: null, maxRecordBytes: 300 });
    const big = { ...sent('big'), resource: { blob: 'x'.repeat(400) } } as JournalRecord;
    await expect(journal.append(big)).rejects.toMatchObject({ code: 'invalid' });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(journal.append({ ...sent('c'), resource: cyclic } as JournalRecord)).rejects.toMatchObject({
      code: 'invalid',
    });
    await journal.append(sent('ok'));
    await journal.close();
  });
});

describe('IndexedDbJournal: one writer across tabs', () => {
  for (const lock of ['web-locks', 'lease'] as const) {
    it(`${lock}: a second opener waits up to waitForLockMs, and gets the journal once the first closes`, async () => {
      const indexedDB = freshFactory();
      const locks = lock === 'lease' ? null : new FakeLockManager();
      const first = await openIndexedDbJournal({ indexedDB, locks });
      expect(first.lockKind).toBe(lock);
      await expect(openIndexedDbJournal({ indexedDB, locks, waitForLockMs: 50 })).rejects.toMatchObject({
        name: 'JournalError',
        code: 'locked',
      });
      const waiting = openIndexedDbJournal({ indexedDB, locks, waitForLockMs: 5_000 });
      await first.append(sent('from-first'));
      await first.close();
      const second = await waiting;
      expect((await second.openFlows()).map((f) => f.flowId)).toEqual(['from-first']);
      await second.close();
    });
  }

  it('lease: the lease of a page that is gone (no answer over BroadcastChannel) is taken over at once', async () => {
    const indexedDB = freshFactory();
    const first = await openIndexedDbJournal({ indexedDB, locks: null });
    await first.append(sent('before'));
    await first.close();
    // A page that died holding the lease: its record is there, valid for an hour, and no one answers for it.
    await withRawDb(
      indexedDB,
      NAME,
      'readwrite',
      (store) => store.put({ owner: 'ghost', expires: Date.now() + 3_600_000 }, 'lease'),
      'meta',
    );
    const next = await openIndexedDbJournal({ indexedDB, locks: null, waitForLockMs: 0 });
    expect(next.diagnostics.map((d) => [d.kind, d.error.message])).toEqual([
      ['stale_lease', expect.stringContaining('ghost')],
    ]);
    expect((await next.openFlows()).map((f) => f.flowId)).toEqual(['before']);
    // A live owner answers, so its lease is respected.
    await expect(openIndexedDbJournal({ indexedDB, locks: null, waitForLockMs: 0 })).rejects.toMatchObject({
      code: 'locked',
    });
    await next.close();
  });

  it('lease: an expired lease is taken over, and the old owner can no longer write (fenced)', async () => {
    const indexedDB = freshFactory();
    let now = 1_000_000;
    const clock = () => now;
    const old = await openIndexedDbJournal({ indexedDB, locks: null, leaseMs: 60_000, now: clock });
    await old.append(sent('old'));
    // The old tab is frozen (no renewal) and its lease runs out.
    now += 61_000;
    const fresh = await openIndexedDbJournal({ indexedDB, locks: null, leaseMs: 60_000, now: clock });
    expect(fresh.diagnostics.map((d) => d.kind)).toEqual(['stale_lease']);
    await expect(old.append(sent('stale-write'))).rejects.toMatchObject({
      code: 'locked',
      reason: 'lease_lost',
    });
    await expect(old.append(sent('later'))).rejects.toMatchObject({ code: 'locked' });
    await fresh.append(sent('new'));
    await old.close();
    await fresh.close();
    const check = await openIndexedDbJournal({ indexedDB, locks: null });
    expect((await check.openFlows()).map((f) => f.flowId)).toEqual(['old', 'new']);
    await check.close();
  });
});
