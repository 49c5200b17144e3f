// The fix proposed for FlowIndex (packages/core/src/journal, not ours to edit), applied at run time to the built classes so that a profile
// script shows before/after numbers. The same fix for the session's BoundedMap is in the source already. Used only when
// BENCH_PATCH=1; `pnpm bench` never loads it.
import { FlowIndex } from '@bluechip-ws/core';

/**
 * `set.values().next()` after deleting the first entry rescans every deleted slot V8 has not compacted
 * yet, so a Set/Map used as a FIFO costs O(deleted) per eviction. A cursor kept across calls resumes
 * where it stopped; a finished cursor is replaced, since it does not see later inserts.
 */
function oldest(owner, collection, cursorKey) {
  let next = owner[cursorKey]?.next();
  if (next === undefined || next.done) {
    owner[cursorKey] = collection.keys();
    next = owner[cursorKey].next();
  }
  return next;
}

export function applyProposedFixes() {
  FlowIndex.prototype.evict = function evict() {
    while (this.flows.size > this.maxFlows) {
      const next = oldest(this, this.settled, 'settledCursor');
      if (next.done) return;
      this.remove(next.value);
    }
  };
}

if (process.env.BENCH_PATCH === '1') applyProposedFixes();
