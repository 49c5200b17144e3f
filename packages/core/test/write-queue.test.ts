import { describe, expect, it } from 'vitest';
import { JournalError, type JournalRecord } from '../src/index.js';
import { type CompactionWaiter, type PendingAppend, WriteQueue } from '../src/journal/write-queue.js';

const record = (flowId: string): JournalRecord => ({ kind: 'started', flowId, at: 0 });

/** A storage that records what the writer asked of it; each write takes one macrotask. */
function storage(options: { batch?: number; failOn?: string } = {}) {
  const log: string[] = [];
  let stopped = false;
  let due = false;
  const store = {
    stopped: () => stopped,
    compactionDue: () => due,
    async commit(queue: PendingAppend<string>[]) {
      const batch = queue.splice(0, options.batch ?? queue.length);
      log.push(`commit ${batch.map((p) => p.stored).join(',')}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (batch.some((p) => p.stored === options.failOn)) {
        stopped = true;
        const failure = new JournalError('write_failed', 'disk gone');
        for (const p of batch) p.reject(failure);
        queueRef.rejectPending(failure);
        return;
      }
      for (const p of batch) p.resolve();
      if (batch.length >= 3) due = true;
    },
    async compact(waiters: readonly CompactionWaiter[]) {
      due = false;
      log.push(`compact (${waiters.length} waiting)`);
      for (const w of waiters) w.resolve();
    },
  };
  const queueRef = new WriteQueue<string>(store);
  return { queue: queueRef, log };
}

describe('WriteQueue: the single writer of a durable journal', () => {
  it('groups the appends of one turn into one write, then the next ones into the next, in order', async () => {
    const { queue, log } = storage();
    const first = [queue.append(record('1'), 'a'), queue.append(record('1'), 'b')];
    await Promise.resolve();
    const later = [queue.append(record('1'), 'c'), queue.append(record('1'), 'd')];
    await Promise.all([...first, ...later]);
    expect(log).toEqual(['commit a,b', 'commit c,d']);
  });

  it('compacts after the appends queued before the request, and when the storage says it is due', async () => {
    const { queue, log } = storage({ batch: 3 });
    const appends = ['a', 'b', 'c', 'd'].map((s) => queue.append(record('1'), s));
    const compacted = queue.compact();
    await Promise.all([...appends, compacted]);
    // The first batch of three made a compaction due; the requested one waits for the rest.
    expect(log).toEqual(['commit a,b,c', 'compact (1 waiting)', 'commit d']);
  });

  it('a storage that stops rejects everything queued, and the writer stops; idle resolves', async () => {
    const { queue, log } = storage({ batch: 1, failOn: 'a' });
    const results = ['a', 'b'].map((s) =>
      queue.append(record('1'), s).then(
        () => 'ok',
        (e: JournalError) => e.code,
      ),
    );
    const compacted = queue.compact().catch((e: JournalError) => e.code);
    expect(await Promise.all([...results, compacted])).toEqual([
      'write_failed',
      'write_failed',
      'write_failed',
    ]);
    await queue.idle();
    expect(log).toEqual(['commit a']);
  });

  it('idle waits for the write in progress', async () => {
    const { queue } = storage();
    let written = false;
    void queue.append(record('1'), 'a').then(() => {
      written = true;
    });
    await Promise.resolve();
    await queue.idle();
    expect(written).toBe(true);
  });
});
