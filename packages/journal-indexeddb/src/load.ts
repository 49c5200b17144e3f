import { JournalError } from '@bluechip-ws/core';
import { FlowIndex } from '@bluechip-ws/core/internal';
import type { DiagnosticList } from './diagnostics.js';
import { decodeEntry } from './entry.js';
import { IndexedDbJournalError } from './errors.js';
import { LOG_STORE, requestResult, transactionDone } from './idb.js';
import type { ResolvedOptions } from './options.js';

export interface Loaded {
  readonly index: FlowIndex;
  /** Key the next entry gets. */
  readonly nextSeq: number;
  /** Entries in the log store (good or not). */
  readonly entries: number;
  /** Record entries (not snapshots) in the log: what compaction would fold away. */
  readonly records: number;
}

/**
 * Rebuilds the in-memory index from the log, in key order (and each batch in order), with core's reducer: records are folded,
 * snapshots (from compaction) replace their flow. A value whose checksum or shape fails is skipped and
 * reported; so is an intact one that is not a known entry. One readonly transaction, so the view is
 * consistent.
 */
export async function load(
  db: IDBDatabase,
  options: ResolvedOptions,
  diagnostics: DiagnosticList,
): Promise<Loaded> {
  let keys: IDBValidKey[];
  let values: unknown[];
  try {
    const tx = db.transaction(LOG_STORE, 'readonly');
    const done = transactionDone(tx);
    const store = tx.objectStore(LOG_STORE);
    [keys, values] = await Promise.all([requestResult(store.getAllKeys()), requestResult(store.getAll())]);
    await done;
  } catch (error) {
    throw new IndexedDbJournalError('read_failed', 'transaction_failed', 'cannot read the journal', {
      cause: error,
    });
  }
  const index = new FlowIndex({ maxFlows: options.keepFlows, maxEventsPerFlow: options.maxEventsPerFlow });
  let records = 0;
  let entries = 0;
  let lastSeq = 0;
  for (let i = 0; i < values.length; i++) {
    const key = keys[i];
    const seq = typeof key === 'number' ? key : -1;
    if (seq > lastSeq) lastSeq = seq;
    const value = values[i];
    if (!Array.isArray(value)) {
      report(diagnostics, 'corrupt_record', seq, -1, 'not a batch of entries');
      continue;
    }
    entries += value.length;
    for (const [position, item] of value.entries()) {
      const entry = decodeEntry(item);
      switch (entry.kind) {
        case 'record':
          index.apply(entry.record);
          records += 1;
          break;
        case 'snapshot':
          index.restore(entry.flow);
          break;
        case 'corrupt':
          report(diagnostics, 'corrupt_record', seq, position, entry.reason);
          break;
        case 'invalid':
          report(diagnostics, 'invalid_entry', seq, position, entry.reason);
          break;
      }
    }
  }
  return { index, nextSeq: lastSeq + 1, entries, records };
}

function report(
  diagnostics: DiagnosticList,
  kind: 'corrupt_record' | 'invalid_entry',
  seq: number,
  position: number,
  reason: string,
): void {
  const where = position < 0 ? `value ${seq}` : `value ${seq}, entry ${position}`;
  diagnostics.add({
    kind,
    seq,
    position,
    error: new JournalError('corrupt', `${where}: ${reason}; skipped`),
  });
}
