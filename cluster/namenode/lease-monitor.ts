/**
 * The NameNode's lease monitor and lease recovery (LeaseManager.Monitor + FSNamesystem
 * .internalReleaseLease + commitBlockSynchronization), as a core: no I/O, the
 * clock comes in, ops and events go out through the host.
 *
 * - Hard limit passed (dfs.namenode.lease-hard-limit-sec), or the soft limit passed and another
 *   client asked for the file: the lease moves to HDFS_NameNode (OP_REASSIGN_LEASE).
 * - No blocks, or a last block already COMPLETE: the file is closed (OP_CLOSE).
 * - A last block UNDER_CONSTRUCTION: block recovery. A new generation stamp (OP_SET_GENSTAMP_V2,
 *   the recovery id) and one primary DataNode (BlockUnderConstructionFeature.initializeBlockRecovery:
 *   of the live holders not yet tried, the one that sent the latest heartbeat) gets DNA_RECOVERBLOCK
 *   naming every live holder. The primary asks them over InterDatanodeProtocol, agrees on the
 *   length and calls commitBlockSynchronization: the block takes the new stamp and length, its
 *   other replicas are marked corrupt, and the file is closed with it (one OP_CLOSE).
 * - No commitBlockSynchronization within the recovery timeout: the recovery starts again with a
 *   new recovery id and the next primary.
 */
import { RemoteError } from '../protocol/errors.js';
import type { DatanodeCommand, RpcRequest, StateEvent } from '../protocol/messages.js';
import type { DatanodeId } from '../protocol/types.js';
import { refOf, type BlockManager } from './block-manager.js';
import type { BlockRef, PendingOp } from './editlog/ops.js';
import { NAMENODE_LEASE_HOLDER } from './leases.js';
import type { Namespace } from './namespace.js';

export interface LeaseLimits {
  softLimitMs: number;
  hardLimitMs: number;
  /** A block recovery with no answer for this long is started again with a new generation stamp. */
  recoveryTimeoutMs: number;
}

/** What the monitor needs of the NameNode core. */
export interface LeaseMonitorHost {
  namespace: Namespace;
  blocks: BlockManager;
  poolId: string;
  usable(datanode: string): boolean;
  datanodeId(datanode: string): DatanodeId | undefined;
  /** The lab name of the DataNode with this DatanodeID.datanodeUuid. */
  datanodeNamed(datanodeUuid: string): string | undefined;
  /** When the DataNode's last heartbeat arrived (DatanodeDescriptor.getLastUpdateMonotonic). */
  lastHeartbeatMs(datanode: string): number;
  /** commitBlockSynchronization with closeFile: the block is stored on the DataNode as recovered. */
  storeReplica(datanode: string, block: BlockRef): void;
  queueCommand(datanode: string, command: DatanodeCommand): void;
  log(ops: PendingOp[]): void;
  emit(event: StateEvent): void;
}

interface BlockRecovery {
  path: string;
  /** The holder whose lease expired (for the journal). */
  holder: string;
  blockId: number;
  /** The block as the recovery command named it (its stamp before the recovery). */
  block: BlockRef;
  newGenStamp: number;
  primary: string;
  startedMs: number;
  /**
   * A truncate's recovery: the block as the replicas must be cut (its length is not negotiated).
   * Another id than `blockId` is copy-on-truncate: `block` is the old block the DataNodes hold,
   * which a snapshot keeps, and the kept bytes go to this new block.
   */
  truncateBlock?: BlockRef;
}

/** The block a recovery leaves in the file: the truncate block's id (a copy's new block), else the block's. */
function recoveredId(r: Pick<BlockRecovery, 'blockId' | 'truncateBlock'>): number {
  return r.truncateBlock?.blockId ?? r.blockId;
}

/** Copy-on-truncate (FSNamesystem.commitBlockSynchronization's copyTruncate): the new block is another. */
function isCopy(r: Pick<BlockRecovery, 'blockId' | 'truncateBlock'>): boolean {
  return recoveredId(r) !== r.blockId;
}

/**
 * initializeBlockRecovery's choice of the primary: of the holders not yet tried (all of them again
 * once every one was), the one whose heartbeat is the latest.
 */
export function choosePrimary(
  holders: readonly string[],
  tried: ReadonlySet<string>,
  lastHeartbeatMs: (datanode: string) => number,
): string | undefined {
  const fresh = holders.filter((dn) => !tried.has(dn));
  const pool = fresh.length > 0 ? fresh : holders;
  let best: string | undefined;
  for (const dn of pool) if (best === undefined || lastHeartbeatMs(dn) > lastHeartbeatMs(best)) best = dn;
  return best;
}

export class LeaseMonitor {
  private readonly recovering = new Map<string, BlockRecovery>();
  /** Block id → the DataNodes already chosen as its recovery's primary (ReplicaUnderConstruction.chosenAsPrimary). */
  private readonly triedPrimaries = new Map<number, Set<string>>();
  /** Paths another client asked for after the soft limit: recovered at the next check. */
  private readonly requested = new Set<string>();

  constructor(
    private readonly limits: LeaseLimits,
    private readonly host: LeaseMonitorHost,
  ) {}

  /** A create/append found `path` held by a client past its soft limit (recoverLeaseInternal). */
  requestRecovery(path: string): void {
    this.requested.add(path);
  }

  /**
   * ClientProtocol.recoverLease (recoverLeaseInternal with force): releases the lease of `path`
   * now. True when that closed the file; false while its last block is being recovered.
   */
  recoverNow(path: string, nowMs: number): boolean {
    if (!this.recovering.has(path)) this.release(path, nowMs);
    const file = this.host.namespace.resolve(path);
    return file?.kind === 'FILE' && !file.underConstruction;
  }

  isRecovering(path: string): boolean {
    return this.recovering.has(path);
  }

  /** One monitor pass (every dfs.namenode.lease-recheck-interval-ms). */
  check(nowMs: number): void {
    for (const r of [...this.recovering.values()]) this.progress(r, nowMs);
    const { hard } = this.host.namespace.leases.expired(nowMs, this.limits);
    const due = new Set<string>([...this.requested, ...hard.map((l) => l.path)]);
    this.requested.clear();
    for (const path of [...due].sort()) {
      if (!this.recovering.has(path)) this.release(path, nowMs);
    }
  }

  /** FSNamesystem.internalReleaseLease. */
  private release(path: string, nowMs: number): void {
    const { namespace, blocks } = this.host;
    const file = namespace.resolve(path);
    if (file?.kind !== 'FILE' || !file.underConstruction) return;
    const holder = file.underConstruction.clientName;
    if (holder !== NAMENODE_LEASE_HOLDER) {
      this.host.log(namespace.reassignLease(path, { nowMs }));
      this.note(`Recovering [Lease.  Holder: ${holder}], src=${path}`);
    } else namespace.leases.renewLease(NAMENODE_LEASE_HOLDER, nowMs);
    const last = file.blocks.at(-1);
    if (!last) {
      this.close(path, null, holder, nowMs);
      return;
    }
    if (file.blocks.slice(0, -1).some((b) => !blocks.isComplete(b.blockId))) return; // wait for them
    const info = blocks.get(last.blockId);
    if (!info || info.ucState === 'COMPLETE') {
      this.close(path, info ? refOf(info) : last, holder, nowMs);
      return;
    }
    if (info.ucState === 'COMMITTED') return; // waits for a finalized replica to be reported
    // Copy-on-truncate copies from the old block's replicas; the new block has none yet.
    const source = file.underConstruction.copyFrom;
    const sourceInfo = source ? blocks.get(source.blockId) : undefined;
    const known = sourceInfo
      ? [...sourceInfo.replicas.keys()]
      : [...new Set([...info.expectedLocations, ...info.replicas.keys()])];
    const datanodes = known.filter((dn) => this.host.usable(dn));
    if (known.length === 0 && last.numBytes === 0) {
      // Nothing was ever written to it: drop the block and close (HDFS does the same).
      this.host.log(namespace.abandonBlock(path, { clientName: NAMENODE_LEASE_HOLDER, block: last }));
      blocks.removeBlocks([last]);
      this.close(path, file.blocks.at(-1) ?? null, holder, nowMs);
      return;
    }
    if (datanodes.length === 0) {
      this.note(
        `BLOCK* blk_${last.blockId}_${last.genStamp}: no live replica to recover ${path} from; waiting`,
      );
      return;
    }
    const bumped = namespace.updateBlockForPipeline({ block: last, clientName: NAMENODE_LEASE_HOLDER });
    this.host.log(bumped.ops);
    // A truncate's recovery started again keeps cutting the block (internalReleaseLease's
    // truncateRecovery): same length, the new stamp (a copy's new block takes it).
    const cut = file.underConstruction.truncateBlock;
    this.startRecovery(
      {
        path,
        holder,
        block: sourceInfo ? refOf(sourceInfo) : last,
        newGenStamp: bumped.genStamp,
        datanodes,
        ...(cut ? { truncateBlock: { ...cut, genStamp: bumped.genStamp } } : {}),
      },
      nowMs,
    );
  }

  /**
   * FSDirTruncateOp.prepareFileForTruncate's initializeBlockRecovery: the Namespace has logged the
   * truncate of `path` inside its last block; the DataNodes holding that block are told to cut their
   * replicas to the truncate block's length under its generation stamp, or, copy-on-truncate, to
   * copy that many bytes of the old block into the new one (DatanodeManager's RecoveringBlock: the
   * old block, with the new one as its truncate block). The new block is expected where the old
   * one's replicas are.
   */
  startTruncateRecovery(path: string, nowMs: number): void {
    const { namespace, blocks } = this.host;
    const file = namespace.resolve(path);
    if (file?.kind !== 'FILE' || !file.underConstruction?.truncateBlock) return;
    const { clientName: holder, truncateBlock, copyFrom } = file.underConstruction;
    const info = blocks.get((copyFrom ?? truncateBlock).blockId);
    if (!info) return;
    const datanodes = blocks.liveReplicas(info, (dn) => this.host.usable(dn));
    blocks.reopenForAppend(truncateBlock.blockId, datanodes);
    const block = refOf(info);
    this.startRecovery(
      { path, holder, block, newGenStamp: truncateBlock.genStamp, datanodes, truncateBlock },
      nowMs,
    );
  }

  /**
   * initializeBlockRecovery: the block takes the recovery's stamp; one primary gets
   * DNA_RECOVERBLOCK on its next heartbeat, naming every holder.
   */
  private startRecovery(
    r: Omit<BlockRecovery, 'startedMs' | 'blockId' | 'primary'> & { datanodes: string[] },
    nowMs: number,
  ): void {
    const { block, datanodes, newGenStamp, truncateBlock } = r;
    const numBytes =
      truncateBlock?.numBytes ?? this.host.blocks.get(block.blockId)?.numBytes ?? block.numBytes;
    // A copy's old block keeps its stamp: only the block recovery leaves in the file takes the id.
    const recovered = recoveredId({ blockId: block.blockId, ...(truncateBlock ? { truncateBlock } : {}) });
    if (truncateBlock && recovered === block.blockId) {
      // In place the block keeps its length and stamp until commitBlockSynchronization: the new
      // ones are the truncate block's (BlockUnderConstructionFeature.truncateBlock), so a reader
      // meanwhile is sent the block as it was and asks a DataNode for its visible length.
      this.host.blocks.reopenForAppend(recovered, datanodes);
    } else this.host.blocks.updateGenStamp(recovered, newGenStamp, numBytes, datanodes);
    const tried = this.triedPrimaries.get(block.blockId) ?? new Set<string>();
    const primary = choosePrimary(datanodes, tried, (dn) => this.host.lastHeartbeatMs(dn));
    if (primary === undefined) return;
    if (tried.size >= datanodes.length) tried.clear();
    tried.add(primary);
    this.triedPrimaries.set(block.blockId, tried);
    const replicas = datanodes
      .map((dn) => this.host.datanodeId(dn))
      .filter((d): d is DatanodeId => d !== undefined);
    this.host.queueCommand(primary, {
      action: 'DNA_RECOVERBLOCK',
      poolId: this.host.poolId,
      block: { ...block },
      newGenStamp,
      replicas,
      ...(truncateBlock ? { truncateBlock: { ...truncateBlock } } : {}),
    });
    const what = !truncateBlock
      ? 'recovery'
      : recovered !== block.blockId
        ? `copy-on-truncate to blk_${recovered}_${newGenStamp} of ${truncateBlock.numBytes} bytes`
        : `truncate to ${truncateBlock.numBytes} bytes`;
    this.note(
      `BLOCK* blk_${block.blockId}_${block.genStamp} ${what} started, primary=${primary}, new genstamp ${newGenStamp}`,
    );
    const { path, holder } = r;
    this.recovering.set(path, {
      path,
      holder,
      blockId: block.blockId,
      block: { ...block },
      newGenStamp,
      primary,
      startedMs: nowMs,
      ...(truncateBlock ? { truncateBlock } : {}),
    });
  }

  /** A recovery with no commitBlockSynchronization in time starts again (a new id, the next primary). */
  private progress(r: BlockRecovery, nowMs: number): void {
    const file = this.host.namespace.resolve(r.path);
    if (file?.kind !== 'FILE' || !file.underConstruction || !this.host.blocks.get(r.blockId)) {
      this.forget(r);
      return;
    }
    if (nowMs - r.startedMs <= this.limits.recoveryTimeoutMs) return;
    this.recovering.delete(r.path);
    this.note(`BLOCK* blk_${r.blockId}: recovery by ${r.primary} timed out; trying again`);
    this.release(r.path, nowMs);
  }

  private forget(r: BlockRecovery): void {
    this.recovering.delete(r.path);
    this.triedPrimaries.delete(r.blockId);
  }

  /**
   * DatanodeProtocol.commitBlockSynchronization (FSNamesystem's, with its checks and messages):
   * the primary's result. A block no longer stored is an error unless it was to be deleted (a
   * retry); a file already closed is left as it is; a recovery id other than the block's current
   * one is refused.
   */
  commitBlockSynchronization(p: RpcRequest<'commitBlockSynchronization'>, nowMs: number): void {
    const oldBlock = `${p.poolId}:blk_${p.block.blockId}_${p.block.genStamp}`;
    const targets = p.newTargets.map((t) => this.host.datanodeNamed(t.datanodeUuid) ?? t.name);
    this.note(
      `commitBlockSynchronization(oldBlock=${oldBlock}, newgenerationstamp=${p.newGenStamp}, newlength=${p.newLength}, newtargets=[${targets.join(', ')}], closeFile=${p.closeFile}, deleteBlock=${p.deleteBlock})`,
    );
    const stored = this.host.blocks.get(p.block.blockId);
    if (!stored) {
      if (p.deleteBlock) return; // a retry: the block is gone already
      throw new RemoteError('IOException', `Block (=${oldBlock}) not found`);
    }
    const r = [...this.recovering.values()].find((rec) => rec.blockId === p.block.blockId);
    // The file is not under construction any more (a copy's old block is complete all along: the
    // file's last block, the new one, says).
    const last = r ? this.host.blocks.get(recoveredId(r)) : undefined;
    if (!r || !last || last.ucState === 'COMPLETE') return;
    if (r.newGenStamp !== p.newGenStamp) {
      throw new RemoteError(
        'IOException',
        `The recovery id ${p.newGenStamp} does not match current recovery id ${r.newGenStamp} for block ${oldBlock}`,
      );
    }
    this.forget(r);
    if (p.deleteBlock) {
      this.deleteLastBlock(r, nowMs);
      return;
    }
    if (this.host.namespace.resolve(r.path)?.kind !== 'FILE') return;
    this.commit(r, { newLength: p.newLength, targets }, nowMs);
    const result = isCopy(r)
      ? `newBlock=blk_${recoveredId(r)}_${p.newGenStamp}`
      : `newgenerationstamp=${p.newGenStamp}`;
    this.note(
      `commitBlockSynchronization(oldBlock=${oldBlock}, file=${r.path}, ${result}, newlength=${p.newLength}, newtargets=[${targets.join(', ')}]) successful`,
    );
  }

  /** deleteBlock: no DataNode had a byte of the last block; the file is closed without it. */
  private deleteLastBlock(r: BlockRecovery, nowMs: number): void {
    const { namespace, blocks } = this.host;
    const last = { ...r.block, blockId: recoveredId(r) };
    this.host.log(namespace.abandonBlock(r.path, { clientName: NAMENODE_LEASE_HOLDER, block: last }));
    blocks.removeBlocks([last]);
    const file = namespace.resolve(r.path);
    this.close(r.path, file?.kind === 'FILE' ? (file.blocks.at(-1) ?? null) : null, r.holder, nowMs);
  }

  /**
   * commitBlockSynchronization(closeFile=true): the block at its new stamp and length on the
   * targets, whatever length the NameNode had (an hflush may have told it of bytes no replica kept),
   * and the file closed with it in one OP_CLOSE, as HDFS logs it. Copy-on-truncate: the new block
   * is stored on the targets and the old one is left as it is, the snapshots' (no replica of it is
   * corrupt), unless no snapshot holds it any more: then it goes (removeBlock).
   */
  private commit(r: BlockRecovery, result: { newLength: number; targets: string[] }, nowMs: number): void {
    const { namespace, blocks } = this.host;
    const newBlock: BlockRef = {
      blockId: recoveredId(r),
      genStamp: r.newGenStamp,
      numBytes: result.newLength,
    };
    blocks.updateGenStamp(newBlock.blockId, r.newGenStamp, result.newLength, result.targets);
    // Insert the locations now, so fsck and readers find them before the DataNodes' reports land.
    for (const dn of result.targets) this.host.storeReplica(dn, newBlock);
    if (!isCopy(r)) this.markOthersCorrupt(newBlock, result.targets);
    this.host.log(namespace.closeRecoveredFile(r.path, { newBlock, nowMs }));
    blocks.commit(newBlock);
    if (isCopy(r)) blocks.removeBlocks(namespace.notInSnapshots([r.block]));
    if (!r.truncateBlock) this.host.emit({ type: 'lease-recovered', path: r.path, holder: r.holder });
  }

  /** BlockManager.markBlockReplicasAsCorrupt: a replica left out of the recovery whose stamp or length differs. */
  private markOthersCorrupt(newBlock: BlockRef, targets: readonly string[]): void {
    const info = this.host.blocks.get(newBlock.blockId);
    for (const rep of [...(info?.replicas.values() ?? [])]) {
      if (targets.includes(rep.datanode)) continue;
      // markBlockReplicasAsCorrupt's reasons (GENSTAMP_MISMATCH, then SIZE_MISMATCH).
      const reason =
        rep.genStamp !== newBlock.genStamp
          ? `genstamp does not match ${rep.genStamp} : ${newBlock.genStamp}`
          : rep.numBytes !== newBlock.numBytes
            ? `length does not match ${rep.numBytes} : ${newBlock.numBytes}`
            : null;
      if (reason === null) continue;
      if (this.host.blocks.markCorrupt(newBlock.blockId, rep.datanode, reason)) {
        this.host.emit({ type: 'replica-corrupt', block: newBlock, datanode: rep.datanode, reason });
      }
    }
  }

  private close(path: string, last: BlockRef | null, holder: string, nowMs: number): void {
    const ops = this.host.namespace.completeFile(path, { clientName: NAMENODE_LEASE_HOLDER, last, nowMs });
    this.host.log(ops);
    if (last) this.host.blocks.commit(last);
    this.host.emit({ type: 'lease-recovered', path, holder });
  }

  private note(text: string): void {
    this.host.emit({ type: 'log', level: 'info', text });
  }
}
