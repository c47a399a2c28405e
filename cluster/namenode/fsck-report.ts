/**
 * The NameNode's fsck report (NamenodeFsck): the text the `/fsck` servlet streams to DFSck
 * (`hdfs fsck`, `lab fsck`). Pure: the HTTP side (cluster/runtime/namenode-http.ts) hands it the
 * namespace walk the core made (FsckResult) and the request's parameters; this module computes
 * fsck's counters from the walk, so the summary always agrees with the per-file lines.
 * The client's half (the `Connecting to namenode via …` line, the exit code) is lab/format/fsck.ts.
 */
import { StoragePolicySummary } from './storage-policy-summary.js';
import { javaDateString } from '../common/java-date.js';
import { floatPercentOf, javaFloatPercent } from '../common/units.js';
import { blockName, type AdminState, type BlockRef } from '../protocol/types.js';

/** NamenodeFsck's status words: DFSck's exit code comes from the report's last line. */
export const FSCK_HEALTHY_STATUS = 'is HEALTHY';
export const FSCK_CORRUPT_STATUS = 'is CORRUPT';
export const FSCK_NONEXISTENT_STATUS = 'does not exist';
/** The end of a report whose -move or -delete failed (NamenodeFsck.FAILURE_STATUS). */
export const FSCK_FAILURE_STATUS = 'FAILED';

/** What /fsck's query asks for: the path and DFSck's flags (files=1, blocks=1, …). */
export interface FsckRequest {
  path: string;
  files: boolean;
  blocks: boolean;
  locations: boolean;
  racks: boolean;
  openforwrite: boolean;
  /** -includeSnapshots: each snapshottable directory's `.snapshot` is walked too. */
  includeSnapshots?: boolean;
}

/** A DataNode holding a replica, as the core's walk names it. */
export interface FsckHolder {
  name: string;
  addr: string;
  storageId: string;
  rack: string;
  /** DatanodeID.hostName, as `-blockId` prints it. */
  host?: string;
  /** The DataNode missed heartbeats for dfs.namenode.stale.datanode.interval. */
  stale?: boolean;
  adminState?: AdminState;
}

/** One entry of the core's namespace walk: a directory, or a file with its blocks and replicas. */
export interface FsckFile {
  path: string;
  isDir: boolean;
  length: number;
  replication: number;
  underConstruction: boolean;
  /** LocatedBlocks.isLastBlockComplete: false while the last block is still being written. */
  lastBlockComplete?: boolean;
  blocks: {
    block: BlockRef;
    /** An under-construction block's expected locations (the pipeline the NameNode chose). */
    expected?: FsckHolder[];
    /** Replicas on in-service DataNodes; decommissioning and decommissioned ones apart (NumberReplicas). */
    live: FsckHolder[];
    decommissioning?: FsckHolder[];
    decommissioned?: FsckHolder[];
    /** On live ENTERING_MAINTENANCE DataNodes. */
    enteringMaintenance?: FsckHolder[];
    /** On IN_MAINTENANCE DataNodes, or dead ones in maintenance (their replicas stay). */
    inMaintenance?: FsckHolder[];
    corrupt: FsckHolder[];
    /** The DataNodes (names) in the BlockMap's storage order, which getReplicaInfo lists them in. */
    storages?: string[];
    misReplicated: boolean;
  }[];
}

/**
 * The core's walk of the namespace under a path, with each block's replicas (the BlockMap). Also
 * what `/fsck?…&format=json` answers: the lab's structured form of the same report.
 */
export interface FsckResult {
  exists: boolean;
  numDatanodes: number;
  numRacks: number;
  defaultReplication: number;
  blockPoolId: string;
  files: FsckFile[];
}

export interface FsckReplica {
  /** ip:xferPort of the DataNode. */
  xferAddr: string;
  /** DS-<uuid> */
  storageId: string;
  storageType?: string; // DISK
  /** Network location of the DataNode, e.g. /default-rack or /dc1/rack1. */
  rack: string;
  /** The NameNode holds this replica as corrupt. */
  corrupt?: boolean;
  /** -replicaDetails: LIVE, CORRUPT, DECOMMISSIONED, DECOMMISSIONING or STALE_NODE. */
  state?: string;
  /** -replicaDetails with -maintenance: ENTERING MAINTENANCE or IN MAINTENANCE (before `state`). */
  maintenance?: string;
}

export interface FsckBlock {
  block: BlockRef;
  blockPoolId: string;
  /** Replicas on live, in-service DataNodes that are not corrupt (NumberReplicas.liveReplicas). */
  liveReplicas: number;
  decommissionedReplicas?: number;
  decommissioningReplicas?: number;
  /** NumberReplicas.liveEnteringMaintenanceReplicas. */
  enteringMaintenanceReplicas?: number;
  /** NumberReplicas.maintenanceNotForReadReplicas. */
  inMaintenanceReplicas?: number;
  /** LocatedBlock.isCorrupt: every known replica is corrupt. */
  corrupt: boolean;
  /** Every storage the block map holds for the block, corrupt ones included, in block-map order. */
  replicas: FsckReplica[];
}

export type FsckEntry =
  | { kind: 'dir'; path: string }
  | { kind: 'symlink'; path: string }
  | {
      kind: 'file';
      path: string;
      length: number;
      replication: number;
      /** Open for write (has a lease). */
      underConstruction: boolean;
      /** False while the last block is still being written. Default true. */
      lastBlockComplete?: boolean;
      blocks: FsckBlock[];
    };

export interface FsckReport {
  /** The fsck flags as typed, in order: -files, -blocks, -locations, -racks, -openforwrite, … */
  args: string[];
  /** The checked path (as resolved by the client). */
  path: string;
  user: string;
  clientIp: string;
  /** NameNode HTTP address host:port. */
  nnHttpAddress: string;
  startTimeMs: number;
  endTimeMs: number;
  elapsedMs: number;
  /** False → `Path '<path>' does not exist`. */
  pathExists: boolean;
  numDatanodes: number;
  numRacks: number;
  /** dfs.replication, printed as "Default replication factor". */
  defaultReplication: number;
  /** dfs.namenode.replication.min. */
  minReplication: number;
  /** The namespace walk in NamenodeFsck's order (a directory, then its children by name). */
  entries: FsckEntry[];
  /** NamenodeFsck.internalError: a -move or -delete failed; the report then ends FAILED. */
  internalError?: boolean;
}

/** NamenodeFsck.Result: the counters behind the summary. */
class Result {
  missingIds = 0;
  missingSize = 0;
  corruptFiles = 0;
  corruptBlocks = 0;
  corruptSize = 0;
  excessiveReplicas = 0;
  missingReplicas = 0;
  decommissionedReplicas = 0;
  decommissioningReplicas = 0;
  enteringMaintenanceReplicas = 0;
  inMaintenanceReplicas = 0;
  numUnderMinReplicatedBlocks = 0;
  numOverReplicatedBlocks = 0;
  numUnderReplicatedBlocks = 0;
  numMisReplicatedBlocks = 0;
  numMinReplicatedBlocks = 0;
  totalBlocks = 0;
  numExpectedReplicas = 0;
  totalOpenFilesBlocks = 0;
  totalFiles = 0;
  totalOpenFiles = 0;
  totalSize = 0;
  totalOpenFilesSize = 0;
  totalReplicas = 0;
  /** -storagepolicies' counts, when asked for. */
  storagePolicies: StoragePolicySummary | null = null;
  /** The corrupt files that are closed: what -move and -delete act on (an open one is ignored). */
  corruptClosedPaths: string[] = [];

  isHealthy(): boolean {
    return this.missingIds === 0 && this.corruptBlocks === 0;
  }

  /** ` (<float> %)` after a count, only when there are blocks. */
  percent(count: number): string {
    return this.totalBlocks > 0 ? ` (${javaFloatPercent(floatPercentOf(count, this.totalBlocks))} %)` : '';
  }

  replicationFactor(): string {
    if (this.totalBlocks === 0) return '0.0';
    return javaFloatPercent(Math.fround(Math.fround(this.totalReplicas) / Math.fround(this.totalBlocks)));
  }

  toString(defaultReplication: number, minReplication: number): string {
    let res = ` Total size:\t${this.totalSize} B`;
    if (this.totalOpenFilesSize !== 0) res += ` (Total open files size: ${this.totalOpenFilesSize} B)`;
    res += `\n Total files:\t${this.totalFiles}`;
    if (this.totalOpenFiles !== 0) res += ` (Files currently being written: ${this.totalOpenFiles})`;
    res += `\n Total blocks (validated):\t${this.totalBlocks}`;
    if (this.totalBlocks > 0) {
      res += ` (avg. block size ${Math.trunc(this.totalSize / this.totalBlocks)} B)`;
    }
    if (this.totalOpenFilesBlocks !== 0) {
      res += ` (Total open file blocks (not validated): ${this.totalOpenFilesBlocks})`;
    }
    if (this.corruptFiles > 0 || this.numUnderMinReplicatedBlocks > 0) {
      res += '\n  ********************************';
      if (this.numUnderMinReplicatedBlocks > 0) {
        res += `\n  UNDER MIN REPL'D BLOCKS:\t${this.numUnderMinReplicatedBlocks}`;
        res += this.percent(this.numUnderMinReplicatedBlocks);
        res += `\n  dfs.namenode.replication.min:\t${minReplication}`;
      }
      if (this.corruptFiles > 0) {
        res += `\n  CORRUPT FILES:\t${this.corruptFiles}`;
        if (this.missingSize > 0) {
          res += `\n  MISSING BLOCKS:\t${this.missingIds}\n  MISSING SIZE:\t\t${this.missingSize} B`;
        }
        if (this.corruptBlocks > 0) {
          res += `\n  CORRUPT BLOCKS: \t${this.corruptBlocks}\n  CORRUPT SIZE:\t\t${this.corruptSize} B`;
        }
      }
      res += '\n  ********************************';
    }
    res += `\n Minimally replicated blocks:\t${this.numMinReplicatedBlocks}${this.percent(this.numMinReplicatedBlocks)}`;
    res += `\n Over-replicated blocks:\t${this.numOverReplicatedBlocks}${this.percent(this.numOverReplicatedBlocks)}`;
    res += `\n Under-replicated blocks:\t${this.numUnderReplicatedBlocks}${this.percent(this.numUnderReplicatedBlocks)}`;
    res += `\n Mis-replicated blocks:\t\t${this.numMisReplicatedBlocks}${this.percent(this.numMisReplicatedBlocks)}`;
    res += `\n Default replication factor:\t${defaultReplication}`;
    res += `\n Average block replication:\t${this.replicationFactor()}`;
    res += `\n Missing blocks:\t\t${this.missingIds}`;
    res += `\n Corrupt blocks:\t\t${this.corruptBlocks}`;
    res += `\n Missing replicas:\t\t${this.missingReplicas}`;
    if (this.totalReplicas > 0) {
      res += ` (${javaFloatPercent(floatPercentOf(this.missingReplicas, this.numExpectedReplicas))} %)`;
    }
    if (this.decommissionedReplicas > 0) res += `\n DecommissionedReplicas:\t${this.decommissionedReplicas}`;
    if (this.decommissioningReplicas > 0)
      res += `\n DecommissioningReplicas:\t${this.decommissioningReplicas}`;
    if (this.enteringMaintenanceReplicas > 0)
      res += `\n EnteringMaintenanceReplicas:\t${this.enteringMaintenanceReplicas}`;
    if (this.inMaintenanceReplicas > 0) res += `\n InMaintenanceReplicas:\t${this.inMaintenanceReplicas}`;
    return res;
  }
}

/** The lab has no erasure-coded files: ErasureCodingResult with every counter at zero. */
const EC_RESULT_EMPTY = [
  ' Total size:\t0 B',
  ' Total files:\t0',
  ' Total block groups (validated):\t0',
  ' Minimally erasure-coded block groups:\t0',
  ' Over-erasure-coded block groups:\t0',
  ' Under-erasure-coded block groups:\t0',
  ' Unsatisfactory placement block groups:\t0',
  ' Average block group size:\t0.0',
  ' Missing block groups:\t\t0',
  ' Corrupt block groups:\t\t0',
  ' Missing internal blocks:\t0',
].join('\n');

export interface Flags {
  files: boolean;
  blocks: boolean;
  locations: boolean;
  racks: boolean;
  openForWrite: boolean;
  replicaDetails: boolean;
  /** -maintenance (NamenodeFsck.showMaintenanceState). */
  maintenance: boolean;
  /** -storagepolicies (NamenodeFsck.showStoragePolcies). */
  storagePolicies: boolean;
}

/**
 * BlockPlacementPolicyDefault.verifyBlockPlacement: on a cluster with more than one rack a block
 * must span min(2, replication) racks (or every rack there is). Returns the error text or null.
 */
function placementViolation(block: FsckBlock, replication: number, numRacks: number): string | null {
  if (numRacks <= 1) return null;
  // LocatedBlock locations: the non-corrupt replicas, or all of them when every one is corrupt.
  const usable = block.corrupt ? block.replicas : block.replicas.filter((r) => !r.corrupt);
  const currentRacks = new Set(usable.map((r) => r.rack)).size;
  const requiredRacks = Math.min(2, replication);
  if (requiredRacks <= currentRacks || currentRacks >= numRacks) return null;
  return (
    `Block should be additionally replicated on ${requiredRacks - currentRacks} more rack(s). ` +
    `Total number of racks in the cluster: ${numRacks}`
  );
}

/** NamenodeFsck.getReplicaInfo: ` [loc, loc]`, each with `(STATE)` under -replicaDetails. */
function replicaInfo(block: FsckBlock, flags: Flags): string {
  if (!flags.locations && !flags.racks && !flags.replicaDetails) return '';
  const items = block.replicas.map((r) => {
    const where = flags.racks
      ? `${r.rack}/${r.xferAddr}`
      : `DatanodeInfoWithStorage[${r.xferAddr},${r.storageId},${r.storageType ?? 'DISK'}]`;
    const state = (flags.maintenance ? r.maintenance : undefined) ?? r.state ?? 'LIVE';
    return flags.replicaDetails ? `${where}(${state})` : where;
  });
  return ` [${items.join(', ')}]`;
}

type FileEntry = Extract<FsckEntry, { kind: 'file' }>;

/** One file's counts across its blocks (NamenodeFsck.collectBlocksSummary's locals) and its text so far. */
interface FileTally {
  missing: number;
  missingSize: number;
  corrupt: number;
  corruptSize: number;
  underReplicated: number;
  misReplicated: number;
  /** What is printed for the file, in order. */
  out: string;
  /** The -blocks listing, printed after the file's verdict. */
  blockReport: string;
}

/** What checking one file works with: the file, the totals, the flags, the report, the file's tally. */
interface FileCheck {
  file: FileEntry;
  res: Result;
  flags: Flags;
  report: FsckReport;
  tally: FileTally;
}

/** collectFileSummary + collectBlocksSummary for one file; returns what NamenodeFsck prints. */
function checkFile(file: FileEntry, res: Result, flags: Flags, report: FsckReport): string {
  const { length } = file;
  if (file.underConstruction && !flags.openForWrite) {
    res.totalOpenFilesSize += length;
    res.totalOpenFilesBlocks += file.blocks.length;
    res.totalOpenFiles++;
    return '';
  }
  res.totalFiles++;
  res.totalSize += length;
  res.totalBlocks += file.blocks.length;
  const tally: FileTally = {
    missing: 0,
    missingSize: 0,
    corrupt: 0,
    corruptSize: 0,
    underReplicated: 0,
    misReplicated: 0,
    out: fileLine(file, flags),
    blockReport: '',
  };
  const check: FileCheck = { file, res, flags, report, tally };
  const lastIncomplete = file.lastBlockComplete === false;
  const complete = lastIncomplete ? file.blocks.slice(0, -1) : file.blocks;
  complete.forEach((b, blockNumber) => checkBlock(b, blockNumber, check));
  const last = file.blocks[file.blocks.length - 1];
  if (lastIncomplete && last) tally.blockReport += underConstructionBlock(last, complete.length, flags);
  fileVerdict(check);
  return tally.out;
}

/** collectFileSummary's line: printed under -files, or for a file open for write under -openforwrite. */
function fileLine(file: FileEntry, flags: Flags): string {
  const summary = `${file.path} ${file.length} bytes, replicated: replication=${file.replication}, ${file.blocks.length} block(s)`;
  if (flags.openForWrite && file.underConstruction) return `${summary}, OPENFORWRITE: `;
  return flags.files ? `${summary}: ` : '';
}

/** A block's replicas by the state of their DataNodes, and all of them that count. */
function replicaCounts(b: FsckBlock): {
  decommissioned: number;
  decommissioning: number;
  enteringMaintenance: number;
  inMaintenance: number;
  total: number;
} {
  const decommissioned = b.decommissionedReplicas ?? 0;
  const decommissioning = b.decommissioningReplicas ?? 0;
  const enteringMaintenance = b.enteringMaintenanceReplicas ?? 0;
  const inMaintenance = b.inMaintenanceReplicas ?? 0;
  const total = b.liveReplicas + decommissioned + decommissioning + enteringMaintenance + inMaintenance;
  return { decommissioned, decommissioning, enteringMaintenance, inMaintenance, total };
}

/** collectBlocksSummary for one complete block: the totals, the file's tally, its lines. */
function checkBlock(b: FsckBlock, blockNumber: number, check: FileCheck): void {
  const { res, tally } = check;
  const counts = countBlock(b, check.file.replication, res, check.report.minReplication);
  const isMissing = counts.total === 0;
  if (b.corrupt) {
    tally.corrupt++;
    tally.corruptSize += b.block.numBytes;
    tally.out += `\n${check.file.path}: CORRUPT blockpool ${b.blockPoolId} block blk_${b.block.blockId}\n`;
  }
  if (counts.total < check.file.replication && !isMissing) underReplicatedLine(b, counts, check);
  const violation = placementViolation(b, check.file.replication, check.report.numRacks);
  if (violation !== null) misReplicatedLine(b, violation, check);
  const name = `${b.blockPoolId}:${blockName(b.block)}`;
  tally.blockReport += `${blockNumber}. ${name} len=${b.block.numBytes}`;
  if (isMissing && !b.corrupt) {
    tally.blockReport += ' MISSING!';
    tally.missing++;
    tally.missingSize += b.block.numBytes;
  } else {
    tally.blockReport += ` Live_repl=${b.liveReplicas}`;
    const info = replicaInfo(b, check.flags);
    if (info !== '') tally.blockReport += ` ${info}`;
  }
  tally.blockReport += '\n';
}

/** A complete block counted into the report's totals; its replica counts. */
function countBlock(
  b: FsckBlock,
  replication: number,
  res: Result,
  minReplication: number,
): ReturnType<typeof replicaCounts> {
  const counts = replicaCounts(b);
  const { total } = counts;
  res.decommissionedReplicas += counts.decommissioned;
  res.decommissioningReplicas += counts.decommissioning;
  res.enteringMaintenanceReplicas += counts.enteringMaintenance;
  res.inMaintenanceReplicas += counts.inMaintenance;
  res.totalReplicas += total;
  // countStorageTypeSummary: the located block's storages, one DISK per replica it lists.
  res.storagePolicies?.add(b.replicas.length);
  res.numExpectedReplicas += replication;
  if (total < minReplication) res.numUnderMinReplicatedBlocks++;
  else res.numMinReplicatedBlocks++;
  if (b.liveReplicas > replication) {
    res.excessiveReplicas += b.liveReplicas - replication;
    res.numOverReplicatedBlocks++;
  }
  if (b.corrupt) {
    res.corruptBlocks++;
    res.corruptSize += b.block.numBytes;
  }
  if (total < replication && total > 0) {
    res.missingReplicas += replication - total;
    res.numUnderReplicatedBlocks++;
  }
  if (total === 0 && !b.corrupt) {
    res.missingIds++;
    res.missingSize += b.block.numBytes;
  }
  return counts;
}

function underReplicatedLine(b: FsckBlock, counts: ReturnType<typeof replicaCounts>, check: FileCheck): void {
  const { file, flags, tally } = check;
  tally.underReplicated++;
  if (!flags.files) tally.out += `\n${file.path}: `;
  tally.out +=
    ` Under replicated ${b.blockPoolId}:${blockName(b.block)}. Target Replicas is ${file.replication} but found ${b.liveReplicas} ` +
    `live replica(s), ${counts.decommissioned} decommissioned replica(s), ${counts.decommissioning} ` +
    `decommissioning replica(s)` +
    // NamenodeFsck appends the maintenance counts with no separator before the first.
    (flags.maintenance
      ? `${counts.enteringMaintenance}, entering maintenance replica(s) and ${counts.inMaintenance} in maintenance replica(s).\n`
      : '.\n');
}

function misReplicatedLine(b: FsckBlock, violation: string, check: FileCheck): void {
  const { file, flags, tally } = check;
  check.res.numMisReplicatedBlocks++;
  tally.misReplicated++;
  if (!flags.files) {
    if (tally.underReplicated === 0) tally.out += '\n';
    tally.out += `${file.path}: `;
  }
  tally.out += ` Replica placement policy is violated for ${b.blockPoolId}:${blockName(b.block)}. ${violation}\n`;
}

/** The -blocks line of a last block still being written. */
function underConstructionBlock(last: FsckBlock, blockNumber: number, flags: Flags): string {
  let line = `\nUnder Construction Block:\n${blockNumber}. ${last.blockPoolId}:${blockName(last.block)}`;
  line += ` len=${last.block.numBytes} Expected_repl=${last.replicas.length}`;
  const info = replicaInfo(last, flags);
  return info === '' ? line : `${line} ${info}`;
}

/** The file's missing and corrupt blocks, its verdict under -files and its -blocks listing. */
function fileVerdict({ file, res, flags, tally }: FileCheck): void {
  const { missing, corrupt } = tally;
  const missingText = `MISSING ${missing} blocks of total size ${tally.missingSize} B`;
  const corruptText = `CORRUPT ${corrupt} blocks of total size ${tally.corruptSize} B`;
  if (missing > 0 || corrupt > 0) {
    if (!flags.files) {
      if (missing > 0) tally.out += `\n${file.path}: ${missingText}.`;
      if (corrupt > 0) tally.out += `\n${file.path}: ${corruptText}.`;
    }
    res.corruptFiles++;
    if (!file.underConstruction) res.corruptClosedPaths.push(file.path);
  }
  if (!flags.files) return;
  if (missing > 0 || corrupt > 0) {
    if (missing > 0) tally.out += ` ${missingText}\n`;
    if (corrupt > 0) tally.out += ` ${corruptText}\n`;
  } else if (tally.underReplicated === 0 && tally.misReplicated === 0) {
    tally.out += ' OK\n';
  }
  if (flags.blocks) tally.out += `${tally.blockReport}\n`;
}

/**
 * The NameNode's report text (what the /fsck servlet streams), without DFSck's final newline, and
 * the corrupt closed files it counted.
 */
function namenodeText(
  report: FsckReport,
  flags: Flags,
): { text: string; healthy: boolean; corruptClosedPaths: string[] } {
  let out = `${startedLine(report, report.path)}\n`;
  if (!report.pathExists) {
    return {
      text: `${out}\n\nPath '${report.path}' ${FSCK_NONEXISTENT_STATUS}`,
      healthy: true,
      corruptClosedPaths: [],
    };
  }
  const res = new Result();
  if (flags.storagePolicies) res.storagePolicies = new StoragePolicySummary();
  let totalDirs = 0;
  let totalSymlinks = 0;
  for (const entry of report.entries) {
    if (entry.kind === 'dir') {
      if (flags.files) out += `${entry.path} <dir>\n`;
      totalDirs++;
    } else if (entry.kind === 'symlink') {
      if (flags.files) out += `${entry.path} <symlink>\n`;
      totalSymlinks++;
    } else {
      out += checkFile(entry, res, flags, report);
    }
  }
  const healthy = res.isHealthy();
  out += `\nStatus: ${healthy ? 'HEALTHY' : 'CORRUPT'}\n`;
  out += ` Number of data-nodes:\t${report.numDatanodes}\n`;
  out += ` Number of racks:\t\t${report.numRacks}\n`;
  out += ` Total dirs:\t\t\t${totalDirs}\n`;
  out += ` Total symlinks:\t\t${totalSymlinks}\n`;
  out += `\nReplicated Blocks:\n${res.toString(report.defaultReplication, report.minReplication)}\n`;
  out += `\nErasure Coded Block Groups:\n${EC_RESULT_EMPTY}\n`;
  if (res.storagePolicies !== null) out += res.storagePolicies.toString();
  const ended = `FSCK ended at ${javaDateString(report.endTimeMs)} in ${report.elapsedMs} milliseconds\n`;
  out += ended;
  if (report.internalError === true) {
    // fsck() throws IOException("fsck encountered internal errors!"); its catch prints the end again.
    out += `${ended}fsck encountered internal errors!\n\n\nFsck on path '${report.path}' ${FSCK_FAILURE_STATUS}`;
  } else {
    out += `\n\nThe filesystem under path '${report.path}' ${healthy ? FSCK_HEALTHY_STATUS : FSCK_CORRUPT_STATUS}`;
  }
  return { text: out, healthy, corruptClosedPaths: res.corruptClosedPaths };
}

/** The flags of a report, from DFSck's options as typed. */
export function fsckFlags(args: readonly string[]): Flags {
  return {
    files: args.includes('-files'),
    blocks: args.includes('-blocks'),
    locations: args.includes('-locations'),
    racks: args.includes('-racks'),
    openForWrite: args.includes('-openforwrite'),
    replicaDetails: args.includes('-replicaDetails'),
    maintenance: args.includes('-maintenance'),
    storagePolicies: args.includes('-storagepolicies'),
  };
}

/** The report text NamenodeFsck writes for the /fsck servlet (its last line has no newline). */
export function fsckReportText(report: FsckReport): { text: string; healthy: boolean } {
  const { text, healthy } = namenodeText(report, fsckFlags(report.args));
  return { text, healthy };
}

/**
 * The files -move and -delete act on: those the report counts corrupt (a block missing, or every
 * replica of one corrupt) that are not open for write, in the walk's order.
 */
export function fsckRepairTargets(report: FsckReport): string[] {
  return namenodeText(report, fsckFlags(report.args)).corruptClosedPaths;
}

/** -replicaDetails' word for a replica, in NamenodeFsck.getReplicaInfo's order of checks. */
function replicaState(holder: FsckHolder, corrupt: boolean): string {
  if (holder.adminState === 'DECOMMISSIONED') return 'DECOMMISSIONED';
  if (holder.adminState === 'DECOMMISSION_INPROGRESS') return 'DECOMMISSIONING';
  if (corrupt) return 'CORRUPT';
  return holder.stale ? 'STALE_NODE' : 'LIVE';
}

/** -replicaDetails -maintenance: getReplicaInfo's words, checked after the decommission states. */
const MAINTENANCE_WORDS: Partial<Record<AdminState, string>> = {
  ENTERING_MAINTENANCE: 'ENTERING MAINTENANCE',
  IN_MAINTENANCE: 'IN MAINTENANCE',
};

function replicaOf(holder: FsckHolder, corrupt: boolean): FsckReplica {
  const maintenance = holder.adminState === undefined ? undefined : MAINTENANCE_WORDS[holder.adminState];
  return {
    xferAddr: holder.addr,
    storageId: holder.storageId,
    rack: holder.rack,
    ...(corrupt ? { corrupt: true } : {}),
    state: replicaState(holder, corrupt),
    ...(maintenance !== undefined ? { maintenance } : {}),
  };
}

/**
 * One block of the walk as the report counts it. An under-construction block (one with expected
 * locations) lists those, as NamenodeFsck reads them from its UnderConstructionFeature.
 */
function fsckBlockOf(b: FsckFile['blocks'][number], blockPoolId: string): FsckBlock {
  const good = [
    ...b.live,
    ...(b.decommissioning ?? []),
    ...(b.decommissioned ?? []),
    ...(b.enteringMaintenance ?? []),
    ...(b.inMaintenance ?? []),
  ];
  // getReplicaInfo walks the block's storages in their order; fsck does not sort by distance.
  const order = b.storages ?? [];
  const rank = (h: FsckHolder): number => {
    const at = order.indexOf(h.name);
    return at < 0 ? order.length : at;
  };
  const held = [...good.map((h) => ({ h, corrupt: false })), ...b.corrupt.map((h) => ({ h, corrupt: true }))];
  held.sort((x, y) => rank(x.h) - rank(y.h));
  return {
    block: b.block,
    blockPoolId,
    liveReplicas: b.live.length,
    decommissioningReplicas: b.decommissioning?.length ?? 0,
    decommissionedReplicas: b.decommissioned?.length ?? 0,
    enteringMaintenanceReplicas: b.enteringMaintenance?.length ?? 0,
    inMaintenanceReplicas: b.inMaintenance?.length ?? 0,
    // LocatedBlock.isCorrupt: no replica but corrupt ones (decommissioning ones are good).
    corrupt: good.length === 0 && b.corrupt.length > 0,
    replicas: b.expected
      ? b.expected.map((r) => replicaOf(r, false))
      : held.map((r) => replicaOf(r.h, r.corrupt)),
  };
}

/**
 * A report from the core's walk and the request: what FsckServlet knows (the caller's user and
 * address, the start and end of the walk).
 */
export function toReport(
  result: FsckResult,
  ctx: {
    args: string[];
    path: string;
    user: string;
    nnHttpAddress: string;
    clientIp: string;
    minReplication: number;
    startTimeMs: number;
    endTimeMs: number;
  },
): FsckReport {
  const entries: FsckEntry[] = result.files.map((f) =>
    f.isDir
      ? { kind: 'dir', path: f.path }
      : {
          kind: 'file',
          path: f.path,
          length: f.length,
          replication: f.replication,
          underConstruction: f.underConstruction,
          ...(f.lastBlockComplete === false ? { lastBlockComplete: false } : {}),
          blocks: f.blocks.map((b) => fsckBlockOf(b, result.blockPoolId)),
        },
  );
  return {
    args: ctx.args,
    path: ctx.path,
    user: ctx.user,
    clientIp: ctx.clientIp,
    nnHttpAddress: ctx.nnHttpAddress,
    startTimeMs: ctx.startTimeMs,
    endTimeMs: ctx.endTimeMs,
    elapsedMs: ctx.endTimeMs - ctx.startTimeMs,
    pathExists: result.exists,
    numDatanodes: result.numDatanodes,
    numRacks: result.numRacks,
    defaultReplication: result.defaultReplication,
    minReplication: ctx.minReplication,
    entries,
  };
}

/** NamenodeFsck's words for a replica under `-blockId` (DFSck's exit code reads them too). */
export const FSCK_DECOMMISSIONED_STATUS = 'is DECOMMISSIONED';
export const FSCK_DECOMMISSIONING_STATUS = 'is DECOMMISSIONING';
/** The line NamenodeFsck prints for an argument of -blockId without `blk_` in it. */
export const FSCK_INCORRECT_BLOCK_ID = 'Incorrect blockId format:';

/** A storage holding a block, as `-blockId` describes it. */
export interface FsckBlockReplica extends FsckHolder {
  /** CorruptReplicasMap.Reason's name when the NameNode holds this replica as corrupt. */
  corruptReason?: string;
}

/** What NamenodeFsck.blockIdCK prints about a block: its file, NumberReplicas, its storages. */
export interface FsckBlockFacts {
  path: string;
  expected: number;
  live: number;
  excess: number;
  stale: number;
  decommissioned: number;
  decommissioning: number;
  corrupt: number;
  /** In the BlockMap's storage order (blockIdCK prints them last first). */
  replicas: FsckBlockReplica[];
}

/** One answer of FSNamesystem.listCorruptFileBlocks: CorruptFileBlockInfo's and the next cookie. */
export interface CorruptFileBlocks {
  cookie: string;
  files: { blockName: string; path: string }[];
}

/**
 * CorruptReplicasMap.Reason for the lab's reasons: a length the NameNode did not expect is
 * SIZE_MISMATCH, an old generation stamp GENSTAMP_MISMATCH, a client's or DataNode's
 * reportBadBlocks CORRUPTION_REPORTED.
 */
export function corruptReasonCode(reason: string): string {
  if (reason.startsWith('length')) return 'SIZE_MISMATCH';
  if (reason.startsWith('generation stamp')) return 'GENSTAMP_MISMATCH';
  if (
    reason.startsWith('reported replica has invalid state') ||
    reason.startsWith('Unexpected replica state')
  )
    return 'INVALID_STATE';
  return 'CORRUPTION_REPORTED';
}

/** Block.getBlockId: the id of `blk_N` or `blk_N_GS.meta` (metaOrBlockFilePattern), else 0. */
export function blockIdOf(text: string): number {
  const m = /^blk_(-?\d+)(_\d+\.meta)?$/.exec(text);
  return m ? Number(m[1]) : 0;
}

/** FSCK's first line: who asked, from where (and for which path), when. */
function startedLine(who: { user: string; clientIp: string; startTimeMs: number }, path?: string): string {
  const forPath = path === undefined ? '' : ` for path ${path}`;
  return `FSCK started by ${who.user} (auth:SIMPLE) from /${who.clientIp}${forPath} at ${javaDateString(who.startTimeMs)}`;
}

/** NamenodeFsck.blockIdCK for one block: its lines, each replica's state last first. */
function blockIdLines(id: string, facts: FsckBlockFacts | null): string {
  if (facts === null) return `Block ${id} ${FSCK_NONEXISTENT_STATUS}\n`;
  let out =
    `Block Id: ${id}\nBlock belongs to: ${facts.path}\n` +
    `No. of Expected Replica: ${facts.expected}\nNo. of live Replica: ${facts.live}\n` +
    `No. of excess Replica: ${facts.excess}\nNo. of stale Replica: ${facts.stale}\n` +
    `No. of decommissioned Replica: ${facts.decommissioned}\n` +
    `No. of decommissioning Replica: ${facts.decommissioning}\n` +
    `No. of corrupted Replica: ${facts.corrupt}\n`;
  for (const r of [...facts.replicas].reverse()) {
    let status = FSCK_HEALTHY_STATUS;
    if (r.corruptReason !== undefined) status = `${FSCK_CORRUPT_STATUS}\t ReasonCode: ${r.corruptReason}`;
    else if (r.adminState === 'DECOMMISSIONED') status = FSCK_DECOMMISSIONED_STATUS;
    else if (r.adminState === 'DECOMMISSION_INPROGRESS') status = FSCK_DECOMMISSIONING_STATUS;
    out += `Block replica on datanode/rack: ${r.host ?? r.name}${r.rack} ${status}\n`;
  }
  return out;
}

/**
 * NamenodeFsck.fsck with `blockId=`: the ids split on spaces, each without `blk_` refused in one
 * line, each other looked up (`lookup` is the core's fsckBlock).
 */
export function fsckBlockIdText(
  request: { user: string; clientIp: string; startTimeMs: number; blockIds: string },
  lookup: (blockId: number) => FsckBlockFacts | null,
): string {
  let out = `${startedLine(request)}\n`;
  // Java's String.split(" ") drops trailing empty strings, and DFSck sends "blk_1 blk_2 ".
  const ids = request.blockIds.split(' ');
  if (ids.length > 1) while (ids.at(-1) === '') ids.pop();
  for (const id of ids) {
    if (!id.includes('blk_')) {
      out += `${FSCK_INCORRECT_BLOCK_ID} ${id}\n`;
      continue;
    }
    out += `\n${blockIdLines(id, lookup(blockIdOf(id)))}`;
  }
  return out;
}

/**
 * NamenodeFsck.listCorruptFileBlocks for one request: the cookie, `blk_N<TAB>path` per block and
 * how many there were ("no" on a first call that found none, "no more" on a later one).
 */
export function corruptFileBlocksText(
  request: { user: string; clientIp: string; startTimeMs: number; path: string },
  answer: CorruptFileBlocks,
): string {
  const n = answer.files.length;
  const filler = n > 0 ? String(n) : answer.cookie === '0' ? 'no' : 'no more';
  return (
    `${startedLine(request, request.path)}\nCookie:\t${answer.cookie}\n` +
    answer.files.map((f) => `${f.blockName}\t${f.path}\n`).join('') +
    `\n\nThe filesystem under path '${request.path}' has ${filler} CORRUPT files\n\n`
  );
}
