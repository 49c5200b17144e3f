import { type FlowUpdate, Session } from '@bluechip-ws/core';
import { describe, expect, it } from 'vitest';
import { type FakeLink, FakeTransport } from '../../core/test/support/fake-transport.js';
import { openIndexedDbJournal } from '../src/index.js';
import { freshFactory } from './support.js';

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

/** Holds every write transaction's `complete` event while `hold` is set, as a slow disk would. */
function holdCommits(db: IDBDatabase): { hold: boolean; release(): void; held(): number } {
  const control = { hold: false, pending: [] as (() => void)[] };
  const transaction = db.transaction.bind(db);
  db.transaction = ((
    stores: string | string[],
    mode?: IDBTransactionMode,
    options?: IDBTransactionOptions,
  ) => {
    const tx = transaction(stores, mode, options);
    if (mode !== 'readwrite' || !control.hold) return tx;
    // Whoever dispatches `complete` reads `oncomplete`: hand it a stand-in that queues the real handler.
    let handler: ((this: IDBTransaction, ev: Event) => unknown) | null = null;
    const deferred = (event: Event): void => {
      control.pending.push(() => handler?.call(tx, event));
    };
    Object.defineProperty(tx, 'oncomplete', {
      get: () => deferred,
      set: (h: typeof handler) => {
        handler = h;
      },
    });
    return tx;
  }) as typeof db.transaction;
  return {
    get hold() {
      return control.hold;
    },
    set hold(value: boolean) {
      control.hold = value;
    },
    release: () => {
      for (const run of control.pending.splice(0)) run();
    },
    held: () => control.pending.length,
  };
}

const acks = (link: FakeLink): number => link.sent.filter((frame) => frame.includes('"event_ack"')).length;

describe('Session over an IndexedDbJournal', () => {
  it('acks the final event only once its transaction completed; a reopened journal has the flow settled', async () => {
    const indexedDB = freshFactory();
    const journal = await openIndexedDbJournal({ indexedDB, locks: null });
    const commits = holdCommits((journal as unknown as { db: IDBDatabase }).db);
    const transport = new FakeTransport();
    const session = new Session(transport, { journal });
    const updates: FlowUpdate[] = [];
    let completed = false;
    session.flow('payment', { type: 'sale', amount: 6417 }, { idempotencyKey: 'order-42' }).subscribe({
      next: (update) => updates.push(update),
      complete: () => {
        completed = true;
      },
    });
    await until(() => transport.dials.length === 1, 'the dial');
    const link = transport.last.succeed();
    await until(() => link.sent.length === 1, 'the request');
    const flowId = (JSON.parse(link.sent[0]!) as { request: { flow_id: string } }).request.flow_id;
    const receive = (envelope: unknown): void =>
      (link as unknown as { frames: { next(f: string): void } }).frames.next(JSON.stringify(envelope));

    receive({ response: { flow_id: flowId, resource: { status: 'started' } } });
    await until(() => updates.length === 1, 'started');
    commits.hold = true;
    receive({
      event: {
        flow_id: flowId,
        resource: { status: 'completed', results: [{ status: 'approved', type: 'sale' }] },
      },
    });
    await until(() => commits.held() > 0, 'the final event to be written');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(acks(link)).toBe(0);
    expect(updates).toHaveLength(1);
    commits.hold = false;
    commits.release();
    await until(() => acks(link) === 1 && completed, 'the ack');

    session.close();
    await journal.close();
    const reopened = await openIndexedDbJournal({ indexedDB, locks: null });
    const flow = await reopened.byIdempotencyKey('order-42');
    expect(flow).toMatchObject({ flowId, started: true, finalAcked: true, ended: { outcome: 'completed' } });
    expect(flow?.final).toMatchObject({ status: 'completed' });
    expect(await reopened.openFlows()).toEqual([]);
    await reopened.close();
  });
});
