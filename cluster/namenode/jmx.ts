/**
 * The NameNode's `/jmx` beans, as Hadoop's JMXJsonServlet serves them: `{"beans":[{"name":…,
 * "modelerType":…, attributes…}]}`, with Hadoop's object names and attribute names
 * (NameNodeMXBean → NameNodeInfo, FSNamesystemMBean → FSNamesystemState, FSNamesystem's metrics →
 * FSNamesystem, NameNodeStatusMXBean → NameNodeStatus). Pure: the HTTP side hands it a snapshot of
 * the core; the lab's own readers (dashboard, dfsadmin -report, probes) turn the beans back into a
 * NameNodeStatus with statusFromBeans, so they read what any monitoring tool reads.
 *
 * Only attributes the lab can honestly fill are present; a tool that needs one HDFS has and the
 * lab has not (cache, encryption zones) finds it absent rather than made up. SnapshotManager's
 * SnapshotInfo bean is there (the web UI's Snapshot tab reads it).
 */
import type { SnapshottableDirStatus } from '../protocol/messages.js';
import { xferAddr, ADMIN_STATE_NAMES, type AdminState, type DatanodeStatus } from '../protocol/types.js';
import type { LeavingServiceStatus } from './datanode-admin.js';

/** A summary of the NameNode's state: what the core knows and what /jmx publishes. */
export interface NameNodeStatus {
  safemode: { on: boolean; manual: boolean; tip: string };
  lastTxid: number;
  lastCheckpointTxid: number;
  lastCheckpointMs: number;
  clusterId: string;
  blockPoolId: string;
  live: number;
  dead: number;
  stale: number;
  blocks: number;
  underReplicated: number;
  corruptBlocks: number;
  missingBlocks: number;
  pendingDeletion: number;
  capacity: number;
  dfsUsed: number;
  remaining: number;
}

/** SnapshotManager's view for its SnapshotInfo bean (NameNodeCore.snapshotInfo). */
export interface SnapshotInfo {
  dirs: readonly SnapshottableDirStatus[];
  snapshots: readonly { name: string; path: string; mtime: number }[];
}

/** What the beans are made from: the core's status, its DataNode report and the process facts. */
export interface NamenodeJmxSnapshot {
  status: NameNodeStatus;
  snapshots: SnapshotInfo;
  datanodes: readonly DatanodeStatus[];
  /** Files and directories in the namespace (FilesTotal). */
  filesTotal: number;
  filesUnderConstruction: number;
  /** The NameNode's RPC address, host:port (NameNodeStatus.HostAndPort). */
  rpcAddress: string;
  nameDirs: readonly string[];
  softwareVersion: string;
  /** VersionInfoMXBean.getCompileInfo: `<date> by <user> from <branch>` (dfshealth's "Compiled"). */
  compileInfo: string;
  startedMs: number;
  nowMs: number;
  /** Each decommissioning DataNode's leaving-service counts, by lab name (absent: none). */
  leavingService?: Readonly<Record<string, LeavingServiceStatus>>;
}

/**
 * An attribute's value; a record is a CompositeData (MemoryUsage's committed/init/max/used), an
 * array of records a CompositeData[] (SnapshotInfo's beans), keys sorted as CompositeType sorts them.
 */
export type JmxValue =
  | string
  | number
  | boolean
  | string[]
  | Readonly<Record<string, number>>
  | readonly Readonly<Record<string, string | number>>[];

export interface JmxBean {
  name: string;
  modelerType: string;
  [attribute: string]: JmxValue;
}

export const NAMENODE_INFO_BEAN = 'Hadoop:service=NameNode,name=NameNodeInfo';
export const FSNAMESYSTEM_BEAN = 'Hadoop:service=NameNode,name=FSNamesystem';
export const FSNAMESYSTEM_STATE_BEAN = 'Hadoop:service=NameNode,name=FSNamesystemState';
export const NAMENODE_STATUS_BEAN = 'Hadoop:service=NameNode,name=NameNodeStatus';
export const SNAPSHOT_INFO_BEAN = 'Hadoop:service=NameNode,name=SnapshotInfo';

const FSNAMESYSTEM_CLASS = 'org.apache.hadoop.hdfs.server.namenode.FSNamesystem';

/** DFSUtilClient.getPercentUsed / getPercentRemaining: a float percentage, 0 of an empty cluster. */
function percentOf(part: number, total: number): number {
  return total <= 0 ? 0 : Math.fround((part * 100) / total);
}

/** `host:xferPort` → the per-DataNode map NameNodeInfo.LiveNodes publishes. */
function liveNodesJson(snap: NamenodeJmxSnapshot): string {
  const nodes: Record<string, Record<string, JmxValue>> = {};
  for (const d of snap.datanodes) {
    if (d.liveness === 'dead') continue;
    nodes[`${d.hostName}:${d.xferPort}`] = {
      infoAddr: `${d.ipAddr}:${d.infoPort}`,
      infoSecureAddr: `${d.ipAddr}:0`,
      xferaddr: xferAddr(d),
      location: d.networkLocation,
      lastContact: Math.max(0, Math.floor((snap.nowMs - d.lastUpdate) / 1000)),
      usedSpace: d.dfsUsed,
      adminState: ADMIN_STATE_NAMES[d.adminState],
      nonDfsUsedSpace: d.nonDfsUsed,
      capacity: d.capacity,
      numBlocks: d.numBlocks,
      version: snap.softwareVersion,
      used: d.dfsUsed,
      remaining: d.remaining,
      blockScheduled: d.pendingCommands,
      blockPoolUsed: d.blockPoolUsed,
      blockPoolUsedPercent: percentOf(d.blockPoolUsed, d.capacity),
      volfails: 0,
      lastBlockReport:
        d.lastBlockReportTime === 0 ? -1 : Math.floor((snap.nowMs - d.lastBlockReportTime) / 60_000),
    };
  }
  return JSON.stringify(nodes);
}

/**
 * NameNodeInfo.DecomNodes (FSNamesystem.getDecomNodes) and EnteringMaintenanceNodes
 * (getEnteringMaintenanceNodes): each live DataNode decommissioning, or entering maintenance,
 * with what its blocks still wait for (its replicas that are the only ones left are named for
 * the state it is leaving for).
 */
function leavingNodesJson(snap: NamenodeJmxSnapshot, adminState: AdminState): string {
  const onlyKey =
    adminState === 'DECOMMISSION_INPROGRESS' ? 'decommissionOnlyReplicas' : 'maintenanceOnlyReplicas';
  const nodes: Record<string, Record<string, JmxValue>> = {};
  for (const d of snap.datanodes) {
    if (d.liveness === 'dead' || d.adminState !== adminState) continue;
    const leaving = snap.leavingService?.[d.name];
    nodes[`${d.hostName}:${d.xferPort}`] = {
      xferaddr: xferAddr(d),
      underReplicatedBlocks: leaving?.underReplicatedBlocks ?? 0,
      [onlyKey]: leaving?.outOfServiceOnlyReplicas ?? 0,
      underReplicateInOpenFiles: leaving?.underReplicatedInOpenFiles ?? 0,
    };
  }
  return JSON.stringify(nodes);
}

/** NameNodeInfo.DeadNodes: each dead DataNode's last contact in seconds. */
function deadNodesJson(snap: NamenodeJmxSnapshot): string {
  const nodes: Record<string, Record<string, JmxValue>> = {};
  for (const d of snap.datanodes) {
    if (d.liveness !== 'dead') continue;
    nodes[`${d.hostName}:${d.xferPort}`] = {
      lastContact: Math.max(0, Math.floor((snap.nowMs - d.lastUpdate) / 1000)),
      decommissioned: d.adminState === 'DECOMMISSIONED',
      adminState: ADMIN_STATE_NAMES[d.adminState],
      xferaddr: xferAddr(d),
    };
  }
  return JSON.stringify(nodes);
}

function countDatanodes(snap: NamenodeJmxSnapshot, which: (d: DatanodeStatus) => boolean): number {
  return snap.datanodes.filter(which).length;
}

/** The NameNode's beans, in the order Hadoop's /jmx lists them. */
// Long: the beans in /jmx's order, one literal each: a listing, not logic.
export function namenodeBeans(snap: NamenodeJmxSnapshot): JmxBean[] {
  const s = snap.status;
  // DatanodeStats.capacityUsedNonDfs: in-service DataNodes only, like the status's capacity.
  const nonDfsUsed = snap.datanodes
    .filter((d) => d.liveness !== 'dead' && d.adminState === 'NORMAL')
    .reduce((sum, d) => sum + d.nonDfsUsed, 0);
  const totalLoad = snap.datanodes
    .filter((d) => d.liveness !== 'dead')
    .reduce((sum, d) => sum + d.xceiverCount, 0);
  const fsState = s.safemode.on ? 'safeMode' : 'Operational';
  return [
    {
      name: NAMENODE_INFO_BEAN,
      modelerType: FSNAMESYSTEM_CLASS,
      Total: s.capacity,
      ClusterId: s.clusterId,
      BlockPoolId: s.blockPoolId,
      Used: s.dfsUsed,
      Free: s.remaining,
      NonDfsUsedSpace: nonDfsUsed,
      PercentUsed: percentOf(s.dfsUsed, s.capacity),
      PercentRemaining: percentOf(s.remaining, s.capacity),
      BlockPoolUsedSpace: s.dfsUsed,
      PercentBlockPoolUsed: percentOf(s.dfsUsed, s.capacity),
      // FSNamesystem.getSafemode: "" when off, else "Safe mode is ON. " and the tip.
      Safemode: s.safemode.on ? `Safe mode is ON. ${s.safemode.tip}` : '',
      TotalBlocks: s.blocks,
      TotalFiles: snap.filesTotal,
      NumberOfMissingBlocks: s.missingBlocks,
      NumberOfMissingBlocksWithReplicationFactorOne: 0,
      LiveNodes: liveNodesJson(snap),
      DeadNodes: deadNodesJson(snap),
      DecomNodes: leavingNodesJson(snap, 'DECOMMISSION_INPROGRESS'),
      EnteringMaintenanceNodes: leavingNodesJson(snap, 'ENTERING_MAINTENANCE'),
      NameDirStatuses: JSON.stringify({
        active: Object.fromEntries(snap.nameDirs.map((d) => [d, 'IMAGE_AND_EDITS'])),
        failed: {},
      }),
      JournalTransactionInfo: JSON.stringify({
        LastAppliedOrWrittenTxId: String(s.lastTxid),
        MostRecentCheckpointTxId: String(s.lastCheckpointTxid),
      }),
      NNStartedTimeInMillis: snap.startedMs,
      Version: snap.softwareVersion,
      SoftwareVersion: snap.softwareVersion,
      CompileInfo: snap.compileInfo,
      UpgradeFinalized: true,
    },
    {
      name: FSNAMESYSTEM_BEAN,
      modelerType: 'FSNamesystem',
      'tag.Context': 'dfs',
      'tag.HAState': 'active',
      MissingBlocks: s.missingBlocks,
      MissingReplOneBlocks: 0,
      TransactionsSinceLastCheckpoint: s.lastTxid - s.lastCheckpointTxid,
      LastWrittenTransactionId: s.lastTxid,
      LastCheckpointTime: s.lastCheckpointMs,
      CapacityTotal: s.capacity,
      CapacityUsed: s.dfsUsed,
      CapacityRemaining: s.remaining,
      CapacityUsedNonDFS: nonDfsUsed,
      TotalLoad: totalLoad,
      BlocksTotal: s.blocks,
      FilesTotal: snap.filesTotal,
      NumFilesUnderConstruction: snap.filesUnderConstruction,
      UnderReplicatedBlocks: s.underReplicated,
      LowRedundancyBlocks: s.underReplicated,
      CorruptBlocks: s.corruptBlocks,
      PendingDeletionBlocks: s.pendingDeletion,
      NumLiveDataNodes: s.live,
      NumDeadDataNodes: s.dead,
      StaleDataNodes: s.stale,
    },
    {
      name: FSNAMESYSTEM_STATE_BEAN,
      modelerType: FSNAMESYSTEM_CLASS,
      CapacityTotal: s.capacity,
      CapacityUsed: s.dfsUsed,
      CapacityRemaining: s.remaining,
      TotalLoad: totalLoad,
      FilesTotal: snap.filesTotal,
      PendingDeletionBlocks: s.pendingDeletion,
      BlocksTotal: s.blocks,
      NumLiveDataNodes: s.live,
      NumDeadDataNodes: s.dead,
      NumStaleDataNodes: s.stale,
      NumDecomLiveDataNodes: countDatanodes(
        snap,
        (d) => d.liveness !== 'dead' && d.adminState === 'DECOMMISSIONED',
      ),
      NumDecomDeadDataNodes: countDatanodes(
        snap,
        (d) => d.liveness === 'dead' && d.adminState === 'DECOMMISSIONED',
      ),
      NumDecommissioningDataNodes: countDatanodes(
        snap,
        (d) => d.liveness !== 'dead' && d.adminState === 'DECOMMISSION_INPROGRESS',
      ),
      NumInMaintenanceLiveDataNodes: countDatanodes(
        snap,
        (d) => d.liveness !== 'dead' && d.adminState === 'IN_MAINTENANCE',
      ),
      NumInMaintenanceDeadDataNodes: countDatanodes(
        snap,
        (d) => d.liveness === 'dead' && d.adminState === 'IN_MAINTENANCE',
      ),
      NumEnteringMaintenanceDataNodes: countDatanodes(
        snap,
        (d) => d.liveness !== 'dead' && d.adminState === 'ENTERING_MAINTENANCE',
      ),
      VolumeFailuresTotal: 0,
      FSState: fsState,
    },
    {
      name: NAMENODE_STATUS_BEAN,
      modelerType: 'org.apache.hadoop.hdfs.server.namenode.NameNode',
      NNRole: 'NameNode',
      HostAndPort: snap.rpcAddress,
      SecurityEnabled: false,
      LastHATransitionTime: 0,
      State: 'active',
    },
    snapshotInfoBean(snap.snapshots),
  ];
}

/**
 * SnapshotStatsMXBean (SnapshotManager): SnapshottableDirectoryStatus.Bean per directory, its
 * permission a short whose decimal digits are the octal mode (Integer.toOctalString, as
 * SnapshotManager.toBean writes it); SnapshotInfo.Bean per snapshot, snapshotID its name.
 */
function snapshotInfoBean(info: SnapshotInfo): JmxBean {
  return {
    name: SNAPSHOT_INFO_BEAN,
    modelerType: 'org.apache.hadoop.hdfs.server.namenode.snapshot.SnapshotManager',
    SnapshottableDirectories: info.dirs.map((d) => ({
      group: d.status.group,
      modificationTime: d.status.modificationTime,
      owner: d.status.owner,
      path: d.status.path,
      permission: Number((d.status.permission & 0o1777).toString(8)),
      snapshotNumber: d.snapshotNumber,
      snapshotQuota: d.snapshotQuota,
    })),
    Snapshots: info.snapshots.map((s) => ({
      modificationTime: s.mtime,
      snapshotDirectory: s.path,
      snapshotID: s.name,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Queries: ?qry=OBJECTNAME-PATTERN and ?get=OBJECTNAME::ATTRIBUTE, as JMXJsonServlet takes them
// ---------------------------------------------------------------------------------------------

export type JmxAnswer = { status: 200; beans: JmxBean[] } | { status: 400 | 404; message: string };

/** A JMX object name `domain:key=value,…` as a domain and its key properties. */
function parseObjectName(
  text: string,
): { domain: string; props: Map<string, string>; anyProps: boolean } | null {
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  const props = new Map<string, string>();
  let anyProps = false;
  for (const part of text.slice(colon + 1).split(',')) {
    if (part === '*') {
      anyProps = true;
      continue;
    }
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    props.set(part.slice(0, eq), part.slice(eq + 1));
  }
  if (props.size === 0 && !anyProps) return null;
  return { domain: text.slice(0, colon), props, anyProps };
}

/** ObjectName pattern values: `*` any run of characters, `?` one character. */
function globMatches(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(value);
}

function nameMatches(pattern: NonNullable<ReturnType<typeof parseObjectName>>, name: string): boolean {
  const parsed = parseObjectName(name);
  if (!parsed || !globMatches(pattern.domain, parsed.domain)) return false;
  for (const [key, value] of pattern.props) {
    const actual = parsed.props.get(key);
    if (actual === undefined || !globMatches(value, actual)) return false;
  }
  return pattern.anyProps || pattern.props.size === parsed.props.size;
}

/**
 * JMXJsonServlet's answer to a query string: every bean (no qry), the beans matching `qry`
 * (`Hadoop:service=NameNode,name=*` works; no match is an empty list), or one attribute of one
 * bean with `get=NAME::ATTRIBUTE`. A malformed name is a 400; `get` of an absent bean a 404.
 */
export function queryBeans(beans: readonly JmxBean[], query: URLSearchParams): JmxAnswer {
  const get = query.get('get');
  if (get !== null) {
    const sep = get.indexOf('::');
    if (sep < 0) return { status: 400, message: 'query format is not as expected.' };
    const beanName = get.slice(0, sep);
    const attribute = get.slice(sep + 2);
    const bean = beans.find((b) => b.name === beanName);
    if (!bean || !Object.hasOwn(bean, attribute)) {
      return { status: 404, message: `No bean with name ${beanName}` };
    }
    return {
      status: 200,
      beans: [{ name: bean.name, modelerType: bean.modelerType, [attribute]: bean[attribute] as JmxValue }],
    };
  }
  const qry = query.get('qry') ?? '*:*';
  const pattern = parseObjectName(qry);
  if (!pattern) return { status: 400, message: `Key properties cannot be empty: ${qry}` };
  return { status: 200, beans: beans.filter((b) => nameMatches(pattern, b.name)) };
}

/** The body JMXJsonServlet writes: pretty-printed JSON, as Jackson's default printer lays it out. */
export function jmxBody(answer: JmxAnswer): string {
  if (answer.status === 200) return `${JSON.stringify({ beans: answer.beans }, null, 2)}\n`;
  return `${JSON.stringify({ result: 'ERROR', message: answer.message }, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// Reading the beans back (the lab's dashboard, dfsadmin -report, probes)
// ---------------------------------------------------------------------------------------------

function attribute(beans: readonly JmxBean[], bean: string, name: string): JmxValue {
  const value = beans.find((b) => b.name === bean)?.[name];
  if (value === undefined) throw new Error(`/jmx: ${bean} has no attribute ${name}`);
  return value;
}

const num = (beans: readonly JmxBean[], bean: string, name: string): number =>
  Number(attribute(beans, bean, name));

/** A NameNodeStatus from the beans any /jmx reader sees (the inverse of namenodeBeans). */
export function statusFromBeans(beans: readonly JmxBean[]): NameNodeStatus {
  const safemode = String(attribute(beans, NAMENODE_INFO_BEAN, 'Safemode'));
  const txInfo = JSON.parse(String(attribute(beans, NAMENODE_INFO_BEAN, 'JournalTransactionInfo'))) as Record<
    string,
    string
  >;
  return {
    safemode: {
      on: attribute(beans, FSNAMESYSTEM_STATE_BEAN, 'FSState') === 'safeMode',
      manual: safemode.startsWith('Safe mode is ON. It was turned on manually.'),
      tip: safemode.replace(/^Safe mode is ON\. /, ''),
    },
    lastTxid: Number(txInfo.LastAppliedOrWrittenTxId ?? 0),
    lastCheckpointTxid: Number(txInfo.MostRecentCheckpointTxId ?? 0),
    lastCheckpointMs: num(beans, FSNAMESYSTEM_BEAN, 'LastCheckpointTime'),
    clusterId: String(attribute(beans, NAMENODE_INFO_BEAN, 'ClusterId')),
    blockPoolId: String(attribute(beans, NAMENODE_INFO_BEAN, 'BlockPoolId')),
    live: num(beans, FSNAMESYSTEM_STATE_BEAN, 'NumLiveDataNodes'),
    dead: num(beans, FSNAMESYSTEM_STATE_BEAN, 'NumDeadDataNodes'),
    stale: num(beans, FSNAMESYSTEM_STATE_BEAN, 'NumStaleDataNodes'),
    blocks: num(beans, FSNAMESYSTEM_BEAN, 'BlocksTotal'),
    underReplicated: num(beans, FSNAMESYSTEM_BEAN, 'UnderReplicatedBlocks'),
    corruptBlocks: num(beans, FSNAMESYSTEM_BEAN, 'CorruptBlocks'),
    missingBlocks: num(beans, FSNAMESYSTEM_BEAN, 'MissingBlocks'),
    pendingDeletion: num(beans, FSNAMESYSTEM_BEAN, 'PendingDeletionBlocks'),
    capacity: num(beans, NAMENODE_INFO_BEAN, 'Total'),
    dfsUsed: num(beans, NAMENODE_INFO_BEAN, 'Used'),
    remaining: num(beans, NAMENODE_INFO_BEAN, 'Free'),
  };
}
