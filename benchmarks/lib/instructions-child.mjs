// One measured run for instructions.mjs, meant to be run under `valgrind --tool=callgrind`:
//   node instructions-child.mjs hot <build|floor|hot|multiplex> <flows> <frames> <journal> <warm-up frames>
//   node instructions-child.mjs e2e <session|raw> <flows> <inFlight> <url> <warm-up flows>
// Each run does its set-up and warm-up, then `frames` frames (or `flows` flows). A hot-path run is made at
// two or more frame counts and instructions.mjs takes the slope, so set-up, warm-up and start-up cancel out;
// an end-to-end run talks with instructions.mjs over stdio, which counts its measured flows alone.
import { readSync, writeSync } from 'node:fs';
import { do_not_optimize } from 'mitata';
import { multiplexRouter } from './multiplex-router.mjs';
import { flowObjects, openSession } from './open-flows.mjs';
import { fillToSteadyState, JOURNALS, steadyFrames } from './steady-state.mjs';

/** Multiplex runs push a quarter of this before their measured frames (a hot-path run is told its own). */
const WARMUP_FRAMES = 4000;
/** Timeouts of the end-to-end session: ten minutes. */
const LONG = 600_000;

const [mode, ...args] = process.argv.slice(2);
if (mode === 'hot') await hot(...args);
else if (mode === 'e2e') await e2e(...args);
else throw new Error(`unknown mode ${mode}`);

/** What any client pays per frame: parse it and encode its ack (the floor of hot-path.bench.mjs). */
function floor(frame) {
  const flowId = JSON.parse(frame).event.flow_id;
  return JSON.stringify({ event_ack: { flow_id: flowId, resource: { status: 'ok' } } });
}

async function hot(kind, flowsArg, framesArg, setting, warmupArg = String(WARMUP_FRAMES)) {
  const count = Number(flowsArg);
  const frames = Number(framesArg);
  if (kind === 'multiplex') return multiplex(count, frames);
  const journal = JOURNALS[setting]();
  // Every kind opens the same session and fills it, so each run's set-up is the same whatever is measured.
  const open = openSession(count, { journal });
  fillToSteadyState(open, journal, setting);
  const next = steadyFrames(open.ids, flowObjects(open.session, open.ids));
  let sink = 0;
  const step =
    kind === 'build'
      ? (frame) => {
          sink += frame.length;
        }
      : kind === 'floor'
        ? (frame) => {
            sink += floor(frame).length;
          }
        : (frame) => {
            open.link.push(frame);
          };
  const warmup = Number(warmupArg);
  for (let i = 0; i < warmup + frames; i++) step(next());
  do_not_optimize(sink);
  if (open.session.openFlows !== count) throw new Error('a flow ended during the hot path');
  if (kind === 'hot' && open.link.sent < frames) throw new Error('acks missing');
  console.log(JSON.stringify({ kind, count, frames, acks: open.link.sent, sink }));
  open.close();
}

/** The baseline: one filter per subscriber over every parsed frame (lib/multiplex-router.mjs). */
function multiplex(count, frames) {
  const router = multiplexRouter(count);
  const next = steadyFrames(router.ids);
  for (let i = 0; i < WARMUP_FRAMES / 4 + frames; i++) router.push(next());
  if (router.sent.count < frames) throw new Error('frames not routed');
  do_not_optimize(router.sent.last);
  console.log(JSON.stringify({ kind: 'multiplex', count, frames, routed: router.sent.count }));
  router.close();
}

async function e2e(kind, flowsArg, inFlightArg, url, warmupArg) {
  const { Session } = await import('@bluechip-ws/core');
  const { createWsTransport } = await import('@bluechip-ws/transport-ws');
  const { lastValueFrom } = await import('rxjs');
  const { RawClient } = await import('./raw-client.mjs');
  const { SALE_REQUEST } = await import('./frames.mjs');
  const flows = Number(flowsArg);
  const inFlight = Number(inFlightArg);
  const client =
    kind === 'raw'
      ? await RawClient.connect(`${url}/tsi/v1/payment`)
      : new Session(createWsTransport({ url }), {
          maxInFlight: inFlight,
          reconnect: false,
          // Under valgrind on a loaded machine a flow can take seconds of wall time: no timeout may cut a run.
          timeouts: { queueMs: LONG, responseMs: LONG, eventGapMs: LONG, ackMs: LONG, flowMs: LONG },
        });
  const sale = () =>
    kind === 'raw' ? client.sale(SALE_REQUEST) : lastValueFrom(client.flow('payment', SALE_REQUEST));
  const run = async (total) => {
    let started = 0;
    const worker = async () => {
      while (started < total) {
        started++;
        await sale();
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
  };
  await run(Number(warmupArg));
  // instructions.mjs zeroes callgrind's counters between "warm" and "go", and reads them between "done" and
  // "exit": what it counts is exactly the measured flows (start-up, warm-up and teardown left out).
  tell('warm');
  awaitLine();
  await run(flows);
  tell('done');
  awaitLine();
  client.close();
  console.log(JSON.stringify({ kind, flows, inFlight }));
  process.exit(0);
}

/**
 * The end-to-end handshake with instructions.mjs goes through file descriptors 0 and 1 synchronously, never
 * through process.stdin/stdout: those are stream objects of other classes than the socket's, and met after
 * the warm-up they made V8 deoptimize node's shared stream code (Writable.write, onwrite...) and compile it
 * again inside the measured flows.
 */
function tell(word) {
  writeSync(1, `${word}\n`);
}

/** Blocks until instructions.mjs writes a line (fd 0 is the blocking end of a pipe nothing else reads). */
function awaitLine() {
  const byte = Buffer.alloc(1);
  for (;;) {
    if (readSync(0, byte, 0, 1, null) === 0) throw new Error('instructions.mjs closed the pipe');
    if (byte[0] === 0x0a) return;
  }
}
