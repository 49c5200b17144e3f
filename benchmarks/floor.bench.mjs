// Floor: what any client pays per frame whatever its design. The hot path is compared against these.
import { do_not_optimize } from 'mitata';
import { proceedFrames, responseFrame, saleEvent } from './lib/frames.mjs';
import { ns, printTable, QUICK, report, timed } from './lib/measure.mjs';

const cpuMs = QUICK ? 60 : 250;
const event = saleEvent('277554');
const response = responseFrame('277554');
const ack = { event_ack: { flow_id: '277554', resource: { status: 'ok' } } };
const flows = new Map();
for (let i = 0; i < 10_000; i++) flows.set(`f${i}`, { id: i });
const nextFrame = proceedFrames();
let seq = 0;

const cases = [
  ['JSON.parse sale event', () => do_not_optimize(JSON.parse(event))],
  ['JSON.parse response', () => do_not_optimize(JSON.parse(response))],
  ['JSON.stringify ack object', () => do_not_optimize(JSON.stringify(ack))],
  ['Map.get by flow id (10k)', () => do_not_optimize(flows.get('f4242'))],
  [
    'parse fresh frame + stringify ack',
    function* () {
      yield {
        0: () => nextFrame('f1', seq++),
        bench(frame) {
          const flowId = JSON.parse(frame).event.flow_id;
          do_not_optimize(JSON.stringify({ event_ack: { flow_id: flowId, resource: { status: 'ok' } } }));
        },
      };
    },
  ],
];

const results = {};
for (const [name, fn] of cases) results[name] = await timed(fn, { cpuMs });

printTable(`Floor (bytes: sale event ${event.length}, response ${response.length})`, [
  ['case', 'avg', 'p50', 'p99'],
  ...Object.entries(results).map(([name, r]) => [name, ns(r.avg), ns(r.p50), ns(r.p99)]),
]);
await report({ suite: 'floor', bytes: { event: event.length, response: response.length }, results });
