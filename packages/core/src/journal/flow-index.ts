import { SoleFirstMap } from '../sole-first-map.js';
import {
  applyRecord,
  copyFlow,
  DEFAULT_FOLD_LIMITS,
  emptyFlow,
  type FoldLimits,
  isOpenFlow,
  type MutableFlow,
  ownFlow,
} from './reduce.js';
import { SettledFlows } from './settled-flows.js';
import { type FlowSummary, JournalError, type JournalRecord } from './types.js';

export interface FlowIndexOptions {
  /** Most flows kept (default 10_000). Only settled flows are evicted, so open ones may exceed it. */
  readonly maxFlows?: number;
  readonly maxEventsPerFlow?: number;
}

export const DEFAULT_MAX_FLOWS = 10_000;

/**
 * The bounded in-memory state of a journal: one summary per flow, folded by the reducer, with lookups by
 * flow id and by idempotency key. When over its bound it evicts the flows that settled longest ago; an open
 * flow is never evicted, because recovery needs it. Every operation is O(1) amortized.
 *
 * An open flow is kept as its summary object; a settled one in `SettledFlows` (columns, in the order flows
 * settled, which is the eviction order), the `flows` map holding its slot's sequence number.
 */
export class FlowIndex {
  /** Every kept flow, in order of its first record: its summary (open) or its settled slot. */
  private readonly flows = new Map<string, MutableFlow | number>();
  /** Kept flows that need attention, by id (usually none or one at a time: see `SoleFirstMap`). */
  private readonly open = new SoleFirstMap<MutableFlow>();
  private readonly settled = new SettledFlows((flowId, seq) => this.flows.set(flowId, seq));
  private readonly keys = new Map<string, string>();
  private readonly maxFlows: number;
  private readonly limits: FoldLimits;

  constructor(options: FlowIndexOptions = {}) {
    this.maxFlows = positiveInteger('maxFlows', options.maxFlows ?? DEFAULT_MAX_FLOWS);
    this.limits = {
      maxEventsPerFlow: positiveInteger(
        'maxEventsPerFlow',
        options.maxEventsPerFlow ?? DEFAULT_FOLD_LIMITS.maxEventsPerFlow,
      ),
    };
  }

  get size(): number {
    return this.flows.size;
  }

  /** Whether a flow with this id is kept. */
  has(flowId: string): boolean {
    return this.flows.has(flowId);
  }

  /**
   * Refuses a record that would merge two flows: a request for a flow id the index already keeps. Journals
   * call it before they accept an append; replaying stored records does not (see `apply`).
   */
  admit(record: JournalRecord): void {
    if (record.kind === 'request_sent' && this.flows.has(record.flowId)) {
      throw new JournalError(
        'flow_exists',
        `flow ${record.flowId} is already in the journal: a new request must use a new flow id`,
      );
    }
  }

  /**
   * Folds one record into the flow's summary, in place: the index owns its summaries and hands out copies,
   * so an append allocates nothing but what the record itself adds; an event (final included) is kept as
   * its frame when the record has one (`EVENT_FRAME`). Returns the summary as it now is: read it now, do not
   * keep it (`get` gives a copy, its events decoded).
   */
  apply(record: JournalRecord): MutableFlow {
    const { flowId } = record;
    // Only a journal written before requests were admitted can hold a second request for one id: it starts
    // a new flow rather than folding into the old one's result.
    if (
      record.kind === 'request_sent' &&
      this.flows.has(flowId) &&
      this.summary(flowId)?.request !== undefined
    ) {
      this.remove(flowId);
    }
    const kept = this.flows.get(flowId);
    if (kept === undefined) {
      const flow = emptyFlow(flowId);
      applyRecord(flow, record, this.limits, 'frame');
      this.flows.set(flowId, flow);
      this.file(flow, undefined, undefined);
      return flow;
    }
    const flow = typeof kept === 'number' ? this.settled.read(kept) : kept;
    const previousKey = flow.idempotencyKey;
    applyRecord(flow, record, this.limits, 'frame');
    // Every proceed event of a live flow: still open, same key, nothing to refile.
    if (typeof kept !== 'number' && previousKey === flow.idempotencyKey && isOpenFlow(flow)) return flow;
    this.file(flow, previousKey, typeof kept === 'number' ? kept : undefined);
    return flow;
  }

  /** Replaces a flow's summary wholesale (a compacted journal stores summaries, not records). */
  restore(summary: FlowSummary): void {
    const kept = this.flows.get(summary.flowId);
    const previousKey = kept === undefined ? undefined : this.keyOf(kept);
    if (typeof kept === 'number') this.settled.kill(kept);
    const flow = ownFlow(summary);
    this.flows.set(flow.flowId, flow);
    this.file(flow, previousKey, undefined);
  }

  get(flowId: string): FlowSummary | undefined {
    const flow = this.summary(flowId);
    return flow === undefined ? undefined : copyFlow(flow);
  }

  byIdempotencyKey(key: string): FlowSummary | undefined {
    const flowId = this.keys.get(key);
    return flowId === undefined ? undefined : this.get(flowId);
  }

  openFlows(): FlowSummary[] {
    const result: FlowSummary[] = [];
    for (const flow of this.open.values()) result.push(copyFlow(flow));
    return result;
  }

  /** A copy of every kept flow, in order of its first record (compaction), made as the caller iterates. */
  *values(): IterableIterator<FlowSummary> {
    for (const kept of this.flows.values()) {
      yield copyFlow(typeof kept === 'number' ? this.settled.read(kept) : kept);
    }
  }

  /** The kept summary of a flow (a settled one rebuilt from its slot). */
  private summary(flowId: string): MutableFlow | undefined {
    const kept = this.flows.get(flowId);
    return typeof kept === 'number' ? this.settled.read(kept) : kept;
  }

  private keyOf(kept: MutableFlow | number): string | undefined {
    return typeof kept === 'number' ? this.settled.keyOf(kept) : kept.idempotencyKey;
  }

  /**
   * Files a flow whose summary just changed (`slot`: the settled slot it was read from, if any): its
   * idempotency key, then open (its summary object) or settled (a slot: the same one if it was settled
   * already, so its place in the eviction order is kept), then the bound.
   */
  private file(flow: MutableFlow, previousKey: string | undefined, slot: number | undefined): void {
    const { flowId } = flow;
    if (previousKey !== undefined && previousKey !== flow.idempotencyKey) this.forgetKey(previousKey, flowId);
    // The most recent flow sent with a key wins; a flow id seen again keeps its place in `flows`.
    if (flow.idempotencyKey !== undefined && previousKey !== flow.idempotencyKey) {
      this.keys.set(flow.idempotencyKey, flowId);
    }
    if (isOpenFlow(flow)) {
      if (slot !== undefined) {
        this.settled.kill(slot);
        this.flows.set(flowId, flow);
      }
      this.open.set(flowId, flow);
    } else if (slot !== undefined) {
      this.settled.write(slot, flow);
    } else {
      this.open.delete(flowId);
      this.flows.set(flowId, this.settled.push(flow));
    }
    this.evict();
  }

  private evict(): void {
    while (this.flows.size > this.maxFlows) {
      const oldest = this.settled.oldest();
      if (oldest === undefined) return;
      this.remove(this.settled.idOf(oldest) as string);
    }
  }

  private remove(flowId: string): void {
    const kept = this.flows.get(flowId);
    if (kept === undefined) return;
    const key = this.keyOf(kept);
    if (key !== undefined) this.forgetKey(key, flowId);
    if (typeof kept === 'number') this.settled.kill(kept);
    this.flows.delete(flowId);
    this.open.delete(flowId);
  }

  private forgetKey(key: string, flowId: string): void {
    if (this.keys.get(key) === flowId) this.keys.delete(key);
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new JournalError('invalid', `${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
