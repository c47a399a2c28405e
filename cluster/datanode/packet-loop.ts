/**
 * What a DataNode does with each packet of a write, without I/O: HDFS's BlockReceiver.receivePacket
 * and the queue its PacketResponder acks from. The process's block receiver
 * (runtime/block-receiver.ts) reads a packet, asks `PacketLoop.next` what to do with it, and does
 * it: forward it to the mirror, verify its checksums, write the bytes not already on disk, sync,
 * run the receive plan's end after the last packet, and ack upstream when this DataNode's own
 * status is known (the last DataNode of a pipeline at once, the others when the downstream ack for
 * the same seqno arrives too: receive-plan.ts's upstreamAck). When the ack went out, `acked`
 * moves the replica's visible length (ReplicaBeingWritten's bytesAcked).
 *
 * HDFS's rules kept here:
 * - a packet may not start after the bytes received ("out-of-sequence"); one that starts before
 *   them is a writer resending what it sent before (the chunk it hflushed half of, or a pipeline
 *   recovery resending unacked packets), and only its bytes past the replica's end are written;
 * - a writer's heartbeat (seqno -1, no data: DFSPacket.HEART_BEAT_SEQNO) is forwarded and acked
 *   like any packet, and stores nothing;
 * - a packet with syncBlock is acked only after the fsync (hflush vs hsync); the last packet
 *   carries no data in HDFS's writers, and it ends the block (the plan's end: finalize and report,
 *   finalize, or keep an rbw replica);
 * - checksums are verified where the plan says (the last DataNode, every DataNode-initiated copy).
 *
 * Two differences from HDFS. A DataNode with a mirror learns its own status for a packet once
 * the packet is written, where HDFS's PacketResponder queues an unsynced, unverified packet as
 * SUCCESS before writing it: the lab writes synchronously, so this costs an ack no time and a
 * failed write is never acked SUCCESS. And bytes in a last packet are stored (HDFS's writers send
 * it empty and BlockReceiver ignores its data).
 */
import type { PacketHeader } from '../protocol/packet.js';
import { HEARTBEAT_SEQNO } from '../protocol/packet.js';

/** What the loop needs of the receive plan. */
export interface PacketLoopSetup {
  /** The block's name in messages (blk_<id>_<genStamp>). */
  label: string;
  /** Whether packets go on to a next DataNode. */
  mirrored: boolean;
  /** Whether packet checksums are verified here (the receive plan's verify). */
  verify: boolean;
  /** The bytes the replica holds when the write opens (an append or a recovery continues them). */
  bytesOnDisk: number;
}

/** When this DataNode's own status for a packet is known, so its ack may go upstream. */
export type OwnStatusAfter = 'nothing' | 'write' | 'sync' | 'end-of-block';

/** The decisions for one packet. */
export interface PacketStep {
  kind: 'heartbeat' | 'data' | 'last';
  seqno: number;
  /** Forward the packet, as it came, to the mirror before handling it here. */
  forward: boolean;
  /** Verify the checksums of the bytes written here. */
  verify: boolean;
  /** The packet's first bytes the replica already holds: not written again. */
  skipBytes: number;
  /** The bytes written to the replica (after the skipped ones). */
  writeBytes: number;
  /** fsync the replica's files before this DataNode's status is known (syncBlock). */
  sync: boolean;
  /** Run the receive plan's end (finalize, report, keep rbw): the block is complete. */
  endOfBlock: boolean;
  ownStatusAfter: OwnStatusAfter;
  /** Ack upstream at once after the own status (last DataNode) or after the downstream ack too. */
  ackAfter: 'own-status' | 'downstream-ack';
  /** The replica's visible length once this packet is acked. */
  ackedLength: number;
}

export type PacketDecision = PacketStep | { kind: 'refuse'; message: string };

/** One write's packet loop: the bytes received so far and the length acked upstream. */
export class PacketLoop {
  private received: number;
  private ackedBytes: number;

  constructor(private readonly setup: PacketLoopSetup) {
    this.received = setup.bytesOnDisk;
    this.ackedBytes = setup.bytesOnDisk;
  }

  /** The bytes acked upstream: what a reader of the replica being written may see. */
  get bytesAcked(): number {
    return this.ackedBytes;
  }

  /** BlockReceiver.receivePacket's decisions for the next packet read from upstream. */
  next(h: PacketHeader): PacketDecision {
    const { label, mirrored, verify } = this.setup;
    if (h.dataLen < 0) {
      return {
        kind: 'refuse',
        message: `Got wrong length during writeBlock(${label}) at offset ${h.offsetInBlock}: ${h.dataLen}`,
      };
    }
    if (h.offsetInBlock > this.received) {
      return {
        kind: 'refuse',
        message: `Received an out-of-sequence packet for ${label} at offset ${h.offsetInBlock}. Expecting packet starting at ${this.received}`,
      };
    }
    const heartbeat = h.seqno === HEARTBEAT_SEQNO && h.dataLen === 0;
    const end = h.offsetInBlock + h.dataLen;
    const skipBytes = Math.min(h.dataLen, this.received - h.offsetInBlock);
    const writeBytes = h.dataLen - skipBytes;
    this.received = Math.max(this.received, end);
    const kind = h.lastPacketInBlock ? 'last' : heartbeat ? 'heartbeat' : 'data';
    return {
      kind,
      seqno: h.seqno,
      forward: mirrored,
      verify: verify && h.dataLen > 0,
      skipBytes,
      writeBytes,
      sync: h.syncBlock,
      endOfBlock: h.lastPacketInBlock,
      ownStatusAfter: ownStatusAfter(kind, writeBytes, h.syncBlock),
      ackAfter: mirrored ? 'downstream-ack' : 'own-status',
      // A heartbeat (offset 0) never lowers what readers see: `acked` keeps the maximum, as
      // PacketResponder does.
      ackedLength: end,
    };
  }

  /** PacketResponder after the ack for `step` went upstream with every status SUCCESS. */
  acked(step: PacketStep): void {
    this.ackedBytes = Math.max(this.ackedBytes, step.ackedLength);
  }
}

function ownStatusAfter(kind: PacketStep['kind'], writeBytes: number, sync: boolean): OwnStatusAfter {
  if (kind === 'last') return 'end-of-block';
  if (sync) return 'sync';
  return writeBytes > 0 ? 'write' : 'nothing';
}
