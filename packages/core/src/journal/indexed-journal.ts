import type { FlowIndex } from './flow-index.js';
import { isJournalRecord } from './guards.js';
import { type FlowSummary, type Journal, JournalError, type JournalRecord } from './types.js';

/**
 * What every journal shares: reads served from its in-memory `FlowIndex`, and the checks an append passes
 * before it is stored (a well-formed record, no second request for a kept flow id, a size bound). Each
 * journal adds only its storage: `append` and `close`.
 */
export abstract class IndexedJournal implements Journal {
  protected constructor(protected readonly index: FlowIndex) {}

  abstract append(record: JournalRecord): void | Promise<void>;
  abstract close(): Promise<void>;

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

  /** Throws `JournalError` (`invalid`, `flow_exists`) for a record this journal must not take. */
  protected accept(record: JournalRecord): void {
    if (!isJournalRecord(record))
      throw new JournalError('invalid', 'not a journal record', { cause: record });
    this.index.admit(record);
  }

  /** Accepts a record and encodes it for storage, refusing one with no JSON form or over `maxBytes`. */
  protected prepare<T>(
    record: JournalRecord,
    encode: (record: JournalRecord) => { readonly value: T; readonly bytes: number },
    maxBytes: number,
  ): T {
    this.accept(record);
    let encoded: { readonly value: T; readonly bytes: number };
    try {
      encoded = encode(record);
    } catch (error) {
      throw new JournalError('invalid', 'record has no JSON form', { cause: error });
    }
    if (encoded.bytes > maxBytes) {
      throw new JournalError('invalid', `record of ${encoded.bytes} bytes exceeds ${maxBytes}`);
    }
    return encoded.value;
  }
}
