import { JournalError, type JournalRecord } from '@bluechip-ws/core';
import {
  type CompactionWaiter,
  type FlowIndex,
  IndexedJournal,
  type PendingAppend,
  WriteQueue,
} from '@bluechip-ws/core/internal';
import { DiagnosticList, type IndexedDbDiagnostic } from './diagnostics.js';
import { encodeEntry, type StoredEntry } from './entry.js';
import { IndexedDbJournalError, writeError } from './errors.js';
import { LOG_STORE, META_STORE, openDatabase, transactionDone } from './idb.js';
import { Lease } from './lease.js';
import { load } from './load.js';
import { type IndexedDbJournalOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { acquireWebLock, defaultLockManager, type HeldLock } from './tab-lock.js';

type State = 'open' | 'closing' | 'closed' | 'failed';

/** Compaction writes its snapshots in values of this many entries (a few hundred KiB). */
const SNAPSHOTS_PER_VALUE = 256;

/** Which single-writer lock the journal holds. */
export type TabLockKind = 'web-locks' | 'lease';

/**
 * Opens (creating if needed) the journal's IndexedDB database, taking the single-writer lock first and then
 * rebuilding the index from the log. Rejects with `JournalError('locked')` while another tab or window owns
 * the journal (after `waitForLockMs`), `'invalid'` for bad options, and an `IndexedDbJournalError` (code
 * `read_failed`, with a `reason`) when the browser gives no usable IndexedDB: never a silent fall back to
 * memory.
 */
export async function openIndexedDbJournal(options: IndexedDbJournalOptions = {}): Promise<IndexedDbJournal> {
  const resolved = resolveOptions(options);
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (factory === undefined || factory === null) {
    throw new IndexedDbJournalError(
      'read_failed',
      'unsupported',
      'IndexedDB is not available here (pass options.indexedDB, or use another journal)',
    );
  }
  const locks = options.locks === undefined ? defaultLockManager() : (options.locks ?? undefined);
  const webLock =
    locks === undefined
      ? undefined
      : await acquireWebLock(locks, `bluechip-ws-journal:${resolved.name}`, resolved.waitForLockMs);
  let db: IDBDatabase | undefined;
  let lease: Lease | undefined;
  try {
    db = await openDatabase(factory, resolved.name);
    const diagnostics = new DiagnosticList();
    if (webLock === undefined) {
      lease = await Lease.acquire(db, resolved.name, {
        leaseMs: resolved.leaseMs,
        probeMs: resolved.leaseProbeMs,
        waitMs: resolved.waitForLockMs,
        now: resolved.now,
      });
      if (lease.tookOverFrom !== undefined) {
        diagnostics.add({
          kind: 'stale_lease',
          seq: -1,
          position: -1,
          error: new JournalError('locked', `took over the expired lease of ${lease.tookOverFrom}`),
        });
      }
    }
    const loaded = await load(db, resolved, diagnostics);
    return new IndexedDbJournal(db, resolved, loaded.index, webLock ?? lease!, diagnostics, loaded);
  } catch (error) {
    await lease?.release().catch(() => undefined);
    db?.close();
    await webLock?.release();
    throw error;
  }
}

/**
 * A durable journal in IndexedDB, for browsers (see docs/recovery.md, "In a browser"). Each write
 * transaction puts one value in the `log` store, keyed by a sequence number: its batch of entries, each the
 * record's JSON text and a CRC-32. `append` resolves once the transaction that wrote it completed
 * (durability 'strict' by default); appends that arrive while a transaction runs go together in the next
 * one. Reads come from an in-memory index folded by core's reducer,
 * as in every journal. One tab at a time owns a journal (Web Locks, or a lease in the database).
 */
export class IndexedDbJournal extends IndexedJournal {
  private state: State = 'open';
  private failure: JournalError | undefined;
  private readonly writes = new WriteQueue<StoredEntry>({
    stopped: () => this.failed,
    commit: (queue) => this.commitBatch(queue),
    compactionDue: () => this.recordsSinceCompaction >= this.options.compactAfterRecords,
    compact: (waiters) => this.compactNow(waiters),
  });
  private closing: Promise<void> | undefined;
  private nextSeq: number;
  private entryCount: number;
  private recordsSinceCompaction: number;

  /** @internal Use `openIndexedDbJournal`. */
  constructor(
    private readonly db: IDBDatabase,
    private readonly options: ResolvedOptions,
    index: FlowIndex,
    private readonly lock: HeldLock | Lease,
    private readonly found: DiagnosticList,
    loaded: { readonly nextSeq: number; readonly entries: number; readonly records: number },
  ) {
    super(index);
    this.nextSeq = loaded.nextSeq;
    this.entryCount = loaded.entries;
    this.recordsSinceCompaction = loaded.records;
    // Another tab upgrading or deleting the database, or the user clearing site data: stop, loudly.
    db.onversionchange = () => {
      db.close();
      this.lose('another tab is upgrading or deleting the journal database');
    };
    db.onclose = () => this.lose('the browser closed the journal database (site data cleared?)');
  }

  /** Database name. */
  get name(): string {
    return this.options.name;
  }

  /** `web-locks`, or `lease` where the context has no Web Locks API. */
  get lockKind(): TabLockKind {
    return this.lock instanceof Lease ? 'lease' : 'web-locks';
  }

  /** What opening (and running) found and worked around. */
  get diagnostics(): readonly IndexedDbDiagnostic[] {
    return this.found.list();
  }

  /** Entries in the log store: records since the last compaction, plus the snapshots it wrote. */
  get entries(): number {
    return this.entryCount;
  }

  append(record: JournalRecord): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.unusable());
    let stored: StoredEntry;
    try {
      stored = this.prepare(
        record,
        (r) => {
          const encoded = encodeEntry({ r });
          return { value: encoded.stored, bytes: encoded.bytes };
        },
        this.options.maxRecordBytes,
      );
    } catch (error) {
      return Promise.reject(error);
    }
    return this.writes.append(record, stored);
  }

  /** Rewrites the log as one snapshot per kept flow, now (it also happens by itself). */
  compact(): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.unusable());
    return this.writes.compact();
  }

  /** Lets pending appends finish, then closes the database and releases the lock. Reads keep working. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    if (this.state === 'open') this.state = 'closing';
    await this.writes.idle();
    this.state = 'closed';
    // A lease lives in the database, so it is given back before closing it; a Web Lock after.
    if (this.lock instanceof Lease) await this.lock.release().catch(() => undefined);
    this.db.onclose = null;
    this.db.close();
    if (!(this.lock instanceof Lease)) await this.lock.release();
  }

  /** A getter, so that checks after an await are not narrowed away by the compiler. */
  private get failed(): boolean {
    return this.state === 'failed';
  }

  private unusable(): JournalError {
    return this.state === 'failed' && this.failure !== undefined
      ? this.failure
      : new JournalError('closed', 'the journal is closed');
  }

  /**
   * Runs `fill` in one readwrite transaction on the log (under a lease, with the meta store, fenced by the
   * lease) and resolves once it committed. A request that throws at once aborts the whole transaction.
   */
  private async write(fill: (store: IDBObjectStore) => void): Promise<void> {
    const lease = this.lock instanceof Lease ? this.lock : undefined;
    const tx = this.db.transaction(lease === undefined ? LOG_STORE : [LOG_STORE, META_STORE], 'readwrite', {
      durability: this.options.durability,
    });
    const done = transactionDone(tx);
    lease?.fence(tx);
    try {
      fill(tx.objectStore(LOG_STORE));
    } catch (error) {
      done.catch(() => undefined);
      try {
        tx.abort();
      } catch {
        // Already aborting.
      }
      throw error;
    }
    await done;
  }

  private async commitBatch(queue: PendingAppend<StoredEntry>[]): Promise<void> {
    const batch = queue.splice(0, this.options.maxBatchRecords);
    let seq = this.nextSeq;
    try {
      await this.write((store) => {
        store.put(
          batch.map((p) => p.stored),
          seq++,
        );
      });
    } catch (error) {
      this.writeFailed(error, 'append', batch);
      return;
    }
    this.nextSeq = seq;
    this.entryCount += batch.length;
    this.recordsSinceCompaction += batch.length;
    for (const pending of batch) {
      this.index.apply(pending.record);
      pending.resolve();
    }
  }

  /**
   * Replaces the whole log with one snapshot per kept flow, in the index's order (so the most recent flow
   * for an idempotency key is restored last), in a single transaction: it commits whole or not at all.
   */
  private async compactNow(waiters: readonly CompactionWaiter[]): Promise<void> {
    let seq = this.nextSeq;
    let count = 0;
    try {
      await this.write((store) => {
        store.clear();
        let chunk: StoredEntry[] = [];
        for (const flow of this.index.values()) {
          chunk.push(encodeEntry({ s: flow }).stored);
          count += 1;
          if (chunk.length === SNAPSHOTS_PER_VALUE) {
            store.put(chunk, seq++);
            chunk = [];
          }
        }
        if (chunk.length > 0) store.put(chunk, seq++);
      });
    } catch (error) {
      const failure = this.writeFailed(error, 'compaction', []);
      // Retried after the next batch rather than on every one while storage is short.
      this.recordsSinceCompaction = Math.floor(this.recordsSinceCompaction / 2);
      for (const waiter of waiters) waiter.reject(failure);
      return;
    }
    this.nextSeq = seq;
    this.entryCount = count;
    this.recordsSinceCompaction = 0;
    for (const waiter of waiters) waiter.resolve();
  }

  /**
   * A failed transaction wrote nothing (IndexedDB commits whole or not at all), so unlike a failed fsync it
   * leaves the journal consistent: the batch is rejected and later appends may succeed (quota freed). A lost
   * lease or a closed database stops the journal for good.
   */
  private writeFailed(
    error: unknown,
    what: string,
    batch: readonly PendingAppend<StoredEntry>[],
  ): JournalError {
    let failure: JournalError;
    if (this.lock instanceof Lease && !this.lock.held) {
      failure = this.lock.lostError();
      this.stop(failure);
    } else if (this.failed) {
      failure = this.unusable();
    } else if (isClosedConnection(error)) {
      failure = new IndexedDbJournalError(
        'write_failed',
        'connection_lost',
        `${what}: the database is closed`,
        {
          cause: error,
        },
      );
      this.stop(failure);
    } else {
      failure = writeError(error, what);
    }
    for (const pending of batch) pending.reject(failure);
    return failure;
  }

  private lose(message: string): void {
    if (this.state === 'closed') return;
    this.stop(new IndexedDbJournalError('write_failed', 'connection_lost', message));
  }

  private stop(failure: JournalError): void {
    if (this.state === 'failed') return;
    this.state = 'failed';
    this.failure = failure;
    this.writes.rejectPending(failure);
  }
}

function isClosedConnection(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'InvalidStateError'
  );
}
