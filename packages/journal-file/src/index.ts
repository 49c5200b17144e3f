export { crc32 } from './crc32.js';
export type { JournalDiagnostic } from './diagnostics.js';
export { FileJournal, openFileJournal } from './file-journal.js';
export type { Durability, FileJournalOptions } from './options.js';
