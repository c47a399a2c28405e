/**
 * BlockManager: the BlockMap (block → replicas on DataNodes), block states
 * (UNDER_CONSTRUCTION → COMMITTED → COMPLETE), block reports, corrupt replicas, the
 * low-redundancy queues with HDFS's priorities, pending reconstruction and invalidation work.
 * Replica locations live only here, in memory: the fsimage never holds them, block reports
 * rebuild them after a restart. A core: no I/O; time and choices come in as arguments.
 */
import type { BlockRef } from './editlog/ops.js';
import type { ReceivedDeletedStatus, ReportedReplica, ReportedReplicaState } from '../protocol/messages.js';
import { isMaintenance, type AdminState } from '../protocol/types.js';

export type BlockUCState = 'UNDER_CONSTRUCTION' | 'COMMITTED' | 'COMPLETE';
/**
 * What the NameNode knows of a replica: FINALIZED, RBW (being written: a RECEIVING entry or a full
 * report's), RWR (found in rbw/ by a restarted DataNode: only block recovery can use it).
 */
export type ReplicaState = 'RBW' | 'RWR' | 'FINALIZED';

export interface ReplicaInfo {
  datanode: string;
  genStamp: number;
  numBytes: number;
  state: ReplicaState;
}

export interface BlockInfo {
  blockId: number;
  genStamp: number;
  numBytes: number;
  expectedReplication: number;
  ucState: BlockUCState;
  /** Where the NameNode sent the block (the pipeline), until replicas are reported. */
  expectedLocations: string[];
  replicas: Map<string, ReplicaInfo>;
  /** DataNode → why its replica is corrupt. */
  corrupt: Map<string, string>;
  /**
   * The DataNodes the block is stored on, in BlockInfo's storage order (fsck lists them so, and
   * -blockId last first): one joins at the end when its replica is stored (reported finalized, or
   * marked corrupt), and one that leaves gives its place to the last
   * (BlockInfoContiguous.addStorage / removeStorage). A replica being written is not stored yet.
   */
  storages: string[];
}

/**
 * A block as the rest of the NameNode sees it: read-only, so the BlockMap changes only through
 * BlockManager's methods.
 */
export type BlockView = Readonly<
  Omit<BlockInfo, 'replicas' | 'corrupt' | 'expectedLocations' | 'storages'>
> & {
  readonly expectedLocations: readonly string[];
  readonly storages: readonly string[];
  readonly replicas: ReadonlyMap<string, Readonly<ReplicaInfo>>;
  readonly corrupt: ReadonlyMap<string, string>;
};

/** LowRedundancyBlocks priorities. */
export const QUEUE_HIGHEST_PRIORITY = 0;
export const QUEUE_VERY_LOW_REDUNDANCY = 1;
export const QUEUE_LOW_REDUNDANCY = 2;
export const QUEUE_REPLICAS_BADLY_DISTRIBUTED = 3;
export const QUEUE_WITH_CORRUPT_BLOCKS = 4;

export interface ReplicaChange {
  kind: 'added' | 'removed' | 'invalidate' | 'corrupt' | 'completed';
  block: BlockRef;
  datanode: string;
  reason?: string;
}

/**
 * NumberReplicas for a block: its usable replicas split by their DataNode's admin state. Only
 * `live` (in service) counts toward redundancy; decommissioning, decommissioned and entering
 * maintenance ones are still readable. A replica on a DataNode in maintenance stays in the
 * BlockMap even when the DataNode is dead (HeartbeatManager keeps its blocks), counted in
 * `inMaintenance` (MAINTENANCE_NOT_FOR_READ) like one on an IN_MAINTENANCE DataNode.
 */
export interface NumberReplicas {
  live: string[];
  decommissioning: string[];
  decommissioned: string[];
  /** On live ENTERING_MAINTENANCE DataNodes (MAINTENANCE_FOR_READ). */
  enteringMaintenance: string[];
  /** On IN_MAINTENANCE DataNodes, or dead ones in maintenance (MAINTENANCE_NOT_FOR_READ). */
  inMaintenance: string[];
}

/** The counts of a block the BlockMap does not hold. */
export function noReplicas(): NumberReplicas {
  return { live: [], decommissioning: [], decommissioned: [], enteringMaintenance: [], inMaintenance: [] };
}

/**
 * BlockManager.getExpectedLiveRedundancyNum: replicas in maintenance lower the live replicas a
 * block needs, down to dfs.namenode.maintenance.replication.min (at most its replication).
 */
export function expectedLiveRedundancy(
  b: BlockView,
  counts: NumberReplicas,
  minMaintenanceReplication: number,
): number {
  const maintenance = counts.enteringMaintenance.length + counts.inMaintenance.length;
  return Math.max(
    b.expectedReplication - maintenance,
    Math.min(minMaintenanceReplication, b.expectedReplication),
  );
}

export function refOf(b: BlockView): BlockRef {
  return { blockId: b.blockId, numBytes: b.numBytes, genStamp: b.genStamp };
}

/** Whether the replica the BlockMap holds is under a newer generation stamp than `ref`. */
function isNewer(held: ReplicaInfo | undefined, ref: BlockRef): boolean {
  return held !== undefined && held.genStamp > ref.genStamp;
}

/** BlockInfo.addStorage: a replica stored on `datanode` joins the block's storages at the end, once. */
function addStorage(b: BlockInfo, datanode: string): void {
  if (!b.storages.includes(datanode)) b.storages.push(datanode);
}

/**
 * BlockInfoContiguous.removeStorage, once the BlockMap holds no replica of `b` on `datanode`: the
 * last storage takes its place.
 */
function unstoreIfGone(b: BlockInfo, datanode: string): void {
  if (b.replicas.has(datanode) || b.corrupt.has(datanode)) return;
  const at = b.storages.indexOf(datanode);
  if (at < 0) return;
  const last = b.storages.pop() as string;
  if (at < b.storages.length) b.storages[at] = last;
}

export class BlockManager {
  private readonly blocks = new Map<number, BlockInfo>();
  /** DataNode → blocks it should delete (DNA_INVALIDATE work). */
  private readonly invalidates = new Map<string, Map<number, BlockRef>>();
  /** Block → targets of a scheduled re-replication and when it was scheduled. */
  private readonly pendingReconstruction = new Map<number, { targets: string[]; scheduledMs: number }>();

  constructor(private readonly minReplication: number) {}

  get size(): number {
    return this.blocks.size;
  }

  get(blockId: number): BlockView | undefined {
    return this.blocks.get(blockId);
  }

  all(): IterableIterator<BlockView> {
    return this.blocks.values();
  }

  /** A block from the namespace (image load or replay): complete unless its file is being written. */
  addFromNamespace(ref: BlockRef, expectedReplication: number, ucState: BlockUCState): void {
    const existing = this.blocks.get(ref.blockId);
    if (existing) {
      existing.genStamp = ref.genStamp;
      existing.numBytes = ref.numBytes;
      existing.expectedReplication = expectedReplication;
      existing.ucState = ucState;
      return;
    }
    this.blocks.set(ref.blockId, {
      blockId: ref.blockId,
      genStamp: ref.genStamp,
      numBytes: ref.numBytes,
      expectedReplication,
      ucState,
      expectedLocations: [],
      replicas: new Map(),
      corrupt: new Map(),
      storages: [],
    });
  }

  addUnderConstruction(ref: BlockRef, expectedReplication: number, targets: string[]): void {
    this.addFromNamespace(ref, expectedReplication, 'UNDER_CONSTRUCTION');
    (this.blocks.get(ref.blockId) as BlockInfo).expectedLocations = targets;
  }

  /**
   * BlockManager.convertLastBlockToUnderConstruction (append, truncate): a COMPLETE block is
   * written again; the DataNodes holding it are where the append pipeline or the recovery goes.
   */
  reopenForAppend(blockId: number, pipeline: string[]): BlockView | undefined {
    const b = this.blocks.get(blockId);
    if (!b) return undefined;
    b.ucState = 'UNDER_CONSTRUCTION';
    b.expectedLocations = [...pipeline];
    return b;
  }

  /** The client reports the block's final length and genstamp: COMMITTED, or COMPLETE at once when enough replicas are finalized. */
  commit(ref: BlockRef): BlockView | undefined {
    const b = this.blocks.get(ref.blockId);
    if (!b) return undefined;
    b.numBytes = ref.numBytes;
    b.genStamp = ref.genStamp;
    if (b.ucState === 'UNDER_CONSTRUCTION') b.ucState = 'COMMITTED';
    this.tryComplete(b);
    return b;
  }

  private tryComplete(b: BlockInfo): boolean {
    if (b.ucState !== 'COMMITTED') return false;
    let finalized = 0;
    for (const r of b.replicas.values()) {
      if (r.state === 'FINALIZED' && r.genStamp === b.genStamp && r.numBytes === b.numBytes) finalized++;
    }
    if (finalized < this.minReplication) return false;
    b.ucState = 'COMPLETE';
    b.expectedLocations = [];
    // The under-construction list goes with the state (HDFS drops the BlockUnderConstructionFeature):
    // an RWR replica left out of the block's recovery is judged by its DataNode's next report.
    for (const [dn, r] of b.replicas) {
      if (r.state !== 'RWR') continue;
      b.replicas.delete(dn);
      unstoreIfGone(b, dn);
    }
    return true;
  }

  isComplete(blockId: number): boolean {
    return this.blocks.get(blockId)?.ucState === 'COMPLETE';
  }

  /** New genstamp after pipeline recovery; replicas with the old one become stale. */
  updateGenStamp(blockId: number, genStamp: number, numBytes: number, pipeline: string[]): void {
    const b = this.blocks.get(blockId);
    if (!b) return;
    b.genStamp = genStamp;
    b.numBytes = numBytes;
    b.expectedLocations = pipeline;
  }

  /** fsync with a length: the last block under construction holds at least this many bytes now. */
  updateLength(blockId: number, numBytes: number): void {
    const b = this.blocks.get(blockId);
    if (b) b.numBytes = numBytes;
  }

  setExpectedReplication(blockIds: number[], replication: number): void {
    for (const id of blockIds) {
      const b = this.blocks.get(id);
      if (b) b.expectedReplication = replication;
    }
  }

  /** Blocks of a deleted file: forget them and have every replica deleted. */
  removeBlocks(refs: BlockRef[]): void {
    for (const ref of refs) {
      const b = this.blocks.get(ref.blockId);
      if (!b) continue;
      for (const dn of b.replicas.keys()) this.queueInvalidate(dn, refOf(b));
      for (const dn of b.expectedLocations) this.queueInvalidate(dn, refOf(b));
      this.blocks.delete(ref.blockId);
      this.pendingReconstruction.delete(ref.blockId);
    }
  }

  queueInvalidate(datanode: string, ref: BlockRef): void {
    let m = this.invalidates.get(datanode);
    if (!m) this.invalidates.set(datanode, (m = new Map()));
    m.set(ref.blockId, ref);
  }

  /** A replica to delete (excess or corrupt): it leaves the BlockMap and its DataNode is told to delete it. */
  invalidateReplica(blockId: number, datanode: string): void {
    const b = this.blocks.get(blockId);
    if (!b) return;
    b.corrupt.delete(datanode);
    b.replicas.delete(datanode);
    unstoreIfGone(b, datanode);
    this.queueInvalidate(datanode, refOf(b));
  }

  /** A re-replication was sent to `targets`: the block waits for them before it is scheduled again. */
  schedulePendingReconstruction(blockId: number, targets: string[], nowMs: number): void {
    this.pendingReconstruction.set(blockId, { targets, scheduledMs: nowMs });
  }

  /** pendingReconstruction.size(): blocks with copies scheduled and not yet reported. */
  pendingReconstructionCount(): number {
    return this.pendingReconstruction.size;
  }

  /** Each re-replication waiting for its targets' reports, in the order it was scheduled. */
  pendingReconstructions(): { blockId: number; targets: readonly string[]; scheduledMs: number }[] {
    return [...this.pendingReconstruction].map(([blockId, p]) => ({ blockId, ...p }));
  }

  /** Each DataNode with blocks to delete, and those blocks (InvalidateBlocks' nodeToBlocks). */
  pendingInvalidates(): { datanode: string; blocks: BlockRef[] }[] {
    return [...this.invalidates].map(([datanode, m]) => ({ datanode, blocks: [...m.values()] }));
  }

  hasPendingReconstruction(blockId: number): boolean {
    return this.pendingReconstruction.has(blockId);
  }

  /** PendingReconstructionBlocks' timer: re-replications not done within `timeoutMs` may be scheduled again. */
  expirePendingReconstructions(nowMs: number, timeoutMs: number): void {
    for (const [blockId, pending] of this.pendingReconstruction) {
      if (nowMs - pending.scheduledMs > timeoutMs) this.pendingReconstruction.delete(blockId);
    }
  }

  pendingDeletionCount(): number {
    let n = 0;
    for (const m of this.invalidates.values()) n += m.size;
    return n;
  }

  /** Up to `limit` blocks this DataNode should delete now. */
  takeInvalidates(datanode: string, limit: number): BlockRef[] {
    const m = this.invalidates.get(datanode);
    if (!m) return [];
    const out: BlockRef[] = [];
    for (const [id, ref] of m) {
      if (out.length >= limit) break;
      out.push(ref);
      m.delete(id);
    }
    if (m.size === 0) this.invalidates.delete(datanode);
    return out;
  }

  hasInvalidates(datanode: string): boolean {
    return (this.invalidates.get(datanode)?.size ?? 0) > 0;
  }

  /** An incremental report entry (blockReceivedAndDeleted). */
  received(datanode: string, ref: BlockRef, status: ReceivedDeletedStatus): ReplicaChange[] {
    const b = this.blocks.get(ref.blockId);
    if (status === 'DELETED') {
      // A replica known under a newer stamp than the deleted one is another replica: it stays.
      if (!b || isNewer(b.replicas.get(datanode), ref)) return [];
      const had = b.replicas.delete(datanode);
      if (!had) b.corrupt.delete(datanode);
      unstoreIfGone(b, datanode);
      return had ? [{ kind: 'removed', block: ref, datanode }] : [];
    }
    if (!b) {
      // The file was deleted while the replica was being written: have it removed.
      this.queueInvalidate(datanode, ref);
      return [{ kind: 'invalidate', block: ref, datanode, reason: 'block does not belong to any file' }];
    }
    return this.addReplica(b, datanode, ref, status === 'RECEIVED' ? 'FINALIZED' : 'RBW');
  }

  private addReplica(b: BlockInfo, datanode: string, ref: BlockRef, state: ReplicaState): ReplicaChange[] {
    if (ref.genStamp < b.genStamp) {
      return this.invalidateStale(
        b,
        datanode,
        ref,
        `generation stamp ${ref.genStamp} is older than ${b.genStamp}`,
      );
    }
    if (state === 'FINALIZED' && b.ucState === 'COMPLETE' && ref.numBytes !== b.numBytes) {
      b.corrupt.set(datanode, `length ${ref.numBytes} does not match ${b.numBytes}`);
      addStorage(b, datanode);
      return [{ kind: 'corrupt', block: ref, datanode, reason: `length mismatch` }];
    }
    const had = b.replicas.get(datanode);
    b.replicas.set(datanode, { datanode, genStamp: ref.genStamp, numBytes: ref.numBytes, state });
    if (state === 'FINALIZED') addStorage(b, datanode);
    const changes: ReplicaChange[] = [];
    if (!had || had.state !== state) changes.push({ kind: 'added', block: ref, datanode });
    if (state === 'FINALIZED') {
      const pending = this.pendingReconstruction.get(b.blockId);
      if (pending) {
        pending.targets = pending.targets.filter((t) => t !== datanode);
        if (pending.targets.length === 0) this.pendingReconstruction.delete(b.blockId);
      }
      if (this.tryComplete(b)) changes.push({ kind: 'completed', block: refOf(b), datanode });
    }
    return changes;
  }

  /**
   * A replica under an older stamp than its block's (left behind by pipeline or lease recovery):
   * HDFS marks it corrupt (GENSTAMP_MISMATCH) and, the write having moved on, deletes it at once
   * (markBlockAsCorrupt's corruptedDuringWrite); the DataNode deletes only that stamp. A stale
   * RECEIVING that arrives after the DataNode's recovered replica was reported leaves that replica.
   */
  private invalidateStale(b: BlockInfo, datanode: string, ref: BlockRef, reason: string): ReplicaChange[] {
    this.queueInvalidate(datanode, ref);
    if (!isNewer(b.replicas.get(datanode), ref)) b.replicas.delete(datanode);
    unstoreIfGone(b, datanode);
    return [{ kind: 'invalidate', block: ref, datanode, reason }];
  }

  /**
   * A full report's replica that is not finalized, as BlockManager.processReportedBlock judges it
   * (checkReplicaCorrupt, then isBlockUnderConstruction). Of a block still being written, RBW and
   * RWR replicas join its under-construction list (addReplicaIfNotPresent: the replicas block
   * recovery uses), unless their stamp is older than the block's. Of a COMPLETE block, an RBW one
   * under the block's stamp is a late report and ignored (HDFS-2791), an RWR one is corrupt, and
   * any other stamp is stale. RUR and TEMPORARY should never be reported: corrupt.
   */
  private reportedUnfinished(
    b: BlockInfo,
    datanode: string,
    ref: BlockRef,
    state: Exclude<ReportedReplicaState, 'FINALIZED'>,
  ): ReplicaChange[] {
    if (state !== 'RBW' && state !== 'RWR') {
      const reason = `Unexpected replica state ${state} for block: blk_${b.blockId}_${b.genStamp} on ${datanode} size ${b.numBytes}`;
      return this.corruptReported(b, datanode, ref, reason);
    }
    const stamp = `reported ${state} replica with genstamp ${ref.genStamp}`;
    if (b.ucState !== 'COMPLETE') {
      if (b.genStamp > ref.genStamp) {
        return this.invalidateStale(
          b,
          datanode,
          ref,
          `${stamp} does not match Stored block's genstamp in block map ${b.genStamp}`,
        );
      }
      if (!b.expectedLocations.includes(datanode)) b.expectedLocations = [...b.expectedLocations, datanode];
      return this.addReplica(b, datanode, ref, state);
    }
    if (b.genStamp !== ref.genStamp) {
      return this.invalidateStale(
        b,
        datanode,
        ref,
        `${stamp} does not match COMPLETE block's genstamp in block map ${b.genStamp}`,
      );
    }
    if (state === 'RBW') return [];
    return this.corruptReported(b, datanode, ref, `reported replica has invalid state ${state}`);
  }

  /** markBlockAsCorrupt for a reported replica: it is held, marked corrupt, until it can be deleted. */
  private corruptReported(b: BlockInfo, datanode: string, ref: BlockRef, reason: string): ReplicaChange[] {
    b.replicas.set(datanode, { datanode, genStamp: ref.genStamp, numBytes: ref.numBytes, state: 'RWR' });
    b.corrupt.set(datanode, reason);
    addStorage(b, datanode);
    return [{ kind: 'corrupt', block: ref, datanode, reason }];
  }

  /**
   * A full block report: replicas the DataNode no longer has are removed, new ones added, and
   * replicas of unknown blocks (deleted files) or stale generation stamps are scheduled for deletion.
   */
  processReport(datanode: string, reported: readonly ReportedReplica[]): ReplicaChange[] {
    const changes: ReplicaChange[] = [];
    const seen = new Set<number>();
    for (const [blockId, numBytes, genStamp, state] of reported) {
      seen.add(blockId);
      const ref = { blockId, numBytes, genStamp };
      const b = this.blocks.get(blockId);
      if (!b) {
        this.queueInvalidate(datanode, ref);
        changes.push({
          kind: 'invalidate',
          block: ref,
          datanode,
          reason: 'block does not belong to any file',
        });
        continue;
      }
      if (state === undefined) changes.push(...this.addReplica(b, datanode, ref, 'FINALIZED'));
      else changes.push(...this.reportedUnfinished(b, datanode, ref, state));
    }
    for (const b of this.blocks.values()) {
      if (
        b.replicas.has(datanode) &&
        !seen.has(b.blockId) &&
        b.replicas.get(datanode)?.state === 'FINALIZED'
      ) {
        b.replicas.delete(datanode);
        unstoreIfGone(b, datanode);
        changes.push({ kind: 'removed', block: refOf(b), datanode });
      }
    }
    return changes;
  }

  /** A dead DataNode: all its replicas leave the BlockMap. */
  removeDatanode(datanode: string): BlockView[] {
    const affected: BlockView[] = [];
    for (const b of this.blocks.values()) {
      const had = b.replicas.delete(datanode);
      b.corrupt.delete(datanode);
      unstoreIfGone(b, datanode);
      if (had) affected.push(b);
      const pending = this.pendingReconstruction.get(b.blockId);
      if (pending?.targets.includes(datanode)) this.pendingReconstruction.delete(b.blockId);
    }
    this.invalidates.delete(datanode);
    return affected;
  }

  markCorrupt(blockId: number, datanode: string, reason: string): BlockView | undefined {
    const b = this.blocks.get(blockId);
    if (!b || !b.replicas.has(datanode)) return undefined;
    b.corrupt.set(datanode, reason);
    addStorage(b, datanode);
    return b;
  }

  /** Finalized, current, not corrupt replicas on usable DataNodes. */
  liveReplicas(b: BlockView, usable: (dn: string) => boolean): string[] {
    const out: string[] = [];
    for (const r of b.replicas.values()) {
      if (r.state !== 'FINALIZED' || r.genStamp !== b.genStamp) continue;
      if (b.corrupt.has(r.datanode) || !usable(r.datanode)) continue;
      out.push(r.datanode);
    }
    return out;
  }

  /**
   * BlockManager.countNodes: the good replicas by their DataNode's admin state; a dead
   * DataNode's replicas count only while it is in maintenance (they stay in the BlockMap).
   */
  countReplicas(
    b: BlockView,
    usable: (dn: string) => boolean,
    adminStateOf: (dn: string) => AdminState,
  ): NumberReplicas {
    const counts = noReplicas();
    for (const dn of this.liveReplicas(b, (d) => usable(d) || isMaintenance(adminStateOf(d)))) {
      const state = adminStateOf(dn);
      if (state === 'DECOMMISSION_INPROGRESS') counts.decommissioning.push(dn);
      else if (state === 'DECOMMISSIONED') counts.decommissioned.push(dn);
      else if (state === 'ENTERING_MAINTENANCE' && usable(dn)) counts.enteringMaintenance.push(dn);
      else if (isMaintenance(state)) counts.inMaintenance.push(dn);
      else counts.live.push(dn);
    }
    return counts;
  }

  /**
   * LowRedundancyBlocks.getPriority for a replicated block, or null when it needs nothing.
   * `outOfService`: replicas on decommissioning, decommissioned or maintenance DataNodes; a
   * block that has only those is the most urgent (they are about to leave), not missing.
   * `expected`: the live replicas it needs (fewer while some are in maintenance).
   */
  priority(
    b: BlockView,
    live: number,
    racksOk: boolean,
    outOfService = 0,
    expected = b.expectedReplication,
  ): number | null {
    if (b.ucState !== 'COMPLETE') return null;
    if (live === 0) return outOfService > 0 ? QUEUE_HIGHEST_PRIORITY : QUEUE_WITH_CORRUPT_BLOCKS;
    if (live >= expected) return racksOk ? null : QUEUE_REPLICAS_BADLY_DISTRIBUTED;
    if (live === 1) return QUEUE_HIGHEST_PRIORITY;
    if (live * 3 < expected) return QUEUE_VERY_LOW_REDUNDANCY;
    return QUEUE_LOW_REDUNDANCY;
  }
}
