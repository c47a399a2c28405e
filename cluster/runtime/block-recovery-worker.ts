/**
 * Block recovery on a DataNode, as HDFS does it (docs/failures.md, "Block recovery"):
 *
 * - `ReplicaRecoveries` is FsDatasetImpl's side, served over InterDatanodeProtocol on the IPC port:
 *   initReplicaRecovery stops the write still open on the replica and puts it under recovery (RUR,
 *   kept in memory as HDFS keeps it: the files stay in finalized/ or rbw/); updateReplicaUnderRecovery
 *   finalizes it under the recovery id at the agreed length and reports it RECEIVED to the NameNode
 *   (DataNode.updateReplicaUnderRecovery's notifyNamenodeReceivedBlock).
 * - `recoverBlock` is BlockRecoveryWorker's RecoveryTaskContiguous, run by the primary DataNode the
 *   NameNode sent DNA_RECOVERBLOCK to: initReplicaRecovery on every holder (itself through its own
 *   ReplicaRecoveries, the others over InterDatanodeProtocol), the core's syncBlock plan
 *   (datanode/block-recovery.ts), updateReplicaUnderRecovery on each participant, then
 *   DatanodeProtocol.commitBlockSynchronization.
 */
import {
  datanodeText,
  extendedBlockText,
  initReplicaRecovery,
  planSyncBlock,
  updateReplicaCheck,
  type HeldReplica,
  type RecoveryAnswer,
  type ReplicaUnderRecovery,
} from '../datanode/block-recovery.js';
import { RemoteError } from '../protocol/errors.js';
import { INTER_DATANODE_CALL_TIMEOUT_MS } from '../protocol/limits.js';
import type { RecoveringBlock, ReplicaRecoveryInfo, RpcMethods } from '../protocol/messages.js';
import { INTER_DATANODE_PROTOCOL } from '../protocol/registry/index.js';
import type { BlockRef, DatanodeId } from '../protocol/types.js';
import type { Journal } from '../transport/journal.js';
import { RpcClient } from '../transport/rpc-client.js';
import { cancelActiveWrite, recoverReplica, replicaState } from './block-receiver.js';
import type { DatanodeStorage, ReplicaFiles } from './datanode-storage.js';

type Log = (level: 'info' | 'warn', text: string) => void;
type UpdateRequest = RpcMethods['updateReplicaUnderRecovery']['req'];

/** The replica of `blockId` on this volume as a recovery sees it: finalized, RWR or RBW. */
function heldReplica(storage: DatanodeStorage, blockId: number): HeldReplica | null {
  const rwr = storage.waitingToBeRecovered(blockId);
  if (rwr) return { ...rwr, state: 'RWR' };
  const held = replicaState(storage, blockId);
  return held && { blockId, genStamp: held.genStamp, numBytes: held.numBytes, state: held.kind };
}

/** The replicas of this DataNode under recovery (ReplicaUnderRecovery entries of the replica map). */
export class ReplicaRecoveries {
  private readonly underRecovery = new Map<number, ReplicaUnderRecovery>();

  constructor(
    private readonly opts: {
      selfId: string;
      storage: DatanodeStorage;
      log: Log;
      /** A replica finalized by a recovery: journal it and report it RECEIVED. */
      onRecovered: (block: BlockRef, replica: ReplicaFiles) => void;
    },
  ) {}

  /** InterDatanodeProtocol.initReplicaRecovery: null when this DataNode has no replica of the block. */
  async init(rb: RecoveringBlock): Promise<ReplicaRecoveryInfo | null> {
    const { storage, log, selfId } = this.opts;
    if (rb.poolId !== storage.poolId) return null;
    const { blockId } = rb.block;
    // attemptToSetWriter / stopWriter: the write still open on the replica ends first.
    await cancelActiveWrite(blockId);
    const held = heldReplica(storage, blockId);
    log(
      'info',
      `${selfId}: initReplicaRecovery: ${extendedBlockText(rb.poolId, rb.block)}, recoveryId=${rb.newGenStamp}, replica=${held ? `${held.state} blk_${held.blockId}_${held.genStamp}` : 'null'}`,
    );
    const outcome = initReplicaRecovery({
      poolId: rb.poolId,
      block: rb.block,
      recoveryId: rb.newGenStamp,
      held,
      underRecovery: this.underRecovery.get(blockId),
    });
    if (outcome.kind === 'not-found') return null;
    if (outcome.kind === 'refuse') throw new RemoteError(outcome.errorClass, outcome.message);
    this.underRecovery.set(blockId, outcome.rur);
    log('info', `${selfId}: ${outcome.log}`);
    return outcome.info;
  }

  /** InterDatanodeProtocol.updateReplicaUnderRecovery: the replica finalized; its storage's id. */
  async update(p: UpdateRequest): Promise<{ storageUuid: string }> {
    const { storage, log, selfId } = this.opts;
    const { blockId } = p.block;
    log(
      'info',
      `${selfId}: updateReplica: ${extendedBlockText(p.poolId, p.block)}, recoveryId=${p.recoveryId}, length=${p.newLength}`,
    );
    const rur = p.poolId === storage.poolId ? this.underRecovery.get(blockId) : undefined;
    const refused = updateReplicaCheck({
      poolId: p.poolId,
      block: p.block,
      recoveryId: p.recoveryId,
      newLength: p.newLength,
      underRecovery: rur,
      held: p.poolId === storage.poolId ? heldReplica(storage, blockId) : null,
    });
    if (refused) throw new RemoteError(refused.errorClass, refused.message);
    if (p.newBlockId !== 0 && p.newBlockId !== blockId) {
      // Copy-on-truncate keeps the old block for a snapshot; the lab's truncate never asks for it.
      throw new RemoteError(
        'IOException',
        `copy-on-truncate to blk_${p.newBlockId} is not served by hdfs-lab`,
      );
    }
    const recovered = await recoverReplica({
      storage,
      block: p.block,
      newGenStamp: p.recoveryId,
      truncateTo: p.newLength,
    });
    this.underRecovery.delete(blockId);
    if (!recovered)
      throw new RemoteError(
        'ReplicaNotFoundException',
        `Replica not found for ${extendedBlockText(p.poolId, p.block)}`,
      );
    this.opts.onRecovered(recovered.block, recovered.replica);
    return { storageUuid: storage.identity.storageId };
  }
}

/** What the primary needs besides its own replicas. */
export interface RecoveryWorkerDeps {
  selfId: string;
  /** This DataNode's id as the NameNode names it in the command (DatanodeID.datanodeUuid). */
  datanodeUuid: string;
  host: string;
  journal: Journal;
  replicas: ReplicaRecoveries;
  log: Log;
  commitBlockSynchronization: (req: RpcMethods['commitBlockSynchronization']['req']) => Promise<null>;
}

/** One holder of the block, reached locally or over InterDatanodeProtocol. */
interface Holder {
  id: DatanodeId;
  init(rb: RecoveringBlock): Promise<ReplicaRecoveryInfo | null>;
  update(p: UpdateRequest): Promise<{ storageUuid: string }>;
  close(): void;
}

function holderOf(id: DatanodeId, deps: RecoveryWorkerDeps): Holder {
  if (id.datanodeUuid === deps.datanodeUuid) {
    return {
      id,
      init: (rb) => deps.replicas.init(rb),
      update: (p) => deps.replicas.update(p),
      close: () => {},
    };
  }
  let client: Promise<RpcClient> | null = null;
  const connect = (): Promise<RpcClient> =>
    (client ??= RpcClient.connect({
      host: id.ipAddr,
      port: id.ipcPort,
      selfId: deps.selfId,
      peerId: id.hostName || datanodeText(id),
      journal: deps.journal,
      protocol: INTER_DATANODE_PROTOCOL,
      localAddress: deps.host,
      timeoutMs: INTER_DATANODE_CALL_TIMEOUT_MS,
    }));
  const opts = { timeoutMs: INTER_DATANODE_CALL_TIMEOUT_MS };
  return {
    id,
    init: async (rb) => (await connect()).call('initReplicaRecovery', rb, opts),
    update: async (p) => (await connect()).call('updateReplicaUnderRecovery', p, opts),
    close: () =>
      void client?.then(
        (c) => c.close(),
        () => undefined,
      ),
  };
}

/**
 * BlockRecoveryWorker.recoverBlocks for one RecoveringBlock, at the primary DataNode. A failure
 * ends in the log (`recoverBlocks FAILED`); the NameNode starts the recovery again later.
 */
export async function recoverBlock(rb: RecoveringBlock, deps: RecoveryWorkerDeps): Promise<void> {
  const { log, selfId } = deps;
  const blockText = extendedBlockText(rb.poolId, rb.block);
  log(
    'info',
    `${selfId}: BlockRecoveryWorker: NameNode calls recoverBlock(${blockText}, targets=[${rb.replicas.map(datanodeText).join(', ')}], newGenerationStamp=${rb.newGenStamp}, newBlock=${rb.truncateBlock ? `blk_${rb.truncateBlock.blockId}_${rb.truncateBlock.genStamp}` : 'null'}, isStriped=false)`,
  );
  const holders = rb.replicas.map((id) => holderOf(id, deps));
  try {
    await syncReplicas(rb, holders, deps);
  } catch (err) {
    log('warn', `${selfId}: recoverBlocks FAILED: ${blockText}: ${(err as Error).message}`);
  } finally {
    for (const h of holders) h.close();
  }
}

/** RecoveryTaskContiguous.recover then syncBlock: ask, plan, update, commit. */
async function syncReplicas(rb: RecoveringBlock, holders: Holder[], deps: RecoveryWorkerDeps): Promise<void> {
  const blockText = extendedBlockText(rb.poolId, rb.block);
  const answers: RecoveryAnswer[] = [];
  for (const h of holders) {
    try {
      answers.push({ datanode: h.id, info: await h.init(rb) });
    } catch (err) {
      const inProgress = err instanceof RemoteError && err.errorClass === 'RecoveryInProgressException';
      if (!inProgress) {
        deps.log(
          'warn',
          `${deps.selfId}: Failed to recover block (block=${blockText}, datanode=${datanodeText(h.id)}): ${(err as Error).message}`,
        );
      }
      answers.push({ datanode: h.id, failed: (err as Error).message, inProgress });
      if (inProgress) break; // the newer recovery goes on; this one is aborted
    }
  }
  const plan = planSyncBlock(rb, answers);
  const commit = (over: Partial<RpcMethods['commitBlockSynchronization']['req']>) =>
    deps.commitBlockSynchronization({
      poolId: rb.poolId,
      block: rb.block,
      newGenStamp: rb.newGenStamp,
      newLength: 0,
      closeFile: true,
      deleteBlock: false,
      newTargets: [],
      newTargetStorages: [],
      ...over,
    });
  if (plan.kind === 'abort') throw new Error(plan.message);
  if (plan.kind === 'delete') {
    await commit({ deleteBlock: true });
    return;
  }
  deps.log(
    'info',
    `${deps.selfId}: BlockRecoveryWorker: block=${blockText} (length=${rb.block.numBytes}), bestState=${plan.bestState}, newBlock=${extendedBlockText(rb.poolId, { blockId: rb.block.blockId, genStamp: rb.newGenStamp })} (length=${plan.newLength}), participatingList=[${plan.participants.map((p) => datanodeText(p.datanode)).join(', ')}]`,
  );
  const updated = await updateParticipants(rb, plan.newLength, plan.participants, holders, deps);
  await commit({
    newLength: plan.newLength,
    newTargets: updated.map((u) => u.id),
    newTargetStorages: updated.map((u) => u.storageUuid),
  });
}

/** updateReplicaUnderRecovery on each participant; those that did it (at least one, else an error). */
async function updateParticipants(
  rb: RecoveringBlock,
  newLength: number,
  participants: { datanode: DatanodeId; info: ReplicaRecoveryInfo }[],
  holders: Holder[],
  deps: RecoveryWorkerDeps,
): Promise<{ id: DatanodeId; storageUuid: string }[]> {
  const done: { id: DatanodeId; storageUuid: string }[] = [];
  const failed: string[] = [];
  for (const p of participants) {
    const holder = holders.find((h) => h.id === p.datanode) as Holder;
    try {
      const { storageUuid } = await holder.update({
        poolId: rb.poolId,
        block: { blockId: p.info.blockId, genStamp: p.info.genStamp, numBytes: p.info.numBytes },
        recoveryId: rb.newGenStamp,
        newLength,
        newBlockId: rb.block.blockId,
      });
      done.push({ id: { ...p.datanode, storageId: storageUuid }, storageUuid });
    } catch (err) {
      deps.log(
        'warn',
        `${deps.selfId}: Failed to updateBlock (newblock=${extendedBlockText(rb.poolId, { blockId: rb.block.blockId, genStamp: rb.newGenStamp })}, datanode=${datanodeText(p.datanode)}): ${(err as Error).message}`,
      );
      failed.push(datanodeText(p.datanode));
    }
  }
  if (done.length === 0) {
    throw new Error(
      `Cannot recover ${extendedBlockText(rb.poolId, rb.block)}, the following datanodes failed: [${failed.join(', ')}]`,
    );
  }
  return done;
}
