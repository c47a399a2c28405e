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
  extendedBlockText,
  isCopyOnTruncate,
  ReplicasUnderRecovery,
  SyncBlockTask,
  updatedReplica,
  type HeldReplica,
  type HolderCallResult,
} from '../datanode/block-recovery.js';
import { RemoteError } from '../protocol/errors.js';
import { INTER_DATANODE_CALL_TIMEOUT_MS } from '../protocol/limits.js';
import type { RecoveringBlock, ReplicaRecoveryInfo, RpcMethods } from '../protocol/messages.js';
import { INTER_DATANODE_PROTOCOL } from '../protocol/registry/index.js';
import { xferAddr, type BlockRef, type DatanodeId } from '../protocol/types.js';
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

/** The replicas of this DataNode under recovery: the core's decisions, the replica's files here. */
export class ReplicaRecoveries {
  private readonly underRecovery = new ReplicasUnderRecovery();

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
    const outcome = this.underRecovery.init(rb, held);
    if (outcome.kind === 'not-found') return null;
    if (outcome.kind === 'refuse') throw new RemoteError(outcome.errorClass, outcome.message);
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
    const refused = this.underRecovery.checkUpdate(p, heldReplica(storage, blockId), storage.poolId);
    if (refused) throw new RemoteError(refused.errorClass, refused.message);
    if (isCopyOnTruncate(p)) return this.copyOnTruncate(p);
    const recovered = await recoverReplica({
      storage,
      block: p.block,
      newGenStamp: p.recoveryId,
      truncateTo: p.newLength,
    });
    this.underRecovery.finished(blockId);
    if (!recovered)
      throw new RemoteError(
        'ReplicaNotFoundException',
        `Replica not found for ${extendedBlockText(p.poolId, p.block)}`,
      );
    this.opts.onRecovered(recovered.block, recovered.replica);
    return { storageUuid: storage.identity.storageId };
  }

  /**
   * updateReplicaUnderRecovery's copyOnTruncate: the replica under recovery is finalized again as it
   * was (its stamp and length: a snapshot reads it), and a new replica of the new block id under
   * the recovery id holds its first bytes; that one is reported RECEIVED.
   */
  private async copyOnTruncate(p: UpdateRequest): Promise<{ storageUuid: string }> {
    const { storage, log, selfId } = this.opts;
    const { blockId } = p.block;
    try {
      const kept = await recoverReplica({ storage, block: p.block, newGenStamp: p.block.genStamp });
      if (!kept)
        throw new RemoteError(
          'ReplicaNotFoundException',
          `Replica not found for ${extendedBlockText(p.poolId, p.block)}`,
        );
      const target = updatedReplica(p);
      const copy = await storage.copyReplicaForTruncate(blockId, target);
      log(
        'info',
        `${selfId}: copy-on-truncate: blk_${blockId}_${p.block.genStamp} kept, its first ${target.numBytes} bytes copied to blk_${target.blockId}_${target.genStamp}`,
      );
      this.opts.onRecovered(target, copy);
      return { storageUuid: storage.identity.storageId };
    } finally {
      this.underRecovery.finished(blockId);
    }
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
      peerId: id.hostName || xferAddr(id),
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

/** A holder's call as the task takes it: its answer, or the exception it failed with. */
async function settle<T>(call: () => Promise<T>): Promise<HolderCallResult<T>> {
  try {
    return { ok: await call() };
  } catch (err) {
    const errorClass = err instanceof RemoteError ? err.errorClass : undefined;
    return { ...(errorClass ? { errorClass } : {}), message: (err as Error).message };
  }
}

/**
 * BlockRecoveryWorker.recoverBlocks for one RecoveringBlock, at the primary DataNode. A failure
 * ends in the log (`recoverBlocks FAILED`); the NameNode starts the recovery again later.
 */
export async function recoverBlock(rb: RecoveringBlock, deps: RecoveryWorkerDeps): Promise<void> {
  const { log, selfId } = deps;
  const task = new SyncBlockTask(rb);
  log('info', `${selfId}: ${task.startText()}`);
  const holders = rb.replicas.map((id) => holderOf(id, deps));
  try {
    await syncReplicas(task, holders, deps);
  } catch (err) {
    log('warn', `${selfId}: recoverBlocks FAILED: ${task.blockText}: ${(err as Error).message}`);
  } finally {
    for (const h of holders) h.close();
  }
}

/** The task's steps over InterDatanodeProtocol: ask, plan, update, commit. */
async function syncReplicas(task: SyncBlockTask, holders: Holder[], deps: RecoveryWorkerDeps): Promise<void> {
  const warn = (text: string | undefined): void => {
    if (text) deps.log('warn', `${deps.selfId}: ${text}`);
  };
  for (const h of holders) {
    const step = task.answered(h.id, await settle(() => h.init(task.rb)));
    warn(step.warn);
    if (!step.more) break;
  }
  const plan = task.plan();
  if (plan.kind === 'abort') throw new Error(plan.message);
  if (plan.kind === 'sync') {
    deps.log('info', `${deps.selfId}: ${task.syncText(plan)}`);
    for (const p of plan.participants) {
      const holder = holders.find((h) => h.id === p.datanode) as Holder;
      warn(task.updated(p, await settle(() => holder.update(task.updateRequest(plan, p)))));
    }
  }
  const commit = task.commitRequest(plan);
  if ('error' in commit) throw new Error(commit.error);
  await deps.commitBlockSynchronization(commit.request);
}
