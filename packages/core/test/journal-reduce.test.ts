import { describe, expect, it } from 'vitest';
import {
  emptyFlow,
  type FlowSummary,
  foldRecord,
  foldRecords,
  isFlowSummary,
  isJournalRecord,
  isOpenFlow,
  type JournalRecord,
  MemoryJournal,
} from '../src/internal.js';
import { acked, completedFlow, ended, event, reconciled, sent, started } from './journal-records.js';

const fold = (records: JournalRecord[]): FlowSummary => {
  const flows = foldRecords(records);
  expect(flows.size).toBe(1);
  return [...flows.values()][0]!;
};

describe('foldRecord', () => {
  it('folds a whole successful flow', () => {
    const flow = fold(completedFlow('1', 'key-1'));
    expect(flow).toEqual({
      flowId: '1',
      endpoint: '/tsi/v1/payment',
      request: { type: 'sale', amount: 6417 },
      idempotencyKey: 'key-1',
      sentAt: 1,
      started: true,
      events: [{ status: 'completed', results: [{ status: 'approved' }] }],
      final: { status: 'completed', results: [{ status: 'approved' }] },
      finalAcked: true,
      ended: { outcome: 'completed', at: 5 },
    });
    expect(isOpenFlow(flow)).toBe(false);
  });

  it('never mutates the summary it is given', () => {
    const before = foldRecord(undefined, sent('1'));
    const frozen = JSON.stringify(before);
    foldRecord(before, event('1', 'proceed', false));
    foldRecord(before, ended('1', 'failed'));
    expect(JSON.stringify(before)).toBe(frozen);
  });

  it('starts from an empty flow when the first record is not request_sent', () => {
    const flow = foldRecord(undefined, event('x', 'completed', true));
    expect(flow).toMatchObject({
      flowId: 'x',
      started: false,
      finalAcked: false,
      events: [{ status: 'completed' }],
    });
    expect(flow.request).toBeUndefined();
  });

  it('counts only an ack after the final event as acking it', () => {
    const proceedAcked = fold([sent('1'), event('1', 'proceed', false), acked('1', 'ok')]);
    expect(proceedAcked.finalAcked).toBe(false);
    const finalArrived = foldRecord(proceedAcked, event('1', 'completed', true));
    expect(finalArrived.finalAcked).toBe(false);
    // A late re-ack of the intermediate event, named by its status, is not the final ack.
    expect(foldRecord(finalArrived, acked('1', 'proceed')).finalAcked).toBe(false);
    expect(foldRecord(finalArrived, acked('1', 'completed')).finalAcked).toBe(true);
    expect(foldRecord(finalArrived, acked('1', 'ok')).finalAcked).toBe(true);
  });

  it('keeps events in arrival order, bounded per flow', () => {
    const records = [sent('t'), ...Array.from({ length: 10 }, (_, i) => event('t', `s${i}`, false))];
    const flows = foldRecords(records, { maxEventsPerFlow: 3 });
    expect(flows.get('t')!.events.map((e) => e.status)).toEqual(['s7', 's8', 's9']);
  });

  it('keeps the last 64 events of an open flow by default, in place in a journal, oldest dropped first', async () => {
    const journal = new MemoryJournal();
    journal.append(sent('t'));
    for (let i = 0; i < 200; i++) journal.append(event('t', `s${i}`, false));
    const events = (await journal.flow('t'))!.events.map((e) => e.status);
    expect(events).toHaveLength(64);
    expect(events[0]).toBe('s136');
    expect(events.at(-1)).toBe('s199');
  });

  it('leaves unknown fields undefined, and absent inside nested records', () => {
    const flow = fold([sent('1'), ended('1', 'failed'), reconciled('1', 'recovered')]);
    // Summaries share one shape (every key present) for speed; an unknown field reads as undefined.
    expect(flow.idempotencyKey).toBeUndefined();
    expect(JSON.parse(JSON.stringify(flow))).not.toHaveProperty('idempotencyKey');
    expect('error' in flow.ended!).toBe(false);
    expect('note' in flow.reconciled!).toBe(false);
  });
});

describe('isOpenFlow', () => {
  const cases: [string, JournalRecord[], boolean][] = [
    ['sent only (never ended)', [sent('1')], true],
    ['started, no event', [sent('1'), started('1')], true],
    ['final event not acked', [sent('1'), started('1'), event('1', 'completed', true)], true],
    [
      'final response needing no ack, ended completed',
      [sent('1'), event('1', 'completed', true), ended('1', 'completed')],
      false,
    ],
    ['final acked but never ended', [sent('1'), event('1', 'completed', true), acked('1', 'ok')], true],
    ['completed and acked', completedFlow('1'), false],
    ['refused (ended failed, no final)', [sent('1'), ended('1', 'failed')], false],
    [
      'final not acked, then the link failed (ended failed)',
      [sent('1'), event('1', 'completed', true), ended('1', 'failed')],
      true,
    ],
    ['ended unknown', [sent('1'), started('1'), ended('1', 'unknown')], true],
    [
      'ended unknown, reconciled still_unknown',
      [sent('1'), ended('1', 'unknown'), reconciled('1', 'still_unknown')],
      true,
    ],
    [
      'ended unknown, reconciled recovered',
      [sent('1'), ended('1', 'unknown'), reconciled('1', 'recovered')],
      false,
    ],
    ['never ended, reconciled not_found', [sent('1'), reconciled('1', 'not_found')], false],
    [
      'final not acked, reconciled failed',
      [sent('1'), event('1', 'error', true), reconciled('1', 'failed')],
      false,
    ],
  ];
  it.each(cases)('%s', (_name, records, open) => {
    expect(isOpenFlow(fold(records))).toBe(open);
  });

  it('treats a flow this POS never sent, with no final, as settled (a peer inventing ids fills nothing)', () => {
    expect(isOpenFlow(emptyFlow('1'))).toBe(false);
    expect(isOpenFlow(foldRecord(emptyFlow('1'), { kind: 'started', flowId: '1', at: 1 }))).toBe(false);
  });
});

describe('guards', () => {
  it('accepts every record kind the builders make, and summaries the reducer makes', () => {
    const records = [...completedFlow('1', 'k'), reconciled('1', 'recovered')];
    for (const record of records) expect(isJournalRecord(record)).toBe(true);
    expect(isFlowSummary(fold(records))).toBe(true);
    expect(isFlowSummary(JSON.parse(JSON.stringify(fold(records))))).toBe(true);
  });

  it.each([
    null,
    [],
    'request_sent',
    { kind: 'started', flowId: '1' },
    { kind: 'started', flowId: 1, at: 1 },
    { kind: 'nope', flowId: '1', at: 1 },
    { kind: 'event', flowId: '1', at: 1, status: 'ok', final: 'yes', resource: {} },
    { kind: 'request_sent', flowId: '1', at: 1, endpoint: '/x', resource: [] },
    { kind: 'flow_ended', flowId: '1', at: 1, outcome: 'maybe' },
    { kind: 'reconciled', flowId: '1', at: 1, verdict: 'recovered', note: 3 },
  ])('rejects %j as a record', (value) => {
    expect(isJournalRecord(value)).toBe(false);
  });

  it('rejects malformed summaries', () => {
    expect(isFlowSummary({ flowId: '1', started: false, events: [], finalAcked: false })).toBe(true);
    expect(isFlowSummary({ flowId: '1', started: false, events: [1], finalAcked: false })).toBe(false);
    expect(isFlowSummary({ flowId: '1', started: false, events: [], finalAcked: false, ended: {} })).toBe(
      false,
    );
    expect(isFlowSummary({ flowId: '1', events: [], finalAcked: false })).toBe(false);
  });
});
