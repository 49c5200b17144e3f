import { JournalError } from '@bluechip-ws/core';

/**
 * Something found while opening (or running) a journal that did not stop it. `corrupt_record`: a damaged
 * frame before the end, skipped. `torn_tail`: the end of the newest segment held a partial or damaged frame
 * (a write cut short by a crash); it was ignored and truncated away. `invalid_entry`: a frame intact on disk
 * whose content is not a known entry (a newer format, say), skipped and left in place. `stale_lock`: the lock
 * of a dead process was taken over. `cleanup_failed`: an obsolete file could not be removed. `truncated`:
 * more diagnostics were found than are kept.
 */
export interface JournalDiagnostic {
  readonly kind:
    | 'corrupt_record'
    | 'torn_tail'
    | 'invalid_entry'
    | 'stale_lock'
    | 'cleanup_failed'
    | 'truncated';
  /** File name inside the journal directory. */
  readonly file: string;
  readonly offset: number;
  readonly length: number;
  readonly error: JournalError;
}

/** Most diagnostics kept: a badly damaged file could otherwise yield one per line. */
export const MAX_DIAGNOSTICS = 1_000;

/** A bounded list of diagnostics; past the bound only a count is kept, reported by one last entry. */
export class DiagnosticList {
  private readonly kept: JournalDiagnostic[] = [];
  private dropped = 0;

  add(diagnostic: JournalDiagnostic): void {
    if (this.kept.length < MAX_DIAGNOSTICS) this.kept.push(diagnostic);
    else this.dropped += 1;
  }

  list(): readonly JournalDiagnostic[] {
    if (this.dropped === 0) return this.kept;
    const error = new JournalError('corrupt', `${this.dropped} more diagnostics were not kept`);
    return [...this.kept, { kind: 'truncated', file: '', offset: 0, length: 0, error }];
  }
}
