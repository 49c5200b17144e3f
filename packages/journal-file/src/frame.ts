import { crc32 } from './crc32.js';

/**
 * One frame per line: `<length>\t<crc32 hex>\t<json>\n`, where length is the JSON's byte length and the CRC
 * covers those bytes. JSON never holds a raw newline, so after a damaged frame the reader resyncs at the next
 * newline; the length and CRC together tell a complete frame from a torn or flipped one.
 */

const TAB = 0x09;
const NEWLINE = 0x0a;
const MAX_LENGTH_DIGITS = 10;
const CRC_DIGITS = 8;

export function encodeFrame(payload: unknown): Buffer {
  const text = JSON.stringify(payload);
  if (text === undefined) throw new TypeError('payload has no JSON form');
  const json = Buffer.from(text, 'utf8');
  const head = `${json.length}\t${crc32(json).toString(16).padStart(CRC_DIGITS, '0')}\t`;
  return Buffer.concat([Buffer.from(head, 'latin1'), json, Buffer.of(NEWLINE)]);
}

/** A byte range of a segment that holds no valid frame. */
export interface BadRange {
  readonly offset: number;
  readonly end: number;
  readonly reason: string;
}

export interface ScanResult {
  /** End of the last valid frame: everything after it is a damaged tail. */
  readonly goodEnd: number;
  readonly bad: readonly BadRange[];
}

/** Walks every frame of a segment, calling `onFrame` with each valid frame's JSON text, in order. */
export function scanFrames(
  buf: Uint8Array,
  onFrame: (json: string, offset: number, end: number) => void,
): ScanResult {
  const bad: BadRange[] = [];
  let goodEnd = 0;
  let offset = 0;
  while (offset < buf.length) {
    const frame = readFrame(buf, offset);
    if (frame.ok) {
      onFrame(
        Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString(
          'utf8',
          frame.jsonStart,
          frame.jsonEnd,
        ),
        offset,
        frame.end,
      );
      goodEnd = frame.end;
      offset = frame.end;
      continue;
    }
    // Skip to the next line, or past this frame when only its terminator was damaged.
    const newline = buf.indexOf(NEWLINE, offset);
    const end = frame.skipTo ?? (newline === -1 ? buf.length : newline + 1);
    bad.push({ offset, end, reason: frame.reason });
    offset = end;
  }
  return { goodEnd, bad };
}

type FrameRead =
  | { readonly ok: true; readonly jsonStart: number; readonly jsonEnd: number; readonly end: number }
  | { readonly ok: false; readonly reason: string; readonly skipTo?: number };

function readFrame(buf: Uint8Array, offset: number): FrameRead {
  let length = 0;
  let i = offset;
  while (i < buf.length && i - offset < MAX_LENGTH_DIGITS && isDigit(buf[i]!))
    length = length * 10 + buf[i++]! - 0x30;
  if (i === offset) return { ok: false, reason: 'no length' };
  if (i >= buf.length) return { ok: false, reason: 'truncated header' };
  if (buf[i] !== TAB) return { ok: false, reason: 'malformed length' };
  const crcStart = i + 1;
  const crcEnd = crcStart + CRC_DIGITS;
  if (crcEnd >= buf.length) return { ok: false, reason: 'truncated header' };
  let expected = 0;
  for (let j = crcStart; j < crcEnd; j++) {
    const digit = hexValue(buf[j]!);
    if (digit < 0) return { ok: false, reason: 'malformed checksum' };
    expected = expected * 16 + digit;
  }
  if (buf[crcEnd] !== TAB) return { ok: false, reason: 'malformed checksum' };
  const jsonStart = crcEnd + 1;
  const jsonEnd = jsonStart + length;
  if (jsonEnd >= buf.length) return { ok: false, reason: 'truncated record' };
  if (crc32(buf, jsonStart, jsonEnd) !== expected) return { ok: false, reason: 'checksum mismatch' };
  if (buf[jsonEnd] !== NEWLINE) return { ok: false, reason: 'damaged terminator', skipTo: jsonEnd + 1 };
  return { ok: true, jsonStart, jsonEnd, end: jsonEnd + 1 };
}

const isDigit = (byte: number): boolean => byte >= 0x30 && byte <= 0x39;

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}
