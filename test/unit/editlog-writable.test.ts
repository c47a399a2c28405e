import { describe, expect, it } from 'vitest';
import {
  BufferBuilder,
  CursorReader,
  bytesToUuid,
  decodeHadoopUtf8,
  decodeVLong,
  encodeHadoopUtf8,
  encodeVLong,
  uuidToBytes,
} from '../../cluster/namenode/editlog/writable.js';

const hex = (b: Buffer): string => b.toString('hex');

describe('Hadoop VLong (WritableUtils)', () => {
  it('encodes the reference examples', () => {
    expect(hex(encodeVLong(0))).toBe('00');
    expect(hex(encodeVLong(512))).toBe('8e0200');
    expect(hex(encodeVLong(1001))).toBe('8e03e9');
    expect(hex(encodeVLong(-1))).toBe('ff');
  });

  it('uses one byte for [-112, 127] and a marker byte outside it', () => {
    expect(hex(encodeVLong(127))).toBe('7f');
    expect(hex(encodeVLong(-112))).toBe('90');
    expect(hex(encodeVLong(128))).toBe('8f80');
    expect(hex(encodeVLong(-113))).toBe('8770'); // negative: marker -121, one's complement 112
    expect(hex(encodeVLong(134217728))).toBe('8c08000000');
  });

  it('round-trips edge values, including 64-bit extremes', () => {
    const values = [0n, 1n, -1n, 127n, 128n, -112n, -113n, 255n, 256n, 1073741825n, -134217728n];
    values.push(0x7fffffffffffffffn, -0x8000000000000000n);
    for (const v of values) {
      const bytes = encodeVLong(v);
      expect(decodeVLong(bytes)).toEqual({ value: v, bytes: bytes.length });
    }
  });

  it('throws a RangeError naming the field when truncated', () => {
    const r = new CursorReader(Buffer.from([0x8e, 0x03]));
    expect(() => r.vlong('numBytes delta')).toThrow(
      /truncated numBytes delta: need 2 byte\(s\) at offset 1, only 1 left/,
    );
  });
});

describe('BufferBuilder and CursorReader', () => {
  it('writes big-endian primitives and reads them back', () => {
    const buf = new BufferBuilder().byte(-1).bool(true).short(0o755).int(-2).long(1073741825).finish();
    expect(hex(buf)).toBe('ff' + '01' + '01ed' + 'fffffffe' + '0000000040000001');
    const r = new CursorReader(buf);
    expect([r.byte(), r.bool(), r.short(), r.int(), r.long()]).toEqual([-1, true, 0o755, -2, 1073741825]);
    expect(r.remaining).toBe(0);
  });

  it('writes UTF8 path strings with a u16 length and Text with a VInt length', () => {
    expect(hex(new BufferBuilder().utf8('/f').finish())).toBe('00022f66');
    expect(hex(new BufferBuilder().text('student').finish())).toBe(
      '07' + Buffer.from('student').toString('hex'),
    );
    const r = new CursorReader(new BufferBuilder().utf8('/données').text('grüppe').finish());
    expect([r.utf8(), r.text()]).toEqual(['/données', 'grüppe']);
  });

  it('writes characters outside the BMP as two 3-byte surrogates, like Hadoop UTF8', () => {
    const bytes = encodeHadoopUtf8('a😀');
    expect(bytes.length).toBe(1 + 6);
    expect(decodeHadoopUtf8(bytes)).toBe('a😀');
    expect(decodeHadoopUtf8(Buffer.from('a😀', 'utf8'))).toBe('a😀'); // 4-byte form is accepted too
  });

  it('refuses values that do not fit their field', () => {
    expect(() => new BufferBuilder().short(70000)).toThrow(RangeError);
    expect(() => new BufferBuilder().long(2 ** 60)).toThrow(/not a safe integer/);
    expect(() => new BufferBuilder().utf8('x'.repeat(70000))).toThrow(/exceeds the UTF8 limit/);
  });

  it('converts 16-byte client ids to UUID text and back', () => {
    const id = '4f9a1c2e-0b7d-4e55-9a61-3c2d8e7f6a10';
    expect(bytesToUuid(uuidToBytes(id))).toBe(id);
    expect(() => uuidToBytes('nope')).toThrow(/not a UUID/);
  });
});
