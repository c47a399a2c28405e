import { describe, expect, it } from 'vitest';
import {
  buildMeta,
  DEFAULT_CHECKSUM,
  encodeMetaHeader,
  lastChunkToCheck,
  META_HEADER_BYTES,
  metaLength,
  parseMeta,
  validatedRbwLength,
  verifyReplica,
} from '../../cluster/datanode/meta.js';

const hex = (b: Buffer): string => b.toString('hex').replace(/(..)(?!$)/g, '$1 ');
const HELLO = Buffer.from('hello world\n');

describe('.meta building', () => {
  it('produces the reference bytes for "hello world\\n"', () => {
    expect(hex(buildMeta(HELLO))).toBe('00 01 02 00 00 02 00 f0 ff 72 92');
  });

  it('encodes the 7-byte header', () => {
    expect(META_HEADER_BYTES).toBe(7);
    expect(hex(encodeMetaHeader({ type: 'CRC32C', bytesPerChecksum: 512 }))).toBe('00 01 02 00 00 02 00');
    expect(hex(encodeMetaHeader({ type: 'CRC32', bytesPerChecksum: 1024 }))).toBe('00 01 01 00 00 04 00');
  });

  it.each([
    [0, 7],
    [16, 11],
    [1000, 15],
    [280989, 2203],
  ])('a %d-byte block has a %d-byte .meta', (blockBytes, metaBytes) => {
    expect(metaLength(blockBytes)).toBe(metaBytes);
    expect(buildMeta(Buffer.alloc(blockBytes, 7)).length).toBe(metaBytes);
  });

  it('writes no checksums for the NULL type', () => {
    expect(hex(buildMeta(HELLO, { type: 'NULL', bytesPerChecksum: 512 }))).toBe('00 01 00 00 00 02 00');
  });
});

describe('parseMeta', () => {
  it('reads back what buildMeta wrote', () => {
    const parsed = parseMeta(buildMeta(HELLO));
    expect(parsed).toMatchObject({ version: 1, checksumType: 'CRC32C', bytesPerChecksum: 512 });
    expect(hex(parsed.checksums)).toBe('f0 ff 72 92');
  });

  it('rejects a short header with a message naming the fields', () => {
    expect(() => parseMeta(Buffer.from([0, 1, 2]))).toThrow(/3 bytes; its header needs 7/);
  });

  it('rejects an unknown version or checksum type', () => {
    expect(() => parseMeta(Buffer.from('00020200000200', 'hex'))).toThrow(/version is 2, expected 1/);
    expect(() => parseMeta(Buffer.from('00010400000200', 'hex'))).toThrow(/checksum type 4 is unknown/);
    expect(() => parseMeta(Buffer.from('00010200000000', 'hex'))).toThrow(/bytesPerChecksum is 0/);
  });

  it('rejects a torn checksum', () => {
    expect(() => parseMeta(Buffer.from('00010200000200f0ff72', 'hex'))).toThrow(
      /not a whole number of 4-byte/,
    );
  });

  it('throws an IOException RemoteError', () => {
    expect(() => parseMeta(Buffer.alloc(2))).toThrow(expect.objectContaining({ errorClass: 'IOException' }));
  });
});

describe('verifyReplica', () => {
  const data = Buffer.from(Array.from({ length: 1500 }, (_, i) => (i * 7) & 0xff));
  const meta = buildMeta(data);

  it('accepts an intact replica', () => {
    expect(verifyReplica(data, meta)).toEqual({ ok: true });
  });

  it('locates a flipped byte', () => {
    const bad = Buffer.from(data);
    bad[1100] = (bad[1100] as number) ^ 0x80;
    const verdict = verifyReplica(bad, meta);
    expect(verdict).toMatchObject({ ok: false, reason: 'checksum', chunkIndex: 2, offset: 1024 });
    if (verdict.ok) throw new Error('unreachable');
    expect(verdict.expected).toBe(meta.readUInt32BE(7 + 8));
    expect(verdict.actual).not.toBe(verdict.expected);
  });

  it('reports a truncated block file as a length failure', () => {
    expect(verifyReplica(data.subarray(0, 512), meta)).toEqual({
      ok: false,
      reason: 'length',
      chunkIndex: 1,
      offset: 512,
      expected: meta.readUInt32BE(11),
      actual: null,
    });
  });

  it('reports a truncated .meta file as a length failure', () => {
    expect(verifyReplica(data, meta.subarray(0, 11))).toMatchObject({
      ok: false,
      reason: 'length',
      chunkIndex: 1,
      expected: null,
    });
  });
});

describe('validateIntegrityAndSetLength (an rbw replica found at a DataNode restart)', () => {
  const data = Buffer.alloc(1000, 0x61);
  const meta = buildMeta(data); // 7 + 2 CRCs
  const lengthOf = (block: Buffer, stored: Buffer): number => {
    const chunk = lastChunkToCheck({
      blockBytes: block.length,
      metaBytes: stored.length,
      checksum: DEFAULT_CHECKSUM,
    });
    if (!chunk) return 0;
    return validatedRbwLength({
      chunk,
      data: block.subarray(chunk.start, chunk.start + chunk.bytes),
      storedCrc: stored.subarray(chunk.sumOffset, chunk.sumOffset + 4),
      checksum: DEFAULT_CHECKSUM,
    });
  };

  it('keeps every byte when the last chunk matches its CRC', () => {
    expect(
      lastChunkToCheck({ blockBytes: 1000, metaBytes: meta.length, checksum: DEFAULT_CHECKSUM }),
    ).toEqual({
      start: 512,
      bytes: 488,
      sumOffset: 11,
    });
    expect(lengthOf(data, meta)).toBe(1000);
  });

  it('counts only the chunks both files cover', () => {
    // The .meta lost its last CRC: one chunk is covered, and it matches.
    expect(lengthOf(data, meta.subarray(0, 11))).toBe(512);
    // Bytes past the last CRC: the last covered chunk grows past what its CRC was computed on.
    expect(lengthOf(Buffer.concat([data, Buffer.alloc(30, 0x62)]), meta)).toBe(512);
  });

  it('drops a last chunk whose bytes do not match, and has no byte without a CRC or data', () => {
    const torn = Buffer.from(data);
    torn[999] = 0x7a;
    expect(lengthOf(torn, meta)).toBe(512);
    expect(lengthOf(data, meta.subarray(0, META_HEADER_BYTES))).toBe(0);
    expect(lengthOf(Buffer.alloc(0), meta)).toBe(0);
  });
});
