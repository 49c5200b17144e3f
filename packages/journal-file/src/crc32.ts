import * as zlib from 'node:zlib';

/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial). Detects torn and flipped bytes in a frame. Node's native
 * `zlib.crc32` (Node ≥ 20.15) is about 20× faster than the table loop, which is kept for runtimes without it
 * (Electron builds on older Node 20 releases) and as the reference the tests compare against.
 */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32Portable(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const native: ((data: Uint8Array) => number) | undefined =
  typeof zlib.crc32 === 'function' ? zlib.crc32 : undefined;

export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  if (native === undefined) return crc32Portable(bytes, start, end);
  return native(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end));
}
