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
  /** Kept flows that need attention, by id (usually none or one at a time: see `SoleFirstMap`). */
  private readonly open = new SoleFirstMap<string, MutableFlow>();
  /**
   * The eviction queue: kept flows in the order they settled, each with the ticket it was given then. An
   * entry whose flow has another ticket now (it opened again, or was removed) is stale and skipped. Two
   * arrays and a head, not a Set of ids: every flow settles once, and a Set of 10 000 ids with one insert
   * and one delete per flow rehashed its whole table every few thousand flows.
   */
  private queue: (MutableFlow | undefined)[] = [];
  private tickets: number[] = [];
  private head = 0;
  private lastTicket = 0;
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
    for (const flow of this.open.values()) result.push(copyFlow(flow));
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
      // Its queue entry, if any, goes stale.
      flow.settledTicket = 0;
      this.open.set(flowId, flow);
    } else if (flow.settledTicket === 0) {
      this.open.delete(flowId);
      this.enqueue(flow);
    }
    this.evict();
  }

  private enqueue(flow: MutableFlow): void {
    // The taken entries are dropped once they are half the queue, and stale ones (flows that opened again
    // or were removed) once they outnumber the flows kept: the queue stays within a few times the flows
    // kept whatever the records do, and each compaction is paid for by as many appends.
    const waiting = this.queue.length - this.head;
    if ((this.head >= 1024 && this.head >= waiting) || waiting > 2 * this.flows.size + 64)
      this.compactQueue();
    flow.settledTicket = ++this.lastTicket;
    this.queue.push(flow);
    this.tickets.push(flow.settledTicket);
  }

  private evict(): void {
    while (this.flows.size > this.maxFlows) {
      const oldest = this.nextSettled();
      if (oldest === undefined) return;
      this.remove(oldest.flowId);
    }
  }

  /** Takes the flow that settled longest ago and is still settled and kept, off the queue. */
  private nextSettled(): MutableFlow | undefined {
    while (this.head < this.queue.length) {
      const flow = this.queue[this.head] as MutableFlow;
      const ticket = this.tickets[this.head] as number;
      // Taken: the queue no longer holds the summary (an evicted flow must be free to go).
      this.queue[this.head] = undefined;
      this.head++;
      if (flow.settledTicket === ticket && this.flows.get(flow.flowId) === flow) return flow;
    }
    return undefined;
  }

  /** Drops the entries taken and the stale ones (see `enqueue` for when). */
  private compactQueue(): void {
    const queue: MutableFlow[] = [];
    const tickets: number[] = [];
    for (let i = this.head; i < this.queue.length; i++) {
      const flow = this.queue[i] as MutableFlow;
      if (flow.settledTicket !== this.tickets[i] || this.flows.get(flow.flowId) !== flow) continue;
      queue.push(flow);
      tickets.push(this.tickets[i] as number);
    }
    this.queue = queue;
    this.tickets = tickets;
    this.head = 0;
  }

  private remove(flowId: string): void {
    const flow = this.flows.get(flowId);
    if (flow === undefined) return;
    if (flow.idempotencyKey !== undefined) this.forgetKey(flow.idempotencyKey, flowId);
    flow.settledTicket = 0;
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
