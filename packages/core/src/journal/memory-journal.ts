import { FlowIndex, type FlowIndexOptions } from './flow-index.js';
import { isJournalRecord } from './guards.js';
import { type FlowSummary, type Journal, JournalError, type JournalRecord } from './types.js';

export type MemoryJournalOptions = FlowIndexOptions;

/**
 * A journal that lives as long as the process: for tests, for browsers until a durable store exists, and for
 * callers that accept losing outcomes on a crash. `append` is synchronous, so the session pays no microtask.
 */
export class MemoryJournal implements Journal {
  private readonly index: FlowIndex;
  private closed = false;

  constructor(options: MemoryJournalOptions = {}) {
    this.index = new FlowIndex(options);
  }

  /** Number of flows currently kept. */
  get size(): number {
    return this.index.size;
  }

  append(record: JournalRecord): void {
    if (this.closed) throw new JournalError('closed', 'append after the journal was closed');
    if (!isJournalRecord(record))
      throw new JournalError('invalid', 'not a journal record', { cause: record });
    this.index.admit(record);
    this.index.apply(record);
  }

  has(flowId: string): boolean {
    return this.index.has(flowId);
  }

  async openFlows(): Promise<readonly FlowSummary[]> {
    return this.index.openFlows();
  }

  async flow(flowId: string): Promise<FlowSummary | undefined> {
    return this.index.get(flowId);
  }

  async byIdempotencyKey(key: string): Promise<FlowSummary | undefined> {
    return this.index.byIdempotencyKey(key);
  }

  /** Later appends throw `JournalError('closed')`; what was recorded stays readable. */
  async close(): Promise<void> {
    this.closed = true;
  }
}
