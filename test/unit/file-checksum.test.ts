/**
 * HDFS's MD5-of-MD5-of-CRC file checksum against a value a real HDFS computed (MD5MD5CRC32FileChecksum)
 * ("bar\n" in one block: the value the Go client's own test expects) and Java's rules for
 * crcPerBlock and the zero-padded buffer.
 */
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chunkChecksums } from '../../cluster/common/crc.js';
import { fileChecksum, formatChecksumLine } from '../../cluster/client/file-checksum.js';

const md5 = (b: Buffer): Buffer => crypto.createHash('md5').update(b).digest();

describe('fileChecksum', () => {
  it('is HDFS\'s value for "bar\\n" with CRC32C, and with CRC32', () => {
    const crcC = chunkChecksums(Buffer.from('bar\n'), 512, 'CRC32C');
    expect(crcC.toString('hex')).toBe('fb1d06c8');
    const blockC = md5(crcC);
    expect(blockC.toString('hex')).toBe('4164ee7e8e75c8c56e17a50c5ef371b9');
    const c = fileChecksum([{ bytesPerCrc: 512, crcPerBlock: 1, blockChecksum: blockC, crcType: 'CRC32C' }]);
    expect(c?.md5.toString('hex')).toBe('27c076e4987344253650d3335a5d08ce');
    expect(c?.algorithmName).toBe('MD5-of-0MD5-of-512CRC32C');
    expect(c?.bytes.toString('hex')).toBe(
      '00000200' + '0000000000000000' + '27c076e4987344253650d3335a5d08ce',
    );
    const block32 = md5(chunkChecksums(Buffer.from('bar\n'), 512, 'CRC32'));
    const c32 = fileChecksum([
      { bytesPerCrc: 512, crcPerBlock: 1, blockChecksum: block32, crcType: 'CRC32' },
    ]);
    expect(c32?.md5.toString('hex')).toBe('9b4daa1f330d10a28cee3d5e48276a64');
    expect(c32?.algorithmName).toBe('MD5-of-0MD5-of-512CRC32');
  });

  it("takes crcPerBlock from the first block of a multi-block file and pads like Java's buffer", () => {
    const blocks = [1, 2, 3].map((i) => ({
      bytesPerCrc: 512,
      crcPerBlock: 2048,
      blockChecksum: md5(Buffer.from([i])),
      crcType: 'CRC32C' as const,
    }));
    const c = fileChecksum(blocks);
    expect(c?.algorithmName).toBe('MD5-of-2048MD5-of-512CRC32C');
    // 48 bytes of block MD5s outgrow the 32-byte buffer, which doubles to 64.
    const padded = Buffer.alloc(64);
    Buffer.concat(blocks.map((b) => b.blockChecksum)).copy(padded);
    expect(c?.md5).toEqual(md5(padded));
  });

  it('prints as hadoop fs -checksum does, NONE for a file without blocks', () => {
    expect(fileChecksum([])).toBeNull();
    expect(formatChecksumLine('/empty', null)).toBe('/empty\tNONE\t');
  });
});
