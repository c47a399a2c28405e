/**
 * The NameNode's lease monitor and lease recovery (LeaseManager.Monitor + FSNamesystem
 * .internalReleaseLease + commitBlockSynchronization), as a core: no I/O, the
 * clock comes in, ops and events go out through the host.
 *
 * - Hard limit passed (dfs.namenode.lease-hard-limit-sec), or the soft limit passed and another
 *   client asked for the file: the lease moves to HDFS_NameNode (OP_REASSIGN_LEASE).
 * - No blocks, or a last block already COMPLETE: the file is closed (OP_CLOSE).
 * - A last block UNDER_CONSTRUCTION: block recovery. A new generation stamp (OP_SET_GENSTAMP_V2),
 *   DNA_RECOVERBLOCK to the DataNodes holding it (RWR replicas only when no better one is left,
 *   `recoveryParticipants`); when their finalized replicas under the new
 *   genstamp have been reported, the block takes the length they agree on (the shortest) and the
 *   file is closed (OP_UPDATE_BLOCKS, OP_CLOSE).
 *
 * Simplified (docs/failures.md): HDFS sends DNA_RECOVERBLOCK to one primary DataNode, which asks the
 * others over InterDatanodeProtocol, truncates every replica to the agreed length and calls
 * commitBlockSynchronization. The lab sends the command to every holder; each finalizes its own
 * replica and reports it RECEIVED, and the NameNode does the agreeing: a replica longer than the
 * agreed length is marked corrupt and replaced by re-replication. HDFS logs OP_CLOSE with the new
 * block directly; the lab logs OP_UPDATE_BLOCKS first (the Namespace's one way to change a block).
 */
import type { DatanodeCommand, StateEvent } from '../protocol/messages.js';
import type { DatanodeId } from '../protocol/types.js';
import { refOf, type BlockManager, type BlockView } from './block-manager.js';
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
  queueCommand(datanode: string, command: DatanodeCommand): void;
  log(ops: PendingOp[]): void;
  emit(event: StateEvent): void;
}

interface BlockRecovery {
  path: string;
  /** The holder whose lease expired (for the journal). */
  holder: string;
  blockId: number;
  newGenStamp: number;
  datanodes: string[];
  startedMs: number;
  /** A truncate's recovery: the block as the replicas must be cut (its length is not negotiated). */
  truncateBlock?: BlockRef;
}

/**
 * BlockRecoveryWorker.syncBlock's choice of the replicas a block recovery keeps, made here by the
 * NameNode (the lab has no primary DataNode asking the others): the best state there is takes part.
 * A replica the pipeline put on a DataNode counts as RBW until its DataNode reports otherwise
 * (setExpectedLocations); an RWR one, found in rbw/ by a restarted DataNode, takes part only when
 * no finalized or RBW replica is left, and one with no byte never (it is no candidate).
 */
export function recoveryParticipants(info: BlockView, holders: readonly string[]): string[] {
  const candidates = holders.filter((dn) => {
    const r = info.replicas.get(dn);
    return r === undefined || r.state !== 'RWR' || (r.numBytes > 0 && r.genStamp >= info.genStamp);
  });
  const better = candidates.filter((dn) => info.replicas.get(dn)?.state !== 'RWR');
  return better.length > 0 ? better : candidates;
}

export class LeaseMonitor {
  private readonly recovering = new Map<string, BlockRecovery>();
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

  /**
   * A DataNode reported a replica of `blockId`: when it answers a block recovery, that recovery is
   * checked now (HDFS commits as soon as the primary's commitBlockSynchronization arrives) rather
   * than at the next monitor pass.
   */
  replicaReported(blockId: number, nowMs: number): void {
    for (const r of [...this.recovering.values()]) if (r.blockId === blockId) this.progress(r, nowMs);
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
    const known = [...new Set([...info.expectedLocations, ...info.replicas.keys()])];
    const datanodes = recoveryParticipants(
      info,
      known.filter((dn) => this.host.usable(dn)),
    );
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
    // truncateRecovery): same length, the new stamp.
    const cut = file.underConstruction.truncateBlock;
    this.startRecovery(
      {
        path,
        holder,
        block: last,
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
   * replicas to the truncate block's length under its generation stamp.
   */
  startTruncateRecovery(path: string, nowMs: number): void {
    const { namespace, blocks } = this.host;
    const file = namespace.resolve(path);
    if (file?.kind !== 'FILE' || !file.underConstruction?.truncateBlock) return;
    const { clientName: holder, truncateBlock } = file.underConstruction;
    const info = blocks.get(truncateBlock.blockId);
    if (!info) return;
    const datanodes = blocks.liveReplicas(info, (dn) => this.host.usable(dn));
    blocks.reopenForAppend(info.blockId, datanodes);
    const block = refOf(info);
    this.startRecovery(
      { path, holder, block, newGenStamp: truncateBlock.genStamp, datanodes, truncateBlock },
      nowMs,
    );
  }

  /** initializeBlockRecovery: the block takes the recovery's stamp; DNA_RECOVERBLOCK rides on heartbeats. */
  private startRecovery(
    r: Omit<BlockRecovery, 'startedMs' | 'blockId'> & { block: BlockRef },
    nowMs: number,
  ): void {
    const { block, datanodes, newGenStamp, truncateBlock } = r;
    const numBytes =
      truncateBlock?.numBytes ?? this.host.blocks.get(block.blockId)?.numBytes ?? block.numBytes;
    this.host.blocks.updateGenStamp(block.blockId, newGenStamp, numBytes, datanodes);
    const replicas = datanodes
      .map((dn) => this.host.datanodeId(dn))
      .filter((d): d is DatanodeId => d !== undefined);
    for (const dn of datanodes) {
      this.host.queueCommand(dn, {
        action: 'DNA_RECOVERBLOCK',
        poolId: this.host.poolId,
        block: { ...block },
        newGenStamp,
        replicas,
        ...(truncateBlock ? { truncateBlock: { ...truncateBlock } } : {}),
      });
    }
    const what = truncateBlock ? `truncate to ${truncateBlock.numBytes} bytes` : 'recovery';
    this.note(
      `BLOCK* blk_${block.blockId}_${block.genStamp} ${what} started, primary=${datanodes[0] ?? 'none'}, new genstamp ${newGenStamp}`,
    );
    const { path, holder } = r;
    this.recovering.set(path, {
      path,
      holder,
      blockId: block.blockId,
      newGenStamp,
      datanodes,
      startedMs: nowMs,
      ...(truncateBlock ? { truncateBlock } : {}),
    });
  }

  /** Checks a block recovery: all holders answered (or time is up with some answers) → commit. */
  private progress(r: BlockRecovery, nowMs: number): void {
    const file = this.host.namespace.resolve(r.path);
    const info = this.host.blocks.get(r.blockId);
    if (file?.kind !== 'FILE' || !file.underConstruction || !info) {
      this.recovering.delete(r.path);
      return;
    }
    const reported = [...info.replicas.values()].filter(
      (rep) => rep.state === 'FINALIZED' && rep.genStamp === r.newGenStamp,
    );
    const waiting = r.datanodes.filter(
      (dn) => this.host.usable(dn) && !reported.some((rep) => rep.datanode === dn),
    );
    const timedOut = nowMs - r.startedMs > this.limits.recoveryTimeoutMs;
    if (reported.length > 0 && (waiting.length === 0 || timedOut)) {
      this.recovering.delete(r.path);
      try {
        this.commit(r, reported, nowMs);
      } catch (err) {
        // An operating problem (the file changed under us): say so; the lease expires again later.
        this.host.emit({
          type: 'log',
          level: 'warn',
          text: `lease recovery of ${r.path}: ${(err as Error).message}`,
        });
      }
    } else if (timedOut) {
      this.recovering.delete(r.path);
      this.note(`BLOCK* blk_${r.blockId}: recovery timed out; trying again`);
      this.release(r.path, nowMs);
    }
  }

  /** commitBlockSynchronization(closeFile=true), done by the NameNode itself. */
  private commit(r: BlockRecovery, reported: { datanode: string; numBytes: number }[], nowMs: number): void {
    const { namespace, blocks } = this.host;
    const file = namespace.resolve(r.path);
    if (file?.kind !== 'FILE') return;
    const stored = file.blocks.at(-1) as BlockRef;
    const agreed = r.truncateBlock?.numBytes ?? Math.min(...reported.map((rep) => rep.numBytes));
    const newBlock: BlockRef = { blockId: r.blockId, genStamp: r.newGenStamp, numBytes: agreed };
    if (!r.truncateBlock) {
      this.host.log(
        namespace.updatePipeline({ clientName: NAMENODE_LEASE_HOLDER, oldBlock: stored, newBlock }),
      );
    }
    for (const rep of reported) {
      if (rep.numBytes === agreed) continue;
      const reason = `length ${rep.numBytes} differs from the ${agreed} bytes agreed by block recovery`;
      if (blocks.markCorrupt(r.blockId, rep.datanode, reason)) {
        this.host.emit({ type: 'replica-corrupt', block: newBlock, datanode: rep.datanode, reason });
      }
    }
    this.note(
      `commitBlockSynchronization(newblock=blk_${r.blockId}_${r.newGenStamp}, newlength=${agreed}, newtargets=[${reported.map((rep) => rep.datanode).join(', ')}], closeFile=true) successful`,
    );
    if (!r.truncateBlock) {
      this.close(r.path, newBlock, r.holder, nowMs);
      return;
    }
    // A truncate's file is closed with the cut block in one OP_CLOSE, as HDFS logs it.
    this.host.log(namespace.closeRecoveredFile(r.path, { newBlock, nowMs }));
    blocks.commit(newBlock);
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
