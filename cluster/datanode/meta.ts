/**
 * The `.meta` checksum file beside every replica (BlockMetadataHeader):
 * `u16 version (1) · u8 checksum type · u32 bytesPerChecksum · one big-endian CRC per chunk`.
 * Pure: builds and checks buffers; the DataNode's storage code reads and writes the files.
 */
import {
  CRC_BYTES,
  chunkCount,
  crc32,
  crc32c,
  verifyChunkChecksums,
  writeChunkChecksums,
} from '../common/crc.js';
import { RemoteError } from '../protocol/errors.js';

export const META_HEADER_BYTES = 7;
export const META_VERSION = 1;
/** `dfs.bytes-per-checksum` default. */
export const DEFAULT_BYTES_PER_CHECKSUM = 512;

/** DataChecksum.Type ids; DEFAULT (3) and MIXED (4) never appear in a stored header. */
export const CHECKSUM_TYPE_IDS = { NULL: 0, CRC32: 1, CRC32C: 2 } as const;
export type ChecksumType = keyof typeof CHECKSUM_TYPE_IDS;

const CHECKSUM_SIZES: Record<ChecksumType, number> = { NULL: 0, CRC32: CRC_BYTES, CRC32C: CRC_BYTES };

export interface ChecksumSpec {
  type: ChecksumType;
  bytesPerChecksum: number;
}

export const DEFAULT_CHECKSUM: ChecksumSpec = {
  type: 'CRC32C',
  bytesPerChecksum: DEFAULT_BYTES_PER_CHECKSUM,
};

export interface ParsedMeta {
  version: number;
  checksumType: ChecksumType;
  bytesPerChecksum: number;
  /** View into the parsed buffer, 4 bytes per chunk (empty for NULL). */
  checksums: Buffer;
}

export type ReplicaVerdict =
  | { ok: true }
  | {
      ok: false;
      /** 'checksum': a chunk's CRC differs; 'length': block and .meta cover different chunk counts. */
      reason: 'checksum' | 'length';
      chunkIndex: number;
      /** Byte offset of the bad chunk in the block file. */
      offset: number;
      /** CRC stored in the .meta file, null when the .meta file has no entry for this chunk. */
      expected: number | null;
      /** CRC computed from the block file, null when the block file has no such chunk. */
      actual: number | null;
    };

export function encodeMetaHeader(spec: ChecksumSpec = DEFAULT_CHECKSUM): Buffer {
  const header = Buffer.allocUnsafe(META_HEADER_BYTES);
  writeMetaHeader(header, spec);
  return header;
}

function writeMetaHeader(target: Buffer, spec: ChecksumSpec): void {
  if (!Number.isInteger(spec.bytesPerChecksum) || spec.bytesPerChecksum <= 0) {
    throw new RangeError(`bytesPerChecksum must be a positive integer, got ${spec.bytesPerChecksum}`);
  }
  target.writeUInt16BE(META_VERSION, 0);
  target.writeUInt8(CHECKSUM_TYPE_IDS[spec.type], 2);
  target.writeUInt32BE(spec.bytesPerChecksum, 3);
}

/** `.meta` file size for a block of `blockBytes`: 7 + 4 × ceil(len / 512) with the defaults. */
export function metaLength(blockBytes: number, spec: ChecksumSpec = DEFAULT_CHECKSUM): number {
  return META_HEADER_BYTES + chunkCount(blockBytes, spec.bytesPerChecksum) * CHECKSUM_SIZES[spec.type];
}

/** The whole `.meta` file for `data`, built in one allocation. */
export function buildMeta(data: Uint8Array, spec: ChecksumSpec = DEFAULT_CHECKSUM): Buffer {
  const meta = Buffer.allocUnsafe(metaLength(data.length, spec));
  writeMetaHeader(meta, spec);
  if (spec.type !== 'NULL')
    writeChunkChecksums(data, meta, META_HEADER_BYTES, spec.bytesPerChecksum, spec.type);
  return meta;
}

export function parseMeta(buf: Buffer): ParsedMeta {
  if (buf.length < META_HEADER_BYTES) {
    throw metaError(
      `.meta file is ${buf.length} bytes; its header needs ${META_HEADER_BYTES} ` +
        `(u16 version, u8 checksum type, u32 bytesPerChecksum)`,
    );
  }
  const version = buf.readUInt16BE(0);
  if (version !== META_VERSION) {
    throw metaError(`.meta header version is ${version}, expected ${META_VERSION} (first two bytes 00 01)`);
  }
  const typeId = buf.readUInt8(2);
  const checksumType = checksumTypeName(typeId);
  if (checksumType === undefined) {
    throw metaError(`.meta checksum type ${typeId} is unknown; expected 0 NULL, 1 CRC32 or 2 CRC32C`);
  }
  const bytesPerChecksum = buf.readUInt32BE(3);
  if (bytesPerChecksum === 0 || bytesPerChecksum > 0x7fffffff) {
    throw metaError(`.meta bytesPerChecksum is ${bytesPerChecksum}; expected a positive int such as 512`);
  }
  const checksums = buf.subarray(META_HEADER_BYTES);
  const size = CHECKSUM_SIZES[checksumType];
  if (size === 0 ? checksums.length !== 0 : checksums.length % size !== 0) {
    throw metaError(
      `.meta holds ${checksums.length} checksum bytes after the header, ` +
        `not a whole number of ${size}-byte ${checksumType} checksums`,
    );
  }
  return { version, checksumType, bytesPerChecksum, checksums };
}

function checksumTypeName(id: number): ChecksumType | undefined {
  return (Object.keys(CHECKSUM_TYPE_IDS) as ChecksumType[]).find((name) => CHECKSUM_TYPE_IDS[name] === id);
}

function metaError(message: string): RemoteError {
  return new RemoteError('IOException', message);
}

/** Checks a replica's bytes against its `.meta` file (what the block scanner and a reader do). */
export function verifyReplica(data: Buffer, meta: Buffer): ReplicaVerdict {
  const parsed = parseMeta(meta);
  if (parsed.checksumType === 'NULL') return { ok: true };
  const { bytesPerChecksum, checksums, checksumType } = parsed;
  const bad = verifyChunkChecksums(data, checksums, bytesPerChecksum, checksumType);
  if (bad < 0) return { ok: true };
  const offset = bad * bytesPerChecksum;
  const hasSum = (bad + 1) * CRC_BYTES <= checksums.length;
  const hasChunk = offset < data.length;
  const crc = checksumType === 'CRC32C' ? crc32c : crc32;
  const actual = hasChunk ? crc(data.subarray(offset, offset + bytesPerChecksum)) : null;
  return {
    ok: false,
    reason: hasSum && hasChunk ? 'checksum' : 'length',
    chunkIndex: bad,
    offset,
    expected: hasSum ? checksums.readUInt32BE(bad * CRC_BYTES) : null,
    actual,
  };
}

/** The last chunk a restarted DataNode checks in an rbw replica: where it starts and its CRC's place. */
export interface LastChunk {
  /** Byte offset of the chunk in the block file. */
  start: number;
  /** Bytes of the chunk in the block file (a partial last chunk is shorter than bytesPerChecksum). */
  bytes: number;
  /** Byte offset of the chunk's CRC in the .meta file. */
  sumOffset: number;
}

/**
 * BlockPoolSlice.validateIntegrityAndSetLength, its first half: the chunks an rbw replica left by a
 * crash can hold are those both files cover (its block file and its .meta's CRCs); only the last of
 * them is checked, since a crash damages the end of a write. Null when none: the replica has no
 * valid byte (an empty block file, or a .meta with no CRC).
 */
export function lastChunkToCheck(args: {
  blockBytes: number;
  metaBytes: number;
  checksum: ChecksumSpec;
}): LastChunk | null {
  const { blockBytes, metaBytes, checksum } = args;
  if (blockBytes === 0 || metaBytes < META_HEADER_BYTES) return null;
  const size = CHECKSUM_SIZES[checksum.type];
  const dataChunks = chunkCount(blockBytes, checksum.bytesPerChecksum);
  const chunks =
    size === 0 ? dataChunks : Math.min(dataChunks, Math.floor((metaBytes - META_HEADER_BYTES) / size));
  if (chunks === 0) return null;
  const start = (chunks - 1) * checksum.bytesPerChecksum;
  return {
    start,
    bytes: Math.min(checksum.bytesPerChecksum, blockBytes - start),
    sumOffset: META_HEADER_BYTES + (chunks - 1) * size,
  };
}

/**
 * validateIntegrityAndSetLength, its second half: the replica's valid length is the end of the
 * last chunk when its bytes match the CRC stored for it, else the chunk's start (the torn chunk is
 * dropped). A NULL checksum keeps every byte.
 */
export function validatedRbwLength(args: {
  chunk: LastChunk;
  data: Uint8Array;
  storedCrc: Uint8Array;
  checksum: ChecksumSpec;
}): number {
  const { chunk, data, storedCrc, checksum } = args;
  if (checksum.type === 'NULL') return chunk.start + chunk.bytes;
  const crc = checksum.type === 'CRC32C' ? crc32c : crc32;
  const matches =
    data.length === chunk.bytes &&
    storedCrc.length === CRC_BYTES &&
    crc(data) === Buffer.from(storedCrc).readUInt32BE(0);
  return matches ? chunk.start + chunk.bytes : chunk.start;
}
