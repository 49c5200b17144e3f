import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Segment files are numbered in order of creation; the number sorts the same as text and as a number. */
const SEGMENT_NAME = /^segment-(\d{12})\.log$/;

export const COMPACT_TEMP = 'compact.tmp';

export interface SegmentFile {
  readonly seq: number;
  readonly path: string;
  readonly name: string;
}

export function segmentFile(dir: string, seq: number): SegmentFile {
  const name = `segment-${String(seq).padStart(12, '0')}.log`;
  return { seq, name, path: join(dir, name) };
}

/** The segment files in `dir`, oldest first. */
export async function listSegments(dir: string): Promise<SegmentFile[]> {
  const names = await readdir(dir);
  const segments: SegmentFile[] = [];
  for (const name of names) {
    const match = SEGMENT_NAME.exec(name);
    if (match?.[1] !== undefined) segments.push(segmentFile(dir, Number(match[1])));
  }
  return segments.sort((a, b) => a.seq - b.seq);
}
