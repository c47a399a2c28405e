/**
 * Async exact-length reads over a socket (or any Readable) for DataTransferProtocol: incoming
 * chunks wait in a list and are cut on demand, so a frame costs at most one copy (none when it
 * sits inside one chunk). The stream is paused while more than BUFFERED_BYTES_MAX wait unread.
 *
 * A socket we connect ourselves can read into a ReadArena instead (net.connect's `onread`): the
 * kernel copies straight into a large buffer, consecutive reads sit side by side, and a frame that
 * spans two reads is still one view, so the data path reads without copying or allocating per
 * packet. An accepted socket cannot take `onread` in Node 20; the DataNode's DataXceiverServer
 * moves its handle into a socket that does (runtime/data-xceiver.ts), and any other stream uses
 * 'data' events.
 *
 * A frame bigger than BUFFERED_BYTES_MAX must be held whole before it is decoded; a server's
 * readers share a ByteBudget for those bytes, so many connections announcing big frames cannot
 * grow the process.
 */
import type { Readable } from 'node:stream';
import { RemoteError } from './errors.js';
import {
  decodeOpBody,
  decodeOpPrefix,
  malformed,
  OP_BODY_BYTES_MAX,
  type DecodedOpRequest,
} from './data-transfer.js';
import { decodePacket, PACKET_LENGTHS_BYTES, packetFrameLengths, type DecodedPacket } from './packet.js';
import { takeBytes } from './chunks.js';
import { varintBytes } from './proto-codec.js';

/** Backpressure threshold: a few default packets ahead of the reader is enough to keep a pipeline busy. */
export const BUFFERED_BYTES_MAX = 1024 * 1024;
/** A protobuf varint of a 64-bit value never exceeds 10 bytes. */
const VARINT_BYTES_MAX = 10;
/** One read arena: a few dozen packets, replaced (never reused) when full, so views stay valid. */
export const READ_ARENA_BYTES = 4 * 1024 * 1024;
/** A connection's first arena: enough for the many small acks of a write; a read moves on to full arenas. */
const READ_ARENA_FIRST_BYTES = 256 * 1024;
/** At most this much per read(2) into an arena: large reads, and BUFFERED_BYTES_MAX still bounds the backlog. */
const ARENA_READ_BYTES_MAX = 1024 * 1024;
/** An arena with less room than this left is replaced, so no read is made small by the arena's end. */
const ARENA_READ_BYTES_MIN = 128 * 1024;

/**
 * The `onread` option for net.connect: reads land in arenas (256 KiB, then 4 MiB), each handed to
 * the reader as a view. An arena is never written twice, so views (frames, packet data) stay valid as long as
 * anyone holds them.
 */
export class ReadArena {
  private arena = Buffer.allocUnsafe(READ_ARENA_FIRST_BYTES);
  private fill = 0;
  private sink: ((chunk: Buffer) => void) | null = null;
  private early: Buffer[] = [];

  readonly onread = {
    buffer: (): Uint8Array => {
      if (this.arena.length - this.fill < ARENA_READ_BYTES_MIN) {
        this.arena = Buffer.allocUnsafe(READ_ARENA_BYTES);
        this.fill = 0;
      }
      return this.arena.subarray(this.fill, this.fill + ARENA_READ_BYTES_MAX);
    },
    callback: (bytes: number, buf: Uint8Array): boolean => {
      const chunk = Buffer.from(buf.buffer, buf.byteOffset, bytes);
      if (buf.buffer === this.arena.buffer) this.fill = buf.byteOffset - this.arena.byteOffset + bytes;
      if (this.sink) this.sink(chunk);
      else this.early.push(chunk);
      return true;
    },
  };

  /** Delivers reads to `sink`, starting with any that arrived before. */
  attach(sink: (chunk: Buffer) => void): void {
    this.sink = sink;
    for (const chunk of this.early.splice(0)) sink(chunk);
  }

  detach(): void {
    this.sink = null;
    this.early = [];
  }
}

/** Bytes that a server's readers may hold beyond their read-ahead, over all their connections. */
export class ByteBudget {
  private used = 0;

  constructor(readonly bytesMax: number) {}

  get usedBytes(): number {
    return this.used;
  }

  tryTake(n: number): boolean {
    if (this.used + n > this.bytesMax) return false;
    this.used += n;
    return true;
  }

  give(n: number): void {
    this.used -= n;
  }
}

export interface ReadPacket extends DecodedPacket {
  /** The whole frame as received, for the journal's hex view and for forwarding downstream. */
  raw: Buffer;
}

/** One reader per stream; reads are sequential (await each before the next), as the protocol is. */
export class SocketByteReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  /** Bytes of the frame being read taken from `budget` (beyond BUFFERED_BYTES_MAX). */
  private reserved = 0;
  private readonly onData = (chunk: Buffer): void => {
    const last = this.chunks[this.chunks.length - 1];
    if (last && last.buffer === chunk.buffer && last.byteOffset + last.length === chunk.byteOffset) {
      // Side by side in one arena: one view, so a frame spanning two reads needs no copy.
      this.chunks[this.chunks.length - 1] = Buffer.from(
        last.buffer,
        last.byteOffset,
        last.length + chunk.length,
      );
    } else this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered > BUFFERED_BYTES_MAX) this.stream.pause();
    this.notify();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.notify();
  };
  private readonly onError = (err: Error): void => {
    this.failure = err;
    this.notify();
  };

  /** With `arena`, the stream was connected with `arena.onread` and emits no 'data'. */
  constructor(
    private readonly stream: Readable,
    private readonly arena?: ReadArena,
    private readonly budget?: ByteBudget,
  ) {
    if (arena) arena.attach(this.onData);
    else stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onError);
  }

  /** Waits for the next byte; false when the stream ended cleanly at a frame boundary. */
  async hasMore(): Promise<boolean> {
    await this.fill(1);
    return this.buffered > 0;
  }

  async readExactly(n: number, what = `${n} bytes`): Promise<Buffer> {
    this.reserve(n, what);
    try {
      await this.fill(n);
      if (this.buffered < n) throw this.eofError(n, what);
      return this.take(n);
    } finally {
      this.unreserve();
    }
  }

  /** Takes what a frame of `n` bytes needs beyond the read-ahead from the shared budget, or refuses it. */
  private reserve(n: number, what: string): void {
    if (!this.budget || n <= BUFFERED_BYTES_MAX) return;
    const extra = n - BUFFERED_BYTES_MAX;
    if (!this.budget.tryTake(extra)) {
      throw new RemoteError(
        'IOException',
        `${what} of ${n} bytes refused: the server already holds ${this.budget.usedBytes} bytes of large frames (at most ${this.budget.bytesMax})`,
      );
    }
    this.reserved = extra;
  }

  private unreserve(): void {
    this.budget?.give(this.reserved);
    this.reserved = 0;
  }

  async readU16(): Promise<number> {
    return (await this.readExactly(2, 'u16')).readUInt16BE(0);
  }

  async readU32(): Promise<number> {
    return (await this.readExactly(4, 'u32')).readUInt32BE(0);
  }

  /** A protobuf base-128 varint of at most 2^53. */
  async readVarint(): Promise<number> {
    let value = 0;
    for (let i = 0; i < VARINT_BYTES_MAX; i++) {
      const byte = (await this.readExactly(1, 'varint byte'))[0] as number;
      value += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) {
        if (!Number.isSafeInteger(value)) throw malformed(`varint ${value} exceeds 2^53`);
        return value;
      }
    }
    throw malformed(`varint longer than ${VARINT_BYTES_MAX} bytes`);
  }

  /** A varint length and that many bytes, refusing lengths over `maxBytes` before reading them. */
  async readDelimited(maxBytes: number, what: string): Promise<Buffer> {
    const length = await this.readVarint();
    if (length > maxBytes)
      throw malformed(`${what} of ${length} bytes announced; at most ${maxBytes} expected`);
    return this.readExactly(length, what);
  }

  /** `u16 version · u8 op · varint length · Op…Proto`; `bytes` is the whole request's length. */
  async readOpRequest(): Promise<DecodedOpRequest & { bytes: number }> {
    const op = decodeOpPrefix(await this.readExactly(3, 'op request prefix (u16 version, u8 op)'));
    const body = await this.readDelimited(OP_BODY_BYTES_MAX, `${op} body`);
    const bytes = 3 + varintBytes(body.length).length + body.length;
    if (op === 'READ_METADATA') return { op, body: undefined, bytes };
    return { op, body: decodeOpBody(op, body), bytes } as DecodedOpRequest & { bytes: number };
  }

  /** One packet frame, read contiguously so header, checksums and data are views into `raw`. */
  async readPacket(): Promise<ReadPacket> {
    await this.fill(PACKET_LENGTHS_BYTES);
    if (this.buffered < PACKET_LENGTHS_BYTES)
      throw this.eofError(PACKET_LENGTHS_BYTES, 'packet lengths (PLEN, HLEN)');
    const { frameBytes } = packetFrameLengths(this.peek(PACKET_LENGTHS_BYTES));
    const raw = await this.readExactly(frameBytes, 'packet frame');
    return { ...decodePacket(raw), raw };
  }

  /** Stops listening; the caller owns (and ends) the socket. */
  close(): void {
    this.arena?.detach();
    this.stream.off('data', this.onData);
    this.stream.off('end', this.onEnd);
    this.stream.off('close', this.onEnd);
    this.stream.off('error', this.onError);
    this.ended = true;
    this.chunks = [];
    this.buffered = 0;
    this.unreserve();
    this.notify();
  }

  private async fill(n: number): Promise<void> {
    while (this.buffered < n && !this.ended) {
      if (this.failure) throw this.failure;
      if (this.stream.isPaused()) this.stream.resume();
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    if (this.failure) throw this.failure;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** The first `n` buffered bytes without consuming them (n must be buffered). */
  private peek(n: number): Buffer {
    const first = this.chunks[0] as Buffer;
    return first.length >= n ? first.subarray(0, n) : Buffer.concat(this.chunks, n);
  }

  /** Removes and returns `n` buffered bytes: a view when one chunk holds them, else one copy. */
  private take(n: number): Buffer {
    const out = takeBytes(this.chunks, n);
    this.buffered -= n;
    if (this.buffered <= BUFFERED_BYTES_MAX && this.stream.isPaused() && !this.ended) this.stream.resume();
    return out;
  }

  private eofError(n: number, what: string): RemoteError {
    return new RemoteError(
      'IOException',
      `Premature EOF: expected ${n} bytes of ${what}, the stream ended after ${this.buffered}`,
    );
  }
}
