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
 */
export class FlowIndex {
  /** Every kept flow, in order of its first record. */
  private readonly flows = new Map<string, MutableFlow>();
  /** Ids of kept flows that need attention. */
  private readonly open = new Set<string>();
  /** Ids of kept settled flows, in the order they settled: the eviction queue. */
  private readonly settled = new Set<string>();
  private readonly keys = new Map<string, string>();
  /** Walks `settled` oldest first across evictions (see `evict`). */
  private settledCursor: Iterator<string> | undefined;
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
   * its frame when the record has one (`EVENT_FRAME`). Returns the live summary: read it now, do not keep it
   * (`get` gives a copy, its events decoded).
   */
  apply(record: JournalRecord): MutableFlow {
    // Only a journal written before requests were admitted can hold a second request for one id: it starts
    // a new flow rather than folding into the old one's result.
    if (record.kind === 'request_sent' && this.flows.get(record.flowId)?.request !== undefined) {
      this.remove(record.flowId);
    }
    let flow = this.flows.get(record.flowId);
    if (flow === undefined) {
      flow = emptyFlow(record.flowId);
      this.flows.set(record.flowId, flow);
      applyRecord(flow, record, this.limits, 'frame');
      this.put(flow, undefined);
      return flow;
    }
    const previousKey = flow.idempotencyKey;
    const wasOpen = isOpenFlow(flow);
    applyRecord(flow, record, this.limits, 'frame');
    if (previousKey !== flow.idempotencyKey || wasOpen !== isOpenFlow(flow)) this.put(flow, previousKey);
    // Neither its key nor open/settled changed (every proceed event of a live flow): the sets stay as they
    // are, and nothing new is kept, so the bound needs no look.
    return flow;
  }

  /** Replaces a flow's summary wholesale (a compacted journal stores summaries, not records). */
  restore(summary: FlowSummary): void {
    const previousKey = this.flows.get(summary.flowId)?.idempotencyKey;
    const flow = ownFlow(summary);
    this.flows.set(flow.flowId, flow);
    this.put(flow, previousKey);
  }

  get(flowId: string): FlowSummary | undefined {
    const flow = this.flows.get(flowId);
    return flow === undefined ? undefined : copyFlow(flow);
  }

  byIdempotencyKey(key: string): FlowSummary | undefined {
    const flowId = this.keys.get(key);
    return flowId === undefined ? undefined : this.get(flowId);
  }

  openFlows(): FlowSummary[] {
    const result: FlowSummary[] = [];
    for (const flowId of this.open) {
      const flow = this.flows.get(flowId);
      if (flow !== undefined) result.push(copyFlow(flow));
    }
    return result;
  }

  /** A copy of every kept flow, in order of its first record (compaction), made as the caller iterates. */
  *values(): IterableIterator<FlowSummary> {
    for (const flow of this.flows.values()) yield copyFlow(flow);
  }

  /** Files a flow whose summary just changed: idempotency key, open or settled, then the bound. */
  private put(flow: MutableFlow, previousKey: string | undefined): void {
    const { flowId } = flow;
    if (previousKey !== undefined && previousKey !== flow.idempotencyKey) this.forgetKey(previousKey, flowId);
    // The most recent flow sent with a key wins; a flow id seen again keeps its place in `flows`.
    if (flow.idempotencyKey !== undefined && previousKey !== flow.idempotencyKey) {
      this.keys.set(flow.idempotencyKey, flowId);
    }
    if (isOpenFlow(flow)) {
      this.settled.delete(flowId);
      this.open.add(flowId);
    } else if (!this.settled.has(flowId)) {
      this.open.delete(flowId);
      this.settled.add(flowId);
    }
    this.evict();
  }

  private evict(): void {
    while (this.flows.size > this.maxFlows) {
      // A fresh `values().next()` rescans every slot deleted since V8 last compacted the Set: O(deleted) per
      // eviction. A cursor resumes where it stopped; a finished one does not see later inserts, so renew it.
      let oldest = this.settledCursor?.next();
      if (oldest === undefined || oldest.done === true) {
        this.settledCursor = this.settled.values();
        oldest = this.settledCursor.next();
      }
      if (oldest.done === true) return;
      this.remove(oldest.value);
    }
  }

  private remove(flowId: string): void {
    const key = this.flows.get(flowId)?.idempotencyKey;
    if (key !== undefined) this.forgetKey(key, flowId);
    this.flows.delete(flowId);
    this.settled.delete(flowId);
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
