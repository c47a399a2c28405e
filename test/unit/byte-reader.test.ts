import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BUFFERED_BYTES_MAX, ByteBudget, SocketByteReader } from '../../cluster/protocol/byte-reader.js';
import { encodeOpRequest } from '../../cluster/protocol/data-transfer.js';
import {
  encodeLastPacket,
  encodePacket,
  encodePipelineAck,
  decodePipelineAckBody,
} from '../../cluster/protocol/packet.js';

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
