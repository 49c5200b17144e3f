// Heap under a flood of `proceed` events for flow ids the POS never sent (issue: bounded memory against a
// hostile peer). `node --expose-gc benchmarks/flood-unknown.mjs [--events 200000]` after `tsc -b`.
// A Session over a synchronous in-memory link with a MemoryJournal (default bounds); the baseline is the
// same session after one ordinary flow. Prints heap before and after, and what the session and journal hold.
import { MemoryJournal, Session } from '@bluechip-ws/core';
import { VirtualTimeScheduler } from 'rxjs';
import { SyncTransport } from './lib/sync-link.mjs';

const flag = process.argv.indexOf('--events');
const events = flag > 0 ? Number(process.argv[flag + 1]) : 200_000;
const gc = globalThis.gc ?? (() => undefined);
const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const scheduler = new VirtualTimeScheduler();
const journal = new MemoryJournal();
const transport = new SyncTransport();
const session = new Session(transport, { scheduler, journal, flowIds: () => '100000' });
const push = (kind, flowId, resource) =>
  transport.link().push(JSON.stringify({ [kind]: { flow_id: flowId, resource } }));
let unclaimed = 0;
session.unclaimed$.subscribe(() => unclaimed++);
session.flow('payment', { type: 'sale', amount: 100 }).subscribe({ error: () => undefined });
scheduler.flush();
push('response', '100000', { status: 'started' });
push('event', '100000', { status: 'completed', results: [{ status: 'approved', type: 'sale' }] });
scheduler.flush();

const before = heapMb();
const proceed = {
  status: 'proceed',
  results: [{ status: 'approved', type: 'settlement', note: 'x'.repeat(64) }],
};
for (let i = 0; i < events; i++) push('event', String(200_000 + (i % 799_999)), proceed);
scheduler.flush();
const after = heapMb();
const stats = session.stats();
const open = (await journal.openFlows()).length;
console.log(
  JSON.stringify({
    events,
    heapBeforeMb: Number(before.toFixed(1)),
    heapAfterMb: Number(after.toFixed(1)),
    growthMb: Number((after - before).toFixed(1)),
    bytesPerEvent: Number((((after - before) * 2 ** 20) / events).toFixed(1)),
    journalFlows: journal.size,
    journalOpenFlows: open,
    rememberedFlows: stats.rememberedFlows,
    seenEvents: stats.seenEvents,
    unclaimed,
    acks: transport.link().sent - 1,
  }),
);
session.close();
