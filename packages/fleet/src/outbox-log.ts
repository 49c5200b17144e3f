import { createReadStream } from 'node:fs';
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { OutcomeRecord } from './outcome-store.js';

/** The file next to a terminal's journal segments (the journal ignores files that are not its segments). */
export const OUTBOX_FILE = 'fleet-outbox.jsonl';

/**
 * Beside it: outcomes the stream can never take (see `UnpublishableOutcomeError`), one JSON line each, set
 * aside for an operator instead of blocking the outbox or the agent's start.
 */
export const QUARANTINE_FILE = 'fleet-outbox-quarantine.jsonl';

/** Truncated when nothing is pending and it has grown past this (default). */
const COMPACT_BYTES = 256 * 1024;

function isObject(value: unknown): value is { readonly [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Enough of an `OutcomeRecord` to publish or quarantine it (the stream checks the rest). */
function isRecordShaped(value: unknown): value is OutcomeRecord {
  return (
    isObject(value) &&
    typeof value.site === 'string' &&
    typeof value.terminal === 'string' &&
    typeof value.flowId === 'string' &&
    (value.idempotencyKey === undefined || typeof value.idempotencyKey === 'string')
  );
}

/** Lines of a file, counted as it streams by (the quarantine file only grows), 0 when it is missing. */
async function countLines(path: string): Promise<number> {
  let lines = 0;
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) lines++;
    }
  } catch {
    return lines;
  }
  return lines;
}

/**
 * The write-ahead record of outcomes on their way to the stream, one file per terminal journal: an outcome is
 * appended (and synced) before it is published, and marked done after the stream acknowledged it. An agent
 * killed between the two (or while the stream was away) republishes what is not marked done when it starts
 * again; `Nats-Msg-Id` drops the copies the stream already has. Without it, an outcome the stream never got
 * would be only in the terminal's journal, which marks it completed and so never reconciles it again.
 */
export class OutboxLog {
  private chain: Promise<void> = Promise.resolve();
  private readonly pendingIds = new Set<string>();
  private bytes = 0;

  private constructor(
    private readonly file: FileHandle,
    readonly pending: readonly OutcomeRecord[],
    private readonly compactBytes: number,
    private readonly quarantinePath: string,
    /** Records set aside in the quarantine file by earlier runs. */
    readonly quarantinedBefore: number,
  ) {}

  /** Opens (or creates) the log; `pending` holds the outcomes appended and never marked done. */
  static async open(path: string, compactBytes = COMPACT_BYTES): Promise<OutboxLog> {
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const added = new Map<string, OutcomeRecord>();
    for (const raw of text.split('\n')) {
      if (raw === '') continue;
      let line: unknown;
      try {
        line = JSON.parse(raw);
      } catch {
        continue; // a torn last line: its outcome was not acknowledged to anyone yet
      }
      // A file is a door too: a line of another shape is skipped (the outcome is still in the journal).
      if (!isObject(line)) continue;
      if (typeof line.done === 'string') added.delete(line.done);
      else if (typeof line.id === 'string' && isRecordShaped(line.add)) added.set(line.id, line.add);
    }
    const quarantinePath = join(dirname(path), QUARANTINE_FILE);
    const before = await countLines(quarantinePath);
    const file = await open(path, 'a');
    const log = new OutboxLog(file, [...added.values()], compactBytes, quarantinePath, before);
    for (const id of added.keys()) log.pendingIds.add(id);
    log.bytes = text.length;
    return log;
  }

  /** Durable once resolved (fdatasync). */
  add(id: string, record: OutcomeRecord): Promise<void> {
    this.pendingIds.add(id);
    return this.write(`${JSON.stringify({ id, add: record })}\n`, true);
  }

  /** Not synced: a lost mark only means one harmless republication. */
  done(id: string): Promise<void> {
    if (!this.pendingIds.delete(id)) return Promise.resolve();
    return this.write(`${JSON.stringify({ done: id })}\n`, false).then(() => this.compact());
  }

  /**
   * Sets a record aside in the quarantine file (synced), then marks it done here: it is not retried. One
   * step of the log's chain, so `close` waits for it.
   */
  quarantine(id: string, record: OutcomeRecord, reason: string): Promise<void> {
    const line = `${JSON.stringify({ id, reason, at: new Date().toISOString(), record })}\n`;
    const run = this.chain.then(async () => {
      const handle = await open(this.quarantinePath, 'a');
      try {
        await handle.write(line);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      if (this.pendingIds.delete(id)) {
        const done = `${JSON.stringify({ done: id })}\n`;
        await this.file.write(done);
        this.bytes += done.length;
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  close(): Promise<void> {
    return this.chain.then(() => this.file.close());
  }

  private write(line: string, sync: boolean): Promise<void> {
    const run = this.chain.then(async () => {
      await this.file.write(line);
      this.bytes += line.length;
      if (sync) await this.file.datasync();
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private compact(): Promise<void> {
    if (this.pendingIds.size > 0 || this.bytes < this.compactBytes) return Promise.resolve();
    const run = this.chain.then(async () => {
      if (this.pendingIds.size > 0) return;
      await this.file.truncate(0);
      this.bytes = 0;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}
