import type { JournalError, JournalRecord } from './types.js';

/** One append waiting for the writer: the record, its stored form, and its caller's promise. */
export interface PendingAppend<S> {
  readonly record: JournalRecord;
  readonly stored: S;
  readonly resolve: () => void;
  readonly reject: (error: JournalError) => void;
}

/** A caller of `compact()` waiting for the compaction. */
export interface CompactionWaiter {
  readonly resolve: () => void;
  readonly reject: (error: JournalError) => void;
}

/** What a durable journal's storage does under the single writer. */
export interface WriteQueueStorage<S> {
  /** True once the journal stopped writing for good: the writer stops looping. */
  stopped(): boolean;
  /**
   * Takes a batch from the front of `queue` (removing it), writes it durably, then applies and resolves it;
   * on failure it rejects the batch (and, if it stops, calls `rejectPending`).
   */
  commit(queue: PendingAppend<S>[]): Promise<void>;
  /** Whether a compaction is due by the storage's own measure (segments, records since the last one). */
  compactionDue(): boolean;
  /** Compacts, then settles `waiters` (possibly none, for a compaction that was only due). */
  compact(waiters: readonly CompactionWaiter[]): Promise<void>;
}

/**
 * The single writer every durable journal runs: appends and compactions in arrival order, one at a time,
 * with group commit (appends that arrive while a write runs go together in the next one). The storage
 * decides how a batch is cut, written and compacted; this owns the queue, the loop and the waiting.
 */
export class WriteQueue<S> {
  private readonly queue: PendingAppend<S>[] = [];
  private compactWaiters: CompactionWaiter[] = [];
  private draining = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly storage: WriteQueueStorage<S>) {}

  /** Resolves once `stored` is durable and its record is in the index. */
  append(record: JournalRecord, stored: S): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, stored, resolve, reject });
      this.kick();
    });
  }

  /** Resolves once a compaction that starts after every append queued so far has finished. */
  compact(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.compactWaiters.push({ resolve, reject });
      this.kick();
    });
  }

  /** Resolves once nothing is being written (at once when idle). */
  idle(): Promise<void> {
    return this.draining ? new Promise((resolve) => this.idleWaiters.push(resolve)) : Promise.resolve();
  }

  /** The journal stopped: every queued append and compaction is rejected with `failure`. */
  rejectPending(failure: JournalError): void {
    for (const pending of this.queue.splice(0)) pending.reject(failure);
    for (const waiter of this.compactWaiters.splice(0)) waiter.reject(failure);
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = true;
    // Start on the next microtask, so appends issued together in one turn share the first write too.
    queueMicrotask(() => void this.drain());
  }

  private async drain(): Promise<void> {
    const storage = this.storage;
    try {
      while (!storage.stopped() && (this.queue.length > 0 || this.compactWaiters.length > 0)) {
        if (this.queue.length > 0) await storage.commit(this.queue);
        if (storage.stopped()) break;
        if (storage.compactionDue() || this.compactWaiters.length > 0) {
          const waiters = this.compactWaiters;
          this.compactWaiters = [];
          await storage.compact(waiters);
        }
      }
    } finally {
      // No await between the loop's last check and here, so an append cannot slip in unseen.
      this.draining = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }
}
