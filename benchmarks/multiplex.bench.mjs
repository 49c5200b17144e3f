// Baseline to beat: the routing `rxjs` `webSocket().multiplex` does — every subscriber runs its own
// `filter` over every parsed message — at the same flow counts as the hot path, with the same frames.
import { do_not_optimize } from 'mitata';
import { proceedFrames } from './lib/frames.mjs';
import { ns, printTable, QUICK, report, timed } from './lib/measure.mjs';
import { multiplexRouter } from './lib/multiplex-router.mjs';

const COUNTS = [1, 100, 10_000, 100_000];
/**
 * Time bound: a case stops after `cpuMs` of measured time and at least 12 samples. At 100k subscribers one
 * frame takes milliseconds, so that case measures only about a dozen frames.
 */
const cpuMs = QUICK ? 60 : 200;
const nextFrame = proceedFrames();

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
