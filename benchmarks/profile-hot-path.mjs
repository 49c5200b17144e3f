// For `node --cpu-prof benchmarks/profile-hot-path.mjs [flows] [frames]` (JOURNAL=small|default|none,
// default small): the hot path in a plain loop, so a CPU profile shows where the session spends its time.
// It starts from the same steady state as hot-path.bench.mjs and instructions.mjs (lib/steady-state.mjs),
// so every flow count meets dedupe resets and a full journal. Not part of `pnpm bench`.
import { flowObjects, openSession } from './lib/open-flows.mjs';
import { fillToSteadyState, JOURNALS, steadyFrames } from './lib/steady-state.mjs';

const flows = Number(process.argv[2] ?? 100);
const frames = Number(process.argv[3] ?? 200_000);
const setting = process.env.JOURNAL ?? 'small';
if (!Object.hasOwn(JOURNALS, setting))
  throw new Error(`JOURNAL must be one of ${Object.keys(JOURNALS).join(', ')}`);
const journal = JOURNALS[setting]();
const open = openSession(flows, { journal });
fillToSteadyState(open, journal, setting);
const next = steadyFrames(open.ids, flowObjects(open.session, open.ids));
const batch = [];
const started = performance.now();
for (let done = 0; done < frames; done += batch.length) {
  batch.length = 0;
  for (let i = 0; i < 1024; i++) batch.push(next());
  for (const frame of batch) open.link.push(frame);
}
const elapsed = performance.now() - started;
console.log(
  `${frames} frames over ${flows} flows, journal ${setting}: ${((elapsed * 1e3) / frames).toFixed(2)} µs/frame (incl. frame build)`,
);
open.close();
