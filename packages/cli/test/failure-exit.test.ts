import { describe, expect, it } from 'vitest';
import { FAILURE_CASES, flowError } from '../../../test-support/failure-cases.js';
import { EXIT } from '../src/exit-codes.js';
import { reportError } from '../src/outcome-report.js';

/** The exit code of each kind of the client's classifier (`bluechip help`). */
const EXPECTED: Readonly<Record<string, number>> = {
  busy: EXIT.busy,
  unknown: EXIT.unknown,
  pending: EXIT.unknown,
  unreachable: EXIT.error,
  refused: EXIT.error,
  invalid: EXIT.error,
  aborted: EXIT.error,
  journal: EXIT.error,
  protocol: EXIT.error,
  internal: EXIT.error,
};

describe("the CLI's exit codes, by the client's classifier", () => {
  it.each(FAILURE_CASES)('$name: $kind ($code)', ({ error, kind, code }) => {
    const report = reportError(error(), { terminal: 'ws://127.0.0.1:50000' });
    expect(report.exitCode).toBe(EXPECTED[kind]);
    expect(report.error?.code).toBe(code);
    expect(report.outcome).toBe(report.exitCode === EXIT.unknown ? 'unknown' : 'error');
  });

  it('a 409 handshake and a queue timeout are busy (exit 5), as in the bridge', () => {
    const queue = reportError(flowError('queue_timeout', false), 'ws://127.0.0.1:50000');
    expect(queue.exitCode).toBe(EXIT.busy);
  });

  it('an outcome-unknown error says what to run next', () => {
    const report = reportError(flowError('link_closed', true), { terminal: 'ws://t', journal: '/j' });
    expect(report.exitCode).toBe(EXIT.unknown);
    expect(report.message).toMatch(/bluechip reconcile --journal \/j/);
  });
});
