import { describeJournalConformance } from '../../../test-support/journal-conformance-vitest.js';
import { openIndexedDbJournal } from '../src/index.js';
import { FakeLockManager, freshFactory } from './support.js';

for (const lock of ['web-locks', 'lease'] as const) {
  describeJournalConformance({
    name: `IndexedDbJournal (fake-indexeddb, ${lock})`,
    durable: true,
    exclusive: true,
    async fresh() {
      const indexedDB = freshFactory();
      const locks = lock === 'lease' ? null : new FakeLockManager();
      return {
        open: (options) =>
          openIndexedDbJournal({
            indexedDB,
            locks,
            durability: 'relaxed',
            ...(options?.keepFlows === undefined ? {} : { keepFlows: options.keepFlows }),
          }),
      };
    },
  });
}
