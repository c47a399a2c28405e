/**
 * DataTransferProtocol over TCP (reference §10.2–10.3, §11): the DataNode's DataXceiverServer
 * and the initiator side shared by the DFS client and DataNode-initiated copies (DNA_TRANSFER).
 *
 * WRITE_BLOCK is a real pipeline: each DataNode connects to the next target before it answers
 * the setup, forwards every packet downstream before writing it, and acks a packet upstream only
 * after the downstream ack for that seqno arrived (the last DataNode acks at once). READ_BLOCK
 * streams the block file's bytes with the checksums stored in the .meta file, so a corrupted block
 * file is caught by the reader.
 *
 * Every frame sent or received is journaled at both ends with the same `conn` id
 * (`<initiator ip:port>-><acceptor ip:port>`). Nothing lab-only is on the wire: the acceptor names
 * its peer from the peer's address (XceiverServerOptions.nameOf), and the user operation travels
 * in HDFS's trace ids (BaseHeaderProto.traceInfo, see data-transfer.ts) so traces group frames.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { chunkChecksums, verifyChunkChecksums, type ChecksumAlgorithm } from '../common/crc.js';
import { ReadArena, SocketByteReader } from '../protocol/byte-reader.js';
import {
  encodeBlockOpResponse,
  encodeClientReadStatus,
  encodeOpRequest,
  decodeBlockOpResponseBody,
  decodeClientReadStatusBody,
  OP_BODY_BYTES_MAX,
  PIPELINE_ACK_BYTES_MAX,
  type BlockChecksumResponse,
  type BlockConstructionStage,
  type BlockOpResponse,
  type OpBlockChecksum,
  type OpCopyBlock,
  type ClientOperationHeader,
  type DataChecksum,
  type OpBody,
  type OpReadBlock,
  type OpReplaceBlock,
  type OpTransferBlock,
  type OpWriteBlock,
  type StatusName,
  type TransferTarget,
} from '../protocol/data-transfer.js';
import { RemoteError } from '../protocol/errors.js';
import type { FrameMessage } from '../protocol/journal-types.js';
import { PACKETS_IN_FLIGHT_MAX, XCEIVERS_MAX } from '../protocol/limits.js';
import {
  BYTES_PER_CHECKSUM,
  CHECKSUM_SIZE,
  decodePipelineAckBody,
  encodePacket,
  encodePipelineAck,
  HEARTBEAT_SEQNO,
  PACKET_DATA_BYTES,
  type PipelineAck,
} from '../protocol/packet.js';
import type { BlockRef } from '../protocol/types.js';
import { META_HEADER_BYTES, parseMeta, type ChecksumSpec } from '../datanode/meta.js';
import { blockFileName, metaFileName, parseMetaFileName, rbwDir } from '../datanode/layout.js';
import path from 'node:path';
import type { DatanodeStorage, ReplicaFiles, ReplicaWriter } from './datanode-storage.js';
import type { Journal } from './journal.js';
import { faultDelay, faultView } from './faults.js';

/** Connecting to a DataNode's xfer port: a live DataNode on loopback answers in microseconds; 5 s lets a busy laptop through and still reports a dead one quickly. */
export const DATA_CONNECT_TIMEOUT_MS = 5_000;
/** A DataTransfer socket idle this long is dropped (dfs.client.socket-timeout, 60 s in HDFS). */
export const DATA_SOCKET_TIMEOUT_MS = 60_000;
/**
 * Bytes read from a block file per read(2) when sending a block: 16 full packets (≈1 MiB), so a
 * packet never spans two reads and each read is large and sequential.
 */
export const BLOCK_READ_WINDOW_BYTES = 16 * PACKET_DATA_BYTES;

/** A DataNode as a DataTransfer peer (datatransfer.proto DatanodeInfoProto, reduced). */
export type XferTarget = TransferTarget;

/** One end of one DataTransfer connection, as the journal names it. */
interface Link {
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

function journalSend(link: Link, msg: FrameMessage, raw: Buffer, data = 0): void {
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

function journalRecv(link: Link, msg: FrameMessage, bytes: number, data = 0): void {
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

/** Writes a frame; resolves at once unless the socket buffer is full, then waits for 'drain'. */
function writeFrame(socket: net.Socket, frame: Buffer): Promise<void> | undefined {
  if (socket.destroyed) {
    return Promise.reject(
      new RemoteError('IOException', 'Connection reset while sending (the socket is closed)'),
    );
  }
  if (socket.write(frame)) return undefined;
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

function blockLabel(block: { blockId: number; genStamp: number }): string {
  return `blk_${block.blockId}_${block.genStamp}`;
}

/** Bytes of a varint-delimited frame whose body has `bodyBytes` bytes. */
function delimitedBytes(bodyBytes: number): number {
  let n = 1;
  for (let v = bodyBytes; v >= 0x80; v = Math.floor(v / 128)) n++;
  return n + bodyBytes;
}

async function readResponse(link: Link, block: string): Promise<BlockOpResponse> {
  const body = await link.reader.readDelimited(OP_BODY_BYTES_MAX, 'BlockOpResponse');
  const resp = decodeBlockOpResponseBody(body);
  journalRecv(link, dtResponseMsg(block, resp), delimitedBytes(body.length));
  return resp;
}

function sendResponse(link: Link, block: string, resp: BlockOpResponse): Promise<void> | undefined {
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

async function readAck(link: Link, block: string): Promise<PipelineAck> {
  const body = await link.reader.readDelimited(PIPELINE_ACK_BYTES_MAX, 'PipelineAck');
  const ack = decodePipelineAckBody(body);
  journalRecv(
    link,
    { type: 'ack', block, seqno: ack.seqno, replies: ack.replies },
    delimitedBytes(body.length),
  );
  return ack;
}

function sendAck(link: Link, block: string, seqno: number, replies: StatusName[]): void {
  const raw = encodePipelineAck({ seqno, replies });
  journalSend(link, { type: 'ack', block, seqno, replies }, raw);
  link.socket.write(raw);
}

/** The next packet on a link, journaled as received. */
async function readPacketJournaled(link: Link, label: string): ReturnType<Link['reader']['readPacket']> {
  const pkt = await link.reader.readPacket();
  const h = pkt.header;
  journalRecv(
    link,
    packetMsg(label, h.seqno, h.offsetInBlock, h.dataLen, h.lastPacketInBlock),
    pkt.raw.length,
    h.dataLen,
  );
  return pkt;
}

function packetMsg(block: string, seqno: number, offset: number, len: number, last: boolean): FrameMessage {
  return { type: 'packet', block, seqno, offset, len, last };
}

// ---------------------------------------------------------------------------------------------
// Initiator side
// ---------------------------------------------------------------------------------------------

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
async function openLink(options: InitiatorOptions & { target: XferTarget }): Promise<Link> {
  const { target } = options;
  // Fault hook: a DataNode across a partition refuses the connection.
  const cut = faultView(options.journal, options.selfId).cutReason(target.name);
  if (cut) {
    throw new RemoteError(
      'IOException',
      `Cannot connect to ${target.name} at ${target.ipAddr}:${target.xferPort} (ECONNREFUSED: ${cut})`,
    );
  }
  // Our own connections read into arenas: packets and acks arrive as views, without a copy each.
  const arena = new ReadArena();
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({
      host: target.ipAddr,
      port: target.xferPort,
      onread: arena.onread,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    const timer = setTimeout(() => {
      s.destroy();
      reject(
        new RemoteError(
          'IOException',
          `Connection to ${target.name} (${target.ipAddr}:${target.xferPort}) timed out after ${DATA_CONNECT_TIMEOUT_MS} ms`,
        ),
      );
    }, DATA_CONNECT_TIMEOUT_MS);
    s.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new RemoteError(
          'IOException',
          `Cannot connect to ${target.name} at ${target.ipAddr}:${target.xferPort} (${err.code ?? err.message})`,
        ),
      );
    });
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      resolve(s);
    });
  });
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

function closeLink(link: Link): void {
  link.reader.close();
  link.socket.destroy();
}

/** Pipeline setup failed; `badTarget` is HDFS's firstBadLink (the DataNode to exclude). */
export class PipelineSetupError extends RemoteError {
  constructor(
    message: string,
    readonly badTarget: string,
  ) {
    super('IOException', message);
  }
}

/** A packet was not acked SUCCESS by every DataNode; `badTarget` is the first that failed. */
export class PipelineAckError extends RemoteError {
  constructor(
    message: string,
    readonly badTarget: string,
  ) {
    super('IOException', message);
  }
}

export interface BlockWriterOptions extends InitiatorOptions {
  /** The pipeline, in order; the first is the one we connect to. */
  targets: readonly XferTarget[];
  poolId: string;
  block: { blockId: number; genStamp: number };
  /** '' marks a DataNode-initiated copy (receivers verify every chunk and write to tmp/). */
  clientName: string;
  stage?: BlockConstructionStage;
  /** The DataNode the bytes come from, for DataNode-initiated copies. */
  source?: XferTarget;
  /** The checksum of the packets (CRC32C unless a copy sends a replica's stored CRC32 sums). */
  checksum?: DataChecksum;
}

/**
 * The initiator of a WRITE_BLOCK pipeline (DataStreamer's core): sets the pipeline up, sends
 * packets (at most PACKETS_IN_FLIGHT_MAX un-acked, honouring socket back-pressure), reads acks,
 * and at close waits for every ack, sends the empty last packet and waits for its ack.
 */
export class BlockWriter {
  private seqno = 0;
  private offset = 0;
  private readonly ackQueue: number[] = [];
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private lastSeqno: number | null = null;
  private readonly ackLoop: Promise<void>;
  /** Data packets sent and not yet acked, kept for pipeline recovery (DataStreamer's ackQueue). */
  private readonly unacked = new Map<number, { offset: number; len: number; frame: Buffer }>();
  private ackedBytesValue = 0;

  private constructor(
    private readonly link: Link,
    private readonly targets: readonly XferTarget[],
    private readonly label: string,
    /** The checksum the packets carry (computed here unless given, as a DataNode's copy does). */
    private readonly checksumType: ChecksumAlgorithm,
  ) {
    this.ackLoop = this.readAcks();
  }

  /**
   * Connects to targets[0], sends WRITE_BLOCK with the rest as downstream, reads the setup response.
   * With `resume` (pipeline recovery, stage PIPELINE_SETUP_STREAMING_RECOVERY) the DataNodes carry
   * on from `resume.ackedBytes` and the un-acked packets are sent again, with their old seqnos.
   */
  static async open(options: BlockWriterOptions & { resume?: WriterResume }): Promise<BlockWriter> {
    const first = options.targets[0];
    if (!first) throw new RemoteError('IOException', 'BlockWriter.open: empty pipeline');
    const label = blockLabel(options.block);
    let link: Link;
    try {
      link = await openLink({ ...options, target: first });
    } catch (err) {
      throw new PipelineSetupError(
        `Bad connect ack with firstBadLink as ${first.name}: ${(err as Error).message}`,
        first.name,
      );
    }
    const body: OpWriteBlock = {
      header: clientHeader({ ...options, block: { ...options.block, numBytes: 0 } }),
      targets: options.targets.slice(1).map(toTransferTarget),
      ...(options.source ? { source: toTransferTarget(options.source) } : {}),
      stage: options.stage ?? 'PIPELINE_SETUP_CREATE',
      pipelineSize: options.targets.length,
      minBytesRcvd: options.resume?.ackedBytes ?? 0,
      maxBytesRcvd: options.resume?.offset ?? 0,
      latestGenerationStamp: options.block.genStamp,
      requestedChecksum: options.checksum ?? { type: 'CRC32C', bytesPerChecksum: BYTES_PER_CHECKSUM },
    };
    let resp: BlockOpResponse;
    try {
      sendOp(link, 'WRITE_BLOCK', body, label);
      resp = await readResponse(link, label);
    } catch (err) {
      closeLink(link);
      throw new PipelineSetupError(
        `Bad connect ack with firstBadLink as ${first.name}: ${(err as Error).message}`,
        first.name,
      );
    }
    if (resp.status !== 'SUCCESS') {
      closeLink(link);
      const bad = resp.firstBadLink || first.name;
      throw new PipelineSetupError(
        `Bad connect ack with firstBadLink as ${bad}${resp.message ? ` (${resp.message})` : ''}`,
        bad,
      );
    }
    const type = body.requestedChecksum.type === 'CRC32' ? 'CRC32' : 'CRC32C';
    const writer = new BlockWriter(link, options.targets, label, type);
    if (options.resume) await writer.resend(options.resume);
    return writer;
  }

  get bytesSent(): number {
    return this.offset;
  }

  /** Bytes every DataNode of the pipeline has acknowledged. */
  get ackedBytes(): number {
    return this.ackedBytesValue;
  }

  /** What a recovered pipeline needs to carry on where this one failed (after abort()). */
  resumeState(): WriterResume {
    const frames = [...this.unacked.entries()]
      .sort(([a], [b]) => a - b)
      .map(([seqno, p]) => ({ seqno, ...p }));
    return { ackedBytes: this.ackedBytesValue, offset: this.offset, nextSeqno: this.seqno, frames };
  }

  private async resend(resume: WriterResume): Promise<void> {
    this.seqno = resume.nextSeqno;
    this.offset = resume.ackedBytes;
    this.ackedBytesValue = resume.ackedBytes;
    for (const f of resume.frames) {
      this.ackQueue.push(f.seqno);
      this.unacked.set(f.seqno, { offset: f.offset, len: f.len, frame: f.frame });
      journalSend(this.link, packetMsg(this.label, f.seqno, f.offset, f.len, false), f.frame, f.len);
      this.offset = f.offset + f.len;
      const wait = writeFrame(this.link.socket, f.frame);
      if (wait) await wait;
    }
    this.offset = resume.offset;
  }

  /**
   * Sends one packet of `data` (≤ PACKET_DATA_BYTES, a whole number of chunks unless it is the
   * block's last data). `checksums` are the stored CRCs to send as they are (DataNode copies);
   * absent, they are computed.
   */
  async writePacket(data: Buffer, checksums?: Buffer): Promise<void> {
    while (this.ackQueue.length >= PACKETS_IN_FLIGHT_MAX && !this.failure) await this.nextAck();
    if (this.failure) throw this.failure;
    const frame = encodePacket({
      offsetInBlock: this.offset,
      seqno: this.seqno,
      lastPacketInBlock: false,
      data,
      checksumType: this.checksumType,
      ...(checksums ? { checksums } : {}),
    });
    await faultDelay(faultView(this.link.journal, this.link.selfId));
    this.ackQueue.push(this.seqno);
    this.unacked.set(this.seqno, { offset: this.offset, len: data.length, frame });
    journalSend(
      this.link,
      packetMsg(this.label, this.seqno, this.offset, data.length, false),
      frame,
      data.length,
    );
    this.seqno++;
    this.offset += data.length;
    const wait = writeFrame(this.link.socket, frame);
    if (wait) await wait;
  }

  /** Waits for every ack, sends the empty last packet, waits for its ack; returns the block length. */
  async close(): Promise<number> {
    try {
      while (this.ackQueue.length > 0 && !this.failure) await this.nextAck();
      if (this.failure) throw this.failure;
      const frame = encodePacket({
        offsetInBlock: this.offset,
        seqno: this.seqno,
        lastPacketInBlock: true,
        data: Buffer.alloc(0),
      });
      this.lastSeqno = this.seqno;
      this.ackQueue.push(this.seqno);
      journalSend(this.link, packetMsg(this.label, this.seqno, this.offset, 0, true), frame);
      await writeFrame(this.link.socket, frame);
      await this.ackLoop;
      if (this.failure) throw this.failure;
      return this.offset;
    } finally {
      closeLink(this.link);
    }
  }

  abort(): void {
    this.failure ??= new RemoteError('IOException', 'pipeline aborted');
    closeLink(this.link);
    this.notify();
  }

  private nextAck(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async readAcks(): Promise<void> {
    try {
      while (true) {
        const ack = await readAck(this.link, this.label);
        const expected = this.ackQueue[0];
        if (expected === undefined || ack.seqno !== expected) {
          throw new PipelineAckError(
            `Pipeline ack for ${this.label}: seqno ${ack.seqno} arrived, expected ${expected ?? 'none'}`,
            this.targets[0]?.name ?? '?',
          );
        }
        const badIndex = ack.replies.findIndex((r) => r !== 'SUCCESS');
        if (badIndex >= 0 || ack.replies.length < this.targets.length) {
          const index = badIndex >= 0 ? badIndex : ack.replies.length;
          const bad = this.targets[index]?.name ?? '?';
          throw new PipelineAckError(
            `Bad response ${ack.replies[index] ?? 'missing'} for ${this.label} from datanode ${bad} (ack seqno ${ack.seqno}, replies [${ack.replies.join(',')}])`,
            bad,
          );
        }
        this.ackQueue.shift();
        const sent = this.unacked.get(ack.seqno);
        if (sent) {
          this.ackedBytesValue = sent.offset + sent.len;
          this.unacked.delete(ack.seqno);
        }
        this.notify();
        if (ack.seqno === this.lastSeqno) return;
      }
    } catch (err) {
      this.failure ??=
        err instanceof RemoteError
          ? err
          : new PipelineAckError(
              `Pipeline to ${this.targets[0]?.name} failed: ${(err as Error).message}`,
              this.targets[0]?.name ?? '?',
            );
      this.notify();
    }
  }
}

/** A failed pipeline's position, handed to the recovered one (BlockWriter.open's `resume`). */
export interface WriterResume {
  /** Bytes acked by every DataNode: the recovered replicas are cut back to this (minBytesRcvd). */
  ackedBytes: number;
  /** Bytes sent so far (maxBytesRcvd). */
  offset: number;
  nextSeqno: number;
  /** Packets sent but not acked, in seqno order, as encoded frames (packets carry no genstamp). */
  frames: { seqno: number; offset: number; len: number; frame: Buffer }[];
}

function toTransferTarget(t: XferTarget): TransferTarget {
  return { ...t };
}

type SentOp =
  'WRITE_BLOCK' | 'READ_BLOCK' | 'TRANSFER_BLOCK' | 'REPLACE_BLOCK' | 'COPY_BLOCK' | 'BLOCK_CHECKSUM';

function sendOp<K extends SentOp>(link: Link, op: K, body: OpBody<K>, label: string): void {
  const raw = encodeOpRequest(op, body);
  journalSend(link, opMsg(op, body, label), raw);
  link.socket.write(raw);
}

/** The journal's view of an op, the same at both ends. */
function opMsg<K extends SentOp>(op: K, body: OpBody<K>, label: string): FrameMessage {
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

/** The header of a client's op: the block, the client name and the user operation. */
function clientHeader(
  options: InitiatorOptions & { poolId: string; block: BlockRef; clientName: string },
): ClientOperationHeader {
  return {
    block: { poolId: options.poolId, ...options.block },
    clientName: options.clientName,
    ...(options.op ? { opId: options.op } : {}),
  };
}

/** Sends a whole block from an async source of packet-sized pieces; returns the block length. */
export async function writeBlockPipeline(
  options: BlockWriterOptions & { packets: AsyncIterable<{ data: Buffer; checksums?: Buffer }> },
): Promise<number> {
  const writer = await BlockWriter.open(options);
  try {
    for await (const p of options.packets) await writer.writePacket(p.data, p.checksums);
    return await writer.close();
  } catch (err) {
    writer.abort();
    throw err;
  }
}

/**
 * The checksum a READ_BLOCK answer announces, if the reader can verify it: CRC32 or CRC32C with
 * 4-byte sums, as HDFS's readers require (a NULL checksum is refused, like the Go client does).
 */
function readableChecksum(
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

export interface ReadBlockOptions extends InitiatorOptions {
  target: XferTarget;
  poolId: string;
  block: { blockId: number; genStamp: number; numBytes: number };
  clientName: string;
  /** Byte offset in the block to start at (need not be chunk-aligned). */
  offset: number;
  len: number;
}

/**
 * READ_BLOCK from one DataNode: yields the block's bytes from `offset` (views into received
 * frames), verifying every chunk's CRC32C first; sends CHECKSUM_OK after a clean read.
 * Throws ChecksumError on a bad chunk and RemoteError on a refused op or a broken connection.
 */
export async function* readBlock(options: ReadBlockOptions): AsyncGenerator<Buffer> {
  const label = blockLabel(options.block);
  const link = await openLink(options);
  try {
    const body: OpReadBlock = {
      header: clientHeader(options),
      offset: options.offset,
      len: options.len,
      sendChecksums: true,
    };
    sendOp(link, 'READ_BLOCK', body, label);
    const resp = await readResponse(link, label);
    if (resp.status !== 'SUCCESS') {
      throw new RemoteError(
        'IOException',
        `Got error, status=${resp.status}, for OP_READ_BLOCK, ${options.poolId}:${label} from ${options.target.name}${resp.message ? `: ${resp.message}` : ''}`,
      );
    }
    const checksum = readableChecksum(resp, `${options.poolId}:${label}`, options.target.name);
    const end = options.offset + options.len;
    while (true) {
      const pkt = await readPacketJournaled(link, label);
      const h = pkt.header;
      if (h.lastPacketInBlock) break;
      const bad = verifyChunkChecksums(pkt.data, pkt.checksums, checksum.bytesPerChecksum, checksum.type);
      if (bad >= 0)
        throw new ChecksumError(
          `${options.poolId}:${label}`,
          options.target.name,
          h.offsetInBlock + bad * checksum.bytesPerChecksum,
        );
      const from = Math.max(options.offset - h.offsetInBlock, 0);
      const to = Math.min(end - h.offsetInBlock, pkt.data.length);
      if (to > from) yield pkt.data.subarray(from, to);
    }
    const raw = encodeClientReadStatus({ status: 'CHECKSUM_OK' });
    journalSend(link, { type: 'read-status', block: label, status: 'CHECKSUM_OK' }, raw);
    await writeFrame(link.socket, raw);
    link.socket.end();
  } finally {
    closeLink(link);
  }
}

// ---------------------------------------------------------------------------------------------
// DataNode side: the DataXceiverServer
// ---------------------------------------------------------------------------------------------

export interface XceiverServerOptions {
  host: string;
  port: number;
  selfId: string;
  journal: Journal;
  storage: DatanodeStorage;
  /**
   * A client's RBW replica was created (blockReceivedAndDeleted RECEIVING). `opId` is the client's
   * operation from the WRITE_BLOCK op, so the report is part of the put's trace.
   */
  onReceiving(block: BlockRef, opId?: string): void;
  /** A replica was finalized (blockReceivedAndDeleted RECEIVED, at once); `opId` as above. */
  onReceived(block: BlockRef, replica: ReplicaFiles, opId?: string): void;
  /** A DataNode-initiated copy arrived with bad checksums: the source replica is corrupt. */
  onBadSourceReplica(block: BlockRef, source: string): void;
  /** Operating problems worth a line in the DataNode's log. */
  log(level: 'info' | 'warn', text: string): void;
  /**
   * The lab id (dn2, client) of the process at `ip` (and xfer `port`, for a DataNode named as a
   * target), or undefined; frames to an unnamed peer are journaled with its address.
   */
  nameOf?(ip: string, port?: number): string | undefined;
  /** dfs.datanode.balance.bandwidthPerSec: how fast COPY_BLOCK sends a replica for the balancer (0: unthrottled). */
  balanceBytesPerSec?: number;
}

export interface XceiverServer {
  host: string;
  port: number;
  /** Open DataTransfer connections (the heartbeat's xceiverCount). */
  xceiverCount(): number;
  close(): Promise<void>;
}

export async function startXceiverServer(options: XceiverServerOptions): Promise<XceiverServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {
      // Surfaced through the reader; an unhandled 'error' would crash the DataNode.
    });
    socket.setNoDelay(true);
    socket.setTimeout(DATA_SOCKET_TIMEOUT_MS, () => socket.destroy());
    void serveConnection(socket, options).catch((err: unknown) =>
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

async function serveConnection(socket: net.Socket, options: XceiverServerOptions): Promise<void> {
  const selfAddr = `${socket.localAddress}:${socket.localPort}`;
  const peerAddr = `${socket.remoteAddress}:${socket.remotePort}`;
  const link: Link = {
    socket,
    reader: new SocketByteReader(socket),
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
    const label = blockLabel(header.block);
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

interface PendingAck {
  seqno: number;
  last: boolean;
  /** Resolves when this DataNode has written (and, for the last packet, finalized) the packet. */
  local: Promise<void>;
}

/** WRITE_BLOCK at a DataNode (DataXceiver.writeBlock + BlockReceiver + PacketResponder). */
async function receiveBlock(up: Link, op: OpWriteBlock, options: XceiverServerOptions): Promise<void> {
  const { storage } = options;
  const eb = op.header.block;
  const label = blockLabel(eb);
  const block: BlockRef = { blockId: eb.blockId, genStamp: eb.genStamp, numBytes: 0 };
  // A DataNode-initiated copy (DNA_TRANSFER) has no client; a TRANSFER_RBW copy (pipeline
  // recovery adding a DataNode) has one. Both arrive in tmp/; the first is finalized, the second
  // becomes an rbw replica (BlockReceiver's isDatanode / isTransfer).
  const isTransfer = op.header.clientName === '';
  const isRbwTransfer = op.stage === 'TRANSFER_RBW';
  const isClientWrite = !isTransfer && !isRbwTransfer;
  if (eb.poolId !== storage.poolId) {
    await sendResponse(up, label, {
      status: 'ERROR',
      message: `block pool ${eb.poolId} is not served here (${storage.poolId})`,
    });
    return;
  }
  const recovering =
    op.stage === 'PIPELINE_SETUP_STREAMING_RECOVERY' || op.stage === 'PIPELINE_CLOSE_RECOVERY';
  const checksum = storableChecksum(op.requestedChecksum);
  if (typeof checksum === 'string') {
    await sendResponse(up, label, { status: 'ERROR_UNSUPPORTED', firstBadLink: '', message: checksum });
    return;
  }
  let writer: ReplicaWriter;
  try {
    if (recovering) {
      // The old pipeline's receiver for this block may not have noticed the failure yet.
      await cancelActiveWrite(block.blockId);
      writer = reopenRbw(storage, block, op.minBytesRcvd);
      options.log(
        'info',
        `${options.selfId}: recovering RBW replica blk_${block.blockId} at ${op.minBytesRcvd} bytes with new generation stamp ${block.genStamp}`,
      );
    } else {
      writer = isClientWrite ? storage.createRbw(block, checksum) : storage.createTemporary(block, checksum);
    }
  } catch (err) {
    await sendResponse(up, label, { status: 'ERROR', message: (err as Error).message });
    return;
  }
  let finished = false;
  let mirror: Link | null = null;
  let markDone!: () => void;
  const done = new Promise<void>((resolve) => (markDone = resolve));
  if (isClientWrite) {
    activeWrites.set(block.blockId, {
      done,
      cancel: () => {
        up.socket.destroy();
        if (mirror) closeLink(mirror);
      },
    });
  }
  try {
    if (isClientWrite) options.onReceiving(block, up.op);
    const next = op.targets[0];
    let firstBadLink = '';
    if (next) {
      try {
        mirror = await openLink({
          selfId: options.selfId,
          journal: options.journal,
          localAddress: up.socket.localAddress,
          op: up.op,
          target: next,
        });
        sendOp(mirror, 'WRITE_BLOCK', { ...op, targets: op.targets.slice(1) }, label);
        const resp = await readResponse(mirror, label);
        if (resp.status !== 'SUCCESS') firstBadLink = resp.firstBadLink || next.name;
      } catch (err) {
        options.log(
          'warn',
          `Datanode ${options.selfId} got a failure connecting to downstream ${next.name}: ${(err as Error).message}`,
        );
        firstBadLink = next.name;
      }
    }
    if (firstBadLink) {
      await sendResponse(up, label, {
        status: 'ERROR',
        firstBadLink,
        message: `pipeline setup failed at ${firstBadLink}`,
      });
      return;
    }
    await sendResponse(up, label, { status: 'SUCCESS', firstBadLink: '' });
    // The last DataNode verifies client writes; every receiver verifies a copy.
    const verify = !isClientWrite || !mirror;
    const complete = (): Promise<void> =>
      isRbwTransfer
        ? keepTransferredRbw(writer, block, options)
        : finalizeAndReport(writer, block, options, up.op);
    const queue: PendingAck[] = [];
    let responderError: Error | null = null;
    const mirrorState = { failedBeforeAck: false };
    const responder = mirror ? respond(up, mirror, queue, label, mirrorState) : null;
    // Handled here so a downstream failure never becomes an unhandled rejection; the loop checks it.
    responder?.catch((err: unknown) => (responderError = err as Error));
    while (true) {
      const pkt = await readPacketJournaled(up, label);
      const h = pkt.header;
      if (isHeartbeat(h)) {
        // A writer's keep-alive (the Go client sends one every 30 s of silence): nothing to
        // store; acked at once by the last DataNode, after the downstream ack by the others.
        if (!mirror) sendAck(up, label, h.seqno, ['SUCCESS']);
        else {
          queue.push({ seqno: h.seqno, last: false, local: Promise.resolve() });
          journalSend(mirror, packetMsg(label, h.seqno, h.offsetInBlock, 0, false), pkt.raw);
          const wait = writeFrame(mirror.socket, pkt.raw);
          if (wait) await wait;
        }
        continue;
      }
      if (h.offsetInBlock !== writer.bytesWritten) {
        throw new RemoteError(
          'IOException',
          `packet ${h.seqno} of ${label} at offset ${h.offsetInBlock}, expected ${writer.bytesWritten}`,
        );
      }
      let pending: PendingAck | null = null;
      if (responderError) {
        // Blame the DataNode that failed (downstream), not this one, as HDFS's MIRROR_ERROR ack does.
        if (mirrorState.failedBeforeAck) sendAck(up, label, h.seqno, ['SUCCESS', 'ERROR']);
        throw responderError;
      }
      if (mirror) {
        // Queue before forwarding: the downstream ack may arrive while we wait for 'drain'.
        let markWritten!: () => void;
        let markFailed!: (e: Error) => void;
        const local = new Promise<void>((res, rej) => {
          markWritten = res;
          markFailed = rej;
        });
        local.catch(() => undefined);
        pending = { seqno: h.seqno, last: h.lastPacketInBlock, local };
        queue.push(pending);
        await faultDelay(faultView(mirror.journal, mirror.selfId));
        journalSend(
          mirror,
          packetMsg(label, h.seqno, h.offsetInBlock, h.dataLen, h.lastPacketInBlock),
          pkt.raw,
          h.dataLen,
        );
        const wait = writeFrame(mirror.socket, pkt.raw);
        try {
          storeOne(writer, pkt.data, pkt.checksums, verify ? writer.checksum : null, label, h.offsetInBlock);
        } catch (err) {
          markFailed(err as Error);
          throw err;
        }
        if (h.lastPacketInBlock) {
          finished = true;
          void complete().then(markWritten, markFailed);
        } else markWritten();
        if (wait) await wait;
      } else {
        try {
          storeOne(writer, pkt.data, pkt.checksums, verify ? writer.checksum : null, label, h.offsetInBlock);
        } catch (err) {
          if (err instanceof ChecksumError) {
            sendAck(up, label, h.seqno, ['ERROR_CHECKSUM']);
            if (isTransfer && op.source)
              options.onBadSourceReplica({ ...block, numBytes: 0 }, op.source.name);
          }
          throw err;
        }
        if (h.lastPacketInBlock) {
          finished = true;
          await complete();
        }
        sendAck(up, label, h.seqno, ['SUCCESS']);
      }
      if (h.lastPacketInBlock) break;
    }
    if (responder) await responder;
  } catch (err) {
    if (err instanceof ChecksumError && isTransfer && op.source && mirror) {
      options.onBadSourceReplica({ ...block, numBytes: 0 }, op.source.name);
    }
    throw err;
  } finally {
    // A client's replica stays in rbw/ when its pipeline breaks: pipeline recovery or lease
    // recovery carries on from it (HDFS keeps RBW replicas too). Copies to tmp/ are dropped.
    if (!finished) {
      if (isClientWrite) await keepRbw(writer);
      else writer.abort();
    }
    if (mirror) closeLink(mirror);
    if (isClientWrite && activeWrites.get(block.blockId)?.done === done) activeWrites.delete(block.blockId);
    markDone();
  }
}

// ---------------------------------------------------------------------------------------------
// RBW replicas across failures: pipeline recovery and lease (block) recovery
// ---------------------------------------------------------------------------------------------

/** Client writes in progress on this DataNode, by block id, so a recovery can end the old one first. */
const activeWrites = new Map<number, { done: Promise<void>; cancel(): void }>();

async function cancelActiveWrite(blockId: number): Promise<void> {
  const active = activeWrites.get(blockId);
  if (!active) return;
  active.cancel();
  await active.done;
}

/**
 * Closes a failed write's files but leaves them in rbw/, with every appended byte written, before
 * the write counts as ended: a recovery that waits for it (cancelActiveWrite) then finds the
 * replica complete on disk.
 */
async function keepRbw(writer: ReplicaWriter): Promise<void> {
  try {
    await writer.keep();
  } catch {
    // What reached the disk stays; recovery uses the bytes the .meta covers.
  }
}

/** The rbw/ files of a block (any generation stamp), or null. */
function findRbw(storage: DatanodeStorage, blockId: number): { blockPath: string; metaPath: string } | null {
  const dir = rbwDir(storage.dataDir, storage.poolId);
  const blockPath = path.join(dir, blockFileName(blockId));
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return null;
  }
  const meta = names.find((n) => parseMetaFileName(n)?.blockId === blockId);
  if (!meta || !fs.existsSync(blockPath)) return null;
  return { blockPath, metaPath: path.join(dir, meta) };
}

/** Bytes of an rbw replica its .meta covers: a crash may leave data past the last checksum. */
function validRbwLength(files: { blockPath: string; metaPath: string }): number {
  const dataBytes = fs.statSync(files.blockPath).size;
  const sums = Math.floor((fs.statSync(files.metaPath).size - META_HEADER_BYTES) / CHECKSUM_SIZE);
  return Math.min(dataBytes, sums * BYTES_PER_CHECKSUM);
}

/**
 * FsDatasetImpl.recoverRbw, lab style: the RBW replica is cut back to `lengthBytes` and continues
 * under the new generation stamp — its .meta is renamed `blk_<id>_<newGS>.meta` — in a writer that
 * appends after it. The bytes are copied through a fresh ReplicaWriter (the storage's only writer),
 * a piece at a time.
 */
function reopenRbw(storage: DatanodeStorage, block: BlockRef, lengthBytes: number): ReplicaWriter {
  const files = findRbw(storage, block.blockId);
  if (!files) {
    throw new RemoteError(
      'ReplicaNotFoundException',
      `Cannot recover a non-existent replica blk_${block.blockId} in rbw/ of ${storage.dataDir}`,
    );
  }
  const valid = validRbwLength(files);
  if (valid < lengthBytes) {
    throw new RemoteError(
      'IOException',
      `Replica blk_${block.blockId} has ${valid} bytes, less than the ${lengthBytes} acknowledged`,
    );
  }
  const meta = fs.readFileSync(files.metaPath);
  const aside = `${files.blockPath}.recovering`;
  fs.renameSync(files.blockPath, aside);
  fs.rmSync(files.metaPath, { force: true });
  // The replica keeps the checksum it was written with, whatever the recovering writer asks for.
  const stored = parseMeta(meta.subarray(0, META_HEADER_BYTES));
  const writer = storage.createRbw(
    { ...block, numBytes: 0 },
    { type: stored.checksumType, bytesPerChecksum: stored.bytesPerChecksum },
  );
  const fd = fs.openSync(aside, 'r');
  try {
    const piece = Buffer.allocUnsafe(PACKET_DATA_BYTES);
    for (let off = 0; off < lengthBytes;) {
      const n = fs.readSync(fd, piece, 0, Math.min(piece.length, lengthBytes - off), off);
      if (n === 0) break;
      const first = META_HEADER_BYTES + (off / BYTES_PER_CHECKSUM) * CHECKSUM_SIZE;
      const sums = meta.subarray(first, first + Math.ceil(n / BYTES_PER_CHECKSUM) * CHECKSUM_SIZE);
      writer.append(Buffer.from(piece.subarray(0, n)), Buffer.from(sums));
      off += n;
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(aside, { force: true });
  }
  return writer;
}

/**
 * Lease recovery on one DataNode (DNA_RECOVERBLOCK, simplified: see docs/failures.md). Ends any
 * write still open on the block, then finalizes this DataNode's replica under `newGenStamp`: an RBW
 * replica at the length its checksums cover, a finalized one by renaming its .meta. Null when this
 * DataNode has no replica of the block.
 */
export async function recoverReplica(args: {
  storage: DatanodeStorage;
  block: BlockRef;
  newGenStamp: number;
}): Promise<{ block: BlockRef; replica: ReplicaFiles } | null> {
  const { storage, block, newGenStamp } = args;
  await cancelActiveWrite(block.blockId);
  const finalized = storage.readReplica(block.blockId);
  if (finalized) {
    if (finalized.genStamp < newGenStamp) {
      const renamed = path.join(path.dirname(finalized.metaPath), metaFileName(block.blockId, newGenStamp));
      fs.renameSync(finalized.metaPath, renamed);
      storage.listFinalized(); // reload the replica map from disk
    }
    const replica = storage.readReplica(block.blockId);
    if (!replica) return null;
    return {
      block: { blockId: block.blockId, genStamp: replica.genStamp, numBytes: replica.numBytes },
      replica,
    };
  }
  const files = findRbw(storage, block.blockId);
  if (!files) return null;
  const writer = reopenRbw(storage, { ...block, genStamp: newGenStamp }, validRbwLength(files));
  const replica = await writer.finalize();
  return { block: { blockId: block.blockId, genStamp: newGenStamp, numBytes: replica.numBytes }, replica };
}

function storeOne(
  writer: ReplicaWriter,
  data: Buffer,
  sums: Buffer,
  verifyWith: ChecksumSpec | null,
  label: string,
  offset: number,
): void {
  if (sums.length !== Math.ceil(data.length / BYTES_PER_CHECKSUM) * CHECKSUM_SIZE) {
    throw new RemoteError(
      'IOException',
      `packet of ${label} at ${offset}: ${sums.length} checksum bytes for ${data.length} data bytes`,
    );
  }
  if (verifyWith && verifyWith.type !== 'NULL') {
    const bad = verifyChunkChecksums(data, sums, verifyWith.bytesPerChecksum, verifyWith.type);
    if (bad >= 0) throw new ChecksumError(label, 'upstream', offset + bad * BYTES_PER_CHECKSUM);
  }
  writer.append(data, sums);
}

/** A packet with seqno -1 and no data: a writer's heartbeat (DFSPacket.HEART_BEAT_SEQNO). */
function isHeartbeat(h: { seqno: number; dataLen: number }): boolean {
  return h.seqno === HEARTBEAT_SEQNO && h.dataLen === 0;
}

/**
 * The checksum a writer asks for, if this DataNode can store it: CRC32 (the Go client) or CRC32C
 * (Java's default), over 512-byte chunks, the lab's one chunk size. Otherwise the refusal's text.
 */
function storableChecksum(requested: DataChecksum): ChecksumSpec | string {
  if (requested.type === 'NULL')
    return 'a CHECKSUM_NULL write cannot be verified; the lab DataNode stores CRC32 or CRC32C';
  if (requested.bytesPerChecksum !== BYTES_PER_CHECKSUM)
    return `bytesPerChecksum ${requested.bytesPerChecksum} is not supported; the lab DataNode uses ${BYTES_PER_CHECKSUM}`;
  return { type: requested.type, bytesPerChecksum: requested.bytesPerChecksum };
}

/** The end of a TRANSFER_RBW copy: close the tmp/ files and make them the block's rbw replica. */
async function keepTransferredRbw(
  writer: ReplicaWriter,
  block: BlockRef,
  options: XceiverServerOptions,
): Promise<void> {
  await writer.keep();
  options.storage.convertTemporaryToRbw(block);
  options.log(
    'info',
    `${options.selfId}: received RBW replica blk_${block.blockId}_${block.genStamp} (${writer.bytesWritten} bytes) for pipeline recovery`,
  );
}

async function finalizeAndReport(
  writer: ReplicaWriter,
  block: BlockRef,
  options: XceiverServerOptions,
  opId: string | undefined,
): Promise<void> {
  const replica = await writer.finalize();
  options.onReceived({ ...block, numBytes: replica.numBytes }, replica, opId);
}

/** PacketResponder: for each downstream ack, wait for our own write, then ack upstream with our status first. */
async function respond(
  up: Link,
  mirror: Link,
  queue: PendingAck[],
  label: string,
  mirrorState: { failedBeforeAck: boolean },
): Promise<void> {
  while (true) {
    let ack: PipelineAck;
    try {
      ack = await readAck(mirror, label);
    } catch (err) {
      // The mirror died: tell upstream we are fine and the next DataNode is not (HDFS's MIRROR_ERROR).
      // With no packet waiting, the ack goes out with the next packet that arrives (see the receive loop).
      const head = queue[0];
      if (head) sendAck(up, label, head.seqno, ['SUCCESS', 'ERROR']);
      else mirrorState.failedBeforeAck = true;
      throw err;
    }
    const head = queue.shift();
    if (!head || head.seqno !== ack.seqno) {
      throw new RemoteError(
        'IOException',
        `downstream ack seqno ${ack.seqno} for ${label}, expected ${head?.seqno ?? 'none'}`,
      );
    }
    try {
      await head.local;
    } catch (err) {
      sendAck(up, label, head.seqno, [
        err instanceof ChecksumError ? 'ERROR_CHECKSUM' : 'ERROR',
        ...ack.replies,
      ]);
      throw err;
    }
    sendAck(up, label, ack.seqno, ['SUCCESS', ...ack.replies]);
    if (ack.replies.some((r) => r !== 'SUCCESS'))
      throw new RemoteError('IOException', `downstream reported [${ack.replies.join(',')}] for ${label}`);
    if (head.last) return;
  }
}

/** READ_BLOCK at a DataNode (BlockSender): data from the block file, checksums as stored in .meta. */
async function sendBlock(
  link: Link,
  op: OpReadBlock,
  options: XceiverServerOptions,
  bytesPerSec = 0,
): Promise<void> {
  const eb = op.header.block;
  const label = blockLabel(eb);
  const replica = options.storage.readReplica(eb.blockId);
  if (!replica || replica.genStamp < eb.genStamp) {
    await sendResponse(link, label, {
      status: 'ERROR',
      message: `ReplicaNotFoundException: Replica not found for ${eb.poolId}:${label}`,
    });
    return;
  }
  const length = replica.numBytes;
  if (
    !Number.isSafeInteger(op.offset) ||
    !Number.isSafeInteger(op.len) ||
    op.offset < 0 ||
    op.len < 0 ||
    op.offset > length
  ) {
    await sendResponse(link, label, {
      status: 'ERROR_INVALID',
      message: `Offset ${op.offset} and length ${op.len} don't match block ${eb.poolId}:${label} ( blockLen ${length} )`,
    });
    return;
  }
  const end = Math.min(op.offset + op.len, length);
  const start = Math.floor(op.offset / BYTES_PER_CHECKSUM) * BYTES_PER_CHECKSUM;
  let blockFd: number;
  let metaFd: number;
  let checksum: ChecksumSpec;
  try {
    blockFd = fs.openSync(replica.blockPath, 'r');
    metaFd = fs.openSync(replica.metaPath, 'r');
  } catch (err) {
    await sendResponse(link, label, {
      status: 'ERROR',
      message: `cannot open replica ${label}: ${(err as Error).message}`,
    });
    return;
  }
  try {
    checksum = readMetaHeader(metaFd);
  } catch (err) {
    fs.closeSync(blockFd);
    fs.closeSync(metaFd);
    await sendResponse(link, label, {
      status: 'ERROR',
      message: `replica ${label}: ${(err as Error).message}`,
    });
    return;
  }
  try {
    const startMs = Date.now();
    // The reader learns the replica's checksum here: a block the Go client wrote reads back as CRC32.
    await sendResponse(link, label, {
      status: 'SUCCESS',
      readOpChecksumInfo: { checksum, chunkOffset: start },
    });
    const seqno = await streamReplica({
      blockFd,
      metaFd,
      start,
      end,
      send: async (offset, seq, data, checksums) => {
        await faultDelay(faultView(link.journal, link.selfId));
        await throttle(offset - start, startMs, bytesPerSec);
        const frame = encodePacket({
          offsetInBlock: offset,
          seqno: seq,
          lastPacketInBlock: false,
          data,
          checksums,
        });
        journalSend(link, packetMsg(label, seq, offset, data.length, false), frame, data.length);
        return writeFrame(link.socket, frame);
      },
    });
    const last = encodePacket({ offsetInBlock: end, seqno, lastPacketInBlock: true, data: Buffer.alloc(0) });
    journalSend(link, packetMsg(label, seqno, end, 0, true), last);
    await writeFrame(link.socket, last);
  } finally {
    fs.closeSync(blockFd);
    fs.closeSync(metaFd);
  }
  // The client answers with ClientReadStatus after a clean read; a client that stops early just closes.
  try {
    const body = await link.reader.readDelimited(OP_BODY_BYTES_MAX, 'ClientReadStatus');
    const status = decodeClientReadStatusBody(body);
    journalRecv(
      link,
      { type: 'read-status', block: label, status: status.status },
      delimitedBytes(body.length),
    );
  } catch {
    // no status: fine
  }
}

/**
 * BLOCK_CHECKSUM at a DataNode (DataXceiver.blockChecksum): MD5 over the block's chunk CRCs as
 * stored in its .meta file (4 bytes big-endian each, in the type the block was written with).
 * A request for fewer bytes than the replica holds covers the chunks up to that length, the last
 * one's CRC recomputed over the bytes asked for when the length ends mid-chunk.
 */
async function sendBlockChecksum(
  link: Link,
  op: OpBlockChecksum,
  options: XceiverServerOptions,
): Promise<void> {
  const eb = op.header.block;
  const label = blockLabel(eb);
  const replica = options.storage.readReplica(eb.blockId);
  if (!replica || replica.genStamp < eb.genStamp) {
    await sendResponse(link, label, {
      status: 'ERROR',
      message: `ReplicaNotFoundException: Replica not found for ${eb.poolId}:${label}`,
    });
    return;
  }
  let answer: BlockChecksumResponse;
  try {
    answer = blockChecksumOf(replica, eb.numBytes);
  } catch (err) {
    await sendResponse(link, label, {
      status: 'ERROR',
      message: `replica ${label}: ${(err as Error).message}`,
    });
    return;
  }
  await sendResponse(link, label, { status: 'SUCCESS', checksumResponse: answer });
}

function blockChecksumOf(replica: ReplicaFiles, requestedBytes: number): BlockChecksumResponse {
  const meta = parseMeta(fs.readFileSync(replica.metaPath));
  if (meta.checksumType === 'NULL')
    throw new RemoteError('IOException', 'the replica has no checksums (NULL)');
  const bpc = meta.bytesPerChecksum;
  const length = requestedBytes > 0 && requestedBytes < replica.numBytes ? requestedBytes : replica.numBytes;
  const chunks = Math.ceil(length / bpc);
  const crcs = Buffer.from(meta.checksums.subarray(0, chunks * CHECKSUM_SIZE));
  if (length < replica.numBytes && length % bpc !== 0) {
    const start = (chunks - 1) * bpc;
    const partial = Buffer.alloc(length - start);
    const fd = fs.openSync(replica.blockPath, 'r');
    try {
      fs.readSync(fd, partial, 0, partial.length, start);
    } finally {
      fs.closeSync(fd);
    }
    crcs.writeUInt32BE(
      chunkChecksums(partial, bpc, meta.checksumType).readUInt32BE(0),
      (chunks - 1) * CHECKSUM_SIZE,
    );
  }
  return {
    bytesPerCrc: bpc,
    crcPerBlock: chunks,
    blockChecksum: crypto.createHash('md5').update(crcs).digest(),
    crcType: meta.checksumType,
  };
}

/**
 * REPLACE_BLOCK at the balancer's target DataNode (DataXceiver.replaceBlock): copies the replica
 * from the proxy (op.source) with COPY_BLOCK into tmp/, finalizes it, reports it RECEIVED (the
 * NameNode then has one replica too many and removes one, the delete hint's by HDFS's rule), and
 * answers the balancer when the copy is done.
 */
async function serveReplaceBlock(
  link: Link,
  op: OpReplaceBlock,
  options: XceiverServerOptions,
): Promise<void> {
  const eb = op.header.block;
  const label = blockLabel(eb);
  const refuse = (message: string): Promise<void> | undefined =>
    sendResponse(link, label, { status: 'ERROR', message });
  if (eb.poolId !== options.storage.poolId) {
    await refuse(`block pool ${eb.poolId} is not served here (${options.storage.poolId})`);
    return;
  }
  if (options.storage.readReplica(eb.blockId)) {
    await refuse(`Block ${eb.poolId}:${label} already exists on ${options.selfId}: not moved`);
    return;
  }
  const block: BlockRef = { blockId: eb.blockId, genStamp: eb.genStamp, numBytes: 0 };
  let proxy: Link;
  try {
    proxy = await openLink({
      selfId: options.selfId,
      journal: options.journal,
      localAddress: link.socket.localAddress,
      op: link.op,
      target: op.source,
    });
  } catch (err) {
    await refuse(`cannot reach proxy ${op.source.name}: ${(err as Error).message}`);
    return;
  }
  let writer: ReplicaWriter | null = null;
  let finished = false;
  try {
    sendOp(proxy, 'COPY_BLOCK', { header: op.header }, label);
    const resp = await readResponse(proxy, label);
    if (resp.status !== 'SUCCESS') {
      await refuse(
        `copy from ${op.source.name} failed: ${resp.status}${resp.message ? ` (${resp.message})` : ''}`,
      );
      return;
    }
    const checksum = readableChecksum(resp, `${eb.poolId}:${label}`, op.source.name);
    writer = options.storage.createTemporary(block, checksum);
    while (true) {
      const pkt = await readPacketJournaled(proxy, label);
      if (pkt.header.lastPacketInBlock) break;
      storeOne(writer, pkt.data, pkt.checksums, checksum, label, pkt.header.offsetInBlock);
    }
    finished = true;
    await finalizeAndReport(writer, block, options, link.op);
  } catch (err) {
    if (err instanceof ChecksumError) options.onBadSourceReplica(block, op.source.name);
    await refuse(`copy of ${label} from ${op.source.name} failed: ${(err as Error).message}`);
    return;
  } finally {
    if (writer && !finished) writer.abort();
    closeLink(proxy);
  }
  options.log(
    'info',
    `${options.selfId}: Moved ${eb.poolId}:${label} from ${op.source.name}, delHint=${op.delHint}`,
  );
  await sendResponse(link, label, { status: 'SUCCESS' });
}

/**
 * COPY_BLOCK at the proxy (DataXceiver.copyBlock): the whole finalized replica, as READ_BLOCK
 * sends it, throttled to dfs.datanode.balance.bandwidthPerSec.
 */
async function serveCopyBlock(link: Link, op: OpCopyBlock, options: XceiverServerOptions): Promise<void> {
  const replica = options.storage.readReplica(op.header.block.blockId);
  await sendBlock(
    link,
    {
      header: { ...op.header, clientName: '' },
      offset: 0,
      len: replica?.numBytes ?? op.header.block.numBytes,
      sendChecksums: true,
    },
    options,
    options.balanceBytesPerSec ?? 0,
  );
}

/** DataTransferThrottler: resolves when `sent` bytes fit the bandwidth since `startMs`. */
function throttle(sent: number, startMs: number, bytesPerSec: number): Promise<void> | undefined {
  if (bytesPerSec <= 0) return undefined;
  const waitMs = startMs + (sent * 1000) / bytesPerSec - Date.now();
  return waitMs > 0 ? new Promise((resolve) => setTimeout(resolve, waitMs)) : undefined;
}

/** The checksum type and chunk size a replica's .meta header records. */
function readMetaHeader(metaFd: number): ChecksumSpec {
  const header = Buffer.alloc(META_HEADER_BYTES);
  const n = fs.readSync(metaFd, header, 0, META_HEADER_BYTES, 0);
  const parsed = parseMeta(header.subarray(0, n));
  return { type: parsed.checksumType, bytesPerChecksum: parsed.bytesPerChecksum };
}

/**
 * Reads [start, end) of a replica in BLOCK_READ_WINDOW_BYTES windows with the matching stored
 * checksums, hands each packet-sized piece to `send` (awaiting back-pressure), and returns the
 * next seqno. A .meta file shorter than the block yields zero checksums, which the reader rejects.
 */
async function streamReplica(args: {
  blockFd: number;
  metaFd: number;
  start: number;
  end: number;
  send: (offset: number, seqno: number, data: Buffer, checksums: Buffer) => Promise<void> | undefined;
}): Promise<number> {
  const window = Buffer.allocUnsafe(BLOCK_READ_WINDOW_BYTES);
  const sums = Buffer.allocUnsafe((BLOCK_READ_WINDOW_BYTES / BYTES_PER_CHECKSUM) * CHECKSUM_SIZE);
  let seqno = 0;
  for (let pos = args.start; pos < args.end;) {
    const want = Math.min(BLOCK_READ_WINDOW_BYTES, args.end - pos);
    const got = await readAt(args.blockFd, window, want, pos);
    if (got < want)
      throw new RemoteError('IOException', `block file ended at ${pos + got}, expected ${args.end} bytes`);
    const sumsWant = Math.ceil(got / BYTES_PER_CHECKSUM) * CHECKSUM_SIZE;
    const sumsGot = await readAt(
      args.metaFd,
      sums,
      sumsWant,
      META_HEADER_BYTES + (pos / BYTES_PER_CHECKSUM) * CHECKSUM_SIZE,
    );
    if (sumsGot < sumsWant) sums.fill(0, sumsGot, sumsWant);
    for (let off = 0; off < got; off += PACKET_DATA_BYTES) {
      const n = Math.min(PACKET_DATA_BYTES, got - off);
      const sumOff = (off / BYTES_PER_CHECKSUM) * CHECKSUM_SIZE;
      const wait = args.send(
        pos + off,
        seqno++,
        window.subarray(off, off + n),
        sums.subarray(sumOff, sumOff + Math.ceil(n / BYTES_PER_CHECKSUM) * CHECKSUM_SIZE),
      );
      if (wait) await wait;
    }
    pos += got;
  }
  return seqno;
}

function readAt(fd: number, buf: Buffer, length: number, position: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let total = 0;
    const step = (): void => {
      fs.read(fd, buf, total, length - total, position + total, (err, n) => {
        if (err) return reject(err);
        total += n;
        if (n === 0 || total >= length) resolve(total);
        else step();
      });
    };
    step();
  });
}

/**
 * DNA_TRANSFER: copies a finalized replica to `targets` as a DataNode-initiated WRITE_BLOCK
 * (empty client name, stage PIPELINE_SETUP_CREATE, source = this DataNode), sending the checksums
 * stored in the .meta file so receivers detect a corrupt source. Receivers report RECEIVED.
 */
export async function transferReplica(options: {
  selfId: string;
  /** This DataNode as a DataTransfer peer: the op's `source`. */
  self: XferTarget;
  journal: Journal;
  localAddress?: string;
  poolId: string;
  replica: ReplicaFiles;
  targets: readonly XferTarget[];
  op?: string;
}): Promise<number> {
  const { replica } = options;
  return sendReplicaFiles({
    pipeline: {
      selfId: options.selfId,
      journal: options.journal,
      localAddress: options.localAddress,
      op: options.op,
      targets: options.targets,
      poolId: options.poolId,
      block: { blockId: replica.blockId, genStamp: replica.genStamp },
      clientName: '',
      stage: 'PIPELINE_SETUP_CREATE',
      source: options.self,
    },
    files: replica,
  });
}

/**
 * A DataNode-initiated copy: the first `lengthBytes` bytes of a replica's files (all of them when
 * absent) through a new pipeline, with the checksums stored in the .meta file. Returns the length.
 */
async function sendReplicaFiles(args: {
  pipeline: BlockWriterOptions;
  files: { blockPath: string; metaPath: string };
  lengthBytes?: number;
}): Promise<number> {
  const metaFd = fs.openSync(args.files.metaPath, 'r');
  let writer: BlockWriter;
  try {
    // The stored checksums travel as they are, so the op announces the replica's own type.
    writer = await BlockWriter.open({ ...args.pipeline, checksum: readMetaHeader(metaFd) });
  } catch (err) {
    fs.closeSync(metaFd);
    throw err;
  }
  const blockFd = fs.openSync(args.files.blockPath, 'r');
  try {
    await streamReplica({
      blockFd,
      metaFd,
      start: 0,
      end: args.lengthBytes ?? fs.fstatSync(blockFd).size,
      // Copies: writePacket encodes into a fresh frame, so the reused read window is safe.
      send: (_offset, _seqno, data, checksums) => writer.writePacket(data, checksums),
    });
    return await writer.close();
  } catch (err) {
    writer.abort();
    throw err;
  } finally {
    fs.closeSync(blockFd);
    fs.closeSync(metaFd);
  }
}

/**
 * The balancer's side of REPLACE_BLOCK (Dispatcher.PendingMove): asks `target` to copy the replica
 * from `proxy`; the answer comes when the copy is done (IN_PROGRESS answers before it are skipped).
 */
export async function replaceBlock(
  options: InitiatorOptions & {
    target: XferTarget;
    proxy: XferTarget;
    delHint: string;
    poolId: string;
    block: BlockRef;
  },
): Promise<void> {
  const label = blockLabel(options.block);
  const link = await openLink(options);
  try {
    const header = {
      block: { poolId: options.poolId, ...options.block },
      ...(options.op ? { opId: options.op } : {}),
    };
    sendOp(
      link,
      'REPLACE_BLOCK',
      { header, delHint: options.delHint, source: toTransferTarget(options.proxy) },
      label,
    );
    let resp = await readResponse(link, label);
    while (resp.status === 'IN_PROGRESS') resp = await readResponse(link, label);
    if (resp.status !== 'SUCCESS') {
      throw new RemoteError(
        'IOException',
        `Got error, status=${resp.status}, block move of ${options.poolId}:${label} to ${options.target.name}${resp.message ? `: ${resp.message}` : ''}`,
      );
    }
  } finally {
    closeLink(link);
  }
}

/**
 * The client's side of BLOCK_CHECKSUM: one DataNode's MD5-of-CRCs of a block (DFSClient's
 * FileChecksumHelper asks the replicas in turn until one answers).
 */
export async function blockChecksum(
  options: InitiatorOptions & { target: XferTarget; poolId: string; block: BlockRef },
): Promise<BlockChecksumResponse> {
  const label = blockLabel(options.block);
  const link = await openLink(options);
  try {
    const header = {
      block: { poolId: options.poolId, ...options.block },
      ...(options.op ? { opId: options.op } : {}),
    };
    sendOp(link, 'BLOCK_CHECKSUM', { header }, label);
    const resp = await readResponse(link, label);
    if (resp.status !== 'SUCCESS' || !resp.checksumResponse) {
      throw new RemoteError(
        'IOException',
        `Bad response ${resp.status} for OP_BLOCK_CHECKSUM of ${options.poolId}:${label} from ${options.target.name}${resp.message ? `: ${resp.message}` : ''}`,
      );
    }
    return resp.checksumResponse;
  } finally {
    closeLink(link);
  }
}

/**
 * The client's side of TRANSFER_BLOCK (DataStreamer.transfer): asks `source`, a DataNode of the
 * pipeline, to copy its RBW replica's first `block.numBytes` bytes (the acknowledged ones) to
 * `targets`, and waits for its answer, which comes after the copy.
 */
export async function transferBlock(
  options: InitiatorOptions & {
    source: XferTarget;
    targets: readonly XferTarget[];
    poolId: string;
    block: BlockRef;
    clientName: string;
  },
): Promise<void> {
  const label = blockLabel(options.block);
  const link = await openLink({ ...options, target: options.source });
  try {
    const body: OpTransferBlock = {
      header: clientHeader(options),
      targets: options.targets.map(toTransferTarget),
    };
    sendOp(link, 'TRANSFER_BLOCK', body, label);
    const resp = await readResponse(link, label);
    if (resp.status !== 'SUCCESS') {
      throw new RemoteError(
        'IOException',
        `Failed to add a datanode. Response status: ${resp.status}${resp.message ? ` (${resp.message})` : ''}`,
      );
    }
  } finally {
    closeLink(link);
  }
}

/**
 * TRANSFER_BLOCK at the source DataNode (DataNode.transferReplicaForPipelineRecovery): the failed
 * pipeline's write on this DataNode is ended first, so its RBW replica is complete on disk; then
 * the first `numBytes` bytes go to the targets as WRITE_BLOCK stage TRANSFER_RBW, with the
 * checksums stored in the .meta file, under the replica's own generation stamp. The answer to the
 * client is sent when the copy is done.
 */
async function transferRbw(link: Link, op: OpTransferBlock, options: XceiverServerOptions): Promise<void> {
  const eb = op.header.block;
  const label = blockLabel(eb);
  const refuse = (message: string): Promise<void> | undefined =>
    sendResponse(link, label, { status: 'ERROR', message });
  if (eb.poolId !== options.storage.poolId) {
    await refuse(`block pool ${eb.poolId} is not served here (${options.storage.poolId})`);
    return;
  }
  await cancelActiveWrite(eb.blockId);
  const files = findRbw(options.storage, eb.blockId);
  if (!files) {
    await refuse(`ReplicaNotFoundException: no RBW replica of ${eb.poolId}:${label} on ${options.selfId}`);
    return;
  }
  const storedGenStamp = parseMetaFileName(path.basename(files.metaPath))?.genStamp ?? 0;
  const visible = validRbwLength(files);
  if (storedGenStamp < eb.genStamp || visible < eb.numBytes) {
    await refuse(
      `replica blk_${eb.blockId}_${storedGenStamp} has ${visible} bytes; the transfer needs genstamp ≥ ${eb.genStamp} and ${eb.numBytes} bytes`,
    );
    return;
  }
  try {
    await sendReplicaFiles({
      pipeline: {
        selfId: options.selfId,
        journal: options.journal,
        localAddress: link.socket.localAddress,
        op: link.op,
        targets: op.targets,
        poolId: eb.poolId,
        block: { blockId: eb.blockId, genStamp: storedGenStamp },
        clientName: op.header.clientName,
        stage: 'TRANSFER_RBW',
        source: {
          name: options.selfId,
          ipAddr: link.socket.localAddress ?? '',
          xferPort: link.socket.localPort ?? 0,
        },
      },
      files,
      lengthBytes: eb.numBytes,
    });
  } catch (err) {
    options.log('warn', `${options.selfId}: TRANSFER_RBW of ${label} failed: ${(err as Error).message}`);
    await refuse(
      `TRANSFER_RBW of ${label} to [${op.targets.map((t) => t.name).join(', ')}] failed: ${(err as Error).message}`,
    );
    return;
  }
  options.log(
    'info',
    `${options.selfId}: transferred RBW replica ${label} (${eb.numBytes} bytes) to [${op.targets.map((t) => t.name).join(', ')}]`,
  );
  await sendResponse(link, label, { status: 'SUCCESS' });
}
