import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JournalRecord } from '@bluechip-ws/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../src/frame.js';
import { openFileJournal } from '../src/index.js';
import { sent, useTempDirs } from './support.js';

const tempDir = useTempDirs();
const options = { durability: 'none' } as const;

/** Writes one record per flow (f0, f1, …) and returns the segment's bytes and each frame's offset. */
async function writeJournal(dir: string, count: number) {
  const journal = await openFileJournal(dir, options);
  const records: JournalRecord[] = Array.from({ length: count }, (_, i) => sent(`f${i}`, `k${i}`));
  for (const record of records) await journal.append(record);
  await journal.close();
  const name = (await readdir(dir)).find((n) => n.endsWith('.log'))!;
  const bytes = await readFile(join(dir, name));
  const frameLengths = records.map((r) => encodeFrame({ r }).length);
  const headerLength = bytes.length - frameLengths.reduce((a, b) => a + b, 0);
  const starts = frameLengths.map(
    (_, i) => headerLength + frameLengths.slice(0, i).reduce((a, b) => a + b, 0),
  );
  return { name, bytes, starts };
}

/** Replaces the journal in `dir` by a single segment holding `bytes`. */
async function replaceSegment(dir: string, name: string, bytes: Uint8Array): Promise<void> {
  for (const entry of await readdir(dir)) await rm(join(dir, entry));
  await writeFile(join(dir, name), bytes);
}

async function flowIds(dir: string): Promise<string[]> {
  const journal = await openFileJournal(dir, options);
  const ids = (await journal.openFlows()).map((f) => f.flowId);
  await journal.close();
  return ids;
}

const ids = (count: number, except?: number) =>
  Array.from({ length: count }, (_, i) => `f${i}`).filter((_, i) => i !== except);

describe('torn and corrupt frames', () => {
  it('ignores a torn last record at every byte offset, keeps all earlier ones, and appends cleanly after', async () => {
    const source = await tempDir();
    const count = 4;
    const { name, bytes, starts } = await writeJournal(source, count);
    const lastStart = starts[count - 1]!;
    const dir = await tempDir();
    for (let cut = lastStart; cut < bytes.length; cut++) {
      await replaceSegment(dir, name, bytes.subarray(0, cut));
      const journal = await openFileJournal(dir, options);
      expect((await journal.openFlows()).map((f) => f.flowId)).toEqual(ids(count - 1));
      expect(journal.diagnostics.map((d) => d.kind)).toEqual(cut === lastStart ? [] : ['torn_tail']);
      expect(await journal.byIdempotencyKey('k2')).toMatchObject({ flowId: 'f2' });
      await journal.append(sent('after'));
      await journal.close();

      // The torn bytes were truncated away: the new record follows the last intact one directly.
      const repaired = await readFile(join(dir, name));
      expect(repaired.length).toBe(lastStart + encodeFrame({ r: sent('after') }).length);
      const reopened = await openFileJournal(dir, options);
      expect(reopened.diagnostics).toEqual([]);
      expect((await reopened.openFlows()).map((f) => f.flowId)).toEqual([...ids(count - 1), 'after']);
      await reopened.close();
    }
  });

  it('reports and skips a corrupt record in the middle, losing nothing else', async () => {
    const source = await tempDir();
    const count = 6;
    const { name, bytes, starts } = await writeJournal(source, count);
    const dir = await tempDir();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: count - 2 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (victim, at, delta) => {
          const start = starts[victim]!;
          const position = start + (at % (starts[victim + 1]! - start));
          const damaged = Buffer.from(bytes);
          damaged[position] = (damaged[position]! + delta) % 256;
          await replaceSegment(dir, name, damaged);
          const journal = await openFileJournal(dir, options);
          const kept = (await journal.openFlows()).map((f) => f.flowId);
          const kinds = journal.diagnostics.map((d) => d.kind);
          await journal.close();
          expect(kinds.length).toBeGreaterThan(0);
          expect(kinds.every((k) => k === 'corrupt_record')).toBe(true);
          for (const d of journal.diagnostics)
            expect(d.error).toMatchObject({ name: 'JournalError', code: 'corrupt' });
          // Only a damaged terminator leaves the record itself readable (its checksum still holds).
          expect(kept.filter((id) => id !== `f${victim}`)).toEqual(ids(count, victim));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('treats a complete but corrupt last record as a torn tail', async () => {
    const source = await tempDir();
    const { name, bytes, starts } = await writeJournal(source, 3);
    const damaged = Buffer.from(bytes);
    const position = starts[2]! + 20;
    damaged[position] = damaged[position]! ^ 0x01;
    const dir = await tempDir();
    await replaceSegment(dir, name, damaged);
    expect(await flowIds(dir)).toEqual(ids(2));
    expect((await readFile(join(dir, name))).length).toBe(starts[2]);
  });

  it('skips an intact frame it cannot understand without truncating it', async () => {
    const source = await tempDir();
    const { name, bytes } = await writeJournal(source, 2);
    const dir = await tempDir();
    await replaceSegment(dir, name, Buffer.concat([bytes, encodeFrame({ future: true })]));
    const journal = await openFileJournal(dir, options);
    expect(journal.diagnostics.map((d) => d.kind)).toEqual(['invalid_entry']);
    expect((await journal.openFlows()).map((f) => f.flowId)).toEqual(ids(2));
    await journal.close();
  });
});

describe('diagnostics', () => {
  it('keeps a bounded number of them, counting the rest', async () => {
    const source = await tempDir();
    const { name, bytes } = await writeJournal(source, 1);
    const junk = Buffer.from('garbage\n'.repeat(1_500));
    const dir = await tempDir();
    await replaceSegment(dir, name, Buffer.concat([junk, bytes]));
    const journal = await openFileJournal(dir, options);
    expect(journal.diagnostics).toHaveLength(1_001);
    expect(journal.diagnostics.at(-1)).toMatchObject({ kind: 'truncated', error: { code: 'corrupt' } });
    expect((await journal.openFlows()).map((f) => f.flowId)).toEqual(['f0']);
    await journal.close();
  });
});
