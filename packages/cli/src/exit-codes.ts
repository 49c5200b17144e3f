/** The CLI's exit codes: a POS script branches on these (docs/client.md, `bluechip help`). */
export const EXIT = {
  /** Approved, or completed (info, reports, settlement). */
  ok: 0,
  /** Usage error (nothing sent), refusal, error event, unreachable terminal, anything else. */
  error: 1,
  /** Declined by host or card, or refused by the terminal: no record for that reference (not_found). */
  declined: 2,
  /** Cancelled by the customer, or timed out waiting for the customer's input. */
  cancelled: 3,
  /** No final result: the request may have gone through. Run `bluechip recall`. */
  unknown: 4,
  /** Busy: the terminal runs another flow or serves another client, or the queue is full or timed out. Nothing ran. */
  busy: 5,
  /** Approved for less (or more) than requested: the POS collects the difference another way. */
  partial: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
