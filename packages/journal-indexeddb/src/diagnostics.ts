import { JournalError } from '@bluechip-ws/core';

/**
 * Something found while opening (or running) the journal that did not stop it. `corrupt_record`: a stored
 * value whose checksum or shape is wrong (damaged, or half-written by a broken implementation), skipped.
 * `invalid_entry`: an intact value whose content is not a known entry (written by a newer version, say),
 * skipped. `stale_lease`: without Web Locks, the lease of a tab that went away (expired, or whose owner
 * did not answer) was taken over.
 * `truncated`: more diagnostics were found than are kept.
 */
export interface IndexedDbDiagnostic {
  readonly kind: 'corrupt_record' | 'invalid_entry' | 'stale_lease' | 'truncated';
  /** Key in the `log` store of the batch concerned, or -1. */
  readonly seq: number;
  /** Position of the entry in that batch, or -1 for the whole value. */
  readonly position: number;
  readonly error: JournalError;
}

export const MAX_DIAGNOSTICS = 1_000;

/** A bounded list of diagnostics; past the bound only a count is kept, reported by one last entry. */
export class DiagnosticList {
  private readonly kept: IndexedDbDiagnostic[] = [];
  private dropped = 0;

  add(diagnostic: IndexedDbDiagnostic): void {
    if (this.kept.length < MAX_DIAGNOSTICS) this.kept.push(diagnostic);
    else this.dropped += 1;
  }

  list(): readonly IndexedDbDiagnostic[] {
    if (this.dropped === 0) return this.kept;
    const error = new JournalError('corrupt', `${this.dropped} more diagnostics were not kept`);
    return [...this.kept, { kind: 'truncated', seq: -1, position: -1, error }];
  }
}
