/**
 * `hdfs dfsadmin -metasave <file>`'s text: FSNamesystem.metaSave's count line, then
 * BlockManager.metaSave's sections in their order — live and dead DataNodes, the blocks waiting
 * for reconstruction (dumpBlockMeta, most urgent queue first), the blocks missing (the corrupt
 * queue), postponed mis-replicated blocks, PendingReconstructionBlocks.metaSave,
 * InvalidateBlocks.dump, the corrupt replicas, and DatanodeManager.datanodeDump
 * (DatanodeInfo.dumpDatanode per DataNode, sorted by datanodeUuid). A core: the facts come in,
 * the text goes out; the NameNode process writes it under its log directory.
 */
import { isoSecondsUtc, javaDateString } from '../common/java-date.js';
import { formatByteDesc, javaFixed } from '../common/units.js';
import { xferAddr, type AdminState } from '../protocol/types.js';
import { DEFAULT_RACK } from '../net/topology.js';
import {
  QUEUE_WITH_CORRUPT_BLOCKS,
  type BlockManager,
  type BlockView,
  type NumberReplicas,
} from './block-manager.js';
import type { DatanodeDescriptor, DatanodeManager } from './datanode-manager.js';

/** A replica's holder as dumpBlockMeta names it: DatanodeID.toString (the transfer address) and its state. */
export interface MetaSaveHolder {
  xferAddr: string;
  corrupt: boolean;
  adminState: AdminState;
}

/** One block of a reconstruction queue, with NumberReplicas' counts. */
export interface MetaSaveBlock {
  /** The file it belongs to (BlockCollection.getName), null for an orphaned block. */
  file: string | null;
  /** Block.toString: blk_<id>_<genstamp>. */
  name: string;
  live: number;
  /** Decommissioning and decommissioned replicas. */
  decommissioned: number;
  corrupt: number;
  excess: number;
  maintenance: number;
  holders: MetaSaveHolder[];
}

export interface MetaSaveCorruptReplica {
  name: string;
  numBytes: number;
  xferAddr: string;
  storageId: string;
  /** Storages holding the block, the corrupt one included (BlocksMap.numNodes). */
  totalReplicas: number;
  /** CorruptReplicasMap.Reason. */
  reason: string;
}

/** The fields DatanodeInfo.dumpDatanode prints. */
export interface MetaSaveDatanode {
  datanodeUuid: string;
  xferAddr: string;
  location: string;
  adminState: AdminState;
  capacity: number;
  dfsUsed: number;
  remaining: number;
  lastUpdateMs: number;
}

export interface MetaSaveFacts {
  /** FSDirectory.totalInodes: files and directories, the root included. */
  inodes: number;
  blocks: number;
  live: number;
  dead: number;
  /** LowRedundancyBlocks' queues but the corrupt one, most urgent first. */
  lowRedundancy: MetaSaveBlock[];
  /** The corrupt queue: no replica left to copy from. */
  missing: MetaSaveBlock[];
  pending: { name: string; scheduledMs: number; targets: number }[];
  /** Per DataNode (its transfer address), the blocks it is to delete. */
  invalidates: { xferAddr: string; blocks: string[] }[];
  corruptReplicas: MetaSaveCorruptReplica[];
  datanodes: MetaSaveDatanode[];
}

/** The whole file, one line each, ending with a newline (PrintWriter.println). */
export function metaSaveText(f: MetaSaveFacts): string {
  const lines = [
    `${f.inodes} files and directories, ${f.blocks} blocks = ${f.inodes + f.blocks} total filesystem objects`,
    `Live Datanodes: ${f.live}`,
    `Dead Datanodes: ${f.dead}`,
    `Metasave: Blocks waiting for reconstruction: ${f.lowRedundancy.length}`,
    ...f.lowRedundancy.map(dumpBlockMeta),
    `Metasave: Blocks currently missing: ${f.missing.length}`,
    ...f.missing.map(dumpBlockMeta),
    // The lab postpones no mis-replicated block (it has no failover to wait out).
    'Mis-replicated blocks that have been postponed:',
    `Metasave: Blocks being reconstructed: ${f.pending.length}`,
    ...f.pending.map(
      (p) => `${p.name} StartTime: ${javaTimeOfDay(p.scheduledMs)} NumReconstructInProgress: ${p.targets}`,
    ),
    ...invalidateDump(f.invalidates),
    'Corrupt Blocks:',
    ...f.corruptReplicas.map(
      (c) =>
        `Block=${c.name}\tSize=${c.numBytes}\tNode=${c.xferAddr}\tStorageID=${c.storageId}` +
        `\tStorageState=NORMAL\tTotalReplicas=${c.totalReplicas}\tReason=${c.reason}`,
    ),
    `Metasave: Number of datanodes: ${f.datanodes.length}`,
    ...[...f.datanodes].sort((a, b) => compareJavaStrings(a.datanodeUuid, b.datanodeUuid)).map(dumpDatanode),
  ];
  return lines.map((l) => `${l}\n`).join('');
}

/**
 * BlockManager.dumpBlockMeta: `file: block[ MISSING] (replicas: …) ` then ` node(state) : ` per
 * storage holding it (a corrupt replica's state first, then decommissioning, then maintenance).
 */
function dumpBlockMeta(b: MetaSaveBlock): string {
  const usable = b.live + b.decommissioned;
  const counts =
    `(replicas: live: ${b.live} decommissioning and decommissioned: ${b.decommissioned}` +
    ` corrupt: ${b.corrupt} in excess: ${b.excess} maintenance mode: ${b.maintenance}) `;
  const holders = b.holders.map((h) => ` ${h.xferAddr}${holderState(h)} : `).join('');
  return `${b.file ?? '[orphaned]'}: ${b.name}${usable > 0 ? '' : ' MISSING'} ${counts}${holders}`;
}

function holderState(h: MetaSaveHolder): string {
  if (h.corrupt) return '(corrupt)';
  if (h.adminState === 'DECOMMISSIONED' || h.adminState === 'DECOMMISSION_INPROGRESS')
    return '(decommissioned)';
  if (h.adminState === 'IN_MAINTENANCE' || h.adminState === 'ENTERING_MAINTENANCE') return '(maintenance)';
  return '';
}

/** InvalidateBlocks.dump: the count line, then per DataNode with blocks its name and the blocks joined by ','. */
function invalidateDump(entries: MetaSaveFacts['invalidates']): string[] {
  const withBlocks = entries.filter((e) => e.blocks.length > 0);
  const total = withBlocks.reduce((n, e) => n + e.blocks.length, 0);
  const lines = [`Metasave: Blocks ${total} waiting deletion from ${withBlocks.length} datanodes.`];
  for (const e of withBlocks) lines.push(e.xferAddr, e.blocks.join(','));
  return lines;
}

/** DatanodeInfo's admin state letters in dumpDatanode. */
const ADMIN_LETTERS: Record<AdminState, string> = {
  NORMAL: 'IN',
  DECOMMISSION_INPROGRESS: 'DP',
  DECOMMISSIONED: 'DD',
  ENTERING_MAINTENANCE: 'EM',
  IN_MAINTENANCE: 'IM',
};

/**
 * DatanodeInfo.dumpDatanode: name, rack (unless the default), admin letters, then capacity, used,
 * used %, remaining, cache capacity, cache used, cache used %, cache remaining (the lab caches
 * nothing: 0, and DFSUtilClient.getPercentUsed's 100 for no capacity), and the last heartbeat.
 */
function dumpDatanode(d: MetaSaveDatanode): string {
  const sized = (n: number): string => `${n}(${formatByteDesc(n)})`;
  const rack = d.location === DEFAULT_RACK ? '' : ` ${d.location}`;
  return (
    `${d.xferAddr}${rack} ${ADMIN_LETTERS[d.adminState]} ${sized(d.capacity)} ${sized(d.dfsUsed)}` +
    ` ${percent2String(percentUsed(d.dfsUsed, d.capacity))} ${sized(d.remaining)}` +
    ` ${sized(0)} ${sized(0)} ${percent2String(percentUsed(0, 0))} ${sized(0)} ${javaDateString(d.lastUpdateMs)}`
  );
}

/** DFSUtilClient.getPercentUsed: (used * 100.0f) / capacity in float; 100 with no capacity. */
function percentUsed(used: number, capacity: number): number {
  if (capacity <= 0) return 100;
  return Math.fround(Math.fround(Math.fround(used) * 100) / Math.fround(capacity));
}

/** DFSUtilClient.percent2String: "%.2f%%". */
const percent2String = (p: number): string => `${javaFixed(p, 2)}%`;

/** java.sql.Time.toString: hh:mm:ss of the day (the lab's daemons keep UTC, as its dates do). */
function javaTimeOfDay(ms: number): string {
  return isoSecondsUtc(ms).slice('yyyy-MM-dd '.length);
}

/** TreeMap<String, …>'s order: String.compareTo, by UTF-16 code unit. */
function compareJavaStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What the NameNode core hands the collector. */
export interface MetaSaveSource {
  blocks: BlockManager;
  datanodes: DatanodeManager;
  /** Files and directories in the namespace. */
  inodes: number;
  /** The block's NumberReplicas and LowRedundancyBlocks priority (null: not low). */
  classify(info: BlockView): { counts: NumberReplicas; priority: number | null };
  /** The path of the file a block belongs to. */
  fileOf(blockId: number): string | null;
  /** CorruptReplicasMap.Reason's name for the reason a replica was marked corrupt. */
  reasonCode(reason: string): string;
}

/** BlockManager.metaSave's facts, read off the core's block map and DataNodes. */
export function collectMetaSaveFacts(src: MetaSaveSource): MetaSaveFacts {
  const xfer = (dn: string): string => {
    const d = src.datanodes.get(dn);
    return d ? xferAddr(d.id) : dn;
  };
  const queued: { priority: number; block: MetaSaveBlock }[] = [];
  const corruptReplicas: MetaSaveCorruptReplica[] = [];
  for (const info of src.blocks.all()) {
    const { counts, priority } = src.classify(info);
    if (priority !== null) queued.push({ priority, block: blockFacts(src, info, counts, xfer) });
    for (const [dn, reason] of info.corrupt)
      corruptReplicas.push({
        name: blockName(info),
        numBytes: info.numBytes,
        xferAddr: xfer(dn),
        storageId: src.datanodes.get(dn)?.id.storageId ?? '',
        totalReplicas: new Set([...info.replicas.keys(), ...info.corrupt.keys()]).size,
        reason: src.reasonCode(reason),
      });
  }
  // LowRedundancyBlocks iterates its queues in priority order.
  queued.sort((a, b) => a.priority - b.priority);
  const all = src.datanodes.all();
  return {
    inodes: src.inodes,
    blocks: src.blocks.size,
    live: all.filter((d) => d.liveness !== 'dead').length,
    dead: all.filter((d) => d.liveness === 'dead').length,
    lowRedundancy: queued.filter((q) => q.priority !== QUEUE_WITH_CORRUPT_BLOCKS).map((q) => q.block),
    missing: queued.filter((q) => q.priority === QUEUE_WITH_CORRUPT_BLOCKS).map((q) => q.block),
    pending: src.blocks.pendingReconstructions().map((p) => ({
      name: blockName(src.blocks.get(p.blockId) ?? { blockId: p.blockId, genStamp: 0 }),
      scheduledMs: p.scheduledMs,
      targets: p.targets.length,
    })),
    invalidates: src.blocks
      .pendingInvalidates()
      .map((e) => ({ xferAddr: xfer(e.datanode), blocks: e.blocks.map(blockName) })),
    corruptReplicas,
    datanodes: all.map(datanodeFacts),
  };
}

/** Block.toString. */
function blockName(b: { blockId: number; genStamp: number }): string {
  return `blk_${b.blockId}_${b.genStamp}`;
}

function blockFacts(
  src: MetaSaveSource,
  info: BlockView,
  counts: NumberReplicas,
  xfer: (dn: string) => string,
): MetaSaveBlock {
  const holders = [...new Set([...info.replicas.keys(), ...info.corrupt.keys()])];
  return {
    file: src.fileOf(info.blockId),
    name: blockName(info),
    live: counts.live.length,
    decommissioned: counts.decommissioning.length + counts.decommissioned.length,
    corrupt: info.corrupt.size,
    // The lab deletes an excess replica at once: none waits in an excess map.
    excess: 0,
    maintenance: counts.enteringMaintenance.length + counts.inMaintenance.length,
    holders: holders.map((dn) => ({
      xferAddr: xfer(dn),
      corrupt: info.corrupt.has(dn),
      adminState: src.datanodes.get(dn)?.adminState ?? 'NORMAL',
    })),
  };
}

function datanodeFacts(d: DatanodeDescriptor): MetaSaveDatanode {
  return {
    datanodeUuid: d.id.datanodeUuid,
    xferAddr: xferAddr(d.id),
    location: d.location,
    adminState: d.adminState,
    capacity: d.capacity,
    dfsUsed: d.dfsUsed,
    remaining: d.remaining,
    lastUpdateMs: d.lastHeartbeatMs,
  };
}
