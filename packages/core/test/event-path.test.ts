import type { JsonObject } from '@bluechip-ws/protocol';
import { describe, expect, it } from 'vitest';
import { type JournalRecord, MemoryJournal } from '../src/index.js';
import { approved, harness } from './support/harness.js';

const SALE = { type: 'sale', amount: 6417 };

/** A MemoryJournal that also keeps every record appended, in order. */
class RecordingJournal extends MemoryJournal {
  readonly records: JournalRecord[] = [];
  override append(record: JournalRecord): void {
    this.records.push(record);
    super.append(record);
  }
}

const declined: JsonObject = {
  status: 'completed',
  results: [{ status: 'declined', type: 'sale', reference_no: '3', total_amount: '6417' }],
};

/**
 * A hostile sequence for one flow id: a proceed and its resend, the final and its resend, the same final in
 * other bytes, then a final that contradicts it and that one's resend.
 */
function hostileFrames(flowId: string): string[] {
  const proceed = JSON.stringify({ event: { flow_id: flowId, resource: { status: 'proceed', seq: 1 } } });
  const final = JSON.stringify({ event: { flow_id: flowId, resource: approved() } });
  const reformatted = JSON.stringify({ event: { flow_id: flowId, resource: approved() } }, null, 2);
  const conflicting = JSON.stringify({ event: { flow_id: flowId, resource: declined } });
  return [proceed, proceed, final, final, reformatted, conflicting, conflicting];
}

/** What the journal says of the events and their acks, whoever received them (unclaimed or not). */
function eventRecords(records: readonly JournalRecord[], flowId: string): unknown[] {
  return records
    .filter(
      (r) => r.flowId === flowId && (r.kind === 'event' || r.kind === 'ack_sent' || r.kind === 'flow_ended'),
    )
    .map((r) =>
      r.kind === 'event'
        ? { kind: r.kind, status: r.status, final: r.final, conflict: r.conflict === true }
        : r.kind === 'ack_sent'
          ? { kind: r.kind, status: r.status, conflict: r.conflict === true }
          : { kind: r.kind, outcome: r.kind === 'flow_ended' ? r.outcome : undefined },
    );
}

/** Sends the frames one by one, settling the session (journal look-ups included) after each; acks per step. */
async function drive(h: ReturnType<typeof harness>, flowId: string): Promise<number[]> {
  const acks: number[] = [];
  for (const frame of hostileFrames(flowId)) {
    h.terminal.send(frame);
    h.advance();
    // An unknown flow's final waits for one journal look-up (a promise): let it settle, then deliver.
    for (let i = 0; i < 5; i++) await Promise.resolve();
    h.advance();
    acks.push(h.terminal.acks(flowId).length);
  }
  return acks;
}

describe('one path for every incoming event', () => {
  it('a live flow and an unknown flow id get the same journal records and acks for the same hostile frames', async () => {
    const liveJournal = new RecordingJournal();
    const live = harness({ journal: liveJournal });
    const flow = live.record(live.session.flow('payment', SALE));
    live.advance();
    const liveId = live.terminal.lastFlowId();
    live.terminal.started(liveId);
    live.advance();
    const liveAcks = await drive(live, liveId);

    const orphanJournal = new RecordingJournal();
    const unknown = harness({ journal: orphanJournal });
    // Another flow opens the link; the frames are for a flow id this session never ran.
    unknown.record(unknown.session.flow('payment', SALE));
    unknown.advance();
    const unknownAcks = await drive(unknown, '4242424');

    // Every frame is answered the same way: the resends re-acked, the conflicting final acked (so the
    // terminal stops), its resend re-acked.
    expect(liveAcks).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(unknownAcks).toEqual(liveAcks);
    const expected = [
      // Acks of intermediate events are not journaled (nothing reads them).
      { kind: 'event', status: 'proceed', final: false, conflict: false },
      { kind: 'event', status: 'completed', final: true, conflict: false },
      { kind: 'ack_sent', status: 'completed', conflict: false },
      { kind: 'flow_ended', outcome: 'completed' },
      { kind: 'ack_sent', status: 'completed', conflict: false },
      { kind: 'ack_sent', status: 'completed', conflict: false },
      { kind: 'event', status: 'completed', final: true, conflict: true },
      { kind: 'ack_sent', status: 'completed', conflict: true },
      { kind: 'ack_sent', status: 'completed', conflict: true },
    ];
    expect(eventRecords(liveJournal.records, liveId)).toEqual(expected);
    expect(eventRecords(orphanJournal.records, '4242424')).toEqual(expected);
    // The first final stays the outcome for both; the contradicting one is surfaced, never delivered.
    expect(flow.updates.filter((u) => u.type === 'event' && u.final)).toHaveLength(1);
    expect(flow.completed).toBe(true);
    expect((await liveJournal.flow(liveId))?.final).toEqual(approved());
    expect((await orphanJournal.flow('4242424'))?.final).toEqual(approved());
    expect(live.unclaimed.map((u) => u.reason)).toEqual(['conflicting_final']);
    expect(unknown.unclaimed.map((u) => u.reason)).toEqual([
      'unknown_flow',
      'unknown_flow',
      'conflicting_final',
    ]);
  });
});
