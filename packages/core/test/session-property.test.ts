import { decodeFrame } from '@bluechip-ws/protocol';
import { type FaultPlan, MemoryNetwork } from '@bluechip-ws/transport-memory';
import fc from 'fast-check';
import { type Subscription, timer, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type FlowUpdate, MemoryJournal, Session } from '../src/index.js';

/**
 * A terminal that behaves as tsi-notes §6 says: `started` at once, the final event after a delay, resent
 * every `ackTimeout` until acked (at most 3 resends). Enough to drive the session under faults.
 */
function resendingTerminal(network: MemoryNetwork, scheduler: VirtualTimeScheduler) {
  const approvedFlows = new Set<string>();
  network.server.connections$.subscribe((link) => {
    const pending = new Map<string, Subscription>();
    link.closed$.subscribe(() => {
      for (const sub of pending.values()) sub.unsubscribe();
    });
    link.frames$.subscribe((frame) => {
      if (typeof frame !== 'string') return;
      const decoded = decodeFrame(frame);
      if (decoded._tag === 'Left') return;
      const { kind, flow_id } = decoded.right;
      if (kind === 'event_ack') {
        pending.get(flow_id)?.unsubscribe();
        pending.delete(flow_id);
        return;
      }
      if (kind !== 'request' || pending.has(flow_id) || approvedFlows.has(flow_id)) return;
      const send = (text: string) => {
        if (link.isOpen) link.send(text);
      };
      send(JSON.stringify({ response: { flow_id, resource: { status: 'started' } } }));
      approvedFlows.add(flow_id);
      const final = JSON.stringify({
        event: {
          flow_id,
          resource: { status: 'completed', results: [{ status: 'approved', reference_no: flow_id }] },
        },
      });
      pending.set(
        flow_id,
        timer(20, 50, scheduler).subscribe((n) => {
          if (n > 3) pending.get(flow_id)?.unsubscribe();
          else send(final);
        }),
      );
    });
  });
  return approvedFlows;
}

const fault = fc.constantFrom<FaultPlan['toPos']>(
  [],
  [{ probability: 0.3, action: { kind: 'drop' } }],
  [{ probability: 0.3, action: { kind: 'duplicate' } }],
  [{ probability: 0.3, action: { kind: 'reorder' } }],
  [{ probability: 0.3, action: { kind: 'delay', ms: 40 } }],
  [{ probability: 0.1, action: { kind: 'disconnect' } }],
  [{ probability: 0.1, action: { kind: 'corrupt' } }],
  [
    { probability: 0.2, action: { kind: 'drop' } },
    { probability: 0.2, action: { kind: 'duplicate' } },
    { probability: 0.1, action: { kind: 'disconnect' } },
  ],
);

describe('property: under random fault schedules', () => {
  it('each final event reaches the consumer at most once, and every flow ends', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fault,
        fault,
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom<'auto' | 'manual'>('auto', 'manual'),
        (seed, toPos, toTerminal, flowCount, ackMode) => {
          const scheduler = new VirtualTimeScheduler();
          const network = new MemoryNetwork({
            scheduler,
            seed,
            faults: { toPos: toPos ?? [], toTerminal: toTerminal ?? [] },
          });
          resendingTerminal(network, scheduler);
          const session = new Session(network.transport, {
            scheduler,
            journal: new MemoryJournal(),
            now: () => scheduler.now(),
            ackMode,
            timeouts: { responseMs: 100, eventGapMs: 300, flowMs: 1000 },
            reconnect: { initialDelayMs: 10, maxAttempts: 3 },
          });
          const finals = new Map<string, number>();
          const ended: string[] = [];
          const unclaimedFinals = new Map<string, number>();
          session.unclaimed$.subscribe((u) => {
            if (u.final) unclaimedFinals.set(u.flowId, (unclaimedFinals.get(u.flowId) ?? 0) + 1);
          });
          for (let i = 0; i < flowCount; i++) {
            session.flow('payment', { type: 'sale', amount: 100 + i }).subscribe({
              next: (u: FlowUpdate) => {
                if (u.type === 'event' && u.final) {
                  finals.set(u.flowId, (finals.get(u.flowId) ?? 0) + 1);
                  if (ackMode === 'manual') u.ack();
                }
              },
              error: () => ended.push('error'),
              complete: () => ended.push('complete'),
            });
          }
          scheduler.flush(); // bounded: every timer in play is finite
          for (const count of finals.values()) expect(count).toBe(1);
          for (const [flowId, count] of unclaimedFinals) {
            expect(count).toBe(1);
            expect(finals.has(flowId)).toBe(false); // never both delivered and surfaced as unclaimed
          }
          expect(ended).toHaveLength(flowCount);
          if ((toPos ?? []).length === 0 && (toTerminal ?? []).length === 0) {
            expect(finals.size).toBe(flowCount); // without faults every sale is delivered
          }
          expect(session.openFlows).toBe(0);
          session.close();
        },
      ),
      { numRuns: 300 },
    );
  });
});
