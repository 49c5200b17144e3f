import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  APPEND_BUILT,
  EVENT_FRAME,
  FlowIndex,
  type FlowSummary,
  foldRecord,
  foldRecords,
  isOpenFlow,
  JournalError,
  type JournalRecord,
  MemoryJournal,
} from '../src/internal.js';
import { COLUMN } from '../src/journal/settled-flows.js';
import { FlowRecorder } from '../src/session/flow-recorder.js';
import { acked, completedFlow, ended, event, reconciled, sent, started } from './journal-records.js';

const appendAll = (journal: MemoryJournal, records: JournalRecord[]): void => {
  for (const record of records) journal.append(record);
};

describe('MemoryJournal', () => {
  it('appends synchronously and reads back by flow id and idempotency key', async () => {
    const journal = new MemoryJournal();
    expect(journal.append(sent('1', 1, 'key'))).toBeUndefined();
    appendAll(journal, completedFlow('2', 'other'));
    expect((await journal.flow('1'))?.idempotencyKey).toBe('key');
    expect((await journal.byIdempotencyKey('other'))?.flowId).toBe('2');
    expect(await journal.flow('nope')).toBeUndefined();
    expect(await journal.byIdempotencyKey('nope')).toBeUndefined();
    expect((await journal.openFlows()).map((f) => f.flowId)).toEqual(['1']);
  });

  it('returns the most recent flow sent with an idempotency key', async () => {
    const journal = new MemoryJournal();
    appendAll(journal, [...completedFlow('1', 'k'), sent('2', 7, 'k'), ended('1', 'completed', 9)]);
    expect((await journal.byIdempotencyKey('k'))?.flowId).toBe('2');
  });

  it('lists a flow as open until reconciliation reaches a terminal verdict', async () => {
    const journal = new MemoryJournal();
    appendAll(journal, [sent('1'), started('1'), ended('1', 'unknown')]);
    expect(await journal.openFlows()).toHaveLength(1);
    journal.append(reconciled('1', 'still_unknown'));
    expect(await journal.openFlows()).toHaveLength(1);
    journal.append(reconciled('1', 'recovered', 8));
    expect(await journal.openFlows()).toHaveLength(0);
    expect((await journal.flow('1'))?.reconciled).toEqual({ verdict: 'recovered', at: 8 });
  });

  it('throws a typed error after close, and for a malformed record', async () => {
    const journal = new MemoryJournal();
    expect(() => journal.append({ kind: 'bogus' } as unknown as JournalRecord)).toThrow(
      expect.objectContaining({ name: 'JournalError', code: 'invalid' }),
    );
    await journal.close();
    await journal.close();
    expect(() => journal.append(sent('1'))).toThrow(JournalError);
    expect(() => journal.append(sent('1'))).toThrow(expect.objectContaining({ code: 'closed' }));
  });

  it('rejects a bound that is not a positive integer', () => {
    expect(() => new MemoryJournal({ maxFlows: 0 })).toThrow(expect.objectContaining({ code: 'invalid' }));
    expect(() => new MemoryJournal({ maxFlows: 1.5 })).toThrow(JournalError);
  });

  it('evicts the flows that settled first, never an open one', async () => {
    const journal = new MemoryJournal({ maxFlows: 3 });
    journal.append(sent('open-old', 1, 'k-open'));
    appendAll(journal, completedFlow('a', 'k-a'));
    appendAll(journal, completedFlow('b', 'k-b'));
    appendAll(journal, completedFlow('c'));
    expect(journal.size).toBe(3);
    expect(await journal.flow('a')).toBeUndefined();
    expect(await journal.byIdempotencyKey('k-a')).toBeUndefined();
    expect((await journal.flow('open-old'))?.flowId).toBe('open-old');
    expect((await journal.byIdempotencyKey('k-open'))?.flowId).toBe('open-old');

    // With only open flows left, the bound gives way rather than lose one.
    for (const id of ['o1', 'o2', 'o3']) journal.append(sent(id));
    expect(journal.size).toBe(4);
    expect((await journal.openFlows()).map((f) => f.flowId)).toEqual(['open-old', 'o1', 'o2', 'o3']);
    // Once one settles, the bound applies again.
    appendAll(journal, [event('o1', 'completed', true), ended('o1', 'failed')]);
    expect(journal.size).toBe(4);
    journal.append(reconciled('o1', 'recovered'));
    expect(journal.size).toBe(3);
  });
});

describe('events and finals kept as their frames', () => {
  const frame = (id: string, status: string, seq: number): string =>
    JSON.stringify({ event: { flow_id: id, resource: { status, seq, card: { type: 'visa' } } } });
  const eventOf = (id: string, status: string, seq: number, final = false): JournalRecord => {
    const text = frame(id, status, seq);
    return {
      kind: 'event',
      flowId: id,
      at: seq,
      status,
      final,
      resource: JSON.parse(text).event.resource,
      [EVENT_FRAME]: text,
    };
  };

  it('keeps an intermediate event as its frame text and reads it back as its resource', () => {
    const index = new FlowIndex();
    index.apply(sent('1'));
    const live = index.apply(eventOf('1', 'proceed', 1));
    // The index holds the string (one object for the collector), not the parsed tree.
    expect(live.events).toEqual([frame('1', 'proceed', 1)]);
    expect(index.get('1')?.events).toEqual([{ status: 'proceed', seq: 1, card: { type: 'visa' } }]);
    // Every read is a fresh copy: changing one does not change the next.
    (index.get('1')?.events[0] as { seq: number }).seq = 99;
    expect(index.get('1')?.events[0]).toMatchObject({ seq: 1 });
  });

  it('keeps a final as its frame too, and still judges its ack and a second final by it', () => {
    const index = new FlowIndex();
    index.apply(sent('1'));
    index.apply(eventOf('1', 'proceed', 1));
    const live = index.apply(eventOf('1', 'approved', 2, true));
    expect(live.final).toBe(frame('1', 'approved', 2));
    expect(live.finalStatus).toBe('approved');
    expect(index.get('1')?.final).toEqual({ status: 'approved', seq: 2, card: { type: 'visa' } });
    expect(index.get('1')?.events.map((e) => e.status)).toEqual(['proceed', 'approved']);
    // The same bytes again change nothing; other content is a conflict, kept apart.
    index.apply(eventOf('1', 'approved', 2, true));
    expect(index.get('1')?.conflict).toBeUndefined();
    index.apply(eventOf('1', 'declined', 3, true));
    expect(index.get('1')?.conflict).toBe(true);
    expect(index.get('1')?.final).toMatchObject({ status: 'approved' });
    // An ack with the final's status (or "ok") acknowledges the outcome: the flow is no longer open.
    expect(isOpenFlow(live)).toBe(true);
    index.apply({ kind: 'ack_sent', flowId: '1', at: 4, status: 'approved' });
    expect(index.get('1')?.finalAcked).toBe(true);
  });

  it('gives compaction (values) and openFlows decoded summaries, equal to a fold without frames', () => {
    const withFrames = new FlowIndex();
    const without = new FlowIndex();
    const records = [
      sent('1'),
      started('1'),
      eventOf('1', 'proceed', 1),
      eventOf('1', 'proceed', 2),
      eventOf('2', 'approved', 3, true),
      sent('3'),
      eventOf('3', 'approved', 4, true),
      { kind: 'ack_sent', flowId: '3', at: 5, status: 'ok' } as const,
      ended('3', 'completed'),
    ];
    for (const record of records) {
      withFrames.apply(record);
      const { [EVENT_FRAME]: _, ...plain } = record as JournalRecord & { [EVENT_FRAME]?: string };
      without.apply(plain as JournalRecord);
    }
    expect([...withFrames.values()]).toEqual([...without.values()]);
    expect(withFrames.openFlows()).toEqual(without.openFlows());
    expect(JSON.parse(JSON.stringify([...withFrames.values()]))).toEqual([...without.values()]);
  });

  it('never writes the frame into the JSON of a record (durable journals store records as JSON)', () => {
    const record = eventOf('1', 'proceed', 1);
    expect(Object.keys(record)).not.toContain(String(EVENT_FRAME));
    expect(JSON.parse(JSON.stringify(record))).not.toHaveProperty('event');
    expect(JSON.stringify(record)).not.toContain('flow_id');
  });
});

describe('FlowIndex (property)', () => {
  const flowIds = ['1', '2', '3', '4', '5', '6'];
  const record = fc.oneof(
    fc
      .record({
        id: fc.constantFrom(...flowIds),
        key: fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined }),
      })
      .map(({ id, key }) => sent(id, 1, key)),
    fc.constantFrom(...flowIds).map((id) => started(id)),
    fc
      .tuple(fc.constantFrom(...flowIds), fc.boolean())
      .map(([id, final]) => event(id, final ? 'completed' : 'proceed', final)),
    fc
      .constantFrom(...flowIds)
      .map((id): JournalRecord => ({ kind: 'ack_sent', flowId: id, at: 4, status: 'ok' })),
    fc
      .tuple(fc.constantFrom(...flowIds), fc.constantFrom('completed', 'failed', 'unknown' as const))
      .map(([id, o]) => ended(id, o)),
    fc
      .tuple(
        fc.constantFrom(...flowIds),
        fc.constantFrom('recovered', 'not_found', 'still_unknown', 'failed' as const),
      )
      .map(([id, v]) => reconciled(id, v)),
  );

  it('never evicts an open flow, stays within its bound when it can, and agrees with an unbounded fold', () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 60 }),
        fc.integer({ min: 1, max: 6 }),
        (records, maxFlows) => {
          const bounded = new FlowIndex({ maxFlows });
          const unbounded = new FlowIndex();
          const evicted = new Set<string>();
          for (const r of records) {
            const before = [...bounded.values()];
            const applied = bounded.apply(r);
            unbounded.apply(r);
            // A new flow that settled at once may be the one evicted.
            if (bounded.get(r.flowId) === undefined) evicted.add(r.flowId);
            for (const flow of before) {
              if (bounded.get(flow.flowId) !== undefined) continue;
              expect(isOpenFlow(flow.flowId === r.flowId ? applied : flow)).toBe(false);
              evicted.add(flow.flowId);
            }
            expect(bounded.size).toBeLessThanOrEqual(Math.max(maxFlows, bounded.openFlows().length));
          }
          expect(bounded.openFlows().every(isOpenFlow)).toBe(true);
          // A flow never evicted has exactly the state an unbounded fold gives it.
          for (const flow of unbounded.values()) {
            if (!evicted.has(flow.flowId)) expect(bounded.get(flow.flowId)).toEqual(flow);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('evicts the flow that settled longest ago (by its latest settling), one that opened again included', () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 80 }),
        fc.integer({ min: 1, max: 5 }),
        (records, maxFlows) => {
          const index = new FlowIndex({ maxFlows });
          // The model: when each kept flow last became settled.
          const settledAt = new Map<string, number>();
          records.forEach((r, step) => {
            const kept = new Map([...index.values()].map((f) => [f.flowId, f]));
            index.apply(r);
            const now = new Map([...index.values()].map((f) => [f.flowId, f]));
            for (const [id, flow] of now) {
              if (isOpenFlow(flow)) settledAt.delete(id);
              else if (!settledAt.has(id) || !kept.has(id) || isOpenFlow(kept.get(id) as FlowSummary)) {
                settledAt.set(id, step);
              }
            }
            const gone = [...settledAt.keys()].filter((id) => !now.has(id));
            for (const id of gone) {
              // Every settled flow still kept settled no earlier than the one evicted.
              for (const [other, at] of settledAt) {
                if (now.has(other)) expect(at).toBeGreaterThanOrEqual(settledAt.get(id) as number);
              }
            }
            for (const id of gone) settledAt.delete(id);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('FlowIndex settled slots (property)', () => {
  const flowIds = Array.from({ length: 30 }, (_, i) => `f${i}`);
  const id = fc.constantFrom(...flowIds);
  // Flows that settle, open again (a late final, a verdict still unknown) and settle again, over many ids:
  // slots are killed out of order, the slot table grows and compacts.
  const record: fc.Arbitrary<JournalRecord> = fc.oneof(
    {
      arbitrary: fc
        .tuple(id, fc.option(fc.constantFrom('k1', 'k2', 'k3'), { nil: undefined }))
        .map(([f, key]) => sent(f, 1, key)),
      weight: 3,
    },
    { arbitrary: id.map((f) => started(f)), weight: 1 },
    {
      arbitrary: fc
        .tuple(id, fc.boolean())
        .map(([f, final]) => event(f, final ? 'completed' : 'proceed', final)),
      weight: 3,
    },
    {
      arbitrary: id.map((f): JournalRecord => ({ kind: 'ack_sent', flowId: f, at: 4, status: 'ok' })),
      weight: 3,
    },
    {
      arbitrary: fc
        .tuple(id, fc.constantFrom('completed', 'failed', 'unknown' as const), fc.boolean())
        .map(([f, o, error]) => ({
          ...ended(f, o),
          ...(error ? { error: { code: 'x', message: 'y' } } : {}),
        })),
      weight: 3,
    },
    {
      arbitrary: fc
        .tuple(id, fc.constantFrom('recovered', 'still_unknown' as const))
        .map(([f, v]) => reconciled(f, v)),
      weight: 1,
    },
  );

  /** The model: the pure fold per flow id, a second request starting a new flow (as `apply` does). */
  class Model {
    readonly flows = new Map<string, FlowSummary>();
    private readonly keys = new Map<string, string>();
    apply(r: JournalRecord): void {
      const previous = this.flows.get(r.flowId);
      const fresh = r.kind === 'request_sent' && previous?.request !== undefined;
      if (fresh) this.flows.delete(r.flowId);
      this.flows.set(r.flowId, foldRecord(fresh ? undefined : previous, r));
      if (r.kind === 'request_sent' && r.idempotencyKey !== undefined)
        this.keys.set(r.idempotencyKey, r.flowId);
    }
    byKey(key: string): FlowSummary | undefined {
      const flowId = this.keys.get(key);
      const flow = flowId === undefined ? undefined : this.flows.get(flowId);
      return flow?.idempotencyKey === key ? flow : undefined;
    }
  }

  it('reads back every kept flow and key as the pure fold does, within a bounded slot table', () => {
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 50, maxLength: 400 }),
        fc.integer({ min: 1, max: 40 }),
        (records, maxFlows) => {
          const index = new FlowIndex({ maxFlows });
          const model = new Model();
          // Ids evicted once may come back as new flows, with other records: left out of every comparison.
          const evicted = new Set<string>();
          for (const r of records) {
            index.apply(r);
            model.apply(r);
            for (const f of model.flows.keys()) if (!index.has(f)) evicted.add(f);
            const settled = (index as unknown as { settled: { span: number } }).settled;
            expect(settled.span).toBeLessThanOrEqual(2 * index.size + 16);
          }
          const kept = [...model.flows.values()].filter((f) => !evicted.has(f.flowId));
          for (const flow of kept) expect(index.get(flow.flowId)).toEqual(flow);
          // Compaction reads every kept flow in order of its first record; open ones are never evicted.
          expect([...index.values()].filter((f) => !evicted.has(f.flowId))).toEqual(kept);
          const byId = (a: FlowSummary, b: FlowSummary) => a.flowId.localeCompare(b.flowId);
          expect(
            index
              .openFlows()
              .filter((f) => !evicted.has(f.flowId))
              .sort(byId),
          ).toEqual(kept.filter(isOpenFlow).sort(byId));
          for (const key of ['k1', 'k2', 'k3']) {
            const owner = model.byKey(key);
            if (owner !== undefined && !evicted.has(owner.flowId))
              expect(index.byIdempotencyKey(key)).toEqual(owner);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('FlowIndex eviction order (settled flows)', () => {
  it('evicts by the latest settling: a flow that opened again and settled again stays', async () => {
    const journal = new MemoryJournal({ maxFlows: 3 });
    appendAll(journal, [sent('x'), ended('x', 'failed')]);
    appendAll(journal, completedFlow('a'));
    // A final arrives after x ended: it is open until acked, then settled again, after a.
    appendAll(journal, [event('x', 'completed', true), acked('x', 'ok')]);
    appendAll(journal, completedFlow('b'));
    appendAll(journal, completedFlow('c'));
    expect(await journal.flow('a')).toBeUndefined();
    expect((await journal.flow('x'))?.final?.status).toBe('completed');
    expect(journal.size).toBe(3);
  });

  it('stays bounded when one flow opens and settles again and again, with nothing to evict', () => {
    const index = new FlowIndex({ maxFlows: 100 });
    index.apply(sent('x'));
    for (let i = 0; i < 10_000; i++) {
      index.apply(ended('x', 'failed'));
      index.apply(reconciled('x', 'still_unknown'));
      index.apply(event('x', 'completed', true));
      index.apply(acked('x', 'ok'));
    }
    const settled = (index as unknown as { settled: { span: number; capacity: number } }).settled;
    expect(settled.span).toBeLessThan(200);
    expect(settled.capacity).toBeLessThan(200);
  });

  it('lets evicted summaries go: no slot keeps a flow it evicted', () => {
    const index = new FlowIndex({ maxFlows: 10 });
    for (let i = 0; i < 5000; i++) for (const r of completedFlow(String(i))) index.apply(r);
    const { refs } = (index as unknown as { settled: { refs: unknown[][] } }).settled;
    for (const column of refs)
      expect(column.filter((entry) => entry !== undefined).length).toBeLessThanOrEqual(10);
    expect((refs[COLUMN.id] as unknown[]).filter((entry) => entry !== undefined)).toHaveLength(10);
    expect((refs[COLUMN.request] as unknown[]).filter((entry) => entry !== undefined)).toHaveLength(10);
    expect((refs[COLUMN.id] as unknown[]).length).toBeLessThan(2100);
  });
});

describe('APPEND_BUILT (records a session built)', () => {
  it('stores them like append, still refusing a second request for a kept id and appends after close', async () => {
    const journal = new MemoryJournal();
    journal[APPEND_BUILT](sent('1', 1, 'k'));
    for (const r of completedFlow('2')) journal[APPEND_BUILT](r);
    expect((await journal.byIdempotencyKey('k'))?.flowId).toBe('1');
    expect((await journal.flow('2'))?.ended?.outcome).toBe('completed');
    expect(() => journal[APPEND_BUILT](sent('1'))).toThrow(expect.objectContaining({ code: 'flow_exists' }));
    await journal.close();
    expect(() => journal[APPEND_BUILT](sent('3'))).toThrow(expect.objectContaining({ code: 'closed' }));
  });

  it('is what a session appends with; append itself still checks every record', () => {
    const journal = new MemoryJournal();
    const built = vi.spyOn(journal, APPEND_BUILT);
    const recorder = new FlowRecorder(
      journal,
      () => 5,
      () => undefined,
      () => undefined,
    );
    recorder.started('9');
    expect(built).toHaveBeenCalledTimes(1);
    expect(journal.has('9')).toBe(true);
    expect(() => journal.append({ kind: 'started', flowId: 9 } as unknown as JournalRecord)).toThrow(
      expect.objectContaining({ code: 'invalid' }),
    );
  });

  it('goes through append where a subclass or the instance replaced it', () => {
    const seen: string[] = [];
    class Counting extends MemoryJournal {
      override append(record: JournalRecord): void {
        seen.push(`subclass ${record.kind}`);
        super.append(record);
      }
    }
    const sub = new Counting();
    new FlowRecorder(
      sub,
      () => 5,
      () => undefined,
      () => undefined,
    ).started('1');
    const instance = new MemoryJournal();
    const original = instance.append.bind(instance);
    instance.append = (record) => {
      seen.push(`instance ${record.kind}`);
      original(record);
    };
    new FlowRecorder(
      instance,
      () => 5,
      () => undefined,
      () => undefined,
    ).started('2');
    expect(seen).toEqual(['subclass started', 'instance started']);
    expect(sub.has('1') && instance.has('2')).toBe(true);
  });

  it('falls back to append for a journal without it', () => {
    const records: JournalRecord[] = [];
    const plain = {
      append: (record: JournalRecord) => void records.push(record),
      has: () => false,
      flow: async () => undefined,
      byIdempotencyKey: async () => undefined,
      openFlows: async () => [],
      close: async () => undefined,
    };
    new FlowRecorder(
      plain,
      () => 5,
      () => undefined,
      () => undefined,
    ).started('9');
    expect(records).toEqual([{ kind: 'started', flowId: '9', at: 5 }]);
  });
});

describe('a settled flow whose only event is its final', () => {
  it('reads as [final], and files a later event after it', async () => {
    const journal = new MemoryJournal();
    appendAll(journal, completedFlow('1'));
    const settled = await journal.flow('1');
    expect(settled?.events).toEqual([settled?.final]);
    expect(settled?.events).toHaveLength(1);
    // A late proceed event (a peer's resend in other bytes, say) is filed after the final.
    journal.append(event('1', 'proceed', false, 9));
    const later = await journal.flow('1');
    expect(later?.events.map((e) => e.status)).toEqual(['completed', 'proceed']);
    // The pure fold agrees, record by record.
    const folded = foldRecords([...completedFlow('1'), event('1', 'proceed', false, 9)]);
    expect(folded.get('1')).toEqual(later);
  });
});
