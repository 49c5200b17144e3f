// The fixes proposed in docs/benchmarks.md, applied at run time to the built classes so that a profile
// script can show before/after numbers without touching packages it does not own. Used only when
// BENCH_PATCH=1; `pnpm bench` never loads it.
import { FlowIndex } from '@bluechip-ws/core';
import { BoundedMap } from '../../packages/core/dist/session/bounded-map.js';

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
  BoundedMap.prototype.set = function set(key, value) {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.limit) {
      const next = oldest(this, this.map, 'cursor');
      if (next.done !== true) this.map.delete(next.value);
    }
  };
}

if (process.env.BENCH_PATCH === '1') applyProposedFixes();
