import { describe, expect, it } from 'vitest';
import { FAILURE_CASES } from '../../../test-support/failure-cases.js';
import { readReport } from '../src/internal.js';

describe("certify reads a POS's error code by the client's failure classifier", () => {
  it.each(FAILURE_CASES)('$name: $kind ($code)', ({ kind, code }) => {
    // No exit code to go by: only the report's error.code says whether it was busy.
    const stdout = JSON.stringify({ flow_id: 'f-1', outcome: 'error', error: { code, message: 'x' } });
    expect(readReport(null, stdout).outcome).toBe(kind === 'busy' ? 'busy' : 'error');
  });

  it('a queue timeout is busy, and a code that merely contains "busy" is not', () => {
    const report = (code: string) =>
      readReport(1, JSON.stringify({ outcome: 'error', error: { code } })).outcome;
    expect(report('queue_timeout')).toBe('busy');
    expect(report('not_busy_at_all')).toBe('error');
  });
});
