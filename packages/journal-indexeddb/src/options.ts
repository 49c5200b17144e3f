import { DEFAULT_FOLD_LIMITS, DEFAULT_MAX_FLOWS, JournalError } from '@bluechip-ws/core';
import type { LockManagerLike } from './tab-lock.js';

/** IndexedDB's transaction durability hint: 'strict' waits for the disk flush before `complete`. */
export type IdbDurability = 'strict' | 'default' | 'relaxed';

export interface IndexedDbJournalOptions {
  /** Database name (default `bluechip-ws-journal`): one per terminal when a page drives several. */
  readonly name?: string;
  /** The IndexedDB factory (default `globalThis.indexedDB`); a polyfill such as fake-indexeddb in Node. */
  readonly indexedDB?: IDBFactory;
  /**
   * Durability of every write transaction (default `'strict'`: `append` resolves only after the browser
   * flushed it to disk). `'relaxed'` resolves once written to the OS (a power cut may lose it); for tests
   * and benchmarks. Browsers without the hint treat every value as their default.
   */
  readonly durability?: IdbDurability;
  /**
   * How long `open` waits for another tab to let go of the journal (default 0: fail at once with
   * `JournalError('locked')`). `Infinity` waits for as long as it takes.
   */
  readonly waitForLockMs?: number;
  /**
   * The Web Locks API to use (default `navigator.locks`). `null` forces the lease fallback, which is also
   * used when the context has none (a page on plain `http://` other than localhost).
   */
  readonly locks?: LockManagerLike | null;
  /** Lease length for the fallback lock (default 10 s); renewed every third of it. */
  readonly leaseMs?: number;
  /**
   * Fallback lock: how long the owner of a lease found on open has to answer over BroadcastChannel before
   * it is taken for gone (a reloaded or crashed page) and its lease taken over (default 300 ms).
   */
  readonly leaseProbeMs?: number;
  /** Flows kept in memory and by compaction (default 10_000); open flows are always kept. */
  readonly keepFlows?: number;
  readonly maxEventsPerFlow?: number;
  /** A record whose JSON is larger is refused with `JournalError('invalid')` (default 1 MiB). */
  readonly maxRecordBytes?: number;
  /** Records appended since the last compaction after which the log is compacted (default 10_000). */
  readonly compactAfterRecords?: number;
  /** Most records written by one transaction; later appends wait for the next (default 1_000). */
  readonly maxBatchRecords?: number;
  /** Clock for the lease (default `Date.now`). */
  readonly now?: () => number;
}

export interface ResolvedOptions {
  readonly name: string;
  readonly durability: IdbDurability;
  readonly waitForLockMs: number;
  readonly leaseMs: number;
  readonly leaseProbeMs: number;
  readonly keepFlows: number;
  readonly maxEventsPerFlow: number;
  readonly maxRecordBytes: number;
  readonly compactAfterRecords: number;
  readonly maxBatchRecords: number;
  readonly now: () => number;
}

export const DEFAULT_DATABASE = 'bluechip-ws-journal';

export function resolveOptions(options: IndexedDbJournalOptions): ResolvedOptions {
  const durability = options.durability ?? 'strict';
  if (durability !== 'strict' && durability !== 'default' && durability !== 'relaxed') {
    throw new JournalError(
      'invalid',
      `durability must be 'strict', 'default' or 'relaxed', got ${String(durability)}`,
    );
  }
  const name = options.name ?? DEFAULT_DATABASE;
  if (typeof name !== 'string' || name.length === 0) {
    throw new JournalError('invalid', 'name must be a non-empty string');
  }
  const waitForLockMs = options.waitForLockMs ?? 0;
  if (
    !(
      waitForLockMs === Number.POSITIVE_INFINITY ||
      (Number.isSafeInteger(waitForLockMs) && waitForLockMs >= 0)
    )
  ) {
    throw new JournalError(
      'invalid',
      `waitForLockMs must be a whole number ≥ 0 or Infinity, got ${String(waitForLockMs)}`,
    );
  }
  return {
    name,
    durability,
    waitForLockMs,
    leaseMs: positive('leaseMs', options.leaseMs ?? 10_000),
    leaseProbeMs: positive('leaseProbeMs', options.leaseProbeMs ?? 300),
    keepFlows: positive('keepFlows', options.keepFlows ?? DEFAULT_MAX_FLOWS),
    maxEventsPerFlow: positive(
      'maxEventsPerFlow',
      options.maxEventsPerFlow ?? DEFAULT_FOLD_LIMITS.maxEventsPerFlow,
    ),
    maxRecordBytes: positive('maxRecordBytes', options.maxRecordBytes ?? 1024 * 1024),
    compactAfterRecords: positive('compactAfterRecords', options.compactAfterRecords ?? 10_000),
    maxBatchRecords: positive('maxBatchRecords', options.maxBatchRecords ?? 1_000),
    now: options.now ?? Date.now,
  };
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new JournalError('invalid', `${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
