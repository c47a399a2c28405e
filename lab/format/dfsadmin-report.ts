/**
 * `hdfs dfsadmin -report [-live] [-dead] [-decommissioning] [-enteringmaintenance]
 * [-inmaintenance]` (DFSAdmin.report,
 * DatanodeInfo.getDatanodeReport), Hadoop 3.3 shape. Sizes as StringUtils.byteDesc, DataNode
 * percentages from float arithmetic printed with "%.2f", dates as Java's Date.toString (UTC).
 * Lab simplification: the name after `Name:` is the DataNode's registered host name (Hadoop does
 * a reverse DNS lookup of the IP).
 */
import { javaDateString } from '../../cluster/common/java-date.js';
import { formatByteDesc, formatPercent, javaFixed } from '../../cluster/common/units.js';
import {
  xferAddr,
  DECOMMISSION_STATUS_WORDS,
  type DatanodeInfo,
  type ReportedDatanode,
} from '../../cluster/protocol/types.js';

export interface DfsadminSummary {
  /** FsStatus: configured capacity, DFS used, DFS remaining of the whole cluster. */
  capacity: number;
  used: number;
  remaining: number;
  safeMode: boolean;
  /** ReplicatedBlockStats. */
  lowRedundancyBlocks: number;
  corruptBlocks: number;
  missingBlocks: number;
  missingReplicationOneBlocks: number;
  /** QUEUE_HIGHEST_PRIORITY size; the line is printed only when known (newer 3.x). */
  highestPriorityLowRedundancyBlocks?: number;
  pendingDeletionBlocks: number;
}

export interface DfsadminReportOptions {
  live?: boolean;
  dead?: boolean;
  decommissioning?: boolean;
  enteringMaintenance?: boolean;
  inMaintenance?: boolean;
}

const SEPARATOR = '-------------------------------------------------';

const sized = (n: number): string => `${n} (${formatByteDesc(n)})`;

/** DFSUtilClient.getPercentUsed / getPercentRemaining, in float as Java computes them. */
function floatPercent(part: number, capacity: number, whenNoCapacity: number): number {
  if (capacity <= 0) return whenNoCapacity;
  return Math.fround(Math.fround(Math.fround(part) * 100) / Math.fround(capacity));
}

const percent2String = (p: number): string => `${javaFixed(p, 2)}%`;

/** DatanodeInfo.getDatanodeReport(), ending with a newline. The lab reports no cache. */
export function datanodeReport(dn: DatanodeInfo): string {
  const lines = [
    `Name: ${xferAddr(dn)} (${dn.hostName})`,
    `Hostname: ${dn.hostName}`,
    ...(dn.networkLocation !== '/default-rack' ? [`Rack: ${dn.networkLocation}`] : []),
    `Decommission Status : ${DECOMMISSION_STATUS_WORDS[dn.adminState]}`,
    `Configured Capacity: ${sized(dn.capacity)}`,
    `DFS Used: ${sized(dn.dfsUsed)}`,
    `Non DFS Used: ${sized(dn.nonDfsUsed)}`,
    `DFS Remaining: ${sized(dn.remaining)}`,
    `DFS Used%: ${percent2String(floatPercent(dn.dfsUsed, dn.capacity, 100))}`,
    `DFS Remaining%: ${percent2String(floatPercent(dn.remaining, dn.capacity, 0))}`,
    `Configured Cache Capacity: ${sized(0)}`,
    `Cache Used: ${sized(0)}`,
    `Cache Remaining: ${sized(0)}`,
    `Cache Used%: ${percent2String(floatPercent(0, 0, 100))}`,
    `Cache Remaining%: ${percent2String(floatPercent(0, 0, 0))}`,
    `Xceivers: ${dn.xceiverCount}`,
    `Last contact: ${javaDateString(dn.lastUpdate)}`,
    `Last Block Report: ${dn.lastBlockReportTime !== 0 ? javaDateString(dn.lastBlockReportTime) : 'Never'}`,
    `Num of Blocks: ${dn.numBlocks}`,
  ];
  return lines.map((l) => `${l}\n`).join('');
}

/** printDataNodeReports: a heading when there are nodes (or the group was asked for), then each node. */
function group(name: string, nodes: readonly DatanodeInfo[], asked: boolean): string {
  let out = nodes.length > 0 || asked ? `${name} datanodes (${nodes.length}):\n\n` : '';
  // println(getDatanodeReport()) then println(): each report is followed by two blank lines.
  for (const dn of nodes) out += `${datanodeReport(dn)}\n\n`;
  return out;
}

/** The whole stdout of `hdfs dfsadmin -report`. */
export function formatDfsadminReport(
  summary: DfsadminSummary,
  datanodes: readonly ReportedDatanode[],
  options: DfsadminReportOptions = {},
): string {
  const presentCapacity = summary.used + summary.remaining;
  const usedFraction = presentCapacity !== 0 ? summary.used / presentCapacity : 0;
  const lines = [
    ...(summary.safeMode ? ['Safe mode is ON'] : []),
    `Configured Capacity: ${sized(summary.capacity)}`,
    `Present Capacity: ${sized(presentCapacity)}`,
    `DFS Remaining: ${sized(summary.remaining)}`,
    `DFS Used: ${sized(summary.used)}`,
    `DFS Used%: ${formatPercent(usedFraction, 2)}`,
    'Replicated Blocks:',
    `\tUnder replicated blocks: ${summary.lowRedundancyBlocks}`,
    `\tBlocks with corrupt replicas: ${summary.corruptBlocks}`,
    `\tMissing blocks: ${summary.missingBlocks}`,
    `\tMissing blocks (with replication factor 1): ${summary.missingReplicationOneBlocks}`,
    ...(summary.highestPriorityLowRedundancyBlocks !== undefined
      ? [
          `\tLow redundancy blocks with highest priority to recover: ${summary.highestPriorityLowRedundancyBlocks}`,
        ]
      : []),
    `\tPending deletion blocks: ${summary.pendingDeletionBlocks}`,
    // The lab has no erasure-coded files; Hadoop 3 still prints the section, with zeros.
    'Erasure Coded Block Groups: ',
    '\tLow redundancy block groups: 0',
    '\tBlock groups with corrupt internal blocks: 0',
    '\tMissing block groups: 0',
    ...(summary.highestPriorityLowRedundancyBlocks !== undefined
      ? ['\tLow redundancy blocks with highest priority to recover: 0']
      : []),
    '\tPending deletion blocks: 0',
    '',
    SEPARATOR,
  ];
  const listAll = Object.values(options).every((asked) => asked !== true);
  let out = lines.map((l) => `${l}\n`).join('');
  // printDataNodeReports for each report type, in DFSAdmin.report's order.
  const sections: [string, boolean | undefined, (d: ReportedDatanode) => boolean][] = [
    ['Live', options.live, (d) => d.liveness !== 'dead'],
    ['Dead', options.dead, (d) => d.liveness === 'dead'],
    [
      'Decommissioning',
      options.decommissioning,
      (d) => d.liveness !== 'dead' && d.adminState === 'DECOMMISSION_INPROGRESS',
    ],
    ['Entering maintenance', options.enteringMaintenance, (d) => d.adminState === 'ENTERING_MAINTENANCE'],
    ['In maintenance', options.inMaintenance, (d) => d.adminState === 'IN_MAINTENANCE'],
  ];
  for (const [name, asked, wanted] of sections) {
    if (listAll || asked) out += group(name, datanodes.filter(wanted), asked === true);
  }
  return out;
}
