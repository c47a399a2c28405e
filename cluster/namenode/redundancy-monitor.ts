/**
 * The NameNode's redundancy monitor (BlockManager.RedundancyMonitor: computeDatanodeWork and
 * processExtraRedundancyBlock), as a core: no I/O, the clock comes in, commands go to the
 * DataNodes' queues and events out through the host.
 *
 * Every dfs.namenode.redundancy.interval.seconds outside safe mode, each block is sorted into
 * LowRedundancyBlocks' priorities: a shortfall is announced once per episode, the most urgent
 * blocks (up to dfs.namenode.replication.work.multiplier.per.iteration × live DataNodes) get a
 * DNA_TRANSFER from a source under its stream limit to targets placement picks, excess replicas
 * and corrupt ones (once enough good replicas exist) are scheduled for deletion.
 */
import type { StateEvent } from '../protocol/messages.js';
import type { NetworkTopology } from '../net/topology.js';
import {
  QUEUE_HIGHEST_PRIORITY,
  QUEUE_REPLICAS_BADLY_DISTRIBUTED,
  QUEUE_WITH_CORRUPT_BLOCKS,
  expectedLiveRedundancy,
  refOf,
  type BlockManager,
  type BlockView,
  type NumberReplicas,
} from './block-manager.js';
import type { DatanodeDescriptor, DatanodeManager } from './datanode-manager.js';
import { chooseReplicaToDelete, isPlacementSatisfied, useDelHint } from './placement.js';

export interface RedundancySettings {
  redundancyIntervalMs: number;
  pendingReconstructionTimeoutMs: number;
  workMultiplier: number;
  maxStreams: number;
  maxStreamsHardLimit: number;
  heartbeatIntervalMs: number;
  /** dfs.namenode.maintenance.replication.min: live replicas a block keeps while others are in maintenance. */
  minMaintenanceReplication: number;
}

/** What the monitor needs of the NameNode core. */
export interface RedundancyMonitorHost {
  blocks: BlockManager;
  datanodes: DatanodeManager;
  topology: NetworkTopology;
  poolId: string;
  /** The block's usable replicas by their DataNodes' admin state. */
  countReplicas(info: BlockView): NumberReplicas;
  /** Whether the decommission monitor's last pass found the block on a DataNode leaving service. */
  queuedByAdmin(blockId: number): boolean;
  /** The placement policy for new replicas of a block already on `chosen`. */
  chooseTargets(opts: {
    writer: string | null;
    replicas: number;
    chosen: string[];
    excluded: string[];
    blockSize: number;
  }): string[];
  emit(event: StateEvent): void;
}

/** A block the monitor found short of replicas this pass. */
interface Needed {
  info: BlockView;
  /** Replicas on in-service DataNodes. */
  live: string[];
  /** Live replicas it needs: fewer while some of its replicas are in maintenance. */
  expectedLive: number;
  /** Replicas on decommissioning or live entering-maintenance DataNodes: usable as a copy's source. */
  leaving: string[];
  priority: number;
}

export class RedundancyMonitor {
  private lastRunMs = 0;
  /** Blocks already announced as low-redundancy, so the journal says it once per episode. */
  private readonly announcedLow = new Set<number>();

  constructor(
    private readonly settings: RedundancySettings,
    private readonly host: RedundancyMonitorHost,
  ) {}

  /** The monitor's pass, when its interval has passed since the last one. */
  tick(nowMs: number): void {
    if (nowMs - this.lastRunMs < this.settings.redundancyIntervalMs) return;
    this.lastRunMs = nowMs;
    this.computeWork(nowMs);
  }

  /** The block reached COMPLETE: a later shortfall is a new episode, announced again. */
  completed(blockId: number): void {
    this.announcedLow.delete(blockId);
  }

  private computeWork(nowMs: number): void {
    const { blocks } = this.host;
    blocks.expirePendingReconstructions(nowMs, this.settings.pendingReconstructionTimeoutMs);
    const needed: Needed[] = [];
    for (const info of blocks.all()) {
      const { counts, expectedLive, priority } = this.classify(info);
      const live = counts.live;
      if (info.ucState === 'COMPLETE' && live.length > info.expectedReplication) {
        this.removeExcess(info, live, nowMs);
        continue;
      }
      if (info.ucState === 'COMPLETE' && live.length >= info.expectedReplication && info.corrupt.size > 0) {
        this.invalidateCorrupt(info);
      }
      if (priority === null) {
        this.announcedLow.delete(info.blockId);
        continue;
      }
      const leaving = [...counts.decommissioning, ...counts.enteringMaintenance];
      if (this.waitsForAdminMonitor(info, live.length, leaving.length, expectedLive)) continue;
      this.announceLow(info, live.length, expectedLive, priority);
      if (priority < QUEUE_WITH_CORRUPT_BLOCKS && !blocks.hasPendingReconstruction(info.blockId))
        needed.push({
          info,
          live,
          expectedLive,
          leaving,
          priority,
        });
    }
    needed.sort((a, b) => a.priority - b.priority || a.info.blockId - b.info.blockId);
    this.scheduleTransfers(needed, nowMs);
  }

  /**
   * The block's replicas and its LowRedundancyBlocks priority (null: not low on redundancy). Only
   * in-service replicas count as live; decommissioning ones are about to leave (NumberReplicas).
   */
  classify(info: BlockView): { counts: NumberReplicas; expectedLive: number; priority: number | null } {
    const counts = this.host.countReplicas(info);
    const maintenance = [...counts.enteringMaintenance, ...counts.inMaintenance];
    const outOfService = counts.decommissioning.length + counts.decommissioned.length + maintenance.length;
    const expectedLive = expectedLiveRedundancy(info, counts, this.settings.minMaintenanceReplication);
    // isPlacementPolicySatisfied counts replicas in maintenance: they come back.
    const racksOk = isPlacementSatisfied(
      [...counts.live, ...maintenance],
      info.expectedReplication,
      this.host.topology,
    );
    const priority = this.host.blocks.priority(info, counts.live.length, racksOk, outOfService, expectedLive);
    return { counts, expectedLive, priority };
  }

  /**
   * A shortfall the replicas on DataNodes leaving service would cover is none of this monitor's
   * business until the decommission monitor's pass has looked at those DataNodes: in HDFS only
   * DatanodeAdminDefaultMonitor.processBlocksInternal puts such a block in neededReconstruction,
   * so its copies start after that pass, not at the refresh.
   */
  private waitsForAdminMonitor(
    info: BlockView,
    live: number,
    leaving: number,
    expectedLive: number,
  ): boolean {
    return live < expectedLive && live + leaving >= expectedLive && !this.host.queuedByAdmin(info.blockId);
  }

  private announceLow(info: BlockView, live: number, expected: number, priority: number): void {
    if (this.announcedLow.has(info.blockId)) return;
    this.announcedLow.add(info.blockId);
    // Missing: no replica to read at all (a leaving DataNode's replica is still there to copy).
    if (priority === QUEUE_WITH_CORRUPT_BLOCKS) this.host.emit({ type: 'block-missing', block: refOf(info) });
    else {
      this.host.emit({
        type: 'block-low-redundancy',
        block: refOf(info),
        live,
        expected,
        priority,
      });
    }
  }

  /**
   * chooseSourceDatanodes: a replica on an in-service, decommissioning or live entering-
   * maintenance DataNode (never a decommissioned or in-maintenance one), under the stream limit —
   * the soft one, except for the most urgent blocks and for DataNodes leaving service, which take
   * no new writes and so have streams to spare; the hard one always.
   */
  private chooseSource(need: Needed, streams: ReadonlyMap<string, number>): string | undefined {
    const { info, live, leaving, priority } = need;
    const { maxStreams, maxStreamsHardLimit } = this.settings;
    return [...info.replicas.keys()].find((dn) => {
      const busy = streams.get(dn) ?? 0;
      if (leaving.includes(dn)) return busy < maxStreamsHardLimit;
      if (!live.includes(dn)) return false;
      return busy < (priority === QUEUE_HIGHEST_PRIORITY ? maxStreamsHardLimit : maxStreams);
    });
  }

  /** DNA_TRANSFER for the most urgent blocks, within the work budget and each source's stream limit. */
  private scheduleTransfers(needed: Needed[], nowMs: number): void {
    const { datanodes } = this.host;
    const budget = this.settings.workMultiplier * datanodes.live().length;
    const streams = new Map<string, number>();
    for (const d of datanodes.live()) streams.set(d.id.name, d.xmitsInProgress);
    for (const need of needed.slice(0, budget)) {
      const { info, live, expectedLive, priority } = need;
      const source = this.chooseSource(need, streams);
      if (!source) continue;
      const want = priority === QUEUE_REPLICAS_BADLY_DISTRIBUTED ? 1 : expectedLive - live.length;
      const targets = this.host.chooseTargets({
        writer: source,
        replicas: want,
        chosen: live,
        excluded: [...info.replicas.keys(), ...info.corrupt.keys()],
        blockSize: info.numBytes,
      });
      if (targets.length === 0) continue;
      streams.set(source, (streams.get(source) ?? 0) + 1);
      const targetIds = targets.map((t) => datanodes.get(t)).filter((d): d is DatanodeDescriptor => !!d);
      datanodes.queueCommand(source, {
        action: 'DNA_TRANSFER',
        poolId: this.host.poolId,
        block: refOf(info),
        targets: targetIds.map((d) => ({ ...d.id })),
        targetRacks: targetIds.map((d) => d.location),
      });
      this.host.blocks.schedulePendingReconstruction(info.blockId, targets, nowMs);
      this.host.emit({ type: 'replication-scheduled', block: refOf(info), source, targets });
    }
  }

  /**
   * A replica arrived with a delete hint (the balancer's REPLACE_BLOCK: `added` copied the replica
   * `hint` holds). processExtraRedundancyBlock with delNodeHint: if the block now has a replica too
   * many, the hinted one is the first deleted when that keeps the racks the block spans
   * (useDelHint); otherwise, and for any further excess, the monitor's pass chooses as always.
   */
  deleteHinted(blockId: number, hint: { hint: string; added: string }): void {
    const info = this.host.blocks.get(blockId);
    if (info?.ucState !== 'COMPLETE') return;
    const live = this.host.countReplicas(info).live;
    if (live.length <= info.expectedReplication) return;
    if (useDelHint(live, hint, this.host.topology)) this.invalidate(info, hint.hint);
  }

  /** processExtraRedundancyBlock: the placement policy picks which replicas to delete. */
  private removeExcess(info: BlockView, live: string[], nowMs: number): void {
    let remaining = [...live];
    while (remaining.length > info.expectedReplication) {
      const lastHeartbeatMs: Record<string, number> = {};
      const remainingBytes: Record<string, number> = {};
      for (const dn of remaining) {
        const d = this.host.datanodes.get(dn);
        lastHeartbeatMs[dn] = d?.lastHeartbeatMs ?? 0;
        remainingBytes[dn] = d?.remaining ?? 0;
      }
      const victim = chooseReplicaToDelete(
        remaining,
        { lastHeartbeatMs, remainingBytes, nowMs, heartbeatIntervalMs: this.settings.heartbeatIntervalMs },
        this.host.topology,
      );
      if (!victim) return;
      this.invalidate(info, victim);
      remaining = remaining.filter((dn) => dn !== victim);
    }
  }

  private invalidateCorrupt(info: BlockView): void {
    for (const dn of [...info.corrupt.keys()]) this.invalidate(info, dn);
  }

  private invalidate(info: BlockView, datanode: string): void {
    this.host.blocks.invalidateReplica(info.blockId, datanode);
    this.host.emit({ type: 'invalidate-scheduled', blocks: [refOf(info)], datanode });
  }
}
