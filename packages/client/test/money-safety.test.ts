import { type Link, MemoryJournal, type UnclaimedEvent } from '@bluechip-ws/core';
import { createMemoryNetwork } from '@bluechip-ws/transport-memory';
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { cents, connect } from '../src/index.js';
import { PLAIN, runUntil, testRig } from './recovery-support.js';

const approvedFinal = {
  status: 'completed',
  results: [{ status: 'approved', type: 'sale', total_amount: '1234', reference_no: '1' }],
};
const declinedFinal = {
  status: 'completed',
  results: [{ status: 'declined', type: 'sale', total_amount: '1234', reference_no: '2' }],
};

/** A hostile terminal: answers each request with "started", then an approval, then a different final. */
function twoFinalsTerminal() {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
  const network = createMemoryNetwork({ scheduler });
  const acks: string[] = [];
  const links: Link[] = [];
  network.server.connections$.subscribe((link) => {
    links.push(link);
    link.frames$.subscribe((frame) => {
      const message = JSON.parse(String(frame)) as Record<string, { flow_id: string }>;
      if (message.event_ack) acks.push(message.event_ack.flow_id);
      const flowId = message.request?.flow_id;
      if (flowId === undefined) return;
      const send = (kind: string, resource: object) =>
        link.send(JSON.stringify({ [kind]: { flow_id: flowId, resource } }));
      send('response', { status: 'started' });
      send('event', approvedFinal);
      send('event', declinedFinal);
    });
  });
  // Runs what is due within the next second only (a full flush would also run the 2-minute ack deadline).
  const settle = () => {
    scheduler.maxFrames = scheduler.frame + 1_000;
    scheduler.flush();
  };
  const resend = (flowId: string) =>
    links[0]?.send(JSON.stringify({ event: { flow_id: flowId, resource: declinedFinal } }));
  return { scheduler, network, acks, resend, settle };
}

describe('money safety at the client', () => {
  it('manual ack, Promise form: a second, different final is not lost (defect 2)', async () => {
    const t = twoFinalsTerminal();
    const journal = new MemoryJournal();
    const terminal = connect({
      transport: t.network.transport,
      scheduler: t.scheduler,
      journal,
      ackMode: 'manual',
    });
    const unclaimed: UnclaimedEvent[] = [];
    terminal.unclaimed$.subscribe((u) => unclaimed.push(u));
    const outcome = await runUntil(
      t.scheduler,
      terminal.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'order-1' }),
    );
    t.settle();
    expect(outcome.kind).toBe('approved');
    // The conflicting final reached unclaimed$ as a conflict and was acked, so the terminal stops resending.
    expect(unclaimed).toMatchObject([{ flowId: outcome.flowId, reason: 'conflicting_final', acked: true }]);
    expect(t.acks).toEqual([outcome.flowId]);
    t.resend(outcome.flowId);
    t.settle();
    expect(t.acks).toEqual([outcome.flowId, outcome.flowId]);
    // The approval is not acked until the POS accepts it, and a replay of the key returns the approval.
    expect(await journal.byIdempotencyKey('order-1')).toMatchObject({ finalAcked: false, conflict: true });
    outcome.ack();
    t.settle();
    expect(await journal.byIdempotencyKey('order-1')).toMatchObject({
      finalAcked: true,
      final: approvedFinal,
    });
    const replay = await runUntil(
      t.scheduler,
      terminal.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'order-1' }),
    );
    expect(replay).toMatchObject({ kind: 'approved', replayed: true, flowId: outcome.flowId });
    terminal.close();
  });

  it('two processes on one journal whose generators draw the same id keep two flows (defect 1)', async () => {
    const r = testRig();
    // Each process's generator starts over: 100001, 100001, 100002, 100003…
    const sameIds = () => {
      let next = 0;
      return () => String(100_000 + Math.max(1, next++));
    };
    const first = r.terminal({ flowIds: sameIds() });
    const approved = await r.run(first.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'order-1' }));
    first.close();
    const second = r.terminal({ flowIds: sameIds() });
    const declined = await r.run(second.sale({ amount: cents(200) }, { idempotencyKey: 'order-2' }));
    expect([approved.flowId, approved.kind]).toEqual(['100001', 'approved']);
    expect([declined.flowId, declined.kind]).toEqual(['100002', 'declined']);
    const replay = await r.run(second.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'order-1' }));
    expect(replay).toMatchObject({ kind: 'approved', replayed: true, flowId: '100001' });
    expect(replay.result?.referenceNo).toBe(approved.result?.referenceNo);
    expect(r.requests.filter((q) => q.type === 'sale')).toHaveLength(2);
  });
});
