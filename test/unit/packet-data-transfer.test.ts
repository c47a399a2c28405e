/**
 * DataTransferProtocol's ops, responses, packets and acks against the worked bytes of
 * the real Go client's and a Java DataNode's encodings (datatransfer.proto).
 */
import { describe, expect, it } from 'vitest';
import {
  DATA_TRANSFER_VERSION,
  decodeBlockOpResponse,
  decodeClientReadStatus,
  decodeOpRequest,
  encodeBlockOpResponse,
  encodeClientReadStatus,
  encodeOpRequest,
  opIdToTraceInfo,
  OP_CODES,
  traceInfoToOpId,
  mirrorWriteBlock,
  type OpWriteBlock,
} from '../../cluster/protocol/data-transfer.js';
import { writeBlockOp } from '../../cluster/client/block-writer.js';
import type { DatanodeId } from '../../cluster/protocol/types.js';
import {
  ackFlag,
  decodePacket,
  decodePipelineAck,
  encodePacket,
  encodePipelineAck,
  OOB_SEQNO,
  oobStatusOf,
  parseAckFlag,
} from '../../cluster/protocol/packet.js';
import { RESTART_OOB_REPLIES } from '../../cluster/datanode/receive-plan.js';
import { OP_BODY_BYTES_MAX } from '../../cluster/protocol/limits.js';

const bytes = (spaced: string): Buffer => Buffer.from(spaced.replace(/\s+/g, ''), 'hex');
const hex = (b: Buffer): string => b.toString('hex').replace(/(..)(?!$)/g, '$1 ');
const ascii = (text: string): string => hex(Buffer.from(text, 'ascii'));

// The Go client's WRITE_BLOCK for blk_1073741825_1001 in pool BP-1 (80 bytes).
const BLOCK = '0a 11 0a 04 ' + ascii('BP-1') + ' 10 81 80 80 80 04 18 e9 07 20 00';
const EMPTY_TOKEN = '12 08 0a 00 12 00 1a 00 22 00';
const GO_WRITE_BLOCK = bytes(
  '00 1c 50 4c 0a 39 0a 1d ' +
    BLOCK +
    ' ' +
    EMPTY_TOKEN +
    ' 12 18 ' +
    ascii('go-hdfs-0123456789abcdef') +
    ' 20 06 28 00 30 00 38 00 40 00 4a 05 08 01 10 80 04',
);

const GO_WRITE: OpWriteBlock = {
  header: {
    block: { poolId: 'BP-1', blockId: 1073741825, genStamp: 1001, numBytes: 0 },
    clientName: 'go-hdfs-0123456789abcdef',
  },
  targets: [],
  stage: 'PIPELINE_SETUP_CREATE',
  pipelineSize: 0,
  minBytesRcvd: 0,
  maxBytesRcvd: 0,
  latestGenerationStamp: 0,
  requestedChecksum: { type: 'CRC32', bytesPerChecksum: 512 },
  storageId: '',
  targetStorageIds: [],
  pinning: false,
  targetPinnings: [],
};

/** What Sender.writeBlock writes after requestedChecksum (fields 10-17), as a Java writer sends them. */
const javaTail = (storage: { id: string; targets: string[]; pinnings: boolean[] }): string =>
  [
    '52 00', // cachingStrategy: DFSClient's default sets neither readahead nor dropBehind
    '58 01', // storageType DISK
    ...storage.targets.map(() => '60 01'), // targetStorageTypes, one DISK per downstream target
    '68 00', // allowLazyPersist false
    '70 00', // pinning false
    // targetPinnings: a writer without favored nodes sends [false] (PBHelperClient.convert(null, 1))
    ...storage.pinnings.map((p) => (p ? '78 01' : '78 00')), // targetPinnings
    ...(storage.id ? [`82 01 ${hex(Buffer.from([storage.id.length]))} ${ascii(storage.id)}`] : []),
    ...storage.targets.map((t) => `8a 01 ${hex(Buffer.from([t.length]))} ${ascii(t)}`),
  ].join(' ');

describe('op requests', () => {
  it("decode the Go client's WRITE_BLOCK; sent on, it carries Sender.writeBlock's fields 10-17", () => {
    expect(GO_WRITE_BLOCK.length).toBe(80);
    expect(decodeOpRequest(GO_WRITE_BLOCK)).toEqual({ op: 'WRITE_BLOCK', body: GO_WRITE });
    const sent = encodeOpRequest('WRITE_BLOCK', GO_WRITE);
    // Go sends no pinnings, so a DataNode forwards none (PBHelperClient.convert([], 1)).
    const tail = javaTail({ id: '', targets: [], pinnings: [] });
    expect(hex(sent.subarray(4))).toBe(`${hex(GO_WRITE_BLOCK.subarray(4))} ${tail}`);
    expect(sent[3]).toBe(GO_WRITE_BLOCK[3]! + bytes(tail).length);
  });

  it("a client's WRITE_BLOCK is DataStreamer's: block size in the header, latestGenerationStamp 0, storage ids", () => {
    const target = (n: number): DatanodeId => ({
      name: `dn${n}`,
      datanodeUuid: `uuid-${n}`,
      storageId: `DS-${n}`,
      ipAddr: `127.0.1.${n}`,
      hostName: `dn${n}`,
      xferPort: 9866,
      infoPort: 9864,
      ipcPort: 0,
    });
    const op = writeBlockOp({
      selfId: 'client',
      journal: undefined as never,
      targets: [1, 2, 3].map((n) => ({ ...target(n), location: '/rack1' })),
      poolId: 'BP-1',
      block: { blockId: 1073741825, genStamp: 1001 },
      headerBytes: 134_217_728,
      clientName: 'DFSClient_NONMAPREDUCE_1_1',
    });
    expect(op).toMatchObject({
      header: { block: { poolId: 'BP-1', blockId: 1073741825, genStamp: 1001, numBytes: 134_217_728 } },
      stage: 'PIPELINE_SETUP_CREATE',
      pipelineSize: 3,
      minBytesRcvd: 0,
      maxBytesRcvd: 0,
      latestGenerationStamp: 0,
      requestedChecksum: { type: 'CRC32C', bytesPerChecksum: 512 },
      storageId: 'DS-1',
      targetStorageIds: ['DS-2', 'DS-3'],
      pinning: false,
      targetPinnings: [false],
    });
    expect(op.targets.map((t) => [t.ipAddr, t.location])).toEqual([
      ['127.0.1.2', '/rack1'],
      ['127.0.1.3', '/rack1'],
    ]);
    const sent = encodeOpRequest('WRITE_BLOCK', op);
    expect(hex(sent)).toContain(
      `4a 05 08 02 10 80 04 ${javaTail({ id: 'DS-1', targets: ['DS-2', 'DS-3'], pinnings: [false] })}`,
    );
    expect(sent.toString('latin1')).toContain('/rack1');
    expect(decodeOpRequest(sent).body).toMatchObject({
      header: op.header,
      storageId: 'DS-1',
      targetStorageIds: ['DS-2', 'DS-3'],
      targetPinnings: [false],
    });

    // DataXceiver.writeBlock's op to its mirror: the next DataNode becomes the receiver.
    expect(mirrorWriteBlock(op)).toMatchObject({
      storageId: 'DS-2',
      targetStorageIds: ['DS-3'],
      pinning: false,
      targetPinnings: [],
    });
    expect(mirrorWriteBlock(op).targets.map((t) => t.ipAddr)).toEqual(['127.0.1.3']);

    // A DataNode's copy (DataTransfer): pipelineSize, min/maxBytesRcvd and latestGenerationStamp 0.
    const copy = writeBlockOp({
      selfId: 'dn1',
      journal: undefined as never,
      targets: [target(2)],
      poolId: 'BP-1',
      block: { blockId: 1073741825, genStamp: 1001 },
      headerBytes: 4096,
      clientName: '',
      source: target(1),
      resume: { ackedBytes: 4096, offset: 4096, nextSeqno: 0, frames: [] },
    });
    expect(copy).toMatchObject({
      pipelineSize: 0,
      minBytesRcvd: 0,
      maxBytesRcvd: 0,
      latestGenerationStamp: 0,
    });
    expect(copy.header.block.numBytes).toBe(4096);
  });

  it("decode the Go client's READ_BLOCK and BLOCK_CHECKSUM", () => {
    const header = '0a 1d 0a 11 0a 04 ' + ascii('BP-1') + ' 10 81 80 80 80 04 18 e9 07 20 04 ' + EMPTY_TOKEN;
    const read = bytes(`00 1c 51 3f 0a 39 ${header} 12 18 ${ascii('go-hdfs-0123456789abcdef')} 10 00 18 04`);
    expect(read.length).toBe(67);
    expect(decodeOpRequest(read)).toEqual({
      op: 'READ_BLOCK',
      body: {
        header: {
          block: { poolId: 'BP-1', blockId: 1073741825, genStamp: 1001, numBytes: 4 },
          clientName: 'go-hdfs-0123456789abcdef',
        },
        offset: 0,
        len: 4,
        sendChecksums: true,
      },
    });
    // An observed request had a longer pool id (0a 29 0a 1d …); with BP-1 the same layout is 31 bytes.
    const checksum = bytes(`00 1c 55 1f ${header}`);
    expect(decodeOpRequest(checksum)).toEqual({
      op: 'BLOCK_CHECKSUM',
      body: { header: { block: { poolId: 'BP-1', blockId: 1073741825, genStamp: 1001, numBytes: 4 } } },
    });
    expect(hex(encodeOpRequest('BLOCK_CHECKSUM', { header: { block: GO_WRITE.header.block } }))).toBe(
      hex(bytes(`00 1c 55 1f ${header.replace('20 04', '20 00')}`)),
    );
  });

  it('use the Hadoop op codes and version 28', () => {
    expect(DATA_TRANSFER_VERSION).toBe(28);
    expect(OP_CODES).toEqual({
      WRITE_BLOCK: 80,
      READ_BLOCK: 81,
      READ_METADATA: 82,
      REPLACE_BLOCK: 83,
      COPY_BLOCK: 84,
      BLOCK_CHECKSUM: 85,
      TRANSFER_BLOCK: 86,
    });
  });

  it('carry targets, source and the recovery stages', () => {
    const op: OpWriteBlock = {
      ...GO_WRITE,
      header: { ...GO_WRITE.header, clientName: '' },
      targets: [{ name: '127.0.1.2:9866', ipAddr: '127.0.1.2', xferPort: 9866 }],
      source: { name: '127.0.1.1:9866', ipAddr: '127.0.1.1', xferPort: 9866 },
      stage: 'PIPELINE_SETUP_STREAMING_RECOVERY',
      minBytesRcvd: 65536,
      maxBytesRcvd: 131072,
      latestGenerationStamp: 1002,
    };
    const decoded = decodeOpRequest(encodeOpRequest('WRITE_BLOCK', op));
    expect(decoded.op).toBe('WRITE_BLOCK');
    expect(decoded.body).toMatchObject({
      ...op,
      targets: [{ ipAddr: '127.0.1.2', xferPort: 9866 }],
      source: { ipAddr: '127.0.1.1', xferPort: 9866 },
    });
  });

  it('carry REPLACE_BLOCK and COPY_BLOCK', () => {
    const block = { poolId: 'BP-1', blockId: 1073741830, genStamp: 1005, numBytes: 1024 };
    const source = { name: '127.0.1.3:9866', ipAddr: '127.0.1.3', xferPort: 9866 };
    expect(
      decodeOpRequest(encodeOpRequest('REPLACE_BLOCK', { header: { block }, delHint: 'uuid-1', source })),
    ).toMatchObject({ op: 'REPLACE_BLOCK', body: { header: { block }, delHint: 'uuid-1', source } });
    const copy = encodeOpRequest('COPY_BLOCK', { header: { block } });
    expect(copy[2]).toBe(84);
    expect(decodeOpRequest(copy)).toEqual({ op: 'COPY_BLOCK', body: { header: { block } } });
  });

  it('carry the lab operation id in HDFS trace ids, and only ids of its shape', () => {
    for (const id of [
      'put-12345-7',
      'copyFromLocal-4194303-1073741823',
      'transfer-1073741825',
      'balancer-4242-3',
      // A DataNode's WebHDFS write: its pipeline carries the id too.
      'webhdfsCreate-4194303-1',
      'webhdfsAppend-1-2',
    ]) {
      const trace = opIdToTraceInfo(id);
      expect(trace).toBeDefined();
      expect(traceInfoToOpId(trace!)).toBe(id);
      const op = { ...GO_WRITE, header: { ...GO_WRITE.header, opId: id } };
      expect(decodeOpRequest(encodeOpRequest('WRITE_BLOCK', op)).body).toMatchObject({
        header: { opId: id },
      });
    }
    expect(opIdToTraceInfo('Put 1')).toBeUndefined();
    // HTrace ids a real client might send are not mistaken for lab operations.
    expect(traceInfoToOpId({ traceId: 0x1234_5678_9abc_def0n, parentId: 1n })).toBeUndefined();
  });

  it('reject a wrong version, an unknown op, a bad length, bad protobuf and missing required fields', () => {
    const v27 = Buffer.from(GO_WRITE_BLOCK);
    v27.writeUInt16BE(27, 0);
    expect(() => decodeOpRequest(v27)).toThrow(/Version Mismatch \(Expected: 28, Received: 27 \)/);
    const op99 = Buffer.from(GO_WRITE_BLOCK);
    op99[2] = 99;
    expect(() => decodeOpRequest(op99)).toThrow(
      /unknown DataTransferProtocol op code 99; expected one of 80 WRITE_BLOCK/,
    );
    expect(() => decodeOpRequest(GO_WRITE_BLOCK.subarray(0, 79))).toThrow(
      /length prefix says 76 bytes, 75 bytes follow/,
    );
    expect(() => decodeOpRequest(bytes('00 1c 51 03 61 62 63'))).toThrow(
      /READ_BLOCK body: not a hadoop.hdfs.OpReadBlockProto/,
    );
    // OpReadBlockProto with only offset and len: the header is required.
    expect(() => decodeOpRequest(bytes('00 1c 51 04 10 00 18 04'))).toThrow(
      expect.objectContaining({
        errorClass: 'MalformedFrameException',
        message: expect.stringMatching(/required field hadoop.hdfs.OpReadBlockProto.header not set/),
      }),
    );
    // A WRITE_BLOCK whose block lacks its pool id, deep inside the header.
    const noPool = bytes(
      '00 1c 50 1b 0a 0f 0a 0b 0a 09 10 01 18 01 12 00 1a 00 22 00 12 00 20 06 28 00 30 00 38 00 40 00',
    );
    noPool[3] = noPool.length - 4;
    expect(() => decodeOpRequest(noPool)).toThrow(/required field/);
  });

  it('refuse a uint64 a JS number cannot hold instead of rounding it', () => {
    const big = Buffer.from(GO_WRITE_BLOCK);
    // blockId 1073741825 → 2^63 + 1 (ten-byte varint) would change lengths; patch genstamp's
    // two-byte varint e9 07 into a longer one by re-encoding instead.
    const op = { ...GO_WRITE, minBytesRcvd: 0 };
    const frame = encodeOpRequest('WRITE_BLOCK', op);
    const at = frame.indexOf(bytes('30 00'));
    const patched = Buffer.concat([
      frame.subarray(0, at),
      bytes('30 ff ff ff ff ff ff ff ff 7f'),
      frame.subarray(at + 2),
    ]);
    patched[3] = patched.length - 4;
    expect(big.length).toBe(80);
    expect(() => decodeOpRequest(patched)).toThrow(
      /minBytesRcvd 9223372036854775807 is outside 0\.\.2\^53-1/,
    );
  });

  it("check the block's ids at the boundary, before they can name a file", () => {
    const withBlock = (patch: object): Buffer =>
      encodeOpRequest('WRITE_BLOCK', {
        ...GO_WRITE,
        header: { ...GO_WRITE.header, block: { ...GO_WRITE.header.block, ...patch } },
      });
    expect(() => decodeOpRequest(withBlock({ poolId: 'BP-1/../../../.ssh' }))).toThrow(
      expect.objectContaining({
        errorClass: 'MalformedFrameException',
        message: expect.stringMatching(/^WRITE_BLOCK body header\.block\.poolId: block pool id must be BP-/),
      }),
    );
    expect(() => decodeOpRequest(withBlock({ blockId: 2 ** 60 }))).toThrow(
      /header\.block\.blockId: block id 1152921504606846976 is a valid uint64 but beyond 2\^53 - 1/,
    );
  });

  it('limit the body to OP_BODY_BYTES_MAX both ways', () => {
    const huge = { ...GO_WRITE, header: { ...GO_WRITE.header, clientName: 'x'.repeat(OP_BODY_BYTES_MAX) } };
    expect(() => encodeOpRequest('WRITE_BLOCK', huge)).toThrow(
      /WRITE_BLOCK body is \d+ bytes; at most 65536/,
    );
    expect(() => decodeOpRequest(bytes('00 1c 50 80 80 80 01'))).toThrow(
      expect.objectContaining({
        errorClass: 'MalformedFrameException',
        message: expect.stringMatching(/2097152 bytes/),
      }),
    );
  });
});

describe('responses', () => {
  it("answer WRITE_BLOCK with a Java DataNode's exact 5 bytes", () => {
    const frame = encodeBlockOpResponse({ status: 'SUCCESS', firstBadLink: '' });
    expect(hex(frame)).toBe('04 08 00 12 00');
    expect(decodeBlockOpResponse(frame)).toEqual({ status: 'SUCCESS', firstBadLink: '' });
  });

  it('answer READ_BLOCK with the checksum and chunk offset', () => {
    const frame = encodeBlockOpResponse({
      status: 'SUCCESS',
      readOpChecksumInfo: { checksum: { type: 'CRC32C', bytesPerChecksum: 512 }, chunkOffset: 0 },
    });
    // A Java DataNode's answer also carries firstBadLink ""; without it the message is the same less 2 bytes.
    const reference = bytes('0d 08 00 22 09 0a 05 08 02 10 80 04 10 00');
    expect(decodeBlockOpResponse(reference)).toEqual({
      status: 'SUCCESS',
      readOpChecksumInfo: { checksum: { type: 'CRC32C', bytesPerChecksum: 512 }, chunkOffset: 0 },
    });
    expect(decodeBlockOpResponse(frame)).toEqual(decodeBlockOpResponse(reference));
    expect(frame.length).toBeGreaterThanOrEqual(5);
  });

  it('answer BLOCK_CHECKSUM as a Java DataNode does', () => {
    const md5 = bytes('41 64 ee 7e 8e 75 c8 c5 6e 17 a5 0c 5e f3 71 b9');
    const frame = encodeBlockOpResponse({
      status: 'SUCCESS',
      checksumResponse: { bytesPerCrc: 512, crcPerBlock: 1, blockChecksum: md5, crcType: 'CRC32C' },
    });
    expect(hex(frame)).toBe(
      '1d 08 00 1a 19 08 80 04 10 01 1a 10 41 64 ee 7e 8e 75 c8 c5 6e 17 a5 0c 5e f3 71 b9 20 02',
    );
  });

  it('round-trip an error and a ClientReadStatus', () => {
    const resp = { status: 'ERROR' as const, firstBadLink: '127.0.0.1:9867', message: 'connect refused' };
    expect(decodeBlockOpResponse(encodeBlockOpResponse(resp))).toEqual(resp);
    const ok = encodeClientReadStatus({ status: 'CHECKSUM_OK' });
    expect(hex(ok)).toBe('02 08 06');
    expect(decodeClientReadStatus(ok)).toEqual({ status: 'CHECKSUM_OK' });
  });

  it('reject a response without its status', () => {
    expect(() => decodeBlockOpResponse(bytes('02 12 00'))).toThrow(
      /required field hadoop.hdfs.BlockOpResponseProto.status not set/,
    );
  });
});

describe('packets and acks on the wire', () => {
  it('are the Go writer\'s "bar\\n" packet, end-of-block packet and heartbeat', () => {
    const bar = bytes(
      '00 00 00 0c 00 19 09 00 00 00 00 00 00 00 00 11 01 00 00 00 00 00 00 00 18 00 25 04 00 00 00 04 a2 b3 e9 62 61 72 0a',
    );
    const frame = encodePacket({
      offsetInBlock: 0,
      seqno: 1,
      lastPacketInBlock: false,
      data: Buffer.from('bar\n'),
      checksumType: 'CRC32',
    });
    expect(hex(frame)).toBe(hex(bar));
    expect(decodePacket(bar).header).toEqual({
      offsetInBlock: 0,
      seqno: 1,
      lastPacketInBlock: false,
      dataLen: 4,
      syncBlock: false,
    });
    const last = bytes(
      '00 00 00 04 00 19 09 04 00 00 00 00 00 00 00 11 02 00 00 00 00 00 00 00 18 01 25 00 00 00 00',
    );
    expect(decodePacket(last).header).toMatchObject({
      offsetInBlock: 4,
      seqno: 2,
      lastPacketInBlock: true,
      dataLen: 0,
    });
    const heartbeat = bytes(
      '00 00 00 04 00 19 09 00 00 00 00 00 00 00 00 11 ff ff ff ff ff ff ff ff 18 00 25 00 00 00 00',
    );
    expect(decodePacket(heartbeat).header).toMatchObject({ seqno: -1, dataLen: 0 });
  });

  it("is a Java DataNode's first read packet with CRC32C", () => {
    const frame = encodePacket({
      offsetInBlock: 0,
      seqno: 0,
      lastPacketInBlock: false,
      data: Buffer.from('bar\n'),
    });
    expect(hex(frame)).toBe(
      hex(
        bytes(
          '00 00 00 0c 00 19 09 0000000000000000 11 0000000000000000 18 00 25 04 00 00 00 fb 1d 06 c8 62 61 72 0a',
        ),
      ),
    );
  });

  it('acks as a Java DataNode does: 10 bytes for seqno 1, one DataNode', () => {
    const frame = encodePipelineAck({ seqno: 1, replies: ['SUCCESS'] });
    expect(hex(frame)).toBe('09 08 02 10 00 18 00 22 01 00');
    expect(decodePipelineAck(bytes('04 08 02 10 00'))).toMatchObject({ seqno: 1, replies: ['SUCCESS'] });
    expect(decodePipelineAck(encodePipelineAck({ seqno: -1, replies: ['SUCCESS'] })).seqno).toBe(-1);
  });

  it("sends a restart's out-of-band ack as BlockReceiver.sendOOB does: seqno -2 (zigzag 03), OOB_RESTART (8)", () => {
    const frame = encodePipelineAck({ seqno: OOB_SEQNO, replies: [...RESTART_OOB_REPLIES] });
    expect(hex(frame)).toBe('09 08 03 10 08 18 00 22 01 08');
    expect(oobStatusOf(decodePipelineAck(frame))).toBe('OOB_RESTART');
    // Relayed by a DataNode upstream of the restarting one: its SUCCESS first.
    expect(oobStatusOf({ seqno: OOB_SEQNO, replies: ['SUCCESS', 'OOB_RESTART'] })).toBe('OOB_RESTART');
    // PipelineAck.getOOBStatus: only an ack with the unknown seqno is out of band.
    expect(oobStatusOf({ seqno: 7, replies: ['OOB_RESTART'] })).toBeNull();
    expect(oobStatusOf({ seqno: OOB_SEQNO, replies: ['SUCCESS'] })).toBeNull();
  });

  it('packs status, ECN and SLOW into an ack flag', () => {
    expect(ackFlag({ status: 'ERROR_CHECKSUM' })).toBe(2);
    expect(ackFlag({ status: 'SUCCESS', ecn: 'CONGESTED' })).toBe(0b110_0000);
    expect(ackFlag({ status: 'ERROR', slow: 'SLOW' })).toBe(0b1000_0001);
    expect(parseAckFlag(0b1010_0001)).toEqual({ status: 'ERROR', ecn: 'SUPPORTED', slow: 'SLOW' });
  });
});
