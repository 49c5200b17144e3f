import { describeJournalConformance } from '../../../test-support/journal-conformance-vitest.js';
import { openFileJournal } from '../src/index.js';
import { useTempDirs } from './support.js';

const tempDir = useTempDirs();

describeJournalConformance({
  name: 'FileJournal',
  durable: true,
  exclusive: true,
  async fresh() {
    const dir = await tempDir();
    return {
      open: (options) =>
        openFileJournal(dir, {
          durability: 'none',
          ...(options?.keepFlows === undefined ? {} : { keepFlows: options.keepFlows }),
        }),
    };
  },
});
