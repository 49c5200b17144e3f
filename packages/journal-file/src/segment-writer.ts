import { type FileHandle, open } from 'node:fs/promises';
import { headerEntry } from './entry.js';
import { encodeFrame } from './frame.js';
import { syncDir, syncFile, writeAll } from './fs-util.js';
import type { Durability } from './options.js';
import { type SegmentFile, segmentFile } from './segments.js';

/**
 * The one segment being appended to. Writes go to the end (the file is opened in append mode); `sync`
 * makes everything written so far durable. A fresh segment's header is written at once and made durable by
 * the first sync, together with the records of the first batch.
 */
export class SegmentWriter {
  private constructor(
    readonly file: SegmentFile,
    private readonly handle: FileHandle,
    private bytes: number,
    private readonly durability: Durability,
  ) {}

  /** Continues an existing segment whose valid content is `size` bytes long (a header is added if empty). */
  static async resume(file: SegmentFile, size: number, durability: Durability): Promise<SegmentWriter> {
    const writer = new SegmentWriter(file, await open(file.path, 'a'), size, durability);
    if (size === 0) await writer.writeHeader();
    return writer;
  }

  /** Creates segment `seq`, which must not exist yet, and makes its directory entry durable. */
  static async create(dir: string, seq: number, durability: Durability): Promise<SegmentWriter> {
    const file = segmentFile(dir, seq);
    const writer = new SegmentWriter(file, await open(file.path, 'ax'), 0, durability);
    try {
      await writer.writeHeader();
      await syncDir(dir, durability);
    } catch (error) {
      await writer.close();
      throw error;
    }
    return writer;
  }

  get seq(): number {
    return this.file.seq;
  }

  get size(): number {
    return this.bytes;
  }

  async write(bytes: Uint8Array): Promise<void> {
    await writeAll(this.handle, bytes);
    this.bytes += bytes.length;
  }

  sync(): Promise<void> {
    return syncFile(this.handle, this.durability);
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  private writeHeader(): Promise<void> {
    return this.write(encodeFrame(headerEntry(false)));
  }
}
