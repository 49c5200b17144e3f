import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { JournalError, type JournalRecord } from '@bluechip-ws/core';
import {
  type CompactionWaiter,
  type FlowIndex,
  IndexedJournal,
  type PendingAppend,
  WriteQueue,
} from '@bluechip-ws/core/internal';
import { writeCompactedSegment } from './compaction.js';
import { DiagnosticList, type JournalDiagnostic } from './diagnostics.js';
import { encodeFrame } from './frame.js';
import { isCode, syncDir } from './fs-util.js';
import { acquireLock, type DirectoryLock, LOCK_FILE } from './lock.js';
import { type FileJournalOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { replay } from './replay.js';
import { SegmentWriter } from './segment-writer.js';
import { COMPACT_TEMP, listSegments, segmentFile } from './segments.js';

type State = 'open' | 'closing' | 'closed' | 'failed';

/**
 * Opens (creating if needed) the journal in `dir`, taking its lock and rebuilding the index from disk.
 * Rejects with `JournalError('locked')` when a live process holds the directory, `'invalid'` for bad
 * options, `'read_failed'` when the directory cannot be read or prepared.
 */
export async function openFileJournal(dir: string, options: FileJournalOptions = {}): Promise<FileJournal> {
  const resolved = resolveOptions(options);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new JournalError('read_failed', `cannot create journal directory ${dir}`, { cause: error });
  }
  const lock = await asJournalError('read_failed', `cannot lock journal ${dir}`, () => acquireLock(dir));
  try {
    await unlink(join(dir, COMPACT_TEMP)).catch((error: unknown) => {
      if (!isCode(error, 'ENOENT')) throw error;
    });
    const diagnostics = new DiagnosticList();
    if (lock.tookOverFrom !== undefined) {
      diagnostics.add({
        kind: 'stale_lock',
        file: LOCK_FILE,
        offset: 0,
        length: 0,
        error: new JournalError('locked', `took over a stale lock (held by ${lock.tookOverFrom})`),
      });
    }
    const state = await replay(dir, resolved, diagnostics);
    const last = state.segments.at(-1);
    const writer =
      last === undefined
        ? await SegmentWriter.create(dir, 1, resolved.durability)
        : await SegmentWriter.resume(last, state.lastSize, resolved.durability);
    const segments = Math.max(1, state.segments.length);
    return new FileJournal(dir, resolved, lock, state.index, writer, segments, diagnostics);
  } catch (error) {
    await lock.release().catch(() => undefined);
    throw error instanceof JournalError
      ? error
      : new JournalError('read_failed', `cannot open journal ${dir}`, { cause: error });
  }
}

/**
 * A durable journal in a directory of append-only segment files (see docs/recovery.md, "The journal").
 * `append` resolves once the record is synced to disk; appends that arrive while a sync is running are
 * written and synced together by the next one (group commit). Reads are served from an in-memory index and
 * see every record whose append has resolved. One process at a time owns the directory.
 */
export class FileJournal extends IndexedJournal {
  private state: State = 'open';
  private failure: JournalError | undefined;
  private compactDue = false;
  private closing: Promise<void> | undefined;
  private readonly writes = new WriteQueue<Buffer>({
    stopped: () => this.failed,
    commit: (queue) => this.commitBatch(queue),
    compactionDue: () => this.compactDue,
    compact: (waiters) => this.compactNow(waiters),
  });

  /** @internal Use `openFileJournal`. */
  constructor(
    readonly dir: string,
    private readonly options: ResolvedOptions,
    private readonly lock: DirectoryLock,
    index: FlowIndex,
    private writer: SegmentWriter,
    private segmentCount: number,
    private readonly found: DiagnosticList,
  ) {
    super(index);
  }

  /** What opening (and later, compaction cleanup) found and worked around. */
  get diagnostics(): readonly JournalDiagnostic[] {
    return this.found.list();
  }

  /** Segment files in use. */
  get segments(): number {
    return this.segmentCount;
  }

  append(record: JournalRecord): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.unusable());
    let frame: Buffer;
    try {
      frame = this.prepare(
        record,
        (r) => {
          const encoded = encodeFrame({ r });
          return { value: encoded, bytes: encoded.length };
        },
        this.options.maxRecordBytes,
      );
    } catch (error) {
      return Promise.reject(error);
    }
    return this.writes.append(record, frame);
  }

  /** Rewrites the live state into one fresh segment now (it also happens by itself past `maxSegments`). */
  compact(): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.unusable());
    return this.writes.compact();
  }

  /** Lets pending appends finish, then releases the files and the lock. Reads keep working. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    if (this.state === 'open') this.state = 'closing';
    await this.writes.idle();
    this.state = 'closed';
    await asJournalError('write_failed', `cannot close journal ${this.dir}`, async () => {
      await this.writer.close().catch(() => undefined);
      await this.lock.release();
    });
  }

  /** A getter, so that checks after an await are not narrowed away by the compiler. */
  private get failed(): boolean {
    return this.state === 'failed';
  }

  private unusable(): JournalError {
    return this.state === 'failed'
      ? new JournalError('write_failed', 'an earlier write failed; reopen the journal', {
          cause: this.failure,
        })
      : new JournalError('closed', 'the journal is closed');
  }

  /** From the front of the queue, frames up to `maxBatchBytes` (at least one). */
  private takeBatch(queue: PendingAppend<Buffer>[]): PendingAppend<Buffer>[] {
    const batch: PendingAppend<Buffer>[] = [];
    let bytes = 0;
    while (queue.length > 0 && (batch.length === 0 || bytes < this.options.maxBatchBytes)) {
      const next = queue.shift()!;
      batch.push(next);
      bytes += next.stored.length;
    }
    return batch;
  }

  private async commitBatch(queue: PendingAppend<Buffer>[]): Promise<void> {
    const batch = this.takeBatch(queue);
    try {
      if (this.writer.size >= this.options.maxSegmentBytes) await this.rotate();
      await this.writer.write(
        batch.length === 1 ? batch[0]!.stored : Buffer.concat(batch.map((p) => p.stored)),
      );
      await this.writer.sync();
    } catch (error) {
      this.fail(error, batch);
      return;
    }
    for (const pending of batch) {
      this.index.apply(pending.record);
      pending.resolve();
    }
  }

  private async rotate(): Promise<void> {
    const next = await SegmentWriter.create(this.dir, this.writer.seq + 1, this.options.durability);
    await this.writer.close().catch(() => undefined);
    this.writer = next;
    this.segmentCount += 1;
    if (this.segmentCount > this.options.maxSegments) this.compactDue = true;
  }

  private async compactNow(waiters: readonly CompactionWaiter[]): Promise<void> {
    this.compactDue = false;
    const seq = this.writer.seq + 1;
    let size: number;
    try {
      ({ size } = await writeCompactedSegment(this.dir, seq, this.index.values(), this.options.durability));
    } catch (error) {
      // Nothing changed on disk that replay would read: keep going on the old segments.
      const failure = new JournalError('write_failed', 'compaction failed', { cause: error });
      for (const waiter of waiters) waiter.reject(failure);
      return;
    }
    // From here the compacted segment is authoritative, and appends continue at its end.
    try {
      await this.writer.close().catch(() => undefined);
      this.writer = await SegmentWriter.resume(segmentFile(this.dir, seq), size, this.options.durability);
      this.segmentCount = 1;
    } catch (error) {
      this.fail(error, []);
      const failure = this.unusable();
      for (const waiter of waiters) waiter.reject(failure);
      return;
    }
    await this.removeSegmentsBefore(seq);
    for (const waiter of waiters) waiter.resolve();
  }

  /** Obsolete segments are only clutter (replay skips them), so failing to remove one is reported, not fatal. */
  private async removeSegmentsBefore(seq: number): Promise<void> {
    try {
      for (const segment of await listSegments(this.dir)) {
        if (segment.seq < seq) await unlink(segment.path);
      }
      await syncDir(this.dir, this.options.durability);
    } catch (error) {
      this.found.add({
        kind: 'cleanup_failed',
        file: '',
        offset: 0,
        length: 0,
        error: new JournalError('write_failed', 'could not remove obsolete segments', { cause: error }),
      });
    }
  }

  /**
   * After a failed write or sync the file's state is unknown (and a failed fsync cannot be retried
   * safely), so the journal stops: everything pending is rejected and reopening repairs the tail.
   */
  private fail(cause: unknown, batch: readonly PendingAppend<Buffer>[]): void {
    this.state = 'failed';
    this.failure = new JournalError('write_failed', `write to journal ${this.dir} failed`, { cause });
    for (const pending of batch) pending.reject(this.failure);
    this.writes.rejectPending(this.failure);
  }
}

async function asJournalError<T>(
  code: 'read_failed' | 'write_failed',
  message: string,
  action: () => Promise<T>,
): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw error instanceof JournalError ? error : new JournalError(code, message, { cause: error });
  }
}
