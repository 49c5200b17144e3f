// Baseline to beat: the routing `rxjs` `webSocket().multiplex` does — every subscriber runs its own
// `filter` over every parsed message — at the same flow counts as the hot path, with the same frames.
import { do_not_optimize } from 'mitata';
import { filter, Subject } from 'rxjs';
import { proceedFrames } from './lib/frames.mjs';
import { ns, printTable, QUICK, report, timed } from './lib/measure.mjs';

const COUNTS = [1, 100, 10_000, 100_000];
/**
 * Time bound: a case stops after `cpuMs` of measured time and at least 12 samples. At 100k subscribers one
 * frame takes milliseconds, so that case measures only about a dozen frames.
 */
const cpuMs = QUICK ? 60 : 200;
const nextFrame = proceedFrames();

/** One Subject of parsed messages; N subscribers, each filtering for its own flow id, acking what it gets. */
function multiplexRouter(count) {
  const messages = new Subject();
  const ids = new Array(count);
  const sent = { count: 0, last: '' };
  const subscriptions = [];
  for (let i = 0; i < count; i++) {
    const id = String(1_000_000 + i);
    ids[i] = id;
    subscriptions.push(
      messages.pipe(filter((msg) => msg.event?.flow_id === id)).subscribe((msg) => {
        sent.count++;
        sent.last = JSON.stringify({ event_ack: { flow_id: msg.event.flow_id, resource: { status: 'ok' } } });
      }),
    );
  }
  return {
    ids,
    sent,
    // What the webSocket subject does per message: deserialize once, then next() to every subscriber.
    push: (frame) => messages.next(JSON.parse(frame)),
    close: () => {
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}

const rows = [];
for (const count of COUNTS) {
  const router = multiplexRouter(count);
  let cursor = 0;
  let seq = 0;
  const next = () => {
    const id = router.ids[cursor];
    cursor = cursor + 1 === count ? 0 : cursor + 1;
    return nextFrame(id, seq++);
  };
  const stats = await timed(
    function* () {
      yield { 0: next, bench: router.push };
    },
    { cpuMs, minSamples: 12, batch: count >= 10_000 ? 16 : 1024 },
  );
  do_not_optimize(router.sent.last);
  if (router.sent.count === 0) throw new Error('no frame was routed');
  router.close();
  rows.push({ count, stats, routed: router.sent.count });
  console.log(`  ${count} subscribers: p50 ${ns(stats.p50)} (${router.sent.count} frames routed)`);
}

printTable('Baseline: rxjs multiplex-style routing (one filter per subscriber over every frame)', [
  ['subscribers', 'p50', 'avg', 'p99', 'frames measured'],
  ...rows.map((r) => [r.count, ns(r.stats.p50), ns(r.stats.avg), ns(r.stats.p99), r.stats.ticks]),
]);
await report({ suite: 'multiplex', cpuMs, rows });
