/**
 * DataTransferProtocol's ops and responses (DataTransferProtocol, Sender, Receiver; docs/wire.md): the streaming protocol between
 * clients and DataNodes on the xfer port, separate from the NameNode RPC.
 *
 * Request:  u16 version (28) · u8 op · varint length · Op…Proto
 * Response: varint length · BlockOpResponseProto (ClientReadStatusProto from a reader)
 *
 * The messages are datatransfer.proto's (cluster/protocol/proto), encoded and decoded by
 * @bufbuild/protobuf; this module converts them to the plain objects the DataNode and the client
 * work with (numbers instead of bigints, names instead of enum numbers) and checks what the
 * library does not: required fields on decode, and uint64 values that a JS number cannot hold.
 * Packets and pipeline acks are in packet.ts.
 */
import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { RemoteError } from './errors.js';
import { parseExtendedBlock } from './identifiers.js';
import { missingRequiredField } from './required-fields.js';
import {
  BaseHeaderProtoSchema,
  BlockOpResponseProtoSchema,
  ClientOperationHeaderProtoSchema,
  ClientReadStatusProtoSchema,
  OpBlockChecksumProtoSchema,
  OpCopyBlockProtoSchema,
  OpReadBlockProtoSchema,
  OpReplaceBlockProtoSchema,
  OpTransferBlockProtoSchema,
  OpWriteBlockProto_BlockConstructionStage,
  OpWriteBlockProtoSchema,
  Status,
  type BaseHeaderProto,
  type BlockOpResponseProto,
  type ClientOperationHeaderProto,
  type DataTransferTraceInfoProto,
} from './gen/datatransfer_pb.js';
import {
  ChecksumTypeProto,
  StorageTypeProto,
  DatanodeInfoProtoSchema,
  type DatanodeInfoProto,
  type ExtendedBlockProto,
} from './gen/hdfs_pb.js';
import { encodeProto, varintBytes } from './proto-codec.js';
import { OP_BODY_BYTES_MAX } from './limits.js';
import { xferAddr } from './types.js';

export const DATA_TRANSFER_VERSION = 28;

// HDFS's own bound on a packet; the lab's bounds on what a peer may make it buffer are in limits.ts.
/** One packet frame: a default packet is ~65 KiB; Java's DataNode accepts up to 16 MiB (PacketReceiver's MAX_PACKET_SIZE). */
export const PACKET_BYTES_MAX = 16 * 1024 * 1024;

export const OP_CODES = {
  WRITE_BLOCK: 80,
  READ_BLOCK: 81,
  READ_METADATA: 82,
  REPLACE_BLOCK: 83,
  COPY_BLOCK: 84,
  BLOCK_CHECKSUM: 85,
  TRANSFER_BLOCK: 86,
} as const;
export type DataTransferOpName = keyof typeof OP_CODES;

/** datatransfer.proto `Status`: in BlockOpResponse, ClientReadStatus and pipeline acks. */
export const STATUS_CODES = {
  SUCCESS: 0,
  ERROR: 1,
  ERROR_CHECKSUM: 2,
  ERROR_INVALID: 3,
  ERROR_EXISTS: 4,
  ERROR_ACCESS_TOKEN: 5,
  CHECKSUM_OK: 6,
  ERROR_UNSUPPORTED: 7,
  OOB_RESTART: 8,
  OOB_RESERVED1: 9,
  OOB_RESERVED2: 10,
  OOB_RESERVED3: 11,
  IN_PROGRESS: 12,
  ERROR_BLOCK_PINNED: 13,
} as const satisfies Record<string, Status>;
export type StatusName = keyof typeof STATUS_CODES;

export function statusName(code: number): StatusName | undefined {
  return (Object.keys(STATUS_CODES) as StatusName[]).find((name) => STATUS_CODES[name] === code);
}

export function opName(code: number): DataTransferOpName | undefined {
  return (Object.keys(OP_CODES) as DataTransferOpName[]).find((name) => OP_CODES[name] === code);
}

// ---- The ops as the lab works with them ----

export interface ExtendedBlock {
  poolId: string;
  blockId: number;
  genStamp: number;
  numBytes: number;
}

/**
 * A DataNode as a DataTransfer peer (DatanodeInfoProto's id). `name` is the lab's id (dn3); it
 * is not on the wire: a receiver names a target from its address (see XceiverServerOptions).
 */
export interface TransferTarget {
  name: string;
  ipAddr: string;
  xferPort: number;
  hostName?: string;
  datanodeUuid?: string;
  infoPort?: number;
  ipcPort?: number;
  /** DatanodeInfoProto.location: its rack (/rack1), as the LocatedBlock lists it. */
  location?: string;
  /** The storage that holds or will hold the replica there (LocatedBlock.storageIDs); not in DatanodeInfoProto. */
  storageId?: string;
}

/** BaseHeaderProto: the block, and the lab's operation id carried as HDFS's trace ids. */
export interface BaseHeader {
  block: ExtendedBlock;
  /** The user operation (put-123-4); travels in traceInfo, see opIdToTraceInfo. */
  opId?: string;
}

/** ClientOperationHeaderProto: '' as clientName marks a DataNode-initiated copy. */
export interface ClientOperationHeader extends BaseHeader {
  clientName: string;
}

export type BlockConstructionStage = keyof typeof OpWriteBlockProto_BlockConstructionStage;

export type ChecksumTypeName = 'NULL' | 'CRC32' | 'CRC32C';

export interface DataChecksum {
  type: ChecksumTypeName;
  bytesPerChecksum: number;
}

export interface OpWriteBlock {
  header: ClientOperationHeader;
  /** Downstream DataNodes only: each DataNode forwards the op with itself removed. */
  targets: TransferTarget[];
  /** The DataNode the bytes come from, for DataNode-initiated copies. */
  source?: TransferTarget;
  stage: BlockConstructionStage;
  pipelineSize: number;
  minBytesRcvd: number;
  maxBytesRcvd: number;
  latestGenerationStamp: number;
  requestedChecksum: DataChecksum;
  /**
   * The receiver's storage ID and the downstream DataNodes' (Sender.writeBlock's storageId and
   * targetStorageIds, from the LocatedBlock); empty from a writer that sends none (the Go client).
   * Every replica goes to DISK, the lab's one storage type: storageType and targetStorageTypes
   * are always DISK on the wire.
   */
  storageId: string;
  targetStorageIds: string[];
  /** Favored-node pinning of the receiver's replica and the downstream ones; HDFS's writer sends [false] without favored nodes. */
  pinning: boolean;
  targetPinnings: boolean[];
}

export interface OpReadBlock {
  header: ClientOperationHeader;
  offset: number;
  len: number;
  sendChecksums: boolean;
}

export interface OpTransferBlock {
  header: ClientOperationHeader;
  targets: TransferTarget[];
}

export interface OpReplaceBlock {
  header: BaseHeader;
  /** The DataNode whose replica the NameNode may delete afterwards (its storage or DataNode uuid). */
  delHint: string;
  /** The DataNode to copy the replica from (the balancer's proxy). */
  source: TransferTarget;
}

export interface OpCopyBlock {
  header: BaseHeader;
}

export interface OpBlockChecksum {
  header: BaseHeader;
}

export interface OpBodies {
  WRITE_BLOCK: OpWriteBlock;
  READ_BLOCK: OpReadBlock;
  TRANSFER_BLOCK: OpTransferBlock;
  REPLACE_BLOCK: OpReplaceBlock;
  COPY_BLOCK: OpCopyBlock;
  BLOCK_CHECKSUM: OpBlockChecksum;
}

/** The ops the lab's DataNode serves; READ_METADATA is refused with ERROR_UNSUPPORTED. */
export type ServedOp = keyof OpBodies;

export type OpBody<K extends ServedOp> = OpBodies[K];

export type DecodedOpRequest =
  { [K in ServedOp]: { op: K; body: OpBody<K> } }[ServedOp] | { op: 'READ_METADATA'; body: undefined };

export interface ReadOpChecksumInfo {
  checksum: DataChecksum;
  /** The requested offset rounded down to a chunk boundary: the first packet starts there. */
  chunkOffset: number;
}

export interface BlockChecksumResponse {
  bytesPerCrc: number;
  crcPerBlock: number;
  /** MD5 over the block's chunk CRCs. */
  blockChecksum: Buffer;
  crcType?: ChecksumTypeName;
}

export interface BlockOpResponse {
  status: StatusName;
  /** The DataNode that could not be reached while setting up a pipeline ('' when none). */
  firstBadLink?: string;
  message?: string;
  readOpChecksumInfo?: ReadOpChecksumInfo;
  checksumResponse?: BlockChecksumResponse;
}

export interface ClientReadStatus {
  status: StatusName;
}

// ---- Operation ids in HDFS's trace fields ----

const OP_ID_PATTERN = /^([a-zA-Z]{1,13})-(\d{1,16})(?:-(\d{1,10}))?$/;
/** Verbs are camelCase words (put, copyFromLocal): a random HTrace id seldom decodes to one. */
const VERB_PATTERN = /^[a-z]+(?:[A-Z][a-z]+)*$/;
const VERB_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Base of the verb's digits: each letter is 1..52, so a verb of up to 13 letters fits 75 bits. */
const VERB_BASE = BigInt(VERB_ALPHABET.length + 1);
const NUMBERS_BITS = 52n;
const PID_BITS = 22n;
const COUNTER_BITS = 30n;
const U64 = (1n << 64n) - 1n;

/**
 * The lab's operation ids (`<verb>-<pid>-<n>` as DFSClient.nextOpId and `lab fs` make them, or
 * `<verb>-<n>` such as a DataNode's `transfer-<blockId>`) ride in HDFS's own trace field,
 * DataTransferTraceInfoProto, so a DataNode can tag the frames and block reports of a client's
 * `put` with the put's id without a lab-only field on the wire. traceId and parentId together are
 * one 128-bit number: the verb's letters as base-53 digits (75 bits), a bit for the one-number
 * form, then the numbers (52 bits: pid in 22 and n in 30, or the one number). A real DataNode
 * ignores them (they are HTrace's span ids); an id of another shape is not sent.
 */
export function opIdToTraceInfo(opId: string): { traceId: bigint; parentId: bigint } | undefined {
  const m = OP_ID_PATTERN.exec(opId);
  if (!m || !VERB_PATTERN.test(m[1] as string)) return undefined;
  let verb = 0n;
  for (const c of m[1] as string) verb = verb * VERB_BASE + BigInt(VERB_ALPHABET.indexOf(c) + 1);
  const first = BigInt(m[2] as string);
  let numbers: bigint;
  let oneNumber = 0n;
  if (m[3] === undefined) {
    if (first >= 1n << NUMBERS_BITS) return undefined;
    numbers = first;
    oneNumber = 1n;
  } else {
    const second = BigInt(m[3]);
    if (first >= 1n << PID_BITS || second >= 1n << COUNTER_BITS) return undefined;
    numbers = (first << COUNTER_BITS) | second;
  }
  const all = (verb << (NUMBERS_BITS + 1n)) | (oneNumber << NUMBERS_BITS) | numbers;
  return { traceId: all >> 64n, parentId: all & U64 };
}

/** The inverse of opIdToTraceInfo; undefined for trace ids that do not decode to a lab id. */
export function traceInfoToOpId(trace: { traceId: bigint; parentId: bigint }): string | undefined {
  const all = (trace.traceId << 64n) | trace.parentId;
  const numbers = all & ((1n << NUMBERS_BITS) - 1n);
  const oneNumber = (all >> NUMBERS_BITS) & 1n;
  let verb = all >> (NUMBERS_BITS + 1n);
  let letters = '';
  while (verb > 0n) {
    const digit = Number(verb % VERB_BASE);
    if (digit === 0) return undefined;
    letters = VERB_ALPHABET[digit - 1] + letters;
    verb /= VERB_BASE;
  }
  const tail =
    oneNumber === 1n ? `${numbers}` : `${numbers >> COUNTER_BITS}-${numbers & ((1n << COUNTER_BITS) - 1n)}`;
  const opId = `${letters}-${tail}`;
  return VERB_PATTERN.test(letters) && OP_ID_PATTERN.test(opId) ? opId : undefined;
}

// ---- Encoding ----

const STAGES = OpWriteBlockProto_BlockConstructionStage;

const CHECKSUM_TYPES: Record<ChecksumTypeName, ChecksumTypeProto> = {
  NULL: ChecksumTypeProto.CHECKSUM_NULL,
  CRC32: ChecksumTypeProto.CHECKSUM_CRC32,
  CRC32C: ChecksumTypeProto.CHECKSUM_CRC32C,
};

/** `u16 28 · u8 op · varint length · Op…Proto`. */
export function encodeOpRequest<K extends ServedOp>(op: K, body: OpBody<K>): Buffer {
  const proto = encodeOpBody(op, body);
  checkBodyLength(proto.length, `${op} body`);
  const prefix = Buffer.allocUnsafe(3);
  prefix.writeUInt16BE(DATA_TRANSFER_VERSION, 0);
  prefix.writeUInt8(OP_CODES[op], 2);
  return Buffer.concat([prefix, varintBytes(proto.length), proto]);
}

function encodeOpBody<K extends ServedOp>(op: K, body: OpBody<K>): Uint8Array {
  const b = body as OpBodies[ServedOp];
  switch (op) {
    case 'WRITE_BLOCK': {
      const w = b as OpWriteBlock;
      return encodeProto(OpWriteBlockProtoSchema, {
        header: clientHeaderProto(w.header),
        targets: w.targets.map(datanodeInfoProto),
        ...(w.source ? { source: datanodeInfoProto(w.source) } : {}),
        stage: STAGES[w.stage],
        pipelineSize: w.pipelineSize,
        minBytesRcvd: BigInt(w.minBytesRcvd),
        maxBytesRcvd: BigInt(w.maxBytesRcvd),
        latestGenerationStamp: BigInt(w.latestGenerationStamp),
        requestedChecksum: checksumProto(w.requestedChecksum),
        // DFSClient's default CachingStrategy sets neither readahead nor dropBehind.
        cachingStrategy: {},
        storageType: StorageTypeProto.DISK,
        targetStorageTypes: w.targets.map(() => StorageTypeProto.DISK),
        allowLazyPersist: false,
        pinning: w.pinning,
        targetPinnings: w.targetPinnings,
        ...(w.storageId ? { storageId: w.storageId } : {}),
        targetStorageIds: w.targetStorageIds,
      });
    }
    case 'READ_BLOCK': {
      const r = b as OpReadBlock;
      return encodeProto(OpReadBlockProtoSchema, {
        header: clientHeaderProto(r.header),
        offset: BigInt(r.offset),
        len: BigInt(r.len),
        // Java writes sendChecksums only when false (its default is true).
        ...(r.sendChecksums ? {} : { sendChecksums: false }),
      });
    }
    case 'TRANSFER_BLOCK': {
      const t = b as OpTransferBlock;
      return encodeProto(OpTransferBlockProtoSchema, {
        header: clientHeaderProto(t.header),
        targets: t.targets.map(datanodeInfoProto),
      });
    }
    case 'REPLACE_BLOCK': {
      const r = b as OpReplaceBlock;
      return encodeProto(OpReplaceBlockProtoSchema, {
        header: baseHeaderProto(r.header),
        delHint: r.delHint,
        source: datanodeInfoProto(r.source),
      });
    }
    case 'COPY_BLOCK':
      return encodeProto(OpCopyBlockProtoSchema, { header: baseHeaderProto((b as OpCopyBlock).header) });
    case 'BLOCK_CHECKSUM':
      return encodeProto(OpBlockChecksumProtoSchema, {
        header: baseHeaderProto((b as OpBlockChecksum).header),
      });
  }
  throw new RangeError(`encodeOpRequest: ${String(op)} is not an op the lab sends`);
}

function extendedBlockProto(block: ExtendedBlock): ExtendedBlockProto {
  return {
    $typeName: 'hadoop.hdfs.ExtendedBlockProto',
    poolId: block.poolId,
    blockId: BigInt(block.blockId),
    generationStamp: BigInt(block.genStamp),
    numBytes: BigInt(block.numBytes),
  };
}

function baseHeaderProto(header: BaseHeader): BaseHeaderProto {
  const trace = header.opId === undefined ? undefined : opIdToTraceInfo(header.opId);
  return create(BaseHeaderProtoSchema, {
    block: extendedBlockProto(header.block),
    // Block access tokens are off in the lab: every field empty but present, as Java sends it.
    token: { identifier: new Uint8Array(0), password: new Uint8Array(0), kind: '', service: '' },
    ...(trace ? { traceInfo: trace } : {}),
  });
}

function clientHeaderProto(header: ClientOperationHeader): ClientOperationHeaderProto {
  return create(ClientOperationHeaderProtoSchema, {
    baseHeader: baseHeaderProto(header),
    clientName: header.clientName,
  });
}

function datanodeInfoProto(t: TransferTarget): DatanodeInfoProto {
  return create(DatanodeInfoProtoSchema, {
    id: {
      ipAddr: t.ipAddr,
      hostName: t.hostName ?? t.ipAddr,
      datanodeUuid: t.datanodeUuid ?? '',
      xferPort: t.xferPort,
      infoPort: t.infoPort ?? 0,
      ipcPort: t.ipcPort ?? 0,
    },
    ...(t.location ? { location: t.location } : {}),
  });
}

function checksumProto(c: DataChecksum): { type: ChecksumTypeProto; bytesPerChecksum: number } {
  return { type: CHECKSUM_TYPES[c.type], bytesPerChecksum: c.bytesPerChecksum };
}

export function encodeBlockOpResponse(resp: BlockOpResponse): Buffer {
  const proto = create(BlockOpResponseProtoSchema, {
    status: STATUS_CODES[resp.status],
    ...(resp.firstBadLink !== undefined ? { firstBadLink: resp.firstBadLink } : {}),
    ...(resp.checksumResponse
      ? {
          checksumResponse: {
            bytesPerCrc: resp.checksumResponse.bytesPerCrc,
            crcPerBlock: BigInt(resp.checksumResponse.crcPerBlock),
            blockChecksum: resp.checksumResponse.blockChecksum,
            ...(resp.checksumResponse.crcType
              ? { crcType: CHECKSUM_TYPES[resp.checksumResponse.crcType] }
              : {}),
          },
        }
      : {}),
    ...(resp.readOpChecksumInfo
      ? {
          readOpChecksumInfo: {
            checksum: checksumProto(resp.readOpChecksumInfo.checksum),
            chunkOffset: BigInt(resp.readOpChecksumInfo.chunkOffset),
          },
        }
      : {}),
    ...(resp.message !== undefined ? { message: resp.message } : {}),
  });
  return delimited(toBinary(BlockOpResponseProtoSchema, proto), 'BlockOpResponse');
}

export function encodeClientReadStatus(status: ClientReadStatus): Buffer {
  const proto = create(ClientReadStatusProtoSchema, { status: STATUS_CODES[status.status] });
  return delimited(toBinary(ClientReadStatusProtoSchema, proto), 'ClientReadStatus');
}

function delimited(body: Uint8Array, what: string): Buffer {
  checkBodyLength(body.length, what);
  return Buffer.concat([varintBytes(body.length), body]);
}

// ---- Decoding ----

/** Checks the 3-byte request prefix (version, op) and returns the op. */
export function decodeOpPrefix(prefix: Buffer): DataTransferOpName {
  if (prefix.length < 3) {
    throw malformed(
      `a DataTransferProtocol request starts with 3 bytes (u16 version, u8 op), got ${prefix.length}`,
    );
  }
  const version = prefix.readUInt16BE(0);
  if (version !== DATA_TRANSFER_VERSION) {
    throw new RemoteError(
      'IncorrectVersionException',
      `Version Mismatch (Expected: ${DATA_TRANSFER_VERSION}, Received: ${version} ); first bytes ${hex(prefix, 3)}`,
    );
  }
  const code = prefix.readUInt8(2);
  const op = opName(code);
  if (op === undefined) {
    throw malformed(`unknown DataTransferProtocol op code ${code}; expected one of ${describeOpCodes()}`);
  }
  return op;
}

/** Decodes a protobuf message and checks its required fields; errors name what arrived. */
export function decodeProto<D extends DescMessage>(
  schema: D,
  bytes: Uint8Array,
  what: string,
): MessageShape<D> {
  let message: MessageShape<D>;
  try {
    message = fromBinary(schema, bytes);
  } catch (err) {
    throw malformed(
      `${what}: not a ${schema.typeName} (${(err as Error).message}); bytes ${hex(Buffer.from(bytes), 32)}`,
    );
  }
  const missing = missingRequiredField(schema, message);
  if (missing)
    throw malformed(`${what}: required field ${missing} not set; bytes ${hex(Buffer.from(bytes), 32)}`);
  return message;
}

/** An Op…Proto already cut out of the stream. READ_METADATA and unknown ops are not served. */
export function decodeOpBody<K extends ServedOp>(op: K, body: Buffer): OpBody<K> {
  checkBodyLength(body.length, `${op} body`);
  const what = `${op} body`;
  switch (op) {
    case 'WRITE_BLOCK': {
      const w = decodeProto(OpWriteBlockProtoSchema, body, what);
      const result: OpWriteBlock = {
        header: clientHeader(w.header!, what),
        targets: w.targets.map(transferTarget),
        ...(w.source ? { source: transferTarget(w.source) } : {}),
        stage: stageName(w.stage, what),
        pipelineSize: w.pipelineSize,
        minBytesRcvd: u64(w.minBytesRcvd, `${what} minBytesRcvd`),
        maxBytesRcvd: u64(w.maxBytesRcvd, `${what} maxBytesRcvd`),
        latestGenerationStamp: u64(w.latestGenerationStamp, `${what} latestGenerationStamp`),
        requestedChecksum: dataChecksum(w.requestedChecksum!, what),
        storageId: w.storageId,
        targetStorageIds: [...w.targetStorageIds],
        pinning: w.pinning,
        targetPinnings: [...w.targetPinnings],
      };
      return result as OpBody<K>;
    }
    case 'READ_BLOCK': {
      const r = decodeProto(OpReadBlockProtoSchema, body, what);
      const result: OpReadBlock = {
        header: clientHeader(r.header!, what),
        offset: u64(r.offset, `${what} offset`),
        len: u64(r.len, `${what} len`),
        sendChecksums: r.sendChecksums,
      };
      return result as OpBody<K>;
    }
    case 'TRANSFER_BLOCK': {
      const t = decodeProto(OpTransferBlockProtoSchema, body, what);
      const result: OpTransferBlock = {
        header: clientHeader(t.header!, what),
        targets: t.targets.map(transferTarget),
      };
      return result as OpBody<K>;
    }
    case 'REPLACE_BLOCK': {
      const r = decodeProto(OpReplaceBlockProtoSchema, body, what);
      const result: OpReplaceBlock = {
        header: baseHeader(r.header!, what),
        delHint: r.delHint,
        source: transferTarget(r.source!),
      };
      return result as OpBody<K>;
    }
    case 'COPY_BLOCK': {
      const c = decodeProto(OpCopyBlockProtoSchema, body, what);
      return { header: baseHeader(c.header!, what) } as OpBody<K>;
    }
    case 'BLOCK_CHECKSUM': {
      const c = decodeProto(OpBlockChecksumProtoSchema, body, what);
      return { header: baseHeader(c.header!, what) } as OpBody<K>;
    }
  }
  throw malformed(`${String(op)} is not served by the lab's DataNode`);
}

function baseHeader(h: BaseHeaderProto, what: string): BaseHeader {
  const b = h.block!;
  const opId = h.traceInfo ? traceInfoToOpId(h.traceInfo as DataTransferTraceInfoProto) : undefined;
  return { block: checkedBlock(b, `${what} header.block`), ...(opId ? { opId } : {}) };
}

/**
 * An op's block: its pool id, id and generation stamp become file names on the DataNode, so they are
 * checked here, at the boundary, as HDFS types them (cluster/protocol/identifiers.ts: uint64s below
 * 2^53, `BP-<rand>-<ip>-<ms>`). A bad one is a malformed op, answered ERROR_INVALID.
 */
function checkedBlock(b: ExtendedBlockProto, what: string): ExtendedBlock {
  const fields = { poolId: b.poolId, blockId: b.blockId, genStamp: b.generationStamp, numBytes: b.numBytes };
  try {
    return parseExtendedBlock(fields, what);
  } catch (err) {
    if (err instanceof RemoteError) throw malformed(err.message);
    throw err;
  }
}

function clientHeader(h: ClientOperationHeaderProto, what: string): ClientOperationHeader {
  return { ...baseHeader(h.baseHeader!, what), clientName: h.clientName };
}

function transferTarget(info: DatanodeInfoProto): TransferTarget {
  const id = info.id!;
  return {
    name: xferAddr(id),
    ipAddr: id.ipAddr,
    xferPort: id.xferPort,
    hostName: id.hostName,
    datanodeUuid: id.datanodeUuid,
    infoPort: id.infoPort,
    ipcPort: id.ipcPort,
    ...(info.location ? { location: info.location } : {}),
  };
}

/**
 * The WRITE_BLOCK a DataNode sends its mirror (DataXceiver.writeBlock): the same op for the rest
 * of the pipeline — the first downstream target becomes the receiver, with its storage ID and
 * pinning taken off the front of the lists (PBHelperClient.convert(…, 1)).
 */
export function mirrorWriteBlock(op: OpWriteBlock): OpWriteBlock {
  return {
    ...op,
    targets: op.targets.slice(1),
    storageId: op.targetStorageIds[0] ?? '',
    targetStorageIds: op.targetStorageIds.slice(1),
    pinning: op.targetPinnings[0] ?? false,
    targetPinnings: op.targetPinnings.slice(1),
  };
}

function stageName(stage: number, what: string): BlockConstructionStage {
  const name = STAGES[stage] as BlockConstructionStage | undefined;
  if (name === undefined) throw malformed(`${what}: unknown BlockConstructionStage ${stage}`);
  return name;
}

function checksumTypeName(type: number): ChecksumTypeName | undefined {
  return (Object.keys(CHECKSUM_TYPES) as ChecksumTypeName[]).find((n) => CHECKSUM_TYPES[n] === type);
}

function dataChecksum(c: { type: number; bytesPerChecksum: number }, what: string): DataChecksum {
  const type = checksumTypeName(c.type);
  if (type === undefined) throw malformed(`${what}: unknown ChecksumTypeProto ${c.type}`);
  return { type, bytesPerChecksum: c.bytesPerChecksum };
}

/**
 * A uint64 off the wire as a JS number. Block ids, generation stamps, offsets and lengths are
 * unsigned 64-bit numbers in HDFS; the lab's stay far below 2^53, so a larger one is refused
 * rather than rounded.
 */
export function u64(v: bigint, what: string): number {
  if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER))
    throw malformed(`${what} ${v} is outside 0..2^53-1, the range the lab's DataNode handles`);
  return Number(v);
}

/** A whole request frame (prefix, varint length, body) held in memory. */
export function decodeOpRequest(frame: Buffer): DecodedOpRequest {
  const op = decodeOpPrefix(frame);
  const body = cutDelimited(frame, 3, `${op} body`);
  if (op === 'READ_METADATA') return { op, body: undefined };
  return { op, body: decodeOpBody(op, body) } as DecodedOpRequest;
}

export function decodeBlockOpResponseBody(body: Buffer): BlockOpResponse {
  const r: BlockOpResponseProto = decodeProto(BlockOpResponseProtoSchema, body, 'BlockOpResponse');
  const resp: BlockOpResponse = { status: toStatusName(r.status, 'BlockOpResponse') };
  if (Object.hasOwn(r, 'firstBadLink')) resp.firstBadLink = r.firstBadLink;
  if (Object.hasOwn(r, 'message')) resp.message = r.message;
  if (r.readOpChecksumInfo) {
    resp.readOpChecksumInfo = {
      checksum: dataChecksum(r.readOpChecksumInfo.checksum!, 'BlockOpResponse'),
      chunkOffset: u64(r.readOpChecksumInfo.chunkOffset, 'BlockOpResponse chunkOffset'),
    };
  }
  if (r.checksumResponse) {
    const c = r.checksumResponse;
    const crcType = Object.hasOwn(c, 'crcType') ? checksumTypeName(c.crcType) : undefined;
    resp.checksumResponse = {
      bytesPerCrc: c.bytesPerCrc,
      crcPerBlock: u64(c.crcPerBlock, 'BlockOpResponse crcPerBlock'),
      blockChecksum: Buffer.from(c.blockChecksum),
      ...(crcType ? { crcType } : {}),
    };
  }
  return resp;
}

/** A varint-delimited BlockOpResponse held in memory. */
export function decodeBlockOpResponse(frame: Buffer): BlockOpResponse {
  return decodeBlockOpResponseBody(cutDelimited(frame, 0, 'BlockOpResponse'));
}

export function decodeClientReadStatusBody(body: Buffer): ClientReadStatus {
  const s = decodeProto(ClientReadStatusProtoSchema, body, 'ClientReadStatus');
  return { status: toStatusName(s.status, 'ClientReadStatus') };
}

export function decodeClientReadStatus(frame: Buffer): ClientReadStatus {
  return decodeClientReadStatusBody(cutDelimited(frame, 0, 'ClientReadStatus'));
}

function toStatusName(code: number, what: string): StatusName {
  const name = statusName(code);
  if (name === undefined) throw malformed(`${what}: unknown Status ${code}`);
  return name;
}

/** Throws MalformedFrameException when a body length exceeds OP_BODY_BYTES_MAX. */
export function checkBodyLength(length: number, what: string): void {
  if (length > OP_BODY_BYTES_MAX) {
    throw malformed(`${what} is ${length} bytes; at most ${OP_BODY_BYTES_MAX} (OP_BODY_BYTES_MAX) expected`);
  }
}

function cutDelimited(frame: Buffer, start: number, what: string): Buffer {
  let length = 0;
  let pos = start;
  for (let shift = 0; ; shift += 7) {
    const byte = frame[pos++];
    if (byte === undefined || shift > 28)
      throw malformed(
        `${what}: bad varint length prefix at byte ${start} (${hex(frame.subarray(start), 10)})`,
      );
    length += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
  }
  checkBodyLength(length, what);
  if (pos + length !== frame.length) {
    throw malformed(`${what}: length prefix says ${length} bytes, ${frame.length - pos} bytes follow`);
  }
  return frame.subarray(pos, pos + length);
}

function describeOpCodes(): string {
  return Object.entries(OP_CODES)
    .map(([name, code]) => `${code} ${name}`)
    .join(', ');
}

/** Up to `max` bytes as spaced hex, for error messages that show what arrived. */
export function hex(bytes: Buffer, max: number): string {
  const shown = bytes
    .subarray(0, max)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
  return bytes.length > max ? `${shown} …` : shown || '(nothing)';
}

export function malformed(message: string): RemoteError {
  return new RemoteError('MalformedFrameException', message);
}
