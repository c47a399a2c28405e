import { describe, expect, it } from 'vitest';
import {
  EditLogCorruptionError,
  PREALLOCATE_BYTES,
  decodeSegment,
  encodeEditsHeader,
  encodeOp,
  encodeSegment,
} from '../../cluster/namenode/editlog/codec.js';
import { NO_RPC_IDS, type EditLogOp } from '../../cluster/namenode/editlog/ops.js';
import { expectGolden, hexDump } from '../golden/golden.js';
import { everyOpKind, scriptedHistory } from '../golden/history.js';
import { segmentWithCorruptRecord } from './edit-record.js';

const bytes = (spaced: string): Buffer => Buffer.from(spaced.replace(/ /g, ''), 'hex');

describe('edit log framing (the bytes EditLogFileOutputStream writes)', () => {
  it('writes the -66 header', () => {
    expect(encodeEditsHeader()).toEqual(bytes('ff ff ff be 00 00 00 00'));
  });

  it.each<[string, EditLogOp, string]>([
    [
      'OP_START_LOG_SEGMENT',
      { op: 'OP_START_LOG_SEGMENT', txid: 1 },
      '18 00 00 00 0c 00 00 00 00 00 00 00 01 70 43 f0 b7',
    ],
    [
      'OP_END_LOG_SEGMENT',
      { op: 'OP_END_LOG_SEGMENT', txid: 2 },
      '17 00 00 00 0c 00 00 00 00 00 00 00 02 ce 3a 74 38',
    ],
    [
      'OP_ALLOCATE_BLOCK_ID',
      { op: 'OP_ALLOCATE_BLOCK_ID', txid: 3, blockId: 1073741825 },
      '20 00 00 00 14 00 00 00 00 00 00 00 03 00 00 00 00 40 00 00 01 67 0b 0a 8f',
    ],
    [
      'OP_SET_GENSTAMP_V2',
      { op: 'OP_SET_GENSTAMP_V2', txid: 4, genStamp: 1001 },
      '1f 00 00 00 14 00 00 00 00 00 00 00 04 00 00 00 00 00 00 03 e9 8d bb be e8',
    ],
    [
      'OP_ADD_BLOCK',
      {
        op: 'OP_ADD_BLOCK',
        txid: 5,
        path: '/f',
        blocks: [{ blockId: 1073741825, numBytes: 0, genStamp: 1001 }],
        rpcIds: NO_RPC_IDS,
      },
      // The reference lists a stray 41st byte (`40`) after the CRC; length 0x23 means 1 + 35 + 4 = 40 bytes.
      '21 00 00 00 23 00 00 00 00 00 00 00 05 00 02 2f 66 01 00 00 00 00 40 00 00 01 00 8e 03 e9 00 00 ff ff ff fe eb 58 03 f4',
    ],
  ])('encodes %s byte for byte', (_name, op, expected) => {
    expect(encodeOp(op).toString('hex')).toBe(bytes(expected).toString('hex'));
  });
});

describe('decodeSegment', () => {
  it('round-trips every op kind', () => {
    const ops = everyOpKind();
    const file = encodeSegment(ops);
    expect(decodeSegment(file)).toEqual({ layoutVersion: -66, ops, validBytes: file.length });
  });

  it('stops at the 0xFF preallocation padding', () => {
    const ops = scriptedHistory();
    const file = encodeSegment(ops);
    const padded = Buffer.concat([file, Buffer.alloc(PREALLOCATE_BYTES, 0xff)]);
    expect(decodeSegment(padded)).toEqual({ layoutVersion: -66, ops, validBytes: file.length });
  });

  it('reports a truncated last record as a torn tail, keeping the ops before it', () => {
    const ops = scriptedHistory();
    const file = encodeSegment(ops);
    const lastStart = file.length - encodeOp(ops[ops.length - 1] as EditLogOp).length;
    for (const cut of [1, 4, 9, 16]) {
      const decoded = decodeSegment(
        Buffer.concat([file.subarray(0, lastStart + cut), Buffer.alloc(4096, 0xff)]),
      );
      expect(decoded.ops).toEqual(ops.slice(0, -1));
      expect(decoded.validBytes).toBe(lastStart);
      expect(decoded.tornTail?.offset).toBe(lastStart);
    }
    const noPadding = decodeSegment(file.subarray(0, lastStart + 10));
    expect(noPadding.tornTail).toEqual({
      offset: lastStart,
      reason: 'OP_END_LOG_SEGMENT: truncated record (need 17 bytes, have 10)',
    });
  });

  it('reports a checksum failure in the last record as a torn tail', () => {
    const ops = scriptedHistory();
    const file = encodeSegment(ops);
    file[file.length - 1] = (file[file.length - 1] as number) ^ 0x01;
    const decoded = decodeSegment(file);
    expect(decoded.ops).toHaveLength(ops.length - 1);
    expect(decoded.tornTail?.reason).toMatch(
      /^OP_END_LOG_SEGMENT: checksum mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)$/,
    );
  });

  it('throws on a bad record that valid records follow, naming offset and txid', () => {
    const { file, offset } = segmentWithCorruptRecord(scriptedHistory(), 5); // txid 6, the first OP_ADD_BLOCK
    let caught: unknown;
    try {
      decodeSegment(file);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(EditLogCorruptionError);
    const err = caught as EditLogCorruptionError;
    expect(err.offset).toBe(offset);
    expect(err.txid).toBe(6);
    expect(err.message).toContain(
      `corrupt edit log record at offset ${offset} (txid 6): OP_ADD_BLOCK: checksum mismatch`,
    );
    expect(err.message).toContain('a valid record (txid 7) follows');
  });

  it('throws when data follows the OP_INVALID terminator', () => {
    const file = Buffer.concat([encodeSegment(scriptedHistory()), Buffer.from([0xff, 0xff, 0x18, 0x00])]);
    expect(() => decodeSegment(file)).toThrow(/data \(0x18\) at offset \d+ after the OP_INVALID terminator/);
  });

  it('rejects a short or flagged header', () => {
    expect(() => decodeSegment(Buffer.from([0xff, 0xff]))).toThrow(/header truncated: 2 of 8 bytes/);
    expect(() => decodeSegment(Buffer.from('ffffffbe00000001', 'hex'))).toThrow(/1 layout feature flags/);
  });

  it('keeps the scripted history byte-identical (golden hex dump)', () => {
    expectGolden('editlog-history.hex', hexDump(encodeSegment(scriptedHistory())));
  });
});
