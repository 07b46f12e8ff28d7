import zlib from 'node:zlib';

/**
 * CRC-32 (ISO-HDLC, as in ZIP and gzip), continuing from `value`. Node has it built in since
 * 20.15; the table-driven fallback keeps earlier Node 20 releases working.
 */
export const crc32: (data: Uint8Array, value?: number) => number =
  typeof zlib.crc32 === 'function' ? (data, value = 0) => zlib.crc32(data, value) : crc32Fallback;

let table: Uint32Array | undefined;

function crc32Fallback(data: Uint8Array, value = 0): number {
  table ??= makeTable();
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** The fallback, exported for its test against the built-in. */
export const crc32Portable = crc32Fallback;
