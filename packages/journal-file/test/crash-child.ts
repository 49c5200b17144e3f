/**
 * Child process for crash.test.ts: appends request_sent records for flows `c<n>` from `start` on, with a few
 * appends in flight at once, and prints "acked <n>" after each append resolved. Stops by itself after
 * `count` records; the parent normally kills it with SIGKILL long before.
 */
import { openFileJournal } from '../src/index.js';

const [dir, startText, countText] = process.argv.slice(2);
const start = Number(startText);
const end = start + Number(countText);
const IN_FLIGHT = 4;

const journal = await openFileJournal(dir!, { durability: 'fdatasync', maxSegmentBytes: 64 * 1024 });
process.stdout.write('ready\n');
let next = start;
async function worker(): Promise<void> {
  while (next < end) {
    const n = next++;
    await journal.append({
      kind: 'request_sent',
      flowId: `c${n}`,
      at: Date.now(),
      endpoint: '/tsi/v1/payment',
      resource: { type: 'sale', amount: n },
    });
    process.stdout.write(`acked ${n}\n`);
  }
}
await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
await journal.close();
