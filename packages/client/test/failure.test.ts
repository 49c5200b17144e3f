import { describe, expect, it } from 'vitest';
import { FAILURE_CASES, flowError } from '../../../test-support/failure-cases.js';
import { classifyFailure, classifyOutcome, failureOfCode } from '../src/index.js';

describe('the failure classifier', () => {
  it.each(FAILURE_CASES)('$name: $kind ($code)', ({ error, kind, code, outcomeUnknown }) => {
    const c = classifyFailure(error());
    expect({ kind: c.kind, code: c.code, outcomeUnknown: c.outcomeUnknown }).toEqual({
      kind,
      code,
      outcomeUnknown,
    });
    expect(c.next.length).toBeGreaterThan(10);
    if (kind !== 'internal') expect(failureOfCode(code)?.kind).toBe(kind);
  });

  it('gives every outcome-unknown failure the one safe next step: same key, or outcome.get / reconcile', () => {
    for (const code of ['link_closed', 'response_timeout', 'event_timeout', 'flow_timeout'] as const) {
      const { next } = classifyFailure(flowError(code, true));
      expect(next).toMatch(/same idempotencyKey/);
      expect(next).toMatch(/outcome\.get \/ reconcile/);
    }
  });

  it('puts outcome unknown first, whatever the code', () => {
    expect(classifyFailure(flowError('bad_response', true))).toMatchObject({
      kind: 'unknown',
      outcomeUnknown: true,
    });
    expect(classifyFailure(flowError('session_closed', true)).kind).toBe('unknown');
    expect(classifyFailure(flowError('session_closed', false)).kind).toBe('closed');
  });

  it('classifies final answers by their kind', () => {
    expect(classifyOutcome({ kind: 'approved' })).toMatchObject({ kind: 'approved', outcomeUnknown: false });
    expect(classifyOutcome({ kind: 'declined' }).next).toMatch(/another card/);
  });

  it('knows the codes by own entries only', () => {
    expect(failureOfCode('constructor')).toBeUndefined();
    expect(failureOfCode('toString')).toBeUndefined();
  });
});
