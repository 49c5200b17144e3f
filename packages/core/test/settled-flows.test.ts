import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyFlow, type MutableFlow } from '../src/journal/reduce.js';
import { COLUMN, SettledFlows } from '../src/journal/settled-flows.js';
import { TextPages } from '../src/text-pages.js';

/** A reference column of a slot table (what it keeps alive). */
function column(slots: SettledFlows, name: keyof typeof COLUMN): unknown[] {
  return (slots as unknown as { refs: unknown[][] }).refs[COLUMN[name]] as unknown[];
}

/** A settled summary: plain (kept as columns) or with a verdict (kept as its object). */
function settledFlow(flowId: string, n: number, plain: boolean): MutableFlow {
  const flow = emptyFlow(flowId);
  flow.request = { type: 'sale', amount: n };
  flow.endpoint = '/tsi/v1/payment';
  flow.sentAt = 1_700_000_000_000 + n;
  flow.started = true;
  flow.final = `{"final":${n}}`;
  flow.finalStatus = 'completed';
  flow.finalAcked = true;
  flow.ended = { outcome: n % 3 === 0 ? 'failed' : 'completed', at: 1_700_000_000_500 + n };
  if (n % 2 === 0) flow.idempotencyKey = `k${n}`;
  if (n % 5 === 0) flow.events = [`{"proceed":${n}}`];
  if (!plain) flow.reconciled = { verdict: 'recovered', at: 9 };
  return flow;
}

type Op =
  | { readonly op: 'push'; readonly plain: boolean }
  | { readonly op: 'kill'; readonly pick: number; readonly oldestToo: boolean };

describe('SettledFlows', () => {
  it('reads back what it keeps, oldest first, through growth and compaction, within a bounded span', () => {
    const op: fc.Arbitrary<Op> = fc.oneof(
      { arbitrary: fc.record({ op: fc.constant('push' as const), plain: fc.boolean() }), weight: 3 },
      // Mostly kills behind the oldest: dead slots pile up between it and the newest (compaction).
      fc.record({
        op: fc.constant('kill' as const),
        pick: fc.nat(),
        oldestToo: fc.nat(9).map((n) => n === 0),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 100, maxLength: 300 }), (ops) => {
        const seqOf = new Map<string, number>();
        const slots = new SettledFlows((flowId, seq) => seqOf.set(flowId, seq));
        // The model: the live flows in the order they were pushed.
        const live: MutableFlow[] = [];
        let n = 0;
        for (const step of ops) {
          if (step.op === 'push') {
            const flow = settledFlow(`f${n}`, n, step.plain);
            n++;
            live.push(flow);
            seqOf.set(flow.flowId, slots.push(flow));
          } else if (live.length > (step.oldestToo ? 0 : 1)) {
            const at = step.oldestToo ? step.pick % live.length : 1 + (step.pick % (live.length - 1));
            const [gone] = live.splice(at, 1) as [MutableFlow];
            slots.kill(seqOf.get(gone.flowId) as number);
            seqOf.delete(gone.flowId);
          }
          for (const flow of live) {
            const seq = seqOf.get(flow.flowId) as number;
            expect(slots.idOf(seq)).toBe(flow.flowId);
            expect(slots.keyOf(seq)).toBe(flow.idempotencyKey);
            expect(slots.read(seq)).toEqual(flow);
          }
          const oldest = slots.oldest();
          expect(oldest === undefined ? undefined : slots.idOf(oldest)).toBe(live[0]?.flowId);
          expect(slots.span).toBeLessThanOrEqual(2 * live.length + 16);
          // No slot keeps anything of a flow it let go.
          const count = (name: keyof typeof COLUMN) =>
            column(slots, name).filter((v) => v !== undefined).length;
          const plain = live.filter((flow) => flow.reconciled === undefined);
          expect(count('id')).toBe(live.length);
          expect(count('object')).toBe(live.length - plain.length);
          expect(count('request')).toBe(plain.length);
          expect(count('final')).toBe(plain.length);
          expect(count('events')).toBe(plain.filter((flow) => flow.events.length > 0).length);
        }
      }),
      { numRuns: 25 },
    );
  }, 60_000);

  it('keeps its place when written back, and lets a killed slot go', () => {
    const slots = new SettledFlows(() => {});
    const a = slots.push(settledFlow('a', 1, true));
    const b = slots.push(settledFlow('b', 2, true));
    const changed = slots.read(a);
    changed.finalAcked = false;
    slots.write(a, changed);
    expect(slots.oldest()).toBe(a);
    expect(slots.read(a).finalAcked).toBe(false);
    slots.kill(a);
    expect(slots.oldest()).toBe(b);
    const kept = (name: keyof typeof COLUMN) => column(slots, name).filter((v) => v !== undefined);
    expect(kept('request')).toHaveLength(1);
    expect(kept('final')).toHaveLength(1);
    const withEvents = slots.push(settledFlow('c', 5, true));
    expect(kept('events')).toHaveLength(1);
    slots.kill(withEvents);
    expect(kept('events')).toHaveLength(0);
  });

  it('keeps final frames as bytes, exact, and reuses their pages as the oldest flows leave', () => {
    const texts = new TextPages();
    const seqOf = new Map<string, number>();
    const slots = new SettledFlows((flowId, seq) => seqOf.set(flowId, seq), texts);
    const frame = (n: number) =>
      `{"event":{"flow_id":"${n}","resource":{"status":"completed","name":"Zoë ${n} 🎉","pad":"${'x'.repeat(560)}"}}}`;
    const ids: string[] = [];
    for (let n = 0; n < 30_000; n++) {
      const flow = settledFlow(`f${n}`, n, n % 50 !== 0);
      flow.final = frame(n);
      ids.push(flow.flowId);
      seqOf.set(flow.flowId, slots.push(flow));
      // Written back unchanged now and then (a record after the flow settled): the same bytes stay.
      if (n % 7 === 0)
        slots.write(seqOf.get(flow.flowId) as number, slots.read(seqOf.get(flow.flowId) as number));
      if (ids.length > 1000) slots.kill(seqOf.get(ids.shift() as string) as number);
    }
    for (const id of ids) expect(slots.read(seqOf.get(id) as number).final).toBe(frame(Number(id.slice(1))));
    // 1 000 frames of ~640 bytes are ten 64 KiB pages; recycled, a few more at most.
    expect(texts.made).toBeLessThanOrEqual(16);
  });

  it('keeps a final with a lone surrogate as its string (UTF-8 cannot carry it)', () => {
    const slots = new SettledFlows(() => {});
    const flow = settledFlow('s', 1, true);
    flow.final = '{"event":{"resource":{"status":"completed","name":"\uD800"}}}';
    const seq = slots.push(flow);
    expect(slots.read(seq).final).toBe(flow.final);
    expect(column(slots, 'final')[seq]).toBe(flow.final);
  });

  it('stays within a few slots per kept flow when flows behind the oldest keep leaving', () => {
    const seqOf = new Map<string, number>();
    const slots = new SettledFlows((flowId, seq) => seqOf.set(flowId, seq));
    seqOf.set('oldest', slots.push(settledFlow('oldest', 1, true)));
    for (let i = 0; i < 1000; i++) {
      const id = `f${i}`;
      seqOf.set(id, slots.push(settledFlow(id, i, i % 2 === 0)));
      slots.kill(seqOf.get(id) as number);
    }
    expect(slots.span).toBeLessThanOrEqual(32);
    expect((slots as unknown as { capacity: number }).capacity).toBeLessThanOrEqual(32);
    expect(slots.read(seqOf.get('oldest') as number).flowId).toBe('oldest');
  });
});
