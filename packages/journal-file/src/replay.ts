import { open, readFile, truncate, unlink } from 'node:fs/promises';
import { JournalError } from '@bluechip-ws/core';
import { FlowIndex } from '@bluechip-ws/core/internal';
import type { DiagnosticList, JournalDiagnostic } from './diagnostics.js';
import { decodeEntry } from './entry.js';
import { scanFrames } from './frame.js';
import { syncDir } from './fs-util.js';
import type { ResolvedOptions } from './options.js';
import { listSegments, type SegmentFile } from './segments.js';

export interface ReplayResult {
  readonly index: FlowIndex;
  /** Segments still in use, oldest first. */
  readonly segments: readonly SegmentFile[];
  /** Valid bytes of the newest segment (after its torn tail, if any, was truncated away). */
  readonly lastSize: number;
}

/** Header frames are tiny; this much of a segment's start is enough to read one. */
const HEAD_BYTES = 4096;

/**
 * Rebuilds the in-memory index from the segments on disk. Segments older than the newest compacted one are
 * obsolete (a crash hit between compaction's rename and its cleanup) and are removed. A damaged frame in the
 * middle is reported and skipped; a damaged end of the newest segment is a torn write, truncated away so the
 * next append starts on a frame boundary.
 */
export async function replay(
  dir: string,
  options: ResolvedOptions,
  diagnostics: DiagnosticList,
): Promise<ReplayResult> {
  const index = new FlowIndex({ maxFlows: options.keepFlows, maxEventsPerFlow: options.maxEventsPerFlow });
  const all = await listSegments(dir);
  const start = await newestBase(all);
  for (const obsolete of all.slice(0, start)) await unlink(obsolete.path);
  if (start > 0) await syncDir(dir, options.durability);
  const segments = all.slice(start);

  let lastSize = 0;
  for (const [i, segment] of segments.entries()) {
    const bytes = await readFile(segment.path);
    const scan = scanFrames(bytes, (json, offset, end) => {
      const entry = decodeEntry(json);
      if (entry.kind === 'record') index.apply(entry.record);
      else if (entry.kind === 'snapshot') index.restore(entry.flow);
      else if (entry.kind === 'invalid') {
        diagnostics.add(diagnostic('invalid_entry', segment, offset, end, `skipped entry: ${entry.reason}`));
      }
    });
    const isLast = i === segments.length - 1;
    for (const bad of scan.bad) {
      if (isLast && bad.offset >= scan.goodEnd) break;
      diagnostics.add(
        diagnostic('corrupt_record', segment, bad.offset, bad.end, `skipped frame: ${bad.reason}`),
      );
    }
    if (!isLast) continue;
    lastSize = scan.goodEnd;
    if (scan.goodEnd < bytes.length) {
      diagnostics.add(
        diagnostic(
          'torn_tail',
          segment,
          scan.goodEnd,
          bytes.length,
          'ignored and truncated a torn last frame',
        ),
      );
      await truncateDurably(segment.path, scan.goodEnd, options);
    }
  }
  return { index, segments, lastSize };
}

/** Position in `segments` of the newest compacted segment, or 0. */
async function newestBase(segments: readonly SegmentFile[]): Promise<number> {
  for (let i = segments.length - 1; i > 0; i--) {
    if (await isBase(segments[i]!)) return i;
  }
  return 0;
}

async function isBase(segment: SegmentFile): Promise<boolean> {
  const handle = await open(segment.path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
    let base = false;
    scanFrames(buffer.subarray(0, bytesRead), (json, offset) => {
      if (offset !== 0) return;
      const entry = decodeEntry(json);
      base = entry.kind === 'header' && entry.base;
    });
    return base;
  } finally {
    await handle.close();
  }
}

async function truncateDurably(path: string, size: number, options: ResolvedOptions): Promise<void> {
  await truncate(path, size);
  if (options.durability === 'none') return;
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function diagnostic(
  kind: JournalDiagnostic['kind'],
  segment: SegmentFile,
  offset: number,
  end: number,
  message: string,
): JournalDiagnostic {
  return {
    kind,
    file: segment.name,
    offset,
    length: end - offset,
    error: new JournalError('corrupt', `${segment.name} at byte ${offset}: ${message}`),
  };
}
