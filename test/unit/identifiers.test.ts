import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../cluster/protocol/errors.js';
import {
  parseBlockId,
  parseBlockPoolId,
  parseBlockPoolName,
  parseDatanodeUuid,
  parseExtendedBlock,
  parseGenStamp,
  parseStorageId,
  parseTxId,
} from '../../cluster/protocol/identifiers.js';

// Expected shapes from a real NameNode's VERSION file and a DataNode's (Storage, DataStorage).
const BPID = 'BP-823583849-10.0.0.116-1736157598000';
const STORAGE_ID = 'DS-5ec2332c-eff2-4ead-8f36-0aaa5a01a31e';

function errorOf(body: () => unknown): RemoteError {
  try {
    body();
  } catch (err) {
    if (err instanceof RemoteError) return err;
    throw err;
  }
  throw new Error('expected a RemoteError');
}

describe('block ids and generation stamps (uint64 on the wire)', () => {
  it('accept a number (JSON) or a bigint (protobuf uint64) and give a number', () => {
    expect(parseBlockId(1073741825, 'op')).toBe(1073741825);
    expect(parseBlockId(1073741825n, 'op')).toBe(1073741825);
    expect(parseBlockId(0, 'op')).toBe(0);
    expect(parseGenStamp(1001n, 'op')).toBe(1001);
  });

  it('refuse a path-bearing string, naming the field and what arrived', () => {
    const err = errorOf(() => parseBlockId('../../../.bashrc', 'WRITE_BLOCK header.block.blockId'));
    expect(err.errorClass).toBe('IllegalArgumentException');
    expect(err.message).toBe(
      'WRITE_BLOCK header.block.blockId: block id must be an unsigned 64-bit integer (protobuf uint64), got string "../../../.bashrc"',
    );
    expect(() => parseBlockId('1073741825', 'op')).toThrow(/unsigned 64-bit integer/);
    expect(() => parseGenStamp(undefined, 'op')).toThrow(/got nothing \(field missing\)/);
    expect(() => parseGenStamp({ valueOf: () => 5 }, 'op')).toThrow(/unsigned 64-bit integer/);
  });

  it('refuse negative, fractional and out-of-range values', () => {
    expect(() => parseBlockId(-1, 'op')).toThrow(/outside the unsigned 64-bit range/);
    expect(() => parseBlockId(1.5, 'op')).toThrow(/unsigned 64-bit integer/);
    expect(() => parseBlockId(NaN, 'op')).toThrow(/unsigned 64-bit integer/);
    expect(() => parseBlockId(1n << 64n, 'op')).toThrow(/outside the unsigned 64-bit range/);
  });

  it('explain a legal uint64 the lab does not store (an erasure-coded group id)', () => {
    // -9223372036854775792 as a signed long is an EC block group id; on the wire it is this uint64.
    expect(() => parseBlockId(9223372036854775824n, 'op')).toThrow(/erasure-coded block group ids/);
    expect(parseBlockId(BigInt(Number.MAX_SAFE_INTEGER), 'op')).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('names', () => {
  it('block pool ids follow BP-<rand>-<ip>-<ms>', () => {
    expect(parseBlockPoolId(BPID, 'op')).toBe(BPID);
    for (const bad of ['../etc', `${BPID}/../x`, 'BP-1-10.0.0-1', `${BPID}x`, 'BP-1-10.0.0.1-', 5]) {
      expect(() => parseBlockPoolId(bad, 'op')).toThrow(/block pool id must look like BP-/);
    }
  });

  it('a pool id on the wire is at least one safe BP-… path component', () => {
    expect(parseBlockPoolName(BPID, 'op')).toBe(BPID);
    expect(parseBlockPoolName('BP-1', 'op')).toBe('BP-1'); // the short pool id the wire tests' byte examples use
    for (const bad of ['../etc', `${BPID}/../x`, 'BP-', 'BP-a/b', 'bp-1', `BP-${'1'.repeat(300)}`, 7]) {
      expect(() => parseBlockPoolName(bad, 'op')).toThrow(/block pool id must be BP-/);
    }
  });

  it('storage ids are DS-<uuid>, DataNode uuids are plain', () => {
    expect(parseStorageId(STORAGE_ID, 'op')).toBe(STORAGE_ID);
    expect(() => parseStorageId('DS-../../x', 'op')).toThrow(/storage id must be DS-<uuid>/);
    expect(() => parseStorageId(STORAGE_ID.slice(3), 'op')).toThrow(/storage id must be DS-<uuid>/);
    expect(parseDatanodeUuid(STORAGE_ID.slice(3), 'op')).toBe(STORAGE_ID.slice(3));
    expect(() => parseDatanodeUuid(STORAGE_ID, 'op')).toThrow(/plain uuid/);
  });

  it('transaction ids in file names are decimal digits', () => {
    expect(parseTxId('42', 'getimage txid')).toBe(42);
    expect(parseTxId(42, 'txid')).toBe(42);
    expect(() => parseTxId('../fsimage_1', 'getimage txid')).toThrow(
      'getimage txid: transaction id must be decimal digits, got string "../fsimage_1"',
    );
    expect(() => parseTxId('-1', 'txid')).toThrow(/decimal digits/);
  });
});

describe('an ExtendedBlock', () => {
  it('is checked field by field with the field path in the message', () => {
    expect(
      parseExtendedBlock({ poolId: BPID, blockId: 1073741825, genStamp: 1001, numBytes: 4 }, 'hdr.block'),
    ).toEqual({ poolId: BPID, blockId: 1073741825, genStamp: 1001, numBytes: 4 });
    expect(parseExtendedBlock({ poolId: BPID, blockId: 1n, genStamp: 2n }, 'b').numBytes).toBe(0);
    expect(() =>
      parseExtendedBlock({ poolId: BPID, blockId: '../../x', genStamp: 1001, numBytes: 0 }, 'hdr.block'),
    ).toThrow(/^hdr\.block\.blockId: block id must be/);
    expect(() => parseExtendedBlock(null, 'hdr.block')).toThrow(/an ExtendedBlock .* is expected, got null/);
  });
});
