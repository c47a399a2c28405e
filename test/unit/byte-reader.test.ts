import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import {
  ArenaPool,
  ByteBudget,
  ReadArena,
  SocketByteReader,
  type ReadPacket,
} from '../../cluster/protocol/byte-reader.js';
import { encodeOpRequest } from '../../cluster/protocol/data-transfer.js';
import {
  encodeLastPacket,
  encodePacket,
  encodePipelineAck,
  decodePipelineAckBody,
} from '../../cluster/protocol/packet.js';
import {
  BUFFERED_BYTES_MAX,
  READ_ARENA_BYTES,
  READ_ARENA_FIRST_BYTES,
} from '../../cluster/protocol/limits.js';

function setup(): { stream: PassThrough; reader: SocketByteReader } {
  const stream = new PassThrough();
  return { stream, reader: new SocketByteReader(stream) };
}

describe('SocketByteReader', () => {
  it('reads fixed-width numbers and varints across chunk boundaries', async () => {
    const { stream, reader } = setup();
    stream.write(Buffer.from([0x00]));
    stream.write(Buffer.from([0x1c, 0x00, 0x00]));
    stream.write(Buffer.from([0x01, 0x02, 0xac]));
    stream.write(Buffer.from([0x02]));
    expect(await reader.readU16()).toBe(28);
    expect(await reader.readU32()).toBe(0x102);
    expect(await reader.readVarint()).toBe(300);
  });

  it('waits for bytes that have not arrived yet', async () => {
    const { stream, reader } = setup();
    const pending = reader.readExactly(5);
    stream.write('ab');
    setImmediate(() => stream.write('cdef'));
    expect((await pending).toString()).toBe('abcde');
    expect((await reader.readExactly(1)).toString()).toBe('f');
  });

  it('reads packets split into small pieces, with the raw frame', async () => {
    const { stream, reader } = setup();
    const data = Buffer.alloc(3000, 0x41);
    const first = encodePacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false, data });
    const last = encodeLastPacket(3000, 1);
    const all = Buffer.concat([first, last]);
    for (let i = 0; i < all.length; i += 7) stream.write(all.subarray(i, i + 7));
    const p1 = await reader.readPacket();
    expect(p1.header).toMatchObject({ seqno: 0, dataLen: 3000 });
    expect(p1.data.equals(data)).toBe(true);
    expect(p1.raw.equals(first)).toBe(true);
    const p2 = await reader.readPacket();
    expect(p2.header).toMatchObject({ seqno: 1, lastPacketInBlock: true, dataLen: 0, offsetInBlock: 3000 });
    stream.end();
    expect(await reader.hasMore()).toBe(false);
  });

  it('reads an op request and a delimited ack', async () => {
    const { stream, reader } = setup();
    const body = {
      header: {
        block: { poolId: 'BP-1-1.2.3.4-5', blockId: 1, genStamp: 1001, numBytes: 0 },
        clientName: 'c',
      },
      offset: 0,
      len: 10,
      sendChecksums: true,
    };
    const request = encodeOpRequest('READ_BLOCK', body);
    stream.write(request);
    stream.write(encodePipelineAck({ seqno: 4, replies: ['SUCCESS'] }));
    expect(await reader.hasMore()).toBe(true);
    expect(await reader.readOpRequest()).toEqual({ op: 'READ_BLOCK', body, bytes: request.length });
    const ack = decodePipelineAckBody(await reader.readDelimited(1024, 'pipeline ack'));
    expect(ack).toMatchObject({ seqno: 4, replies: ['SUCCESS'] });
  });

  it('rejects EOF in the middle of a frame', async () => {
    const { stream, reader } = setup();
    const frame = encodePacket({
      offsetInBlock: 0,
      seqno: 0,
      lastPacketInBlock: false,
      data: Buffer.alloc(100),
    });
    stream.end(frame.subarray(0, 50));
    await expect(reader.readPacket()).rejects.toThrow(
      /Premature EOF: expected 135 bytes of packet frame, the stream ended after 50/,
    );
  });

  it('refuses an oversize packet before buffering it', async () => {
    const { stream, reader } = setup();
    stream.write(Buffer.from('7fffffff0019', 'hex'));
    await expect(reader.readPacket()).rejects.toThrow(/at most 16777216 expected/);
  });

  it('refuses an oversize delimited body', async () => {
    const { stream, reader } = setup();
    stream.write(Buffer.from('8080808001', 'hex'));
    await expect(reader.readDelimited(1024, 'pipeline ack')).rejects.toThrow(
      /pipeline ack of 268435456 bytes announced; at most 1024 expected/,
    );
  });

  it('passes on a stream error', async () => {
    const { stream, reader } = setup();
    const pending = reader.readExactly(4);
    stream.destroy(new Error('ECONNRESET'));
    await expect(pending).rejects.toThrow('ECONNRESET');
  });

  it('applies backpressure and still delivers a large frame', async () => {
    const { stream, reader } = setup();
    const data = Buffer.alloc(3 * 1024 * 1024, 9);
    const frame = encodePacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false, data });
    for (let i = 0; i < frame.length; i += 65536) stream.write(frame.subarray(i, i + 65536));
    const packet = await reader.readPacket();
    expect(packet.data.length).toBe(data.length);
    reader.close();
  });

  it('shares a budget for frames beyond the read-ahead: a second big frame is refused until the first is read', async () => {
    const budget = new ByteBudget(3 * 1024 * 1024);
    const a = new PassThrough();
    const b = new PassThrough();
    const readerA = new SocketByteReader(a, undefined, budget);
    const readerB = new SocketByteReader(b, undefined, budget);
    const frameBytes = BUFFERED_BYTES_MAX + 2 * 1024 * 1024;
    const data = Buffer.alloc(3 * 1024 * 1024, 7);
    const frame = encodePacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false, data });
    expect(frame.length).toBeGreaterThan(frameBytes);
    // A announces its packet and sends half of it: it holds its reservation while it waits.
    a.write(frame.subarray(0, frame.length >> 1));
    const pendingA = readerA.readPacket();
    b.write(frame);
    await expect(readerB.readPacket()).rejects.toThrow(
      /refused: the server already holds \d+ bytes of large frames/,
    );
    a.write(frame.subarray(frame.length >> 1));
    expect((await pendingA).data.equals(data)).toBe(true);
    expect(budget.usedBytes).toBe(0);
    // Small frames never touch the budget.
    readerB.close();
    const other = new SocketByteReader(b, undefined, budget);
    b.write(Buffer.from([0x02, 0x08, 0x01]));
    expect((await other.readExactly(3)).length).toBe(3);
    readerA.close();
    other.close();
  });
});

describe('ReadArena', () => {
  /** A 64 KiB packet whose data bytes all equal `n % 251`, as a DataNode receives them. */
  const packet = (n: number): Buffer =>
    encodePacket({
      offsetInBlock: n * 65536,
      seqno: n,
      lastPacketInBlock: false,
      data: Buffer.alloc(65536, n % 251),
    });

  /** What the kernel does with `onread`: copies `frame` into the buffer the arena armed, then says so. */
  function receive(arena: ReadArena, frame: Buffer): ArrayBufferLike {
    const region = arena.onread.buffer();
    frame.copy(Buffer.from(region.buffer, region.byteOffset, region.length));
    arena.onread.callback(frame.length, region);
    return region.buffer;
  }

  function setupArena(): { arena: ReadArena; reader: SocketByteReader; full: ArenaPool } {
    const full = new ArenaPool(READ_ARENA_BYTES);
    const arena = new ReadArena({ first: new ArenaPool(READ_ARENA_FIRST_BYTES), full });
    return { arena, reader: new SocketByteReader(new PassThrough(), arena), full };
  }

  it('never overwrites a packet before it is released, and reuses its arena after', async () => {
    const { arena, reader, full } = setupArena();
    const arenas: ArrayBufferLike[] = [];
    const held: { n: number; pkt: ReadPacket }[] = [];
    for (let n = 0; n < 300; n++) {
      const landed = receive(arena, packet(n));
      if (arenas[arenas.length - 1] !== landed) arenas.push(landed);
      const pkt = await reader.readPacket();
      // Two packets are held (a slow disk write), in two of the arenas; the others are released at once.
      if (n === 10 || n === 140) held.push({ n, pkt });
      else pkt.release();
    }
    for (const { n, pkt } of held) expect(pkt.data.equals(Buffer.alloc(65536, n % 251))).toBe(true);
    // The arena each held packet is in was never read into again; the others were.
    const heldArenas = new Set(held.map(({ pkt }) => pkt.raw.buffer));
    const distinct = new Set(arenas);
    expect(arenas.length - distinct.size).toBeGreaterThan(0);
    for (const a of heldArenas) expect(arenas.filter((x) => x === a)).toHaveLength(1);
    for (const { pkt } of held) pkt.release();
    arena.closed();
    expect(full.size).toBeGreaterThan(0);
  });

  it('copies what is not a packet, so an ack read stays as it was', async () => {
    const { arena, reader } = setupArena();
    receive(arena, encodePipelineAck({ seqno: 7, replies: ['SUCCESS'] }));
    const body = await reader.readDelimited(1024, 'PipelineAck');
    expect(arena.holds(body)).toBe(false);
    expect(decodePipelineAckBody(body)).toMatchObject({ seqno: 7, replies: ['SUCCESS'] });
  });

  it('keeps at most its count of free arenas, and drops them once nobody took one for a while', () => {
    vi.useFakeTimers();
    try {
      const pool = new ArenaPool(1024, 2, 10);
      pool.give(pool.take());
      pool.give(Buffer.alloc(1024));
      pool.give(Buffer.alloc(1024));
      pool.give(Buffer.alloc(512));
      expect(pool.size).toBe(2);
      vi.advanceTimersByTime(10);
      expect(pool.size).toBe(2);
      vi.advanceTimersByTime(10);
      expect(pool.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
