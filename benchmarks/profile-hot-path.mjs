// For `node --cpu-prof benchmarks/profile-hot-path.mjs [flows] [frames]`: the hot path in a plain loop, so a
// CPU profile shows where the session spends its time. Not part of `pnpm bench`.
import { proceedFrames } from './lib/frames.mjs';
import { flowObjects, openSession } from './lib/open-flows.mjs';

const flows = Number(process.argv[2] ?? 100);
const frames = Number(process.argv[3] ?? 200_000);
const { MemoryJournal } = await import('@bluechip-ws/core');
const open = openSession(
  flows,
  process.env.JOURNAL === 'none'
    ? {
        journal: {
          append() {},
          openFlows: async () => [],
          flow: async () => undefined,
          byIdempotencyKey: async () => undefined,
          close: async () => {},
        },
      }
    : process.env.JOURNAL === 'small'
      ? { journal: new MemoryJournal({ maxEventsPerFlow: 16 }) }
      : {},
);
const objects = flowObjects(open.session, open.ids);
const nextFrame = proceedFrames();
const batch = [];
let seq = 0;
const started = performance.now();
for (let done = 0; done < frames; done += batch.length) {
  batch.length = 0;
  for (let i = 0; i < 1024; i++) {
    const at = (done + i) % flows;
    if ((done + i) % (flows * 16) < flows) objects[at].seen?.clear();
    batch.push(nextFrame(open.ids[at], seq++));
  }
  for (const frame of batch) open.link.push(frame);
}
const elapsed = performance.now() - started;
console.log(
  `${frames} frames over ${flows} flows: ${((elapsed * 1e3) / frames).toFixed(2)} µs/frame (incl. frame build)`,
);
open.close();
