import { describe, expect, it } from 'vitest';
import { chunkChecksums } from '../../cluster/common/crc.js';
import {
  CHUNKS_PER_PACKET,
  decodePacket,
  decodePacketHeader,
  decodePipelineAck,
  decodePipelineAckBody,
  encodeLastPacket,
  encodePacket,
  encodePipelineAck,
  PACKET_DATA_BYTES,
  PACKET_FRAME_BYTES_MAX,
  PACKET_HEADER_PROTO_BYTES,
  STATUS_CODES,
} from '../../cluster/protocol/packet.js';

const hex = (b: Buffer): string => b.toString('hex').replace(/(..)(?!$)/g, '$1 ');
const HELLO = Buffer.from('hello world\n');
const Z8 = '00 00 00 00 00 00 00 00';

describe('constants', () => {
  it('match DFSOutputStream and PacketHeader: 126 chunks a packet, a 25-byte header, Status codes', () => {
    expect(CHUNKS_PER_PACKET).toBe(126);
    expect(PACKET_DATA_BYTES).toBe(64512);
    expect(PACKET_HEADER_PROTO_BYTES).toBe(25);
    expect(STATUS_CODES).toMatchObject({
      SUCCESS: 0,
      ERROR: 1,
      ERROR_CHECKSUM: 2,
      CHECKSUM_OK: 6,
      OOB_RESTART: 8,
    });
  });
});

describe('encodePacket', () => {
  it('produces the reference first packet of "hello world\\n"', () => {
    const frame = encodePacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false, data: HELLO });
    expect(hex(frame)).toBe(
      `00 00 00 14 00 19 09 ${Z8} 11 ${Z8} 18 00 25 0c 00 00 00 f0 ff 72 92 ` +
        '68 65 6c 6c 6f 20 77 6f 72 6c 64 0a',
    );
  });

  it('produces the reference end-of-block packet', () => {
    const frame = encodeLastPacket(12, 1);
    expect(hex(frame)).toBe(
      '00 00 00 04 00 19 09 0c 00 00 00 00 00 00 00 11 01 00 00 00 00 00 00 00 18 01 25 00 00 00 00',
    );
  });

  it('writes syncBlock only when set', () => {
    const frame = encodePacket({
      offsetInBlock: 0,
      seqno: 3,
      lastPacketInBlock: false,
      syncBlock: true,
      data: HELLO,
    });
    expect(frame.readUInt16BE(4)).toBe(27);
    expect(hex(frame.subarray(6 + 25, 6 + 27))).toBe('28 01');
    expect(decodePacket(frame).header.syncBlock).toBe(true);
  });

  it('uses given checksums as they are and rejects a wrong count', () => {
    const sums = Buffer.from('deadbeef', 'hex');
    const frame = encodePacket({
      offsetInBlock: 0,
      seqno: 0,
      lastPacketInBlock: false,
      data: HELLO,
      checksums: sums,
    });
    expect(hex(decodePacket(frame).checksums)).toBe('de ad be ef');
    expect(() =>
      encodePacket({
        offsetInBlock: 0,
        seqno: 0,
        lastPacketInBlock: false,
        data: HELLO,
        checksums: Buffer.alloc(8),
      }),
    ).toThrow(/8 checksum bytes for 12 data bytes; expected 4/);
  });

  it('round-trips a full packet and a heartbeat (seqno -1)', () => {
    const data = Buffer.alloc(PACKET_DATA_BYTES, 0x5a);
    const frame = encodePacket({ offsetInBlock: 134_152_192, seqno: 2079, lastPacketInBlock: false, data });
    expect(frame.length).toBe(6 + 25 + 126 * 4 + 64512);
    const decoded = decodePacket(frame);
    expect(decoded.header).toEqual({
      offsetInBlock: 134_152_192,
      seqno: 2079,
      lastPacketInBlock: false,
      dataLen: 64512,
      syncBlock: false,
    });
    expect(decoded.checksums.equals(chunkChecksums(data))).toBe(true);
    expect(decoded.data.equals(data)).toBe(true);
    const hb = decodePacket(
      encodePacket({ offsetInBlock: 0, seqno: -1, lastPacketInBlock: false, data: Buffer.alloc(0) }),
    );
    expect(hb.header.seqno).toBe(-1);
    const far = encodePacket({ offsetInBlock: 2 ** 40 + 5, seqno: 7, lastPacketInBlock: false, data: HELLO });
    expect(far.subarray(7, 15).toString('hex')).toBe('0500000000010000');
    expect(decodePacket(far).header.offsetInBlock).toBe(2 ** 40 + 5);
  });

  it('writes into a reused frame buffer the same bytes as into a fresh one', () => {
    const reused = Buffer.alloc(PACKET_FRAME_BYTES_MAX, 0xee);
    const full = { offsetInBlock: 0, seqno: 3, lastPacketInBlock: false, syncBlock: true };
    const data = Buffer.alloc(PACKET_DATA_BYTES, 0x5a);
    const frame = encodePacket({ ...full, data }, reused);
    expect(frame.buffer).toBe(reused.buffer);
    expect(frame.length).toBe(PACKET_FRAME_BYTES_MAX);
    expect(frame.equals(encodePacket({ ...full, data }))).toBe(true);
    // A shorter packet into the same buffer leaves no byte of the longer one in its frame.
    const short = encodePacket({ ...full, seqno: 4, data: HELLO }, reused);
    expect(short.equals(encodePacket({ ...full, seqno: 4, data: HELLO }))).toBe(true);
    expect(decodePacket(short).data.toString()).toBe('hello world\n');
    // A buffer too small for the frame is not written: the frame gets its own.
    const small = Buffer.alloc(16);
    expect(encodePacket({ ...full, data }, small).buffer).not.toBe(small.buffer);
  });
});

describe('decodePacket rejects malformed frames', () => {
  const good = encodePacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false, data: HELLO });

  it('a frame whose length disagrees with PLEN/HLEN', () => {
    expect(() => decodePacket(good.subarray(0, good.length - 1))).toThrow(
      /frame is 46 bytes, its PLEN 20 and HLEN 25 say 47/,
    );
  });

  it('an oversize PLEN', () => {
    const bad = Buffer.from(good);
    bad.writeUInt32BE(0x7fffffff, 0);
    expect(() => decodePacket(bad)).toThrow(/at most 16777216 expected/);
  });

  it('an HLEN no PacketHeaderProto can have', () => {
    const bad = Buffer.from(good);
    bad.writeUInt16BE(300, 4);
    expect(() => decodePacket(bad)).toThrow(/HLEN is 300/);
  });

  it('a dataLen larger than PLEN allows', () => {
    const bad = Buffer.from(good);
    bad.writeInt32LE(100, 6 + 21);
    expect(() => decodePacket(bad)).toThrow(/dataLen 100 does not fit PLEN 20/);
  });

  it('a header missing a required field', () => {
    expect(() => decodePacketHeader(Buffer.from('0900000000000000001800', 'hex'))).toThrow(
      /required field hadoop.hdfs.PacketHeaderProto.seqno not set/,
    );
  });

  it('a header with a wrong wire type', () => {
    expect(() => decodePacketHeader(Buffer.from('0800', 'hex'))).toThrow(
      /not a hadoop.hdfs.PacketHeaderProto/,
    );
  });

  it('as MalformedFrameException', () => {
    expect(() => decodePacket(Buffer.alloc(3))).toThrow(
      expect.objectContaining({ errorClass: 'MalformedFrameException' }),
    );
  });
});

describe('pipeline acks', () => {
  it('encodes seqno as sint64, replies unpacked, flags packed, varint-delimited', () => {
    const frame = encodePipelineAck({ seqno: 1, replies: ['SUCCESS', 'SUCCESS', 'ERROR_CHECKSUM'] });
    expect(hex(frame)).toBe('0f 08 02 10 00 10 00 10 02 18 00 22 03 00 00 02');
    expect(decodePipelineAck(frame)).toEqual({
      seqno: 1,
      replies: ['SUCCESS', 'SUCCESS', 'ERROR_CHECKSUM'],
      downstreamAckTimeNanos: 0,
      flags: [0, 0, 2],
    });
  });

  it('carries the heartbeat seqno -1 and the downstream time', () => {
    const ack = decodePipelineAck(
      encodePipelineAck({ seqno: -1, replies: ['SUCCESS'], downstreamAckTimeNanos: 1234567 }),
    );
    expect(ack).toMatchObject({ seqno: -1, downstreamAckTimeNanos: 1234567 });
  });

  it('accepts packed replies and rejects unknown statuses and missing seqno', () => {
    expect(decodePipelineAckBody(Buffer.from('080412020001', 'hex')).replies).toEqual(['SUCCESS', 'ERROR']);
    expect(() => decodePipelineAckBody(Buffer.from('08041063', 'hex'))).toThrow(/unknown Status 99/);
    expect(() => decodePipelineAckBody(Buffer.from('1000', 'hex'))).toThrow(
      /required field hadoop.hdfs.PipelineAckProto.seqno not set/,
    );
    expect(() => decodePipelineAck(Buffer.from('0508', 'hex'))).toThrow(
      /length prefix says 5 bytes, 1 follow/,
    );
  });
});
