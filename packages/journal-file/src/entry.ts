import type { FlowSummary, JournalRecord } from '@bluechip-ws/core';
import { isJsonObject, readStoredEntry } from '@bluechip-ws/core/internal';

/** Version of the on-disk format, written in every segment's header. */
export const FORMAT_VERSION = 1;

/**
 * What one frame holds. A segment starts with a header; `base` marks a compacted segment, whose snapshots
 * replace everything in older segments. Records are appended as they come; snapshots only by compaction.
 */
export type Entry =
  | { readonly h: { readonly v: number; readonly base: boolean } }
  | { readonly r: JournalRecord }
  | { readonly s: FlowSummary };

export const headerEntry = (base: boolean): Entry => ({ h: { v: FORMAT_VERSION, base } });

export type DecodedEntry =
  | { readonly kind: 'header'; readonly base: boolean }
  | { readonly kind: 'record'; readonly record: JournalRecord }
  | { readonly kind: 'snapshot'; readonly flow: FlowSummary }
  | { readonly kind: 'invalid'; readonly reason: string };

export function decodeEntry(json: string): DecodedEntry {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  if (!isJsonObject(value)) return { kind: 'invalid', reason: 'not an object' };
  const stored = readStoredEntry(value);
  if (stored !== undefined) return stored;
  if ('h' in value && isJsonObject(value.h)) {
    const { v, base } = value.h;
    if (v !== FORMAT_VERSION) return invalid(`unsupported format version ${String(v)}`);
    return typeof base === 'boolean' ? { kind: 'header', base } : invalid('malformed header');
  }
  return invalid('unknown entry');
}

const invalid = (reason: string): DecodedEntry => ({ kind: 'invalid', reason });
