import { IDBFactory } from 'fake-indexeddb';
import type { LockManagerLike } from '../src/index.js';

/** A fresh in-memory IndexedDB (fake-indexeddb) per call: tests never share a database. */
export const freshFactory = (): IDBFactory => new IDBFactory();

/**
 * The Web Locks behaviour the journal relies on, for Node (which has no `navigator.locks` before v22):
 * exclusive locks by name, `ifAvailable`, and waiting that an `AbortSignal` cancels.
 */
export class FakeLockManager implements LockManagerLike {
  private readonly held = new Set<string>();
  private readonly waiters = new Map<string, (() => void)[]>();

  async request(
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<void> | void,
  ): Promise<unknown> {
    if (this.held.has(name)) {
      if (options.ifAvailable === true) return callback(null);
      await new Promise<void>((resolve, reject) => {
        const queue = this.waiters.get(name) ?? [];
        this.waiters.set(name, queue);
        const onAbort = (): void => {
          queue.splice(queue.indexOf(grant), 1);
          reject(options.signal?.reason ?? new DOMException('aborted', 'AbortError'));
        };
        const grant = (): void => {
          options.signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        queue.push(grant);
        options.signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    this.held.add(name);
    try {
      return await callback({ name, mode: 'exclusive' });
    } finally {
      this.held.delete(name);
      this.waiters.get(name)?.shift()?.();
    }
  }
}

/** Runs `action` on the journal's database through a raw connection (the journal must be closed). */
export async function withRawDb<T>(
  factory: IDBFactory,
  name: string,
  mode: IDBTransactionMode,
  action: (store: IDBObjectStore) => IDBRequest<T> | undefined,
  storeName = 'log',
): Promise<T | undefined> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = factory.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction(storeName, mode);
      const request = action(tx.objectStore(storeName));
      tx.oncomplete = () => resolve(request?.result);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export const rawKeys = (factory: IDBFactory, name: string): Promise<IDBValidKey[] | undefined> =>
  withRawDb(factory, name, 'readonly', (store) => store.getAllKeys());
