/**
 * Block recovery's decisions on the DataNode side, as a core (no I/O):
 *
 * - `initReplicaRecovery` (FsDatasetImpl.initReplicaRecoveryImpl): whether a replica may go under
 *   recovery (RUR) for a recovery id, and what the primary is told of it (ReplicaRecoveryInfo: its
 *   id, bytes on disk, stamp and its state before the recovery).
 * - `planSyncBlock` (BlockRecoveryWorker.RecoveryTaskContiguous.recover + syncBlock): from every
 *   holder's answer, the replicas that take part and the length they agree on: the best original
 *   state there is wins (FINALIZED, then RBW, then RWR); finalized replicas keep their length (and
 *   RBW ones of that same length join them), otherwise the shortest replica of the best state sets
 *   it; a truncate's recovery takes the truncate block's length. No replica with a byte: the block
 *   is deleted.
 * - `updateReplicaCheck` (FsDatasetImpl.updateReplicaUnderRecovery's checks).
 *
 * The messages are Hadoop's; a replica is written `blk_<id>_<stamp>, <state>, numBytes=<n>` and a
 * DataNode by its transfer address, as DatanodeID.toString does.
 */
import type { RecoveringBlock, ReplicaRecoveryInfo, ReportedReplicaState } from '../protocol/messages.js';
import type { BlockRef, DatanodeId } from '../protocol/types.js';

/** A replica as the DataNode holds it when a recovery asks (RUR only while one is under way). */
export interface HeldReplica {
  blockId: number;
  genStamp: number;
  /** Bytes on disk: a finalized replica's length, an rbw one's bytes its checksums cover. */
  numBytes: number;
  state: Exclude<ReportedReplicaState, 'RUR' | 'TEMPORARY'>;
}

/** A replica under recovery (ReplicaUnderRecovery): the replica as it was, and the recovery holding it. */
export interface ReplicaUnderRecovery {
  original: HeldReplica;
  recoveryId: number;
}

export type InitRecoveryOutcome =
  | { kind: 'not-found' }
  | { kind: 'refuse'; errorClass: 'IOException' | 'RecoveryInProgressException'; message: string }
  | { kind: 'recover'; rur: ReplicaUnderRecovery; info: ReplicaRecoveryInfo; log: string };

/** ExtendedBlock.toString: `BP-…:blk_<id>_<stamp>`. */
export function extendedBlockText(poolId: string, block: { blockId: number; genStamp: number }): string {
  return `${poolId}:blk_${block.blockId}_${block.genStamp}`;
}

function replicaText(r: { blockId: number; genStamp: number; numBytes: number; state: string }): string {
  return `blk_${r.blockId}_${r.genStamp}, ${r.state}, numBytes=${r.numBytes}`;
}

/** DatanodeID.toString: the transfer address. */
export function datanodeText(id: DatanodeId): string {
  return `${id.ipAddr}:${id.xferPort}`;
}

/**
 * initReplicaRecoveryImpl's checks for `held` (the replica on disk) or `underRecovery` (a recovery
 * already holding it): the replica's stamp must be the block's or newer and older than the
 * recovery id; a newer recovery id takes over a replica under recovery, an older or equal one is
 * refused (RecoveryInProgressException).
 */
export function initReplicaRecovery(args: {
  poolId: string;
  block: BlockRef;
  recoveryId: number;
  held: HeldReplica | null;
  underRecovery: ReplicaUnderRecovery | undefined;
}): InitRecoveryOutcome {
  const { block, recoveryId, underRecovery } = args;
  const replica = underRecovery?.original ?? args.held;
  if (!replica) return { kind: 'not-found' };
  const blockText = extendedBlockText(args.poolId, block);
  const current = underRecovery
    ? `${replicaText({ ...replica, state: 'RUR' })}, recoveryId=${underRecovery.recoveryId}`
    : replicaText(replica);
  const refuse = (errorClass: 'IOException' | 'RecoveryInProgressException', message: string) =>
    ({ kind: 'refuse', errorClass, message }) as const;
  if (replica.genStamp < block.genStamp) {
    return refuse(
      'IOException',
      `replica.getGenerationStamp() < block.getGenerationStamp(), block=${blockText}, replica=${current}`,
    );
  }
  if (replica.genStamp >= recoveryId) {
    return refuse(
      'IOException',
      `THIS IS NOT SUPPOSED TO HAPPEN: replica.getGenerationStamp() >= recoveryId = ${recoveryId}, block=${blockText}, replica=${current}`,
    );
  }
  if (underRecovery && underRecovery.recoveryId >= recoveryId) {
    return refuse(
      'RecoveryInProgressException',
      `rur.getRecoveryID() >= recoveryId = ${recoveryId}, block=${blockText}, rur=${current}`,
    );
  }
  const log = underRecovery
    ? `initReplicaRecovery: update recovery id for ${blockText} from ${underRecovery.recoveryId} to ${recoveryId}`
    : `initReplicaRecovery: changing replica state for ${blockText} from ${replica.state} to RUR`;
  return {
    kind: 'recover',
    rur: { original: replica, recoveryId },
    info: {
      blockId: replica.blockId,
      genStamp: replica.genStamp,
      numBytes: replica.numBytes,
      state: replica.state,
    },
    log,
  };
}

/** One holder's answer to initReplicaRecovery: what it found (null: no replica), or the call failed. */
export type RecoveryAnswer =
  | { datanode: DatanodeId; info: ReplicaRecoveryInfo | null }
  | { datanode: DatanodeId; failed: string; inProgress?: boolean };

export type SyncPlan =
  /** Give up this attempt (the NameNode starts another after its timeout). */
  | { kind: 'abort'; message: string; warn: boolean }
  /** No DataNode has a byte of the block: commitBlockSynchronization with deleteBlock. */
  | { kind: 'delete' }
  /** updateReplicaUnderRecovery on each participant, then commit the block at `newLength`. */
  | {
      kind: 'sync';
      bestState: ReportedReplicaState;
      newLength: number;
      participants: { datanode: DatanodeId; info: ReplicaRecoveryInfo }[];
    };

const STATE_ORDER: readonly ReportedReplicaState[] = ['FINALIZED', 'RBW', 'RWR', 'RUR', 'TEMPORARY'];
const rank = (state: ReportedReplicaState): number => STATE_ORDER.indexOf(state);

/**
 * RecoveryTaskContiguous.recover and syncBlock: which answers take part and the agreed length.
 * A holder already recovering the block for a newer recovery aborts this one.
 */
export function planSyncBlock(rb: RecoveringBlock, answers: readonly RecoveryAnswer[]): SyncPlan {
  const blockText = extendedBlockText(rb.poolId, rb.block);
  const ids = `[${rb.replicas.map(datanodeText).join(', ')}]`;
  const inProgress = answers.find((a) => 'failed' in a && a.inProgress);
  if (inProgress) {
    return {
      kind: 'abort',
      warn: true,
      message: `Recovery for replica ${blockText} on data-node ${datanodeText(inProgress.datanode)} is already in progress. Recovery id = ${rb.newGenStamp} is aborted.`,
    };
  }
  const failed = answers.filter((a) => 'failed' in a).length;
  if (failed === rb.replicas.length) {
    return {
      kind: 'abort',
      warn: true,
      message: `All datanodes failed: block=${blockText}, datanodeids=${ids}`,
    };
  }
  const candidates = answers.flatMap((a) =>
    'info' in a && a.info && a.info.genStamp >= rb.block.genStamp && a.info.numBytes > 0
      ? [{ datanode: a.datanode, info: a.info }]
      : [],
  );
  const syncList = candidates.filter((c) => rank(c.info.state) <= rank('RWR'));
  if (candidates.length > 0 && syncList.length === 0) {
    return {
      kind: 'abort',
      warn: true,
      message: `Found ${candidates.length} replica(s) for block ${blockText} but none is in RWR or better state. datanodeids=${ids}`,
    };
  }
  if (syncList.length === 0) return { kind: 'delete' };
  return syncByBestState(rb, syncList);
}

/** syncBlock's choice once the sync list is known (not empty). */
function syncByBestState(
  rb: RecoveringBlock,
  syncList: { datanode: DatanodeId; info: ReplicaRecoveryInfo }[],
): SyncPlan {
  const bestState = STATE_ORDER[Math.min(...syncList.map((r) => rank(r.info.state)))] as ReportedReplicaState;
  const finalized = syncList.filter((r) => r.info.state === 'FINALIZED');
  const finalizedLength = finalized[0]?.info.numBytes ?? -1;
  const odd = finalized.find((r) => r.info.numBytes !== finalizedLength);
  if (odd) {
    return {
      kind: 'abort',
      warn: true,
      message: `Inconsistent size of finalized replicas. Replica ${replicaText(odd.info)} expected size: ${finalizedLength}`,
    };
  }
  const participants =
    bestState === 'FINALIZED'
      ? syncList.filter(
          (r) =>
            r.info.state === 'FINALIZED' || (r.info.state === 'RBW' && r.info.numBytes === finalizedLength),
        )
      : syncList.filter((r) => r.info.state === bestState);
  const agreed =
    bestState === 'FINALIZED' ? finalizedLength : Math.min(...participants.map((r) => r.info.numBytes));
  return { kind: 'sync', bestState, newLength: rb.truncateBlock?.numBytes ?? agreed, participants };
}

/**
 * updateReplicaUnderRecovery's checks (FsDatasetImpl): the replica is under recovery by this very
 * recovery id, holds the bytes the primary was told of, and at least the new length. The refusal's
 * class and message, or null to go on.
 */
export function updateReplicaCheck(args: {
  poolId: string;
  block: BlockRef;
  recoveryId: number;
  newLength: number;
  underRecovery: ReplicaUnderRecovery | undefined;
  /** The replica on disk, when none is under recovery. */
  held: HeldReplica | null;
}): { errorClass: 'ReplicaNotFoundException' | 'IOException'; message: string } | null {
  const { block, underRecovery: rur, recoveryId, newLength, held } = args;
  const blockText = extendedBlockText(args.poolId, block);
  if (!rur && !held)
    return { errorClass: 'ReplicaNotFoundException', message: `Replica not found for ${blockText}` };
  if (!rur)
    return {
      errorClass: 'IOException',
      message: `replica.getState() != RUR, replica=${replicaText(held as HeldReplica)}`,
    };
  const rurText = `${replicaText({ ...rur.original, state: 'RUR' })}, recoveryId=${rur.recoveryId}`;
  if (rur.original.numBytes !== block.numBytes) {
    return {
      errorClass: 'IOException',
      message: `THIS IS NOT SUPPOSED TO HAPPEN: replica.getBytesOnDisk() != block.getNumBytes(), block=${blockText}, replica=${rurText}`,
    };
  }
  if (rur.recoveryId !== recoveryId) {
    return {
      errorClass: 'IOException',
      message: `rur.getRecoveryID() != recoveryId = ${recoveryId}, rur=${rurText}`,
    };
  }
  if (rur.original.numBytes < newLength) {
    return {
      errorClass: 'IOException',
      message: `rur.getNumBytes() < newlength = ${newLength}, rur=${rurText}`,
    };
  }
  return null;
}
