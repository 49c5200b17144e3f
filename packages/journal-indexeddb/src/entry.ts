import type { FlowSummary, JournalRecord } from '@bluechip-ws/core';
import { crc32Portable as crc32, isJsonObject, readStoredEntry } from '@bluechip-ws/core/internal';

/**
 * One entry of the log. `t` is the JSON text of `{ r: record }` (an append) or `{ s: summary }` (a flow's
 * state, written by compaction); `c` is the CRC-32 of its UTF-8 bytes. Storing the text rather than a
 * structured clone keeps records opaque (whatever core's guards accept is stored as is) and lets a damaged
 * or half-written entry be told apart from a good one. A value of the `log` store is an array of entries
 * (one transaction's batch), keyed by a sequence number: one `put` per transaction, because each `put`
 * costs a round trip to the browser's storage process.
 */
export interface StoredEntry {
  readonly c: number;
  readonly t: string;
}

const encoder = new TextEncoder();

/** Encodes an entry; `bytes` is its UTF-8 size, checked against `maxRecordBytes`. Throws if not JSON-able. */
export function encodeEntry(entry: { r: JournalRecord } | { s: FlowSummary }): {
  readonly stored: StoredEntry;
  readonly bytes: number;
} {
  const t = JSON.stringify(entry);
  const utf8 = encoder.encode(t);
  return { stored: { c: crc32(utf8), t }, bytes: utf8.length };
}

export type DecodedEntry =
  | { readonly kind: 'record'; readonly record: JournalRecord }
  | { readonly kind: 'snapshot'; readonly flow: FlowSummary }
  | { readonly kind: 'corrupt'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Checks a stored value's checksum, then its content with core's guards. Never throws. */
export function decodeEntry(value: unknown): DecodedEntry {
  if (!isJsonObject(value) || typeof value.t !== 'string' || typeof value.c !== 'number') {
    return { kind: 'corrupt', reason: 'not a journal entry' };
  }
  if (crc32(encoder.encode(value.t)) !== value.c) return { kind: 'corrupt', reason: 'checksum mismatch' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.t);
  } catch {
    return { kind: 'corrupt', reason: 'not JSON' };
  }
  if (!isJsonObject(parsed)) return { kind: 'invalid', reason: 'not an object' };
  const stored = readStoredEntry(parsed);
  if (stored !== undefined) return stored;
  return { kind: 'invalid', reason: 'unknown entry' };
}
