/**
 * One edit-log op as the lab writes it, taken apart for byte-level tests: the segment's 8-byte
 * header (layout version, flags), then the record — opcode, length, txid, body, checksum — and the
 * Writable encodings the bodies use (FSImageSerialization.writeString, writeLong).
 */
import { encodeSegment } from '../../cluster/namenode/editlog/codec.js';
import type { EditLogOp } from '../../cluster/namenode/editlog/ops.js';

const SEGMENT_HEADER_BYTES = 8;
/** opcode (1), length (4), txid (8) before the body; the CRC32 (4) after it. */
const RECORD_HEAD_BYTES = 1 + 4 + 8;
const RECORD_CHECKSUM_BYTES = 4;

export function encodedRecord(op: EditLogOp): { opcode: number; body: Buffer } {
  const record = encodeSegment([op]).subarray(SEGMENT_HEADER_BYTES);
  return {
    opcode: record[0]!,
    body: Buffer.from(record.subarray(RECORD_HEAD_BYTES, record.length - RECORD_CHECKSUM_BYTES)),
  };
}

/** A short string as UTF8.writeString writes it: a 2-byte length, then the bytes. */
export const utf = (s: string): Buffer => Buffer.concat([Buffer.from([0, s.length]), Buffer.from(s)]);

/** A Java long, big-endian. */
export const long = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
};

/**
 * A finalized segment of `ops` whose record `index` has one body byte flipped (its checksum then
 * fails): the file, where that record starts and how long it is.
 */
export function segmentWithCorruptRecord(
  ops: readonly EditLogOp[],
  index: number,
): { file: Buffer; offset: number; recordBytes: number } {
  const records = ops.map((op) => encodeSegment([op]).subarray(SEGMENT_HEADER_BYTES));
  const offset = SEGMENT_HEADER_BYTES + records.slice(0, index).reduce((n, r) => n + r.length, 0);
  const file = encodeSegment(ops);
  file[offset + RECORD_HEAD_BYTES + 2] = (file[offset + RECORD_HEAD_BYTES + 2] as number) ^ 0xff;
  return { file, offset, recordBytes: (records[index] as Buffer).length };
}
