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
 * - `updateReplicaCheck` (FsDatasetImpl.updateReplicaUnderRecovery's checks), and whether the
 *   update cuts the replica in place or copies its kept bytes to a new block (`isCopyOnTruncate`).
 *
 * The messages are Hadoop's; a replica is written `blk_<id>_<stamp>, <state>, numBytes=<n>` and a
 * DataNode by its transfer address, as DatanodeID.toString does.
 */
import type {
  RecoveringBlock,
  ReplicaRecoveryInfo,
  ReportedReplicaState,
  RpcMethods,
} from '../protocol/messages.js';
import { xferAddr, type BlockRef, type DatanodeId } from '../protocol/types.js';

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
  const ids = `[${rb.replicas.map(xferAddr).join(', ')}]`;
  const inProgress = answers.find((a) => 'failed' in a && a.inProgress);
  if (inProgress) {
    return {
      kind: 'abort',
      warn: true,
      message: `Recovery for replica ${blockText} on data-node ${xferAddr(inProgress.datanode)} is already in progress. Recovery id = ${rb.newGenStamp} is aborted.`,
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

type UpdateRequest = RpcMethods['updateReplicaUnderRecovery']['req'];
type CommitRequest = RpcMethods['commitBlockSynchronization']['req'];

/**
 * FsDatasetImpl.updateReplicaUnderRecovery's copyOnTruncate: a new block id other than the
 * replica's. The replica is then left as it was (finalized again, a snapshot's) and a new replica
 * of `newBlockId` under the recovery id holds its first `newLength` bytes
 * (FsVolumeImpl.updateRURCopyOnTruncate, copyReplicaWithNewBlockIdAndGS).
 */
export function isCopyOnTruncate(p: Pick<UpdateRequest, 'block' | 'newBlockId'>): boolean {
  return p.newBlockId > 0 && p.newBlockId !== p.block.blockId;
}

/** The replica an update leaves to report RECEIVED: the new block of a copy, else the recovered one. */
export function updatedReplica(p: UpdateRequest): BlockRef {
  return {
    blockId: isCopyOnTruncate(p) ? p.newBlockId : p.block.blockId,
    genStamp: p.recoveryId,
    numBytes: p.newLength,
  };
}

/**
 * One DataNode's replicas under recovery (the ReplicaUnderRecovery entries of FsDatasetImpl's
 * replica map, kept in memory as HDFS keeps them) and the checks a holder makes on them, for the
 * process's InterDatanodeProtocol and the simulator alike.
 */
export class ReplicasUnderRecovery {
  private readonly byBlockId = new Map<number, ReplicaUnderRecovery>();

  /** initReplicaRecovery at this DataNode, `held` being its replica on disk; a replica it recovers is kept. */
  init(rb: RecoveringBlock, held: HeldReplica | null): InitRecoveryOutcome {
    const { blockId } = rb.block;
    const outcome = initReplicaRecovery({
      poolId: rb.poolId,
      block: rb.block,
      recoveryId: rb.newGenStamp,
      held,
      underRecovery: this.byBlockId.get(blockId),
    });
    if (outcome.kind === 'recover') this.byBlockId.set(blockId, outcome.rur);
    return outcome;
  }

  /**
   * updateReplicaUnderRecovery's checks at the DataNode serving `poolId` (a request for another
   * pool finds no replica): the refusal, or null to finalize the replica (or copy it, when
   * `isCopyOnTruncate`), then call `finished`.
   */
  checkUpdate(
    p: UpdateRequest,
    held: HeldReplica | null,
    poolId: string,
  ): { errorClass: 'ReplicaNotFoundException' | 'IOException'; message: string } | null {
    const ours = p.poolId === poolId;
    return updateReplicaCheck({
      poolId: p.poolId,
      block: p.block,
      recoveryId: p.recoveryId,
      newLength: p.newLength,
      underRecovery: ours ? this.byBlockId.get(p.block.blockId) : undefined,
      held: ours ? held : null,
    });
  }

  /** The recovery of `blockId` is over at this DataNode (its replica finalized, or gone). */
  finished(blockId: number): void {
    this.byBlockId.delete(blockId);
  }
}
/** What a call to a holder came to: its answer, or the exception it failed with. */
export type HolderCallResult<T> = { ok: T } | { errorClass?: string; message: string };

/** A participant of a sync plan. */
type Participant = Extract<SyncPlan, { kind: 'sync' }>['participants'][number];

/**
 * The primary's side of one block recovery (BlockRecoveryWorker.RecoveryTaskContiguous.recover and
 * syncBlock), step by step so that the DataNode process (over InterDatanodeProtocol) and the
 * simulator (in memory) drive the same decisions: ask each holder (`answered` says whether to ask
 * the next), plan (`plan`), update each participant (`updateRequest`, `updated`), then commit
 * (`commitRequest`). Every text it gives is Hadoop's log line for that step.
 */
export class SyncBlockTask {
  private readonly answers: RecoveryAnswer[] = [];
  private readonly updatedTargets: { id: DatanodeId; storageUuid: string }[] = [];
  private readonly failedTargets: string[] = [];

  constructor(readonly rb: RecoveringBlock) {}

  /** The block as ExtendedBlock.toString writes it. */
  get blockText(): string {
    return extendedBlockText(this.rb.poolId, this.rb.block);
  }

  /** BlockRecoveryWorker's log line when the NameNode's command arrives. */
  startText(): string {
    const { rb } = this;
    const newBlock = rb.truncateBlock
      ? `blk_${rb.truncateBlock.blockId}_${rb.truncateBlock.genStamp}`
      : 'null';
    return `BlockRecoveryWorker: NameNode calls recoverBlock(${this.blockText}, targets=[${rb.replicas.map(xferAddr).join(', ')}], newGenerationStamp=${rb.newGenStamp}, newBlock=${newBlock}, isStriped=false)`;
  }

  /**
   * A holder's answer to initReplicaRecovery. `more` is false once a holder is recovering the
   * block for a newer recovery: that one goes on, this one is aborted. `warn` is the line a
   * failure is logged with (a recovery in progress is not logged here).
   */
  answered(
    datanode: DatanodeId,
    result: HolderCallResult<ReplicaRecoveryInfo | null>,
  ): { more: boolean; warn?: string } {
    if ('ok' in result) {
      this.answers.push({ datanode, info: result.ok });
      return { more: true };
    }
    const inProgress = result.errorClass === 'RecoveryInProgressException';
    this.answers.push({ datanode, failed: result.message, inProgress });
    if (inProgress) return { more: false };
    return {
      more: true,
      warn: `Failed to recover block (block=${this.blockText}, datanode=${xferAddr(datanode)}): ${result.message}`,
    };
  }

  /** syncBlock's plan from the answers so far. */
  plan(): SyncPlan {
    return planSyncBlock(this.rb, this.answers);
  }

  /** syncBlock's block id for the result: a truncate block's (a copy's new block), else the block's. */
  private get newBlockId(): number {
    return this.rb.truncateBlock?.blockId ?? this.rb.block.blockId;
  }

  /** syncBlock's log line for a plan that syncs. */
  syncText(plan: Extract<SyncPlan, { kind: 'sync' }>): string {
    const { rb } = this;
    const newBlock = extendedBlockText(rb.poolId, { blockId: this.newBlockId, genStamp: rb.newGenStamp });
    return `BlockRecoveryWorker: block=${this.blockText} (length=${rb.block.numBytes}), bestState=${plan.bestState}, newBlock=${newBlock} (length=${plan.newLength}), participatingList=[${plan.participants.map((p) => xferAddr(p.datanode)).join(', ')}]`;
  }

  /** updateReplicaUnderRecovery's request to one participant. */
  updateRequest(plan: Extract<SyncPlan, { kind: 'sync' }>, p: Participant): UpdateRequest {
    return {
      poolId: this.rb.poolId,
      block: { blockId: p.info.blockId, genStamp: p.info.genStamp, numBytes: p.info.numBytes },
      recoveryId: this.rb.newGenStamp,
      newLength: plan.newLength,
      newBlockId: this.newBlockId,
    };
  }

  /** A participant's answer to updateReplicaUnderRecovery; the warning a failure is logged with. */
  updated(p: Participant, result: HolderCallResult<{ storageUuid: string }>): string | undefined {
    if ('ok' in result) {
      const { storageUuid } = result.ok;
      this.updatedTargets.push({ id: { ...p.datanode, storageId: storageUuid }, storageUuid });
      return undefined;
    }
    this.failedTargets.push(xferAddr(p.datanode));
    const newBlock = extendedBlockText(this.rb.poolId, {
      blockId: this.newBlockId,
      genStamp: this.rb.newGenStamp,
    });
    return `Failed to updateBlock (newblock=${newBlock}, datanode=${xferAddr(p.datanode)}): ${result.message}`;
  }

  /**
   * commitBlockSynchronization's request once the plan is carried out: the block deleted (no
   * replica had a byte), or kept at the plan's length on the participants that updated; an
   * error when none of them did.
   */
  commitRequest(plan: Exclude<SyncPlan, { kind: 'abort' }>): { request: CommitRequest } | { error: string } {
    const base = {
      poolId: this.rb.poolId,
      block: this.rb.block,
      newGenStamp: this.rb.newGenStamp,
      closeFile: true,
    };
    if (plan.kind === 'delete') {
      return {
        request: { ...base, newLength: 0, deleteBlock: true, newTargets: [], newTargetStorages: [] },
      };
    }
    if (this.updatedTargets.length === 0) {
      return {
        error: `Cannot recover ${this.blockText}, the following datanodes failed: [${this.failedTargets.join(', ')}]`,
      };
    }
    return {
      request: {
        ...base,
        newLength: plan.newLength,
        deleteBlock: false,
        newTargets: this.updatedTargets.map((u) => u.id),
        newTargetStorages: this.updatedTargets.map((u) => u.storageUuid),
      },
    };
  }
}
