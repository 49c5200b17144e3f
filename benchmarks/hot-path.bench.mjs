// Hot path: one event frame through the session (decode → route → deliver → ack) with N open flows,
// measured beside its floor (parse + ack encode of the same frames) in the same process.
import { do_not_optimize } from 'mitata';
import { ns, printTable, QUICK, ratio, report, timed } from './lib/measure.mjs';
import { flowObjects, openSession } from './lib/open-flows.mjs';
import { pairedRatio } from './lib/paired.mjs';
import { EVENTS_PER_FLOW, fillToSteadyState, JOURNALS, steadyFrames } from './lib/steady-state.mjs';

/**
 * Each case: open flows, and the journal the session writes to. `small` keeps EVENTS_PER_FLOW events per
 * flow, matching the dedupe-map reset of lib/steady-state.mjs; `default` is MemoryJournal's default (1000
 * events per flow), which a flow receiving thousands of proceed events fills up; `none` keeps nothing (the
 * session alone). Every case starts in the steady state of lib/steady-state.mjs.
 */
const CASES = [
  { count: 1, journal: 'small' },
  { count: 100, journal: 'small' },
  { count: 10_000, journal: 'small' },
  { count: 100_000, journal: 'small' },
  { count: 100, journal: 'default' },
  { count: 100, journal: 'none' },
];

const ROUNDS = QUICK ? 1 : 3;
/** Paired blocks (see lib/paired.mjs): the ratio the targets use, as drift cancels within a pair. */
const PAIRS = QUICK ? 11 : 61;
const PAIR_BLOCK = 2000;
const cpuMs = QUICK ? 60 : 200;

/** Round-robin over the open flows from the shared steady state; every frame is new. */
const frameSource = steadyFrames;

/** What any client pays per frame: parse it and encode its ack. */
function floor(frame) {
  const flowId = JSON.parse(frame).event.flow_id;
  return JSON.stringify({ event_ack: { flow_id: flowId, resource: { status: 'ok' } } });
}

function floorCase(ids) {
  const next = frameSource(ids);
  return function* () {
    yield {
      0: next,
      bench(frame) {
        do_not_optimize(floor(frame));
      },
    };
  };
}

function hotCase(open) {
  const next = frameSource(open.ids, flowObjects(open.session, open.ids));
  const { link } = open;
  return function* () {
    yield {
      0: next,
      bench(frame) {
        link.push(frame);
      },
    };
  };
}

/** The same frames through the floor and through the session, in adjacent blocks. */
function pairedCase(open) {
  const next = frameSource(open.ids, flowObjects(open.session, open.ids));
  const { link } = open;
  let sink = 0;
  const result = pairedRatio({
    pairs: PAIRS,
    nextBlock: () => Array.from({ length: PAIR_BLOCK }, next),
    baseline: (block) => {
      for (const frame of block) sink += floor(frame).length;
    },
    candidate: (block) => {
      for (const frame of block) link.push(frame);
    },
  });
  if (sink === 0) throw new Error('the floor measured nothing');
  return result;
}

const rows = [];
for (const { count, journal } of CASES) {
  const built = performance.now();
  const journalInstance = JOURNALS[journal]();
  const open = openSession(count, { journal: journalInstance });
  fillToSteadyState(open, journalInstance, journal);
  const setupMs = performance.now() - built;
  const sentBefore = open.link.sent;
  let floor;
  let hot;
  for (let round = 0; round < ROUNDS; round++) {
    const f = await timed(floorCase(open.ids), { cpuMs, batch: 1024 });
    const h = await timed(hotCase(open), { cpuMs, batch: 1024 });
    if (floor === undefined || f.p50 < floor.p50) floor = f;
    if (hot === undefined || h.p50 < hot.p50) hot = h;
  }
  const paired = pairedCase(open);
  const acks = open.link.sent - sentBefore;
  if (open.session.openFlows !== count) throw new Error('a flow ended during the hot path');
  if (acks === 0) throw new Error('no ack was sent');
  open.close();
  rows.push({ count, journal, setupMs, floor, hot, acks, ratioToFloor: hot.p50 / floor.p50, paired });
  console.log(
    `  ${count} open flows, ${journal} journal: hot p50 ${ns(hot.p50)}, floor p50 ${ns(floor.p50)}, paired hot/floor ${ratio(paired.median)} (${ratio(paired.q1)}–${ratio(paired.q3)}) (${acks} acks sent)`,
  );
}

const base = rows[0].hot.p50;
for (const row of rows) row.ratioToOne = row.hot.p50 / base;

printTable('Hot path: one proceed event → route → deliver → ack (best p50 of rounds)', [
  ['open flows', 'journal', 'hot p50', 'hot avg', 'hot p99', 'floor p50', 'hot/floor', 'paired', 'vs 1 flow'],
  ...rows.map((r) => [
    r.count,
    r.journal,
    ns(r.hot.p50),
    ns(r.hot.avg),
    ns(r.hot.p99),
    ns(r.floor.p50),
    ratio(r.ratioToFloor),
    ratio(r.paired.median),
    ratio(r.ratioToOne),
  ]),
]);
await report({
  suite: 'hot-path',
  eventsPerFlow: EVENTS_PER_FLOW,
  rounds: ROUNDS,
  pairs: PAIRS,
  pairBlock: PAIR_BLOCK,
  rows,
});
