import { type FlowSummary, type Journal, JournalError, type JournalRecord } from '@bluechip-ws/core';
import { foldRecords, isOpenFlow } from '@bluechip-ws/core/internal';
import fc from 'fast-check';

/**
 * One set of behaviour cases every `Journal` must pass (memory, file, IndexedDB). It imports no test
 * runner, so the same cases run under vitest (`journal-conformance-vitest.ts`) and inside a real browser
 * page (the IndexedDB journal's Chromium test bundles this file).
 */

export interface ConformanceOptions {
  /** Flows kept (memory: `maxFlows`; file and IndexedDB: `keepFlows`). */
  readonly keepFlows?: number;
}

/** One storage location: every `open` sees what earlier, closed journals on it wrote (if durable). */
export interface JournalStore {
  open(options?: ConformanceOptions): Promise<Journal>;
}

export interface JournalHarness {
  readonly name: string;
  /** A journal reopened on the same store sees everything whose append resolved. */
  readonly durable: boolean;
  /** A second `open` while one is open fails with `JournalError('locked')`. */
  readonly exclusive: boolean;
  /** A new, empty store. */
  fresh(): Promise<JournalStore>;
}

export interface ConformanceCase {
  readonly name: string;
  /** Whether the case applies to this journal (durability and locking are not every journal's promise). */
  readonly applies?: (harness: JournalHarness) => boolean;
  run(harness: JournalHarness): Promise<void>;
}

// --- records ---------------------------------------------------------------------------------------------

export const sent = (flowId: string, idempotencyKey?: string, at = 1): JournalRecord => ({
  kind: 'request_sent',
  flowId,
  at,
  endpoint: '/tsi/v1/payment',
  resource: { type: 'sale', amount: 6417, note: 'café ✓' },
  ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
});
const started = (flowId: string): JournalRecord => ({ kind: 'started', flowId, at: 2 });
const finalEvent = (flowId: string): JournalRecord => ({
  kind: 'event',
  flowId,
  at: 3,
  status: 'completed',
  final: true,
  resource: { status: 'completed', results: [{ status: 'approved', auth_code: '913633' }] },
});
const acked = (flowId: string): JournalRecord => ({ kind: 'ack_sent', flowId, at: 4, status: 'ok' });
const ended = (flowId: string, outcome: 'completed' | 'failed' | 'unknown'): JournalRecord => ({
  kind: 'flow_ended',
  flowId,
  at: 5,
  outcome,
});
const reconciled = (
  flowId: string,
  verdict: 'recovered' | 'not_found' | 'still_unknown' | 'failed',
): JournalRecord => ({ kind: 'reconciled', flowId, at: 6, verdict });

/** The records of one whole successful flow. */
export const completedFlow = (flowId: string, idempotencyKey?: string): JournalRecord[] => [
  sent(flowId, idempotencyKey),
  started(flowId),
  finalEvent(flowId),
  acked(flowId),
  ended(flowId, 'completed'),
];

// --- assertions (runner-free) ----------------------------------------------------------------------------

export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new ConformanceFailure(message);
}

/** JSON with sorted keys: an absent key and an `undefined` one compare equal, as `toEqual` has it. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function same(actual: unknown, expected: unknown, message: string): void {
  const a = canonical(actual);
  const e = canonical(expected);
  if (a !== e) throw new ConformanceFailure(`${message}\n  expected ${e}\n  actual   ${a}`);
}

/** Appends, awaiting a durable journal's promise; a synchronous throw becomes a rejection. */
async function append(journal: Journal, record: JournalRecord): Promise<void> {
  await journal.append(record);
}

async function appendAll(journal: Journal, records: readonly JournalRecord[]): Promise<void> {
  for (const record of records) await append(journal, record);
}

async function journalErrorOf(action: () => unknown): Promise<JournalError> {
  try {
    await action();
  } catch (error) {
    check(error instanceof JournalError, `expected a JournalError, got ${String(error)}`);
    return error as JournalError;
  }
  throw new ConformanceFailure('expected a JournalError, nothing was thrown');
}

const ids = (flows: readonly FlowSummary[]): string[] => flows.map((f) => f.flowId);

/** Everything a reader can see of a journal, for comparing two journals or a journal and a fold. */
async function view(journal: Journal, flowIds: Iterable<string>, keys: Iterable<string>): Promise<unknown> {
  const flows: Record<string, FlowSummary | undefined> = {};
  for (const id of flowIds) flows[id] = await journal.flow(id);
  const byKey: Record<string, string | undefined> = {};
  for (const key of keys) byKey[key] = (await journal.byIdempotencyKey(key))?.flowId;
  return { flows, byKey, open: ids(await journal.openFlows()).sort() };
}

/** Each key's most recent flow: the last flow whose first request_sent carried it. */
function latestByKey(records: readonly JournalRecord[], keys: readonly string[]): Record<string, string> {
  const latest: Record<string, string> = {};
  const seen = new Set<string>();
  for (const r of records) {
    if (r.kind !== 'request_sent' || r.idempotencyKey === undefined || seen.has(r.flowId)) continue;
    seen.add(r.flowId);
    if (keys.includes(r.idempotencyKey)) latest[r.idempotencyKey] = r.flowId;
  }
  return latest;
}

// --- the cases -------------------------------------------------------------------------------------------

const durable = (h: JournalHarness): boolean => h.durable;

export const journalConformance: readonly ConformanceCase[] = [
  {
    name: 'reads back by flow id and by idempotency key; unknown ones are undefined',
    async run(h) {
      const journal = await (await h.fresh()).open();
      await appendAll(journal, [...completedFlow('1', 'key-1'), sent('2', 'key-2')]);
      same((await journal.flow('1'))?.finalAcked, true, 'flow 1 final acked');
      same((await journal.flow('1'))?.ended?.outcome, 'completed', 'flow 1 ended');
      same((await journal.flow('2'))?.request, { type: 'sale', amount: 6417, note: 'café ✓' }, 'request');
      same((await journal.byIdempotencyKey('key-2'))?.flowId, '2', 'key-2 lookup');
      same(await journal.flow('nope'), undefined, 'unknown flow');
      same(await journal.byIdempotencyKey('nope'), undefined, 'unknown key');
      same(ids(await journal.openFlows()), ['2'], 'open flows');
      await journal.close();
    },
  },
  {
    name: 'an idempotency key finds the most recent flow sent with it',
    async run(h) {
      const journal = await (await h.fresh()).open();
      await appendAll(journal, [...completedFlow('1', 'k'), sent('2', 'k', 7), ended('1', 'completed')]);
      same((await journal.byIdempotencyKey('k'))?.flowId, '2', 'latest flow for the key');
      await journal.close();
    },
  },
  {
    name: 'a flow stays open until it ends completed, or reconciliation reaches a terminal verdict',
    async run(h) {
      const journal = await (await h.fresh()).open();
      await appendAll(journal, [sent('a'), started('a'), finalEvent('a')]);
      same(ids(await journal.openFlows()), ['a'], 'final not acked: open');
      await append(journal, acked('a'));
      same(ids(await journal.openFlows()), ['a'], 'acked, not ended: open');
      await append(journal, ended('a', 'completed'));
      same(ids(await journal.openFlows()), [], 'ended completed: settled');
      await appendAll(journal, [sent('b'), started('b'), ended('b', 'unknown')]);
      await append(journal, reconciled('b', 'still_unknown'));
      same(ids(await journal.openFlows()), ['b'], 'still_unknown keeps it open');
      await append(journal, reconciled('b', 'recovered'));
      same(ids(await journal.openFlows()), [], 'recovered settles it');
      same((await journal.flow('b'))?.reconciled?.verdict, 'recovered', 'verdict read back');
      await journal.close();
    },
  },
  {
    name: 'reads return copies a caller may keep',
    async run(h) {
      const journal = await (await h.fresh()).open();
      await appendAll(journal, [sent('1'), started('1')]);
      const before = await journal.flow('1');
      await append(journal, finalEvent('1'));
      same(before?.events.length, 0, 'an earlier read does not change');
      same(before?.final, undefined, 'an earlier read has no final');
      same((await journal.flow('1'))?.events.length, 1, 'a new read sees the event');
      await journal.close();
    },
  },
  {
    name: 'concurrent appends all land, in order',
    async run(h) {
      const journal = await (await h.fresh()).open();
      const order: number[] = [];
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          await journal.append(sent(`f${i}`, `k${i}`));
          order.push(i);
        }),
      );
      same(
        order,
        Array.from({ length: 50 }, (_, i) => i),
        'resolved in order',
      );
      same(ids(await journal.openFlows()).length, 50, 'all open');
      same((await journal.byIdempotencyKey('k49'))?.flowId, 'f49', 'last key');
      await journal.close();
    },
  },
  {
    name: 'malformed records are refused with JournalError("invalid") and the journal stays usable',
    async run(h) {
      const journal = await (await h.fresh()).open();
      const bogus = await journalErrorOf(() => journal.append({ kind: 'bogus' } as unknown as JournalRecord));
      same(bogus.code, 'invalid', 'unknown kind');
      const noFlow = await journalErrorOf(() =>
        journal.append({ kind: 'started', at: 1 } as unknown as JournalRecord),
      );
      same(noFlow.code, 'invalid', 'missing flow id');
      await append(journal, sent('ok'));
      same(ids(await journal.openFlows()), ['ok'], 'still usable');
      await journal.close();
    },
  },
  {
    name: 'append after close fails with JournalError("closed"); close is idempotent; reads still work',
    async run(h) {
      const journal = await (await h.fresh()).open();
      await append(journal, sent('1'));
      await journal.close();
      await journal.close();
      same((await journalErrorOf(() => journal.append(sent('2')))).code, 'closed', 'append after close');
      same((await journal.flow('1'))?.flowId, '1', 'read after close');
    },
  },
  {
    name: 'keeps at most keepFlows flows, evicting the longest settled, never an open one',
    async run(h) {
      const journal = await (await h.fresh()).open({ keepFlows: 3 });
      await append(journal, sent('open-old', 'k-open'));
      await appendAll(journal, completedFlow('a', 'k-a'));
      await appendAll(journal, completedFlow('b', 'k-b'));
      await appendAll(journal, completedFlow('c'));
      same(await journal.flow('a'), undefined, 'oldest settled evicted');
      same(await journal.byIdempotencyKey('k-a'), undefined, 'its key too');
      same((await journal.byIdempotencyKey('k-open'))?.flowId, 'open-old', 'open flow kept');
      for (const id of ['o1', 'o2', 'o3']) await append(journal, sent(id));
      same(ids(await journal.openFlows()), ['open-old', 'o1', 'o2', 'o3'], 'bound gives way to open flows');
      await journal.close();
    },
  },
  {
    name: 'everything whose append resolved survives close and reopen; appends continue after it',
    applies: durable,
    async run(h) {
      const store = await h.fresh();
      const journal = await store.open();
      await appendAll(journal, [...completedFlow('1', 'key-1'), sent('2', 'key-2'), started('2')]);
      const before = await view(journal, ['1', '2'], ['key-1', 'key-2']);
      await journal.close();
      const reopened = await store.open();
      same(await view(reopened, ['1', '2'], ['key-1', 'key-2']), before, 'state after reopen');
      await appendAll(reopened, [finalEvent('2'), acked('2'), ended('2', 'completed')]);
      await reopened.close();
      const third = await store.open();
      same(ids(await third.openFlows()), [], 'later appends are durable too');
      same((await third.flow('2'))?.final, (finalEvent('2') as { resource: unknown }).resource, 'final');
      await third.close();
    },
  },
  {
    name: 'a final result whose append resolved is there after a reopen, open until acked',
    applies: durable,
    async run(h) {
      const store = await h.fresh();
      const journal = await store.open();
      await appendAll(journal, [sent('sale', 'order-42'), started('sale'), finalEvent('sale')]);
      // The page (or process) goes away here, before the ack: no further record.
      await journal.close();
      const reopened = await store.open();
      const open = await reopened.openFlows();
      same(ids(open), ['sale'], 'the flow is open');
      same(open[0]?.final !== undefined && !open[0].finalAcked, true, 'with its final result, not acked');
      same((await reopened.byIdempotencyKey('order-42'))?.flowId, 'sale', 'found by key');
      await reopened.close();
    },
  },
  {
    name: 'compaction (where the journal has it) changes nothing a reader sees, before or after a reopen',
    applies: durable,
    async run(h) {
      const store = await h.fresh();
      const journal = await store.open({ keepFlows: 4 });
      const compact = (journal as { compact?: () => Promise<void> }).compact?.bind(journal);
      if (compact === undefined) {
        await journal.close();
        return;
      }
      await append(journal, sent('open', 'k-open'));
      for (let i = 0; i < 6; i++) await appendAll(journal, completedFlow(`done-${i}`, `k-${i}`));
      await appendAll(journal, [sent('unacked', 'k-unacked'), finalEvent('unacked')]);
      const flowIds = ['open', 'unacked', ...Array.from({ length: 6 }, (_, i) => `done-${i}`)];
      const keys = ['k-open', 'k-unacked', ...Array.from({ length: 6 }, (_, i) => `k-${i}`)];
      const before = await view(journal, flowIds, keys);
      await compact();
      same(await view(journal, flowIds, keys), before, 'after compaction');
      await append(journal, acked('unacked'));
      await journal.close();
      const reopened = await store.open({ keepFlows: 4 });
      same(ids(await reopened.openFlows()), ['open', 'unacked'], 'open flows after reopen');
      same((await reopened.flow('unacked'))?.finalAcked, true, 'an append after compaction is kept');
      same((await reopened.byIdempotencyKey('k-5'))?.flowId, 'done-5', 'latest settled flow kept');
      same(await reopened.byIdempotencyKey('k-0'), undefined, 'oldest settled flow evicted');
      await reopened.close();
    },
  },
  {
    name: 'a second open while the first holds the journal fails with JournalError("locked")',
    applies: (h) => h.exclusive,
    async run(h) {
      const store = await h.fresh();
      const first = await store.open();
      same((await journalErrorOf(() => store.open())).code, 'locked', 'second open');
      await append(first, sent('1'));
      await first.close();
      const second = await store.open();
      same(ids(await second.openFlows()), ['1'], 'opens once the first closed');
      await second.close();
    },
  },
  {
    name: 'a flow id is one flow: has() tells kept ids, and a second request for one is refused (flow_exists)',
    async run(h) {
      const store = await h.fresh();
      const journal = await store.open();
      await appendAll(journal, completedFlow('1', 'key-1'));
      same([journal.has('1'), journal.has('2')], [true, false], 'has');
      const error = await journalErrorOf(() => append(journal, sent('1', 'key-2')));
      same(error.code, 'flow_exists', 'refused');
      same((await journal.byIdempotencyKey('key-1'))?.flowId, '1', 'the old key keeps its flow');
      same(await journal.byIdempotencyKey('key-2'), undefined, 'the refused key is not kept');
      same((await journal.flow('1'))?.finalAcked, true, 'the old flow is untouched');
      await journal.close();
      if (!h.durable) return;
      const reopened = await store.open();
      same(reopened.has('1'), true, 'has after reopen');
      same(
        (await journalErrorOf(() => append(reopened, sent('1')))).code,
        'flow_exists',
        'refused after reopen',
      );
      await reopened.close();
    },
  },
  {
    name: 'agrees with core’s pure fold of the same records (and, durable, after a reopen)',
    async run(h) {
      const flowIds = ['1', '2', '3', '4'];
      const keys = ['k1', 'k2'];
      // A flow's key never changes (as in the session), and two flows share k1.
      const keyOf = (f: string): string | undefined => ({ '1': 'k1', '2': 'k1', '3': 'k2' })[f];
      const id = fc.constantFrom(...flowIds);
      const record: fc.Arbitrary<JournalRecord> = fc.oneof(
        id.map((f) => sent(f, keyOf(f))),
        id.map(started),
        fc.tuple(id, fc.boolean()).map(
          ([f, final]): JournalRecord => ({
            kind: 'event',
            flowId: f,
            at: 3,
            status: final ? 'completed' : 'proceed',
            final,
            resource: { status: final ? 'completed' : 'proceed', n: f },
          }),
        ),
        id.map(acked),
        fc.tuple(id, fc.constantFrom('completed', 'failed', 'unknown' as const)).map(([f, o]) => ended(f, o)),
        fc
          .tuple(id, fc.constantFrom('recovered', 'not_found', 'still_unknown', 'failed' as const))
          .map(([f, v]) => reconciled(f, v)),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(record, { maxLength: 30 }), async (records) => {
          const store = await h.fresh();
          const journal = await store.open();
          // A request for a flow id the journal keeps is refused (two flows never fold into one).
          const kept = new Set<string>();
          const accepted: JournalRecord[] = [];
          for (const r of records) {
            if (r.kind === 'request_sent' && kept.has(r.flowId)) {
              same((await journalErrorOf(() => append(journal, r))).code, 'flow_exists', 'second request');
              continue;
            }
            await append(journal, r);
            kept.add(r.flowId);
            accepted.push(r);
          }
          for (const f of flowIds) same(journal.has(f), kept.has(f), `has(${f})`);
          const folded = foldRecords(accepted);
          const expected = {
            flows: Object.fromEntries(flowIds.map((f) => [f, folded.get(f)])),
            byKey: latestByKey(accepted, keys),
            open: [...folded.values()]
              .filter(isOpenFlow)
              .map((f) => f.flowId)
              .sort(),
          };
          same(await view(journal, flowIds, keys), expected, 'journal vs fold');
          await journal.close();
          if (!h.durable) return;
          const reopened = await store.open();
          same(await view(reopened, flowIds, keys), expected, 'reopened journal vs fold');
          await reopened.close();
        }),
        { numRuns: 25 },
      );
    },
  },
];
