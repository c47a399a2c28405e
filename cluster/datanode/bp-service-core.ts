/**
 * The DataNode's decisions towards its NameNode, without I/O: HDFS's BPServiceActor and
 * IncrementalBlockReportManager as state. The DataNode process (runtime/datanode-process.ts) and the
 * deterministic simulator (sim/cluster-sim.ts) both drive this core, so the golden scenarios run
 * the rules that ship:
 *
 * - registration: a new or re-registering DataNode registers before anything else and then owes a
 *   full block report; a broken connection or UnregisteredNodeException means register again; a
 *   refused registration (DisallowedDatanodeException) is tried again every 5 s until the first
 *   one succeeds, and ends the block pool service after that;
 * - full block reports: due after registration and every dfs.blockreport.intervalMsec; a heartbeat
 *   asks for a lease while one is due, and the report goes only with a lease the reply granted;
 * - incremental block reports: one pending entry per block (the newest: a stale RECEIVING must not
 *   follow the RECEIVED of a recovered replica); RECEIVED is sent at once with everything pending,
 *   RECEIVING and DELETED wait for the next heartbeat; entries of a failed call go back in the queue
 *   unless a newer entry for the block arrived meanwhile;
 * - commands on a heartbeat or block-report reply become actions for the process: delete these
 *   replicas, copy a replica (DNA_TRANSFER), recover one (DNA_RECOVERBLOCK), register again
 *   (DNA_REGISTER), finalize the block pool's upgrade (DNA_FINALIZE, BPOfferService's
 *   processCommandFromActive). A replica is reported DELETED once the process has deleted it (or found none, so
 *   the NameNode forgets it), never when its generation stamp differs from the one the NameNode
 *   named: that replica is a newer one (a block recovery's) and stays, as FsDatasetImpl.invalidate
 *   keeps it.
 */
import type { DatanodeCommand, ReceivedDeletedStatus } from '../protocol/messages.js';
import type { BlockRef } from '../protocol/types.js';

/**
 * Where an incremental report entry comes from: `opId` is the client operation that made the
 * replica (its trace); `deleteHint` the DataNode uuid whose replica a balancer's move replaces
 * (REPLACE_BLOCK's delHint, which HDFS's DataNode passes on in its RECEIVED entry).
 */
export interface IbrOrigin {
  opId?: string;
  deleteHint?: string;
}

/** One incremental report entry. */
export interface IbrEntry extends IbrOrigin {
  block: BlockRef;
  status: ReceivedDeletedStatus;
}

/** What a NameNode command asks the DataNode process to do. */
export type DatanodeAction =
  | { kind: 'register' }
  | { kind: 'delete-replica'; poolId: string; block: BlockRef }
  | { kind: 'transfer'; command: Extract<DatanodeCommand, { action: 'DNA_TRANSFER' }> }
  | { kind: 'recover'; command: Extract<DatanodeCommand, { action: 'DNA_RECOVERBLOCK' }> }
  /** DNA_FINALIZE: DataNode.finalizeUpgradeForPool; with no previous/ directory there is nothing to do. */
  | { kind: 'finalize-upgrade'; poolId: string }
  /** DNA_BALANCERBANDWIDTHUPDATE with a positive value: the balance throttler's new bytes/s. */
  | { kind: 'balancer-bandwidth'; bytesPerSec: number }
  | { kind: 'ignore'; action: string };

/**
 * BPServiceActor.run: a failed first handshake or registration is retried after this long
 * (sleepAndLogInterrupts(5000, "initializing")), a fixed 5 s in Hadoop, not a setting.
 */
export const INIT_RETRY_MS = 5_000;

/**
 * FsDatasetImpl.invalidate on one replica a DNA_INVALIDATE names, given the stamp of the replica
 * held here (finalized or rbw; null: none): delete it; report it DELETED anyway when there is none
 * (so the NameNode forgets it); keep it, unreported, under another stamp — a block recovery made
 * it since the NameNode asked, and deleting it would lose the recovered replica.
 */
export type Invalidation = 'delete' | 'not-found' | 'genstamp-mismatch';

export function invalidation(
  held: { genStamp: number } | null | undefined,
  named: { genStamp: number },
): Invalidation {
  if (!held) return 'not-found';
  return held.genStamp === named.genStamp ? 'delete' : 'genstamp-mismatch';
}

/** What to do about a registration the NameNode refused. */
export type RefusedRegistration = { kind: 'retry'; afterMs: number } | { kind: 'end-service' };

export class BPServiceCore {
  private registerDue = true;
  /** Whether a registration ever succeeded: BPServiceActor is past its initialization. */
  private initialized = false;
  private fullReportDue = true;
  private fullReportForced = false;
  private pending: IbrEntry[] = [];
  private reportsSent = 0;

  /** Whether the next contact must be a registerDatanode. */
  get needsRegistration(): boolean {
    return this.registerDue;
  }

  /** Whether a heartbeat should ask for a full block report lease. */
  get wantsFullReportLease(): boolean {
    return this.fullReportDue;
  }

  /** The DataNode registered: a full block report is owed next. */
  registered(): void {
    this.registerDue = false;
    this.initialized = true;
    this.fullReportDue = true;
  }

  /**
   * The NameNode refused a registration (DisallowedDatanodeException, IncorrectVersionException).
   * While initializing, BPServiceActor.run logs 'Initialization failed for …' and tries again in
   * 5 s (the DataNode may be added to the include list meanwhile); once it has registered, a
   * refusal — of a re-registration too — ends the block pool service (offerService).
   */
  registrationRefused(): RefusedRegistration {
    return this.initialized ? { kind: 'end-service' } : { kind: 'retry', afterMs: INIT_RETRY_MS };
  }

  /** The NameNode no longer knows this DataNode (connection lost, restarted, UnregisteredNodeException). */
  registrationLost(): void {
    this.registerDue = true;
  }

  /** dfs.blockreport.intervalMsec has passed since the last full report was scheduled. */
  fullReportInterval(): void {
    this.fullReportDue = true;
  }

  /** Whether to send a full report after a heartbeat reply that granted `leaseId` (0: none). */
  shouldSendFullReport(leaseId: number): boolean {
    if (this.registerDue) return false;
    return this.fullReportForced || (this.fullReportDue && leaseId !== 0);
  }

  /**
   * triggerBlockReport asked for a full report now (BPServiceActor's forceFullBlockReport): it goes
   * without a lease, at once or, while unregistered, right after the registration.
   */
  forceFullReport(): void {
    this.fullReportForced = true;
  }

  /** A full report went out; returns its report id (1, 2, …). */
  fullReportSent(): number {
    this.fullReportDue = false;
    this.fullReportForced = false;
    return ++this.reportsSent;
  }

  /** Queues an incremental entry; true when it should be sent now (RECEIVED), with the rest. */
  reportIncremental(block: BlockRef, status: ReceivedDeletedStatus, origin: IbrOrigin = {}): boolean {
    this.pending = this.pending.filter((e) => e.block.blockId !== block.blockId);
    this.pending.push({ block, status, ...origin });
    return status === 'RECEIVED';
  }

  /** The process deleted `block` (or had no replica of it): DELETED goes with the next heartbeat. */
  replicaDeleted(block: BlockRef): void {
    this.reportIncremental(block, 'DELETED');
  }

  /** Entries waiting to be sent. */
  get pendingIncremental(): readonly IbrEntry[] {
    return this.pending;
  }

  /**
   * The next call's worth of entries, taken off the queue: the leading entries of one client
   * operation (the lab sends one call per operation so `lab trace` shows each put's reports; HDFS
   * sends all in one). Empty while unregistered.
   */
  takeIncrementalGroup(): IbrEntry[] {
    if (this.registerDue || this.pending.length === 0) return [];
    const opId = this.pending[0]?.opId;
    const count = this.pending.findIndex((e) => e.opId !== opId);
    const group = count < 0 ? this.pending : this.pending.slice(0, count);
    this.pending = count < 0 ? [] : this.pending.slice(count);
    return group;
  }

  /** A call carrying `group` failed: requeue its entries ahead of the rest, unless superseded. */
  incrementalFailed(group: readonly IbrEntry[]): void {
    const newer = new Set(this.pending.map((e) => e.block.blockId));
    this.pending = [...group.filter((e) => !newer.has(e.block.blockId)), ...this.pending];
  }

  /** The actions for the commands of one reply, in order. */
  commands(commands: readonly DatanodeCommand[]): DatanodeAction[] {
    const actions: DatanodeAction[] = [];
    for (const command of commands) {
      switch (command.action) {
        case 'DNA_REGISTER':
          this.registerDue = true;
          actions.push({ kind: 'register' });
          break;
        case 'DNA_INVALIDATE':
          for (const block of command.blocks) {
            actions.push({ kind: 'delete-replica', poolId: command.poolId, block });
          }
          break;
        case 'DNA_TRANSFER':
          actions.push({ kind: 'transfer', command });
          break;
        case 'DNA_RECOVERBLOCK':
          actions.push({ kind: 'recover', command });
          break;
        case 'DNA_FINALIZE':
          actions.push({ kind: 'finalize-upgrade', poolId: command.poolId });
          break;
        case 'DNA_BALANCERBANDWIDTHUPDATE':
          // BPOfferService.processCommandFromActive: only a positive bandwidth changes the throttler.
          if (command.bandwidth > 0)
            actions.push({ kind: 'balancer-bandwidth', bytesPerSec: command.bandwidth });
          break;
        default:
          actions.push({ kind: 'ignore', action: (command as { action: string }).action });
      }
    }
    return actions;
  }
}
