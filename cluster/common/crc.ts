/**
 * The one wrapper around `@node-rs/crc32` (native, SIMD). Everything else imports checksums from here.
 *
 * - `crc32c` is Castagnoli, HDFS's default `dfs.checksum.type` (.meta files, packets).
 * - `crc32` is zlib/IEEE, the checksum of the edit log records.
 * Self-tests: crc32c("123456789") = 0xE3069283, crc32("123456789") = 0xCBF43926.
 */
import { createRequire } from 'node:module';

/**
 * Required, not imported: the package is CommonJS, and an ES import of it has Node run its
 * export scanner (cjs-module-lexer) over the package's 28 KB loader, hot enough that V8 compiles
 * the scanner with TurboFan — several MB of a daemon's resident memory for a start-up it does not
 * otherwise need (docs/BENCHMARKS.md, idle DataNode RSS).
 */
const { crc32: nativeCrc32, crc32c: nativeCrc32c } = createRequire(import.meta.url)('@node-rs/crc32') as {
  crc32(data: Uint8Array | string, initial?: number): number;
  crc32c(data: Uint8Array | string, initial?: number): number;
};

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C';

/** Bytes of one stored checksum (a big-endian uint32). */
export const CRC_BYTES = 4;

/** CRC32C of `data`; pass a previous result as `initial` to continue over split input. Unsigned. */
export function crc32c(data: Uint8Array | string, initial = 0): number {
  return nativeCrc32c(data, initial) >>> 0;
}

/** zlib/IEEE CRC32 of `data` (the edit log's checksum). Unsigned. */
export function crc32(data: Uint8Array | string, initial = 0): number {
  return nativeCrc32(data, initial) >>> 0;
}

function crcOf(algorithm: ChecksumAlgorithm): (data: Uint8Array) => number {
  return algorithm === 'CRC32C' ? crc32c : crc32;
}

/** Number of checksum chunks covering `dataBytes`; the last chunk may be short. */
export function chunkCount(dataBytes: number, bytesPerChecksum: number): number {
  assertBytesPerChecksum(bytesPerChecksum);
  return Math.ceil(dataBytes / bytesPerChecksum);
}

/**
 * Writes one big-endian CRC per `bytesPerChecksum` chunk of `data` into `target` at `targetOffset`,
 * so packet and .meta builders fill their single output buffer without a temporary array.
 * Returns the number of bytes written.
 */
export function writeChunkChecksums(
  data: Uint8Array,
  target: Buffer,
  targetOffset: number,
  bytesPerChecksum: number,
  algorithm: ChecksumAlgorithm = 'CRC32C',
): number {
  const crc = crcOf(algorithm);
  const sumsBytes = chunkCount(data.length, bytesPerChecksum) * CRC_BYTES;
  if (targetOffset + sumsBytes > target.length) {
    throw new RangeError(
      `writeChunkChecksums: need ${sumsBytes} bytes at ${targetOffset}, target has ${target.length}`,
    );
  }
  let out = targetOffset;
  for (let start = 0; start < data.length; start += bytesPerChecksum) {
    // subarray is a view, not a copy: the native CRC reads the caller's bytes in place.
    target.writeUInt32BE(crc(data.subarray(start, start + bytesPerChecksum)), out);
    out += CRC_BYTES;
  }
  return sumsBytes;
}

/** Big-endian uint32 CRC per chunk of `data` (4 × ceil(len / bytesPerChecksum) bytes). */
export function chunkChecksums(
  data: Uint8Array,
  bytesPerChecksum = 512,
  algorithm: ChecksumAlgorithm = 'CRC32C',
): Buffer {
  const sums = Buffer.allocUnsafe(chunkCount(data.length, bytesPerChecksum) * CRC_BYTES);
  writeChunkChecksums(data, sums, 0, bytesPerChecksum, algorithm);
  return sums;
}

/**
 * Index of the first chunk of `data` whose CRC differs from `sums`, or -1 when all match.
 * When `sums` covers fewer or more chunks than `data` has, the first chunk without a partner
 * counts as bad: a truncated block or .meta file is corruption too.
 */
export function verifyChunkChecksums(
  data: Uint8Array,
  sums: Uint8Array,
  bytesPerChecksum = 512,
  algorithm: ChecksumAlgorithm = 'CRC32C',
): number {
  if (sums.length % CRC_BYTES !== 0) {
    throw new RangeError(
      `verifyChunkChecksums: ${sums.length} checksum bytes is not a multiple of ${CRC_BYTES}`,
    );
  }
  const crc = crcOf(algorithm);
  const view = new DataView(sums.buffer, sums.byteOffset, sums.length);
  const dataChunks = chunkCount(data.length, bytesPerChecksum);
  const sumChunks = sums.length / CRC_BYTES;
  const common = Math.min(dataChunks, sumChunks);
  const fullChunks = Math.min(common, Math.floor(data.length / bytesPerChecksum));
  // Fast path: one CRC over all whole chunks, checked against the stored chunk CRCs combined.
  // A mismatch falls through to the chunk-by-chunk scan, which names the first bad chunk.
  let first = 0;
  if (fullChunks > 1) {
    const shift = chunkShift(algorithm, bytesPerChecksum);
    let combined = 0;
    for (let i = 0; i < fullChunks; i++) combined = (shift(combined) ^ view.getUint32(i * CRC_BYTES)) >>> 0;
    if (crc(data.subarray(0, fullChunks * bytesPerChecksum)) === combined) first = fullChunks;
  }
  for (let i = first; i < common; i++) {
    const start = i * bytesPerChecksum;
    if (crc(data.subarray(start, start + bytesPerChecksum)) !== view.getUint32(i * CRC_BYTES)) return i;
  }
  return dataChunks === sumChunks ? -1 : common;
}

/**
 * crc(A ‖ B) = shift(crc(A)) ^ crc(B) when B has `bytes` bytes, where shift multiplies by x^(8·bytes)
 * modulo the polynomial (zlib's crc32_combine). shift is linear over GF(2), so four 256-entry tables,
 * built once per algorithm and chunk size, apply it with four lookups. This turns a packet's 126
 * chunk checks into one native CRC call (each call costs about as much as CRCing 1.5 KB).
 */
const chunkShifts = new Map<string, (crc: number) => number>();

function chunkShift(algorithm: ChecksumAlgorithm, bytes: number): (crc: number) => number {
  const key = `${algorithm}/${bytes}`;
  const known = chunkShifts.get(key);
  if (known) return known;
  const byteTable = new Int32Array(256);
  const poly = algorithm === 'CRC32C' ? 0x82f63b78 : 0xedb88320;
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    byteTable[n] = c;
  }
  const feedZeros = (register: number): number => {
    let c = register;
    for (let i = 0; i < bytes; i++) c = (byteTable[c & 0xff] as number) ^ (c >>> 8);
    return c;
  };
  const t = new Int32Array(4 * 256);
  for (let lane = 0; lane < 4; lane++) {
    for (let n = 0; n < 256; n++) t[lane * 256 + n] = feedZeros(n << (8 * lane));
  }
  const shift = (c: number): number =>
    (t[c & 0xff] as number) ^
    (t[256 + ((c >>> 8) & 0xff)] as number) ^
    (t[512 + ((c >>> 16) & 0xff)] as number) ^
    (t[768 + (c >>> 24)] as number);
  chunkShifts.set(key, shift);
  return shift;
}

function assertBytesPerChecksum(bytesPerChecksum: number): void {
  if (!Number.isInteger(bytesPerChecksum) || bytesPerChecksum <= 0) {
    throw new RangeError(`bytesPerChecksum must be a positive integer, got ${bytesPerChecksum}`);
  }
}
