/**
 * The DataNode's read path (HDFS's BlockSender), the I/O side: READ_BLOCK and COPY_BLOCK stream
 * the block file's bytes with the checksums stored in the .meta file (so a corrupted block file is
 * caught by the reader), BLOCK_CHECKSUM hashes those checksums, and DataNode-initiated copies
 * (DNA_TRANSFER, TRANSFER_RBW) send a replica's files through a pipeline. What is sent — the
 * checks, the chunk-aligned range, the read windows and packets, the last empty packet, the
 * throttle — is the send plan's (datanode/send-plan.ts); this file opens, reads and writes.
 */
import { blockName } from '../protocol/types.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { chunkChecksums } from '../common/crc.js';
import {
  decodeClientReadStatusBody,
  type BlockChecksumResponse,
  type OpBlockChecksum,
  type OpCopyBlock,
  type OpReadBlock,
  type OpTransferBlock,
} from '../protocol/data-transfer.js';
import { RemoteError } from '../protocol/errors.js';
import { BYTES_PER_CHECKSUM, CHECKSUM_SIZE, encodeLastPacket, encodePacket } from '../protocol/packet.js';
import {
  copyRange,
  lastPacket,
  planBlockChecksum,
  planCopyBlock,
  planReadBlock,
  planTransferBlock,
  SEND_WINDOW_BYTES,
  sendWindows,
  throttleWaitMs,
  type SendableReplica,
  type SendPacket,
  type SendPlan,
  type SendRange,
  type TransferSources,
} from '../datanode/send-plan.js';
import { META_HEADER_BYTES, parseMeta, type ChecksumSpec } from '../datanode/meta.js';
import { parseMetaFileName } from '../datanode/layout.js';
import path from 'node:path';
import type { DatanodeStorage, ReplicaFiles } from './datanode-storage.js';
import type { Journal } from '../transport/journal.js';
import { faultDelay, faultView } from '../transport/faults.js';
import {
  journalSend,
  journalRecv,
  writeFrame,
  delimitedBytes,
  sendResponse,
  packetMsg,
} from '../transport/data-link.js';
import type { XferTarget, Link } from '../transport/data-link.js';
import type { XceiverServerOptions } from './xceiver-server.js';
import { BlockWriter } from '../client/block-writer.js';
import type { BlockWriterOptions } from '../client/block-writer.js';
import { cancelActiveWrite, replicaBeingWritten } from './block-receiver.js';
import { findRbw, validRbwLength } from './datanode-storage.js';
import { OP_BODY_BYTES_MAX } from '../protocol/limits.js';

/** READ_BLOCK at a DataNode (BlockSender): what the send plan says, read from the replica's files. */
export async function sendBlock(link: Link, op: OpReadBlock, options: XceiverServerOptions): Promise<void> {
  const eb = op.header.block;
  const replica = await sendableReplica(options.storage, eb.blockId);
  const plan = planReadBlock({ block: eb, offset: op.offset, len: op.len }, replica?.sendable ?? null);
  await sendPlanned(link, blockName(eb), plan, replica?.files ?? null, 0);
}

/**
 * The replica a reader is sent: the finalized one, else one still being written, up to its
 * visible length (the bytes acked so far): a reader of a file open for write sees what the writer
 * hflushed.
 */
async function sendableReplica(
  storage: DatanodeStorage,
  blockId: number,
): Promise<{ files: ReplicaFiles; sendable: SendableReplica } | null> {
  const finalized = storage.readReplica(blockId);
  const files = finalized ?? (await replicaBeingWritten(storage, blockId));
  if (!files) return null;
  return {
    files,
    sendable: { genStamp: files.genStamp, numBytes: files.numBytes, beingWritten: !finalized },
  };
}

/**
 * Answers the op as the send plan says: its refusal, or SUCCESS with the replica's checksum and
 * the range's packets (throttled to `bytesPerSec` when above 0), then the client's read status.
 */
async function sendPlanned(
  link: Link,
  label: string,
  plan: SendPlan,
  files: ReplicaFiles | null,
  bytesPerSec: number,
): Promise<void> {
  if (plan.kind === 'refuse' || !files) {
    const refusal =
      plan.kind === 'refuse' ? plan : { status: 'ERROR' as const, message: `no replica ${label}` };
    await sendResponse(link, label, { status: refusal.status, message: refusal.message });
    return;
  }
  const opened = await openReplica(link, label, files);
  if (!opened) return;
  try {
    // The reader learns the replica's checksum here: a block the Go client wrote reads back as CRC32.
    await sendResponse(link, label, {
      status: 'SUCCESS',
      readOpChecksumInfo: { checksum: opened.checksum, chunkOffset: plan.start },
    });
    await sendPackets(link, label, { ...opened, range: plan }, bytesPerSec);
  } finally {
    fs.closeSync(opened.blockFd);
    fs.closeSync(opened.metaFd);
  }
  await readClientStatus(link, label);
}

/** The replica's files opened and its .meta header read, or null once the reader was told why not. */
async function openReplica(
  link: Link,
  label: string,
  files: ReplicaFiles,
): Promise<{ blockFd: number; metaFd: number; checksum: ChecksumSpec } | null> {
  let blockFd: number;
  let metaFd: number;
  try {
    blockFd = fs.openSync(files.blockPath, 'r');
    metaFd = fs.openSync(files.metaPath, 'r');
  } catch (err) {
    await sendResponse(link, label, {
      status: 'ERROR',
      message: `cannot open replica ${label}: ${(err as Error).message}`,
    });
    return null;
  }
  try {
    return { blockFd, metaFd, checksum: readMetaHeader(metaFd) };
  } catch (err) {
    fs.closeSync(blockFd);
    fs.closeSync(metaFd);
    await sendResponse(link, label, {
      status: 'ERROR',
      message: `replica ${label}: ${(err as Error).message}`,
    });
    return null;
  }
}

/** The range's data packets to a reader, then the empty last packet. */
async function sendPackets(link: Link, label: string, read: ReplicaRead, bytesPerSec: number): Promise<void> {
  const startMs = Date.now();
  await streamReplica(read, async (packet, data, checksums) => {
    await faultDelay(faultView(link.journal, link.selfId));
    const waitMs = throttleWaitMs(packet.offsetInBlock - read.range.start, Date.now() - startMs, bytesPerSec);
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    const { offsetInBlock, seqno } = packet;
    const frame = encodePacket({ offsetInBlock, seqno, lastPacketInBlock: false, data, checksums });
    journalSend(link, packetMsg(label, seqno, offsetInBlock, data.length, false), frame, data.length);
    return writeFrame(link.socket, frame);
  });
  const last = lastPacket(read.range);
  const frame = encodeLastPacket(last.offsetInBlock, last.seqno);
  journalSend(link, packetMsg(label, last.seqno, last.offsetInBlock, 0, true), frame);
  await writeFrame(link.socket, frame);
}

/** The client answers with ClientReadStatus after a clean read; a client that stops early just closes. */
async function readClientStatus(link: Link, label: string): Promise<void> {
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
export async function sendBlockChecksum(
  link: Link,
  op: OpBlockChecksum,
  options: XceiverServerOptions,
): Promise<void> {
  const eb = op.header.block;
  const label = blockName(eb);
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
  const plan = planBlockChecksum(requestedBytes, replica.numBytes, bpc);
  const crcs = Buffer.from(meta.checksums.subarray(0, plan.checksumsLength));
  const chunk = plan.recomputedChunk;
  if (chunk) {
    const partial = Buffer.alloc(chunk.length);
    const fd = fs.openSync(replica.blockPath, 'r');
    try {
      fs.readSync(fd, partial, 0, partial.length, chunk.blockPosition);
    } finally {
      fs.closeSync(fd);
    }
    chunkChecksums(partial, bpc, meta.checksumType).copy(crcs, chunk.checksumsOffset);
  }
  return {
    bytesPerCrc: bpc,
    crcPerBlock: plan.crcPerBlock,
    blockChecksum: crypto.createHash('md5').update(crcs).digest(),
    crcType: meta.checksumType,
  };
}

/**
 * COPY_BLOCK at the proxy (DataXceiver.copyBlock): the whole replica, as READ_BLOCK sends it,
 * throttled to the balance throttler's bandwidth (dfs.datanode.balance.bandwidthPerSec, or what
 * dfsadmin -setBalancerBandwidth sent).
 */
export async function serveCopyBlock(
  link: Link,
  op: OpCopyBlock,
  options: XceiverServerOptions,
): Promise<void> {
  const eb = op.header.block;
  const replica = await sendableReplica(options.storage, eb.blockId);
  const plan = planCopyBlock(eb, replica?.sendable ?? null);
  await sendPlanned(link, blockName(eb), plan, replica?.files ?? null, options.balanceBytesPerSec?.() ?? 0);
}

/** The checksum type and chunk size a replica's .meta header records. */
function readMetaHeader(metaFd: number): ChecksumSpec {
  const header = Buffer.alloc(META_HEADER_BYTES);
  const n = fs.readSync(metaFd, header, 0, META_HEADER_BYTES, 0);
  const parsed = parseMeta(header.subarray(0, n));
  return { type: parsed.checksumType, bytesPerChecksum: parsed.bytesPerChecksum };
}

/** A replica's open files and the range of it to send. */
interface ReplicaRead {
  blockFd: number;
  metaFd: number;
  range: SendRange;
  checksum: ChecksumSpec;
}

/**
 * Reads the send plan's windows of a replica with the matching stored checksums and hands each
 * packet's bytes to `send` (awaiting back-pressure). A .meta file shorter than the block yields
 * zero checksums, which the reader rejects.
 */
async function streamReplica(
  read: ReplicaRead,
  send: (packet: SendPacket, data: Buffer, checksums: Buffer) => Promise<void> | undefined,
): Promise<void> {
  const data = Buffer.allocUnsafe(SEND_WINDOW_BYTES);
  const sums = Buffer.allocUnsafe((SEND_WINDOW_BYTES / BYTES_PER_CHECKSUM) * CHECKSUM_SIZE);
  for (const window of sendWindows(read.range)) {
    const got = await readAt(read.blockFd, data, window.blockLength, window.blockPosition);
    if (got < window.blockLength)
      throw new RemoteError(
        'IOException',
        `block file ended at ${window.blockPosition + got}, expected ${read.range.end} bytes`,
      );
    const sumsGot = await readAt(read.metaFd, sums, window.metaLength, window.metaPosition);
    if (sumsGot < window.metaLength) sums.fill(0, sumsGot, window.metaLength);
    const chunk = window.recomputedChunk;
    if (chunk && read.checksum.type !== 'NULL') {
      const bytes = data.subarray(chunk.dataOffset, chunk.dataOffset + chunk.dataLen);
      chunkChecksums(bytes, BYTES_PER_CHECKSUM, read.checksum.type).copy(sums, chunk.checksumsOffset);
    }
    for (const packet of window.packets) {
      const wait = send(
        packet,
        data.subarray(packet.dataOffset, packet.dataOffset + packet.dataLen),
        sums.subarray(packet.checksumsOffset, packet.checksumsOffset + packet.checksumsLength),
      );
      if (wait) await wait;
    }
  }
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
      headerBytes: replica.numBytes,
      clientName: '',
      stage: 'PIPELINE_SETUP_CREATE',
      source: options.self,
    },
    files: replica,
  });
}

/** A replica's two files. */
type ReplicaPaths = { blockPath: string; metaPath: string };

/**
 * A DataNode-initiated copy: a range of a replica's files (all of them when absent) through a new
 * pipeline, with the checksums stored in the .meta file. Returns the length.
 */
async function sendReplicaFiles(args: {
  pipeline: BlockWriterOptions;
  files: ReplicaPaths;
  /** What to send; absent, the whole block file. */
  range?: SendRange;
}): Promise<number> {
  const metaFd = fs.openSync(args.files.metaPath, 'r');
  let writer: BlockWriter;
  let checksum: ChecksumSpec;
  try {
    // The stored checksums travel as they are, so the op announces the replica's own type.
    checksum = readMetaHeader(metaFd);
    writer = await BlockWriter.open({ ...args.pipeline, checksum });
  } catch (err) {
    fs.closeSync(metaFd);
    throw err;
  }
  const blockFd = fs.openSync(args.files.blockPath, 'r');
  try {
    const range = args.range ?? copyRange(fs.fstatSync(blockFd).size);
    // Copies: writePacket encodes into a fresh frame, so the reused read window is safe.
    await streamReplica({ blockFd, metaFd, range, checksum }, (_packet, data, checksums) =>
      writer.writePacket(data, checksums),
    );
    return await writer.close();
  } catch (err) {
    writer.abort();
    throw err;
  } finally {
    fs.closeSync(blockFd);
    fs.closeSync(metaFd);
  }
}

/** The files of the RBW and finalized replicas of a block held here, and what the send plan reads of them. */
function transferSources(
  storage: DatanodeStorage,
  blockId: number,
): { held: TransferSources; rbw: ReplicaPaths | null; finalized: ReplicaPaths | null } {
  const rbw = findRbw(storage, blockId);
  const rbwStamp = rbw && parseMetaFileName(path.basename(rbw.metaPath))?.genStamp;
  const replica = storage.readReplica(blockId);
  const finalized = replica && {
    blockPath: storage.containedPath(replica.blockPath),
    metaPath: storage.containedPath(replica.metaPath),
  };
  return {
    held: {
      rbw: rbw ? { genStamp: rbwStamp ?? 0, visibleBytes: validRbwLength(rbw) } : null,
      finalized: replica ? { genStamp: replica.genStamp, numBytes: replica.numBytes } : null,
    },
    rbw,
    finalized,
  };
}

/**
 * TRANSFER_BLOCK at the source DataNode (DataNode.transferReplicaForPipelineRecovery): the failed
 * pipeline's write on this DataNode is ended first, so its RBW replica is complete on disk; then
 * what the send plan chose (planTransferBlock) goes to the targets as WRITE_BLOCK stage
 * TRANSFER_RBW or TRANSFER_FINALIZED, with the checksums stored in the .meta file, under the
 * replica's own generation stamp. The answer to the client is sent when the copy is done.
 */
export async function transferRbw(
  link: Link,
  op: OpTransferBlock,
  options: XceiverServerOptions,
): Promise<void> {
  const eb = op.header.block;
  const label = blockName(eb);
  const refuse = (message: string): Promise<void> | undefined =>
    sendResponse(link, label, { status: 'ERROR', message });
  const at = { poolId: options.storage.poolId, selfId: options.selfId };
  // Only a block of the pool served here: its write (if any) ends before the replica is read.
  const served = eb.poolId === at.poolId;
  if (served) await cancelActiveWrite(eb.blockId);
  const sources = served ? transferSources(options.storage, eb.blockId) : null;
  const plan = planTransferBlock(eb, at, sources?.held ?? { rbw: null, finalized: null });
  const files =
    plan.kind === 'send' ? (plan.stage === 'TRANSFER_RBW' ? sources?.rbw : sources?.finalized) : null;
  if (plan.kind === 'refuse' || !files) {
    await refuse(plan.kind === 'refuse' ? plan.message : `no replica ${label}`);
    return;
  }
  const { stage } = plan;
  const targets = op.targets.map((t) => t.name).join(', ');
  try {
    await sendReplicaFiles({
      pipeline: {
        selfId: options.selfId,
        journal: options.journal,
        localAddress: link.socket.localAddress,
        op: link.op,
        targets: op.targets,
        poolId: eb.poolId,
        block: { blockId: eb.blockId, genStamp: plan.genStamp },
        headerBytes: eb.numBytes,
        clientName: op.header.clientName,
        stage,
        source: {
          name: options.selfId,
          ipAddr: link.socket.localAddress ?? '',
          xferPort: link.socket.localPort ?? 0,
        },
      },
      files,
      range: plan.range,
    });
  } catch (err) {
    options.log('warn', `${options.selfId}: ${stage} of ${label} failed: ${(err as Error).message}`);
    await refuse(`${stage} of ${label} to [${targets}] failed: ${(err as Error).message}`);
    return;
  }
  options.log(
    'info',
    `${options.selfId}: transferred ${stage === 'TRANSFER_RBW' ? 'RBW' : 'finalized'} replica ${label} (${eb.numBytes} bytes) to [${targets}]`,
  );
  await sendResponse(link, label, { status: 'SUCCESS' });
}
