/**
 * Decommissioning and maintenance, as HDFS's DatanodeAdminManager and its
 * DatanodeAdminDefaultMonitor do them, as a core: the hosts lists decide each DataNode's admin
 * state (DatanodeManager.refreshDatanodes), and every dfs.namenode.decommission.interval the
 * monitor looks at the blocks of each DataNode leaving service. Its blocks' new replicas come from
 * the redundancy monitor, which no longer counts the leaving replica as live.
 *
 * Decommissioning: once every block it holds has enough live replicas elsewhere (and the
 * DataNode has sent its block report, and is alive or, dead, leaves no block in the cluster short
 * of replicas), it becomes DECOMMISSIONED.
 *
 * Maintenance (a combined hosts file's IN_MAINTENANCE entry, with an expiry in epoch ms):
 * ENTERING_MAINTENANCE until every block it holds has dfs.namenode.maintenance.replication.min
 * live replicas elsewhere, then IN_MAINTENANCE; its replicas stay in the BlockMap even if it
 * dies, so nothing is re-replicated for it; at expiry it is back in service (NORMAL), and if it
 * is dead then, its replicas leave the BlockMap and are re-replicated.
 *
 * Nothing here is logged to the edit log: the state lives in the hosts files, and a restarted
 * NameNode derives it again from them.
 */
import type { StateEvent } from '../protocol/messages.js';
import type { NetworkTopology } from '../net/topology.js';
import { type BlockManager, type BlockView, type NumberReplicas } from './block-manager.js';
import type { DatanodeDescriptor, DatanodeManager } from './datanode-manager.js';
import { HADOOP_DEFAULTS } from '../config/hadoop-defaults.js';
import type { DatanodeStatus } from '../protocol/types.js';
import { DEFAULT_RACK } from '../net/topology.js';
import { ADMIN_STATE_NAMES, blockName, isMaintenance, xferAddr } from '../protocol/types.js';
import { expectedLiveRedundancy } from './block-manager.js';
import { isExcluded, isIncluded, maintenanceExpireTimeMs, NO_HOSTS, type HostsLists } from './host-file.js';
import { isPlacementSatisfied } from './placement.js';

export interface DatanodeAdminSettings {
  /** dfs.namenode.decommission.interval. */
  intervalMs: number;
  /** dfs.replication: a non-UC block with this many live replicas does not hold decommissioning up. */
  defaultReplication: number;
  /** dfs.namenode.replication.min: enough for the last block of a file still being written. */
  minReplication: number;
  /** dfs.namenode.maintenance.replication.min: live replicas elsewhere a block needs for maintenance. */
  minMaintenanceReplication: number;
}

/** What the admin manager needs of the NameNode core. */
export interface DatanodeAdminHost {
  blocks: BlockManager;
  datanodes: DatanodeManager;
  topology: NetworkTopology;
  countReplicas(info: BlockView): NumberReplicas;
  /** Whether the block is the last one of a file open for write. */
  isLastBlockUnderConstruction(info: BlockView): boolean;
  /** Whether the block's file is open for write (BlockCollection.isUnderConstruction). */
  isInOpenFile(info: BlockView): boolean;
  /** BlockManager's lowRedundancyBlocksCount + pendingReconstructionBlocksCount, cluster-wide. */
  lowRedundancyOrPendingBlocks(): number;
  emit(event: StateEvent): void;
}

/** LeavingServiceStatus: what the monitor's last look at a decommissioning DataNode found. */
export interface LeavingServiceStatus {
  /** Its blocks still short of live replicas elsewhere. */
  underReplicatedBlocks: number;
  /** Of those, blocks whose only replicas are on DataNodes leaving service. */
  outOfServiceOnlyReplicas: number;
  /** Of those, last blocks of files still being written. */
  underReplicatedInOpenFiles: number;
}

/** The port of a Hadoop default address (`0.0.0.0:9866`). */
function defaultPort(key: string): number {
  const value = HADOOP_DEFAULTS.find(([k]) => k === key)?.[1] ?? '';
  return Number(value.slice(value.lastIndexOf(':') + 1));
}

/**
 * DatanodeManager's guesses for a DataNode it never heard from: the default ports of
 * dfs.datanode.address, dfs.datanode.http.address and dfs.datanode.ipc.address.
 */
export const NEVER_REGISTERED_PORTS = {
  xferPort: defaultPort('dfs.datanode.address'),
  infoPort: defaultPort('dfs.datanode.http.address'),
  ipcPort: defaultPort('dfs.datanode.ipc.address'),
} as const;

/**
 * A DataNode and its one storage as HDFS's admin log names them: DatanodeID.toString (ip:xferPort)
 * and DatanodeStorageInfo.toString (`[DISK]DS-…:NORMAL:ip:xferPort`).
 */
function storageText(d: DatanodeDescriptor): string {
  const node = xferAddr(d.id);
  return `${node} [DISK]${d.id.storageId}:NORMAL:${node}`;
}

export class DatanodeAdminManager {
  private hosts: HostsLists = NO_HOSTS;
  private readonly leaving = new Map<string, LeavingServiceStatus>();
  /** The blocks on leaving DataNodes at the last pass: what it put in neededReconstruction. */
  private readonly queued = new Set<number>();
  private lastRunMs = 0;

  constructor(
    private readonly settings: DatanodeAdminSettings,
    private readonly host: DatanodeAdminHost,
  ) {}

  get lists(): HostsLists {
    return this.hosts;
  }

  /** The last check's counts for a DataNode being decommissioned (zeros before the first). */
  leavingStatus(datanode: string): LeavingServiceStatus {
    return (
      this.leaving.get(datanode) ?? {
        underReplicatedBlocks: 0,
        outOfServiceOnlyReplicas: 0,
        underReplicatedInOpenFiles: 0,
      }
    );
  }

  /**
   * Whether the last pass found the block on a DataNode decommissioning or entering maintenance
   * (processBlocksInternal queues such a block for reconstruction when it needs it).
   */
  isQueued(blockId: number): boolean {
    return this.queued.has(blockId);
  }

  /** HostFileManager.isIncluded: what registerDatanode asks before it admits a DataNode. */
  admits(dn: { ipAddr: string; xferPort: number }): boolean {
    return isIncluded(this.hosts, dn);
  }

  /**
   * getDatanodeListForReport's last part: every include-list entry no registered DataNode matches
   * (an entry without a port matches any port on its host), as a dead DataNode that never
   * reported — on the default transfer port when the entry names none, decommissioned when it is
   * also excluded.
   */
  neverRegistered(registered: readonly { ipAddr: string; xferPort: number }[]): DatanodeStatus[] {
    return this.hosts.includes
      .filter(
        (entry) =>
          !registered.some(
            (dn) => dn.ipAddr === entry.ip && (entry.port === 0 || entry.port === dn.xferPort),
          ),
      )
      .map((entry) => {
        const xferPort = entry.port === 0 ? NEVER_REGISTERED_PORTS.xferPort : entry.port;
        const id = { ipAddr: entry.ip, xferPort };
        return {
          // Its host name is all HDFS knows of it (DatanodeID's hostName, which carries the name).
          name: entry.ip,
          datanodeUuid: '',
          storageId: '',
          ipAddr: entry.ip,
          hostName: entry.ip,
          xferPort,
          infoPort: NEVER_REGISTERED_PORTS.infoPort,
          ipcPort: NEVER_REGISTERED_PORTS.ipcPort,
          networkLocation: DEFAULT_RACK,
          capacity: 0,
          dfsUsed: 0,
          nonDfsUsed: 0,
          remaining: 0,
          blockPoolUsed: 0,
          xceiverCount: 0,
          lastUpdate: 0,
          lastBlockReportTime: 0,
          numBlocks: 0,
          adminState: isExcluded(this.hosts, id) ? 'DECOMMISSIONED' : 'NORMAL',
          liveness: 'dead',
          pendingCommands: 0,
        };
      });
  }

  /**
   * DatanodeManager.refreshDatanodes: new lists; a registered DataNode no longer included is
   * disallowed (refused at its next heartbeat), an excluded one starts decommissioning, one no
   * longer excluded goes back in service.
   */
  refresh(hosts: HostsLists, nowMs: number): void {
    this.hosts = hosts;
    for (const d of this.host.datanodes.all()) {
      if (!isIncluded(hosts, d.id)) {
        d.disallowed = true;
        continue;
      }
      const expireMs = maintenanceExpireTimeMs(hosts, d.id);
      if (nowMs < expireMs) this.startMaintenance(d, expireMs);
      else if (isExcluded(hosts, d.id)) this.startDecommission(d);
      else {
        this.stopMaintenance(d);
        this.stopDecommission(d);
      }
    }
  }

  /** startAdminOperationIfNecessary, for a DataNode that just registered: the exclude list first. */
  registered(d: DatanodeDescriptor, nowMs: number): void {
    this.syncTopology(d);
    const expireMs = maintenanceExpireTimeMs(this.hosts, d.id);
    if (isExcluded(this.hosts, d.id)) this.startDecommission(d);
    else if (nowMs < expireMs) this.startMaintenance(d, expireMs);
    else if (d.adminState === 'DECOMMISSION_INPROGRESS' || d.adminState === 'DECOMMISSIONED')
      this.stopDecommission(d);
  }

  /**
   * DatanodeAdminManager.startDecommission with HeartbeatManager's: a dead DataNode has nothing
   * left to copy from and is decommissioned at once. The log names a DataNode as HDFS's do
   * (DatanodeID.toString: ip:xferPort) and its storage as DatanodeStorageInfo.toString.
   */
  private startDecommission(d: DatanodeDescriptor): void {
    if (d.adminState === 'DECOMMISSION_INPROGRESS' || d.adminState === 'DECOMMISSIONED') return;
    if (d.liveness === 'dead') {
      this.log(`Dead node ${xferAddr(d.id)} is decommissioned immediately.`);
      this.setAdminState(d, 'DECOMMISSIONED');
      return;
    }
    this.setAdminState(d, 'DECOMMISSION_INPROGRESS');
    this.log(`Starting decommission of ${storageText(d)} with ${this.blocksOn(d.id.name).length} blocks`);
  }

  private log(text: string, level: 'info' | 'warn' = 'info'): void {
    this.host.emit({ type: 'log', level, text });
  }

  /** Back in service; excess replicas this leaves are the redundancy monitor's to remove. */
  private stopDecommission(d: DatanodeDescriptor): void {
    if (d.adminState !== 'DECOMMISSION_INPROGRESS' && d.adminState !== 'DECOMMISSIONED') return;
    this.setAdminState(d, 'NORMAL');
  }

  /**
   * DatanodeAdminManager.startMaintenance (with HeartbeatManager's): the expiry is updated even
   * for a DataNode already in maintenance; a dead or decommissioned one, or any when
   * dfs.namenode.maintenance.replication.min is 0, is IN_MAINTENANCE at once.
   */
  private startMaintenance(d: DatanodeDescriptor, expireMs: number): void {
    d.maintenanceExpireTimeMs = expireMs;
    if (isMaintenance(d.adminState)) return;
    const node = xferAddr(d.id);
    if (d.liveness === 'dead') {
      this.log(`Dead node ${node} is put in maintenance state immediately.`);
      this.setAdminState(d, 'IN_MAINTENANCE');
    } else if (d.adminState === 'DECOMMISSIONED') {
      this.log(`Decommissioned node ${node} is put in maintenance state immediately.`);
      this.setAdminState(d, 'IN_MAINTENANCE');
    } else if (this.settings.minMaintenanceReplication === 0) {
      this.log(
        `MinReplicationToBeInMaintenance is set to zero. ${node} is put in maintenance state immediately.`,
      );
      this.setAdminState(d, 'IN_MAINTENANCE');
    } else {
      this.setAdminState(d, 'ENTERING_MAINTENANCE');
      this.log(`Starting maintenance of ${storageText(d)} with ${this.blocksOn(d.id.name).length} blocks`);
    }
  }

  /**
   * DatanodeAdminManager.stopMaintenance: back in service. A DataNode that died in maintenance
   * still has its replicas in the BlockMap; they leave it now, so its blocks are re-replicated
   * (removeBlocksAssociatedTo). A live one's excess replicas are the redundancy monitor's.
   */
  private stopMaintenance(d: DatanodeDescriptor): void {
    if (!isMaintenance(d.adminState)) return;
    d.maintenanceExpireTimeMs = 0;
    this.setAdminState(d, 'NORMAL');
    if (d.liveness === 'dead') this.host.blocks.removeDatanode(d.id.name);
  }

  private setAdminState(d: DatanodeDescriptor, adminState: DatanodeDescriptor['adminState']): void {
    d.adminState = adminState;
    this.syncTopology(d);
    this.host.emit({ type: 'datanode-admin-state', datanode: d.id.name, adminState });
  }

  /** A rack whose DataNodes are all leaving no longer counts for the rack rule (decommissionNode). */
  private syncTopology(d: DatanodeDescriptor): void {
    if (d.adminState === 'NORMAL') this.host.topology.recommissionNode(d.id.name);
    else this.host.topology.decommissionNode(d.id.name);
  }

  /**
   * The monitor's pass, when its interval has passed since the last one: maintenance that has
   * expired ends (dead or alive), IN_MAINTENANCE waits for its expiry, the others are checked.
   */
  tick(nowMs: number): void {
    if (nowMs - this.lastRunMs < this.settings.intervalMs) return;
    this.lastRunMs = nowMs;
    this.queued.clear();
    for (const d of this.host.datanodes.all()) {
      if (isMaintenance(d.adminState) && nowMs >= d.maintenanceExpireTimeMs) this.stopMaintenance(d);
      else if (d.adminState === 'DECOMMISSION_INPROGRESS' || d.adminState === 'ENTERING_MAINTENANCE')
        this.check(d);
    }
  }

  /**
   * DatanodeAdminDefaultMonitor.check for one DataNode: decommissioned, or in maintenance, once
   * nothing holds it up.
   */
  private check(d: DatanodeDescriptor): void {
    const entering = d.adminState === 'ENTERING_MAINTENANCE';
    const blocks = this.blocksOn(d.id.name);
    for (const b of blocks) this.queued.add(b.blockId);
    const insufficient = blocks.filter((b) => !this.isSufficient(b, entering));
    this.leaving.set(d.id.name, {
      underReplicatedBlocks: insufficient.length,
      outOfServiceOnlyReplicas: insufficient.filter((b) => this.host.countReplicas(b).live.length === 0)
        .length,
      underReplicatedInOpenFiles: insufficient.filter((b) => this.host.isLastBlockUnderConstruction(b))
        .length,
    });
    const node = xferAddr(d.id);
    if (insufficient.length === 0 && this.isHealthy(d)) {
      this.setAdminState(d, entering ? 'IN_MAINTENANCE' : 'DECOMMISSIONED');
      // DatanodeAdminManager.setInMaintenance / setDecommissioned.
      this.log(
        entering ? `Node ${node} has entered maintenance mode.` : `Decommissioning complete for node ${node}`,
      );
      return;
    }
    const first = insufficient[0];
    if (!first) return;
    this.log(this.blockReplicationInfo(first, d));
    this.log(
      `Node ${node} still has ${insufficient.length} blocks to replicate before it is a candidate to finish ` +
        `${ADMIN_STATE_NAMES[d.adminState]}.`,
    );
  }

  /**
   * DatanodeAdminManager.logBlockReplicationInfo (the BlockStateChange log): the first block of a
   * pass that holds the DataNode up, its replicas by state and every DataNode storing it.
   */
  private blockReplicationInfo(info: BlockView, d: DatanodeDescriptor): string {
    const counts = this.host.countReplicas(info);
    const holders = info.storages.map((dn) => {
      const id = this.host.datanodes.get(dn)?.id;
      return `${id ? xferAddr(id) : dn} `;
    });
    const maintenance = counts.enteringMaintenance.length + counts.inMaintenance.length;
    return (
      `Block: ${blockName(info)}, Expected Replicas: ${info.expectedReplication}, ` +
      `live replicas: ${counts.live.length}, corrupt replicas: ${info.corrupt.size}, ` +
      `decommissioned replicas: ${counts.decommissioned.length}, ` +
      `decommissioning replicas: ${counts.decommissioning.length}, maintenance replicas: ${maintenance}, ` +
      `live entering maintenance replicas: ${counts.enteringMaintenance.length}, excess replicas: 0, ` +
      `Is Open File: ${this.host.isInOpenFile(info)}, Datanodes having this block: ${holders.join('')}, ` +
      `Current Datanode: ${xferAddr(d.id)}, ` +
      `Is current datanode decommissioning: ${d.adminState === 'DECOMMISSION_INPROGRESS'}, ` +
      `Is current datanode entering maintenance: ${d.adminState === 'ENTERING_MAINTENANCE'}`
    );
  }

  /**
   * BlockManager.isNodeHealthyForDecommissionOrMaintenance: its block report is in, and it is
   * alive; a dead one (its replicas gone from the BlockMap) only once no block in the cluster is
   * low on redundancy or waiting for a copy, as its blocks' copies are then all made.
   */
  private isHealthy(d: DatanodeDescriptor): boolean {
    if (d.blockReportCount === 0) return false;
    if (d.liveness !== 'dead') return true;
    const node = xferAddr(d.id);
    if (this.host.lowRedundancyOrPendingBlocks() === 0) {
      this.log(
        `Node ${node} is dead and there are no low redundancy blocks or blocks pending reconstruction. ` +
          'Safe to decommission or put in maintenance.',
      );
      return true;
    }
    this.log(
      `Node ${node} is dead while in ${ADMIN_STATE_NAMES[d.adminState]}. Cannot be safely decommissioned or be in ` +
        'maintenance since there is risk of reduced data durability or data loss. Either restart the failed node or ' +
        'force decommissioning or maintenance by removing, calling refreshNodes, then re-adding to the excludes or ' +
        'host config files.',
      'warn',
    );
    return false;
  }

  /**
   * DatanodeAdminManager.isSufficient: enough live replicas for the block (fewer while some are
   * in maintenance) and the rack rule; or, when decommissioning, at least dfs.replication live
   * ones for a block not being written, dfs.namenode.replication.min for the last block of a file
   * being written; or, when entering maintenance, dfs.namenode.maintenance.replication.min.
   */
  private isSufficient(info: BlockView, entering: boolean): boolean {
    const counts = this.host.countReplicas(info);
    const live = counts.live.length;
    const expectedLive = expectedLiveRedundancy(info, counts, this.settings.minMaintenanceReplication);
    const placed = [...counts.live, ...counts.enteringMaintenance, ...counts.inMaintenance];
    if (live >= expectedLive && isPlacementSatisfied(placed, info.expectedReplication, this.host.topology))
      return true;
    if (entering) return live >= this.settings.minMaintenanceReplication;
    if (expectedLive <= live) return false;
    if (this.host.isLastBlockUnderConstruction(info)) return live >= this.settings.minReplication;
    return live >= this.settings.defaultReplication;
  }

  private blocksOn(datanode: string): BlockView[] {
    const out: BlockView[] = [];
    for (const b of this.host.blocks.all()) if (b.replicas.has(datanode)) out.push(b);
    return out;
  }
}
