/**
 * Hadoop's Writable primitives (WritableUtils, UTF8, Text, DataOutput), the building blocks of edit
 * log bodies. Everything is big-endian like Java's DataOutput. Hadoop's VInt/VLong is its own
 * variable-length format (a marker byte + big-endian magnitude), not a protobuf varint.
 *
 * Values are JS numbers where they fit 2^53 (ids, txids, times, sizes); the `long` helpers also take
 * a bigint so callers can write Long.MAX or Long.MIN sentinels.
 */

/** Largest byte length of a UTF8 path string: its length prefix is an unsigned 16-bit short. */
export const UTF8_BYTES_MAX = 0xffff;

/** A growable big-endian byte sink (DataOutputStream over a ByteArrayOutputStream). */
export class BufferBuilder {
  private chunks: Buffer[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  raw(bytes: Uint8Array): this {
    this.chunks.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    this.size += bytes.length;
    return this;
  }

  byte(value: number): this {
    return this.fixed(1, (b) => b.writeInt8(toInt8(value)));
  }

  bool(value: boolean): this {
    return this.byte(value ? 1 : 0);
  }

  short(value: number): this {
    return this.fixed(2, (b) => b.writeInt16BE(toInt16(value)));
  }

  int(value: number): this {
    return this.fixed(4, (b) => b.writeInt32BE(value | 0));
  }

  long(value: number | bigint): this {
    return this.fixed(8, (b) => b.writeBigInt64BE(toInt64(value)));
  }

  /** WritableUtils.writeVLong. */
  vlong(value: number | bigint): this {
    return this.raw(encodeVLong(value));
  }

  /** WritableUtils.writeVInt (the same encoding as VLong, limited to 32 bits). */
  vint(value: number): this {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
      throw new RangeError(`vint: ${value} is not a 32-bit integer`);
    }
    return this.vlong(value);
  }

  /** FSImageSerialization.writeString: u16 byte length + Hadoop UTF8 bytes. */
  utf8(value: string): this {
    const bytes = encodeHadoopUtf8(value);
    return this.short(bytes.length).raw(bytes);
  }

  /** Text.writeString: VInt byte length + standard UTF-8. */
  text(value: string): this {
    const bytes = Buffer.from(value, 'utf8');
    return this.vint(bytes.length).raw(bytes);
  }

  /** FSImageSerialization.writeBytes: u16 length + the bytes. */
  shortBytes(bytes: Uint8Array): this {
    if (bytes.length > 0xffff) throw new RangeError(`shortBytes: ${bytes.length} bytes exceed a u16 length`);
    return this.short(bytes.length).raw(bytes);
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }

  private fixed(bytes: number, write: (b: Buffer) => void): this {
    const b = Buffer.alloc(bytes);
    write(b);
    return this.raw(b);
  }
}

/** A bounds-checked reader over `buf[start, end)`; running past `end` throws a RangeError naming the field. */
export class CursorReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  bytes(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  byte(what = 'byte'): number {
    this.need(1, what);
    return this.buf.readInt8(this.pos++);
  }

  bool(what = 'boolean'): boolean {
    return this.byte(what) !== 0;
  }

  short(what = 'short'): number {
    this.need(2, what);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  unsignedShort(what = 'unsigned short'): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int(what = 'int'): number {
    this.need(4, what);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  longBig(what = 'long'): bigint {
    this.need(8, what);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A long that must fit a JS number (ids, txids, times, sizes). */
  long(what = 'long'): number {
    return toSafeNumber(this.longBig(what), what, this.pos - 8);
  }

  vlongBig(what = 'vlong'): bigint {
    const start = this.pos;
    const first = this.byte(what);
    const size = vlongSize(first);
    if (size === 1) return BigInt(first);
    let magnitude = 0n;
    for (const b of this.bytes(size - 1, what)) magnitude = (magnitude << 8n) | BigInt(b);
    if (magnitude > 0x7fffffffffffffffn) throw new RangeError(`${what}: malformed VLong at offset ${start}`);
    return isNegativeVLong(first) ? ~magnitude : magnitude;
  }

  vlong(what = 'vlong'): number {
    const start = this.pos;
    return toSafeNumber(this.vlongBig(what), what, start);
  }

  vint(what = 'vint'): number {
    const start = this.pos;
    const v = this.vlongBig(what);
    if (v < -0x80000000n || v > 0x7fffffffn)
      throw new RangeError(`${what}: VInt ${v} at offset ${start} is too large`);
    return Number(v);
  }

  utf8(what = 'path string'): string {
    const len = this.unsignedShort(`${what} length`);
    return decodeHadoopUtf8(this.bytes(len, what));
  }

  text(what = 'Text string'): string {
    const len = this.vint(`${what} length`);
    if (len < 0) throw new RangeError(`${what}: negative length ${len} at offset ${this.pos}`);
    return this.bytes(len, what).toString('utf8');
  }

  shortBytes(what = 'byte array'): Buffer {
    const len = this.unsignedShort(`${what} length`);
    return this.bytes(len, what);
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) {
      throw new RangeError(
        `truncated ${what}: need ${n} byte(s) at offset ${this.pos}, only ${Math.max(0, this.end - this.pos)} left`,
      );
    }
  }
}

/** WritableUtils.writeVLong as bytes: [-112, 127] in one byte, otherwise a length marker + big-endian magnitude. */
export function encodeVLong(value: number | bigint): Buffer {
  let v = toInt64(value);
  if (v >= -112n && v <= 127n) return Buffer.from([Number(v) & 0xff]);
  let marker = -112;
  if (v < 0n) {
    v = ~v; // one's complement: the magnitude of a negative number is stored inverted
    marker = -120;
  }
  const magnitude: number[] = [];
  for (let tmp = v; tmp !== 0n; tmp >>= 8n) magnitude.unshift(Number(tmp & 0xffn));
  marker -= magnitude.length;
  return Buffer.from([marker & 0xff, ...magnitude]);
}

/** WritableUtils.readVLong over `buf` at `offset`: the value and how many bytes it took. */
export function decodeVLong(buf: Buffer, offset = 0): { value: bigint; bytes: number } {
  const r = new CursorReader(buf, offset);
  const value = r.vlongBig();
  return { value, bytes: r.pos - offset };
}

/** WritableUtils.decodeVIntSize: total bytes of a VLong from its first (signed) byte. */
function vlongSize(first: number): number {
  if (first >= -112) return 1;
  if (first < -120) return -119 - first;
  return -111 - first;
}

function isNegativeVLong(first: number): boolean {
  return first < -120 || (first >= -112 && first < 0);
}

/**
 * Hadoop's UTF8 class (FSImageSerialization.writeString): each UTF-16 code unit becomes 1–3 bytes, so
 * characters outside the BMP are written as two 3-byte surrogates (CESU-8). For BMP text this is
 * plain UTF-8.
 */
export function encodeHadoopUtf8(value: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 0x7f) out.push(c);
    else if (c <= 0x7ff) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  if (out.length > UTF8_BYTES_MAX) {
    throw new RangeError(`path string of ${out.length} bytes exceeds the UTF8 limit of ${UTF8_BYTES_MAX}`);
  }
  return Buffer.from(out);
}

/** Inverse of encodeHadoopUtf8; also accepts 4-byte UTF-8 sequences, which newer Hadoop readers allow. */
export function decodeHadoopUtf8(bytes: Uint8Array): string {
  const units: number[] = [];
  let i = 0;
  const cont = (k: number): number => {
    const b = bytes[i + k];
    if (b === undefined || (b & 0xc0) !== 0x80) throw new RangeError(`malformed UTF8 at byte ${i + k}`);
    return b & 0x3f;
  };
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      units.push(b);
      i += 1;
    } else if ((b & 0xe0) === 0xc0) {
      units.push(((b & 0x1f) << 6) | cont(1));
      i += 2;
    } else if ((b & 0xf0) === 0xe0) {
      units.push(((b & 0x0f) << 12) | (cont(1) << 6) | cont(2));
      i += 3;
    } else if ((b & 0xf8) === 0xf0) {
      const cp = ((b & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
      const s = String.fromCodePoint(cp);
      units.push(s.charCodeAt(0), s.charCodeAt(1));
      i += 4;
    } else {
      throw new RangeError(`malformed UTF8 at byte ${i}`);
    }
  }
  let s = '';
  for (let k = 0; k < units.length; k += 4096) s += String.fromCharCode(...units.slice(k, k + 4096));
  return s;
}

/** A 16-byte client id written as its UUID text (ClientId.toString), and back. */
export function uuidToBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`not a UUID: ${JSON.stringify(uuid)}`);
  return Buffer.from(hex, 'hex');
}

export function bytesToUuid(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError(`a client id has 16 bytes, got ${bytes.length}`);
  const h = Buffer.from(bytes).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function toInt64(value: number | bigint): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`long: ${value} is not a safe integer; pass a bigint`);
  }
  const v = BigInt(value);
  if (v !== BigInt.asIntN(64, v)) throw new RangeError(`long: ${v} does not fit 64 bits`);
  return v;
}

function toInt16(value: number): number {
  if (!Number.isInteger(value) || value < -0x8000 || value > 0xffff) {
    throw new RangeError(`short: ${value} does not fit 16 bits`);
  }
  return value > 0x7fff ? value - 0x10000 : value;
}

function toInt8(value: number): number {
  if (!Number.isInteger(value) || value < -0x80 || value > 0xff)
    throw new RangeError(`byte: ${value} does not fit 8 bits`);
  return value > 0x7f ? value - 0x100 : value;
}

function toSafeNumber(v: bigint, what: string, offset: number): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${what}: ${v} at offset ${offset} does not fit a JS number`);
  }
  return Number(v);
}
