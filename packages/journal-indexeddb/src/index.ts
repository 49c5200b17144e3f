export type { IndexedDbDiagnostic } from './diagnostics.js';
export { type IndexedDbFailure, IndexedDbJournalError } from './errors.js';
export { IndexedDbJournal, openIndexedDbJournal, type TabLockKind } from './idb-journal.js';
export type { IdbDurability, IndexedDbJournalOptions } from './options.js';
export type { LockManagerLike } from './tab-lock.js';
