import { describe, expect, it } from 'vitest';
import { fromBinary } from '@bufbuild/protobuf';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { FileSummarySchema } from '../../cluster/protocol/gen/fsimage_pb.js';
import {
  IMAGE_SECTIONS,
  ImageFormatError,
  buildStringTable,
  decodeImage,
  encodeImage,
} from '../../cluster/namenode/fsimage/codec.js';
import { md5FileLine, md5Hex, parseMd5FileLine } from '../../cluster/namenode/fsimage/md5.js';
import { freshImage, scriptedImage } from '../golden/history.js';

/** Section names and [offset, end) as the FileSummary lists them. */
function summarySections(buf: Buffer): { name: string; offset: number; length: number }[] {
  const len = buf.readInt32BE(buf.length - 4);
  const body = new BinaryReader(buf.subarray(buf.length - 4 - len, buf.length - 4)).bytes();
  return fromBinary(FileSummarySchema, body).sections.map((s) => ({
    name: s.name,
    offset: Number(s.offset),
    length: Number(s.length),
  }));
}

describe('fsimage protobuf codec', () => {
  it('round-trips the scripted image and a fresh one', () => {
    for (const image of [scriptedImage(), freshImage()])
      expect(decodeImage(encodeImage(image))).toEqual(image);
  });

  it('lays out HDFSIMG1, contiguous sections in saver order, summary, 4-byte length', () => {
    const buf = encodeImage(scriptedImage());
    expect(buf.subarray(0, 8).toString('ascii')).toBe('HDFSIMG1');
    const sections = summarySections(buf);
    // SNAPSHOT_DIFF is written only when there are snapshots (FSImageFormatProtobuf.saveSnapshots).
    expect(sections.map((s) => s.name)).toEqual(IMAGE_SECTIONS.filter((n) => n !== 'SNAPSHOT_DIFF'));
    let offset = 8;
    for (const s of sections) {
      expect(s.offset).toBe(offset);
      offset += s.length;
    }
    expect(offset + buf.readInt32BE(buf.length - 4) + 4).toBe(buf.length);
    expect(sections.find((s) => s.name === 'INODE_REFERENCE')?.length).toBe(0);
  });

  it('stores the layout version as uint32 and permissions as user<<40 | group<<16 | mode', () => {
    const image = scriptedImage();
    expect(Object.fromEntries(buildStringTable(image))).toEqual({
      student: 1,
      supergroup: 2,
      hbase: 3,
      hadoop: 4,
    });
    const buf = encodeImage(image);
    // The root's directory permission: fixed64 field 4 inside the directory message.
    const expected = Buffer.alloc(8);
    expected.writeBigUInt64LE((1n << 40n) | (2n << 16n) | 0o755n);
    expect(buf.includes(Buffer.concat([Buffer.from([0x21]), expected]))).toBe(true);
    const summaryStart = buf.length - 4 - buf.readInt32BE(buf.length - 4);
    expect(buf.subarray(summaryStart, summaryStart + 10).toString('hex')).toContain('0801' + '10beffffff0f'); // ondiskVersion 1, layoutVersion 4294967230
  });

  it('refuses files that are not images, with a message saying what was expected', () => {
    const good = encodeImage(freshImage());
    expect(() => decodeImage(Buffer.from('HDFSIMG2' + 'x'.repeat(20)))).toThrow(
      /expected magic "HDFSIMG1", found "HDFSIMG2"/,
    );
    expect(() => decodeImage(good.subarray(0, 10))).toThrow(ImageFormatError);
    const badLength = Buffer.from(good);
    badLength.writeInt32BE(good.length, good.length - 4);
    expect(() => decodeImage(badLength)).toThrow(/summary length \d+ \(last 4 bytes\) does not fit/);
    expect(() => decodeImage(good.subarray(0, good.length - 1))).toThrow(ImageFormatError);
  });
});

describe('fsimage .md5', () => {
  it('hashes the whole file and writes the MD5FileUtils line', () => {
    expect(md5Hex(Buffer.from('abc'))).toBe('900150983cd24fb0d6963f7d28e17f72');
    const line = md5FileLine('900150983cd24fb0d6963f7d28e17f72', 'fsimage_0000000000000000000');
    expect(line).toBe('900150983cd24fb0d6963f7d28e17f72 *fsimage_0000000000000000000\n');
    expect(parseMd5FileLine(line)).toEqual({
      hex: '900150983cd24fb0d6963f7d28e17f72',
      fileName: 'fsimage_0000000000000000000',
    });
    expect(() => parseMd5FileLine('XYZ *fsimage_1\n')).toThrow(/invalid MD5 file/);
  });
});
