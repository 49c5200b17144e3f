import { describe, expect, it } from 'vitest';
import { type FrameNote, MAX_FLOWS, Timeline } from '../src/page/timeline.js';

const out = (at: number, body: object): FrameNote => ({
  direction: 'out',
  path: '/tsi/v1/payment',
  text: JSON.stringify(body),
  at,
});
const inn = (at: number, body: object): FrameNote => ({
  direction: 'in',
  path: '/tsi/v1/payment',
  text: JSON.stringify(body),
  at,
});
const request = (id: string) => ({ request: { flow_id: id, resource: { type: 'sale', amount: 1234 } } });
const started = (id: string) => ({ response: { flow_id: id, resource: { status: 'started' } } });
const final = (id: string) => ({
  event: {
    flow_id: id,
    resource: { status: 'completed', results: [{ status: 'approved', account_no: '4111111111111111' }] },
  },
});
const ack = (id: string) => ({ event_ack: { flow_id: id, resource: { status: 'ok' } } });

describe('the flow timeline', () => {
  it('request → started → final → ack, with times from the request and the ack latency', () => {
    const timeline = new Timeline();
    timeline.add(out(1000, request('1')));
    timeline.add(inn(1010, started('1')));
    timeline.add(inn(1300, final('1')));
    const track = timeline.add(out(1304, ack('1')));
    expect(track?.type).toBe('sale');
    expect(track?.entries.map((e) => [e.kind, e.offsetMs, e.marks])).toEqual([
      ['request', 0, []],
      ['started', 10, []],
      ['final', 300, []],
      ['ack', 304, []],
    ]);
    expect(track?.entries[3]?.ackLatencyMs).toBe(4);
    expect(track?.entries[2]?.summary).toBe('event completed (approved)');
    expect(track?.entries[2]?.text).toContain('************1111');
  });

  it('marks a resend (again before the ack), a duplicate (again after it) and an unclaimed event', () => {
    const timeline = new Timeline();
    timeline.add(out(0, request('1')));
    timeline.add(inn(1, started('1')));
    timeline.add(inn(2, final('1')));
    timeline.add(inn(5002, final('1')));
    timeline.add(out(5003, ack('1')));
    const track = timeline.add(inn(6000, final('1')));
    expect(track?.entries.map((e) => e.marks)).toEqual([[], [], [], ['resend'], [], ['late']]);
    const stray = timeline.add(inn(7000, final('9')));
    expect(stray?.entries[0]?.marks).toEqual(['unclaimed']);
    expect(timeline.markUnclaimed('1', 'timed_out')?.unclaimed).toBe('timed_out');
  });

  it('a refused request and an error event are shown with their text; junk frames are skipped', () => {
    const timeline = new Timeline();
    timeline.add(out(0, request('1')));
    const refused = timeline.add(
      inn(1, { response: { flow_id: '1', resource: { status: 'error', error_info: { text: 'TSI busy' } } } }),
    );
    expect(refused?.entries[1]).toMatchObject({ kind: 'refused', summary: 'response error: TSI busy' });
    expect(timeline.add(inn(2, { nonsense: true }))).toBeUndefined();
    expect(timeline.add({ direction: 'in', path: '/', text: '{"event":{"flow', at: 3 })).toBeUndefined();
  });

  it('a lost link cuts off the flows still running; a verdict settles one', () => {
    const timeline = new Timeline();
    timeline.add(out(0, request('1')));
    timeline.add(inn(1, started('1')));
    timeline.add(inn(2, final('1')));
    timeline.add(out(3, ack('1')));
    timeline.add(out(10, request('2')));
    timeline.add(inn(11, started('2')));
    expect(timeline.linkLost(50).map((t) => t.flowId)).toEqual(['2']);
    expect(timeline.linkLost(60)).toEqual([]);
    const cut = timeline.flows.get('2');
    expect(cut?.entries.at(-1)).toMatchObject({
      kind: 'link_lost',
      offsetMs: 40,
      summary: 'link lost: outcome unknown',
    });
    expect(timeline.settled('2', 'recovered, approved', 90)?.entries.at(-1)).toMatchObject({
      kind: 'verdict',
      summary: 'reconciled: recovered, approved',
    });
    expect(timeline.settled('2', 'recovered, approved', 91)?.entries).toHaveLength(4);
    expect(timeline.settled('nope', 'not_found', 95)).toBeUndefined();
  });

  it('exports a flow as JSON with ISO times, and keeps at most MAX_FLOWS flows', () => {
    const timeline = new Timeline();
    for (let i = 0; i < MAX_FLOWS + 5; i++) timeline.add(out(i, request(String(i))));
    expect(timeline.flows.size).toBe(MAX_FLOWS);
    expect(timeline.flows.has('0')).toBe(false);
    const exported = JSON.parse(timeline.exportFlow(String(MAX_FLOWS)) ?? '');
    expect(exported).toMatchObject({ flowId: String(MAX_FLOWS), type: 'sale' });
    expect(exported.entries[0]).toMatchObject({ kind: 'request', at: new Date(MAX_FLOWS).toISOString() });
    expect(exported.entries[0].frame).toEqual(request(String(MAX_FLOWS)));
    expect(timeline.exportFlow('nope')).toBeUndefined();
  });
});
