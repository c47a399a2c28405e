/**
 * Data shapes that travel in messages and feed the Hadoop-shaped command outputs.
 * Field names follow HDFS (HdfsFileStatus, LocatedBlock, DatanodeInfo).
 */
/** A block as the namespace and the wire name it: id, length, generation stamp (HDFS's Block). */
export interface BlockRef {
  blockId: number;
  numBytes: number;
  genStamp: number;
}

/** A DataNode's identity as registered (DatanodeID). `name` is the lab's short id: dn1, dn2, … */
export interface DatanodeId {
  name: string;
  datanodeUuid: string;
  storageId: string; // DS-<uuid>
  ipAddr: string;
  hostName: string;
  xferPort: number;
  infoPort: number;
  ipcPort: number;
}

export type AdminState =
  'NORMAL' | 'DECOMMISSION_INPROGRESS' | 'DECOMMISSIONED' | 'ENTERING_MAINTENANCE' | 'IN_MAINTENANCE';

/** DatanodeInfo.isMaintenance: entering or in maintenance. */
export function isMaintenance(adminState: AdminState): boolean {
  return adminState === 'ENTERING_MAINTENANCE' || adminState === 'IN_MAINTENANCE';
}

/** DatanodeInfo.AdminStates' own words (its toString): what /jmx, the web UI and the NameNode's log show. */
export const ADMIN_STATE_NAMES: Readonly<Record<AdminState, string>> = {
  NORMAL: 'In Service',
  DECOMMISSION_INPROGRESS: 'Decommission In Progress',
  DECOMMISSIONED: 'Decommissioned',
  ENTERING_MAINTENANCE: 'Entering Maintenance',
  IN_MAINTENANCE: 'In Maintenance',
};

/** DatanodeInfo.getDatanodeReport's "Decommission Status : …" words (dfsadmin -report). */
export const DECOMMISSION_STATUS_WORDS: Readonly<Record<AdminState, string>> = {
  NORMAL: 'Normal',
  DECOMMISSION_INPROGRESS: 'Decommission in progress',
  DECOMMISSIONED: 'Decommissioned',
  ENTERING_MAINTENANCE: 'Entering maintenance',
  IN_MAINTENANCE: 'In maintenance',
};
export type DatanodeLiveness = 'live' | 'stale' | 'dead';

export interface DatanodeInfo extends DatanodeId {
  networkLocation: string; // e.g. /dc1/rack1
  capacity: number;
  dfsUsed: number;
  nonDfsUsed: number;
  remaining: number;
  blockPoolUsed: number;
  xceiverCount: number;
  lastUpdate: number; // epoch ms of last heartbeat
  lastBlockReportTime: number; // 0 = never
  numBlocks: number;
  adminState: AdminState;
}

/**
 * The NameNode's own view of a DataNode (DatanodeDescriptor): what DatanodeInfoProto carries, and
 * what it does not. A client learns liveness as HDFS's tools do (client/datanode-report.ts: the
 * LIVE and DEAD reports, staleness from lastUpdate); the commands waiting for a DataNode's
 * heartbeat are on /jmx (LiveNodes' blockScheduled), not on the RPC wire.
 */
export interface DatanodeStatus extends ReportedDatanode {
  pendingCommands: number;
}

/** A DataNode with its liveness as a client learns it (the report it came in, and lastUpdate). */
export interface ReportedDatanode extends DatanodeInfo {
  liveness: DatanodeLiveness;
}

export interface FileStatus {
  path: string;
  /** Local name (last path component; '' for /). */
  pathSuffix: string;
  type: 'FILE' | 'DIRECTORY';
  length: number;
  owner: string;
  group: string;
  permission: number; // mode bits, e.g. 0o644
  replication: number; // 0 for directories
  blockSize: number; // 0 for directories
  modificationTime: number;
  accessTime: number;
  fileId: number;
  childrenNum: number;
  /** The INode has an ACL (HdfsFileStatus.Flags.HAS_ACL; `-ls` prints `+`). */
  hasAcl?: boolean;
}

/**
 * A file status as the NameNode's namespace holds it: HdfsFileStatus and whether a writer holds the
 * file open (a lease). HdfsFileStatusProto has no such field; a client asks getBlockLocations
 * (LocatedBlocksProto.underConstruction, client/open-file.ts), fsck -openforwrite or listOpenFiles.
 */
export interface NamespaceFileStatus extends FileStatus {
  underConstruction: boolean;
}

/** A block with the DataNodes that hold it, ordered for the reader (LocatedBlock). */
export interface LocatedBlock {
  block: BlockRef;
  blockPoolId: string;
  startOffset: number;
  locations: DatanodeId[];
  /** Network location of each entry of `locations`. */
  racks: string[];
  isCorrupt: boolean;
  /** Replicas known corrupt, not offered to readers (for fsck). */
  corruptLocations?: string[];
}

export interface LocatedBlocks {
  fileLength: number;
  underConstruction: boolean;
  /** The blocks of the range asked for (getBlockLocations' offset and length), in file order. */
  blocks: LocatedBlock[];
  /** The file's last block wherever the range is (a snapshot's: the last within its length); null for a file without blocks. */
  lastBlock: LocatedBlock | null;
  isLastBlockComplete: boolean;
}

/** DatanodeID.getXferAddr, also DatanodeID.toString: how HDFS's logs and reports name a DataNode. */
export function xferAddr(id: { ipAddr: string; xferPort: number }): string {
  return `${id.ipAddr}:${id.xferPort}`;
}

/** Full block name as printed by fsck and logs: blk_<id>_<gs>. */
export function blockName(block: { blockId: number; genStamp: number }): string {
  return `blk_${block.blockId}_${block.genStamp}`;
}
