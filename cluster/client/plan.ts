/**
 * The DFS client's pure decisions, apart from its socket I/O (dfs-client.ts): how a file splits
 * into blocks and a block into packets, which replica to read next, which replicas to report as
 * bad, and the retry schedule of addBlock/complete.
 */
import { BYTES_PER_CHECKSUM, PACKET_DATA_BYTES } from '../protocol/packet.js';

export interface BlockSlice {
  index: number;
  /** Offset of the block in the file. */
  offset: number;
  length: number;
}

/** A file of `totalBytes` in blocks of `blockSizeBytes`: all full but the last (none for an empty file). */
export function planBlocks(totalBytes: number, blockSizeBytes: number): BlockSlice[] {
  assertPositive(blockSizeBytes, 'blockSizeBytes');
  const out: BlockSlice[] = [];
  for (let offset = 0, index = 0; offset < totalBytes; offset += blockSizeBytes, index++) {
    out.push({ index, offset, length: Math.min(blockSizeBytes, totalBytes - offset) });
  }
  return out;
}

export interface PacketSlice {
  seqno: number;
  offsetInBlock: number;
  length: number;
  lastPacketInBlock: boolean;
}

/**
 * The packets of one block: full packets of `packetDataBytes` (126 chunks = 64,512 bytes by
 * default), a shorter one for the rest, then the empty packet with lastPacketInBlock set.
 */
export function planPackets(blockBytes: number, packetDataBytes = PACKET_DATA_BYTES): PacketSlice[] {
  assertPositive(packetDataBytes, 'packetDataBytes');
  const out: PacketSlice[] = [];
  let seqno = 0;
  let offset = 0;
  for (; offset < blockBytes; offset += packetDataBytes) {
    out.push({
      seqno: seqno++,
      offsetInBlock: offset,
      length: Math.min(packetDataBytes, blockBytes - offset),
      lastPacketInBlock: false,
    });
  }
  out.push({ seqno, offsetInBlock: blockBytes, length: 0, lastPacketInBlock: true });
  return out;
}

/**
 * Bytes the packet being filled may still take: a packet is at most `packetDataBytes` and never
 * spans two blocks. The streaming writer uses this to cut exactly the packets planPackets lists.
 */
export function packetRoom(args: {
  /** Bytes of the current block already sent in packets. */
  blockBytesSent: number;
  /** Bytes waiting in the packet being filled. */
  packetFill: number;
  blockSizeBytes: number;
  packetDataBytes?: number;
  bytesPerChecksum?: number;
}): number {
  // After an append to a partial block the first packet only fills the last chunk, so that every
  // later packet starts on a chunk boundary (DFSOutputStream's appendChunk rule).
  const partial = args.blockBytesSent % (args.bytesPerChecksum ?? BYTES_PER_CHECKSUM);
  const packetMax =
    partial === 0
      ? (args.packetDataBytes ?? PACKET_DATA_BYTES)
      : (args.bytesPerChecksum ?? BYTES_PER_CHECKSUM) - partial;
  const packetBytes = Math.min(packetMax, args.blockSizeBytes - args.blockBytesSent);
  return packetBytes - args.packetFill;
}

export type ReplicaFailure = 'checksum' | 'io';

/**
 * The next replica to read: the first in the NameNode's order (nearest first) not yet failed.
 * A replica that failed is not tried again for this block (HDFS's deadNodes).
 */
export function nextReplica(
  locations: readonly string[],
  failed: ReadonlyMap<string, ReplicaFailure>,
): string | undefined {
  return locations.find((name) => !failed.has(name));
}

/**
 * Replicas to report with reportBadBlocks after reading one block (DFSInputStream): the ones that
 * failed their checksum when another replica was read cleanly; when every replica failed, only
 * if the block has exactly one replica (otherwise the client itself may be at fault).
 * Connection failures are not corruption and are never reported.
 */
export function replicasToReport(args: {
  failed: ReadonlyMap<string, ReplicaFailure>;
  succeeded: boolean;
  replicaCount: number;
}): string[] {
  const corrupt = [...args.failed].filter(([, why]) => why === 'checksum').map(([name]) => name);
  if (args.succeeded) return corrupt;
  return args.replicaCount === 1 ? corrupt : [];
}

/**
 * dfs.client.write.exclude.nodes.cache.expiry.interval.millis: how long a DataNode that failed a
 * pipeline setup stays excluded from this file's later blocks (HDFS's default, 10 minutes).
 */
export const EXCLUDED_NODE_EXPIRY_MS = 10 * 60 * 1000;

/**
 * DataStreamer.excludedNodes: the DataNodes that failed a pipeline setup while this file was
 * written (nextBlockOutputStream puts the bad one in after abandoning the block), sent with every
 * later addBlock of the file until each entry expires. Without it a dead DataNode that the
 * NameNode still thinks live was offered again for every block: 26 abandoned blocks for one
 * 50-block file.
 */
export class ExcludedNodes {
  private readonly untilMs = new Map<string, number>();

  constructor(private readonly expiryMs = EXCLUDED_NODE_EXPIRY_MS) {}

  add(name: string, nowMs: number): void {
    this.untilMs.set(name, nowMs + this.expiryMs);
  }

  /** The DataNodes still excluded at `nowMs`, in the order they failed. */
  list(nowMs: number): string[] {
    for (const [name, until] of this.untilMs) if (until <= nowMs) this.untilMs.delete(name);
    return [...this.untilMs.keys()];
  }
}

/** Waits between retries: `retries` waits starting at `firstWaitMs`, doubling (HDFS's locateFollowingBlock backoff). */
export function retryDelaysMs(retries: number, firstWaitMs: number): number[] {
  return Array.from({ length: retries }, (_, i) => firstWaitMs * 2 ** i);
}

/** HDFS's client name for a shell command: DFSClient_NONMAPREDUCE_<random int>_<thread id>. */
export function clientNameFor(randomInt: number): string {
  return `DFSClient_NONMAPREDUCE_${randomInt}_1`;
}

function assertPositive(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
}
