import { describe, expect, it } from 'vitest';
import { chunkChecksums, crc32, crc32c, verifyChunkChecksums } from '../../cluster/common/crc.js';

describe('crc32c / crc32', () => {
  it('passes the reference self-tests', () => {
    expect(crc32c('123456789')).toBe(0xe3069283);
    expect(crc32c(Buffer.from('hello world\n'))).toBe(0xf0ff7292);
    expect(crc32('123456789')).toBe(0xcbf43926);
  });

  it('continues over split input from a previous result', () => {
    expect(crc32c('6789', crc32c('12345'))).toBe(0xe3069283);
  });
});

describe('chunkChecksums', () => {
  it('writes one big-endian CRC per 512-byte chunk, the last one short', () => {
    const data = Buffer.alloc(1000, 0x61);
    const sums = chunkChecksums(data);
    expect(sums.length).toBe(8);
    expect(sums.readUInt32BE(0)).toBe(crc32c(data.subarray(0, 512)));
    expect(sums.readUInt32BE(4)).toBe(crc32c(data.subarray(512)));
  });

  it('is empty for empty data', () => {
    expect(chunkChecksums(Buffer.alloc(0)).length).toBe(0);
  });

  it('honours another bytesPerChecksum', () => {
    expect(chunkChecksums(Buffer.alloc(100), 10).length).toBe(40);
  });

  it('rejects a non-positive bytesPerChecksum', () => {
    expect(() => chunkChecksums(Buffer.alloc(10), 0)).toThrow(/positive integer/);
  });
});

describe('verifyChunkChecksums', () => {
  const data = Buffer.from(Array.from({ length: 2000 }, (_, i) => i & 0xff));

  it('returns -1 when every chunk matches', () => {
    expect(verifyChunkChecksums(data, chunkChecksums(data), 512)).toBe(-1);
  });

  it('returns the index of the first corrupted chunk', () => {
    const sums = chunkChecksums(data);
    const bad = Buffer.from(data);
    bad[1500] = (bad[1500] as number) ^ 1;
    expect(verifyChunkChecksums(bad, sums, 512)).toBe(2);
  });

  it('treats a chunk without a checksum (or a checksum without a chunk) as bad', () => {
    const sums = chunkChecksums(data);
    expect(verifyChunkChecksums(data, sums.subarray(0, 8), 512)).toBe(2);
    expect(verifyChunkChecksums(data.subarray(0, 1024), sums, 512)).toBe(2);
  });

  it('rejects checksum bytes that are not whole uint32s', () => {
    expect(() => verifyChunkChecksums(data, Buffer.alloc(5), 512)).toThrow(/multiple of 4/);
  });
});
