import * as zlib from 'node:zlib';
import { crc32Portable } from '@bluechip-ws/core/internal';

/**
 * CRC-32 of a frame. Node's native `zlib.crc32` (Node ≥ 20.15) is about 20× faster than core's table loop,
 * which is kept for runtimes without it (Electron builds on older Node 20 releases) and as the reference the
 * tests compare against.
 */

export { crc32Portable };

const native: ((data: Uint8Array) => number) | undefined =
  typeof zlib.crc32 === 'function' ? zlib.crc32 : undefined;

export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  if (native === undefined) return crc32Portable(bytes, start, end);
  return native(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end));
}
