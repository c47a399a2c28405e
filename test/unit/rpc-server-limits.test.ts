/**
 * The RPC server's bounds: idle connections are closed as Hadoop's
 * ConnectionManager closes them, unfinished request bytes are bounded over the whole server, and a
 * peer that never reads its answers stops being read. Limits are shortened through the server's
 * test options; the values daemons use are in cluster/protocol/limits.ts.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import '../../cluster/protocol/registry/all.js'; // entries looked up directly, without a connection
import { CLIENT_PROTOCOL, entryFor } from '../../cluster/protocol/registry/index.js';
import {
  RPC_PREAMBLE,
  RpcFrameDecoder,
  encodeCall,
  encodeConnectionContext,
} from '../../cluster/protocol/rpc-frame.js';
import type { FileStatus } from '../../cluster/protocol/types.js';
import { Journal } from '../../cluster/transport/journal.js';
import { RpcClient } from '../../cluster/transport/rpc-client.js';
import { startRpcServer, type RpcServer, type RpcServerLimits } from '../../cluster/runtime/rpc-server.js';
import { waitFor } from '../integration/wait-for.js';

const until = (what: string, ok: () => boolean, deadlineMs = 10_000): Promise<true> =>
  waitFor(what, () => (ok() ? true : undefined), deadlineMs);

const journal = new Journal(null, 'test');
let server: RpcServer | null = null;
const sockets: net.Socket[] = [];
let handled = 0;

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.close();
  server = null;
  handled = 0;
});

/** A listing page of 200 entries: a reply of tens of KiB, so unread replies add up quickly. */
const BIG_PAGE: { entries: FileStatus[]; remainingEntries: number } = {
  entries: Array.from({ length: 200 }, (_, i) => ({
    path: `/d/file-${i}`,
    pathSuffix: `file-with-a-long-name-to-make-the-reply-large-${i}`,
    type: 'FILE',
    length: 1,
    owner: 'alice',
    group: 'supergroup',
    permission: 0o644,
    replication: 3,
    blockSize: 134217728,
    modificationTime: 1,
    accessTime: 1,
    fileId: 16386 + i,
    childrenNum: 0,
    underConstruction: false,
  })),
  remainingEntries: 0,
};

async function serve(limits: Partial<RpcServerLimits>): Promise<RpcServer> {
  server = await startRpcServer({
    host: '127.0.0.1',
    port: 0,
    selfId: 'nn',
    journal,
    limits,
    handler: (method) => {
      handled++;
      if (method === 'getListing') return BIG_PAGE;
      return null;
    },
  });
  return server;
}

const CLIENT_ID = Buffer.from('0123456789abcdef');
const context = encodeConnectionContext({ clientId: CLIENT_ID, user: 'alice', protocol: CLIENT_PROTOCOL });
const request = (method: 'getListing' | 'getFileInfo'): Uint8Array =>
  entryFor(CLIENT_PROTOCOL, method)!.encodeRequest({ src: '/d' } as never);
const call = (callId: number, method: 'getListing' | 'getFileInfo'): Buffer =>
  encodeCall({
    callId,
    clientId: CLIENT_ID,
    methodName: method,
    protocol: CLIENT_PROTOCOL,
    request: request(method),
  });

/** The lab's RPC client on the test server, as a NameNode client (`idleMs`: its own idle limit). */
function connectClient(port: number, options: { idleMs?: number } = {}): Promise<RpcClient> {
  return RpcClient.connect({ host: '127.0.0.1', port, selfId: 'client', peerId: 'nn', journal, ...options });
}

/** A raw connection that records whether the server closed it. */
function open(port: number): Promise<{ socket: net.Socket; closed: () => boolean }> {
  return new Promise((resolve, reject) => {
    let closed = false;
    const socket = net.connect({ host: '127.0.0.1', port }, () => resolve({ socket, closed: () => closed }));
    sockets.push(socket);
    socket.on('close', () => (closed = true));
    socket.on('error', reject);
  });
}

describe('RPC server bounds', () => {
  it('closes a connection idle past the limit and keeps one whose peer keeps calling', async () => {
    const s = await serve({ idleMs: 300, idleScanIntervalMs: 50 });
    const silent = await open(s.port);
    silent.socket.write(Buffer.concat([RPC_PREAMBLE, context]));
    const client = await connectClient(s.port);
    const started = Date.now();
    // A call every 100 ms for over twice the idle limit: never idle, never closed.
    while (Date.now() - started < 800) {
      await expect(client.call('getFileInfo', { src: '/d' })).resolves.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await until('the idle connection closed', () => silent.closed());
    await expect(client.call('getFileInfo', { src: '/d' })).resolves.toBeNull();
    client.close();
  });

  it("closes a quiet client's connection from the client's side first, and the next call dials again", async () => {
    const s = await serve({ idleMs: 400, idleScanIntervalMs: 50 });
    // The client's own idle limit is shorter than the server's, as Java's 10 s is to Hadoop's 20 s.
    const client = await connectClient(s.port, { idleMs: 150 });
    await expect(client.call('getFileInfo', { src: '/d' })).resolves.toBeNull();
    const first = client.localAddress;
    await new Promise((resolve) => setTimeout(resolve, 700));
    await expect(client.call('getFileInfo', { src: '/d' })).resolves.toBeNull();
    expect(client.localAddress).not.toBe(first);
    client.close();
  });

  it('closes the connections holding the most unfinished request bytes past the server budget', async () => {
    const budget = 1024 * 1024;
    const s = await serve({ bufferedBytesMax: budget });
    const partial = (announced: number, sent: number): Buffer => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(announced);
      return Buffer.concat([RPC_PREAMBLE, context, length, Buffer.alloc(sent, 0x41)]);
    };
    // 300 KiB and 900 KiB of two partial frames: over the budget together, and whatever order the
    // bytes arrive in, the second holds the most once the sum crosses it.
    const first = await open(s.port);
    first.socket.write(partial(8 * 1024 * 1024, 300 * 1024));
    const second = await open(s.port);
    second.socket.write(partial(8 * 1024 * 1024, 900 * 1024));
    await until('the bigger partial sender closed', () => second.closed());
    expect(first.closed()).toBe(false);
    const client = await connectClient(s.port);
    await expect(client.call('getFileInfo', { src: '/d' })).resolves.toBeNull();
    client.close();
  });

  it('stops reading the calls of a peer that does not read its answers, then answers them all', async () => {
    const s = await serve({});
    const calls = 800;
    const peer = await open(s.port);
    peer.socket.pause();
    const frames = [RPC_PREAMBLE, context];
    for (let i = 1; i <= calls; i++) frames.push(call(i, 'getListing'));
    peer.socket.write(Buffer.concat(frames));
    // Each answer is ~20 KiB: the kernel's buffers and the server's queue hold a few hundred.
    let before = -1;
    let stablePolls = 0;
    await until(
      'the server to stop reading',
      () => {
        stablePolls = handled === before && handled > 0 ? stablePolls + 1 : 0;
        before = handled;
        return stablePolls >= 5;
      },
      20_000,
    );
    expect(handled).toBeLessThan(calls);
    // Reading the answers lets the server go on: every call is answered, each with its callId.
    const decoder = new RpcFrameDecoder(false);
    let answers = 0;
    peer.socket.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      while (decoder.next()) answers++;
    });
    peer.socket.resume();
    await until(`${calls} answers`, () => answers === calls, 30_000);
    expect(handled).toBe(calls);
  });
});
