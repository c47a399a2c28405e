import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { SocketByteReader } from '../../cluster/protocol/byte-reader.js';
import { decodePipelineAckBody, encodePacket, encodePipelineAck } from '../../cluster/protocol/packet.js';
import { readingIntoArena } from '../../cluster/runtime/data-xceiver.js';

const PACKETS = 40;

/** A loopback server whose accepted sockets go through readingIntoArena, as the DataXceiverServer's do. */
async function acceptOne(): Promise<{
  server: net.Server;
  port: number;
  accepted: Promise<{ socket: net.Socket; reader: SocketByteReader; arena: boolean }>;
}> {
  let resolve!: (value: { socket: net.Socket; reader: SocketByteReader; arena: boolean }) => void;
  const accepted = new Promise<{ socket: net.Socket; reader: SocketByteReader; arena: boolean }>(
    (r) => (resolve = r),
  );
  const server = net.createServer({ pauseOnConnect: true }, (socket) => {
    const adopted = readingIntoArena(socket);
    resolve({
      socket: adopted.socket,
      reader: new SocketByteReader(adopted.socket, adopted.arena),
      arena: adopted.arena !== undefined,
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as net.AddressInfo).port, accepted };
}

describe('DataXceiverServer accepted connections', () => {
  it('read 64 KiB packets whole into an arena and write back on the same connection', async () => {
    const { server, port, accepted } = await acceptOne();
    const client = net.connect(port, '127.0.0.1');
    const frames = Array.from({ length: PACKETS }, (_, seqno) =>
      encodePacket({
        offsetInBlock: seqno * 64512,
        seqno,
        lastPacketInBlock: false,
        data: Buffer.alloc(64512, seqno),
      }),
    );
    for (const frame of frames) client.write(frame);
    const { socket, reader, arena } = await accepted;
    expect(arena).toBe(true);
    for (let seqno = 0; seqno < PACKETS; seqno++) {
      const pkt = await reader.readPacket();
      expect(pkt.header.seqno).toBe(seqno);
      expect(pkt.raw.equals(frames[seqno] as Buffer)).toBe(true);
    }
    socket.write(encodePipelineAck({ seqno: PACKETS - 1, replies: ['SUCCESS'] }));
    const ack = await new Promise<Buffer>((r) => client.once('data', r));
    expect(decodePipelineAckBody(ack.subarray(1)).seqno).toBe(PACKETS - 1);
    client.destroy();
    socket.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('are counted by the server while open and released when closed (maxConnections holds)', async () => {
    const { server, port, accepted } = await acceptOne();
    const client = net.connect(port, '127.0.0.1');
    const { socket } = await accepted;
    const count = (): Promise<number> =>
      new Promise((r, j) => server.getConnections((err, n) => (err ? j(err) : r(n))));
    expect(await count()).toBe(1);
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    client.end();
    await closed;
    expect(await count()).toBe(0);
    await new Promise<void>((r) => server.close(() => r()));
  });
});
