// Child process of recovery-crash.test.ts: sells orders `order-<start>`… one after the other to the
// terminal at argv[2] with a FileJournal in argv[3], printing "started <flowId> <key>" and
// "outcome <flowId> <kind> <ref>" lines. The parent kills it with SIGKILL in the middle of a flow. It
// imports the built packages (dist/), as a POS application would; stops by itself after `count` orders.

import { openFileJournal } from '../../journal-file/dist/index.js';
import { connect } from '../dist/index.js';

const [url, dir, startText, countText] = process.argv.slice(2);
const start = Number(startText);
const count = Number(countText);

const journal = await openFileJournal(dir, { durability: 'fdatasync' });
const terminal = connect({ url, journal, reconnect: false });
process.stdout.write('ready\n');

for (let i = start; i < start + count; i++) {
  const key = `order-${i}`;
  const amount = 1_000 + i * 10;
  await new Promise((resolve) => {
    terminal.sale$({ amount }, { idempotencyKey: key }).subscribe({
      next: (progress) => {
        if (progress.type === 'started') process.stdout.write(`started ${progress.flowId} ${key}\n`);
        if (progress.type === 'final') {
          const ref = progress.outcome.result?.referenceNo ?? '-';
          process.stdout.write(`outcome ${progress.flowId} ${progress.outcome.kind} ${ref}\n`);
        }
      },
      error: (error) => {
        process.stdout.write(`error ${key} ${error.code ?? error.name}\n`);
        resolve();
      },
      complete: resolve,
    });
  });
}
terminal.close();
await journal.close();
process.stdout.write('done\n');
