/**
 * The one message union of the lab. Every RPC is a request/response pair named after HDFS's
 * ClientProtocol / DatanodeProtocol (plus the NamenodeProtocol calls of the Secondary NameNode and
 * a few lab controls); DataTransfer frames (writeBlock, readBlock, packets, acks) are described in
 * data-transfer.ts and packet.ts. Tools, the journal, tests and the dashboard name and describe
 * messages only through this module and describe.ts.
 */
import type { BlockRef } from './types.js';
import type {
  AdminState,
  DatanodeId,
  DatanodeInfo,
  FileStatus,
  LocatedBlock,
  LocatedBlocks,
} from './types.js';

export type Protocol =
  | 'ClientProtocol'
  | 'DatanodeProtocol'
  | 'NamenodeProtocol'
  | 'ClientDatanodeProtocol'
  | 'InterDatanodeProtocol';

/** Commands the NameNode attaches to heartbeat replies (it never calls a DataNode itself). */
export type DatanodeCommand =
  | { action: 'DNA_TRANSFER'; poolId: string; block: BlockRef; targets: DatanodeId[]; targetRacks: string[] }
  | { action: 'DNA_INVALIDATE'; poolId: string; blocks: BlockRef[] }
  | { action: 'DNA_REGISTER' }
  /** BalancerBandwidthCommand: throttle balancing (COPY_BLOCK for the balancer) to this many bytes/s. */
  | { action: 'DNA_BALANCERBANDWIDTHUPDATE'; bandwidth: number }
  /** FinalizeCommand: finalize the block pool's upgrade (the NameNode's answer to an accepted block report). */
  | { action: 'DNA_FINALIZE'; poolId: string }
  /** BlockRecoveryCommand: sent to the block recovery's primary DataNode only. */
  | ({ action: 'DNA_RECOVERBLOCK' } & RecoveringBlock);

/**
 * A block under recovery (BlockRecoveryCommand.RecoveringBlock): the block as the NameNode stores it,
 * the DataNodes holding it, and the recovery id (the generation stamp the replicas take).
 */
export interface RecoveringBlock {
  poolId: string;
  block: BlockRef;
  newGenStamp: number;
  replicas: DatanodeId[];
  /** A truncate's recovery (RecoveringBlockProto.truncateBlock): cut every replica to this length. */
  truncateBlock?: BlockRef;
}

/**
 * ReplicaRecoveryInfo: what initReplicaRecovery found of a replica (its id, bytes on disk and
 * generation stamp) and its state before it went under recovery.
 */
export interface ReplicaRecoveryInfo {
  blockId: number;
  genStamp: number;
  numBytes: number;
  state: ReportedReplicaState;
}

export type ReceivedDeletedStatus = 'RECEIVING' | 'RECEIVED' | 'DELETED';

/** OpenFilesType: every file being written, or those holding up a decommission. */
export type OpenFilesType = 'ALL_OPEN_FILES' | 'BLOCKING_DECOMMISSION';

/** OpenFileEntry: a file being written and the client writing it. */
export interface OpenFileEntry {
  inodeId: number;
  path: string;
  clientName: string;
  clientMachine: string;
}

/** StorageInfo: the identity a NameNode's or DataNode's storage records in current/VERSION. */
export interface StorageInfo {
  /** Negative, as in HDFS (e.g. -66 for a 3.3 NameNode, -57 for a DataNode). */
  layoutVersion: number;
  namespaceId: number;
  clusterId: string;
  cTime: number;
}

/** What versionRequest answers (NamespaceInfo): the namespace a DataNode formats its block pool for. */
export interface NamespaceInfo extends StorageInfo {
  blockPoolId: string;
  softwareVersion: string;
}

/**
 * DatanodeRegistration: who a DataNode is, sent with every DatanodeProtocol call. The NameNode
 * knows a DataNode by `datanode.datanodeUuid`; `datanode.name` is the sender's own lab id and the
 * NameNode ignores it (the wire has no such field: the NameNode names a DataNode from its address).
 */
export interface DatanodeRegistration {
  datanode: DatanodeId;
  storageInfo: StorageInfo;
  softwareVersion: string;
}

/** One storage's usage in a heartbeat (StorageReport); the lab's DataNodes have one volume. */
export interface StorageReport {
  storageId: string;
  failed: boolean;
  capacity: number;
  dfsUsed: number;
  remaining: number;
  blockPoolUsed: number;
  nonDfsUsed: number;
}

/** The HA status a heartbeat reply carries (NNHAStatusHeartbeat); the lab's NameNode is ACTIVE. */
export interface HaStatus {
  state: 'ACTIVE' | 'STANDBY' | 'OBSERVER';
  /** The last transaction id the NameNode has written. */
  txid: number;
}

/**
 * A replica's state as a full block report carries it (HdfsServerConstants.ReplicaState, in its
 * order: the index is the number on the wire).
 */
export const REPORTED_REPLICA_STATES = ['FINALIZED', 'RBW', 'RWR', 'RUR', 'TEMPORARY'] as const;
export type ReportedReplicaState = (typeof REPORTED_REPLICA_STATES)[number];

/**
 * A replica in a full block report: id, bytes on disk, generation stamp, then its state when it is
 * not FINALIZED (an rbw replica being written, RBW, or one a restarted DataNode found in rbw/, RWR).
 */
export type ReportedReplica =
  [number, number, number] | [number, number, number, Exclude<ReportedReplicaState, 'FINALIZED'>];

/** rollEditLog's answer (CheckpointSignature). */
export interface CheckpointSignature {
  blockPoolId: string;
  /** The txid of the NameNode's newest image: where the checkpoint's merge starts. */
  mostRecentCheckpointTxid: number;
  /** The first txid of the segment the roll opened. */
  curSegmentTxid: number;
  storageInfo: StorageInfo;
}

/** One edit-log segment of getEditLogManifest (RemoteEditLog). */
export interface RemoteEditLog {
  startTxid: number;
  endTxid: number;
  isInProgress: boolean;
}

/** errorReport's codes (DatanodeProtocol.NOTIFY, DISK_ERROR, INVALID_BLOCK, FATAL_DISK_ERROR). */
export type DatanodeErrorCode = 'NOTIFY' | 'DISK_ERROR' | 'INVALID_BLOCK' | 'FATAL_DISK_ERROR';

export interface SafeModeStatus {
  on: boolean;
  manual: boolean;
  /** HDFS's tip sentences ("The reported blocks … Safe mode will be turned off …"). */
  tip: string;
}

export interface ContentSummary {
  length: number;
  fileCount: number;
  directoryCount: number;
  spaceConsumed: number;
  /** -1 = none; the root's Long.MAX arrives as 2^63 (the nearest double), see quotaText. */
  quota: number;
  spaceQuota: number;
  /**
   * The part of length, fileCount, directoryCount and spaceConsumed that only snapshots hold
   * (ContentSummaryProto 8-11, always sent by HDFS); `-count -x` and `-du -x` subtract it.
   */
  snapshotLength: number;
  snapshotFileCount: number;
  snapshotDirectoryCount: number;
  snapshotSpaceConsumed: number;
  /**
   * ContentSummaryComputationContext.getErasureCodingPolicyName: "Replicated" for a replicated
   * file, a directory's policy xattr or "" (the lab has no erasure coding, so "" for directories).
   */
  erasureCodingPolicy: string;
}

/**
 * QuotaUsage (getQuotaUsage): a directory's quotas and the names and space they are checked
 * against. The lab has one storage type and no quota by type, so no typeQuotaInfos.
 */
export interface QuotaUsage {
  fileAndDirectoryCount: number;
  /** -1 = none; the root's Long.MAX arrives as 2^63, as in ContentSummary. */
  quota: number;
  spaceConsumed: number;
  spaceQuota: number;
}

/**
 * A content summary as the QuotaUsage it extends (ContentSummary.Builder.build: its names are its
 * directories and files): what -count -q prints, and what getQuotaUsage answers for a path
 * without a quota.
 */
export function quotaUsageOfSummary(
  c: Pick<ContentSummary, 'directoryCount' | 'fileCount' | 'spaceConsumed' | 'quota' | 'spaceQuota'>,
): QuotaUsage {
  return {
    fileAndDirectoryCount: c.directoryCount + c.fileCount,
    quota: c.quota,
    spaceConsumed: c.spaceConsumed,
    spaceQuota: c.spaceQuota,
  };
}

/** FsServerDefaults: what a writer needs before it creates a file. */
export interface ServerDefaults {
  blockSize: number;
  bytesPerChecksum: number;
  writePacketSize: number;
  replication: number;
  fileBufferSize: number;
  trashIntervalMinutes: number;
  checksumType: 'CRC32' | 'CRC32C';
}

/** The file system's totals (`hdfs df`, FileSystem.getStatus). */
export interface FsStats {
  capacity: number;
  used: number;
  remaining: number;
  underReplicated: number;
  corruptBlocks: number;
  missingBlocks: number;
  pendingDeletionBlocks: number;
}

/** XAttrProto's namespaces (XAttr.NameSpace). */
export type XAttrNamespace = 'USER' | 'TRUSTED' | 'SECURITY' | 'SYSTEM' | 'RAW';

/** An extended attribute: `user.a1` is { namespace: 'USER', name: 'a1' }; value bytes as base64, null when absent. */
export interface XAttr {
  namespace: XAttrNamespace;
  name: string;
  value: string | null;
}

/** SnapshottableDirectoryStatus: the directory's status (path = full path), its snapshots and quota. */
export interface SnapshottableDirStatus {
  status: FileStatus;
  snapshotNumber: number;
  snapshotQuota: number;
  /** The parent's full path ('' for the root). */
  parentPath: string;
}

/** SnapshotStatus: one snapshot of a snapshottable directory, as getSnapshotListing answers. */
export interface SnapshotStatus {
  /** The snapshot's root: pathSuffix is the snapshot's name, path `<dir>/.snapshot/<name>`. */
  status: FileStatus;
  snapshotId: number;
  /** The snapshottable directory's full path. */
  parentPath: string;
}

/** SnapshotDiffReport.DiffType. */
export type SnapshotDiffType = 'CREATE' | 'MODIFY' | 'DELETE' | 'RENAME';

export interface SnapshotDiffEntry {
  type: SnapshotDiffType;
  /** Relative to the snapshot root; '' is the root itself. */
  path: string;
  /** RENAME only: where it went. */
  target?: string;
}

export interface SnapshotDiffReport {
  snapshotRoot: string;
  /** '' = the current tree. */
  fromSnapshot: string;
  toSnapshot: string;
  entries: SnapshotDiffEntry[];
}

/** AclEntryScope / AclEntryType, as AclEntryProto names them. */
export type AclEntryScope = 'ACCESS' | 'DEFAULT';
export type AclEntryType = 'USER' | 'GROUP' | 'MASK' | 'OTHER';

/**
 * One ACL entry: `user:bruce:rw-` is { scope: 'ACCESS', type: 'USER', name: 'bruce', permission: 6 };
 * `permission` is FsAction's bits (READ 4, WRITE 2, EXECUTE 1); an entry that only names what to
 * remove (removeAclEntries' spec) carries NONE (0), as on the wire. `name` null is the unnamed
 * entry (the owner, the owning group, mask, other).
 */
export interface AclEntry {
  scope: AclEntryScope;
  type: AclEntryType;
  name: string | null;
  permission: number;
}

/** AclStatus: the owner, group, sticky bit, the permission and the AclFeature's entries. */
export interface AclStatus {
  owner: string;
  group: string;
  sticky: boolean;
  entries: AclEntry[];
  permission: number;
}

/** The RPC table: method → request params and result. */
export interface RpcMethods {
  // ClientProtocol
  /** `unmasked`: the mode before the umask (FsCreateModes), sent by Hadoop 3 clients. */
  mkdirs: {
    req: { src: string; permission: number; unmasked?: number; createParent: boolean };
    res: boolean;
  };
  create: {
    req: {
      src: string;
      permission: number;
      unmasked?: number;
      clientName: string;
      clientMachine: string;
      overwrite: boolean;
      createParent: boolean;
      replication: number;
      blockSize: number;
    };
    res: FileStatus;
  };
  /**
   * Reopens a closed file for writing (CreateFlag APPEND, or APPEND|NEW_BLOCK): the last block to
   * continue when it is partial (null when the file is empty or its last block is full, or with
   * NEW_BLOCK a block without locations), and the file's status (LastBlockWithStatus).
   */
  append: {
    req: { src: string; clientName: string; clientMachine: string; newBlock: boolean };
    res: { block: LocatedBlock | null; stat: FileStatus };
  };
  addBlock: {
    req: {
      src: string;
      clientName: string;
      previous: BlockRef | null;
      excludeNodes: string[];
      fileId: number;
    };
    res: LocatedBlock;
  };
  abandonBlock: { req: { src: string; clientName: string; block: BlockRef; fileId: number }; res: null };
  complete: { req: { src: string; clientName: string; last: BlockRef | null; fileId: number }; res: boolean };
  getBlockLocations: {
    req: { src: string; offset: number; length: number; readerHost: string };
    res: LocatedBlocks | null;
  };
  getFileInfo: { req: { src: string }; res: FileStatus | null };
  /** One page of a directory (dfs.ls.limit entries), after the local name `startAfter`. */
  getListing: {
    req: { src: string; startAfter?: string };
    res: { entries: FileStatus[]; remainingEntries: number } | null;
  };
  getContentSummary: { req: { src: string }; res: ContentSummary };
  getQuotaUsage: { req: { src: string }; res: QuotaUsage };
  delete: { req: { src: string; recursive: boolean }; res: boolean };
  rename: { req: { src: string; dst: string }; res: boolean };
  setReplication: { req: { src: string; replication: number }; res: boolean };
  setTimes: { req: { src: string; mtime: number; atime: number }; res: null };
  /** HDFS's rename with options (what Go's and Java's FileSystem.rename use): OVERWRITE replaces an existing file or empty directory. */
  rename2: { req: { src: string; dst: string; overwrite: boolean; toTrash?: boolean }; res: null };
  getServerDefaults: { req: Record<string, never>; res: ServerDefaults };
  getFsStats: { req: Record<string, never>; res: FsStats };
  getPreferredBlockSize: { req: { src: string }; res: number };
  setPermission: { req: { src: string; permission: number }; res: null };
  setOwner: { req: { src: string; username: string | null; groupname: string | null }; res: null };
  /**
   * Quotas as decimal text: '9223372036854775807' (Long.MAX, QUOTA_DONT_SET) leaves one as it is,
   * '-1' (QUOTA_RESET) clears it.
   */
  setQuota: { req: { src: string; nsQuota: string; ssQuota: string }; res: null };
  /** XAttrSetFlag: CREATE (must not exist), REPLACE (must exist); FileSystem.setXAttr sends both. */
  setXAttr: { req: { src: string; xattr: XAttr; flags: { create: boolean; replace: boolean } }; res: null };
  /** The named attributes with their values; every one the caller may see when none is named. */
  getXAttrs: { req: { src: string; xattrs: { namespace: XAttrNamespace; name: string }[] }; res: XAttr[] };
  /** The names the caller may see (values null). */
  listXAttrs: { req: { src: string }; res: XAttr[] };
  removeXAttr: { req: { src: string; xattr: { namespace: XAttrNamespace; name: string } }; res: null };
  allowSnapshot: { req: { snapshotRoot: string }; res: null };
  disallowSnapshot: { req: { snapshotRoot: string }; res: null };
  /** The snapshot's path, `<root>/.snapshot/<name>`; a null name asks for the default one. */
  createSnapshot: { req: { snapshotRoot: string; snapshotName: string | null }; res: string };
  deleteSnapshot: { req: { snapshotRoot: string; snapshotName: string }; res: null };
  renameSnapshot: {
    req: { snapshotRoot: string; snapshotOldName: string; snapshotNewName: string };
    res: null;
  };
  getSnapshottableDirListing: { req: Record<string, never>; res: SnapshottableDirStatus[] };
  /** Hadoop 3.3's getSnapshotListing: the directory's snapshots, by name. */
  getSnapshotListing: { req: { snapshotRoot: string }; res: SnapshotStatus[] };
  /** '' or '.' names the current tree. */
  getSnapshotDiffReport: {
    req: { snapshotRoot: string; fromSnapshot: string; toSnapshot: string };
    res: SnapshotDiffReport;
  };
  /** ACL calls (FSDirAclOp): the spec's entries merged in, removed, or set; the owner only. */
  modifyAclEntries: { req: { src: string; aclSpec: AclEntry[] }; res: null };
  removeAclEntries: { req: { src: string; aclSpec: AclEntry[] }; res: null };
  removeDefaultAcl: { req: { src: string }; res: null };
  removeAcl: { req: { src: string }; res: null };
  setAcl: { req: { src: string; aclSpec: AclEntry[] }; res: null };
  getAclStatus: { req: { src: string }; res: AclStatus };
  /** mode: FsAction's bits (READ 4, WRITE 2, EXECUTE 1). */
  checkAccess: { req: { src: string; mode: number }; res: null };
  renewLease: { req: { clientName: string }; res: null };
  /**
   * hflush/hsync's NameNode side: persists the file's block list, with the last block's length
   * when the client gives one (> 0), so a reader sees what was flushed.
   */
  fsync: { req: { src: string; clientName: string; lastBlockLength: number; fileId: number }; res: null };
  /**
   * Cuts a closed file to `newLength`: true when done (a block boundary), false while block
   * recovery cuts the last block (the file stays open until it has).
   */
  truncate: { req: { src: string; newLength: number; clientName: string }; res: boolean };
  /** Moves the sources' blocks to the end of `trg` in order and deletes the sources (same directory). */
  concat: { req: { trg: string; srcs: string[] }; res: null };
  /** Starts lease recovery of an open file now: true when the file is closed (or was never open). */
  recoverLease: { req: { src: string; clientName: string }; res: boolean };
  reportBadBlocks: { req: { blocks: { block: BlockRef; datanode: string }[] }; res: null };
  updateBlockForPipeline: {
    req: { block: BlockRef; clientName: string };
    res: { block: BlockRef; blockPoolId?: string };
  };
  updatePipeline: {
    req: { clientName: string; oldBlock: BlockRef; newBlock: BlockRef; datanodes: string[] };
    res: null;
  };
  getAdditionalDatanode: {
    req: { src: string; block: BlockRef; existing: string[]; excludes: string[]; clientName: string };
    res: LocatedBlock;
  };
  getDatanodeReport: {
    req: { type: 'ALL' | 'LIVE' | 'DEAD' | 'DECOMMISSIONING' | 'ENTERING_MAINTENANCE' | 'IN_MAINTENANCE' };
    res: DatanodeInfo[];
  };
  setSafeMode: {
    req: { action: 'SAFEMODE_GET' | 'SAFEMODE_ENTER' | 'SAFEMODE_LEAVE' | 'SAFEMODE_FORCE_EXIT' };
    res: SafeModeStatus;
  };
  rollEdits: { req: Record<string, never>; res: { txid: number } };
  refreshNodes: { req: Record<string, never>; res: null };
  /** dfsadmin -setBalancerBandwidth: bytes per second, for every DataNode's next heartbeat. */
  setBalancerBandwidth: { req: { bandwidth: number }; res: null };
  /** dfsadmin -metasave: the NameNode writes its block and DataNode state to `filename` in its log directory. */
  metaSave: { req: { filename: string }; res: null };
  /** dfsadmin -listOpenFiles: a batch of files being written, after inode id `prevId`, under `path`. */
  listOpenFiles: {
    req: { prevId: number; types: OpenFilesType[]; path: string };
    res: { entries: OpenFileEntry[]; hasMore: boolean };
  };
  saveNamespace: { req: Record<string, never>; res: { txid: number } };
  // DatanodeProtocol
  versionRequest: { req: Record<string, never>; res: NamespaceInfo };
  registerDatanode: {
    req: { registration: DatanodeRegistration };
    res: { registration: DatanodeRegistration };
  };
  sendHeartbeat: {
    req: {
      registration: DatanodeRegistration;
      report: StorageReport;
      xceiverCount: number;
      xmitsInProgress: number;
      /** Asks for a full block report lease (HDFS 3.x: set until a report has been sent). */
      requestFullBlockReportLease: boolean;
    };
    res: {
      commands: DatanodeCommand[];
      haStatus: HaStatus;
      /** Non-zero: the lease the next full block report must carry. */
      fullBlockReportLeaseId: number;
    };
  };
  blockReport: {
    req: {
      registration: DatanodeRegistration;
      poolId: string;
      storageId: string;
      blocks: ReportedReplica[];
      /** The lease from a heartbeat reply; 0 bypasses the NameNode's rate limit, as in HDFS. */
      leaseId: number;
      /** Identifies this report (BlockReportContext.id). */
      reportId: number;
    };
    res: { commands: DatanodeCommand[] };
  };
  blockReceivedAndDeleted: {
    req: {
      registration: DatanodeRegistration;
      poolId: string;
      storageId: string;
      /**
       * `deleteHint`: the DataNode uuid a RECEIVED replica replaces (REPLACE_BLOCK's delHint, the
       * balancer's source), whose replica the NameNode deletes if that keeps the block's racks.
       */
      entries: { block: BlockRef; status: ReceivedDeletedStatus; deleteHint?: string }[];
    };
    res: null;
  };
  errorReport: {
    req: { registration: DatanodeRegistration; errorCode: DatanodeErrorCode; message: string };
    res: null;
  };
  /**
   * The end of a block recovery, sent by its primary DataNode: the block (`block`, as the recovery
   * command named it) takes `newGenStamp` and `newLength` on `newTargets`, or is dropped
   * (`deleteBlock`: no DataNode had a byte of it); `closeFile` closes the file.
   */
  commitBlockSynchronization: {
    req: {
      poolId: string;
      block: BlockRef;
      newGenStamp: number;
      newLength: number;
      closeFile: boolean;
      deleteBlock: boolean;
      newTargets: DatanodeId[];
      newTargetStorages: string[];
    };
    res: null;
  };
  // NamenodeProtocol (Secondary NameNode)
  rollEditLog: { req: Record<string, never>; res: { signature: CheckpointSignature } };
  getEditLogManifest: {
    req: { sinceTxid: number };
    res: { segments: RemoteEditLog[] };
  };
  /** The id of the last transaction written to the edit log. */
  getTransactionId: { req: Record<string, never>; res: { txid: number } };
  /** The txid of the NameNode's newest fsimage. */
  getMostRecentCheckpointTxId: { req: Record<string, never>; res: { txid: number } };
  // ClientDatanodeProtocol (a client or an administrator to one DataNode's IPC port)
  /** The bytes of a replica a reader may see: finalized, its length; being written, the bytes acked. */
  /** The bytes a reader may see; -1 for a replica waiting to be recovered (RWR), which shows none. */
  getReplicaVisibleLength: { req: { poolId: string; block: BlockRef }; res: { length: number } };
  /** DatanodeLocalInfo: the DataNode's version, its configuration's version and its uptime. */
  getDatanodeInfo: { req: Record<string, never>; res: DatanodeLocalInfo };
  /** Sends a full block report now, or the pending incremental entries (`incremental`). */
  triggerBlockReport: { req: { incremental: boolean; nnAddress?: string }; res: null };
  /** Stops the DataNode (after a second, so the answer goes out first; at once `forUpgrade`). */
  shutdownDatanode: { req: { forUpgrade: boolean }; res: null };
  /** The balancer's throttle of the DataNode, in bytes per second. */
  getBalancerBandwidth: { req: Record<string, never>; res: { bytesPerSec: number } };
  /** Reads the list of NameNodes from the configuration again (the lab's: always its one). */
  refreshNamenodes: { req: Record<string, never>; res: null };
  /** The last reconfiguration task: `startTimeMs` -1 when none was ever started. */
  getReconfigurationStatus: { req: Record<string, never>; res: { startTimeMs: number } };
  // InterDatanodeProtocol (a block recovery's primary DataNode to each DataNode holding the block)
  /** Puts the replica under recovery (RUR) and describes it as it was; null when there is none. */
  initReplicaRecovery: { req: RecoveringBlock; res: ReplicaRecoveryInfo | null };
  /** Finalizes a replica under recovery with the recovery id at `newLength`; answers its storage. */
  updateReplicaUnderRecovery: {
    req: { poolId: string; block: BlockRef; recoveryId: number; newLength: number; newBlockId: number };
    res: { storageUuid: string };
  };
}

/** ClientDatanodeProtocol's DatanodeLocalInfo (DatanodeLocalInfo.getDatanodeLocalReport prints it). */
export interface DatanodeLocalInfo {
  softwareVersion: string;
  configVersion: string;
  uptimeSec: number;
}

export type RpcMethod = keyof RpcMethods;
export type RpcRequest<M extends RpcMethod> = RpcMethods[M]['req'];
export type RpcResult<M extends RpcMethod> = RpcMethods[M]['res'];

export const PROTOCOL_OF: Record<RpcMethod, Protocol> = {
  mkdirs: 'ClientProtocol',
  create: 'ClientProtocol',
  append: 'ClientProtocol',
  addBlock: 'ClientProtocol',
  abandonBlock: 'ClientProtocol',
  complete: 'ClientProtocol',
  getBlockLocations: 'ClientProtocol',
  getFileInfo: 'ClientProtocol',
  getListing: 'ClientProtocol',
  getContentSummary: 'ClientProtocol',
  getQuotaUsage: 'ClientProtocol',
  delete: 'ClientProtocol',
  rename: 'ClientProtocol',
  setReplication: 'ClientProtocol',
  setTimes: 'ClientProtocol',
  rename2: 'ClientProtocol',
  getServerDefaults: 'ClientProtocol',
  getFsStats: 'ClientProtocol',
  getPreferredBlockSize: 'ClientProtocol',
  setPermission: 'ClientProtocol',
  setOwner: 'ClientProtocol',
  setQuota: 'ClientProtocol',
  setXAttr: 'ClientProtocol',
  getXAttrs: 'ClientProtocol',
  listXAttrs: 'ClientProtocol',
  removeXAttr: 'ClientProtocol',
  allowSnapshot: 'ClientProtocol',
  disallowSnapshot: 'ClientProtocol',
  createSnapshot: 'ClientProtocol',
  deleteSnapshot: 'ClientProtocol',
  renameSnapshot: 'ClientProtocol',
  getSnapshottableDirListing: 'ClientProtocol',
  getSnapshotListing: 'ClientProtocol',
  getSnapshotDiffReport: 'ClientProtocol',
  modifyAclEntries: 'ClientProtocol',
  removeAclEntries: 'ClientProtocol',
  removeDefaultAcl: 'ClientProtocol',
  removeAcl: 'ClientProtocol',
  setAcl: 'ClientProtocol',
  getAclStatus: 'ClientProtocol',
  checkAccess: 'ClientProtocol',
  renewLease: 'ClientProtocol',
  recoverLease: 'ClientProtocol',
  fsync: 'ClientProtocol',
  truncate: 'ClientProtocol',
  concat: 'ClientProtocol',
  reportBadBlocks: 'ClientProtocol',
  updateBlockForPipeline: 'ClientProtocol',
  updatePipeline: 'ClientProtocol',
  getAdditionalDatanode: 'ClientProtocol',
  getDatanodeReport: 'ClientProtocol',
  setSafeMode: 'ClientProtocol',
  rollEdits: 'ClientProtocol',
  refreshNodes: 'ClientProtocol',
  setBalancerBandwidth: 'ClientProtocol',
  metaSave: 'ClientProtocol',
  listOpenFiles: 'ClientProtocol',
  saveNamespace: 'ClientProtocol',
  versionRequest: 'DatanodeProtocol',
  registerDatanode: 'DatanodeProtocol',
  sendHeartbeat: 'DatanodeProtocol',
  blockReport: 'DatanodeProtocol',
  blockReceivedAndDeleted: 'DatanodeProtocol',
  errorReport: 'DatanodeProtocol',
  commitBlockSynchronization: 'DatanodeProtocol',
  rollEditLog: 'NamenodeProtocol',
  getEditLogManifest: 'NamenodeProtocol',
  getTransactionId: 'NamenodeProtocol',
  getMostRecentCheckpointTxId: 'NamenodeProtocol',
  getReplicaVisibleLength: 'ClientDatanodeProtocol',
  getDatanodeInfo: 'ClientDatanodeProtocol',
  triggerBlockReport: 'ClientDatanodeProtocol',
  shutdownDatanode: 'ClientDatanodeProtocol',
  getBalancerBandwidth: 'ClientDatanodeProtocol',
  refreshNamenodes: 'ClientDatanodeProtocol',
  getReconfigurationStatus: 'ClientDatanodeProtocol',
  initReplicaRecovery: 'InterDatanodeProtocol',
  updateReplicaUnderRecovery: 'InterDatanodeProtocol',
};

export function isRpcMethod(name: string): name is RpcMethod {
  return Object.hasOwn(PROTOCOL_OF, name);
}

/** The envelope of an RPC call on the wire (after the 4-byte length). */
export interface RpcCallFrame {
  callId: number;
  method: RpcMethod;
  protocol: Protocol;
  clientId: string;
  /** Groups the frames of one user operation (a put, a checkpoint) for traces. */
  opId?: string;
  params: unknown;
}

export interface RpcErrorBody {
  exception: string;
  javaClassName: string;
  message: string;
}

export type RpcReplyFrame =
  { callId: number; ok: true; result: unknown } | { callId: number; ok: false; error: RpcErrorBody };

/** State events every process writes to the journal beside frames. */
export type StateEvent =
  | { type: 'process-started'; pid: number; addresses: string[] }
  | { type: 'process-stopping'; reason: string }
  | { type: 'datanode-registered'; datanode: string; location: string }
  | { type: 'datanode-stale'; datanode: string; lastHeartbeatAgoMs: number }
  | { type: 'datanode-dead'; datanode: string; lastHeartbeatAgoMs: number }
  | { type: 'datanode-live'; datanode: string }
  | { type: 'datanode-admin-state'; datanode: string; adminState: AdminState }
  | { type: 'safemode'; on: boolean; tip: string }
  | { type: 'block-allocated'; path: string; block: BlockRef; targets: string[] }
  | { type: 'block-complete'; block: BlockRef; replicas: string[] }
  | { type: 'block-low-redundancy'; block: BlockRef; live: number; expected: number; priority: number }
  | { type: 'block-missing'; block: BlockRef }
  | { type: 'replica-corrupt'; block: BlockRef; datanode: string; reason: string }
  | { type: 'replica-finalized'; block: BlockRef; datanode: string; path: string }
  | { type: 'replica-deleted'; block: BlockRef; datanode: string }
  | { type: 'replication-scheduled'; block: BlockRef; source: string; targets: string[] }
  | { type: 'invalidate-scheduled'; blocks: BlockRef[]; datanode: string }
  | { type: 'edit-logged'; txid: number; op: string; path?: string }
  | { type: 'edits-rolled'; segment: string; nextTxid: number }
  | { type: 'checkpoint-done'; txid: number; imageBytes: number }
  | { type: 'checksum-error'; block: BlockRef; datanode: string; offset: number }
  | {
      type: 'pipeline-recovery';
      block: BlockRef;
      /** The DataNode dropped ('' when none is). */
      bad: string;
      /** A DataNode the writer waits for: it sent OOB_RESTART. */
      restarting?: string;
      newGenStamp: number;
    }
  | { type: 'lease-recovered'; path: string; holder: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; text: string };
