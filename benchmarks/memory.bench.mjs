// Memory: heap per open flow at 100k open flows, and heap retained after 1M completed flows (both after a
// full GC). Run with --expose-gc (run.mjs does).
import { MemoryJournal, Session } from '@bluechip-ws/core';
import { responseFrame, SALE_REQUEST, saleEvent } from './lib/frames.mjs';
import { printTable, QUICK, report } from './lib/measure.mjs';
import { nullJournal } from './lib/null-journal.mjs';
import { openSession } from './lib/open-flows.mjs';
import { SyncTransport } from './lib/sync-link.mjs';

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

const OPEN_FLOWS = QUICK ? 10_000 : 100_000;
const CHECKPOINTS = QUICK ? [20_000, 50_000, 100_000] : [50_000, 200_000, 500_000, 1_000_000];
/** The 1M-flow run stops here even if unfinished (it reports how far it got). */
const CAP_MS = QUICK ? 20_000 : 150_000;

function heap() {
  for (let i = 0; i < 3; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
}

function perOpenFlow(journal) {
  const before = heap();
  const open = openSession(OPEN_FLOWS, journal === undefined ? {} : { journal });
  const after = heap();
  const bytes = (after - before) / OPEN_FLOWS;
  if (open.session.openFlows !== OPEN_FLOWS) throw new Error('flows ended early');
  open.close();
  return bytes;
}

const openRows = [
  { journal: 'MemoryJournal (default)', bytesPerFlow: perOpenFlow(undefined) },
  { journal: 'none (session only)', bytesPerFlow: perOpenFlow(nullJournal) },
];
for (const r of openRows)
  console.log(`  ${OPEN_FLOWS} open flows, ${r.journal}: ${r.bytesPerFlow.toFixed(0)} B/flow`);

/** Whole flows one at a time over the synchronous link, with the session's default bounds. */
function completedFlows() {
  const transport = new SyncTransport();
  const journal = new MemoryJournal();
  const session = new Session(transport, { journal });
  const quiet = { next() {}, error() {}, complete() {} };
  // Warm up and fill the bounded windows a little, so the baseline is not an empty session.
  const run = (from, to) => {
    for (let i = from; i < to; i++) {
      const id = String(10_000_000 + i);
      session.flow('payment', SALE_REQUEST, { flowId: id }).subscribe(quiet);
      const link = transport.link();
      link.push(responseFrame(id));
      link.push(saleEvent(id));
    }
  };
  run(0, 1000);
  const baseline = heap();
  const points = [];
  const started = performance.now();
  let done = 1000;
  for (const target of CHECKPOINTS) {
    while (done < target + 1000 && performance.now() - started < CAP_MS) {
      const step = Math.min(10_000, target + 1000 - done);
      run(done, done + step);
      done += step;
    }
    const heapDelta = heap() - baseline;
    points.push({ flows: done - 1000, heapDelta, journalFlows: journal.size });
    console.log(`  after ${done - 1000} completed flows: heap +${(heapDelta / 1e6).toFixed(2)} MB`);
    if (performance.now() - started >= CAP_MS) break;
  }
  const elapsedMs = performance.now() - started;
  if (session.openFlows !== 0) throw new Error(`${session.openFlows} flows left open`);
  session.close();
  return { baseline, points, elapsedMs, flowsPerSecond: ((done - 1000) * 1000) / elapsedMs };
}

const completed = completedFlows();
const mb = (b) => `${(b / 1e6).toFixed(2)} MB`;
printTable(`Heap per open flow (${OPEN_FLOWS} open flows, after GC)`, [
  ['journal', 'bytes per open flow'],
  ...openRows.map((r) => [r.journal, r.bytesPerFlow.toFixed(0)]),
]);
printTable('Heap retained after completed flows (after GC, against the heap after 1000 warm-up flows)', [
  ['completed flows', 'heap delta', 'journal flows kept'],
  ...completed.points.map((p) => [p.flows, mb(p.heapDelta), p.journalFlows]),
]);
await report({
  suite: 'memory',
  openFlows: OPEN_FLOWS,
  openRows,
  completed,
  capMs: CAP_MS,
});
