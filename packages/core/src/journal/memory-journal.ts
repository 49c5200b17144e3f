import { FlowIndex, type FlowIndexOptions } from './flow-index.js';
import { IndexedJournal } from './indexed-journal.js';
import { APPEND_BUILT, type BuiltRecordAppend, JournalError, type JournalRecord } from './types.js';

export type MemoryJournalOptions = FlowIndexOptions;

/**
 * A journal that lives as long as the process: for tests, for browsers until a durable store exists, and for
 * callers that accept losing outcomes on a crash. `append` is synchronous, so the session pays no microtask.
 */
export class MemoryJournal extends IndexedJournal implements BuiltRecordAppend {
  private closed = false;

  constructor(options: MemoryJournalOptions = {}) {
    super(new FlowIndex(options));
  }

  /** Number of flows currently kept. */
  get size(): number {
    return this.index.size;
  }

  append(record: JournalRecord): void {
    if (this.closed) throw new JournalError('closed', 'append after the journal was closed');
    this.accept(record);
    this.index.apply(record);
  }

  /** `append` for a record the session built: not walked by `isJournalRecord` (see `APPEND_BUILT`). */
  [APPEND_BUILT](record: JournalRecord): void | Promise<void> {
    // A subclass or an instance that replaced `append` (to wrap, delay or instrument it) gets every record
    // through its own `append`.
    if (this.append !== MemoryJournal.prototype.append) return this.append(record);
    if (this.closed) throw new JournalError('closed', 'append after the journal was closed');
    this.index.admit(record);
    this.index.apply(record);
  }

  /** Later appends throw `JournalError('closed')`; what was recorded stays readable. */
  async close(): Promise<void> {
    this.closed = true;
  }
}
