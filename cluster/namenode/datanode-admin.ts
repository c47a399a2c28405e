/**
 * Decommissioning, as HDFS's DatanodeAdminManager and its DatanodeAdminDefaultMonitor do it, as a
 * core: the include/exclude lists decide each DataNode's admin state (DatanodeManager
 * .refreshDatanodes), and every dfs.namenode.decommission.interval the monitor looks at the blocks
 * of each DataNode being decommissioned. Its blocks' new replicas come from the redundancy
 * monitor, which no longer counts the decommissioning replica as live; once every block it holds
 * has enough live replicas elsewhere (and the DataNode is alive and has sent its block report),
 * it becomes DECOMMISSIONED. Nothing here is logged to the edit log: the state lives in the hosts
 * files, and a restarted NameNode derives it again from them.
 */
import type { StateEvent } from '../protocol/messages.js';
import type { NetworkTopology } from '../net/topology.js';
import { type BlockManager, type BlockView, type NumberReplicas } from './block-manager.js';
import type { DatanodeDescriptor, DatanodeManager } from './datanode-manager.js';
import { HADOOP_DEFAULTS } from '../config/hadoop-defaults.js';
import type { DatanodeStatus } from '../protocol/types.js';
import { DEFAULT_RACK } from '../net/topology.js';
import { isExcluded, isIncluded, NO_HOSTS, type HostsLists } from './host-file.js';
import { isPlacementSatisfied } from './placement.js';

export interface DatanodeAdminSettings {
  /** dfs.namenode.decommission.interval. */
  intervalMs: number;
  /** dfs.replication: a non-UC block with this many live replicas does not hold decommissioning up. */
  defaultReplication: number;
  /** dfs.namenode.replication.min: enough for the last block of a file still being written. */
  minReplication: number;
}

/** What the admin manager needs of the NameNode core. */
export interface DatanodeAdminHost {
  blocks: BlockManager;
  datanodes: DatanodeManager;
  topology: NetworkTopology;
  countReplicas(info: BlockView): NumberReplicas;
  /** Whether the block is the last one of a file open for write. */
  isLastBlockUnderConstruction(info: BlockView): boolean;
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

export class DatanodeAdminManager {
  private hosts: HostsLists = NO_HOSTS;
  private readonly leaving = new Map<string, LeavingServiceStatus>();
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
  refresh(hosts: HostsLists): void {
    this.hosts = hosts;
    for (const d of this.host.datanodes.all()) {
      if (!isIncluded(hosts, d.id)) d.disallowed = true;
      else this.applyLists(d);
    }
  }

  /** startAdminOperationIfNecessary, for a DataNode that just registered. */
  registered(d: DatanodeDescriptor): void {
    this.syncTopology(d);
    this.applyLists(d);
  }

  private applyLists(d: DatanodeDescriptor): void {
    if (isExcluded(this.hosts, d.id)) this.startDecommission(d);
    else this.stopDecommission(d);
  }

  /** A dead DataNode has nothing left to copy from: HDFS marks it decommissioned at once. */
  private startDecommission(d: DatanodeDescriptor): void {
    if (d.adminState !== 'NORMAL') return;
    if (d.liveness === 'dead') {
      this.setAdminState(d, 'DECOMMISSIONED');
      return;
    }
    this.setAdminState(d, 'DECOMMISSION_INPROGRESS');
    const blocks = this.blocksOn(d.id.name).length;
    this.host.emit({
      type: 'log',
      level: 'info',
      text: `Starting decommission of ${d.id.name} with ${blocks} blocks`,
    });
  }

  /** Back in service; excess replicas this leaves are the redundancy monitor's to remove. */
  private stopDecommission(d: DatanodeDescriptor): void {
    if (d.adminState === 'NORMAL') return;
    this.setAdminState(d, 'NORMAL');
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

  /** The monitor's pass, when its interval has passed since the last one. */
  tick(nowMs: number): void {
    if (nowMs - this.lastRunMs < this.settings.intervalMs) return;
    this.lastRunMs = nowMs;
    for (const d of this.host.datanodes.all()) {
      if (d.adminState === 'DECOMMISSION_INPROGRESS') this.check(d);
    }
  }

  /** DatanodeAdminDefaultMonitor.check for one DataNode: decommissioned once nothing holds it up. */
  private check(d: DatanodeDescriptor): void {
    const insufficient = this.blocksOn(d.id.name).filter((b) => !this.isSufficient(b));
    this.leaving.set(d.id.name, {
      underReplicatedBlocks: insufficient.length,
      outOfServiceOnlyReplicas: insufficient.filter((b) => this.host.countReplicas(b).live.length === 0)
        .length,
      underReplicatedInOpenFiles: insufficient.filter((b) => this.host.isLastBlockUnderConstruction(b))
        .length,
    });
    if (insufficient.length === 0 && this.isHealthy(d)) {
      this.setAdminState(d, 'DECOMMISSIONED');
      this.host.emit({ type: 'log', level: 'info', text: `Decommissioning complete for node ${d.id.name}` });
      return;
    }
    const first = insufficient[0];
    if (first) {
      const counts = this.host.countReplicas(first);
      this.host.emit({
        type: 'log',
        level: 'info',
        text:
          `Node ${d.id.name} still has ${insufficient.length} blocks to replicate before it is a candidate to finish ` +
          `DECOMMISSION_INPROGRESS. Block: blk_${first.blockId}, Expected Replicas: ${first.expectedReplication}, ` +
          `live replicas: ${counts.live.length}, decommissioning replicas: ${counts.decommissioning.length}`,
      });
    }
  }

  /**
   * isNodeHealthyForDecommissionOrMaintenance: its block report is in, and it is alive (a dead
   * one would leave its blocks short).
   */
  private isHealthy(d: DatanodeDescriptor): boolean {
    return d.blockReportCount > 0 && d.liveness !== 'dead';
  }

  /**
   * DatanodeAdminManager.isSufficient: enough live replicas for the block's replication (and the
   * rack rule), or — for a block not being written — at least dfs.replication live ones, or —
   * for the last block of a file being written — dfs.namenode.replication.min.
   */
  private isSufficient(info: BlockView): boolean {
    const live = this.host.countReplicas(info).live;
    const expected = info.expectedReplication;
    if (live.length >= expected && isPlacementSatisfied(live, expected, this.host.topology)) return true;
    if (expected <= live.length) return false;
    if (this.host.isLastBlockUnderConstruction(info)) return live.length >= this.settings.minReplication;
    return live.length >= this.settings.defaultReplication;
  }

  private blocksOn(datanode: string): BlockView[] {
    const out: BlockView[] = [];
    for (const b of this.host.blocks.all()) if (b.replicas.has(datanode)) out.push(b);
    return out;
  }
}
