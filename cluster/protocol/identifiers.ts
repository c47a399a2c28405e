/**
 * The identifiers that end up in a file name, checked where they enter a process (a DataTransfer op,
 * a NameNode command, an HTTP query) as HDFS types them (Storage, DataStorage, Block):
 *
 *   block id          uint64 on the wire (ExtendedBlockProto.blockId)        blk_<id>
 *   generation stamp  uint64 on the wire (ExtendedBlockProto.generationStamp) blk_<id>_<gs>.meta
 *   block pool id     BP-<rand31>-<NameNode IP>-<creation ms>                 current/BP-…/
 *   storage id        DS-<uuid>                                               current/VERSION
 *   DataNode uuid     <uuid>                                                  current/VERSION
 *   transaction id    unsigned 64-bit                                         fsimage_<txid>
 *
 * A value of the wrong type or shape never reaches `path.join`: a block id of `"../../x"` would
 * otherwise name a file outside the DataNode's volume. Pure: no I/O. Every parser throws a
 * RemoteError (IllegalArgumentException) whose message says what arrived, what was expected and
 * where, so the peer that sent it can be fixed; the storage layer checks containment on its own too.
 */
import { RemoteError } from './errors.js';

/** 2^64: uint64 fields on the wire stay below it. */
const UINT64_LIMIT = 1n << 64n;

/** BP-<random 31-bit int>-<NameNode IPv4>-<creation time ms> (Storage.java). */
const BLOCK_POOL_ID_PATTERN = /^BP-\d{1,10}-\d{1,3}(\.\d{1,3}){3}-\d{1,19}$/;
/**
 * What any pool id on the wire must at least be: one path component starting `BP-`, of letters,
 * digits and `.:_-` (no `/`, so never `..` or a path). The full pattern above is enforced where a
 * pool id becomes a directory; this looser one also admits the abbreviated `BP-1` of the
 * reference's worked wire examples, which a DataNode then refuses as not its pool.
 */
const BLOCK_POOL_NAME_PATTERN = /^BP-[0-9A-Za-z.:_-]{1,200}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where a value came from, for the message: `WRITE_BLOCK header.block.blockId`. */
export type IdentifierSource = string;

/**
 * An unsigned 64-bit integer as the lab stores it: a JS number, so at most 2^53 - 1. The wire may
 * carry a bigint (protobuf uint64) or a number (JSON); anything else, a negative or fractional
 * value, or one past 2^64 is refused. Values in [2^53, 2^64) are legal HDFS ids (erasure-coded block
 * groups have the top bit set) that the lab's replicated-only DataNode does not store; the message
 * says so instead of rounding them.
 */
function parseUint64(value: unknown, what: string, where: IdentifierSource): number {
  let big: bigint;
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'number' && Number.isInteger(value)) big = BigInt(value);
  else {
    throw invalid(
      `${where}: ${what} must be an unsigned 64-bit integer (protobuf uint64), got ${describeValue(value)}`,
    );
  }
  if (big < 0n || big >= UINT64_LIMIT) {
    throw invalid(`${where}: ${what} ${big} is outside the unsigned 64-bit range [0, 2^64)`);
  }
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw invalid(
      `${where}: ${what} ${big} is a valid uint64 but beyond 2^53 - 1; the lab stores only ` +
        'replicated blocks, whose ids and generation stamps stay below it (erasure-coded block ' +
        'group ids, with the top bit set, are not supported)',
    );
  }
  return Number(big);
}

/** A block id (`ExtendedBlockProto.blockId`, uint64) → the number in `blk_<id>`. */
export function parseBlockId(value: unknown, where: IdentifierSource): number {
  return parseUint64(value, 'block id', where);
}

/** A generation stamp (`ExtendedBlockProto.generationStamp`, uint64) → the number in `blk_<id>_<gs>.meta`. */
export function parseGenStamp(value: unknown, where: IdentifierSource): number {
  return parseUint64(value, 'generation stamp', where);
}

/** A byte count or offset (`numBytes`, `minBytesRcvd`, …): uint64 as a safe number. */
export function parseByteCount(value: unknown, what: string, where: IdentifierSource): number {
  return parseUint64(value, what, where);
}

/** A transaction id (fsimage_<txid>, edits_<start>-<end>): uint64 as a safe number. */
export function parseTxId(value: unknown, where: IdentifierSource): number {
  if (typeof value === 'string') {
    if (!/^\d{1,19}$/.test(value)) {
      throw invalid(`${where}: transaction id must be decimal digits, got ${describeValue(value)}`);
    }
    return parseUint64(BigInt(value), 'transaction id', where);
  }
  return parseUint64(value, 'transaction id', where);
}

export function isBlockPoolId(value: unknown): value is string {
  return typeof value === 'string' && BLOCK_POOL_ID_PATTERN.test(value);
}

/** A block pool id, `BP-<rand31>-<NameNode IP>-<creation ms>` (e.g. BP-823583849-10.0.0.116-1736157598000). */
export function parseBlockPoolId(value: unknown, where: IdentifierSource): string {
  if (isBlockPoolId(value)) return value;
  throw invalid(
    `${where}: block pool id must look like BP-<random int>-<NameNode IP>-<creation time ms> ` +
      `(e.g. BP-823583849-10.0.0.116-1736157598000), got ${describeValue(value)}`,
  );
}

/** A pool id as it may appear on the wire: a single safe path component `BP-…` (see BLOCK_POOL_NAME_PATTERN). */
export function parseBlockPoolName(value: unknown, where: IdentifierSource): string {
  if (typeof value === 'string' && BLOCK_POOL_NAME_PATTERN.test(value)) return value;
  throw invalid(
    `${where}: block pool id must be BP-<random int>-<NameNode IP>-<creation time ms> ` +
      `(letters, digits and .:_- only; e.g. BP-823583849-10.0.0.116-1736157598000), got ${describeValue(value)}`,
  );
}

export function isStorageId(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('DS-') && UUID_PATTERN.test(value.slice(3));
}

/** A volume's storage id, `DS-<uuid>` (one per volume, in its current/VERSION). */
export function parseStorageId(value: unknown, where: IdentifierSource): string {
  if (isStorageId(value)) return value;
  throw invalid(
    `${where}: storage id must be DS-<uuid> (e.g. DS-5ec2332c-eff2-4ead-8f36-0aaa5a01a31e), got ${describeValue(value)}`,
  );
}

/** A DataNode's uuid, a plain `<uuid>` (the same on all its volumes). */
export function parseDatanodeUuid(value: unknown, where: IdentifierSource): string {
  if (typeof value === 'string' && UUID_PATTERN.test(value)) return value;
  throw invalid(
    `${where}: DataNode uuid must be a plain uuid (e.g. 5ec2332c-eff2-4ead-8f36-0aaa5a01a31e), got ${describeValue(value)}`,
  );
}

export interface ExtendedBlockIds {
  poolId: string;
  blockId: number;
  genStamp: number;
  numBytes: number;
}

/**
 * An ExtendedBlock's four fields checked together (`BP-…:blk_<id>_<gs>` plus its length), from a
 * decoded op body. The pool id is checked as a wire name (parseBlockPoolName); the storage layer
 * applies the full pattern and compares it with its own. `where` names the field holding it, e.g. `WRITE_BLOCK header.block`.
 */
export function parseExtendedBlock(value: unknown, where: IdentifierSource): ExtendedBlockIds {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(
      `${where}: an ExtendedBlock {poolId, blockId, genStamp, numBytes} is expected, got ${describeValue(value)}`,
    );
  }
  const eb = value as Record<string, unknown>;
  return {
    poolId: parseBlockPoolName(eb.poolId, `${where}.poolId`),
    blockId: parseBlockId(eb.blockId, `${where}.blockId`),
    genStamp: parseGenStamp(eb.genStamp, `${where}.genStamp`),
    numBytes: parseByteCount(eb.numBytes ?? 0, 'numBytes', `${where}.numBytes`),
  };
}

/** A short, printable rendering of what arrived: type and (clipped) value. */
function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (value === undefined) return 'nothing (field missing)';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  if (text.length > 80) text = `${text.slice(0, 77)}…`;
  return `${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value} ${text}`;
}

function invalid(message: string): RemoteError {
  return new RemoteError('IllegalArgumentException', message);
}
