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
import { decodeOpBody, decodeOpPrefix, malformed, type DecodedOpRequest } from './data-transfer.js';
import { decodePacket, PACKET_LENGTHS_BYTES, packetFrameLengths, type DecodedPacket } from './packet.js';
import { takeBytes } from './chunks.js';
import { varintBytes } from './proto-codec.js';
import {
  OP_BODY_BYTES_MAX,
  BUFFERED_BYTES_MAX,
  READ_ARENA_BYTES,
  READ_ARENA_FIRST_BYTES,
  ARENA_READ_BYTES_MAX,
  ARENA_READ_BYTES_MIN,
  READ_ARENA_POOL_MAX,
  READ_ARENA_POOL_IDLE_MS,
} from './limits.js';

/** A protobuf varint of a 64-bit value never exceeds 10 bytes. */
const VARINT_BYTES_MAX = 10;

/** One buffer reads land in, and what still needs its bytes. */
interface Slab {
  readonly bytes: Buffer;
  /** Bytes read into it that the reader has not taken (or dropped) yet. */
  unread: number;
  /** Packets taken from it as views and not released yet. */
  leases: number;
  /** Reads may still land in it (the arena's current buffer, its socket open). */
  armed: boolean;
  /** Given back to its pool (once). */
  given: boolean;
}

/**
 * Free arena buffers of one size, kept for the next connections: taking one costs no allocation
 * and no page faults (a fresh 4 MiB Buffer is faulted in page by page, about a thousand faults).
 * Buffers nobody took within READ_ARENA_POOL_IDLE_MS are dropped.
 */
export class ArenaPool {
  private free: Buffer[] = [];
  private timer: NodeJS.Timeout | null = null;
  private usedSinceTrim = false;

  constructor(
    readonly bytesEach: number,
    readonly countMax = READ_ARENA_POOL_MAX,
    private readonly idleMs = READ_ARENA_POOL_IDLE_MS,
  ) {}

  /** Free buffers held now. */
  get size(): number {
    return this.free.length;
  }

  take(): Buffer {
    this.usedSinceTrim = true;
    return this.free.pop() ?? Buffer.allocUnsafe(this.bytesEach);
  }

  /** A buffer no view of which anyone holds any more. */
  give(bytes: Buffer): void {
    if (bytes.length !== this.bytesEach || this.free.length >= this.countMax) return;
    this.free.push(bytes);
    this.usedSinceTrim = true;
    this.timer ??= setTimeout(() => this.trim(), this.idleMs).unref();
  }

  /** Drops the free buffers when none was taken or given since the last look. */
  private trim(): void {
    this.timer = null;
    if (!this.usedSinceTrim) this.free = [];
    this.usedSinceTrim = false;
    if (this.free.length > 0) this.timer = setTimeout(() => this.trim(), this.idleMs).unref();
  }
}

/** The process's free arenas, by size. */
const FIRST_ARENAS = new ArenaPool(READ_ARENA_FIRST_BYTES);
const FULL_ARENAS = new ArenaPool(READ_ARENA_BYTES);

/** Given back to whoever took bytes from an arena; a no-op for bytes that were copied out. */
export type Release = () => void;
const NOTHING_TO_RELEASE: Release = () => undefined;

/**
 * The `onread` option for net.connect: reads land in arenas (256 KiB, then 4 MiB), each handed to
 * the reader as a view. An arena is written again only when reads have moved on from it (it is
 * no longer the buffer reads land in), the reader has taken every byte read into it, no view of
 * it was handed out for good, and every packet read from it as a view was released: a packet's
 * view stays valid until its holder releases it. Bytes the reader takes as plain Buffers (ops,
 * responses, acks) are copies, so only packets hold an arena.
 */
export class ReadArena {
  private slab: Slab;
  private fill = 0;
  /** Slabs holding bytes the reader has not taken, oldest first (reads are consumed in order). */
  private readonly unread: Slab[] = [];
  private sink: ((chunk: Buffer) => void) | null = null;
  private early: Buffer[] = [];
  private detached = false;
  /** False once a read landed outside the current arena (never expected): nothing is used again then. */
  private trusted = true;

  constructor(
    private readonly pools: { first: ArenaPool; full: ArenaPool } = {
      first: FIRST_ARENAS,
      full: FULL_ARENAS,
    },
  ) {
    this.slab = newSlab(pools.first.take());
  }

  readonly onread = {
    buffer: (): Uint8Array => {
      if (this.slab.bytes.length - this.fill < ARENA_READ_BYTES_MIN) {
        const old = this.slab;
        this.slab = newSlab(this.pools.full.take());
        this.fill = 0;
        old.armed = false;
        this.recycle(old);
      }
      return this.slab.bytes.subarray(this.fill, this.fill + ARENA_READ_BYTES_MAX);
    },
    callback: (bytes: number, buf: Uint8Array): boolean => {
      const chunk = Buffer.from(buf.buffer, buf.byteOffset, bytes);
      if (buf.buffer !== this.slab.bytes.buffer) {
        this.trusted = false;
        return this.deliver(chunk);
      }
      this.fill = buf.byteOffset - this.slab.bytes.byteOffset + bytes;
      if (this.detached) return true;
      this.slab.unread += bytes;
      if (this.unread[this.unread.length - 1] !== this.slab) this.unread.push(this.slab);
      return this.deliver(chunk);
    },
  };

  private deliver(chunk: Buffer): boolean {
    if (this.sink) this.sink(chunk);
    else if (!this.detached) this.early.push(chunk);
    return true;
  }

  /** Delivers reads to `sink`, starting with any that arrived before. */
  attach(sink: (chunk: Buffer) => void): void {
    this.sink = sink;
    for (const chunk of this.early.splice(0)) sink(chunk);
  }

  /** The reader is done: what it did not take is dropped, and later reads with it. */
  detach(): void {
    this.sink = null;
    this.early = [];
    this.detached = true;
    for (const slab of this.unread.splice(0)) {
      slab.unread = 0;
      this.recycle(slab);
    }
  }

  /** The socket closed: no read lands in the current arena any more. */
  closed(): void {
    this.detach();
    this.slab.armed = false;
    this.recycle(this.slab);
  }

  /** Whether `view` lies in an arena holding unread bytes (so handing it out would tie the arena). */
  holds(view: Buffer): boolean {
    return this.unread.some((slab) => slab.bytes.buffer === view.buffer);
  }

  /**
   * Accounts for `n` bytes the reader took, oldest first. With `view` (bytes handed out as a view
   * into an arena), the arena stays unwritten until the returned release is called.
   */
  taken(n: number, view?: Buffer): Release {
    const head = this.unread[0];
    let release = NOTHING_TO_RELEASE;
    if (view && head && head.bytes.buffer === view.buffer) {
      head.leases++;
      let released = false;
      release = () => {
        if (released) return;
        released = true;
        head.leases--;
        this.recycle(head);
      };
    }
    for (let left = n; left > 0 && this.unread.length > 0;) {
      const slab = this.unread[0] as Slab;
      const used = Math.min(left, slab.unread);
      slab.unread -= used;
      left -= used;
      if (slab.unread > 0) break;
      this.unread.shift();
      this.recycle(slab);
    }
    return release;
  }

  /** Gives a slab nobody needs any more back to its pool. */
  private recycle(slab: Slab): void {
    if (!this.trusted || slab.given || slab.armed || slab.unread > 0 || slab.leases > 0) return;
    slab.given = true;
    (slab.bytes.length === this.pools.full.bytesEach ? this.pools.full : this.pools.first).give(slab.bytes);
  }
}

/** A packet frame taken from the stream, split into its parts; released again if it does not decode. */
function decodedPacket(raw: Buffer, release: Release): ReadPacket {
  try {
    const { header, checksums, data } = decodePacket(raw);
    return { header, checksums, data, raw, release };
  } catch (err) {
    release();
    throw err;
  }
}

function newSlab(bytes: Buffer): Slab {
  return { bytes, unread: 0, leases: 0, armed: true, given: false };
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
  /**
   * Says the frame's bytes (raw, data, checksums) are no longer needed by anyone: its arena may be
   * read into again. Call it once every write of them has completed; a packet never released only
   * keeps its arena from being used again.
   */
  release: Release;
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

  /** `n` bytes, the reader's own (a view only where no arena is behind it). */
  async readExactly(n: number, what = `${n} bytes`): Promise<Buffer> {
    return (await this.read(n, what, false)).bytes;
  }

  /** `n` bytes; with `leased`, a view into the arena, kept from reuse until `release` is called. */
  private async read(n: number, what: string, leased: boolean): Promise<{ bytes: Buffer; release: Release }> {
    this.reserve(n, what);
    try {
      await this.fill(n);
      if (this.buffered < n) throw this.eofError(n, what);
      return this.take(n, leased);
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
    const buffered = this.takeBufferedDelimited(maxBytes, what);
    if (buffered) return buffered;
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
    const buffered = this.takeBufferedPacket();
    if (buffered) return buffered;
    await this.fill(PACKET_LENGTHS_BYTES);
    if (this.buffered < PACKET_LENGTHS_BYTES)
      throw this.eofError(PACKET_LENGTHS_BYTES, 'packet lengths (PLEN, HLEN)');
    const { frameBytes } = packetFrameLengths(this.peek(PACKET_LENGTHS_BYTES));
    const { bytes: raw, release } = await this.read(frameBytes, 'packet frame', true);
    return decodedPacket(raw, release);
  }

  /*
   * The fast paths of readDelimited and readPacket: a frame that already lies whole in the first
   * buffered chunk (a read brings several packets or acks at once) is taken without waiting. The
   * general path reads a varint a byte at a time and each piece through its own await, which for
   * a pipeline's acks and packets cost several KB of promises and views each (V8 scavenged a
   * DataNode's young generation about every 300 packets). Null when the frame is not all there,
   * the reader has failed, or the frame is larger than BUFFERED_BYTES_MAX (the general path
   * accounts for those against the server's ByteBudget); bytes that break the protocol throw the
   * general path's errors.
   */

  private takeBufferedDelimited(maxBytes: number, what: string): Buffer | null {
    const first = this.chunks[0];
    if (!first || this.failure) return null;
    let length = 0;
    let prefix = 0;
    for (;;) {
      if (prefix >= first.length || prefix >= VARINT_BYTES_MAX) return null;
      const byte = first[prefix] as number;
      length += (byte & 0x7f) * 2 ** (7 * prefix);
      prefix++;
      if ((byte & 0x80) === 0) break;
    }
    if (!Number.isSafeInteger(length)) return null;
    if (length > maxBytes)
      throw malformed(`${what} of ${length} bytes announced; at most ${maxBytes} expected`);
    if (first.length < prefix + length || prefix + length > BUFFERED_BYTES_MAX) return null;
    return this.take(prefix + length, false).bytes.subarray(prefix);
  }

  private takeBufferedPacket(): ReadPacket | null {
    const first = this.chunks[0];
    if (!first || this.failure || first.length < PACKET_LENGTHS_BYTES) return null;
    const { frameBytes } = packetFrameLengths(first);
    if (first.length < frameBytes || frameBytes > BUFFERED_BYTES_MAX) return null;
    const { bytes: raw, release } = this.take(frameBytes, true);
    return decodedPacket(raw, release);
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

  /**
   * Removes and returns `n` buffered bytes: a view when one chunk holds them, else one copy. From an
   * arena, a view is leased (`leased`) or copied, so no arena is overwritten under its holder.
   */
  private take(n: number, leased: boolean): { bytes: Buffer; release: Release } {
    let bytes = takeBytes(this.chunks, n);
    let release = NOTHING_TO_RELEASE;
    this.buffered -= n;
    if (this.arena) {
      if (leased) release = this.arena.taken(n, bytes);
      else {
        if (this.arena.holds(bytes)) bytes = Buffer.from(bytes);
        this.arena.taken(n);
      }
    }
    if (this.buffered <= BUFFERED_BYTES_MAX && this.stream.isPaused() && !this.ended) this.stream.resume();
    return { bytes, release };
  }

  private eofError(n: number, what: string): RemoteError {
    return new RemoteError(
      'IOException',
      `Premature EOF: expected ${n} bytes of ${what}, the stream ended after ${this.buffered}`,
    );
  }
}
