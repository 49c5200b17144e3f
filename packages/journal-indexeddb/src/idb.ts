import { IndexedDbJournalError } from './errors.js';

/** Store names and schema version of the journal's database. */
export const LOG_STORE = 'log';
export const META_STORE = 'meta';
const SCHEMA_VERSION = 1;

/** Resolves with the request's result once it succeeds; rejects with its error. */
export function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Resolves once the transaction committed (`complete`: with durability 'strict' the data is flushed to disk
 * by then); rejects with the transaction's error (a `QuotaExceededError`, say) or an `AbortError` if it was
 * aborted without one.
 */
export function transactionDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: unknown;
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? failure ?? new DOMException('transaction aborted', 'AbortError'));
    // A failed request: keep its error (the transaction's own `error` is set only by some aborts) and abort
    // the transaction explicitly, so nothing of it commits.
    tx.onerror = (event) => {
      event.preventDefault();
      failure ??= (event.target as IDBRequest | null)?.error ?? tx.error;
      try {
        tx.abort();
      } catch {
        // Already finished aborting.
      }
    };
  });
}

/**
 * Opens (creating or upgrading) the journal's database. A refusal becomes a typed error: `blocked` when
 * another connection holds an older version open, `open_failed` otherwise (private mode, storage disabled).
 */
export function openDatabase(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(name, SCHEMA_VERSION);
    } catch (error) {
      reject(
        new IndexedDbJournalError('read_failed', 'open_failed', `cannot open IndexedDB "${name}"`, {
          cause: error,
        }),
      );
      return;
    }
    let settled = false;
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(LOG_STORE)) db.createObjectStore(LOG_STORE);
      if (!db.objectStoreNames.contains(META_STORE)) db.createObjectStore(META_STORE);
    };
    request.onsuccess = () => {
      // Opened after we gave up on a block: not ours to keep.
      if (settled) request.result.close();
      else resolve(request.result);
      settled = true;
    };
    request.onerror = (event) => {
      event.preventDefault();
      settled = true;
      reject(
        new IndexedDbJournalError('read_failed', 'open_failed', `cannot open IndexedDB "${name}"`, {
          cause: request.error,
        }),
      );
    };
    request.onblocked = () => {
      settled = true;
      reject(
        new IndexedDbJournalError(
          'read_failed',
          'blocked',
          `IndexedDB "${name}" is held open at an older version by another tab; close it and retry`,
        ),
      );
    };
  });
}
