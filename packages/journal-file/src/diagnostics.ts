import type { JournalError } from '@bluechip-ws/core';

/**
 * Something found while opening (or running) a journal that did not stop it. `corrupt_record`: a damaged
 * frame before the end, skipped. `torn_tail`: the end of the newest segment held a partial or damaged frame
 * (a write cut short by a crash); it was ignored and truncated away. `invalid_entry`: a frame intact on disk
 * whose content is not a known entry (a newer format, say), skipped and left in place. `stale_lock`: the lock
 * of a dead process was taken over. `cleanup_failed`: an obsolete file could not be removed.
 */
export interface JournalDiagnostic {
  readonly kind: 'corrupt_record' | 'torn_tail' | 'invalid_entry' | 'stale_lock' | 'cleanup_failed';
  /** File name inside the journal directory. */
  readonly file: string;
  readonly offset: number;
  readonly length: number;
  readonly error: JournalError;
}
