/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial): the checksum every durable journal puts on what it stores, to
 * tell a torn or flipped write from a good one. This table loop runs anywhere (browsers have no native
 * CRC-32); the file journal uses Node's native `zlib.crc32` when present and this as its reference.
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
