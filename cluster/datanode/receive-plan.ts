/**
 * What a DataNode does with a WRITE_BLOCK, without I/O: HDFS's DataXceiver.writeBlock and the
 * decisions of BlockReceiver and its PacketResponder. The process's block receiver
 * (runtime/block-receiver.ts) moves the bytes and the simulator (sim/cluster-sim.ts) runs a
 * pipeline in memory; both ask this module:
 *
 * - the receive plan: which replica the op opens (BlockReceiver's constructor: a DataNode-initiated
 *   copy — clientName '' — goes to a temporary replica whatever its stage; a client's
 *   PIPELINE_SETUP_CREATE creates an rbw replica, PIPELINE_SETUP_APPEND appends to a finalized one,
 *   PIPELINE_SETUP_STREAMING_RECOVERY reopens the rbw one and PIPELINE_SETUP_APPEND_RECOVERY
 *   either (recoverAppend), all under latestGenerationStamp;
 *   TRANSFER_RBW / TRANSFER_FINALIZED arrive in a temporary replica), whether it tells the NameNode
 *   RECEIVING at once (createRbw, append and recoverAppend do, notifyNamenodeReceivingBlock;
 *   a streaming recovery does not),
 *   whether it mirrors (to the first of the targets), whether it verifies packet checksums
 *   (shouldVerifyChecksum: the last DataNode of a pipeline and every DataNode-initiated copy), what
 *   it does after the last packet (finalize and report RECEIVED, finalize only, or keep the replica
 *   as rbw for TRANSFER_RBW) and with a broken write (a client's rbw replica stays for recovery, a
 *   temporary one is dropped);
 * - the ack rules (PacketResponder.sendAckUpstreamUnprotected): the last DataNode acks with its own
 *   status; the others put their status first and the downstream replies after it; a downstream
 *   that could not be read is acked [SUCCESS, ERROR] (MIRROR_ERROR_STATUS: blame the mirror); a
 *   downstream ERROR_CHECKSUM is never passed on — this DataNode stops without acking, so the
 *   writer blames it, the sender of the corrupt bytes, not the mirror;
 * - REPLACE_BLOCK's checks at the balancer's target and its copy's plan (DataXceiver.replaceBlock);
 * - DNA_TRANSFER's checks at the source (DataNode.transferBlock).
 *
 * What happens to each packet of the write is datanode/packet-loop.ts's.
 *
 * One difference from HDFS, kept because it shortens every put: a DataNode with a mirror finalizes
 * its replica when the last packet is written, beside the wait for the downstream ack (HDFS's
 * PacketResponder finalizes after that ack); its ack upstream still waits for both.
 */
import type { ChecksumSpec } from './meta.js';
import type {
  BlockConstructionStage,
  DataChecksum,
  ExtendedBlock,
  StatusName,
} from '../protocol/data-transfer.js';
import { BYTES_PER_CHECKSUM } from '../protocol/packet.js';
import type { BlockRef } from '../protocol/types.js';

/** The parts of an OpWriteBlock the plan reads. */
export interface WriteBlockRequest<T> {
  stage: BlockConstructionStage;
  /** '' for a DataNode-initiated copy (DNA_TRANSFER, the balancer's copies). */
  clientName: string;
  block: Pick<ExtendedBlock, 'poolId' | 'blockId' | 'genStamp'>;
  latestGenerationStamp: number;
  /** The DataNodes after this one. */
  targets: readonly T[];
  requestedChecksum: DataChecksum;
}

/** How the replica is opened (FsDatasetSpi's createRbw, append, recoverRbw, createTemporary). */
export type ReplicaOpening = 'create-rbw' | 'append' | 'recover-rbw' | 'recover-append' | 'create-temporary';

/** After the last packet: finalize and report RECEIVED, finalize only, or make the copy an rbw replica. */
export type ReplicaEnd = 'finalize-and-report' | 'finalize' | 'keep-rbw';

export interface ReceiveReplica<T> {
  kind: 'receive';
  opening: ReplicaOpening;
  /** The replica as it will be: its stamp is latestGenerationStamp for an append or a recovery. */
  block: BlockRef;
  checksum: ChecksumSpec;
  /** The next DataNode of the pipeline, or null for the last one. */
  mirror: T | null;
  /** Whether packet checksums are verified here. */
  verify: boolean;
  /** Whether blockReceivedAndDeleted RECEIVING is queued when the replica is opened. */
  reportReceiving: boolean;
  /** A client's write (an rbw replica others may recover), as opposed to a copy into tmp/. */
  clientWrite: boolean;
  /** Whether a write still open on the block is ended first (an append or a recovery continues it). */
  endsOpenWrite: boolean;
  end: ReplicaEnd;
  /** A broken write: a client's rbw replica stays for pipeline or lease recovery; a copy is dropped. */
  onFailure: 'keep-rbw' | 'abort';
  /** A DataNode-initiated copy blames its source for bad checksums (reportBadBlocks). */
  blameSourceOnBadChecksum: boolean;
}

/** Answer the setup with this status and message; nothing is received. */
export interface Refusal {
  kind: 'refuse';
  status: 'ERROR' | 'ERROR_UNSUPPORTED';
  message: string;
}

export type ReceivePlan<T> =
  | ReceiveReplica<T>
  | Refusal
  /** PIPELINE_CLOSE_RECOVERY from a client: recoverClose, no packets (DataXceiver.writeBlock). */
  | { kind: 'recover-close'; mirror: T | null };

/** The plan for one WRITE_BLOCK at the DataNode serving block pool `poolId`. */
export function planWriteBlock<T>(op: WriteBlockRequest<T>, poolId: string): ReceivePlan<T> {
  const { block: eb } = op;
  if (eb.poolId !== poolId)
    return { kind: 'refuse', status: 'ERROR', message: poolNotServed(eb.poolId, poolId) };
  const fromDatanode = op.clientName === '';
  const mirror = op.targets[0] ?? null;
  if (!fromDatanode && op.stage === 'PIPELINE_CLOSE_RECOVERY') return { kind: 'recover-close', mirror };
  const checksum = storableChecksum(op.requestedChecksum);
  if (typeof checksum === 'string') return { kind: 'refuse', status: 'ERROR_UNSUPPORTED', message: checksum };
  const shape = fromDatanode ? COPY : CLIENT_STAGES[op.stage];
  if (!shape) {
    return {
      kind: 'refuse',
      status: 'ERROR',
      message: `Unsupported stage ${op.stage} while receiving block blk_${eb.blockId}_${eb.genStamp}`,
    };
  }
  const newStamp = shape.opening !== 'create-rbw' && shape.opening !== 'create-temporary';
  return {
    kind: 'receive',
    ...shape,
    block: { blockId: eb.blockId, genStamp: newStamp ? op.latestGenerationStamp : eb.genStamp, numBytes: 0 },
    checksum,
    mirror,
    verify: fromDatanode || mirror === null,
    endsOpenWrite: newStamp,
    onFailure: shape.clientWrite ? 'keep-rbw' : 'abort',
    blameSourceOnBadChecksum: fromDatanode,
  };
}

/** The refusal of an op for a block pool this DataNode does not serve. */
export function poolNotServed(asked: string, served: string): string {
  return `block pool ${asked} is not served here (${served})`;
}

type Shape = Pick<ReceiveReplica<unknown>, 'opening' | 'reportReceiving' | 'clientWrite' | 'end'>;

/** A DataNode-initiated copy (BlockReceiver's isDatanode): tmp/, finalized, reported by DataXceiver. */
const COPY: Shape = {
  opening: 'create-temporary',
  reportReceiving: false,
  clientWrite: false,
  end: 'finalize-and-report',
};

/**
 * A client's stages as BlockReceiver's constructor opens them. TRANSFER_FINALIZED is finalized but
 * not reported by the receiver (DataXceiver.writeBlock calls closeBlock only for a DataNode's copy
 * or a close recovery; the append recovery that follows reports the replica). The stages a setup
 * never carries (PIPELINE_CLOSE, DATA_STREAMING) are refused.
 */
const CLIENT_STAGES: Partial<Record<BlockConstructionStage, Shape>> = {
  PIPELINE_SETUP_CREATE: {
    opening: 'create-rbw',
    reportReceiving: true,
    clientWrite: true,
    end: 'finalize-and-report',
  },
  PIPELINE_SETUP_APPEND: {
    opening: 'append',
    reportReceiving: true,
    clientWrite: true,
    end: 'finalize-and-report',
  },
  PIPELINE_SETUP_APPEND_RECOVERY: {
    opening: 'recover-append',
    reportReceiving: true,
    clientWrite: true,
    end: 'finalize-and-report',
  },
  PIPELINE_SETUP_STREAMING_RECOVERY: {
    opening: 'recover-rbw',
    reportReceiving: false,
    clientWrite: true,
    end: 'finalize-and-report',
  },
  TRANSFER_RBW: { opening: 'create-temporary', reportReceiving: false, clientWrite: false, end: 'keep-rbw' },
  TRANSFER_FINALIZED: {
    opening: 'create-temporary',
    reportReceiving: false,
    clientWrite: false,
    end: 'finalize',
  },
};

/**
 * The checksum a writer asks for, if this DataNode can store it: CRC32 (the Go client) or CRC32C
 * (Java's default), over 512-byte chunks, the lab's one chunk size. Otherwise the refusal's text.
 */
export function storableChecksum(requested: DataChecksum): ChecksumSpec | string {
  if (requested.type === 'NULL')
    return 'a CHECKSUM_NULL write cannot be verified; the lab DataNode stores CRC32 or CRC32C';
  if (requested.bytesPerChecksum !== BYTES_PER_CHECKSUM)
    return `bytesPerChecksum ${requested.bytesPerChecksum} is not supported; the lab DataNode uses ${BYTES_PER_CHECKSUM}`;
  return { type: requested.type, bytesPerChecksum: requested.bytesPerChecksum };
}

/** What came back from downstream for one packet. */
export type DownstreamAck =
  /** This DataNode is the last of the pipeline. */
  | { kind: 'last-in-pipeline' }
  /** The mirror's ack could not be read (it died or closed). */
  | { kind: 'mirror-error' }
  | { kind: 'ack'; replies: readonly StatusName[] }
  /** An out-of-band ack from downstream (a DataNode there shuts down for a restart). */
  | { kind: 'oob'; replies: readonly StatusName[] };

/** The ack upstream for one packet, and whether this DataNode's receive then stops (with why). */
export interface UpstreamAck {
  /** null: send nothing (a downstream checksum error ends this DataNode's write unacked). */
  replies: StatusName[] | null;
  stop: string | null;
}

/**
 * BlockReceiver.sendOOB, at a DataNode shutting down for a restart (dfsadmin -shutdownDatanode …
 * upgrade): one reply, OOB_RESTART, whatever the DataNodes downstream, with seqno OOB_SEQNO. Only a
 * client's write gets it; a copy between DataNodes (isDatanode) does not.
 */
export const RESTART_OOB_REPLIES: readonly StatusName[] = ['OOB_RESTART'];

/** HDFS's replies when the mirror's ack could not be read (MIRROR_ERROR_STATUS). */
const MIRROR_ERROR_REPLIES: readonly StatusName[] = ['SUCCESS', 'ERROR'];

/** PacketResponder's ack upstream, given this DataNode's own status for the packet. */
export function upstreamAck(mine: StatusName, downstream: DownstreamAck): UpstreamAck {
  // "Relaying an out of band ack": SUCCESS for this DataNode whatever its own state, then the
  // downstream replies, and the write goes on until the writer acts on it.
  if (downstream.kind === 'oob') return { replies: ['SUCCESS', ...downstream.replies], stop: null };
  if (downstream.kind === 'mirror-error')
    return { replies: [...MIRROR_ERROR_REPLIES], stop: 'the downstream DataNode did not ack' };
  const below = downstream.kind === 'ack' ? downstream.replies : [];
  if (below[0] === 'ERROR_CHECKSUM') {
    return {
      replies: null,
      stop: 'Shutting down writer and responder since the down streams reported the data sent by this thread is corrupt',
    };
  }
  const replies: StatusName[] = [mine, ...below];
  if (mine === 'ERROR_CHECKSUM') {
    return {
      replies,
      stop: 'Shutting down writer and responder due to a checksum error in received data. The error response has been sent upstream.',
    };
  }
  // The lab's rule: a failure anywhere ends this DataNode's part once the ack is out (HDFS's
  // writer tears the pipeline down on it the same way).
  const bad = replies.find((r) => r !== 'SUCCESS');
  return { replies, stop: bad ? `the pipeline reported [${replies.join(',')}]` : null };
}

/**
 * DataXceiver.replaceBlock's checks at the balancer's target before it asks the proxy for the
 * replica: the block pool is served here and no replica of the block is here already (the copy
 * would have nowhere to go: FsDatasetImpl.createTemporary refuses it).
 */
export function planReplaceBlock(
  block: Pick<ExtendedBlock, 'poolId' | 'blockId' | 'genStamp'>,
  at: { poolId: string; selfId: string; holds: boolean },
): Refusal | { kind: 'copy-from-proxy' } {
  const name = `${block.poolId}:blk_${block.blockId}_${block.genStamp}`;
  if (block.poolId !== at.poolId)
    return { kind: 'refuse', status: 'ERROR', message: poolNotServed(block.poolId, at.poolId) };
  if (at.holds)
    return {
      kind: 'refuse',
      status: 'ERROR',
      message: `Block ${name} already exists on ${at.selfId}: not moved`,
    };
  return { kind: 'copy-from-proxy' };
}

/**
 * The receive plan of REPLACE_BLOCK's copy once the proxy answered with the replica's checksum:
 * a DataNode-initiated copy with no mirror (DataXceiver.replaceBlock's BlockReceiver has no client
 * name), so into tmp/, verified, finalized and reported RECEIVED, its source blamed for bad bytes.
 */
export function planReplaceReceive(
  block: Pick<ExtendedBlock, 'poolId' | 'blockId' | 'genStamp'>,
  proxyChecksum: DataChecksum,
  poolId: string,
): ReceiveReplica<never> | Refusal {
  const plan = planWriteBlock<never>(
    {
      stage: 'PIPELINE_SETUP_CREATE',
      clientName: '',
      block,
      latestGenerationStamp: block.genStamp,
      targets: [],
      requestedChecksum: proxyChecksum,
    },
    poolId,
  );
  if (plan.kind === 'recover-close') throw new Error('a DataNode-initiated copy is never a close recovery');
  return plan;
}

/** What DataNode.transferBlock does with a DNA_TRANSFER for `named`, given the replica held here. */
export type TransferPlan<T, R extends BlockRef = BlockRef> =
  /** Send the replica through a pipeline of the targets, in order (DataNode.DataTransfer). */
  | { kind: 'send'; replica: R; pipeline: T[] }
  /** No finalized replica of that stamp here: errorReport INVALID_BLOCK with this text. */
  | { kind: 'invalid'; message: string }
  /** The replica is shorter than the NameNode recorded: reportBadBlocks with this text. */
  | { kind: 'too-short'; message: string };

/** DataNode.transferBlock's checks (FsDatasetImpl.checkBlock for a FINALIZED replica) before a copy. */
export function planTransfer<T, R extends BlockRef>(
  poolId: string,
  named: BlockRef,
  held: R | null,
  targets: readonly T[],
): TransferPlan<T, R> {
  const name = `${poolId}:blk_${named.blockId}_${named.genStamp}`;
  if (!held || held.genStamp !== named.genStamp)
    return { kind: 'invalid', message: `Can't send invalid block ${name}` };
  if (held.numBytes < named.numBytes) {
    return {
      kind: 'too-short',
      message: `Can't replicate block ${name} because on-disk length ${held.numBytes} is shorter than NameNode recorded length ${named.numBytes}`,
    };
  }
  return { kind: 'send', replica: held, pipeline: [...targets] };
}
