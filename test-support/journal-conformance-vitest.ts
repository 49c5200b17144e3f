import { describe, it } from 'vitest';
import { type JournalHarness, journalConformance } from './journal-conformance.js';

/** Registers the shared journal cases (`journal-conformance.ts`) as vitest tests for one journal. */
export function describeJournalConformance(harness: JournalHarness): void {
  describe(`Journal conformance: ${harness.name}`, () => {
    for (const c of journalConformance) {
      it.skipIf(c.applies !== undefined && !c.applies(harness))(c.name, () => c.run(harness));
    }
  });
}
