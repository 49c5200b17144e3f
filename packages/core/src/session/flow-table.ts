import { flowIdMatches } from '@bluechip-ws/protocol';
import { BoundedMap } from './bounded-map.js';
import type { Deadlines } from './deadlines.js';
import type { Flow, Orphan } from './flow.js';
import { SeenEvents, type SeenEventsLimits } from './seen-events.js';
import type { UnclaimedReason } from './types.js';

/**
 * The one owner of the flow table. Lookup is a Map.get per frame (O(1) in open flows); `finish` is the single
 * cleanup every exit path goes through, so timers, slots and subscriptions are released exactly once.
 */
export class FlowTable {
  private readonly live = new Map<string, Flow>();
  private readonly orphans: BoundedMap<string, Orphan>;
  private inFlightCount = 0;

  constructor(
    memory: number,
    private readonly suffixMatch: boolean,
    private readonly deadlines: Deadlines,
    private readonly onSlotFreed: () => void,
    private readonly seenLimits: SeenEventsLimits,
  ) {
    this.orphans = new BoundedMap(memory);
  }

  /** A fresh, bounded record of received events. */
  newSeenEvents(): SeenEvents {
    return new SeenEvents(this.seenLimits);
  }

  /** Remembered finished or unknown flows (bounded by `memory`). */
  get remembered(): number {
    return this.orphans.size;
  }

  /** Events remembered across live and remembered flows: O(flows), for stats only. */
  seenCount(): number {
    let count = 0;
    for (const flow of this.live.values()) count += flow.seen?.size ?? 0;
    for (const orphan of this.orphans.values()) count += orphan.seen.size;
    return count;
  }

  get size(): number {
    return this.live.size;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  add(flow: Flow): void {
    this.live.set(flow.id, flow);
  }

  /** Whether a flow with exactly this id is live (admission: ids must be unique in flight). */
  has(flowId: string): boolean {
    return this.live.has(flowId);
  }

  /** The live flow an incoming flow id belongs to. The suffix quirk costs a scan only on a miss. */
  get(flowId: string): Flow | undefined {
    const flow = this.live.get(flowId);
    if (flow !== undefined || !this.suffixMatch) return flow;
    for (const candidate of this.live.values()) {
      if (flowIdMatches(candidate.id, flowId, { suffixMatch: true })) return candidate;
    }
    return undefined;
  }

  flows(): IterableIterator<Flow> {
    return this.live.values();
  }

  /** Marks a flow as holding one of the in-flight slots. */
  occupy(): void {
    this.inFlightCount++;
  }

  /** The remembered orphan for a flow id, created as `unknown_flow` when never seen. */
  orphan(flowId: string): Orphan {
    let orphan = this.orphans.get(flowId);
    if (orphan === undefined) {
      orphan = {
        reason: 'unknown_flow',
        request: undefined,
        seen: this.newSeenEvents(),
        final: undefined,
        lookedUp: false,
      };
      this.orphans.set(flowId, orphan);
    }
    return orphan;
  }

  peekOrphan(flowId: string): Orphan | undefined {
    return this.orphans.get(flowId);
  }

  /**
   * Removes a flow for good: clears its timers and pending dial, frees its slot, and remembers what it saw so
   * a repeated final event is re-acked instead of re-delivered.
   */
  finish(flow: Flow, reason: UnclaimedReason): void {
    if (flow.phase === 'done') return;
    const held = flow.phase !== 'queued';
    flow.phase = 'done';
    this.deadlines.clear(flow);
    flow.connecting?.unsubscribe();
    flow.connecting = undefined;
    flow.subscriber = undefined;
    this.live.delete(flow.id);
    this.orphans.set(flow.id, {
      reason,
      request: flow.resource,
      seen: flow.seen?.keepFinals() ?? this.newSeenEvents(),
      final: flow.final,
      // The journal knows no more of a flow this session ran than the session does.
      lookedUp: true,
    });
    if (held) {
      this.inFlightCount--;
      this.onSlotFreed();
    }
  }
}
