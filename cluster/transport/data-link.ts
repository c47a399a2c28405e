/**
 * One DataTransferProtocol connection as both ends see it (docs/wire.md): opening it, sending
 * and reading ops, responses, packets and acks, each journaled at both ends with the same `conn`
 * id (`<initiator ip:port>-><acceptor ip:port>`). Nothing lab-only is on the wire: an acceptor
 * names its peer from the peer's address (XceiverServerOptions.nameOf), and the user operation
 * travels in HDFS's trace ids (BaseHeaderProto.traceInfo, see data-transfer.ts). Shared by the
 * client's block writer and reader and the DataNode's DataXceiver, BlockReceiver and BlockSender.
 */
import net from 'node:net';
import type { ChecksumAlgorithm } from '../common/crc.js';
import { ReadArena, SocketByteReader } from '../protocol/byte-reader.js';
import {
  encodeBlockOpResponse,
  encodeOpRequest,
  decodeBlockOpResponseBody,
  type BlockOpResponse,
  type BaseHeader,
  type ClientOperationHeader,
  type OpBody,
  type OpReadBlock,
  type OpReplaceBlock,
  type OpTransferBlock,
  type OpWriteBlock,
  type StatusName,
  type TransferTarget,
} from '../protocol/data-transfer.js';
import { RemoteError } from '../protocol/errors.js';
import { DATA_SOCKET_WRITE_BATCH_BYTES } from '../protocol/limits.js';
import type { FrameMessage } from '../protocol/journal-types.js';
import { decodePipelineAckBody, encodePipelineAck, type PipelineAck } from '../protocol/packet.js';
import { xferAddr, type BlockRef } from '../protocol/types.js';
import type { Journal } from './journal.js';
import { faultView } from './faults.js';
import { DATA_CONNECT_TIMEOUT_MS, OP_BODY_BYTES_MAX, PIPELINE_ACK_BYTES_MAX } from '../protocol/limits.js';

/** A DataTransfer socket idle this long is dropped (dfs.client.socket-timeout, 60 s in HDFS). */
export const DATA_SOCKET_TIMEOUT_MS = 60_000;

/** A DataNode as a DataTransfer peer (datatransfer.proto DatanodeInfoProto, reduced). */
export type XferTarget = TransferTarget;

/** One end of one DataTransfer connection, as the journal names it. */
export interface Link {
  socket: net.Socket;
  reader: SocketByteReader;
  journal: Journal;
  conn: string;
  selfId: string;
  selfAddr: string;
  peerId: string;
  peerAddr: string;
  op?: string;
}

export function journalSend(link: Link, msg: FrameMessage, raw: Buffer, data = 0): void {
  link.journal.frame({
    dir: 'send',
    ch: 'data',
    conn: link.conn,
    src: link.selfId,
    srcAddr: link.selfAddr,
    dst: link.peerId,
    dstAddr: link.peerAddr,
    msg,
    bytes: raw.length,
    data,
    raw,
    ...(link.op ? { op: link.op } : {}),
  });
}

export function journalRecv(link: Link, msg: FrameMessage, bytes: number, data = 0): void {
  link.journal.frame({
    dir: 'recv',
    ch: 'data',
    conn: link.conn,
    src: link.peerId,
    srcAddr: link.peerAddr,
    dst: link.selfId,
    dstAddr: link.selfAddr,
    msg,
    bytes,
    data,
    ...(link.op ? { op: link.op } : {}),
  });
}

/**
 * Writes a frame; resolves at once unless the socket buffer is full, then waits for 'drain'.
 * `written` is called once the socket no longer needs the frame's bytes (they reached the kernel,
 * or the write failed); never when the socket was already closed.
 */
export function writeFrame(
  socket: net.Socket,
  frame: Buffer,
  written?: () => void,
): Promise<void> | undefined {
  if (socket.destroyed) return closedWhileSending();
  if (socket.write(frame, written)) return undefined;
  return drained(socket);
}

/**
 * writeFrame for the packets of a block (a writer's, or a DataNode's forward to its mirror): the
 * socket is corked until the end of this event-loop turn, so every packet written in one turn
 * leaves in one writev(2), and the writer waits for 'drain' only once the socket holds
 * DATA_SOCKET_WRITE_BATCH_BYTES (its writableHighWaterMark, set where DataTransfer sockets are
 * made). A DataNode handles all the packets one read brought in one turn, a writer sends one
 * packet for each ack of a burst: one system call for all of them rather than one per 64 KiB
 * packet, each of which on loopback also runs the receiver's TCP input and wakes it. The frames,
 * their order and the acks are unchanged; only how TCP segments the bytes differs.
 */
export function writePacketFrame(
  socket: net.Socket,
  frame: Buffer,
  written?: () => void,
): Promise<void> | undefined {
  if (socket.destroyed) return closedWhileSending();
  corkForThisTurn(socket);
  if (socket.write(frame, written)) return undefined;
  return drained(socket);
}

function closedWhileSending(): Promise<never> {
  return Promise.reject(
    new RemoteError('IOException', 'Connection reset while sending (the socket is closed)'),
  );
}

/** Resolves on the socket's next 'drain', rejects if it closes first. */
function drained(socket: net.Socket): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      socket.off('drain', onDrain);
      socket.off('close', onClose);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onClose = (): void => {
      cleanup();
      reject(new RemoteError('IOException', 'Connection reset while sending (the peer closed the socket)'));
    };
    socket.on('drain', onDrain);
    socket.on('close', onClose);
  });
}

/**
 * Corks the socket until the end of this event-loop turn (once per turn), so the frames written
 * in the turn leave together. socket.end() uncorks, so a connection ended right after its last
 * frame still sends it.
 */
function corkForThisTurn(socket: net.Socket): void {
  if (socket.writableCorked !== 0) return;
  socket.cork();
  setImmediate(() => {
    if (!socket.destroyed) socket.uncork();
  });
}

/** Bytes of a varint-delimited frame whose body has `bodyBytes` bytes. */
export function delimitedBytes(bodyBytes: number): number {
  let n = 1;
  for (let v = bodyBytes; v >= 0x80; v = Math.floor(v / 128)) n++;
  return n + bodyBytes;
}

export async function readResponse(link: Link, block: string): Promise<BlockOpResponse> {
  const body = await link.reader.readDelimited(OP_BODY_BYTES_MAX, 'BlockOpResponse');
  const resp = decodeBlockOpResponseBody(body);
  journalRecv(link, dtResponseMsg(block, resp), delimitedBytes(body.length));
  return resp;
}

export function sendResponse(link: Link, block: string, resp: BlockOpResponse): Promise<void> | undefined {
  const raw = encodeBlockOpResponse(resp);
  journalSend(link, dtResponseMsg(block, resp), raw);
  return writeFrame(link.socket, raw);
}

function dtResponseMsg(block: string, resp: BlockOpResponse): FrameMessage {
  return {
    type: 'dt-response',
    block,
    status: resp.status,
    ...(resp.firstBadLink ? { firstBadLink: resp.firstBadLink } : {}),
    ...(resp.message ? { message: resp.message } : {}),
  };
}

export async function readAck(link: Link, block: string): Promise<PipelineAck> {
  const body = await link.reader.readDelimited(PIPELINE_ACK_BYTES_MAX, 'PipelineAck');
  const ack = decodePipelineAckBody(body);
  journalRecv(
    link,
    { type: 'ack', block, seqno: ack.seqno, replies: ack.replies },
    delimitedBytes(body.length),
  );
  return ack;
}

export function sendAck(link: Link, block: string, seqno: number, replies: StatusName[]): void {
  const raw = encodePipelineAck({ seqno, replies });
  journalSend(link, { type: 'ack', block, seqno, replies }, raw);
  writeBeforeNextTurn(link.socket, raw);
}

/**
 * Writes a small frame (a pipeline ack) with the socket corked until the end of this event-loop
 * turn, so the acks of every packet handled in one turn leave in one write(2) rather than one
 * each: a 150 MB replication-3 put acks about 2 300 packets at every DataNode, and on loopback
 * each small write costs a system call and a wakeup of the peer. The frames and their order are
 * unchanged (a later write on the socket waits behind them); only how TCP segments them differs.
 */
function writeBeforeNextTurn(socket: net.Socket, frame: Buffer): void {
  corkForThisTurn(socket);
  socket.write(frame);
}

/** The next packet on a link, journaled as received. */
export async function readPacketJournaled(
  link: Link,
  label: string,
): ReturnType<Link['reader']['readPacket']> {
  const pkt = await link.reader.readPacket();
  const h = pkt.header;
  journalRecv(
    link,
    packetMsg(label, h.seqno, h.offsetInBlock, h.dataLen, h.lastPacketInBlock, h.syncBlock),
    pkt.raw.length,
    h.dataLen,
  );
  return pkt;
}

export function packetMsg(
  block: string,
  seqno: number,
  offset: number,
  len: number,
  last: boolean,
  sync = false,
): FrameMessage {
  return { type: 'packet', block, seqno, offset, len, last, ...(sync ? { sync: true as const } : {}) };
}

export interface InitiatorOptions {
  /** Our lab id (client, dn3). */
  selfId: string;
  journal: Journal;
  /** Bind our end to this address (the client's or DataNode's own loopback address). */
  localAddress?: string | undefined;
  /** The user operation these frames belong to (put-…, get-…). */
  op?: string | undefined;
}

/** Opens a DataTransfer connection to a DataNode's xfer port. */
export async function openLink(options: InitiatorOptions & { target: XferTarget }): Promise<Link> {
  const { target } = options;
  // Fault hook: a DataNode across a partition refuses the connection.
  const cut = faultView(options.journal, options.selfId).cutReason(target.name);
  if (cut) {
    throw new RemoteError(
      'IOException',
      `Cannot connect to ${target.name} at ${xferAddr(target)} (ECONNREFUSED: ${cut})`,
    );
  }
  // Our own connections read into arenas: packets and acks arrive as views, without a copy each.
  const arena = new ReadArena();
  // Packets written in one turn leave together up to this many bytes (writePacketFrame); Node's
  // types omit the stream option net.Socket passes on.
  const connectOptions: net.NetConnectOpts & { writableHighWaterMark: number } = {
    host: target.ipAddr,
    port: target.xferPort,
    onread: arena.onread,
    writableHighWaterMark: DATA_SOCKET_WRITE_BATCH_BYTES,
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  };
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(connectOptions);
    const timer = setTimeout(() => {
      s.destroy();
      reject(
        new RemoteError(
          'IOException',
          `Connection to ${target.name} (${xferAddr(target)}) timed out after ${DATA_CONNECT_TIMEOUT_MS} ms`,
        ),
      );
    }, DATA_CONNECT_TIMEOUT_MS);
    s.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new RemoteError(
          'IOException',
          `Cannot connect to ${target.name} at ${xferAddr(target)} (${err.code ?? err.message})`,
        ),
      );
    });
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      resolve(s);
    });
  });
  // Once the handle is closed no read lands in the arena: it may be used again.
  socket.once('close', () => arena.closed());
  socket.setNoDelay(true);
  socket.setTimeout(DATA_SOCKET_TIMEOUT_MS, () =>
    socket.destroy(
      new RemoteError('IOException', `${DATA_SOCKET_TIMEOUT_MS} ms timeout while waiting for ${target.name}`),
    ),
  );
  socket.on('error', () => {
    // Surfaced through the reader and writeFrame; an unhandled 'error' would crash the process.
  });
  const selfAddr = `${socket.localAddress}:${socket.localPort}`;
  const peerAddr = `${socket.remoteAddress}:${socket.remotePort}`;
  return {
    socket,
    reader: new SocketByteReader(socket, arena),
    journal: options.journal,
    conn: `${selfAddr}->${peerAddr}`,
    selfId: options.selfId,
    selfAddr,
    peerId: target.name,
    peerAddr,
    ...(options.op ? { op: options.op } : {}),
  };
}

/**
 * Closes a link. Frames still corked for this turn (writePacketFrame) are handed to the kernel
 * first, as an uncorked write would already have been: a writer that gives up right after a write
 * has still sent its packets.
 */
export function closeLink(link: Link): void {
  link.reader.close();
  while (link.socket.writableCorked > 0 && !link.socket.destroyed) link.socket.uncork();
  link.socket.destroy();
}

export function toTransferTarget(t: XferTarget): TransferTarget {
  return { ...t };
}

type SentOp =
  'WRITE_BLOCK' | 'READ_BLOCK' | 'TRANSFER_BLOCK' | 'REPLACE_BLOCK' | 'COPY_BLOCK' | 'BLOCK_CHECKSUM';

export function sendOp<K extends SentOp>(link: Link, op: K, body: OpBody<K>, label: string): void {
  const raw = encodeOpRequest(op, body);
  journalSend(link, opMsg(op, body, label), raw);
  link.socket.write(raw);
}

/** The journal's view of an op, the same at both ends. */
export function opMsg<K extends SentOp>(op: K, body: OpBody<K>, label: string): FrameMessage {
  const clientName = 'clientName' in body.header ? body.header.clientName : undefined;
  const named = clientName === undefined ? {} : { clientName };
  if (op === 'READ_BLOCK') {
    const r = body as OpReadBlock;
    return { type: 'dt-op', op, block: label, ...named, offset: r.offset, len: r.len };
  }
  if (op === 'WRITE_BLOCK') {
    const w = body as OpWriteBlock;
    return {
      type: 'dt-op',
      op,
      block: label,
      targets: w.targets.map((t) => t.name),
      stage: w.stage,
      ...named,
    };
  }
  if (op === 'TRANSFER_BLOCK') {
    // len: the bytes to copy, the client's acknowledged length of the block.
    const t = body as OpTransferBlock;
    return {
      type: 'dt-op',
      op,
      block: label,
      targets: t.targets.map((x) => x.name),
      ...named,
      len: body.header.block.numBytes,
    };
  }
  if (op === 'REPLACE_BLOCK') {
    const r = body as OpReplaceBlock;
    return { type: 'dt-op', op, block: label, targets: [r.source.name] };
  }
  return { type: 'dt-op', op, block: label };
}

/** The header every op carries (BaseHeaderProto): the block and the user operation's id. */
export function baseHeader(options: InitiatorOptions & { poolId: string; block: BlockRef }): BaseHeader {
  return {
    block: { poolId: options.poolId, ...options.block },
    ...(options.op ? { opId: options.op } : {}),
  };
}

/** The header of a client's op: the base header and the client name. */
export function clientHeader(
  options: InitiatorOptions & { poolId: string; block: BlockRef; clientName: string },
): ClientOperationHeader {
  const { block, ...rest } = baseHeader(options);
  return { block, clientName: options.clientName, ...rest };
}

/**
 * The checksum a READ_BLOCK answer announces, if the reader can verify it: CRC32 or CRC32C with
 * 4-byte sums, as HDFS's readers require (a NULL checksum is refused, like the Go client does).
 */
export function readableChecksum(
  resp: BlockOpResponse,
  block: string,
  datanode: string,
): { type: ChecksumAlgorithm; bytesPerChecksum: number } {
  const c = resp.readOpChecksumInfo?.checksum;
  if (!c || c.type === 'NULL' || c.bytesPerChecksum <= 0) {
    throw new RemoteError(
      'IOException',
      `${datanode} answered READ_BLOCK of ${block} with checksum ${c ? `${c.type}/${c.bytesPerChecksum}` : '(none)'}; a reader needs CRC32 or CRC32C`,
    );
  }
  return { type: c.type, bytesPerChecksum: c.bytesPerChecksum };
}

/** A chunk failed its CRC at the reader (HDFS's ChecksumException). */
export class ChecksumError extends RemoteError {
  constructor(
    readonly block: string,
    readonly datanode: string,
    readonly position: number,
  ) {
    super('ChecksumException', `Checksum error: ${block} from ${datanode} at ${position}`);
  }
}
