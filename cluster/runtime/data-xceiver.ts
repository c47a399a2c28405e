/**
 * The DataNode's DataXceiverServer and DataXceiver: accepts DataTransfer connections (at most
 * XCEIVERS_MAX, each dropped after DATA_SOCKET_TIMEOUT_MS idle, frames beyond a connection's
 * read-ahead bounded by XCEIVER_LARGE_FRAME_BYTES_SERVER_MAX together), reads the op, names the peer from
 * its address and hands the op to BlockReceiver (WRITE_BLOCK, REPLACE_BLOCK) or BlockSender
 * (READ_BLOCK, COPY_BLOCK, BLOCK_CHECKSUM, TRANSFER_BLOCK).
 */
import { blockName } from '../protocol/types.js';
import net from 'node:net';
import { ByteBudget, ReadArena, SocketByteReader } from '../protocol/byte-reader.js';
import type { TransferTarget } from '../protocol/data-transfer.js';
import { RemoteError } from '../protocol/errors.js';
import { XCEIVER_LARGE_FRAME_BYTES_SERVER_MAX, XCEIVERS_MAX } from '../protocol/limits.js';
import { faultView } from '../transport/faults.js';
import { DATA_SOCKET_TIMEOUT_MS, journalRecv, sendResponse, opMsg } from '../transport/data-link.js';
import type { Link } from '../transport/data-link.js';
import type { XceiverServerOptions, XceiverServer } from './xceiver-server.js';
import { receiveBlock, serveReplaceBlock } from './block-receiver.js';
import { sendBlock, sendBlockChecksum, serveCopyBlock, transferRbw } from './block-sender.js';

export async function startXceiverServer(options: XceiverServerOptions): Promise<XceiverServer> {
  const sockets = new Set<net.Socket>();
  const budget = new ByteBudget(XCEIVER_LARGE_FRAME_BYTES_SERVER_MAX);
  const server = net.createServer({ pauseOnConnect: true }, (accepted) => {
    const { socket, arena } = readingIntoArena(accepted);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {
      // Surfaced through the reader; an unhandled 'error' would crash the DataNode.
    });
    socket.setNoDelay(true);
    socket.setTimeout(DATA_SOCKET_TIMEOUT_MS, () => socket.destroy());
    void serveConnection(socket, arena, options, budget).catch((err: unknown) =>
      options.log(
        'warn',
        `DataXceiver error processing request from ${socket.remoteAddress}:${socket.remotePort}: ${(err as Error).message}`,
      ),
    );
  });
  server.maxConnections = XCEIVERS_MAX;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;
  return {
    host: options.host,
    port: address.port,
    // HDFS counts the DataXceiverServer thread too, so an idle DataNode reports 1; placement's
    // considerLoad (xceivers > 2 × average) would otherwise refuse a node with one transfer.
    xceiverCount: () => sockets.size + 1,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** What Node 20 to 24 keep on an accepted socket: its libuv handle and the server that counts it. */
interface AcceptedSocketInternals {
  _handle?: { useUserBuffer?: unknown } | null;
  _server?: unknown;
  server?: unknown;
}

/**
 * An accepted connection (paused before its first read) reading into a ReadArena, as the sockets a
 * DataNode or client connects itself do. net.Server takes no `onread` in Node 20, so the accepted
 * socket's handle moves into a new Socket built with one, which also takes over the server's
 * count of it. Without this, reads arrive as 64 KiB 'data' chunks, two per 64 KiB packet, and
 * every packet is copied out of them: receiving 2 300 packets (150 MB) cost a process about a
 * fifth more CPU (measured over loopback). Where the handle is not what Node 20 to 24 have, the
 * accepted socket reads with 'data' events as before.
 */
export function readingIntoArena(accepted: net.Socket): { socket: net.Socket; arena?: ReadArena } {
  const internals = accepted as unknown as AcceptedSocketInternals;
  const handle = internals._handle;
  if (!handle || typeof handle.useUserBuffer !== 'function') {
    accepted.resume();
    return { socket: accepted };
  }
  const arena = new ReadArena();
  internals._handle = null;
  const socket = new net.Socket({
    handle,
    readable: true,
    writable: true,
    onread: arena.onread,
  } as net.SocketConstructorOpts);
  // Once the handle is closed no read lands in the arena: it may be used again.
  socket.once('close', () => arena.closed());
  const adopted = socket as unknown as AcceptedSocketInternals;
  adopted._server = internals._server;
  adopted.server = internals.server;
  internals._server = null;
  return { socket, arena };
}

async function serveConnection(
  socket: net.Socket,
  arena: ReadArena | undefined,
  options: XceiverServerOptions,
  budget: ByteBudget,
): Promise<void> {
  const selfAddr = `${socket.localAddress}:${socket.localPort}`;
  const peerAddr = `${socket.remoteAddress}:${socket.remotePort}`;
  const link: Link = {
    socket,
    reader: new SocketByteReader(socket, arena, budget),
    journal: options.journal,
    conn: `${peerAddr}->${selfAddr}`,
    selfId: options.selfId,
    selfAddr,
    peerId: options.nameOf?.(socket.remoteAddress ?? '') ?? peerAddr,
    peerAddr,
  };
  try {
    if (!(await link.reader.hasMore())) return;
    const req = await link.reader.readOpRequest();
    // Fault hook: an op from across a partition never arrives.
    if (faultView(options.journal, options.selfId).cutReason(link.peerId)) return;
    if (req.op === 'READ_METADATA') {
      journalRecv(link, { type: 'dt-op', op: req.op, block: '?' }, req.bytes);
      await sendResponse(link, '?', {
        status: 'ERROR_UNSUPPORTED',
        message: `${req.op} is not supported by the lab's DataNode`,
      });
      return;
    }
    nameTargets(req.body as { targets?: TransferTarget[]; source?: TransferTarget }, options);
    const header = req.body.header;
    if (header.opId) link.op = header.opId;
    const label = blockName(header.block);
    journalRecv(link, opMsg(req.op, req.body as never, label), req.bytes);
    if (req.op === 'WRITE_BLOCK') await receiveBlock(link, req.body, options);
    else if (req.op === 'READ_BLOCK') await sendBlock(link, req.body, options);
    else if (req.op === 'TRANSFER_BLOCK') await transferRbw(link, req.body, options);
    else if (req.op === 'BLOCK_CHECKSUM') await sendBlockChecksum(link, req.body, options);
    else if (req.op === 'REPLACE_BLOCK') await serveReplaceBlock(link, req.body, options);
    else await serveCopyBlock(link, req.body, options);
  } catch (err) {
    // A malformed op gets a coded answer where the protocol still allows one.
    if (err instanceof RemoteError && err.errorClass === 'MalformedFrameException' && !socket.destroyed) {
      try {
        await sendResponse(link, '?', { status: 'ERROR_INVALID', message: err.message });
      } catch {
        // peer gone
      }
    }
    throw err;
  } finally {
    link.reader.close();
    socket.end();
    setTimeout(() => socket.destroy(), 1_000).unref();
  }
}

/** Gives the DataNodes an op names (targets, source) their lab ids, found from their addresses. */
function nameTargets(
  body: { targets?: TransferTarget[]; source?: TransferTarget },
  options: XceiverServerOptions,
): void {
  const named = (t: TransferTarget): void => {
    t.name = options.nameOf?.(t.ipAddr, t.xferPort) ?? t.name;
  };
  body.targets?.forEach(named);
  if (body.source) named(body.source);
}
