import { cents, connect } from '@bluechip-ws/client';
import { type RunningSimulator, startSimulator } from '@bluechip-ws/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { openIndexedDbJournal } from '../src/index.js';
import { freshFactory } from './support.js';

/**
 * The page-reload story in Node (fake-indexeddb, the simulator over ws on 127.0.0.1), so it is checked
 * without a browser too; browser.test.ts plays it in Chromium.
 */
describe('connect() with an IndexedDbJournal: a page gone mid-sale', () => {
  let sim: RunningSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('the next page reconciles the open flow and the retry replays the approval without a second sale', async () => {
    sim = await startSimulator({ host: '127.0.0.1', port: 0, eventDelayMs: 400 });
    const sales: string[] = [];
    sim.frames$.subscribe((frame) => {
      if (frame.direction === 'in' && frame.text.includes('"type":"sale"')) sales.push(frame.text);
    });
    const indexedDB = freshFactory();
    const amount = cents(1234);

    // The first page: a sale reaches `started`, then the page dies. Its journal takes no more writes (a dead
    // page writes nothing), and its socket closes.
    const first = await openIndexedDbJournal({ indexedDB, locks: null });
    const firstTerminal = connect({ url: sim.url, journal: first });
    const flowId = await new Promise<string>((resolve, reject) => {
      firstTerminal.sale$({ amount }, { idempotencyKey: 'order-7' }).subscribe({
        next: (progress) => {
          if (progress.type === 'started') resolve(progress.flowId);
        },
        error: reject,
      });
    });
    await first.close();
    firstTerminal.close();

    const next = await openIndexedDbJournal({ indexedDB, locks: null });
    expect((await next.openFlows()).map((f) => f.flowId)).toEqual([flowId]);
    const terminal = connect({ url: sim.url, journal: next });
    const outcome = await terminal.sale({ amount }, { idempotencyKey: 'order-7' });
    expect(outcome).toMatchObject({ kind: 'approved', replayed: true, flowId });
    const again = await terminal.sale({ amount }, { idempotencyKey: 'order-7' });
    expect(again).toMatchObject({ kind: 'approved', replayed: true, flowId });
    expect(sales).toHaveLength(1);
    expect(await next.openFlows()).toEqual([]);
    expect((await next.flow(flowId))?.reconciled?.verdict).toBe('recovered');
    terminal.close();
    await next.close();
  });
});
