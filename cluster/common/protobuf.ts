/**
 * Minimal protobuf wire-format writer and reader: enough for the fsimage sections, the packet
 * header and the pipeline ack. Values above 2^53 travel as bigint; everything the lab stores
 * (ids, txids, times) fits a JS number, so the number helpers are the common path.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

export class ProtoWriter {
  private chunks: Buffer[] = [];
  private current: number[] = [];

  private flushCurrent(): void {
    if (this.current.length > 0) {
      this.chunks.push(Buffer.from(this.current));
      this.current = [];
    }
  }

  /** Unsigned varint of a non-negative number or bigint; negative values are written as 64-bit two's complement. */
  varint(value: number | bigint): this {
    let v = typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
    if (v < 0n) v = (1n << 64n) + v;
    if (v < 0x80n) {
      this.current.push(Number(v));
      return this;
    }
    while (v >= 0x80n) {
      this.current.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.current.push(Number(v));
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  uint(field: number, value: number | bigint): this {
    return this.tag(field, WIRE_VARINT).varint(value);
  }

  sint(field: number, value: number): this {
    const v = BigInt(value);
    const zigzag = v >= 0n ? v * 2n : -v * 2n - 1n;
    return this.tag(field, WIRE_VARINT).varint(zigzag);
  }

  bool(field: number, value: boolean): this {
    return this.tag(field, WIRE_VARINT).varint(value ? 1 : 0);
  }

  fixed64(field: number, value: number | bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt.asIntN(64, BigInt(value)));
    return this.tag(field, WIRE_FIXED64).raw(b);
  }

  fixed32(field: number, value: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value | 0);
    return this.tag(field, WIRE_FIXED32).raw(b);
  }

  bytes(field: number, value: Uint8Array): this {
    return this.tag(field, WIRE_LENGTH_DELIMITED).varint(value.length).raw(value);
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  message(field: number, inner: ProtoWriter): this {
    return this.bytes(field, inner.finish());
  }

  packedVarints(field: number, values: readonly (number | bigint)[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  raw(bytes: Uint8Array): this {
    this.flushCurrent();
    this.chunks.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    return this;
  }

  finish(): Buffer {
    this.flushCurrent();
    return Buffer.concat(this.chunks);
  }

  /** The message prefixed with its varint length (protobuf's writeDelimitedTo). */
  finishDelimited(): Buffer {
    const body = this.finish();
    return Buffer.concat([new ProtoWriter().varint(body.length).finish(), body]);
  }
}

export interface ProtoField {
  field: number;
  wireType: number;
  /** Varint and fixed values. */
  value?: bigint;
  /** Length-delimited payload. */
  bytes?: Buffer;
}

export class ProtoReader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new RangeError('protobuf: truncated varint');
      const byte = this.buf[this.pos++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
    throw new RangeError('protobuf: varint longer than 10 bytes');
  }

  /** A varint as a JS number (throws if it does not fit 2^53). */
  varintNumber(): number {
    const v = this.varint();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`protobuf: varint ${v} exceeds 2^53`);
    return Number(v);
  }

  field(): ProtoField {
    const key = this.varintNumber();
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    switch (wireType) {
      case WIRE_VARINT:
        return { field, wireType, value: this.varint() };
      case WIRE_FIXED64: {
        this.need(8);
        const value = this.buf.readBigUInt64LE(this.pos);
        this.pos += 8;
        return { field, wireType, value };
      }
      case WIRE_FIXED32: {
        this.need(4);
        const value = BigInt(this.buf.readUInt32LE(this.pos));
        this.pos += 4;
        return { field, wireType, value };
      }
      case WIRE_LENGTH_DELIMITED: {
        const len = this.varintNumber();
        this.need(len);
        const bytes = this.buf.subarray(this.pos, this.pos + len);
        this.pos += len;
        return { field, wireType, bytes };
      }
      default:
        throw new RangeError(`protobuf: unsupported wire type ${wireType} for field ${field}`);
    }
  }

  /** Reads a varint length prefix and returns a reader over that many bytes (protobuf's parseDelimitedFrom). */
  delimited(): ProtoReader {
    const len = this.varintNumber();
    this.need(len);
    const inner = new ProtoReader(this.buf, this.pos, this.pos + len);
    this.pos += len;
    return inner;
  }

  private need(n: number): void {
    if (this.pos + n > this.end)
      throw new RangeError(`protobuf: need ${n} bytes at offset ${this.pos}, have ${this.end - this.pos}`);
  }
}

/** Decode a zigzag-encoded sint64. */
export function unzigzag(v: bigint): bigint {
  return (v & 1n) === 0n ? v >> 1n : -(v >> 1n) - 1n;
}

/** A uint64 read off the wire, reinterpreted as a signed 64-bit number. */
export function toSigned64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}
