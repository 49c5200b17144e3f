import type { FlowSummary } from '@bluechip-ws/core';

const MEMORY = 1_024;

/**
 * What this process is running and what it sent: the bookkeeping behind the recovery gate. A flow is live
 * from its admission until its operation ends; an aborted one is `detached` and stays live until the
 * session has ended it in the journal (it runs on, and its result goes to `unclaimed$`).
 */
export class LiveFlows {
  private readonly live = new Map<string, { state: 'attached' | 'detached'; key?: string }>();
  /** Idempotency keys held by a live flow, or by one being admitted. */
  private readonly keys = new Map<string, string>();
  private readonly sent = new BoundedSet(MEMORY);
  /** Flows refused "TSI busy" that reconciliation should still check (see `isBusyRefusal`). */
  private readonly suspects = new BoundedSet(MEMORY);

  holderOf(key: string): string | undefined {
    return this.keys.get(key);
  }

  reserve(key: string, flowId: string): void {
    this.keys.set(key, flowId);
  }

  release(key: string, flowId: string): void {
    if (this.keys.get(key) === flowId) this.keys.delete(key);
  }

  attach(flowId: string, key: string | undefined): void {
    this.live.set(flowId, key === undefined ? { state: 'attached' } : { state: 'attached', key });
    this.sent.add(flowId);
  }

  detach(flowId: string): void {
    const live = this.live.get(flowId);
    if (live !== undefined) live.state = 'detached';
  }

  /** The flow's operation ended: it and its key are free. */
  end(flowId: string): void {
    const live = this.live.get(flowId);
    this.live.delete(flowId);
    if (live?.key !== undefined) this.release(live.key, flowId);
  }

  /** Still running here: attached to a caller, or detached and not yet ended in the journal. */
  isLive(flow: FlowSummary): boolean {
    const live = this.live.get(flow.flowId);
    if (live === undefined) return false;
    if (live.state === 'attached' || flow.ended === undefined) return true;
    this.end(flow.flowId);
    return false;
  }

  /** Frees a detached flow (and its key) once the session has ended it; `lookup` reads the journal. */
  async prune(flowId: string, lookup: (flowId: string) => Promise<FlowSummary | undefined>): Promise<void> {
    if (this.live.get(flowId)?.state !== 'detached') return;
    const flow = await lookup(flowId);
    // A detached flow the journal has not heard of was never sent (the session drops it unsent).
    if (flow === undefined) this.end(flowId);
    else this.isLive(flow);
  }

  hasDetached(): boolean {
    for (const live of this.live.values()) if (live.state === 'detached') return true;
    return false;
  }

  sentHere(flowId: string): boolean {
    return this.sent.has(flowId);
  }

  suspect(flowId: string): void {
    this.suspects.add(flowId);
  }

  suspected(): string[] {
    return this.suspects.values();
  }

  clearSuspect(flowId: string): void {
    this.suspects.delete(flowId);
  }
}

/** A set that forgets its oldest entries past `limit`. */
class BoundedSet {
  private readonly items = new Set<string>();

  constructor(private readonly limit: number) {}

  add(item: string): void {
    this.items.add(item);
    if (this.items.size > this.limit) {
      const oldest = this.items.values().next();
      if (!oldest.done) this.items.delete(oldest.value);
    }
  }

  has(item: string): boolean {
    return this.items.has(item);
  }

  delete(item: string): void {
    this.items.delete(item);
  }

  values(): string[] {
    return [...this.items];
  }
}
