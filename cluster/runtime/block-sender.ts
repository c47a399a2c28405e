/**
 * The DataNode's read path (HDFS's BlockSender): READ_BLOCK and COPY_BLOCK stream the block file's
 * bytes with the checksums stored in the .meta file (so a corrupted block file is caught by the
 * reader), BLOCK_CHECKSUM hashes those checksums, and DataNode-initiated copies (DNA_TRANSFER,
 * TRANSFER_RBW) send a replica's files through a pipeline.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { chunkChecksums } from '../common/crc.js';
import {
  decodeClientReadStatusBody,
  OP_BODY_BYTES_MAX,
  type BlockChecksumResponse,
  type OpBlockChecksum,
  type OpCopyBlock,
  type OpReadBlock,
  type OpTransferBlock,
} from '../protocol/data-transfer.js';
import { RemoteError } from '../protocol/errors.js';
import { BYTES_PER_CHECKSUM, CHECKSUM_SIZE, encodePacket, PACKET_DATA_BYTES } from '../protocol/packet.js';
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
  blockLabel,
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

/**
 * Bytes read from a block file per read(2) when sending a block: 16 full packets (≈1 MiB), so a
 * packet never spans two reads and each read is large and sequential.
 */
export const BLOCK_READ_WINDOW_BYTES = 16 * PACKET_DATA_BYTES;

/** READ_BLOCK at a DataNode (BlockSender): data from the block file, checksums as stored in .meta. */
// Long: the READ_BLOCK exchange (checks, the packet loop over the read window, the client's status) shares one stream's state.
export async function sendBlock(
  link: Link,
  op: OpReadBlock,
  options: XceiverServerOptions,
  bytesPerSec = 0,
): Promise<void> {
  const eb = op.header.block;
  const label = blockLabel(eb);
  // A replica still being written is read up to its visible length (the bytes acked so far): a
  // reader of a file open for write sees what the writer hflushed.
  const finalized = options.storage.readReplica(eb.blockId);
  const replica = finalized ?? (await replicaBeingWritten(options.storage, eb.blockId));
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
  // BlockSender: the end rounds up to a whole chunk (or the replica's end), so that every chunk sent
  // matches its stored CRC even when the reader wants less — a snapshot's shorter length of a block
  // appended to since, or a read that stops mid-chunk. The reader drops the bytes it did not ask for.
  const end = Math.min(Math.ceil((op.offset + op.len) / BYTES_PER_CHECKSUM) * BYTES_PER_CHECKSUM, length);
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
      ...(finalized ? {} : { lastChunkSumOf: checksum }),
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
export async function sendBlockChecksum(
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
 * COPY_BLOCK at the proxy (DataXceiver.copyBlock): the whole finalized replica, as READ_BLOCK
 * sends it, throttled to the balance throttler's bandwidth (dfs.datanode.balance.bandwidthPerSec, or
 * what dfsadmin -setBalancerBandwidth sent).
 */
export async function serveCopyBlock(
  link: Link,
  op: OpCopyBlock,
  options: XceiverServerOptions,
): Promise<void> {
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
    options.balanceBytesPerSec?.() ?? 0,
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
  /**
   * A replica being written: the CRC of a partial chunk at `end` is computed from the bytes sent
   * (BlockSender's last chunk checksum of an RBW replica), since the writer may have grown that
   * chunk past the visible length since its CRC was written.
   */
  lastChunkSumOf?: ChecksumSpec;
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
    const partial = got % BYTES_PER_CHECKSUM;
    if (args.lastChunkSumOf && args.lastChunkSumOf.type !== 'NULL' && partial > 0) {
      const last = chunkChecksums(
        window.subarray(got - partial, got),
        BYTES_PER_CHECKSUM,
        args.lastChunkSumOf.type,
      );
      last.copy(sums, sumsWant - CHECKSUM_SIZE);
    }
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
      headerBytes: replica.numBytes,
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
 * The replica a TRANSFER_BLOCK copies, as DataNode.transferReplicaForPipelineRecovery picks it: an
 * RBW one (TRANSFER_RBW), else a finalized one (TRANSFER_FINALIZED: an append whose first setup
 * failed before it reached this DataNode).
 */
function transferSource(
  storage: DatanodeStorage,
  blockId: number,
): {
  files: { blockPath: string; metaPath: string };
  stage: 'TRANSFER_RBW' | 'TRANSFER_FINALIZED';
  genStamp: number;
  visible: number;
} | null {
  const rbw = findRbw(storage, blockId);
  if (rbw) {
    const genStamp = parseMetaFileName(path.basename(rbw.metaPath))?.genStamp ?? 0;
    return { files: rbw, stage: 'TRANSFER_RBW', genStamp, visible: validRbwLength(rbw) };
  }
  const finalized = storage.readReplica(blockId);
  if (!finalized) return null;
  const files = {
    blockPath: storage.containedPath(finalized.blockPath),
    metaPath: storage.containedPath(finalized.metaPath),
  };
  return { files, stage: 'TRANSFER_FINALIZED', genStamp: finalized.genStamp, visible: finalized.numBytes };
}

/**
 * TRANSFER_BLOCK at the source DataNode (DataNode.transferReplicaForPipelineRecovery): the failed
 * pipeline's write on this DataNode is ended first, so its RBW replica is complete on disk; then
 * the first `numBytes` bytes go to the targets as WRITE_BLOCK stage TRANSFER_RBW (or
 * TRANSFER_FINALIZED, see transferSource), with the
 * checksums stored in the .meta file, under the replica's own generation stamp. The answer to the
 * client is sent when the copy is done.
 */
export async function transferRbw(
  link: Link,
  op: OpTransferBlock,
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
  await cancelActiveWrite(eb.blockId);
  const source = transferSource(options.storage, eb.blockId);
  if (!source) {
    await refuse(
      `ReplicaNotFoundException: no RBW or finalized replica of ${eb.poolId}:${label} on ${options.selfId}`,
    );
    return;
  }
  const { files, stage, genStamp: storedGenStamp, visible } = source;
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
      lengthBytes: eb.numBytes,
    });
  } catch (err) {
    options.log('warn', `${options.selfId}: ${stage} of ${label} failed: ${(err as Error).message}`);
    await refuse(
      `${stage} of ${label} to [${op.targets.map((t) => t.name).join(', ')}] failed: ${(err as Error).message}`,
    );
    return;
  }
  options.log(
    'info',
    `${options.selfId}: transferred ${stage === 'TRANSFER_RBW' ? 'RBW' : 'finalized'} replica ${label} (${eb.numBytes} bytes) to [${op.targets.map((t) => t.name).join(', ')}]`,
  );
  await sendResponse(link, label, { status: 'SUCCESS' });
}
