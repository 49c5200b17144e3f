/** The public entry. The CRC-32 of the record frames: `@bluechip-ws/journal-file/internal`. */

export type { JournalDiagnostic } from './diagnostics.js';
export { FileJournal, openFileJournal } from './file-journal.js';
export type { Durability, FileJournalOptions } from './options.js';
