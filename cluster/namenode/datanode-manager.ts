/**
 * DatanodeManager: registrations, heartbeats, liveness (live → stale → dead from missed
 * heartbeats, HDFS's formula), and the per-DataNode command queues that ride on heartbeat
 * replies. A core: time comes in as `nowMs`.
 */
import type { DatanodeCommand } from '../protocol/messages.js';
import type { AdminState, DatanodeId, DatanodeLiveness, DatanodeStatus } from '../protocol/types.js';

export interface DatanodeDescriptor {
  id: DatanodeId;
  location: string;
  registeredMs: number;
  lastHeartbeatMs: number;
  lastBlockReportMs: number;
  /** Full block reports processed since this registration (DatanodeStorageInfo's report count). */
  blockReportCount: number;
  capacity: number;
  dfsUsed: number;
  nonDfsUsed: number;
  remaining: number;
  xceiverCount: number;
  xmitsInProgress: number;
  liveness: DatanodeLiveness;
  /** In service, decommissioning or decommissioned, in maintenance (DatanodeAdminManager decides). */
  adminState: AdminState;
  /** When its maintenance ends (epoch ms, the hosts file's maintenanceExpireTimeInMS); 0 = none. */
  maintenanceExpireTimeMs: number;
  /** Left out of a non-empty include file at a refresh: its next heartbeat is refused. */
  disallowed: boolean;
  /** Commands waiting for this DataNode's next heartbeat. */
  commands: DatanodeCommand[];
  /** The full block report lease the last heartbeat reply granted (0: none outstanding). */
  blockReportLeaseId: number;
  /** DatanodeDescriptor.balancerBandwidth: bytes/s to send with the next heartbeat reply (0: none). */
  balancerBandwidth: number;
}

export interface LivenessTimes {
  heartbeatIntervalMs: number;
  recheckIntervalMs: number;
  staleIntervalMs: number;
}

export interface LivenessChanges {
  stale: { name: string; agoMs: number }[];
  dead: { name: string; agoMs: number }[];
}

export class DatanodeManager {
  private readonly byName = new Map<string, DatanodeDescriptor>();
  /** HDFS's datanodeMap: a DataNode is known by the datanodeUuid of its storage. */
  private readonly nameByUuid = new Map<string, string>();
  private lastCheckMs = 0;

  constructor(
    private readonly times: LivenessTimes,
    private readonly resolveLocation: (id: DatanodeId) => string,
  ) {}

  /** Dead after 2 × recheck + 10 × heartbeat without a heartbeat (HDFS's heartbeatExpireInterval). */
  get deadIntervalMs(): number {
    return 2 * this.times.recheckIntervalMs + 10 * this.times.heartbeatIntervalMs;
  }

  register(id: DatanodeId, nowMs: number): DatanodeDescriptor {
    const location = this.resolveLocation(id);
    const existing = this.byName.get(id.name);
    const descriptor: DatanodeDescriptor = {
      id,
      location,
      registeredMs: nowMs,
      lastHeartbeatMs: nowMs,
      lastBlockReportMs: 0,
      blockReportCount: 0,
      capacity: existing?.capacity ?? 0,
      dfsUsed: existing?.dfsUsed ?? 0,
      nonDfsUsed: existing?.nonDfsUsed ?? 0,
      remaining: existing?.remaining ?? 0,
      xceiverCount: 0,
      xmitsInProgress: 0,
      liveness: 'live',
      // A re-registering DataNode keeps its admin state, as HDFS keeps the DatanodeDescriptor.
      adminState: existing?.adminState ?? 'NORMAL',
      maintenanceExpireTimeMs: existing?.maintenanceExpireTimeMs ?? 0,
      disallowed: false,
      commands: [],
      blockReportLeaseId: 0,
      balancerBandwidth: existing?.balancerBandwidth ?? 0,
    };
    if (existing) this.nameByUuid.delete(existing.id.datanodeUuid);
    this.byName.set(id.name, descriptor);
    this.nameByUuid.set(id.datanodeUuid, id.name);
    return descriptor;
  }

  get(name: string): DatanodeDescriptor | undefined {
    return this.byName.get(name);
  }

  byUuid(datanodeUuid: string): DatanodeDescriptor | undefined {
    const name = this.nameByUuid.get(datanodeUuid);
    return name === undefined ? undefined : this.byName.get(name);
  }

  /** Live (and stale) DataNodes: the ones that may hold usable replicas. */
  isUsable(name: string): boolean {
    const d = this.byName.get(name);
    return d !== undefined && d.liveness !== 'dead';
  }

  all(): DatanodeDescriptor[] {
    return [...this.byName.values()].sort((a, b) => compareNames(a.id.name, b.id.name));
  }

  live(): DatanodeDescriptor[] {
    return this.all().filter((d) => d.liveness !== 'dead');
  }

  /** Records a heartbeat; returns null for an unknown or dead DataNode (it must re-register). */
  heartbeat(
    name: string,
    stats: Pick<
      DatanodeDescriptor,
      'capacity' | 'dfsUsed' | 'nonDfsUsed' | 'remaining' | 'xceiverCount' | 'xmitsInProgress'
    >,
    nowMs: number,
  ): { descriptor: DatanodeDescriptor; cameBack: boolean } | null {
    const d = this.byName.get(name);
    if (!d || d.liveness === 'dead') return null;
    const cameBack = d.liveness === 'stale';
    Object.assign(d, stats);
    d.lastHeartbeatMs = nowMs;
    d.liveness = 'live';
    return { descriptor: d, cameBack };
  }

  /** The DataNode is out: dead until it registers again (a refused heartbeat, a disallowed host). */
  markDead(name: string): void {
    const d = this.byName.get(name);
    if (!d) return;
    d.liveness = 'dead';
    d.commands = [];
  }

  /** Takes the queued commands for a DataNode (they ride on this heartbeat's reply). */
  takeCommands(name: string): DatanodeCommand[] {
    const d = this.byName.get(name);
    if (!d) return [];
    const out = d.commands;
    d.commands = [];
    return out;
  }

  /**
   * DatanodeManager.setBalancerBandwidth: every DataNode the NameNode knows, dead ones too, gets the
   * value with its next heartbeat reply.
   */
  setBalancerBandwidth(bytesPerSec: number): void {
    for (const d of this.byName.values()) d.balancerBandwidth = bytesPerSec;
  }

  queueCommand(name: string, command: DatanodeCommand): void {
    this.byName.get(name)?.commands.push(command);
  }

  /**
   * HeartbeatManager's check: stale after the stale interval; dead after the expiry interval, but
   * the check only acts once per recheck interval and declares at most one DataNode dead per pass
   * (as HDFS does, to avoid cascades).
   */
  checkLiveness(nowMs: number): LivenessChanges {
    const changes: LivenessChanges = { stale: [], dead: [] };
    for (const d of this.byName.values()) {
      const agoMs = nowMs - d.lastHeartbeatMs;
      if (d.liveness === 'live' && agoMs >= this.times.staleIntervalMs) {
        d.liveness = 'stale';
        changes.stale.push({ name: d.id.name, agoMs });
      }
    }
    if (nowMs - this.lastCheckMs < this.times.recheckIntervalMs) return changes;
    this.lastCheckMs = nowMs;
    const expired = [...this.byName.values()]
      .filter((d) => d.liveness !== 'dead' && nowMs - d.lastHeartbeatMs >= this.deadIntervalMs)
      .sort((a, b) => a.lastHeartbeatMs - b.lastHeartbeatMs);
    const first = expired[0];
    if (first) {
      first.liveness = 'dead';
      first.commands = [];
      changes.dead.push({ name: first.id.name, agoMs: nowMs - first.lastHeartbeatMs });
    }
    return changes;
  }

  info(d: DatanodeDescriptor, numBlocks: number): DatanodeStatus {
    return {
      ...d.id,
      networkLocation: d.location,
      capacity: d.capacity,
      dfsUsed: d.dfsUsed,
      nonDfsUsed: d.nonDfsUsed,
      remaining: d.remaining,
      blockPoolUsed: d.dfsUsed,
      xceiverCount: d.xceiverCount,
      lastUpdate: d.lastHeartbeatMs,
      lastBlockReportTime: d.lastBlockReportMs,
      numBlocks,
      adminState: d.adminState,
      liveness: d.liveness,
      pendingCommands: d.commands.length,
    };
  }
}

/** dn2 before dn10. */
export function compareNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
