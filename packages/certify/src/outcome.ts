import { failureOfCode } from '@bluechip-ws/client';

/** What a POS may report for a sale. `cancelled_or_timed_out` comes from exit code 3 alone, which covers both. */
export type ReportedOutcome =
  | 'approved'
  /** Approved for less than asked (bluechip: outcome `partially_approved`, exit code 6). */
  | 'partially_approved'
  | 'declined'
  | 'cancelled'
  | 'timed_out'
  | 'cancelled_or_timed_out'
  | 'error'
  | 'busy'
  | 'unknown';

/** The outcome a POS reported, and where the kit read it. */
export interface Reported {
  readonly outcome: ReportedOutcome;
  /** Cents the POS says were charged, when it said. */
  readonly amount?: number | undefined;
  /** `exit code 0`, `stdout JSON`, `operator`. */
  readonly source: string;
}

const LABELS: Readonly<Record<string, ReportedOutcome>> = {
  approved: 'approved',
  approval: 'approved',
  partially_approved: 'partially_approved',
  partial: 'partially_approved',
  declined: 'declined',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  timeout: 'timed_out',
  timed_out: 'timed_out',
  error: 'error',
  failed: 'error',
  busy: 'busy',
  unknown: 'unknown',
  not_found: 'unknown',
};

/**
 * The exit codes of `bluechip` (any POS command may follow them): 0 approved, 2 declined, 3 cancelled or
 * timed out, 4 outcome unknown, 5 busy, 6 partially approved, anything else an error.
 */
export function outcomeOfExitCode(code: number | null): ReportedOutcome {
  switch (code) {
    case 0:
      return 'approved';
    case 2:
      return 'declined';
    case 3:
      return 'cancelled_or_timed_out';
    case 4:
      return 'unknown';
    case 5:
      return 'busy';
    case 6:
      return 'partially_approved';
    default:
      return 'error';
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Cents from a JSON number or digit string; undefined for anything else. */
function cents(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d{1,15}$/.test(v)) return Number(v);
  return undefined;
}

/** The last line of stdout that is a JSON object (a POS may log other lines before it). */
export function lastJsonObject(stdout: string): Record<string, unknown> | undefined {
  const whole = stdout.trim();
  const candidates = [whole, ...whole.split('\n').reverse()];
  for (const text of candidates) {
    const t = text.trim();
    if (!t.startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(t);
      if (isObject(value)) return value;
    } catch {
      // not this line
    }
  }
  return undefined;
}

/**
 * Reads a POS command's report. Its stdout JSON, when it has an `outcome` the kit knows, wins over the exit
 * code; `"error"` with exit code 5 or an `error.code` the client's failure classifier calls busy
 * (`busy`, `terminal_busy`, `queue_timeout`) reads as busy (that is how `bluechip` reports it). The amount: `amount` (cents), else `result.total_amount`, else `result.transaction_amount`.
 */
export function readReport(exitCode: number | null, stdout: string): Reported {
  const json = lastJsonObject(stdout);
  const byCode = outcomeOfExitCode(exitCode);
  if (json === undefined) return { outcome: byCode, source: `exit code ${exitCode ?? 'none (killed)'}` };
  const word = typeof json.outcome === 'string' ? json.outcome.toLowerCase() : '';
  // Own properties only: "constructor" is no outcome.
  const label = Object.hasOwn(LABELS, word) ? LABELS[word] : undefined;
  let outcome = label ?? byCode;
  const errorCode = isObject(json.error) && typeof json.error.code === 'string' ? json.error.code : '';
  // Busy by the client's failure classifier: busy, terminal_busy, queue_timeout (the codes bluechip reports).
  if (outcome === 'error' && (exitCode === 5 || failureOfCode(errorCode)?.kind === 'busy')) outcome = 'busy';
  const result = isObject(json.result) ? json.result : undefined;
  const amount = cents(json.amount) ?? cents(result?.total_amount) ?? cents(result?.transaction_amount);
  return {
    outcome,
    amount,
    source:
      label === undefined
        ? `exit code ${exitCode ?? 'none'}`
        : `stdout JSON (exit code ${exitCode ?? 'none'})`,
  };
}

/** True when what was reported is what the scenario expects. */
export function outcomeMatches(reported: ReportedOutcome, expected: ReportedOutcome): boolean {
  if (reported === expected) return true;
  // A POS without a word for a partial approval may say approved, as long as it reports the approved amount.
  if (expected === 'partially_approved' && reported === 'approved') return true;
  return reported === 'cancelled_or_timed_out' && (expected === 'cancelled' || expected === 'timed_out');
}
