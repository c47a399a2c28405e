import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RemoteError } from '../../cluster/protocol/errors.js';
import { RPC_PREAMBLE, encodeFrame } from '../../cluster/protocol/rpc-frame.js';
import { Journal } from '../../cluster/runtime/journal.js';
import { RpcClient } from '../../cluster/runtime/rpc-client.js';
import { startRpcServer, type RpcServer } from '../../cluster/runtime/rpc-server.js';

const journal = new Journal(null, 'test');
let server: RpcServer | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
});

async function serve(): Promise<RpcServer> {
  server = await startRpcServer({
    host: '127.0.0.1',
    port: 0,
    selfId: 'nn',
    journal,
    handler: (method, params) => {
      if (method === 'getFileInfo')
        throw new RemoteError(
          'FileNotFoundException',
          `File does not exist: ${(params as { src: string }).src}`,
        );
      return { echoed: method };
    },
  });
  return server;
}

function rawExchange(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', () => resolve(Buffer.concat(chunks)));
    socket.write(bytes);
  });
}

describe('RPC server', () => {
  it('answers an operating error as a coded reply with the HDFS exception, not a dropped connection', async () => {
    const s = await serve();
    const client = await RpcClient.connect({
      host: '127.0.0.1',
      port: s.port,
      selfId: 'client',
      peerId: 'nn',
      journal,
    });
    await expect(client.call('getFileInfo', { src: '/nope' })).rejects.toMatchObject({
      errorClass: 'FileNotFoundException',
      message: 'File does not exist: /nope',
    });
    // The same connection still serves the next call.
    await expect(client.call('labPing', {})).resolves.toEqual({ echoed: 'labPing' });
    client.close();
  });

  it('answers garbage on the port with a readable error and keeps serving others', async () => {
    const s = await serve();
    const reply = await rawExchange(s.port, Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    expect(reply.subarray(4).toString('utf8')).toMatch(/expected the RPC preamble/);
    const body = Buffer.from('not json at all');
    const header = Buffer.alloc(4);
    header.writeUInt32BE(body.length);
    const reply2 = await rawExchange(s.port, Buffer.concat([RPC_PREAMBLE, header, body]));
    expect(reply2.subarray(4).toString('utf8')).toMatch(/not JSON/);
    const client = await RpcClient.connect({
      host: '127.0.0.1',
      port: s.port,
      selfId: 'client',
      peerId: 'nn',
      journal,
    });
    await expect(client.call('labPing', {})).resolves.toEqual({ echoed: 'labPing' });
    client.close();
  });

  it('answers a frame announcing more than the limit without reading it', async () => {
    const s = await serve();
    const header = Buffer.alloc(4);
    header.writeUInt32BE(0xffffffff);
    const reply = await rawExchange(s.port, Buffer.concat([RPC_PREAMBLE, header]));
    expect(reply.subarray(4).toString('utf8')).toMatch(/the limit is/);
  });

  it('rejects an unknown method by name', async () => {
    const s = await serve();
    const reply = await rawExchange(
      s.port,
      Buffer.concat([
        RPC_PREAMBLE,
        encodeFrame({
          callId: 1,
          method: 'dropAllTables' as never,
          protocol: 'ClientProtocol',
          clientId: 'x',
          params: {},
        }),
      ]),
    );
    expect(reply.subarray(4).toString('utf8')).toMatch(/Unknown method dropAllTables/);
  });

  it('tells a client whose server is gone what to check', async () => {
    const s = await serve();
    const port = s.port;
    await s.close();
    server = null;
    await expect(
      RpcClient.connect({ host: '127.0.0.1', port, selfId: 'client', peerId: 'nn', journal }),
    ).rejects.toThrowError(/cannot reach nn at 127\.0\.0\.1:\d+ \(ECONNREFUSED\); is the cluster running\?/);
  });
});
