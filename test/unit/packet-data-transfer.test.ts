import { describe, expect, it } from 'vitest';
import {
  DATA_TRANSFER_VERSION,
  decodeBlockOpResponse,
  decodeClientReadStatus,
  decodeOpRequest,
  encodeBlockOpResponse,
  encodeClientReadStatus,
  encodeOpRequest,
  OP_BODY_BYTES_MAX,
  OP_CODES,
  type OpWriteBlock,
} from '../../cluster/protocol/data-transfer.js';

const WRITE: OpWriteBlock = {
  header: {
    block: { poolId: 'BP-1-10.0.0.1-1', blockId: 1073741825, genStamp: 1001, numBytes: 0 },
    clientName: 'DFSClient_NONMAPREDUCE_1_1',
  },
  targets: [{ name: 'dn2', ipAddr: '127.0.0.1', xferPort: 9867 }],
  stage: 'PIPELINE_SETUP_CREATE',
  pipelineSize: 2,
  minBytesRcvd: 0,
  maxBytesRcvd: 0,
  latestGenerationStamp: 1001,
  requestedChecksum: { type: 'CRC32C', bytesPerChecksum: 512 },
};

describe('op requests', () => {
  it('frame as u16 version 28, u8 op, varint length, JSON', () => {
    const frame = encodeOpRequest('WRITE_BLOCK', WRITE);
    const json = JSON.stringify(WRITE);
    expect(DATA_TRANSFER_VERSION).toBe(28);
    expect(frame.subarray(0, 3).toString('hex')).toBe('001c50');
    // JSON longer than 127 bytes needs a two-byte varint.
    expect(frame[3]).toBe((json.length & 0x7f) | 0x80);
    expect(frame[4]).toBe(json.length >> 7);
    expect(frame.subarray(5).toString('utf8')).toBe(json);
    expect(decodeOpRequest(frame)).toEqual({ op: 'WRITE_BLOCK', body: WRITE });
  });

  it('uses the Hadoop op codes', () => {
    expect(OP_CODES).toEqual({
      WRITE_BLOCK: 80,
      READ_BLOCK: 81,
      READ_METADATA: 82,
      REPLACE_BLOCK: 83,
      COPY_BLOCK: 84,
      BLOCK_CHECKSUM: 85,
      TRANSFER_BLOCK: 86,
    });
    const read = encodeOpRequest('READ_BLOCK', {
      header: WRITE.header,
      offset: 0,
      len: 12,
      sendChecksums: true,
    });
    expect(read[2]).toBe(81);
  });

  it('rejects a wrong version, an unknown op, a bad length and non-JSON', () => {
    const frame = encodeOpRequest('READ_BLOCK', {
      header: WRITE.header,
      offset: 0,
      len: 1,
      sendChecksums: true,
    });
    const v27 = Buffer.from(frame);
    v27.writeUInt16BE(27, 0);
    expect(() => decodeOpRequest(v27)).toThrow(/Version Mismatch \(Expected: 28, Received: 27 \)/);
    const op99 = Buffer.from(frame);
    op99[2] = 99;
    expect(() => decodeOpRequest(op99)).toThrow(
      /unknown DataTransferProtocol op code 99; expected one of 80 WRITE_BLOCK/,
    );
    expect(() => decodeOpRequest(frame.subarray(0, frame.length - 1))).toThrow(
      /length prefix says \d+ bytes, \d+ bytes follow/,
    );
    expect(() => decodeOpRequest(Buffer.from('001c5103616263', 'hex'))).toThrow(
      /READ_BLOCK body is not JSON/,
    );
    expect(() => decodeOpRequest(Buffer.from('001c51025b5d', 'hex'))).toThrow(/must be a JSON object/);
  });

  it('limits the body to OP_BODY_BYTES_MAX both ways', () => {
    const huge = { ...WRITE, source: 'x'.repeat(OP_BODY_BYTES_MAX) };
    expect(() => encodeOpRequest('WRITE_BLOCK', huge)).toThrow(
      /WRITE_BLOCK body is \d+ bytes; at most 65536/,
    );
    const announced = Buffer.from('001c5080808001', 'hex'); // varint 2 MiB
    expect(() => decodeOpRequest(announced)).toThrow(
      expect.objectContaining({
        errorClass: 'MalformedFrameException',
        message: expect.stringMatching(/2097152 bytes/),
      }),
    );
  });
});

describe('responses', () => {
  it('round-trip a BlockOpResponse as varint length + JSON', () => {
    const resp = { status: 'ERROR' as const, firstBadLink: '127.0.0.1:9867', message: 'connect refused' };
    const frame = encodeBlockOpResponse(resp);
    expect(frame[0]).toBe(frame.length - 1);
    expect(decodeBlockOpResponse(frame)).toEqual(resp);
  });

  it('round-trip a ClientReadStatus', () => {
    expect(decodeClientReadStatus(encodeClientReadStatus({ status: 'CHECKSUM_OK' }))).toEqual({
      status: 'CHECKSUM_OK',
    });
  });

  it('reject an unknown status', () => {
    const frame = Buffer.from('\x10{"status":"OKAY"}', 'latin1');
    frame[0] = frame.length - 1;
    expect(() => decodeBlockOpResponse(frame)).toThrow(/status is "OKAY"; expected a Status name/);
  });
});
