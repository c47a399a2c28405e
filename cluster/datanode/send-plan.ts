/**
 * What a DataNode sends of a replica, without I/O: HDFS's BlockSender. The process's block sender
 * (runtime/block-sender.ts) asks this module what to send and only moves bytes: it opens the
 * replica's files, reads the windows named here and writes the packets laid out here. READ_BLOCK
 * and COPY_BLOCK answer a reader this way; DataNode-initiated copies (DNA_TRANSFER, TRANSFER_RBW)
 * read the same windows into a pipeline; the simulator (sim/cluster-sim.ts) hands a copy's
 * packets to the receivers' packet loops.
 *
 * BlockSender's rules kept here:
 * - a replica of a lower generation stamp than the one asked for is not sent
 *   (ReplicaNotFoundException; a higher one is, as BlockSender bumps the reader's stamp);
 * - the offset and length must lie inside the replica (" Offset … and length … don't match block …");
 * - the range widens to whole chunks: its start rounds down to a chunk boundary and its end up to
 *   one, or to the replica's end, so that every chunk sent matches the checksum stored for it —
 *   the reader drops the bytes it did not ask for;
 * - where the end is the end of a replica being written and falls inside a chunk, that chunk's
 *   checksum is computed from the bytes sent (lastChunkChecksum): the writer may have grown the
 *   chunk past the visible length since its stored checksum was written;
 * - packets carry whole chunks, seqno from 0, each with the stored checksums of its chunks
 *   (.meta's header, then one checksum per chunk in order); after the data an empty packet at the
 *   end offset with lastPacketInBlock ends the block;
 * - COPY_BLOCK (the balancer's copy from a proxy) sends the whole replica, throttled to the
 *   balance bandwidth (DataTransferThrottler);
 * - TRANSFER_BLOCK (a writer's pipeline recovery) copies the RBW replica, else the finalized one,
 *   when it holds the bytes and stamp the writer names;
 * - BLOCK_CHECKSUM hashes the stored checksums of the chunks asked for, the last one's recomputed
 *   when the length asked for ends inside a chunk.
 *
 * - a full packet holds BlockSender's transferTo packet, SEND_PACKET_DATA_BYTES (128 chunks,
 *   64 KiB; a writer's packets hold 126).
 */
import { META_HEADER_BYTES } from './meta.js';
import {
  BYTES_PER_CHECKSUM,
  CHECKSUM_SIZE,
  SEND_PACKET_DATA_BYTES,
  type PacketHeader,
} from '../protocol/packet.js';
import { blockName } from '../protocol/types.js';
import { poolNotServed } from './receive-plan.js';

/**
 * Bytes of the block file read at once when sending: 16 full packets (1 MiB), so a packet never
 * spans two reads and each read is large and sequential.
 */
export const SEND_WINDOW_BYTES = 16 * SEND_PACKET_DATA_BYTES;

/** The replica a sender found for the block: finalized, or being written (read to its acked length). */
export interface SendableReplica {
  genStamp: number;
  /** The bytes a reader may see: a finalized replica's length, or an rbw one's acked bytes. */
  numBytes: number;
  beingWritten: boolean;
}

/** The parts of an OpReadBlock the plan reads. */
export interface ReadBlockRequest {
  block: { poolId: string; blockId: number; genStamp: number };
  offset: number;
  len: number;
}

/** The bytes [start, end) of a replica, chunk-aligned, and how its last chunk's checksum is had. */
export interface SendRange {
  start: number;
  end: number;
  /** The last chunk is partial and still growing: compute its checksum from the bytes sent. */
  lastChunkFromData: boolean;
}

export type SendPlan =
  ({ kind: 'send' } & SendRange) | { kind: 'refuse'; status: 'ERROR' | 'ERROR_INVALID'; message: string };

/** BlockSender's constructor checks and range for a READ_BLOCK of `len` bytes from `offset`. */
export function planReadBlock(request: ReadBlockRequest, replica: SendableReplica | null): SendPlan {
  const eb = request.block;
  const name = `${eb.poolId}:${blockName(eb)}`;
  if (!replica || replica.genStamp < eb.genStamp)
    return {
      kind: 'refuse',
      status: 'ERROR',
      message: `ReplicaNotFoundException: Replica not found for ${name}`,
    };
  const length = replica.numBytes;
  const { offset, len } = request;
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(len) ||
    offset < 0 ||
    len < 0 ||
    offset > length
  ) {
    return {
      kind: 'refuse',
      status: 'ERROR_INVALID',
      message: `Offset ${offset} and length ${len} don't match block ${name} ( blockLen ${length} )`,
    };
  }
  const end = Math.min(chunkCeil(offset + len), length);
  return {
    kind: 'send',
    start: offset - (offset % BYTES_PER_CHECKSUM),
    end,
    lastChunkFromData: replica.beingWritten && end % BYTES_PER_CHECKSUM !== 0,
  };
}

/**
 * COPY_BLOCK at the proxy (DataXceiver.copyBlock): BlockSender over the whole replica (length
 * -1: its visible length), or the length the balancer named when this DataNode has none.
 */
export function planCopyBlock(
  block: ReadBlockRequest['block'] & { numBytes: number },
  replica: SendableReplica | null,
): SendPlan {
  return planReadBlock({ block, offset: 0, len: replica?.numBytes ?? block.numBytes }, replica);
}

/** A DataNode-initiated copy's range: the replica's first `numBytes` bytes, all of them stored. */
export function copyRange(numBytes: number): SendRange {
  return { start: 0, end: numBytes, lastChunkFromData: false };
}

/** The replicas a TRANSFER_BLOCK may copy from: an rbw one, a finalized one, each if held here. */
export interface TransferSources {
  rbw: { genStamp: number; visibleBytes: number } | null;
  finalized: { genStamp: number; numBytes: number } | null;
}

export type TransferBlockPlan =
  | { kind: 'refuse'; message: string }
  | { kind: 'send'; stage: 'TRANSFER_RBW' | 'TRANSFER_FINALIZED'; genStamp: number; range: SendRange };

/**
 * TRANSFER_BLOCK at the source DataNode (DataNode.transferReplicaForPipelineRecovery), once the
 * failed pipeline's write here has ended: the first `numBytes` bytes of the RBW replica
 * (TRANSFER_RBW), else of the finalized one (TRANSFER_FINALIZED: an append whose first setup failed
 * before it reached this DataNode), sent under the replica's own stamp, which must be at least the
 * asked one, and only when it holds that many bytes.
 */
export function planTransferBlock(
  block: ReadBlockRequest['block'] & { numBytes: number },
  at: { poolId: string; selfId: string },
  held: TransferSources,
): TransferBlockPlan {
  if (block.poolId !== at.poolId) return { kind: 'refuse', message: poolNotServed(block.poolId, at.poolId) };
  const source = held.rbw
    ? { stage: 'TRANSFER_RBW' as const, genStamp: held.rbw.genStamp, bytes: held.rbw.visibleBytes }
    : held.finalized && {
        stage: 'TRANSFER_FINALIZED' as const,
        genStamp: held.finalized.genStamp,
        bytes: held.finalized.numBytes,
      };
  if (!source) {
    return {
      kind: 'refuse',
      message: `ReplicaNotFoundException: no RBW or finalized replica of ${block.poolId}:${blockName(block)} on ${at.selfId}`,
    };
  }
  if (source.genStamp < block.genStamp || source.bytes < block.numBytes) {
    return {
      kind: 'refuse',
      message: `replica blk_${block.blockId}_${source.genStamp} has ${source.bytes} bytes; the transfer needs genstamp ≥ ${block.genStamp} and ${block.numBytes} bytes`,
    };
  }
  return { kind: 'send', stage: source.stage, genStamp: source.genStamp, range: copyRange(block.numBytes) };
}

/** One data packet: its place in the block and, in its window, where its bytes and checksums lie. */
export interface SendPacket {
  seqno: number;
  offsetInBlock: number;
  dataLen: number;
  /** Offset of the packet's data in its window's block bytes. */
  dataOffset: number;
  /** Offset and length of the packet's checksums in its window's checksum bytes. */
  checksumsOffset: number;
  checksumsLength: number;
}

/** One read of the block file and of the matching stored checksums, and the packets it feeds. */
export interface SendWindow {
  /** Block-file bytes [blockPosition, blockPosition + blockLength). */
  blockPosition: number;
  blockLength: number;
  /** .meta bytes [metaPosition, metaPosition + metaLength): the checksums of those chunks. */
  metaPosition: number;
  metaLength: number;
  /**
   * The window's last chunk, partial and still growing (the range's lastChunkFromData): its
   * checksum, at `checksumsOffset` of the window's checksums, is computed from its bytes.
   */
  recomputedChunk: { dataOffset: number; dataLen: number; checksumsOffset: number } | null;
  packets: SendPacket[];
}

/** The data of a range, window by window: BlockSender.sendPacket's packets, grouped by read. */
export function* sendWindows(range: SendRange): Generator<SendWindow> {
  let seqno = 0;
  for (let pos = range.start; pos < range.end; pos += SEND_WINDOW_BYTES) {
    const blockLength = Math.min(SEND_WINDOW_BYTES, range.end - pos);
    const packets: SendPacket[] = [];
    for (let off = 0; off < blockLength; off += SEND_PACKET_DATA_BYTES) {
      const dataLen = Math.min(SEND_PACKET_DATA_BYTES, blockLength - off);
      packets.push({
        seqno: seqno++,
        offsetInBlock: pos + off,
        dataLen,
        dataOffset: off,
        checksumsOffset: checksumBytes(off),
        checksumsLength: checksumBytes(chunkCeil(dataLen)),
      });
    }
    const partial = blockLength % BYTES_PER_CHECKSUM;
    const recompute = range.lastChunkFromData && pos + blockLength === range.end && partial > 0;
    const metaLength = checksumBytes(chunkCeil(blockLength));
    yield {
      blockPosition: pos,
      blockLength,
      metaPosition: META_HEADER_BYTES + checksumBytes(pos),
      metaLength,
      recomputedChunk: recompute
        ? { dataOffset: blockLength - partial, dataLen: partial, checksumsOffset: metaLength - CHECKSUM_SIZE }
        : null,
      packets,
    };
  }
}

/** The empty packet after the data that ends the block (lastPacketInBlock). */
export function lastPacket(range: SendRange): { seqno: number; offsetInBlock: number } {
  return { seqno: Math.ceil((range.end - range.start) / SEND_PACKET_DATA_BYTES), offsetInBlock: range.end };
}

/** The packets of a range as a receiver reads their headers, the last empty one included. */
export function* sendPacketHeaders(range: SendRange): Generator<PacketHeader> {
  for (const window of sendWindows(range))
    for (const p of window.packets)
      yield {
        seqno: p.seqno,
        offsetInBlock: p.offsetInBlock,
        dataLen: p.dataLen,
        lastPacketInBlock: false,
        syncBlock: false,
      };
  yield { ...lastPacket(range), dataLen: 0, lastPacketInBlock: true, syncBlock: false };
}

/** The stored chunk checksums a BLOCK_CHECKSUM hashes, and the partial chunk whose CRC is recomputed. */
export interface BlockChecksumPlan {
  /** Chunks covered (crcPerBlock): their checksums are the first `checksumsLength` stored bytes. */
  crcPerBlock: number;
  checksumsLength: number;
  /** A length that ends inside a chunk before the replica's end: that chunk's CRC over its bytes. */
  recomputedChunk: { blockPosition: number; length: number; checksumsOffset: number } | null;
}

/**
 * BLOCK_CHECKSUM (DataXceiver.blockChecksum): the chunks of the first `requestedBytes` bytes of
 * a replica of `replicaBytes` (all of it when the request is 0 or longer), the last one's CRC
 * recomputed over the bytes asked for when the length ends inside a chunk.
 */
export function planBlockChecksum(
  requestedBytes: number,
  replicaBytes: number,
  bytesPerChecksum: number,
): BlockChecksumPlan {
  const length = requestedBytes > 0 && requestedBytes < replicaBytes ? requestedBytes : replicaBytes;
  const chunks = Math.ceil(length / bytesPerChecksum);
  const partial = length < replicaBytes && length % bytesPerChecksum !== 0;
  const lastStart = (chunks - 1) * bytesPerChecksum;
  return {
    crcPerBlock: chunks,
    checksumsLength: chunks * CHECKSUM_SIZE,
    recomputedChunk: partial
      ? {
          blockPosition: lastStart,
          length: length - lastStart,
          checksumsOffset: (chunks - 1) * CHECKSUM_SIZE,
        }
      : null,
  };
}

/**
 * DataTransferThrottler: how long to wait before sending more once `sentBytes` went out in
 * `elapsedMs` at `bytesPerSec` (0 or less: unthrottled, never wait).
 */
export function throttleWaitMs(sentBytes: number, elapsedMs: number, bytesPerSec: number): number {
  if (bytesPerSec <= 0) return 0;
  return Math.max(0, (sentBytes * 1000) / bytesPerSec - elapsedMs);
}

function chunkCeil(bytes: number): number {
  return Math.ceil(bytes / BYTES_PER_CHECKSUM) * BYTES_PER_CHECKSUM;
}

function checksumBytes(bytesAligned: number): number {
  return (bytesAligned / BYTES_PER_CHECKSUM) * CHECKSUM_SIZE;
}
