/**
 * Hadoop's data packets and pipeline acks (PacketHeader, PipelineAck; docs/wire.md), byte-compatible with the
 * real wire:
 *
 *   PLEN u32 (4 + checksum bytes + data bytes) · HLEN u16 · PacketHeaderProto · CRCs · data
 *
 * PacketHeaderProto and PipelineAckProto are datatransfer.proto's, through @bufbuild/protobuf.
 * The packet path carries every byte of every block, so it copies data once (into the frame)
 * and decodes frames into views (subarray), never into fresh buffers.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import { CRC_BYTES, chunkCount, writeChunkChecksums, type ChecksumAlgorithm } from '../common/crc.js';
import {
  decodeProto,
  malformed,
  hex,
  PACKET_BYTES_MAX,
  STATUS_CODES,
  statusName,
  type StatusName,
} from './data-transfer.js';
import { PacketHeaderProtoSchema, PipelineAckProtoSchema } from './gen/datatransfer_pb.js';
import { varintBytes } from './proto-codec.js';
import { PIPELINE_ACK_BYTES_MAX } from './limits.js';

// Status lives with the rest of datatransfer.proto; re-exported because acks are read here.
export { STATUS_CODES, type StatusName } from './data-transfer.js';

export const BYTES_PER_CHECKSUM = 512;
export const CHECKSUM_SIZE = CRC_BYTES;
/** dfs.client-write-packet-size. */
export const WRITE_PACKET_SIZE = 65536;
/** PLEN (4) + HLEN (2). */
export const PACKET_LENGTHS_BYTES = 6;
/** Header proto without syncBlock: 9 + 9 + 2 + 5. */
export const PACKET_HEADER_PROTO_BYTES = 25;
/** Header proto with syncBlock (Hadoop's PKT_MAX_HEADER_LEN is 6 + this = 33). */
export const PACKET_HEADER_PROTO_BYTES_MAX = 27;
/** floor((65536 − 33) / 516) = 126 chunks → 64,512 data bytes per full packet. */
export const CHUNKS_PER_PACKET = Math.floor(
  (WRITE_PACKET_SIZE - PACKET_LENGTHS_BYTES - PACKET_HEADER_PROTO_BYTES_MAX) /
    (BYTES_PER_CHECKSUM + CHECKSUM_SIZE),
);
export const PACKET_DATA_BYTES = CHUNKS_PER_PACKET * BYTES_PER_CHECKSUM;
/**
 * The data of a full packet a DataNode sends (READ_BLOCK, COPY_BLOCK, a copy to another DataNode):
 * BlockSender's maxChunksPerPacket with transferTo, numberOfChunks(TRANSFERTO_BUFFER_SIZE), where
 * TRANSFERTO_BUFFER_SIZE = max(io.file.buffer.size 4096, MIN_BUFFER_WITH_TRANSFERTO 64 KiB): 128
 * chunks, 65,536 bytes. transferTo is on for all of them (dfs.datanode.transferTo.allowed, no
 * checksum verification while sending, a plain socket, a replica file); without it BlockSender
 * would send numberOfChunks(io.file.buffer.size) = 8 chunks a packet.
 */
export const SEND_CHUNKS_PER_PACKET = (64 * 1024) / BYTES_PER_CHECKSUM;
export const SEND_PACKET_DATA_BYTES = SEND_CHUNKS_PER_PACKET * BYTES_PER_CHECKSUM;
/** Seqno of the keep-alive packets an idle pipeline sends. */
export const HEARTBEAT_SEQNO = -1;

export interface PacketHeader {
  offsetInBlock: number;
  seqno: number;
  lastPacketInBlock: boolean;
  dataLen: number;
  syncBlock: boolean;
}

export interface PacketInput {
  offsetInBlock: number;
  seqno: number;
  lastPacketInBlock: boolean;
  syncBlock?: boolean;
  data: Buffer;
  /** One CRC per 512-byte chunk; computed from `data` when absent, with `checksumType`. */
  checksums?: Buffer;
  /** The writer's checksum (CRC32C unless said otherwise; the Go client writes CRC32). */
  checksumType?: ChecksumAlgorithm;
}

export interface DecodedPacket {
  header: PacketHeader;
  /** Views into the frame. */
  checksums: Buffer;
  data: Buffer;
}

/** Bytes of the largest frame encodePacket makes: a full packet with syncBlock set. */
export const PACKET_FRAME_BYTES_MAX =
  PACKET_LENGTHS_BYTES +
  PACKET_HEADER_PROTO_BYTES_MAX +
  CHUNKS_PER_PACKET * (BYTES_PER_CHECKSUM + CHECKSUM_SIZE);

/**
 * One frame in a single buffer: lengths, header, checksums (given or computed), data. The frame is
 * written at the start of `into` when it fits there (a writer's recycled frame buffer), else into a
 * fresh allocation.
 */
export function encodePacket(input: PacketInput, into?: Buffer): Buffer {
  const { data } = input;
  const sumsBytes = chunkCount(data.length, BYTES_PER_CHECKSUM) * CHECKSUM_SIZE;
  if (input.checksums && input.checksums.length !== sumsBytes) {
    throw new RangeError(
      `encodePacket: ${input.checksums.length} checksum bytes for ${data.length} data bytes; expected ${sumsBytes}`,
    );
  }
  const headerBytes = PACKET_HEADER_PROTO_BYTES + (input.syncBlock ? 2 : 0);
  const plen = 4 + sumsBytes + data.length;
  const frameBytes = PACKET_LENGTHS_BYTES + headerBytes + sumsBytes + data.length;
  if (frameBytes > PACKET_BYTES_MAX) {
    throw malformed(`packet of ${frameBytes} bytes; at most ${PACKET_BYTES_MAX} (PACKET_BYTES_MAX) expected`);
  }
  const frame =
    into && into.length >= frameBytes ? into.subarray(0, frameBytes) : Buffer.allocUnsafe(frameBytes);
  frame.writeUInt32BE(plen, 0);
  frame.writeUInt16BE(headerBytes, 4);
  let pos = writeHeaderProto(frame, PACKET_LENGTHS_BYTES, { ...input, dataLen: data.length });
  if (input.checksums) pos += input.checksums.copy(frame, pos);
  else pos += writeChunkChecksums(data, frame, pos, BYTES_PER_CHECKSUM, input.checksumType ?? 'CRC32C');
  data.copy(frame, pos);
  return frame;
}

/** The end-of-block packet: no data, lastPacketInBlock set. */
export function encodeLastPacket(offsetInBlock: number, seqno: number): Buffer {
  return encodePacket({ offsetInBlock, seqno, lastPacketInBlock: true, data: Buffer.alloc(0) });
}

/** PacketHeaderProto into the frame at `start`; fixed-width fields, so 25 bytes (27 with syncBlock). */
function writeHeaderProto(
  frame: Buffer,
  start: number,
  h: {
    offsetInBlock: number;
    seqno: number;
    lastPacketInBlock: boolean;
    dataLen: number;
    syncBlock?: boolean;
  },
): number {
  const proto = toBinary(
    PacketHeaderProtoSchema,
    create(PacketHeaderProtoSchema, {
      offsetInBlock: BigInt(h.offsetInBlock),
      seqno: BigInt(h.seqno),
      lastPacketInBlock: h.lastPacketInBlock,
      dataLen: h.dataLen,
      // Java writes syncBlock only when it is true.
      ...(h.syncBlock ? { syncBlock: true } : {}),
    }),
  );
  frame.set(proto, start);
  return start + proto.length;
}

/** Checks a frame's first 6 bytes and returns its lengths; shared by decodePacket and the socket reader. */
export function packetFrameLengths(prefix: Buffer): { plen: number; hlen: number; frameBytes: number } {
  if (prefix.length < PACKET_LENGTHS_BYTES) {
    throw malformed(
      `a packet starts with ${PACKET_LENGTHS_BYTES} bytes (u32 PLEN, u16 HLEN), got ${prefix.length}`,
    );
  }
  const plen = prefix.readUInt32BE(0);
  const hlen = prefix.readUInt16BE(4);
  if (plen < 4)
    throw malformed(`packet PLEN is ${plen}; it counts itself, so at least 4 (${hex(prefix, 6)})`);
  if (hlen > PACKET_HEADER_PROTO_BYTES_MAX || hlen === 0) {
    throw malformed(
      `packet HLEN is ${hlen}; a PacketHeaderProto is ${PACKET_HEADER_PROTO_BYTES}..${PACKET_HEADER_PROTO_BYTES_MAX} bytes (${hex(prefix, 6)})`,
    );
  }
  const frameBytes = PACKET_LENGTHS_BYTES + hlen + plen - 4;
  if (frameBytes > PACKET_BYTES_MAX) {
    throw malformed(
      `packet of ${frameBytes} bytes announced (PLEN ${plen}); at most ${PACKET_BYTES_MAX} expected`,
    );
  }
  return { plen, hlen, frameBytes };
}

/** Parses the HLEN bytes of a PacketHeaderProto. */
export function decodePacketHeader(proto: Buffer): PacketHeader {
  const h = decodeProto(PacketHeaderProtoSchema, proto, 'PacketHeaderProto');
  if (h.dataLen < 0) throw malformed(`PacketHeaderProto dataLen is ${h.dataLen}; expected ≥ 0`);
  return {
    offsetInBlock: safe(h.offsetInBlock, 'PacketHeaderProto offsetInBlock', proto),
    seqno: safe(h.seqno, 'PacketHeaderProto seqno', proto),
    lastPacketInBlock: h.lastPacketInBlock,
    dataLen: h.dataLen,
    syncBlock: h.syncBlock,
  };
}

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);

function safe(v: bigint, what: string, bytes: Buffer): number {
  if (v > SAFE_MAX || v < SAFE_MIN) {
    throw malformed(`${what} ${v} exceeds 2^53 (${hex(bytes, 32)})`);
  }
  return Number(v);
}

/** Splits a whole frame into header, checksums and data (views, no copies). */
export function decodePacket(frame: Buffer): DecodedPacket {
  const { plen, hlen, frameBytes } = packetFrameLengths(frame);
  if (frame.length !== frameBytes) {
    throw malformed(
      `packet frame is ${frame.length} bytes, its PLEN ${plen} and HLEN ${hlen} say ${frameBytes}`,
    );
  }
  const header = decodePacketHeader(frame.subarray(PACKET_LENGTHS_BYTES, PACKET_LENGTHS_BYTES + hlen));
  const sumsBytes = plen - 4 - header.dataLen;
  if (sumsBytes < 0) {
    throw malformed(`packet dataLen ${header.dataLen} does not fit PLEN ${plen} (4 + checksums + data)`);
  }
  const sumsStart = PACKET_LENGTHS_BYTES + hlen;
  return {
    header,
    checksums: frame.subarray(sumsStart, sumsStart + sumsBytes),
    data: frame.subarray(sumsStart + sumsBytes),
  };
}

// ---- Pipeline acks ----

export interface PipelineAck {
  seqno: number;
  /** One Status per DataNode, upstream DataNode first. */
  replies: StatusName[];
  downstreamAckTimeNanos: number;
  /** Per reply: the status in bits 0-3, ECN in bits 5-6, SLOW in bits 7-8 (see ackFlag). */
  flags: number[];
}

/** PipelineAck's ECN values (explicit congestion notification), bits 5-6 of a flag. */
export const ACK_ECN = { DISABLED: 0, SUPPORTED: 1, SUPPORTED2: 2, CONGESTED: 3 } as const;
export type AckEcn = keyof typeof ACK_ECN;
/** PipelineAck's SLOW values, bits 7-8 of a flag: a DataNode that reports itself slow. */
export const ACK_SLOW = { DISABLED: 0, SLOW: 1 } as const;
export type AckSlow = keyof typeof ACK_SLOW;

const FLAG_STATUS_MASK = 0x0f;
const FLAG_ECN_SHIFT = 5;
const FLAG_SLOW_SHIFT = 7;

/** One reply's flag word (PipelineAck.combineHeader). */
export function ackFlag(reply: { status: StatusName; ecn?: AckEcn; slow?: AckSlow }): number {
  return (
    STATUS_CODES[reply.status] |
    (ACK_ECN[reply.ecn ?? 'DISABLED'] << FLAG_ECN_SHIFT) |
    (ACK_SLOW[reply.slow ?? 'DISABLED'] << FLAG_SLOW_SHIFT)
  );
}

/** A flag word's parts; undefined for a status or ECN value the protocol does not define. */
export function parseAckFlag(flag: number): { status: StatusName; ecn: AckEcn; slow: AckSlow } | undefined {
  const status = statusName(flag & FLAG_STATUS_MASK);
  const ecn = (Object.keys(ACK_ECN) as AckEcn[]).find((k) => ACK_ECN[k] === ((flag >> FLAG_ECN_SHIFT) & 3));
  const slow = (Object.keys(ACK_SLOW) as AckSlow[]).find(
    (k) => ACK_SLOW[k] === ((flag >> FLAG_SLOW_SHIFT) & 3),
  );
  return status && ecn && slow ? { status, ecn, slow } : undefined;
}

/**
 * Varint-delimited PipelineAckProto as a Java DataNode writes it: seqno, one reply per DataNode,
 * downstreamAckTimeNanos, and one flag per reply (status only: the lab reports no congestion).
 * A one-DataNode SUCCESS ack for seqno 1 is `09 08 02 10 00 18 00 22 01 00`, ten bytes: never
 * under the 5 bytes the Go client reads first.
 */
export function encodePipelineAck(ack: {
  seqno: number;
  replies: StatusName[];
  downstreamAckTimeNanos?: number;
  flags?: number[];
}): Buffer {
  const proto = toBinary(
    PipelineAckProtoSchema,
    create(PipelineAckProtoSchema, {
      seqno: BigInt(ack.seqno),
      reply: ack.replies.map((r) => STATUS_CODES[r]),
      downstreamAckTimeNanos: BigInt(ack.downstreamAckTimeNanos ?? 0),
      flag: ack.flags ?? ack.replies.map((status) => ackFlag({ status })),
    }),
  );
  return Buffer.concat([varintBytes(proto.length), proto]);
}

/** PipelineAck.UNKOWN_SEQNO: the seqno of an out-of-band ack, which answers no packet. */
export const OOB_SEQNO = -2;

/** The out-of-band statuses (PipelineAck's OOB_START..OOB_END): OOB_RESTART and three reserved. */
const OOB_STATUSES: readonly StatusName[] = [
  'OOB_RESTART',
  'OOB_RESERVED1',
  'OOB_RESERVED2',
  'OOB_RESERVED3',
];

/**
 * PipelineAck.getOOBStatus: the out-of-band status an ack carries, or null when it is an ordinary
 * ack (any seqno but OOB_SEQNO, or no OOB status among its replies).
 */
export function oobStatusOf(ack: { seqno: number; replies: readonly StatusName[] }): StatusName | null {
  if (ack.seqno !== OOB_SEQNO) return null;
  return ack.replies.find((status) => OOB_STATUSES.includes(status)) ?? null;
}

/** A PipelineAckProto body (after its varint length has been read). */
export function decodePipelineAckBody(body: Buffer): PipelineAck {
  if (body.length > PIPELINE_ACK_BYTES_MAX) {
    throw malformed(`pipeline ack of ${body.length} bytes; at most ${PIPELINE_ACK_BYTES_MAX} expected`);
  }
  const a = decodeProto(PipelineAckProtoSchema, body, 'PipelineAckProto');
  const replies: StatusName[] = [];
  for (const code of a.reply) {
    const name = statusName(code);
    if (name === undefined)
      throw malformed(`PipelineAckProto ${hex(body, 32)}: unknown Status ${code} in reply`);
    replies.push(name);
  }
  // A DataNode that only sends flags (none does today) still says what each reply was.
  if (replies.length === 0) {
    for (const flag of a.flag) {
      const parsed = parseAckFlag(flag);
      if (parsed) replies.push(parsed.status);
    }
  }
  return {
    seqno: safe(a.seqno, 'PipelineAckProto seqno', body),
    replies,
    downstreamAckTimeNanos: safe(a.downstreamAckTimeNanos, 'PipelineAckProto downstreamAckTimeNanos', body),
    flags: [...a.flag],
  };
}

/** A whole varint-delimited ack held in memory. */
export function decodePipelineAck(frame: Buffer): PipelineAck {
  let length = 0;
  let pos = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = frame[pos++];
    if (byte === undefined || shift > 28)
      throw malformed(`pipeline ack ${hex(frame, 32)}: bad length prefix`);
    length += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
  }
  if (pos + length !== frame.length)
    throw malformed(
      `pipeline ack ${hex(frame, 32)}: length prefix says ${length} bytes, ${frame.length - pos} follow`,
    );
  return decodePipelineAckBody(frame.subarray(pos));
}
