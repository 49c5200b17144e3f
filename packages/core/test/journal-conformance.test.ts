import { describeJournalConformance } from '../../../test-support/journal-conformance-vitest.js';
import { MemoryJournal } from '../src/index.js';

describeJournalConformance({
  name: 'MemoryJournal',
  durable: false,
  exclusive: false,
  async fresh() {
    return {
      async open(options) {
        return new MemoryJournal(options?.keepFlows === undefined ? {} : { maxFlows: options.keepFlows });
      },
    };
  },
});
