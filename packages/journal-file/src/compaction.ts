import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { FlowSummary } from '@bluechip-ws/core';
import { headerEntry } from './entry.js';
import { encodeFrame } from './frame.js';
import { syncDir, syncFile, writeAll } from './fs-util.js';
import type { Durability } from './options.js';
import { COMPACT_TEMP, type SegmentFile, segmentFile } from './segments.js';

/** Frames are gathered into writes of about this size. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Writes the live state as segment `seq`: a base header, then one snapshot per flow in index order (so the
 * most recent flow for an idempotency key is still restored last). Atomic: the content is written to a
 * temporary file and synced, then renamed into place and the directory synced. A crash before the rename
 * leaves the old segments in charge; after it, the base header makes replay ignore them.
 */
export async function writeCompactedSegment(
  dir: string,
  seq: number,
  flows: Iterable<FlowSummary>,
  durability: Durability,
): Promise<{ readonly file: SegmentFile; readonly size: number }> {
  const temp = join(dir, COMPACT_TEMP);
  const handle = await open(temp, 'w');
  let size = 0;
  try {
    let chunk: Buffer[] = [encodeFrame(headerEntry(true))];
    let chunkBytes = 0;
    const flush = async (): Promise<void> => {
      const bytes = Buffer.concat(chunk);
      chunk = [];
      chunkBytes = 0;
      await writeAll(handle, bytes);
      size += bytes.length;
    };
    for (const flow of flows) {
      const frame = encodeFrame({ s: flow });
      chunk.push(frame);
      chunkBytes += frame.length;
      if (chunkBytes >= CHUNK_BYTES) await flush();
    }
    await flush();
    await syncFile(handle, durability);
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  const file = segmentFile(dir, seq);
  await rename(temp, file.path);
  await syncDir(dir, durability);
  return { file, size };
}
