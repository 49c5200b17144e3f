import { flowIdMatches } from '@bluechip-ws/protocol';
import { SoleFirstMap } from '../sole-first-map.js';
import { TextPages } from '../text-pages.js';
import type { Flow } from './flow.js';
import { Orphan, type OrphanContext, type OrphanServices } from './orphan.js';
import { RememberedFlows } from './remembered-flows.js';
import { SeenEvents, type SeenEventsLimits } from './seen-events.js';
import type { UnclaimedReason } from './types.js';

/**
 * The one owner of the flow table: live flows by id, the queue of admitted flows waiting for a slot, the
 * slot count, and the bounded memory of finished and unknown flows. Lookup is a Map.get per frame (O(1) in
 * open flows); `finish` is called once per flow, by the flow's own exit.
 */
export class FlowTable {
  /** A sequential POS has one live flow at a time: no Map churn per flow (see `SoleFirstMap`). */
  private readonly live = new SoleFirstMap<Flow>();
  private readonly waiting: Flow[] = [];
  private readonly orphans: RememberedFlows;
  /** What every orphan shares; with the bytes of finished flows' finals (see `PagedFinal`). */
  private readonly orphanContext: OrphanContext;
  private inFlightCount = 0;

  constructor(
    memory: number,
    private readonly suffixMatch: boolean,
    private readonly onSlotFreed: () => void,
    private readonly seenLimits: SeenEventsLimits,
    services: OrphanServices,
  ) {
    this.orphanContext = {
      recorder: services.recorder,
      unclaimed: services.unclaimed,
      texts: new TextPages(),
      newSeenEvents: () => this.newSeenEvents(),
    };
    this.orphans = new RememberedFlows(memory, this.orphanContext);
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
    count += this.orphans.seenCount();
    return count;
  }

  get size(): number {
    return this.live.size;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Flows admitted and waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** An admitted flow: live from now on, waiting for a slot. */
  add(flow: Flow): void {
    this.live.set(flow.id, flow);
    this.waiting.push(flow);
  }

  /** The flow next in line for a slot. */
  nextQueued(): Flow | undefined {
    return this.waiting[0];
  }

  /** The next flow in line takes a slot. */
  takeNext(): Flow | undefined {
    const flow = this.waiting.shift();
    if (flow !== undefined) this.inFlightCount++;
    return flow;
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

  /** The remembered orphan for a flow id, created as `unknown_flow` when never seen. */
  orphan(flowId: string): Orphan {
    let orphan = this.orphans.get(flowId);
    if (orphan === undefined) {
      orphan = new Orphan(this.orphanContext, {
        id: flowId,
        reason: 'unknown_flow',
        request: undefined,
        seen: undefined,
        final: undefined,
        lookedUp: false,
      });
      this.orphans.remember(orphan);
    }
    return orphan;
  }

  /**
   * Removes a flow for good (its exit calls this once): remembers what it saw, so a repeated final event is
   * re-acked instead of re-delivered, and frees its slot, or its place in the queue.
   */
  finish(flow: Flow, reason: UnclaimedReason, heldSlot: boolean): void {
    this.live.delete(flow.id);
    const final = flow.final;
    const seen = flow.seen?.keepFinals();
    const first = final === undefined ? undefined : seen?.first;
    // Most finished flows are one slot of `RememberedFlows` (their final acked, as bytes, or no event at all);
    // the others an orphan with what they saw.
    const slotted =
      first !== undefined ? seen?.size === 1 : final === undefined && (seen === undefined || seen.size === 0);
    if (!slotted || !this.orphans.rememberFinished(flow.id, reason, flow.resource, first)) {
      this.orphans.remember(
        new Orphan(this.orphanContext, {
          id: flow.id,
          reason,
          request: flow.resource,
          seen,
          // A final event's frame stays pinned in its seen events anyway: the orphan keeps that string, not the tree.
          final: first?.text ?? final,
          // The journal knows no more of a flow this session ran than the session does.
          lookedUp: true,
        }),
      );
    }
    if (heldSlot) {
      this.inFlightCount--;
      this.onSlotFreed();
      return;
    }
    const index = this.waiting.indexOf(flow);
    if (index >= 0) this.waiting.splice(index, 1);
  }
}
