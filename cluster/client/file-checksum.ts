/**
 * HDFS's default file checksum, MD5-of-MD5-of-CRC (MD5MD5CRC32FileChecksum, what `hadoop fs
 * -checksum` and `hdfs checksum` print): the MD5 of the blocks' MD5-of-CRCs in file order. Pure.
 *
 * Two details make it HDFS's value and not just "an MD5": Java digests the whole backing array of
 * the DataOutputBuffer the block MD5s were written to, so the input is zero-padded to that
 * buffer's capacity (32 bytes, doubling as it grows); and crcPerBlock is the first block's count
 * only when the file has more than one block (0 otherwise).
 */
import crypto from 'node:crypto';
import type { BlockChecksumResponse, ChecksumTypeName } from '../protocol/data-transfer.js';

/** DataOutputBuffer's first capacity; it grows to max(2 × capacity, needed). */
const JAVA_BUFFER_START_BYTES = 32;
const MD5_BYTES = 16;

export interface FileChecksum {
  /** `MD5-of-<crcPerBlock>MD5-of-<bytesPerCRC><CRC32|CRC32C>`. */
  algorithmName: string;
  /** The Writable form `hadoop fs -checksum` prints in hex: int bytesPerCRC, long crcPerBlock, MD5. */
  bytes: Buffer;
  /** The file MD5 alone (what the Go client's `hdfs checksum` prints). */
  md5: Buffer;
}

/** The file checksum from the blocks' answers in file order; null for a file without blocks. */
export function fileChecksum(blocks: readonly BlockChecksumResponse[]): FileChecksum | null {
  const first = blocks[0];
  if (!first) return null;
  const crcType: ChecksumTypeName = first.crcType ?? 'CRC32';
  if (crcType === 'NULL') return null;
  for (const [i, b] of blocks.entries()) {
    if (b.bytesPerCrc !== first.bytesPerCrc)
      throw new RangeError(
        `Byte-per-checksum not matched: bpc=${b.bytesPerCrc} but bytesPerCRC=${first.bytesPerCrc} (block ${i})`,
      );
    if (b.blockChecksum.length !== MD5_BYTES)
      throw new RangeError(
        `block ${i}: a block checksum is an MD5 (16 bytes), got ${b.blockChecksum.length}`,
      );
  }
  const mixed = blocks.some((b) => (b.crcType ?? 'CRC32') !== crcType);
  const crcPerBlock = blocks.length > 1 ? first.crcPerBlock : 0;
  const md5 = crypto
    .createHash('md5')
    .update(javaBufferOf(blocks.map((b) => b.blockChecksum)))
    .digest();
  const bytes = Buffer.alloc(4 + 8 + MD5_BYTES);
  bytes.writeInt32BE(first.bytesPerCrc, 0);
  bytes.writeBigInt64BE(BigInt(crcPerBlock), 4);
  md5.copy(bytes, 12);
  return {
    algorithmName: `MD5-of-${crcPerBlock}MD5-of-${first.bytesPerCrc}${mixed ? 'MIXED' : crcType}`,
    bytes,
    md5,
  };
}

/** The parts concatenated and zero-padded to the capacity a Java DataOutputBuffer would have. */
function javaBufferOf(parts: readonly Buffer[]): Buffer {
  const used = parts.reduce((n, p) => n + p.length, 0);
  let capacity = JAVA_BUFFER_START_BYTES;
  let written = 0;
  for (const p of parts) {
    written += p.length;
    if (written > capacity) capacity = Math.max(capacity * 2, written);
  }
  const out = Buffer.alloc(Math.max(capacity, used));
  Buffer.concat(parts).copy(out);
  return out;
}

/** `hadoop fs -checksum`'s line: path, algorithm, hex; `NONE` for a file without blocks. */
export function formatChecksumLine(path: string, checksum: FileChecksum | null): string {
  if (!checksum) return `${path}\tNONE\t`;
  return `${path}\t${checksum.algorithmName}\t${checksum.bytes.toString('hex')}`;
}
