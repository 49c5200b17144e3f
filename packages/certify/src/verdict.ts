/** What a scenario's result is called in every report: one source for the table, JUnit and HTML. */
export type Verdict = 'pass' | 'pass with warnings' | 'FAIL';

export function verdictOf(result: {
  readonly passed: boolean;
  readonly warnings: readonly string[];
}): Verdict {
  if (!result.passed) return 'FAIL';
  return result.warnings.length > 0 ? 'pass with warnings' : 'pass';
}
