/**
 * The edit log segment format of Hadoop's -66 writer (EditLogFileOutputStream, FSEditLogOp):
 * a header (layout version + empty feature flags) and records framed as
 * opcode · int length · long txid · body · CRC32, the CRC (zlib/IEEE) covering opcode..body.
 *
 * Pure: buffers in, buffers out. The NameNode driver writes what `encodeOp` returns, pads in-progress
 * files with PREALLOCATE_BYTES of 0xFF, and hands whole files to `decodeSegment` on startup.
 */
import { crc32 } from '../../common/crc.js';
import {
  EDITS_LAYOUT_VERSION,
  CONCAT_SOURCES_MAX,
  NO_RPC_IDS,
  OPCODES,
  type AddOrCloseFields,
  type BlockRef,
  type EditLogOp,
  type OpName,
  type PermissionStatus,
  type RenameOption,
  type RpcIds,
} from './ops.js';
import { BufferBuilder, CursorReader, bytesToUuid, uuidToBytes } from './writable.js';
import { fromBinary, isFieldSet } from '@bufbuild/protobuf';
import {
  AclEditLogProtoSchema,
  XAttrEditLogProtoSchema,
  XAttrProtoSchema,
} from '../../protocol/gen/client_protocol_pb.js';
import type { AclEntry, XAttr } from '../../protocol/messages.js';
import { aclEntryFromProto, aclEntryToProto } from '../../protocol/registry/acl-proto.js';
import { xattrFromProto, xattrToProto } from '../../protocol/registry/xattr-proto.js';
import { delimitedProto } from '../../protocol/proto-codec.js';

/** In-progress segments grow in steps of this many bytes, filled with 0xFF (OP_INVALID). */
export const PREALLOCATE_BYTES = 1024 * 1024;

/** Header bytes: int32 layout version + int32 feature-flag count (always 0). */
export const EDITS_HEADER_BYTES = 8;

/** opcode (1) + length (4) + txid (8) + crc (4): the smallest record, one with an empty body. */
export const RECORD_BYTES_MIN = 17;

/** dfs.namenode.max.op.size: a length field above this is garbage, not a record. */
export const OP_BYTES_MAX = 50 * 1024 * 1024;

/** Rename option byte values (Options.Rename). */
const RENAME_OPTION_CODES: Record<RenameOption, number> = { NONE: 0, OVERWRITE: 1, TO_TRASH: 2 };

const OP_NAME_BY_CODE = new Map<number, OpName>(
  (Object.entries(OPCODES) as [keyof typeof OPCODES, number][])
    .filter((e): e is [OpName, number] => e[0] !== 'OP_INVALID')
    .map(([name, code]) => [code, name]),
);

/** A segment that cannot be trusted: a bad record with valid records after it (not a torn tail). */
export class EditLogCorruptionError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly txid: number | null,
  ) {
    super(message);
    this.name = 'EditLogCorruptionError';
  }
}

export interface DecodedSegment {
  layoutVersion: number;
  ops: EditLogOp[];
  /** Bytes from the start of the file through the end of the last good record. */
  validBytes: number;
  /** A truncated or checksum-failing last record (a crash mid-write): reported, not thrown. */
  tornTail?: { offset: number; reason: string };
  /** Recovery mode only: the corrupt stretches skipped, in file order. */
  skipped?: SkippedBytes[];
}

/** Bytes recovery mode stepped over: where, how many, and why the first of them was no record. */
export interface SkippedBytes {
  offset: number;
  bytes: number;
  reason: string;
}

export function encodeEditsHeader(layoutVersion = EDITS_LAYOUT_VERSION): Buffer {
  return new BufferBuilder().int(layoutVersion).int(0).finish();
}

/** One framed record: opcode, length = 4 + 8 + body, txid, body, CRC32 over all of that. */
export function encodeOp(op: EditLogOp): Buffer {
  const body = encodeBody(op);
  const head = new BufferBuilder()
    .byte(OPCODES[op.op])
    .int(4 + 8 + body.length)
    .long(op.txid)
    .raw(body)
    .finish();
  return new BufferBuilder().raw(head).int(crc32(head)).finish();
}

/** Header + records, as a finalized segment file holds them. */
export function encodeSegment(ops: readonly EditLogOp[], layoutVersion = EDITS_LAYOUT_VERSION): Buffer {
  return Buffer.concat([encodeEditsHeader(layoutVersion), ...ops.map(encodeOp)]);
}

// Long: one case per edit-log op, each field in FSEditLogOp's writeFields order: a table a reader scans beside Hadoop's.
function encodeBody(op: EditLogOp): Buffer {
  const w = new BufferBuilder();
  switch (op.op) {
    case 'OP_START_LOG_SEGMENT':
    case 'OP_END_LOG_SEGMENT':
      break;
    case 'OP_ADD':
      writeAddCloseCommon(w, op);
      writeAclEntries(w, op.aclEntries);
      w.byte(0); // xattrs: an empty delimited XAttrEditLogProto
      w.utf8(op.clientName).utf8(op.clientMachine).bool(op.overwrite);
      w.byte(op.storagePolicyId).byte(op.erasureCodingPolicyId);
      writeRpcIds(w, op.rpcIds);
      break;
    case 'OP_CLOSE':
      writeAddCloseCommon(w, op);
      break;
    case 'OP_MKDIR':
      w.long(op.inodeId).utf8(op.path).long(op.timestamp).long(op.timestamp); // mtime, then atime (same value)
      writePermission(w, op.permission);
      writeAclEntries(w, op.aclEntries);
      w.byte(0); // empty xattrs
      break;
    case 'OP_ALLOCATE_BLOCK_ID':
      w.long(op.blockId);
      break;
    case 'OP_SET_GENSTAMP_V2':
      w.long(op.genStamp);
      break;
    case 'OP_ADD_BLOCK':
      if (op.blocks.length !== 1 && op.blocks.length !== 2) {
        throw new RangeError(
          `OP_ADD_BLOCK carries [penultimate,] last: 1 or 2 blocks, got ${op.blocks.length}`,
        );
      }
      w.utf8(op.path);
      writeCompactBlocks(w, op.blocks);
      writeRpcIds(w, op.rpcIds);
      break;
    case 'OP_UPDATE_BLOCKS':
      w.utf8(op.path);
      writeCompactBlocks(w, op.blocks);
      writeRpcIds(w, op.rpcIds);
      break;
    case 'OP_DELETE':
      w.utf8(op.path).long(op.timestamp);
      writeRpcIds(w, op.rpcIds);
      break;
    case 'OP_RENAME_OLD':
      w.utf8(op.src).utf8(op.dst).long(op.timestamp);
      writeRpcIds(w, op.rpcIds);
      break;
    case 'OP_RENAME':
      w.utf8(op.src).utf8(op.dst).long(op.timestamp);
      w.int(op.options.length); // BytesWritable: int length + one byte per option
      for (const o of op.options) w.byte(RENAME_OPTION_CODES[o]);
      writeRpcIds(w, op.rpcIds);
      break;
    case 'OP_CONCAT_DELETE':
      // The target as a writeString, the sources as an ArrayWritable of DeprecatedUTF8, then the time.
      w.utf8(op.trg).int(op.srcs.length);
      for (const src of op.srcs) w.utf8(src);
      w.long(op.timestamp);
      writeRpcIds(w, op.rpcIds);
      break;
    case 'OP_SET_REPLICATION':
      w.utf8(op.path).short(op.replication);
      break;
    case 'OP_SET_PERMISSIONS':
      w.utf8(op.src).short(op.mode);
      break;
    case 'OP_SET_OWNER':
      w.utf8(op.src)
        .utf8(op.username ?? '')
        .utf8(op.groupname ?? '');
      break;
    case 'OP_TIMES':
      w.utf8(op.path).long(op.mtime).long(op.atime);
      break;
    case 'OP_REASSIGN_LEASE':
      w.utf8(op.leaseHolder).utf8(op.path).utf8(op.newHolder);
      break;
    case 'OP_APPEND':
      w.utf8(op.path).utf8(op.clientName).utf8(op.clientMachine).bool(op.newBlock);
      writeRpcIds(w, op.rpcIds);
      break;
    case 'OP_SET_QUOTA':
      w.utf8(op.src).long(BigInt(op.nsQuota)).long(BigInt(op.dsQuota));
      break;
    case 'OP_TRUNCATE':
      w.utf8(op.src).utf8(op.clientName).utf8(op.clientMachine).long(op.newLength).long(op.timestamp);
      writeCompactBlocks(w, op.truncateBlock ? [op.truncateBlock] : []);
      break;
    case 'OP_SET_ACL':
      w.raw(delimitedProto(AclEditLogProtoSchema, { src: op.src, entries: op.entries.map(aclEntryToProto) }));
      break;
    case 'OP_SET_XATTR':
    case 'OP_REMOVE_XATTR':
      w.raw(encodeXAttrEditLog(op.src, op.xattrs));
      writeRpcIds(w, op.rpcIds);
      break;
    case 'OP_ALLOW_SNAPSHOT':
    case 'OP_DISALLOW_SNAPSHOT':
      w.utf8(op.snapshotRoot);
      break;
    case 'OP_CREATE_SNAPSHOT':
    case 'OP_DELETE_SNAPSHOT':
      w.utf8(op.snapshotRoot).utf8(op.snapshotName).long(op.mtime);
      writeRpcIds(w, op.rpcIds);
      break;
    case 'OP_RENAME_SNAPSHOT':
      w.utf8(op.snapshotRoot).utf8(op.snapshotOldName).utf8(op.snapshotNewName).long(op.mtime);
      writeRpcIds(w, op.rpcIds);
      break;
  }
  return w.finish();
}

function writeAddCloseCommon(w: BufferBuilder, f: AddOrCloseFields): void {
  w.long(f.inodeId).utf8(f.path).short(f.replication).long(f.mtime).long(f.atime).long(f.blockSize);
  w.int(f.blocks.length); // ArrayWritable of full blocks
  for (const b of f.blocks) w.long(b.blockId).long(b.numBytes).long(b.genStamp);
  writePermission(w, f.permission);
}

function writePermission(w: BufferBuilder, p: PermissionStatus): void {
  w.text(p.user).text(p.group).short(p.mode);
}

/** FSImageSerialization.writeCompactBlockArray: sizes and genstamps as deltas from the previous block. */
function writeCompactBlocks(w: BufferBuilder, blocks: readonly BlockRef[]): void {
  w.vint(blocks.length);
  let prev = { numBytes: 0, genStamp: 0 };
  for (const b of blocks) {
    w.long(b.blockId)
      .vlong(b.numBytes - prev.numBytes)
      .vlong(b.genStamp - prev.genStamp);
    prev = b;
  }
}

function writeRpcIds(w: BufferBuilder, ids: RpcIds): void {
  w.shortBytes(ids.clientId === null ? Buffer.alloc(0) : uuidToBytes(ids.clientId)).int(ids.callId);
}

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * Reads a whole segment file. Stops at an 0xFF opcode (preallocated padding, which must be all
 * 0x00/0xFF). A bad last record — truncated, checksum mismatch, undecodable — is a torn tail: the
 * ops before it are returned with `tornTail` set. A bad record with a valid record anywhere after it
 * is corruption and throws EditLogCorruptionError with its offset and txid.
 */
/**
 * A segment's ops. A torn last record is reported in `tornTail`; any other bad record throws
 * EditLogCorruptionError — unless `recover` (oev -r, Hadoop's recovery mode): then, as
 * FSEditLogOp.Reader.readOp(skipBrokenEdits) does, the reader steps one byte at a time to the next
 * offset where a whole record decodes (or only padding is left) and lists what it skipped.
 */
export function decodeSegment(buf: Buffer, options: { recover?: boolean } = {}): DecodedSegment {
  if (buf.length < EDITS_HEADER_BYTES) {
    throw new EditLogCorruptionError(
      `edit log header truncated: ${buf.length} of ${EDITS_HEADER_BYTES} bytes (layout version + feature flags)`,
      0,
      null,
    );
  }
  const layoutVersion = buf.readInt32BE(0);
  const flagCount = buf.readInt32BE(4);
  if (flagCount !== 0) {
    throw new EditLogCorruptionError(
      `edit log header has ${flagCount} layout feature flags; only 0 is supported`,
      4,
      null,
    );
  }
  if (options.recover) return decodeRecovering(buf, layoutVersion);
  const ops: EditLogOp[] = [];
  let pos = EDITS_HEADER_BYTES;
  while (pos < buf.length) {
    if (buf[pos] === OPCODES.OP_INVALID) {
      checkPadding(buf, pos, lastTxid(ops));
      return { layoutVersion, ops, validBytes: pos };
    }
    const record = readRecord(buf, pos);
    if (!record.ok) {
      failOrTear(buf, pos, record, lastTxid(ops));
      return { layoutVersion, ops, validBytes: pos, tornTail: { offset: pos, reason: record.reason } };
    }
    ops.push(record.op);
    pos = record.end;
  }
  return { layoutVersion, ops, validBytes: pos };
}

function decodeRecovering(buf: Buffer, layoutVersion: number): DecodedSegment {
  const ops: EditLogOp[] = [];
  const skipped: SkippedBytes[] = [];
  let validBytes = EDITS_HEADER_BYTES;
  let pos = EDITS_HEADER_BYTES;
  // Past the last byte that is not padding (0x00 / 0xFF), an OP_INVALID byte ends the records.
  let dataEnd = buf.length;
  while (dataEnd > pos && (buf[dataEnd - 1] === 0x00 || buf[dataEnd - 1] === 0xff)) dataEnd--;
  const paddingFrom = (o: number): boolean => buf[o] === OPCODES.OP_INVALID && o + 1 >= dataEnd;
  while (pos < buf.length) {
    if (paddingFrom(pos)) break;
    const record = readRecord(buf, pos);
    if (record.ok) {
      ops.push(record.op);
      pos = validBytes = record.end;
      continue;
    }
    const reason = buf[pos] === OPCODES.OP_INVALID ? 'data after an OP_INVALID byte' : record.reason;
    let next = pos + 1;
    while (next < buf.length && !paddingFrom(next) && !readRecord(buf, next).ok) next++;
    skipped.push({ offset: pos, bytes: next - pos, reason });
    pos = next;
  }
  return { layoutVersion, ops, validBytes, skipped };
}

type RecordResult =
  { ok: true; op: EditLogOp; end: number } | { ok: false; reason: string; txid: number | null };

function readRecord(buf: Buffer, pos: number): RecordResult {
  const opcode = buf[pos] as number;
  const name = OP_NAME_BY_CODE.get(opcode);
  const txid = pos + 13 <= buf.length ? safeTxid(buf.readBigInt64BE(pos + 5)) : null;
  if (name === undefined) return { ok: false, reason: `unknown opcode 0x${hex2(opcode)}`, txid };
  if (pos + 5 > buf.length) return { ok: false, reason: 'truncated length field', txid };
  const length = buf.readInt32BE(pos + 1);
  if (length < 12 || length > OP_BYTES_MAX) {
    return { ok: false, reason: `${name}: impossible length ${length} (expected 12..${OP_BYTES_MAX})`, txid };
  }
  const end = pos + 1 + length + 4;
  if (end > buf.length) {
    return {
      ok: false,
      reason: `${name}: truncated record (need ${end - pos} bytes, have ${buf.length - pos})`,
      txid,
    };
  }
  const stored = buf.readUInt32BE(pos + 1 + length);
  const computed = crc32(buf.subarray(pos, pos + 1 + length));
  if (stored !== computed) {
    return {
      ok: false,
      reason: `${name}: checksum mismatch (stored ${hex8(stored)}, computed ${hex8(computed)})`,
      txid,
    };
  }
  if (txid === null) return { ok: false, reason: `${name}: txid does not fit a JS number`, txid };
  try {
    const r = new CursorReader(buf, pos + 13, pos + 1 + length);
    const op = decodeBody(name, txid, r);
    if (r.remaining !== 0)
      return { ok: false, reason: `${name}: ${r.remaining} unread byte(s) after the body`, txid };
    return { ok: true, op, end };
  } catch (e) {
    return { ok: false, reason: `${name}: ${(e as Error).message}`, txid };
  }
}

/** Throws unless nothing valid follows the bad record at `pos` (then it is a torn tail). */
function failOrTear(
  buf: Buffer,
  pos: number,
  bad: { reason: string; txid: number | null },
  prevTxid: number | null,
): void {
  const next = findValidRecordAfter(buf, pos + 1, prevTxid);
  if (next === null) return;
  const txid = bad.txid ?? (prevTxid === null ? null : prevTxid + 1);
  throw new EditLogCorruptionError(
    `corrupt edit log record at offset ${pos} (txid ${txid ?? 'unknown'}): ${bad.reason}; ` +
      `a valid record (txid ${next.txid}) follows at offset ${next.offset}, so this is not a torn tail`,
    pos,
    txid,
  );
}

/** Scans forward for any record whose frame and checksum are valid and whose txid moves forward. */
function findValidRecordAfter(
  buf: Buffer,
  from: number,
  prevTxid: number | null,
): { offset: number; txid: number } | null {
  for (let o = from; o + RECORD_BYTES_MIN <= buf.length; o++) {
    if (!OP_NAME_BY_CODE.has(buf[o] as number)) continue;
    const length = buf.readInt32BE(o + 1);
    if (length < 12 || length > OP_BYTES_MAX || o + 1 + length + 4 > buf.length) continue;
    if (buf.readUInt32BE(o + 1 + length) !== crc32(buf.subarray(o, o + 1 + length))) continue;
    const txid = safeTxid(buf.readBigInt64BE(o + 5));
    if (txid !== null && (prevTxid === null || txid > prevTxid)) return { offset: o, txid };
  }
  return null;
}

/** After OP_INVALID only padding (0x00 / 0xFF) may follow; anything else means records were lost. */
function checkPadding(buf: Buffer, pos: number, prevTxid: number | null): void {
  for (let o = pos; o < buf.length; o++) {
    const b = buf[o];
    if (b !== 0x00 && b !== 0xff) {
      throw new EditLogCorruptionError(
        `edit log has data (0x${hex2(b as number)}) at offset ${o} after the OP_INVALID terminator at offset ${pos}`,
        o,
        prevTxid === null ? null : prevTxid + 1,
      );
    }
  }
}

function decodeBody(name: OpName, txid: number, r: CursorReader): EditLogOp {
  // TypeScript cannot tie the reader's type to `name`'s; the table's type ties each entry to its op.
  const read = BODY_READERS[name] as BodyReader<OpName>;
  return { op: name, txid, ...read(r, name) } as EditLogOp;
}

/** An op's fields after its opcode and txid (the snapshot ops share one shape between two names). */
type OpFields<N extends OpName> = Omit<
  EditLogOp extends infer O ? (O extends EditLogOp ? (N extends O['op'] ? O : never) : never) : never,
  'op' | 'txid'
>;

/** Reads one op's body; `name` tells the two ops that share a reader apart. */
type BodyReader<N extends OpName> = (r: CursorReader, name: N) => OpFields<N>;

/** One reader per edit-log op, each field in FSEditLogOp's readFields order, beside encodeBody. */
const BODY_READERS: { [N in OpName]: BodyReader<N> } = {
  OP_START_LOG_SEGMENT: () => ({}),
  OP_END_LOG_SEGMENT: () => ({}),
  OP_ADD: readAddOp,
  OP_CLOSE: readAddCloseCommon,
  OP_MKDIR: readMkdirOp,
  OP_ALLOCATE_BLOCK_ID: (r) => ({ blockId: r.long('blockId') }),
  OP_SET_GENSTAMP_V2: (r) => ({ genStamp: r.long('genStamp') }),
  OP_ADD_BLOCK: readBlocksOp,
  OP_UPDATE_BLOCKS: readBlocksOp,
  OP_DELETE: (r) => {
    const path = r.utf8('path');
    const timestamp = r.long('timestamp');
    return { path, timestamp, rpcIds: readRpcIds(r) };
  },
  OP_RENAME_OLD: (r) => ({ ...readRenameCommon(r), rpcIds: readRpcIds(r) }),
  OP_RENAME: (r) => {
    const common = readRenameCommon(r);
    const options = readRenameOptions(r);
    return { ...common, options, rpcIds: readRpcIds(r) };
  },
  OP_CONCAT_DELETE: readConcatDeleteOp,
  OP_SET_REPLICATION: (r) => ({ path: r.utf8('path'), replication: r.short('replication') }),
  OP_SET_PERMISSIONS: (r) => ({ src: r.utf8('src'), mode: r.short('mode') & 0xffff }),
  OP_SET_OWNER: (r) => {
    const src = r.utf8('src');
    const username = r.utf8('username') || null;
    const groupname = r.utf8('groupname') || null;
    return { src, username, groupname };
  },
  OP_TIMES: (r) => ({ path: r.utf8('path'), mtime: r.long('mtime'), atime: r.long('atime') }),
  OP_REASSIGN_LEASE: (r) => ({
    leaseHolder: r.utf8('leaseHolder'),
    path: r.utf8('path'),
    newHolder: r.utf8('newHolder'),
  }),
  OP_APPEND: (r) => {
    const path = r.utf8('path');
    const clientName = r.utf8('clientName');
    const clientMachine = r.utf8('clientMachine');
    const newBlock = r.bool('newBlock');
    return { path, clientName, clientMachine, newBlock, rpcIds: readRpcIds(r) };
  },
  OP_SET_ACL: (r) => {
    const msg = fromBinary(AclEditLogProtoSchema, readDelimited(r, 'AclEditLogProto'));
    return { src: msg.src, entries: msg.entries.map(aclEntryFromProto) };
  },
  OP_SET_XATTR: readXAttrOp,
  OP_REMOVE_XATTR: readXAttrOp,
  OP_SET_QUOTA: (r) => {
    const src = r.utf8('src');
    const nsQuota = r.longBig('nsQuota').toString();
    return { src, nsQuota, dsQuota: r.longBig('dsQuota').toString() };
  },
  OP_ALLOW_SNAPSHOT: (r) => ({ snapshotRoot: r.utf8('snapshotRoot') }),
  OP_DISALLOW_SNAPSHOT: (r) => ({ snapshotRoot: r.utf8('snapshotRoot') }),
  OP_CREATE_SNAPSHOT: readSnapshotOp,
  OP_DELETE_SNAPSHOT: readSnapshotOp,
  OP_RENAME_SNAPSHOT: (r) => {
    const snapshotRoot = r.utf8('snapshotRoot');
    const snapshotOldName = r.utf8('snapshotOldName');
    const snapshotNewName = r.utf8('snapshotNewName');
    const mtime = r.long('mtime');
    return { snapshotRoot, snapshotOldName, snapshotNewName, mtime, rpcIds: readRpcIds(r) };
  },
  OP_TRUNCATE: readTruncateOp,
};

function readAddOp(r: CursorReader): OpFields<'OP_ADD'> {
  const common = readAddCloseCommon(r);
  const aclEntries = readAclEntries(r);
  readNoXAttrs(r);
  const clientName = r.utf8('clientName');
  const clientMachine = r.utf8('clientMachine');
  const overwrite = r.bool('overwrite');
  const storagePolicyId = r.byte('storagePolicyId') & 0xff;
  const erasureCodingPolicyId = r.byte('erasureCodingPolicyId') & 0xff;
  const rpcIds = readRpcIds(r);
  return {
    ...common,
    clientName,
    clientMachine,
    overwrite,
    storagePolicyId,
    erasureCodingPolicyId,
    ...(aclEntries.length > 0 ? { aclEntries } : {}),
    rpcIds,
  };
}

function readMkdirOp(r: CursorReader): OpFields<'OP_MKDIR'> {
  const inodeId = r.long('inodeId');
  const path = r.utf8('path');
  const timestamp = r.long('mtime');
  r.long('atime');
  const permission = readPermission(r);
  const aclEntries = readAclEntries(r);
  readNoXAttrs(r);
  return { inodeId, path, timestamp, permission, ...(aclEntries.length > 0 ? { aclEntries } : {}) };
}

function readBlocksOp(
  r: CursorReader,
  name: 'OP_ADD_BLOCK' | 'OP_UPDATE_BLOCKS',
): OpFields<'OP_ADD_BLOCK' | 'OP_UPDATE_BLOCKS'> {
  const path = r.utf8('path');
  const blocks = readCompactBlocks(r);
  if (name === 'OP_ADD_BLOCK' && blocks.length !== 1 && blocks.length !== 2) {
    throw new RangeError(`OP_ADD_BLOCK has ${blocks.length} blocks; expected 1 or 2`);
  }
  return { path, blocks, rpcIds: readRpcIds(r) };
}

/** OP_RENAME_OLD and OP_RENAME begin alike: source, destination, time. */
function readRenameCommon(r: CursorReader): { src: string; dst: string; timestamp: number } {
  const src = r.utf8('src');
  const dst = r.utf8('dst');
  return { src, dst, timestamp: r.long('timestamp') };
}

function readConcatDeleteOp(r: CursorReader): OpFields<'OP_CONCAT_DELETE'> {
  const trg = r.utf8('trg');
  const count = r.int('source count');
  if (count < 0 || count > CONCAT_SOURCES_MAX || count > r.remaining / 2)
    throw new RangeError(
      `impossible source count ${count} (ConcatDeleteOp takes 0 to ${CONCAT_SOURCES_MAX})`,
    );
  const srcs: string[] = [];
  for (let i = 0; i < count; i++) srcs.push(r.utf8('src'));
  const timestamp = r.long('timestamp');
  return { trg, srcs, timestamp, rpcIds: readRpcIds(r) };
}

function readXAttrOp(r: CursorReader): OpFields<'OP_SET_XATTR' | 'OP_REMOVE_XATTR'> {
  const { src, xattrs } = readXAttrEditLog(r);
  return { src, xattrs, rpcIds: readRpcIds(r) };
}

function readSnapshotOp(r: CursorReader): OpFields<'OP_CREATE_SNAPSHOT' | 'OP_DELETE_SNAPSHOT'> {
  const snapshotRoot = r.utf8('snapshotRoot');
  const snapshotName = r.utf8('snapshotName');
  const mtime = r.long('mtime');
  return { snapshotRoot, snapshotName, mtime, rpcIds: readRpcIds(r) };
}

function readTruncateOp(r: CursorReader): OpFields<'OP_TRUNCATE'> {
  const src = r.utf8('src');
  const clientName = r.utf8('clientName');
  const clientMachine = r.utf8('clientMachine');
  const newLength = r.long('newLength');
  const timestamp = r.long('timestamp');
  const blocks = readCompactBlocks(r);
  if (blocks.length > 1) throw new RangeError(`OP_TRUNCATE has ${blocks.length} blocks; expected 0 or 1`);
  return { src, clientName, clientMachine, newLength, timestamp, truncateBlock: blocks[0] ?? null };
}

function readAddCloseCommon(r: CursorReader): AddOrCloseFields {
  const inodeId = r.long('inodeId');
  const path = r.utf8('path');
  const replication = r.short('replication');
  const mtime = r.long('mtime');
  const atime = r.long('atime');
  const blockSize = r.long('blockSize');
  const count = r.int('block count');
  if (count < 0 || count > r.remaining / 24) throw new RangeError(`impossible block count ${count}`);
  const blocks: BlockRef[] = [];
  for (let i = 0; i < count; i++) {
    blocks.push({ blockId: r.long('blockId'), numBytes: r.long('numBytes'), genStamp: r.long('genStamp') });
  }
  return { inodeId, path, replication, mtime, atime, blockSize, blocks, permission: readPermission(r) };
}

function readPermission(r: CursorReader): PermissionStatus {
  return { user: r.text('user'), group: r.text('group'), mode: r.short('mode') & 0xffff };
}

function readCompactBlocks(r: CursorReader): BlockRef[] {
  const count = r.vint('block count');
  if (count < 0 || count > r.remaining / 10) throw new RangeError(`impossible block count ${count}`);
  const blocks: BlockRef[] = [];
  let prev = { numBytes: 0, genStamp: 0 };
  for (let i = 0; i < count; i++) {
    const blockId = r.long('blockId');
    const b = {
      blockId,
      numBytes: prev.numBytes + r.vlong('numBytes delta'),
      genStamp: prev.genStamp + r.vlong('genStamp delta'),
    };
    blocks.push(b);
    prev = b;
  }
  return blocks;
}

function readRpcIds(r: CursorReader): RpcIds {
  const clientId = r.shortBytes('RPC client id');
  const callId = r.int('RPC call id');
  if (clientId.length === 0) return callId === NO_RPC_IDS.callId ? NO_RPC_IDS : { clientId: null, callId };
  return { clientId: bytesToUuid(clientId), callId };
}

function readRenameOptions(r: CursorReader): RenameOption[] {
  const count = r.int('rename option count');
  if (count < 0 || count > r.remaining) throw new RangeError(`impossible rename option count ${count}`);
  const byCode = Object.entries(RENAME_OPTION_CODES) as [RenameOption, number][];
  return Array.from(r.bytes(count, 'rename options'), (code) => {
    const found = byCode.find(([, c]) => c === code);
    if (!found) throw new RangeError(`unknown rename option ${code}`);
    return found[0];
  });
}

/**
 * FSEditLogOp.AclEditLogUtil (OP_ADD, OP_MKDIR): an int count (0 = no ACL), then per entry one
 * byte — has-name bit 6, scope bit 5, type bits 3..4, FsAction bits 0..2 — and the name.
 */
function writeAclEntries(w: BufferBuilder, entries: readonly AclEntry[] | undefined): void {
  w.int(entries?.length ?? 0);
  for (const e of entries ?? []) {
    const bits =
      (e.name !== null ? 1 << 6 : 0) |
      (ACL_SCOPES.indexOf(e.scope) << 5) |
      (ACL_TYPES.indexOf(e.type) << 3) |
      (e.permission & 7);
    w.byte(bits);
    if (e.name !== null) w.utf8(e.name);
  }
}

const ACL_SCOPES = ['ACCESS', 'DEFAULT'] as const;
const ACL_TYPES = ['USER', 'GROUP', 'MASK', 'OTHER'] as const;

function readAclEntries(r: CursorReader): AclEntry[] {
  const count = r.int('ACL entry count');
  if (count < 0 || count > r.remaining) throw new RangeError(`impossible ACL entry count ${count}`);
  return Array.from({ length: count }, (): AclEntry => {
    const bits = r.byte('ACL entry') & 0xff;
    const name = (bits >> 6) & 1 ? r.utf8('ACL entry name') : null;
    return {
      scope: ACL_SCOPES[(bits >> 5) & 1]!,
      type: ACL_TYPES[(bits >> 3) & 3]!,
      name,
      permission: bits & 7,
    };
  });
}

/** XAttrEditLogProto.writeDelimitedTo: a varint length, then the message. */
function encodeXAttrEditLog(src: string, xattrs: readonly XAttr[]): Uint8Array {
  return delimitedProto(XAttrEditLogProtoSchema, { src, xAttrs: xattrs.map(xattrToProto) });
}

/** The bytes of a varint-delimited message (parseDelimitedFrom). */
function readDelimited(r: CursorReader, what: string): Uint8Array {
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    const b = r.byte(`${what} length`) & 0xff;
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
    if (shift > 28) throw new RangeError(`${what} length: malformed varint`);
  }
  return r.bytes(length, what);
}

function readXAttrEditLog(r: CursorReader): { src: string; xattrs: XAttr[] } {
  const msg = fromBinary(XAttrEditLogProtoSchema, readDelimited(r, 'XAttrEditLogProto'));
  return {
    src: msg.src,
    xattrs: msg.xAttrs.map((x) => xattrFromProto(x, isFieldSet(x, XAttrProtoSchema.field.value))),
  };
}

function readNoXAttrs(r: CursorReader): void {
  // A protobuf varint length prefix; 0 (one byte) is the empty XAttrEditLogProto.
  const first = r.byte('xattrs length') & 0xff;
  if (first !== 0) throw new RangeError('non-empty xattrs: xattrs are not supported by the lab');
}

function lastTxid(ops: readonly EditLogOp[]): number | null {
  return ops.length === 0 ? null : (ops[ops.length - 1] as EditLogOp).txid;
}

function safeTxid(v: bigint): number | null {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : null;
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

function hex8(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')}`;
}
