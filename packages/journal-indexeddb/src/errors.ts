import { JournalError, type JournalErrorCode } from '@bluechip-ws/core';

/**
 * Why IndexedDB could not be used. `unsupported`: no `indexedDB` in this context (an old browser, a worker
 * without it, Node without a polyfill). `open_failed`: the browser refused to open the database (private
 * mode in some browsers, storage disabled by policy, a corrupt profile). `blocked`: another tab holds an
 * older version of the database open and would not let go. `quota_exceeded`: the origin's storage is
 * full. `transaction_failed`: a write or read transaction aborted for another reason. `connection_lost`:
 * the browser closed the database (site data cleared, the database deleted or upgraded from another tab).
 * `lease_lost`: without Web Locks, another tab took the journal over after this one stopped renewing it.
 */
export type IndexedDbFailure =
  | 'unsupported'
  | 'open_failed'
  | 'blocked'
  | 'quota_exceeded'
  | 'transaction_failed'
  | 'connection_lost'
  | 'lease_lost';

/** A `JournalError` that also says what IndexedDB did; `code` keeps the meaning it has for every journal. */
export class IndexedDbJournalError extends JournalError {
  constructor(
    code: JournalErrorCode,
    readonly reason: IndexedDbFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** The DOMException name IndexedDB uses when the origin is out of space. */
export function isQuotaError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    ((error as { name?: unknown }).name === 'QuotaExceededError' ||
      // Older Firefox reported quota as a generic error with this code.
      (error as { code?: unknown }).code === 22)
  );
}

/** The typed error for a failed write transaction: quota, or anything else. */
export function writeError(cause: unknown, what: string): IndexedDbJournalError {
  return isQuotaError(cause)
    ? new IndexedDbJournalError('write_failed', 'quota_exceeded', `${what}: storage quota exceeded`, {
        cause,
      })
    : new IndexedDbJournalError('write_failed', 'transaction_failed', `${what}: transaction failed`, {
        cause,
      });
}
