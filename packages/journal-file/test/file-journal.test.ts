import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JournalError, type JournalRecord } from '@bluechip-ws/core';
import { describe, expect, it } from 'vitest';
import { openFileJournal } from '../src/index.js';
import { completedFlow, sent, useTempDirs } from './support.js';

const tempDir = useTempDirs();

const appendAll = async (journal: { append(r: JournalRecord): Promise<void> }, records: JournalRecord[]) => {
  for (const record of records) await journal.append(record);
};

describe('FileJournal', () => {
  it('round-trips records across close and reopen', async () => {
    const dir = await tempDir();
    const journal = await openFileJournal(dir);
    await appendAll(journal, [...completedFlow('1', 'key-1'), sent('2', 'key-2')]);
    const before = { one: await journal.flow('1'), open: await journal.openFlows() };
    expect(before.one?.finalAcked).toBe(true);
    expect(before.open.map((f) => f.flowId)).toEqual(['2']);
    await journal.close();

    const reopened = await openFileJournal(dir);
    expect(reopened.diagnostics).toEqual([]);
    expect(await reopened.flow('1')).toEqual(before.one);
    expect(await reopened.openFlows()).toEqual(before.open);
    expect((await reopened.byIdempotencyKey('key-2'))?.flowId).toBe('2');
    expect((await reopened.flow('2'))?.request).toEqual({ type: 'sale', amount: 6417, note: 'café ✓' });
    // Appends continue after the replayed ones.
    await reopened.append({ kind: 'flow_ended', flowId: '2', at: 9, outcome: 'failed' });
    await reopened.close();
    const third = await openFileJournal(dir);
    expect(await third.openFlows()).toEqual([]);
    await third.close();
  });

  it('resolves many concurrent appends, in order, with fewer syncs than appends', async () => {
    const dir = await tempDir();
    const journal = await openFileJournal(dir, { durability: 'fdatasync' });
    const resolved: number[] = [];
    const appends = Array.from({ length: 200 }, (_, i) =>
      journal.append(sent(`f${i}`, `k${i}`)).then(() => resolved.push(i)),
    );
    await Promise.all(appends);
    expect(resolved).toEqual(Array.from({ length: 200 }, (_, i) => i));
    await journal.close();
    const text = await readFile(join(dir, (await readdir(dir)).find((n) => n.endsWith('.log'))!), 'utf8');
    const flowIds = text
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => JSON.parse(line.split('\t')[2]!).r.flowId);
    expect(flowIds).toEqual(Array.from({ length: 200 }, (_, i) => `f${i}`));
  });

  it('writes and syncs appends that arrive during a sync together, in one batch', async () => {
    const dir = await tempDir();
    const journal = await openFileJournal(dir, { durability: 'none' });
    type Writer = { write(b: Uint8Array): Promise<void>; sync(): Promise<void> };
    const writer = (journal as unknown as { writer: Writer }).writer;
    const write = writer.write.bind(writer);
    const writes: number[] = [];
    let syncs = 0;
    let releaseFirstSync!: () => void;
    const firstSyncHeld = new Promise<void>((resolve) => {
      releaseFirstSync = resolve;
    });
    writer.write = (bytes) => {
      writes.push(bytes.length);
      return write(bytes);
    };
    writer.sync = () => (++syncs === 1 ? firstSyncHeld : Promise.resolve());

    const first = journal.append(sent('first'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(syncs).toBe(1);
    const rest = Array.from({ length: 49 }, (_, i) => journal.append(sent(`f${i}`)));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(writes).toHaveLength(1);
    releaseFirstSync();
    await Promise.all([first, ...rest]);
    expect(writes).toHaveLength(2);
    expect(syncs).toBe(2);
    expect(await journal.flow('f48')).toBeDefined();
    await journal.close();
  });

  it('rotates past maxSegmentBytes and compacts, keeping open flows and idempotency lookups', async () => {
    const dir = await tempDir();
    const options = { durability: 'none', maxSegmentBytes: 2_000, maxSegments: 3, keepFlows: 5 } as const;
    const journal = await openFileJournal(dir, options);
    await appendAll(journal, [sent('open-1', 'k-open')]);
    for (let i = 0; i < 30; i++) await appendAll(journal, completedFlow(`done-${i}`, `k-${i}`));
    await appendAll(journal, [sent('open-2')]);
    // Compaction ran by itself: never more than maxSegments + 1 files for long.
    const segments = (await readdir(dir)).filter((n) => n.endsWith('.log'));
    expect(segments.length).toBeLessThanOrEqual(3);
    expect((await journal.openFlows()).map((f) => f.flowId)).toEqual(['open-1', 'open-2']);
    expect((await journal.byIdempotencyKey('k-open'))?.flowId).toBe('open-1');
    expect((await journal.byIdempotencyKey('k-29'))?.flowId).toBe('done-29');
    expect(await journal.byIdempotencyKey('k-0')).toBeUndefined();
    const live = { open: await journal.openFlows(), last: await journal.flow('done-29') };

    await journal.compact();
    expect(journal.segments).toBe(1);
    expect((await readdir(dir)).filter((n) => n.endsWith('.log'))).toHaveLength(1);
    await journal.close();

    const reopened = await openFileJournal(dir, options);
    expect(reopened.diagnostics).toEqual([]);
    expect(await reopened.openFlows()).toEqual(live.open);
    expect(await reopened.flow('done-29')).toEqual(live.last);
    expect((await reopened.byIdempotencyKey('k-open'))?.flowId).toBe('open-1');
    await reopened.append({ kind: 'reconciled', flowId: 'open-1', at: 7, verdict: 'not_found' });
    await reopened.close();
    const third = await openFileJournal(dir, options);
    expect((await third.openFlows()).map((f) => f.flowId)).toEqual(['open-2']);
    await third.close();
  });

  it('ignores segments older than a compacted one (a crash between rename and cleanup)', async () => {
    const dir = await tempDir();
    const journal = await openFileJournal(dir, { durability: 'none' });
    await appendAll(journal, completedFlow('old'));
    const oldSegment = (await readdir(dir)).find((n) => n.endsWith('.log'))!;
    const oldBytes = await readFile(join(dir, oldSegment));
    await journal.compact();
    await appendAll(journal, [sent('new')]);
    await journal.close();
    // Put the pre-compaction segment back, as if its removal never happened.
    await writeFile(join(dir, oldSegment), oldBytes);

    const reopened = await openFileJournal(dir, { durability: 'none' });
    expect((await reopened.openFlows()).map((f) => f.flowId)).toEqual(['new']);
    expect((await reopened.flow('old'))?.ended?.outcome).toBe('completed');
    expect((await readdir(dir)).filter((n) => n.endsWith('.log'))).toHaveLength(1);
    await reopened.close();
  });

  it('refuses a second opener while the first holds the lock, and takes over a stale lock', async () => {
    const dir = await tempDir();
    const first = await openFileJournal(dir);
    await expect(openFileJournal(dir)).rejects.toMatchObject({ name: 'JournalError', code: 'locked' });
    await first.close();
    const second = await openFileJournal(dir);
    await second.close();

    // A lock left by a process that no longer exists (pid far above any live one).
    await writeFile(join(dir, 'LOCK'), '2147483646\n');
    const third = await openFileJournal(dir);
    expect(third.diagnostics.map((d) => d.kind)).toEqual(['stale_lock']);
    expect(await readFile(join(dir, 'LOCK'), 'utf8')).toBe(`${process.pid}\n`);
    await third.close();
    expect((await readdir(dir)).includes('LOCK')).toBe(false);

    // A lock that names no process at all (not something we write) is stale too.
    await writeFile(join(dir, 'LOCK'), 'garbage');
    const fourth = await openFileJournal(dir);
    expect(fourth.diagnostics[0]?.error.message).toContain('garbage');
    await fourth.close();
  });

  it('rejects appends after close with JournalError("closed"), and is safe to close twice', async () => {
    const dir = await tempDir();
    const journal = await openFileJournal(dir);
    const pending = journal.append(sent('1'));
    const closing = journal.close();
    await expect(journal.append(sent('2'))).rejects.toSatisfy(
      (e) => e instanceof JournalError && e.code === 'closed',
    );
    await pending;
    await closing;
    await journal.close();
    await expect(journal.compact()).rejects.toMatchObject({ code: 'closed' });
    expect((await journal.flow('1'))?.flowId).toBe('1');
  });

  it('rejects malformed and oversized records and bad options with JournalError("invalid")', async () => {
    const dir = await tempDir();
    await expect(openFileJournal(dir, { maxSegmentBytes: -1 })).rejects.toMatchObject({ code: 'invalid' });
    await expect(openFileJournal(dir, { durability: 'sometimes' as 'none' })).rejects.toMatchObject({
      code: 'invalid',
    });
    const journal = await openFileJournal(dir, { maxRecordBytes: 500 });
    await expect(journal.append({ kind: 'nope' } as unknown as JournalRecord)).rejects.toMatchObject({
      code: 'invalid',
    });
    const big = { ...sent('big'), resource: { blob: 'x'.repeat(600) } } as JournalRecord;
    await expect(journal.append(big)).rejects.toMatchObject({ code: 'invalid' });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(journal.append({ ...sent('c'), resource: cyclic } as JournalRecord)).rejects.toMatchObject({
      code: 'invalid',
    });
    // The journal is still usable.
    await journal.append(sent('ok'));
    await journal.close();
  });

  it('fails every pending append with write_failed when the disk write fails, and recovers on reopen', async () => {
    const dir = await tempDir();
    const journal = await openFileJournal(dir, { durability: 'none' });
    await journal.append(sent('kept'));
    const writer = (journal as unknown as { writer: { write(b: Uint8Array): Promise<void> } }).writer;
    writer.write = () => Promise.reject(Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
    const results = await Promise.allSettled([journal.append(sent('a')), journal.append(sent('b'))]);
    for (const result of results) {
      expect(result).toMatchObject({ status: 'rejected', reason: { code: 'write_failed' } });
    }
    await expect(journal.append(sent('c'))).rejects.toMatchObject({ code: 'write_failed' });
    await journal.close();
    const reopened = await openFileJournal(dir, { durability: 'none' });
    expect((await reopened.openFlows()).map((f) => f.flowId)).toEqual(['kept']);
    await reopened.close();
  });
});
