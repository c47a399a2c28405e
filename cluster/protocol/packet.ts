/**
 * Hadoop's data packets and pipeline acks (PacketHeader.java, PipelineAck.java; reference §10.3),
 * byte-compatible with the real wire:
 *
 *   PLEN u32 (4 + checksum bytes + data bytes) · HLEN u16 · PacketHeaderProto · CRCs · data
 *
 * The packet path carries every byte of every block, so it copies data once (into the frame)
 * and decodes frames into views (subarray), never into fresh buffers.
 */
import { CRC_BYTES, chunkCount, writeChunkChecksums } from '../common/crc.js';
import {
  ProtoReader,
  ProtoWriter,
  toSigned64,
  unzigzag,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
} from '../common/protobuf.js';
import {
  malformed,
  hex,
  PACKET_BYTES_MAX,
  PIPELINE_ACK_BYTES_MAX,
  STATUS_CODES,
  statusName,
  type StatusName,
} from './data-transfer.js';

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
  /** One CRC32C per 512-byte chunk; computed from `data` when absent. */
  checksums?: Buffer;
}

export interface DecodedPacket {
  header: PacketHeader;
  /** Views into the frame. */
  checksums: Buffer;
  data: Buffer;
}

/** One frame in a single allocation: lengths, header, checksums (given or computed), data. */
export function encodePacket(input: PacketInput): Buffer {
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
  const frame = Buffer.allocUnsafe(frameBytes);
  frame.writeUInt32BE(plen, 0);
  frame.writeUInt16BE(headerBytes, 4);
  let pos = writeHeaderProto(frame, PACKET_LENGTHS_BYTES, { ...input, dataLen: data.length });
  if (input.checksums) pos += input.checksums.copy(frame, pos);
  else pos += writeChunkChecksums(data, frame, pos, BYTES_PER_CHECKSUM);
  data.copy(frame, pos);
  return frame;
}

/** The end-of-block packet: no data, lastPacketInBlock set. */
export function encodeLastPacket(offsetInBlock: number, seqno: number): Buffer {
  return encodePacket({ offsetInBlock, seqno, lastPacketInBlock: true, data: Buffer.alloc(0) });
}

// PacketHeaderProto written by hand into the frame (fields in number order, as protobuf-java does)
// so a packet costs one allocation; ProtoWriter would build and concatenate several small buffers.
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
  let pos = start;
  frame[pos++] = 0x09; // field 1 offsetInBlock, sfixed64
  pos = writeInt64LE(frame, h.offsetInBlock, pos);
  frame[pos++] = 0x11; // field 2 seqno, sfixed64
  pos = writeInt64LE(frame, h.seqno, pos);
  frame[pos++] = 0x18; // field 3 lastPacketInBlock, bool
  frame[pos++] = h.lastPacketInBlock ? 1 : 0;
  frame[pos++] = 0x25; // field 4 dataLen, sfixed32
  frame.writeInt32LE(h.dataLen, pos);
  pos += 4;
  if (h.syncBlock) {
    frame[pos++] = 0x28; // field 5 syncBlock, bool, only written when true
    frame[pos++] = 1;
  }
  return pos;
}

/** A safe integer as a little-endian int64, via two 32-bit halves (no BigInt on the hot path). */
function writeInt64LE(frame: Buffer, value: number, pos: number): number {
  const high = Math.floor(value / 0x1_0000_0000);
  frame.writeUInt32LE(value - high * 0x1_0000_0000, pos);
  frame.writeInt32LE(high, pos + 4);
  return pos + 8;
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
  const reader = new ProtoReader(proto);
  const seen = new Set<number>();
  const header: PacketHeader = {
    offsetInBlock: 0,
    seqno: 0,
    lastPacketInBlock: false,
    dataLen: 0,
    syncBlock: false,
  };
  try {
    while (!reader.done()) {
      const f = reader.field();
      seen.add(f.field);
      if (f.field === 1)
        header.offsetInBlock = safe(toSigned64(expectWire(f, WIRE_FIXED64)), 'offsetInBlock');
      else if (f.field === 2) header.seqno = safe(toSigned64(expectWire(f, WIRE_FIXED64)), 'seqno');
      else if (f.field === 3) header.lastPacketInBlock = expectWire(f, WIRE_VARINT) !== 0n;
      else if (f.field === 4) header.dataLen = Number(BigInt.asIntN(32, expectWire(f, WIRE_FIXED32)));
      else if (f.field === 5) header.syncBlock = expectWire(f, WIRE_VARINT) !== 0n;
    }
  } catch (err) {
    if (err instanceof RangeError) throw malformed(`PacketHeaderProto ${hex(proto, 27)}: ${err.message}`);
    throw err;
  }
  for (const [field, name] of [
    [1, 'offsetInBlock'],
    [2, 'seqno'],
    [3, 'lastPacketInBlock'],
    [4, 'dataLen'],
  ] as const) {
    if (!seen.has(field))
      throw malformed(`PacketHeaderProto ${hex(proto, 27)} lacks required field ${field} ${name}`);
  }
  if (header.dataLen < 0) throw malformed(`PacketHeaderProto dataLen is ${header.dataLen}; expected ≥ 0`);
  return header;
}

function expectWire(f: { field: number; wireType: number; value?: bigint }, wireType: number): bigint {
  if (f.wireType !== wireType || f.value === undefined) {
    throw new RangeError(`field ${f.field} has wire type ${f.wireType}, expected ${wireType}`);
  }
  return f.value;
}

function safe(v: bigint, name: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${name} ${v} exceeds 2^53`);
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
  /** Per reply: status in the low 4 bits, ECN in bits 5–6, SLOW in bit 7. Defaults to the plain statuses. */
  flags: number[];
}

/** Varint-delimited PipelineAckProto, fields in number order as protobuf-java writes them. */
export function encodePipelineAck(ack: {
  seqno: number;
  replies: StatusName[];
  downstreamAckTimeNanos?: number;
  flags?: number[];
}): Buffer {
  const w = new ProtoWriter().sint(1, ack.seqno);
  for (const reply of ack.replies) w.uint(2, STATUS_CODES[reply]);
  w.uint(3, ack.downstreamAckTimeNanos ?? 0);
  const flags = ack.flags ?? ack.replies.map((reply) => STATUS_CODES[reply]);
  if (flags.length > 0) w.packedVarints(4, flags);
  return w.finishDelimited();
}

/** A PipelineAckProto body (after its varint length has been read). */
export function decodePipelineAckBody(body: Buffer): PipelineAck {
  if (body.length > PIPELINE_ACK_BYTES_MAX) {
    throw malformed(`pipeline ack of ${body.length} bytes; at most ${PIPELINE_ACK_BYTES_MAX} expected`);
  }
  const ack: PipelineAck = { seqno: 0, replies: [], downstreamAckTimeNanos: 0, flags: [] };
  let sawSeqno = false;
  try {
    const reader = new ProtoReader(body);
    while (!reader.done()) {
      const f = reader.field();
      if (f.field === 1) {
        ack.seqno = safe(unzigzag(expectWire(f, WIRE_VARINT)), 'seqno');
        sawSeqno = true;
      } else if (f.field === 2) ack.replies.push(...varints(f).map(toStatus));
      else if (f.field === 3)
        ack.downstreamAckTimeNanos = safe(expectWire(f, WIRE_VARINT), 'downstreamAckTimeNanos');
      else if (f.field === 4) ack.flags.push(...varints(f).map(Number));
    }
  } catch (err) {
    if (err instanceof RangeError) throw malformed(`PipelineAckProto ${hex(body, 32)}: ${err.message}`);
    throw err;
  }
  if (!sawSeqno) throw malformed(`PipelineAckProto ${hex(body, 32)} lacks required field 1 seqno`);
  return ack;
}

/** A whole varint-delimited ack held in memory. */
export function decodePipelineAck(frame: Buffer): PipelineAck {
  const reader = new ProtoReader(frame);
  try {
    const inner = reader.delimited();
    if (!reader.done()) throw new RangeError(`${frame.length - reader.pos} bytes after the ack`);
    return decodePipelineAckBody(frame.subarray(inner.pos, inner.end));
  } catch (err) {
    if (err instanceof RangeError) throw malformed(`pipeline ack ${hex(frame, 32)}: ${err.message}`);
    throw err;
  }
}

/** Repeated varint fields arrive unpacked (one tag each) or packed (one length-delimited run). */
function varints(f: { field: number; wireType: number; value?: bigint; bytes?: Buffer }): bigint[] {
  if (f.wireType !== WIRE_LENGTH_DELIMITED || !f.bytes) return [expectWire(f, WIRE_VARINT)];
  const inner = new ProtoReader(f.bytes);
  const out: bigint[] = [];
  while (!inner.done()) out.push(inner.varint());
  return out;
}

function toStatus(code: bigint): StatusName {
  const name = statusName(Number(code));
  if (name === undefined) throw new RangeError(`unknown Status ${code} in reply`);
  return name;
}
