// The hot path's steady state, shared by hot-path.bench.mjs, profile-hot-path.mjs and instructions.mjs so
// that all three measure the same thing at every open-flow count.
import { DEFAULT_FOLD_LIMITS, MemoryJournal } from '@bluechip-ws/core';
import { proceedFrames } from './frames.mjs';
import { nullJournal } from './null-journal.mjs';

/** A flow's dedupe map is cleared after this many events: a sale sees a handful of proceed events. */
export const EVENTS_PER_FLOW = 16;

/**
 * The journals a hot-path case can run with: `small` keeps EVENTS_PER_FLOW events per flow (matching the
 * dedupe reset), `default` is MemoryJournal's default (`DEFAULT_FOLD_LIMITS`: 64 events per flow since
 * issue 29, 1000 before), `large` keeps 1000 events per flow whatever the default, `none` keeps nothing.
 */
export const JOURNALS = {
  small: () => new MemoryJournal({ maxEventsPerFlow: EVENTS_PER_FLOW }),
  default: () => new MemoryJournal(),
  large: () => new MemoryJournal({ maxEventsPerFlow: 1000 }),
  none: () => nullJournal,
};

/** Events a flow's journal entry holds in the steady state (its bound), per journal setting. */
const JOURNAL_FILL = {
  small: EVENTS_PER_FLOW,
  default: DEFAULT_FOLD_LIMITS.maxEventsPerFlow,
  large: 1000,
  none: 0,
};

/**
 * Round-robin frames over the open flows, every one new (the sequence number changes). Flow i's dedupe map
 * is cleared after every EVENTS_PER_FLOW of its own events, and the flows start at staggered points of that
 * cycle (flow i at i mod EVENTS_PER_FLOW): one frame in EVENTS_PER_FLOW meets a reset at every flow count,
 * from the first frame on. (Clearing all maps every flows × 16 frames, as before, meant that at 10 000 and
 * 100 000 flows a run never reached a reset.) Without `flows` (the floor) nothing is cleared.
 */
export function steadyFrames(ids, flows) {
  const nextFrame = proceedFrames();
  let cursor = 0;
  let seq = 0;
  const counts = new Uint8Array(ids.length);
  for (let i = 0; i < counts.length; i++) counts[i] = i % EVENTS_PER_FLOW;
  return () => {
    const i = cursor;
    cursor = cursor + 1 === ids.length ? 0 : cursor + 1;
    if (flows !== undefined && ++counts[i] >= EVENTS_PER_FLOW) {
      counts[i] = 0;
      flows[i].seen?.clear();
    }
    return nextFrame(ids[i], seq++);
  };
}

/**
 * Brings every open flow to its steady state before anything is measured: one event through the session
 * (so its dedupe map exists), then its journal entry filled to the journal's bound with event records
 * appended directly (the same records the session writes, without the session's cost, so that even
 * 100 000 flows fill in seconds). Returns the number of records appended.
 */
export function fillToSteadyState(open, journal, setting) {
  const prime = proceedFrames();
  for (const id of open.ids) open.link.push(prime(id, -1));
  const fill = JOURNAL_FILL[setting] - 1;
  if (fill <= 0) return 0;
  const resource = JSON.parse(prime('0', -2)).event.resource;
  let appended = 0;
  for (const flowId of open.ids) {
    for (let n = 0; n < fill; n++) {
      journal.append({ kind: 'event', flowId, at: 0, status: 'proceed', final: false, resource });
      appended++;
    }
  }
  return appended;
}
