/**
 * The NameNode core: the Namespace, the BlockManager, the DatanodeManager, the placement policy
 * and safe mode, answering every RPC of ClientProtocol / DatanodeProtocol as a pure function of
 * (state, request, now). It never touches a socket, a file or a clock: each call returns its
 * result, the edit-log ops it applied (the runtime logs them durably before replying) and the
 * state events for the journal. `tick(now)` runs the periodic monitors (liveness, safe mode,
 * re-replication). The NameNode never calls a DataNode: commands ride on heartbeat replies.
 */
import { collectMetaSaveFacts, metaSaveText } from './metasave.js';
import { defaultConfig } from '../config/config.js';
import type { Prng } from '../common/prng.js';
import { RemoteError } from '../protocol/errors.js';
import { WRITE_PACKET_SIZE } from '../protocol/packet.js';
import { CORRUPT_FILE_BLOCKS_RETURNED_MAX, LIST_OPEN_FILES_RESPONSES_MAX } from '../protocol/limits.js';
import type { INodeFile } from './inode.js';
import type {
  ContentSummary,
  DatanodeCommand,
  DatanodeRegistration,
  NamespaceInfo,
  OpenFileEntry,
  QuotaUsage,
  RemoteEditLog,
  RpcMethod,
  RpcMethods,
  SafeModeStatus,
  StateEvent,
} from '../protocol/messages.js';
import { quotaUsageOfSummary } from '../protocol/messages.js';
import {
  xferAddr,
  isMaintenance,
  type DatanodeId,
  type DatanodeStatus,
  type LocatedBlock,
  type LocatedBlocks,
  type NamespaceFileStatus,
} from '../protocol/types.js';
import { DEFAULT_RACK, NetworkTopology, type TopologyEndpoint } from '../net/topology.js';
import {
  BlockManager,
  expectedLiveRedundancy,
  noReplicas,
  refOf,
  type BlockView,
  type NumberReplicas,
  type ReplicaChange,
} from './block-manager.js';
import { DatanodeManager, type DatanodeDescriptor } from './datanode-manager.js';
import { DatanodeAdminManager, type LeavingServiceStatus } from './datanode-admin.js';
import type { HostsLists } from './host-file.js';
import type { BlockRef, PendingOp, RenameOption, RpcIds } from './editlog/ops.js';
import { NAMENODE_LAYOUT_VERSION } from './fsimage/image.js';
import { DOT_SNAPSHOT } from './snapshot.js';
import {
  corruptReasonCode,
  type CorruptFileBlocks,
  type FsckBlockFacts,
  type FsckFile,
  type FsckHolder,
  type FsckRequest,
  type FsckResult,
} from './fsck-report.js';
import type { NamespaceIdentity } from './identity.js';
import type { NamenodeJmxSnapshot, NameNodeStatus, SnapshotInfo } from './jmx.js';
import type { AclChange, Namespace } from './namespace.js';
import type { AclEntry } from './acl.js';
import {
  chooseTarget,
  isPlacementSatisfied,
  sortLocatedReplicas,
  type PlacementCandidate,
} from './placement.js';
import { SafeMode, type SafeModeConfig } from './safemode.js';
import { fsActionOf, PERMISSION_STORED_MASK, PermissionChecker } from './permission.js';
import { permissionBits, requestChecker } from './request-checks.js';
import { LeaseMonitor, type LeaseMonitorHost } from './lease-monitor.js';
import { RedundancyMonitor } from './redundancy-monitor.js';
import { TrashEmptier } from './trash-emptier.js';
import { checkXAttrNamespace, selectXAttrs, visibleXAttrs } from './xattr.js';
import { trashMinutesToMs } from '../common/trash.js';
import { LEASE_HARD_LIMIT_MS, LEASE_SOFT_LIMIT_MS } from './leases.js';
import { blockReaching, blockStarts, locatedRange, lengthWithoutLastUcBlock } from './located-range.js';

export interface NameNodeSettings {
  /** dfs.blocksize: the block size getServerDefaults offers writers. */
  defaultBlockSizeBytes?: number;
  defaultReplication: number;
  minReplication: number;
  maxReplication: number;
  heartbeatIntervalMs: number;
  recheckIntervalMs: number;
  staleIntervalMs: number;
  safemode: SafeModeConfig;
  redundancyIntervalMs: number;
  /** dfs.namenode.decommission.interval (absent: Hadoop's 30 s). */
  decommissionIntervalMs?: number;
  /** dfs.namenode.maintenance.replication.min (default 1). */
  minMaintenanceReplication?: number;
  maxStreams: number;
  maxStreamsHardLimit: number;
  workMultiplier: number;
  invalidateLimit: number;
  pendingReconstructionTimeoutMs: number;
  accessTimePrecisionMs: number;
  considerLoad: boolean;
  avoidReadStale: boolean;
  avoidWriteStale: boolean;
  /** The user who started the NameNode (owner of `/`): the superuser. */
  superuser: string;
  /** dfs.permissions.superusergroup: its members are superusers too. */
  supergroup: string;
  /** dfs.permissions.enabled (absent: true, Hadoop's default). */
  permissionsEnabled?: boolean;
  /** dfs.namenode.acls.enabled (absent: true, Hadoop 3's default). */
  aclsEnabled?: boolean;
  /** dfs.bytes-per-checksum (absent: 512): block sizes must be multiples of it. */
  bytesPerChecksum?: number;
  softwareVersion: string;
  /** fs.trash.interval (minutes, may be fractional in the lab); absent or 0: no trash, no emptier. */
  trashIntervalMinutes?: number;
  /** fs.trash.checkpoint.interval (minutes); 0: the deletion interval. */
  trashCheckpointIntervalMinutes?: number;
  /** Lease limits (HdfsConstants.LEASE_SOFTLIMIT_PERIOD, LEASE_HARDLIMIT_PERIOD); absent: Hadoop's 60 s / 1,200 s. */
  leaseSoftLimitMs?: number;
  leaseHardLimitMs?: number;
}

/** io.file.buffer.size: Hadoop's default, which the lab does not configure. */
const FILE_BUFFER_SIZE_BYTES = 4096;
/** dfs.namenode.decommission.interval's Hadoop default. */
const DEFAULT_DECOMMISSION_INTERVAL_MS = 30_000;
/** dfs.namenode.maintenance.replication.min's default. */
const DEFAULT_MIN_MAINTENANCE_REPLICATION = 1;

/** dfs.ls.limit: directory entries a getListing answer holds at most (Hadoop's default). */
export const LS_LIMIT = 1000;

export interface CallContext {
  /** The caller's lab id (client, dn1, snn). */
  caller: string;
  /** The caller's IP address as seen on the socket. */
  callerAddr: string;
  nowMs: number;
  rpcIds?: RpcIds;
  /**
   * The caller's user (the connection context's user, HADOOP_USER_NAME on the client side);
   * absent: the superuser, as for the NameNode's own work.
   */
  user?: string;
}

export interface CoreOutput<T = unknown> {
  result: T;
  /** Ops already applied to the namespace, to be made durable (txids assigned) before replying. */
  ops: PendingOp[];
  events: StateEvent[];
  /**
   * Work on the name directory the core decided and the runtime does (roll the edit log, save an
   * image, list the finalized segments); the runtime then hands the outcome to `storageDone`,
   * whose answer replaces `result`.
   */
  storage?: StorageAction;
}

/** What a storage call asks of the name directory (FSImage / FSEditLog work). */
export type StorageAction =
  | { kind: 'roll' }
  | { kind: 'save' }
  | { kind: 'list-segments' }
  /** refreshNodes: read dfs.hosts / dfs.hosts.exclude again and hand them to `refreshHosts`. */
  | { kind: 'read-hosts' }
  /** metaSave: write `text` to `filename` in the NameNode's log directory (hadoop.log.dir). */
  | { kind: 'metasave'; filename: string; text: string };

/** What the runtime did for a StorageAction. */
export type StorageDone =
  | { kind: 'roll'; nextTxid: number }
  | { kind: 'save'; imageTxid: number; nowMs: number }
  | { kind: 'list-segments'; fileNames: readonly string[] }
  | { kind: 'hosts-read' }
  | { kind: 'metasave-written' };

export interface NameNodeCoreOptions {
  settings: NameNodeSettings;
  identity: NamespaceIdentity;
  namespace: Namespace;
  prng: Prng;
  /** Network location of a host address (DataNode IPs and the client's address). */
  rackOfHost: (host: string) => string;
  /** The txid of the newest image and when it was saved (for status and checkpoints). */
  lastCheckpoint: { txid: number; ms: number };
  /** A user's groups, as Hadoop's group mapping gives them (absent: nobody is in any group). */
  groupsOf?: (user: string) => readonly string[];
  /**
   * The lab's name (dn1, dn2, …) for the DataNode registering from this transfer address; HDFS
   * names a DataNode by that address (ip:port), which is the default.
   */
  datanodeNameOf?: (address: { ipAddr: string; xferPort: number }) => string | undefined;
}

type Handler = (params: never, ctx: CallContext) => unknown;

/** FSNamesystem's safe-mode words for each ACL call. */
const ACL_SAFEMODE_VERB: Record<AclChange, string> = {
  modifyAclEntries: 'Cannot modify ACL entries on',
  removeAclEntries: 'Cannot remove ACL entries on',
  removeDefaultAcl: 'Cannot remove default ACL entries on',
  removeAcl: 'Cannot remove ACL on',
  setAcl: 'Cannot set ACL on',
};

/** The create modes' unmasked half, when the client sent it. */
function unmaskedOf(p: { unmasked?: number }): { unmasked?: number } {
  return p.unmasked === undefined ? {} : { unmasked: permissionBits(p.unmasked) & PERMISSION_STORED_MASK };
}

export class NameNodeCore {
  readonly namespace: Namespace;
  readonly blocks: BlockManager;
  readonly datanodes: DatanodeManager;
  readonly topology = new NetworkTopology();
  readonly safemode: SafeMode;
  readonly leaseMonitor: LeaseMonitor;
  private readonly trashEmptier: TrashEmptier;
  private readonly settings: NameNodeSettings;
  /** dfs.namenode.maintenance.replication.min. */
  private readonly minMaintenanceReplication: number;
  private readonly identity: NamespaceIdentity;
  private readonly prng: Prng;
  private readonly rackOfHost: (host: string) => string;
  private readonly groupsOf: (user: string) => readonly string[];
  private readonly requests: ReturnType<typeof requestChecker>;
  private readonly datanodeNameOf: NonNullable<NameNodeCoreOptions['datanodeNameOf']>;
  /** BlockReportLeaseManager's ids: the next lease a heartbeat reply grants. */
  private nextBlockReportLeaseId = 1;
  private readonly redundancy: RedundancyMonitor;
  private readonly admin: DatanodeAdminManager;
  private ops: PendingOp[] = [];
  private events: StateEvent[] = [];
  private storage: StorageAction | undefined;
  private lastCheckpointSaved: { txid: number; ms: number };
  private lastTxidWritten = 0;

  constructor(opts: NameNodeCoreOptions) {
    this.settings = opts.settings;
    this.minMaintenanceReplication =
      opts.settings.minMaintenanceReplication ?? DEFAULT_MIN_MAINTENANCE_REPLICATION;
    this.identity = opts.identity;
    this.namespace = opts.namespace;
    this.datanodeNameOf = opts.datanodeNameOf ?? (() => undefined);
    this.prng = opts.prng;
    this.rackOfHost = opts.rackOfHost;
    this.groupsOf = opts.groupsOf ?? (() => []);
    this.requests = requestChecker({ bytesPerChecksum: opts.settings.bytesPerChecksum ?? 512 });
    this.lastCheckpointSaved = opts.lastCheckpoint;
    this.blocks = new BlockManager(opts.settings.minReplication);
    this.datanodes = new DatanodeManager(
      {
        heartbeatIntervalMs: opts.settings.heartbeatIntervalMs,
        recheckIntervalMs: opts.settings.recheckIntervalMs,
        staleIntervalMs: opts.settings.staleIntervalMs,
      },
      (id) => this.rackOfHost(id.ipAddr),
    );
    this.safemode = new SafeMode(opts.settings.safemode);
    this.trashEmptier = new TrashEmptier({
      deletionMs: trashMinutesToMs(opts.settings.trashIntervalMinutes ?? 0),
      checkpointMs: trashMinutesToMs(opts.settings.trashCheckpointIntervalMinutes ?? 0),
    });
    this.leaseMonitor = new LeaseMonitor(
      {
        softLimitMs: opts.settings.leaseSoftLimitMs ?? LEASE_SOFT_LIMIT_MS,
        hardLimitMs: opts.settings.leaseHardLimitMs ?? LEASE_HARD_LIMIT_MS,
        // A DataNode sees the command at its next heartbeat and answers at once; allow a few.
        recoveryTimeoutMs: 5 * opts.settings.heartbeatIntervalMs,
      },
      this.leaseMonitorHost(opts.identity.blockPoolId),
    );
    this.redundancy = new RedundancyMonitor(
      {
        redundancyIntervalMs: opts.settings.redundancyIntervalMs,
        pendingReconstructionTimeoutMs: opts.settings.pendingReconstructionTimeoutMs,
        workMultiplier: opts.settings.workMultiplier,
        maxStreams: opts.settings.maxStreams,
        maxStreamsHardLimit: opts.settings.maxStreamsHardLimit,
        heartbeatIntervalMs: opts.settings.heartbeatIntervalMs,
        minMaintenanceReplication:
          opts.settings.minMaintenanceReplication ?? DEFAULT_MIN_MAINTENANCE_REPLICATION,
      },
      {
        blocks: this.blocks,
        datanodes: this.datanodes,
        topology: this.topology,
        poolId: opts.identity.blockPoolId,
        countReplicas: (info) => this.countReplicas(info),
        queuedByAdmin: (blockId) => this.admin.isQueued(blockId),
        chooseTargets: (o) => this.chooseTargets(o),
        emit: (event) => this.emit(event),
      },
    );
    this.admin = new DatanodeAdminManager(
      {
        intervalMs: opts.settings.decommissionIntervalMs ?? DEFAULT_DECOMMISSION_INTERVAL_MS,
        defaultReplication: opts.settings.defaultReplication,
        minReplication: opts.settings.minReplication,
        minMaintenanceReplication:
          opts.settings.minMaintenanceReplication ?? DEFAULT_MIN_MAINTENANCE_REPLICATION,
      },
      {
        blocks: this.blocks,
        datanodes: this.datanodes,
        topology: this.topology,
        countReplicas: (info) => this.countReplicas(info),
        isLastBlockUnderConstruction: (info) => info.ucState !== 'COMPLETE',
        isInOpenFile: (info) => Boolean(this.namespace.fileOfBlock(info.blockId)?.file.underConstruction),
        lowRedundancyOrPendingBlocks: () => {
          const { under, missing } = this.redundancyCounts();
          return under + missing + this.blocks.pendingReconstructionCount();
        },
        emit: (event) => this.emit(event),
      },
    );
    for (const { file } of this.namespace.allFiles()) {
      file.blocks.forEach((b, i) => {
        const uc = file.underConstruction !== null && i === file.blocks.length - 1;
        this.blocks.addFromNamespace(b, file.replication, uc ? 'UNDER_CONSTRUCTION' : 'COMPLETE');
      });
    }
    // Blocks that only snapshots hold are still the NameNode's (FileWithSnapshotFeature).
    for (const { block, replication } of this.namespace.snapshotOnlyBlocks()) {
      this.blocks.addFromNamespace(block, replication, 'COMPLETE');
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Dispatch
  // ---------------------------------------------------------------------------------------------

  call<M extends RpcMethod>(
    method: M,
    params: RpcMethods[M]['req'],
    ctx: CallContext,
  ): CoreOutput<RpcMethods[M]['res']> {
    const handler = this.handlers[method] as Handler | undefined;
    if (!handler) throw new RemoteError('UnknownMethodException', `the NameNode does not serve ${method}`);
    this.requests.check(method, params);
    this.ops = [];
    this.events = [];
    this.storage = undefined;
    try {
      const result = handler(params as never, ctx) as RpcMethods[M]['res'];
      return {
        result,
        ops: this.ops,
        events: this.events,
        ...(this.storage ? { storage: this.storage } : {}),
      };
    } finally {
      this.ops = [];
      this.events = [];
      this.storage = undefined;
    }
  }

  /** The newest txid written to the edit log (FSEditLog#getLastWrittenTxId). */
  get lastTxid(): number {
    return this.lastTxidWritten;
  }

  /** The newest image's txid and when it was saved or installed. */
  get lastCheckpoint(): { txid: number; ms: number } {
    return this.lastCheckpointSaved;
  }

  /** The edit log wrote up to `txid` (after a log call or a roll). */
  noteLastTxid(txid: number): void {
    this.lastTxidWritten = txid;
  }

  /** A checkpoint image for `txid` was saved here or uploaded by the Secondary NameNode. */
  noteCheckpoint(txid: number, nowMs: number): void {
    this.lastCheckpointSaved = { txid, ms: nowMs };
  }

  /**
   * The answer to a storage call once the runtime did what `call` asked in `storage`: rollEdits'
   * new segment's first txid, rollEditLog's CheckpointSignature, saveNamespace's image txid,
   * getEditLogManifest's finalized segments from `sinceTxid` on.
   */
  storageDone<
    M extends
      'rollEdits' | 'rollEditLog' | 'saveNamespace' | 'getEditLogManifest' | 'refreshNodes' | 'metaSave',
  >(method: M, params: RpcMethods[M]['req'], done: StorageDone): RpcMethods[M]['res'] {
    type Res = RpcMethods[M]['res'];
    if (done.kind === 'hosts-read' || done.kind === 'metasave-written') return null as Res;
    if (done.kind === 'save') {
      this.noteCheckpoint(done.imageTxid, done.nowMs);
      return { txid: done.imageTxid } as Res;
    }
    if (done.kind === 'list-segments') {
      const sinceTxid = (params as RpcMethods['getEditLogManifest']['req']).sinceTxid;
      return { segments: finalizedSegments(done.fileNames, sinceTxid) } as Res;
    }
    if (method === 'rollEdits') return { txid: done.nextTxid } as Res;
    const ns = this.namespaceInfo();
    return {
      signature: {
        blockPoolId: ns.blockPoolId,
        mostRecentCheckpointTxid: this.lastCheckpointSaved.txid,
        curSegmentTxid: done.nextTxid,
        storageInfo: {
          layoutVersion: ns.layoutVersion,
          namespaceId: ns.namespaceId,
          clusterId: ns.clusterId,
          cTime: ns.cTime,
        },
      },
    } as Res;
  }

  /**
   * FSNamesystem.listOpenFiles: a batch of the files being written after inode id `prevId` whose
   * path is `path` or under it (DFSUtil.isParentEntry), LeaseManager.getUnderConstructionFiles'
   * way: at most LIST_OPEN_FILES_RESPONSES_MAX, and hasMore when files were left unlooked at.
   * BLOCKING_DECOMMISSION keeps those whose last block has a replica on a DataNode being
   * decommissioned (the files DatanodeAdminManager finds holding it up).
   */
  private listOpenFiles(p: RpcMethods['listOpenFiles']['req']): RpcMethods['listOpenFiles']['res'] {
    if (!p.path.startsWith('/'))
      throw new RemoteError('IllegalArgumentException', `Path ${p.path} is not absolute`);
    const under = p.path.length > 1 ? p.path.replace(/\/+$/, '') : '/';
    const blockingOnly = !p.types.includes('ALL_OPEN_FILES');
    const candidates = this.namespace.openFiles().filter((f) => f.file.id > p.prevId);
    const entries: OpenFileEntry[] = [];
    let looked = 0;
    for (const { path, file } of candidates) {
      if (entries.length >= LIST_OPEN_FILES_RESPONSES_MAX) break;
      looked++;
      const inside = under === '/' || path === under || path.startsWith(`${under}/`);
      if (!inside || (blockingOnly && !this.blocksDecommission(file))) continue;
      const uc = file.underConstruction as { clientName: string; clientMachine: string };
      entries.push({ inodeId: file.id, path, clientName: uc.clientName, clientMachine: uc.clientMachine });
    }
    return { entries, hasMore: looked < candidates.length };
  }

  /** Whether a file being written has its last block on a DataNode being decommissioned. */
  private blocksDecommission(file: INodeFile): boolean {
    const last = file.blocks.at(-1);
    const info = last === undefined ? undefined : this.blocks.get(last.blockId);
    if (info === undefined) return false;
    const holders = new Set([...info.replicas.keys(), ...info.expectedLocations]);
    return [...holders].some((dn) => this.datanodes.get(dn)?.adminState === 'DECOMMISSION_INPROGRESS');
  }

  private log(ops: PendingOp[]): void {
    this.ops.push(...ops);
  }

  private emit(event: StateEvent): void {
    this.events.push(event);
  }

  private readonly handlers: {
    [M in RpcMethod]?: (params: RpcMethods[M]['req'], ctx: CallContext) => RpcMethods[M]['res'];
  } = {
    mkdirs: (p, ctx) => {
      this.namespace.checkPermission(p.src, this.checker(ctx), { ancestorAccess: 'WRITE' });
      this.checkNotInSafeMode(`Cannot create directory ${p.src}`, ctx.nowMs);
      this.log(
        this.namespace.mkdirs(p.src, {
          permission: this.newPermission(p.src, p.permission, ctx),
          ...unmaskedOf(p),
          createParent: p.createParent,
          nowMs: ctx.nowMs,
        }),
      );
      return true;
    },
    create: (p, ctx) => {
      const exists = this.namespace.resolve(p.src) !== null;
      this.namespace.checkPermission(p.src, this.checker(ctx), {
        ancestorAccess: 'WRITE',
        ...(p.overwrite && exists ? { access: 'WRITE' as const } : {}),
      });
      this.checkNotInSafeMode(`Cannot create file${p.src}`, ctx.nowMs);
      this.requestRecoveryIfAbandoned(p.src, p.clientName, ctx.nowMs);
      const replication = p.replication > 0 ? p.replication : this.settings.defaultReplication;
      const created = this.namespace.create(p.src, {
        permission: this.newPermission(p.src, p.permission, ctx),
        ...unmaskedOf(p),
        clientName: p.clientName,
        clientMachine: p.clientMachine || ctx.callerAddr,
        overwrite: p.overwrite,
        createParent: p.createParent,
        replication,
        blockSizeBytes: p.blockSize,
        nowMs: ctx.nowMs,
        ...(ctx.rpcIds ? { rpcIds: ctx.rpcIds } : {}),
      });
      this.log(created.ops);
      this.blocks.removeBlocks(created.removedBlocks);
      return this.fileStatusOrThrow(p.src);
    },
    append: (p, ctx) => this.append(p, ctx),
    addBlock: (p, ctx) => this.addBlock(p, ctx),
    abandonBlock: (p) => {
      this.namespace.checkOpenFileId(p.src, p.fileId, p.clientName);
      this.log(this.namespace.abandonBlock(p.src, { clientName: p.clientName, block: p.block }));
      this.blocks.removeBlocks([p.block]);
      return null;
    },
    complete: (p, ctx) => this.complete(p, ctx),
    getBlockLocations: (p, ctx) => this.getBlockLocations(p, ctx),
    getFileInfo: (p, ctx) => {
      this.namespace.checkPermission(p.src, this.checker(ctx), {});
      return this.namespace.getFileInfo(p.src);
    },
    getListing: (p, ctx) => {
      const isDir = this.namespace.resolve(p.src)?.kind === 'DIRECTORY';
      this.namespace.checkPermission(p.src, this.checker(ctx), isDir ? { access: 'READ_EXECUTE' } : {});
      // FSDirStatAndListingOp: entries sorted by name, strictly after startAfter, dfs.ls.limit a page.
      const all = this.namespace.getListing(p.src);
      if (!all) return null;
      const after = Buffer.from(p.startAfter ?? '', 'utf8');
      const rest = all.filter((e) => Buffer.compare(Buffer.from(e.pathSuffix, 'utf8'), after) > 0);
      const entries = rest.slice(0, LS_LIMIT);
      return { entries, remainingEntries: rest.length - entries.length };
    },
    getContentSummary: (p, ctx) => {
      this.namespace.checkPermission(p.src, this.checker(ctx), { subAccess: 'READ_EXECUTE' });
      return this.contentSummary(p.src);
    },
    // FSDirStatAndListingOp.getQuotaUsage: the same permission check as getContentSummary.
    getQuotaUsage: (p, ctx) => {
      this.namespace.checkPermission(p.src, this.checker(ctx), { subAccess: 'READ_EXECUTE' });
      return this.quotaUsage(p.src);
    },
    delete: (p, ctx) => {
      this.namespace.checkPermission(p.src, this.checker(ctx), {
        parentAccess: 'WRITE',
        subAccess: 'ALL',
        ignoreEmptyDir: true,
      });
      this.checkNotInSafeMode(`Cannot delete ${p.src}`, ctx.nowMs);
      const deleted = this.namespace.delete(p.src, {
        recursive: p.recursive,
        nowMs: ctx.nowMs,
        ...(ctx.rpcIds ? { rpcIds: ctx.rpcIds } : {}),
      });
      this.log(deleted.ops);
      this.blocks.removeBlocks(deleted.removedBlocks);
      return deleted.ok;
    },
    rename: (p, ctx) => {
      const pc = this.checker(ctx);
      this.namespace.checkPermission(p.src, pc, { parentAccess: 'WRITE' });
      // The old rename moves into an existing directory: the entry it makes is dst/<name>.
      const name = p.src.replace(/\/+$/, '').split('/').at(-1) ?? '';
      const into = this.namespace.resolve(p.dst)?.kind === 'DIRECTORY' && name !== '';
      this.namespace.checkPermission(into ? `${p.dst.replace(/\/+$/, '')}/${name}` : p.dst, pc, {
        ancestorAccess: 'WRITE',
      });
      this.checkNotInSafeMode(`Cannot rename ${p.src}`, ctx.nowMs);
      const renamed = this.namespace.rename(p.src, p.dst, {
        nowMs: ctx.nowMs,
        ...(ctx.rpcIds ? { rpcIds: ctx.rpcIds } : {}),
      });
      this.log(renamed.ops);
      return renamed.ok;
    },
    rename2: (p, ctx) => this.rename2(p, ctx),
    getServerDefaults: () => ({
      blockSize: this.settings.defaultBlockSizeBytes ?? defaultConfig().bytes('dfs.blocksize'),
      bytesPerChecksum: this.settings.bytesPerChecksum ?? 512,
      writePacketSize: WRITE_PACKET_SIZE,
      replication: this.settings.defaultReplication,
      fileBufferSize: FILE_BUFFER_SIZE_BYTES,
      // FSNamesystem reads fs.trash.interval with getLong: whole minutes on the wire.
      trashIntervalMinutes: Math.floor(this.settings.trashIntervalMinutes ?? 0),
      checksumType: 'CRC32C',
    }),
    getFsStats: (_p, ctx) => {
      const s = this.status(ctx.nowMs);
      return {
        capacity: s.capacity,
        used: s.dfsUsed,
        remaining: s.remaining,
        underReplicated: s.underReplicated,
        corruptBlocks: s.corruptBlocks,
        missingBlocks: s.missingBlocks,
        pendingDeletionBlocks: s.pendingDeletion,
      };
    },
    getPreferredBlockSize: (p, ctx) => {
      this.namespace.checkPermission(p.src, this.checker(ctx), {});
      const status = this.namespace.getFileInfo(p.src);
      if (!status || status.type !== 'FILE')
        throw new RemoteError('FileNotFoundException', `File does not exist: ${p.src}`);
      return status.blockSize;
    },
    setReplication: (p, ctx) => {
      this.namespace.checkPermission(p.src, this.checker(ctx), { access: 'WRITE' });
      this.checkNotInSafeMode(`Cannot set replication for ${p.src}`, ctx.nowMs);
      const changed = this.namespace.setReplication(p.src, p.replication);
      this.log(changed.ops);
      if (changed.ok) {
        const blocks = this.namespace.getBlocks(p.src) ?? [];
        this.blocks.setExpectedReplication(
          blocks.map((b) => b.blockId),
          p.replication,
        );
      }
      return changed.ok;
    },
    setTimes: (p, ctx) => {
      this.namespace.checkPermission(p.src, this.checker(ctx), { access: 'WRITE' });
      this.checkNotInSafeMode(`Cannot set times ${p.src}`, ctx.nowMs);
      this.log(this.namespace.setTimes(p.src, { mtime: p.mtime, atime: p.atime }));
      return null;
    },
    setPermission: (p, ctx) => {
      this.namespace.checkPermission(p.src, this.checker(ctx), { owner: true });
      this.checkNotInSafeMode(`Cannot set permission for ${p.src}`, ctx.nowMs);
      this.log(this.namespace.setPermission(p.src, permissionBits(p.permission) & PERMISSION_STORED_MASK));
      return null;
    },
    setOwner: (p, ctx) => {
      const pc = this.checker(ctx);
      this.namespace.checkPermission(p.src, pc, { owner: true });
      if (pc && !pc.isSuperUser) {
        // FSDirAttrOp.setOwner: only the superuser gives a file away or picks a group it is not in.
        if (p.username !== null && p.username !== pc.user) {
          throw new RemoteError(
            'AccessControlException',
            `User ${pc.user} is not a super user (non-super user cannot change owner).`,
          );
        }
        if (p.groupname !== null && !pc.isMemberOf(p.groupname)) {
          throw new RemoteError(
            'AccessControlException',
            `User ${pc.user} does not belong to ${p.groupname}`,
          );
        }
      }
      this.checkNotInSafeMode(`Cannot set owner for ${p.src}`, ctx.nowMs);
      this.log(this.namespace.setOwner(p.src, { username: p.username, groupname: p.groupname }));
      return null;
    },
    setQuota: (p, ctx) => {
      // FSNamesystem.setQuota: superuser only, refused in safe mode.
      this.checker(ctx)?.checkSuperuserPrivilege();
      this.checkNotInSafeMode(`Cannot set quota on ${p.src}`, ctx.nowMs);
      this.log(this.namespace.setQuota(p.src, { nsQuota: p.nsQuota, dsQuota: p.ssQuota }));
      return null;
    },
    setXAttr: (p, ctx) => {
      const pc = this.checker(ctx);
      checkXAttrNamespace(p.xattr, pc === null);
      this.checkXAttrChangeAccess(p.src, pc);
      this.checkNotInSafeMode(`Cannot set XAttr on ${p.src}`, ctx.nowMs);
      this.log(
        this.namespace.setXAttr(p.src, p.xattr, {
          flags: p.flags,
          ...(ctx.rpcIds ? { rpcIds: ctx.rpcIds } : {}),
        }),
      );
      return null;
    },
    getXAttrs: (p, ctx) => {
      const pc = this.checker(ctx);
      // FSDirXAttrOp.getXAttrs: READ on the path.
      this.namespace.checkPermission(p.src, pc, { access: 'READ' });
      return selectXAttrs(this.namespace.xattrsOf(p.src), p.xattrs, pc === null);
    },
    listXAttrs: (p, ctx) => {
      const pc = this.checker(ctx);
      // FSDirXAttrOp.listXAttrs: "to access xattr names, you need EXECUTE in the owning directory".
      this.namespace.checkPermission(p.src, pc, { parentAccess: 'EXECUTE' });
      return visibleXAttrs(this.namespace.xattrsOf(p.src), pc === null).map((x) => ({ ...x, value: null }));
    },
    removeXAttr: (p, ctx) => {
      const pc = this.checker(ctx);
      checkXAttrNamespace(p.xattr, pc === null);
      this.checkXAttrChangeAccess(p.src, pc);
      this.checkNotInSafeMode(`Cannot remove XAttr entry on ${p.src}`, ctx.nowMs);
      this.log(this.namespace.removeXAttr(p.src, p.xattr, ctx.rpcIds));
      return null;
    },
    // FSNamesystem's snapshot calls: allow/disallow are the superuser's, the others the owner's
    // (FSDirSnapshotOp checkOwner); every change is refused in safe mode.
    allowSnapshot: (p, ctx) => {
      this.checker(ctx)?.checkSuperuserPrivilege();
      this.checkNotInSafeMode(`Cannot allow snapshot for ${p.snapshotRoot}`, ctx.nowMs);
      this.log(this.namespace.allowSnapshot(p.snapshotRoot));
      return null;
    },
    disallowSnapshot: (p, ctx) => {
      this.checker(ctx)?.checkSuperuserPrivilege();
      this.checkNotInSafeMode(`Cannot disallow snapshot for ${p.snapshotRoot}`, ctx.nowMs);
      this.log(this.namespace.disallowSnapshot(p.snapshotRoot));
      return null;
    },
    createSnapshot: (p, ctx) => {
      this.namespace.checkPermission(p.snapshotRoot, this.checker(ctx), { owner: true });
      this.checkNotInSafeMode(`Cannot create snapshot for ${p.snapshotRoot}`, ctx.nowMs);
      const created = this.namespace.createSnapshot(p.snapshotRoot, {
        name: p.snapshotName,
        nowMs: ctx.nowMs,
        ...(ctx.rpcIds ? { rpcIds: ctx.rpcIds } : {}),
      });
      this.log(created.ops);
      return created.snapshotPath;
    },
    deleteSnapshot: (p, ctx) => {
      this.namespace.checkPermission(p.snapshotRoot, this.checker(ctx), { owner: true });
      this.checkNotInSafeMode(`Cannot delete snapshot for ${p.snapshotRoot}`, ctx.nowMs);
      const deleted = this.namespace.deleteSnapshot(p.snapshotRoot, {
        name: p.snapshotName,
        nowMs: ctx.nowMs,
        ...(ctx.rpcIds ? { rpcIds: ctx.rpcIds } : {}),
      });
      this.log(deleted.ops);
      // The blocks only this snapshot held go now, as a delete's would (BlocksMapUpdateInfo).
      this.blocks.removeBlocks(deleted.removedBlocks);
      return null;
    },
    renameSnapshot: (p, ctx) => {
      this.namespace.checkPermission(p.snapshotRoot, this.checker(ctx), { owner: true });
      this.checkNotInSafeMode(`Cannot rename snapshot for ${p.snapshotRoot}`, ctx.nowMs);
      this.log(
        this.namespace.renameSnapshot(p.snapshotRoot, {
          oldName: p.snapshotOldName,
          newName: p.snapshotNewName,
          nowMs: ctx.nowMs,
          ...(ctx.rpcIds ? { rpcIds: ctx.rpcIds } : {}),
        }),
      );
      return null;
    },
    getSnapshottableDirListing: (_p, ctx) => {
      // FSNamesystem.getSnapshottableDirListing: a user other than the superuser sees their own.
      const pc = this.checker(ctx);
      return this.namespace.snapshottableDirs(pc ? pc.user : undefined);
    },
    // FSDirSnapshotOp.getSnapshotListing: READ on the directory itself.
    getSnapshotListing: (p, ctx) => {
      this.namespace.checkPermission(p.snapshotRoot, this.checker(ctx), { access: 'READ' });
      return this.namespace.snapshotListing(p.snapshotRoot);
    },
    getSnapshotDiffReport: (p, ctx) => {
      this.namespace.checkPermission(p.snapshotRoot, this.checker(ctx), { subAccess: 'READ' });
      return this.namespace.snapshotDiff(p.snapshotRoot, p.fromSnapshot, p.toSnapshot);
    },
    modifyAclEntries: (p, ctx) => this.changeAcl(p.src, 'modifyAclEntries', ctx, p.aclSpec),
    removeAclEntries: (p, ctx) => this.changeAcl(p.src, 'removeAclEntries', ctx, p.aclSpec),
    removeDefaultAcl: (p, ctx) => this.changeAcl(p.src, 'removeDefaultAcl', ctx),
    removeAcl: (p, ctx) => this.changeAcl(p.src, 'removeAcl', ctx),
    setAcl: (p, ctx) => this.changeAcl(p.src, 'setAcl', ctx, p.aclSpec),
    getAclStatus: (p, ctx) => {
      this.checkAclsEnabled();
      // FSDirAclOp.getAclStatus: traverse only.
      this.namespace.checkPermission(p.src, this.checker(ctx), {});
      return this.namespace.aclStatus(p.src);
    },
    checkAccess: (p, ctx) => {
      // FSNamesystem.checkAccess: resolve (traverse checked), then the path's own access.
      this.namespace.checkPermission(p.src, this.checker(ctx), {});
      if (this.namespace.resolve(p.src) === null)
        throw new RemoteError('FileNotFoundException', 'Path not found');
      this.namespace.checkPermission(p.src, this.checker(ctx), { access: fsActionOf(p.mode) });
      return null;
    },
    renewLease: (p, ctx) => {
      this.namespace.leases.renewLease(p.clientName, ctx.nowMs);
      return null;
    },
    fsync: (p, ctx) => {
      // FSNamesystem.fsync's state-change line, logged before any check.
      this.emit({ type: 'log', level: 'info', text: `BLOCK* fsync: ${p.src} for ${p.clientName}` });
      this.checkNotInSafeMode(`Cannot fsync file ${p.src}`, ctx.nowMs);
      this.namespace.checkOpenFileId(p.src, p.fileId, p.clientName);
      this.namespace.checkPermission(p.src, this.checker(ctx), {});
      this.log(this.namespace.fsync(p.src, { clientName: p.clientName, lastBlockLength: p.lastBlockLength }));
      const last = this.namespace.getBlocks(p.src)?.at(-1);
      if (last && p.lastBlockLength > 0) this.blocks.updateLength(last.blockId, p.lastBlockLength);
      return null;
    },
    truncate: (p, ctx) => this.truncate(p, ctx),
    concat: (p, ctx) => {
      // FSNamesystem.concat: safe mode first, then FSDirConcatOp's checks.
      this.checkNotInSafeMode(`Cannot concat ${p.trg}`, ctx.nowMs);
      const joined = this.namespace.concat(p.trg, p.srcs, {
        pc: this.checker(ctx),
        nowMs: ctx.nowMs,
        ...(ctx.rpcIds ? { rpcIds: ctx.rpcIds } : {}),
      });
      this.log(joined.ops);
      // INodeFile.concatBlocks: the moved blocks now want the target's replication.
      this.blocks.setExpectedReplication(
        joined.movedBlocks.map((b) => b.blockId),
        joined.replication,
      );
      return null;
    },
    recoverLease: (p, ctx) => {
      // FSNamesystem.recoverLease: a closed file needs nothing; an open one is released now.
      this.checkNotInSafeMode(`Cannot recover the lease of ${p.src}`, ctx.nowMs);
      const pc = this.checker(ctx);
      this.namespace.checkPermission(p.src, pc, {});
      const node = this.namespace.resolve(p.src);
      if (!node) throw new RemoteError('FileNotFoundException', `File does not exist: ${p.src}`);
      if (node.kind !== 'FILE')
        throw new RemoteError('FileNotFoundException', `Path is not a file: ${p.src}`);
      if (!node.underConstruction) return true;
      this.namespace.checkPermission(p.src, pc, { access: 'WRITE' });
      this.emit({
        type: 'log',
        level: 'info',
        text: `recoverLease: [Lease.  Holder: ${node.underConstruction.clientName}], src=${p.src} from client ${p.clientName}`,
      });
      return this.leaseMonitor.recoverNow(p.src, ctx.nowMs);
    },
    reportBadBlocks: (p) => {
      for (const { block, datanode } of p.blocks) this.markCorrupt(block, datanode, 'reported by client');
      return null;
    },
    updateBlockForPipeline: (p, ctx) => {
      this.checkNotInSafeMode(
        `Cannot get a new generation stamp and an access token for block ${p.block.blockId}`,
        ctx.nowMs,
      );
      const updated = this.namespace.updateBlockForPipeline({ block: p.block, clientName: p.clientName });
      this.log(updated.ops);
      return { block: { ...p.block, genStamp: updated.genStamp }, blockPoolId: this.identity.blockPoolId };
    },
    updatePipeline: (p, ctx) => {
      this.log(
        this.namespace.updatePipeline({
          clientName: p.clientName,
          oldBlock: p.oldBlock,
          newBlock: p.newBlock,
          ...(ctx.rpcIds ? { rpcIds: ctx.rpcIds } : {}),
        }),
      );
      this.blocks.updateGenStamp(p.newBlock.blockId, p.newBlock.genStamp, p.newBlock.numBytes, p.datanodes);
      return null;
    },
    getAdditionalDatanode: (p, ctx) => this.getAdditionalDatanode(p, ctx),
    getDatanodeReport: (p, ctx) => {
      this.checker(ctx)?.checkSuperuserPrivilege();
      return this.datanodeReport(p.type);
    },
    listOpenFiles: (p, ctx) => {
      this.checker(ctx)?.checkSuperuserPrivilege();
      return this.listOpenFiles(p);
    },
    // FSNamesystem#setBalancerBandwidth: superuser only, allowed in safe mode.
    setBalancerBandwidth: (p, ctx) => {
      this.checker(ctx)?.checkSuperuserPrivilege();
      this.datanodes.setBalancerBandwidth(p.bandwidth);
      return null;
    },
    // FSNamesystem#metaSave: superuser only, a read (allowed in safe mode); the runtime writes the
    // text to the file under its log directory.
    metaSave: (p, ctx) => {
      this.checker(ctx)?.checkSuperuserPrivilege();
      this.storage = { kind: 'metasave', filename: p.filename, text: this.metaSave() };
      return null;
    },
    // FSNamesystem#refreshNodes: superuser only; the runtime rereads the hosts files.
    refreshNodes: (_p, ctx) => {
      this.checker(ctx)?.checkSuperuserPrivilege();
      this.storage = { kind: 'read-hosts' };
      return null;
    },
    setSafeMode: (p, ctx) => {
      if (p.action !== 'SAFEMODE_GET') this.checker(ctx)?.checkSuperuserPrivilege();
      if (p.action === 'SAFEMODE_ENTER') {
        this.safemode.enterManually();
        this.emit({ type: 'safemode', on: true, tip: this.safeModeStatus(ctx.nowMs).tip });
      } else if (p.action === 'SAFEMODE_LEAVE' || p.action === 'SAFEMODE_FORCE_EXIT') {
        // FSNamesystem: forceExit drops the bytes of blocks "in the future" (reported with a
        // generation stamp the image does not know yet); the lab keeps none, so it is a leave.
        if (this.safemode.isOn()) {
          this.safemode.leave();
          this.emit({ type: 'safemode', on: false, tip: '' });
        }
      }
      return this.safeModeStatus(ctx.nowMs);
    },
    // FSNamesystem#rollEditLog for dfsadmin -rollEdits: superuser only; allowed in safe mode.
    rollEdits: (_p, ctx) => {
      this.checker(ctx)?.checkSuperuserPrivilege();
      this.storage = { kind: 'roll' };
      return null as never;
    },
    // FSNamesystem#saveNamespace: superuser, and only in safe mode (the namespace must be still).
    saveNamespace: (_p, ctx) => {
      this.checker(ctx)?.checkSuperuserPrivilege();
      if (!this.safemode.isOn()) {
        throw new RemoteError(
          'IOException',
          'Safe mode should be turned ON in order to create namespace image.',
        );
      }
      this.storage = { kind: 'save' };
      return null as never;
    },
    versionRequest: () => this.namespaceInfo(),
    registerDatanode: (p, ctx) => this.registerDatanode(p.registration, ctx.nowMs),
    sendHeartbeat: (p, ctx) => this.heartbeat(p, ctx.nowMs),
    blockReport: (p, ctx) => {
      const d = this.reportingDatanode(p.registration, 'ProcessReport');
      // BlockReportLeaseManager: lease 0 bypasses the rate limit; an unknown lease is refused
      // (HDFS drops the report and waits for the next one).
      if (p.leaseId !== 0 && p.leaseId !== d.blockReportLeaseId) return { commands: [] };
      d.blockReportLeaseId = 0;
      d.lastBlockReportMs = ctx.nowMs;
      d.blockReportCount++;
      d.id.storageId = p.storageId;
      this.applyReplicaChanges(this.blocks.processReport(d.id.name, p.blocks));
      this.checkSafeMode(ctx.nowMs);
      // NameNodeRpcServer.blockReport: with no upgrade or rolling upgrade in progress (the lab has
      // none), an accepted report of the DataNode's one storage is answered with FinalizeCommand.
      return { commands: [{ action: 'DNA_FINALIZE', poolId: p.poolId }] };
    },
    blockReceivedAndDeleted: (p, ctx) => {
      const d = this.reportingDatanode(p.registration, 'Got incremental block report');
      for (const entry of p.entries) {
        this.applyReplicaChanges(this.blocks.received(d.id.name, entry.block, entry.status));
        if (entry.status !== 'RECEIVED') continue;
        // BlockManager.addBlock(storage, block, delHint): a balancer's move names the replica it
        // replaces; excess is processed only once the replication queues are (out of safe mode).
        const hinted = entry.deleteHint === undefined ? undefined : this.datanodes.byUuid(entry.deleteHint);
        if (hinted && !this.safemode.isOn())
          this.redundancy.deleteHinted(entry.block.blockId, { hint: hinted.id.name, added: d.id.name });
      }
      this.checkSafeMode(ctx.nowMs);
      return null;
    },
    // NameNodeRpcServer.errorReport: NOTIFY is logged before the registration is checked; a
    // FATAL_DISK_ERROR removes the DataNode (DatanodeManager.removeDatanode), as if it had died.
    errorReport: (p, ctx) => {
      const name = describeRegistration(p.registration);
      const log = (level: 'info' | 'warn', text: string) => this.emit({ type: 'log', level, text });
      if (p.errorCode === 'NOTIFY') {
        log('info', `Error report from ${name}: ${p.message}`);
        return null;
      }
      this.verifyRequest(p.registration);
      if (p.errorCode === 'DISK_ERROR') log('warn', `Disk error on ${name}: ${p.message}`);
      else if (p.errorCode === 'FATAL_DISK_ERROR') {
        log('warn', `Fatal disk error on ${name}: ${p.message}`);
        const d = this.datanodes.byUuid(p.registration.datanode.datanodeUuid);
        if (d) this.removeDatanode(d, ctx.nowMs);
      } else log('info', `Error report from ${name}: ${p.message}`);
      return null;
    },
    // FSNamesystem.commitBlockSynchronization: the primary DataNode's end of a block recovery.
    commitBlockSynchronization: (p, ctx) => {
      this.checkNotInSafeMode('Cannot commitBlockSynchronization while in safe mode', ctx.nowMs);
      this.leaseMonitor.commitBlockSynchronization(p, ctx.nowMs);
      return null;
    },
    getTransactionId: () => ({ txid: this.lastTxid }),
    getMostRecentCheckpointTxId: () => ({ txid: this.lastCheckpoint.txid }),
    // FSNamesystem#rollEditLog: superuser, and never in safe mode.
    rollEditLog: (_p, ctx) => {
      this.checker(ctx)?.checkSuperuserPrivilege();
      this.checkNotInSafeMode('Log not rolled', ctx.nowMs);
      this.storage = { kind: 'roll' };
      return null as never;
    },
    getEditLogManifest: (_p, ctx) => {
      this.checker(ctx)?.checkSuperuserPrivilege();
      this.storage = { kind: 'list-segments' };
      return null as never;
    },
  };

  // ---------------------------------------------------------------------------------------------
  // Client protocol
  // ---------------------------------------------------------------------------------------------

  /**
   * The caller as FSPermissionChecker sees it, or null when nothing is to be checked
   * (dfs.permissions.enabled false, or the superuser).
   */
  checker(ctx: CallContext): PermissionChecker | null {
    if (this.settings.permissionsEnabled === false) return null;
    const user = ctx.user ?? this.settings.superuser;
    const pc = new PermissionChecker(user, this.groupsOf(user), {
      fsOwner: this.settings.superuser,
      supergroup: this.settings.supergroup,
    });
    return pc.isSuperUser ? null : pc;
  }

  /**
   * FSNamesystem's ACL calls (FSDirAclOp): ACLs enabled, the caller owns the path, not in safe mode;
   * the namespace logs OP_SET_ACL with the INode's new ACL.
   */
  private changeAcl(src: string, change: AclChange, ctx: CallContext, spec: AclEntry[] = []): null {
    this.checkAclsEnabled();
    this.namespace.checkPermission(src, this.checker(ctx), { owner: true });
    this.checkNotInSafeMode(`${ACL_SAFEMODE_VERB[change]} ${src}`, ctx.nowMs);
    this.log(this.namespace.changeAcl(src, change, spec));
    return null;
  }

  /** FSDirAclOp.checkAclsConfigFlag. */
  private checkAclsEnabled(): void {
    if (this.settings.aclsEnabled !== false) return;
    throw new RemoteError(
      'AclException',
      'The ACL operation has been rejected.  Support for ACLs has been disabled by setting dfs.namenode.acls.enabled to false.',
    );
  }

  /**
   * FSDirXAttrOp.checkXAttrChangeAccess: in a sticky directory only the owner may change its
   * attributes; elsewhere WRITE on the path.
   */
  private checkXAttrChangeAccess(src: string, pc: PermissionChecker | null): void {
    const node = this.namespace.resolve(src);
    const sticky = node?.kind === 'DIRECTORY' && (node.permission.mode & 0o1000) !== 0;
    this.namespace.checkPermission(src, pc, sticky ? { owner: true } : { access: 'WRITE' });
  }

  /** A new INode's permission: owned by the caller, in its parent's group (as HDFS inherits it). */
  private newPermission(
    src: string,
    mode: number,
    ctx: CallContext,
  ): { user: string; group: string; mode: number } {
    return {
      user: ctx.user ?? this.settings.superuser,
      group: this.namespace.inheritedGroup(src),
      mode: permissionBits(mode) & PERMISSION_STORED_MASK,
    };
  }

  private fileStatusOrThrow(src: string): NamespaceFileStatus {
    const status = this.namespace.getFileInfo(src);
    if (!status) throw new RemoteError('FileNotFoundException', `File does not exist: ${src}`);
    return status;
  }

  private checkNotInSafeMode(what: string, nowMs: number): void {
    if (!this.safemode.isOn()) return;
    throw new RemoteError(
      'SafeModeException',
      `${what}. Name node is in safe mode.\n${this.safeModeStatus(nowMs).tip}`,
    );
  }

  /** The DataNode whose address the writer/reader runs on, if any (client on a DataNode's host). */
  private datanodeAt(host: string): string | null {
    const match = this.datanodes.live().find((d) => d.id.ipAddr === host);
    return match ? match.id.name : null;
  }

  private readerEndpoint(host: string): TopologyEndpoint {
    return this.datanodeAt(host) ?? { location: this.rackOfHost(host), host };
  }

  private candidates(): PlacementCandidate[] {
    return this.datanodes.all().map((d) => ({
      name: d.id.name,
      state: d.liveness,
      adminState: d.adminState,
      remainingBytes: d.remaining,
      xceiverCount: d.xceiverCount,
    }));
  }

  private chooseTargets(opts: {
    writer: string | null;
    replicas: number;
    chosen: string[];
    excluded: string[];
    blockSize: number;
  }): string[] {
    return chooseTarget(
      {
        writer: opts.writer,
        replicas: opts.replicas,
        chosen: opts.chosen,
        excluded: new Set(opts.excluded),
        candidates: this.candidates(),
        blockSizeBytes: opts.blockSize,
        prng: this.prng,
        considerLoad: this.settings.considerLoad,
        avoidStale: this.settings.avoidWriteStale,
      },
      this.topology,
    ).targets;
  }

  /** Each DataNode's liveness and admin state, for ordering a block's replicas for a reader. */
  private replicaHolders(): Record<
    string,
    { state: DatanodeDescriptor['liveness']; adminState: DatanodeDescriptor['adminState'] }
  > {
    const holders: ReturnType<NameNodeCore['replicaHolders']> = {};
    for (const d of this.datanodes.all())
      holders[d.id.name] = { state: d.liveness, adminState: d.adminState };
    return holders;
  }

  /** NumberReplicas: a block's usable replicas split by their DataNodes' admin state. */
  private countReplicas(info: BlockView): NumberReplicas {
    return this.blocks.countReplicas(
      info,
      this.usable,
      (dn) => this.datanodes.get(dn)?.adminState ?? 'NORMAL',
    );
  }

  private located(block: BlockRef, names: string[], startOffset: number, isCorrupt = false): LocatedBlock {
    const descriptors = names.map((n) => this.datanodes.get(n)).filter((d): d is DatanodeDescriptor => !!d);
    return {
      block: { ...block },
      blockPoolId: this.identity.blockPoolId,
      startOffset,
      locations: descriptors.map((d) => ({ ...d.id })),
      racks: descriptors.map((d) => d.location),
      isCorrupt,
    };
  }

  private addBlock(p: RpcMethods['addBlock']['req'], ctx: CallContext): LocatedBlock {
    this.checkNotInSafeMode(`Cannot add block to ${p.src}`, ctx.nowMs);
    this.namespace.checkOpenFileId(p.src, p.fileId, p.clientName);
    // FSDirWriteFileOp.validateAddBlock: the lease (analyzeFileState) before any target is chosen.
    this.namespace.checkLeaseHolder(p.src, p.clientName);
    const status = this.fileStatusOrThrow(p.src);
    const existing = this.namespace.getBlocks(p.src) ?? [];
    // The block before `previous` must be COMPLETE before another is allocated (HDFS's
    // NotReplicatedYetException); the client backs off and retries.
    const beforePrevious = p.previous ? existing.slice(0, -1) : existing;
    for (const b of beforePrevious) {
      if (!this.blocks.isComplete(b.blockId)) {
        throw new RemoteError('NotReplicatedYetException', `Not replicated yet: ${p.src}`);
      }
    }
    const writer = this.datanodeAt(ctx.callerAddr);
    const targets = this.chooseTargets({
      writer,
      replicas: status.replication,
      chosen: [],
      excluded: p.excludeNodes,
      blockSize: status.blockSize,
    });
    if (targets.length < this.settings.minReplication) {
      const running = this.datanodes.live().length;
      throw new RemoteError(
        'IOException',
        `File ${p.src} could only be written to ${targets.length} of the ${this.settings.minReplication} minReplication nodes. ` +
          `There are ${running} datanode(s) running and ${p.excludeNodes.length} node(s) are excluded in this operation.`,
      );
    }
    if (p.previous) this.blocks.commit(p.previous);
    const allocated = this.namespace.allocateBlock(p.src, {
      clientName: p.clientName,
      previous: p.previous,
      nowMs: ctx.nowMs,
    });
    this.log(allocated.ops);
    this.blocks.addUnderConstruction(allocated.block, status.replication, targets);
    this.emit({ type: 'block-allocated', path: p.src, block: allocated.block, targets });
    const startOffset = existing.reduce(
      (sum, b) => sum + (b.blockId === allocated.block.blockId ? 0 : b.numBytes),
      0,
    );
    return this.located(allocated.block, targets, startOffset);
  }

  /**
   * FSDirAppendOp.appendFile: WRITE on the file, no lease held by another client, a last block
   * that is COMPLETE and minimally replicated. A partial last block goes back under construction
   * and is returned with its replicas, the pipeline the client appends through (its offset is
   * where the block starts in the file); a full one (or NEW_BLOCK) leaves the client to addBlock.
   */
  private append(p: RpcMethods['append']['req'], ctx: CallContext): RpcMethods['append']['res'] {
    this.checkNotInSafeMode(`Cannot append to file${p.src}`, ctx.nowMs);
    const node = this.namespace.resolve(p.src);
    if (node?.kind !== 'DIRECTORY')
      this.namespace.checkPermission(p.src, this.checker(ctx), { access: 'WRITE' });
    this.requestRecoveryIfAbandoned(p.src, p.clientName, ctx.nowMs);
    const last = node?.kind === 'FILE' && !node.underConstruction ? node.blocks.at(-1) : undefined;
    const lastInfo = last ? this.blocks.get(last.blockId) : undefined;
    if (last && lastInfo) {
      const name = `blk_${last.blockId}_${last.genStamp}`;
      if (lastInfo.ucState === 'COMMITTED') {
        throw new RemoteError(
          'NotReplicatedYetException',
          `append: lastBlock=${name} of src=${p.src} is COMMITTED but not yet COMPLETE.`,
        );
      }
      const live = this.blocks.liveReplicas(lastInfo, this.usable).length;
      if (live < Math.min(this.settings.minReplication, lastInfo.expectedReplication)) {
        throw new RemoteError(
          'IOException',
          `append: lastBlock=${name} of src=${p.src} is not sufficiently replicated yet.`,
        );
      }
    }
    const appended = this.namespace.append(p.src, {
      clientName: p.clientName,
      clientMachine: p.clientMachine || ctx.callerAddr,
      newBlock: p.newBlock,
      nowMs: ctx.nowMs,
      ...(ctx.rpcIds ? { rpcIds: ctx.rpcIds } : {}),
    });
    this.log(appended.ops);
    const stat = this.fileStatusOrThrow(p.src);
    if (!last || !lastInfo) return { block: null, stat };
    const startOffset = stat.length - last.numBytes;
    if (p.newBlock) return { block: this.located(refOf(lastInfo), [], startOffset), stat };
    if (last.numBytes >= appended.file.preferredBlockSize) return { block: null, stat };
    const replicas = this.blocks.liveReplicas(lastInfo, this.usable);
    this.blocks.reopenForAppend(last.blockId, replicas);
    const reader = this.readerEndpoint(ctx.callerAddr);
    const holders = this.replicaHolders();
    const sorted = sortLocatedReplicas(reader, replicas, this.topology, this.prng, {
      holders,
      avoidStale: this.settings.avoidReadStale,
    });
    return { block: this.located(refOf(lastInfo), sorted, startOffset), stat };
  }

  /**
   * FSNamesystem.truncate / FSDirTruncateOp.truncate: WRITE on the file, no other writer, a length
   * within the file. The blocks past the cut are deleted at once (unless a snapshot holds them); a
   * cut inside a block starts its block recovery (DNA_RECOVERBLOCK with the truncate block, a new
   * block when a snapshot holds the old one) and answers false.
   */
  private truncate(p: RpcMethods['truncate']['req'], ctx: CallContext): boolean {
    if (p.newLength < 0) {
      throw new RemoteError(
        'HadoopIllegalArgumentException',
        `Cannot truncate to a negative file size: ${p.newLength}.`,
      );
    }
    this.checkNotInSafeMode(`Cannot truncate for ${p.src}`, ctx.nowMs);
    this.namespace.checkPermission(p.src, this.checker(ctx), { access: 'WRITE' });
    this.requestRecoveryIfAbandoned(p.src, p.clientName, ctx.nowMs);
    const cut = this.namespace.truncate(p.src, {
      newLength: p.newLength,
      clientName: p.clientName,
      clientMachine: ctx.callerAddr,
      nowMs: ctx.nowMs,
    });
    if (cut.pending) return false;
    this.log(cut.ops);
    this.blocks.removeBlocks(cut.removedBlocks);
    if (!cut.truncateBlock) return true;
    // Copy-on-truncate: the new block joins the BlockMap (addBlockCollection); the old one stays.
    const file = this.namespace.resolve(p.src);
    if (cut.copyFrom && file?.kind === 'FILE')
      this.blocks.addUnderConstruction(cut.truncateBlock, file.replication, []);
    this.leaseMonitor.startTruncateRecovery(p.src, ctx.nowMs);
    return false;
  }

  private complete(p: RpcMethods['complete']['req'], ctx: CallContext): boolean {
    this.checkNotInSafeMode(`Cannot complete file ${p.src}`, ctx.nowMs);
    this.namespace.checkOpenFileId(p.src, p.fileId, p.clientName);
    if (p.last) this.blocks.commit(p.last);
    const blocks = this.namespace.getBlocks(p.src);
    if (blocks === null) throw new RemoteError('FileNotFoundException', `File does not exist: ${p.src}`);
    const status = this.fileStatusOrThrow(p.src);
    if (!status.underConstruction) {
      // A retry of a complete that already succeeded.
      this.log(
        this.namespace.completeFile(p.src, { clientName: p.clientName, last: p.last, nowMs: ctx.nowMs }),
      );
      return true;
    }
    // Every block must be COMPLETE (minimally replicated) — else the client waits and retries.
    for (const b of blocks) {
      if (!this.blocks.isComplete(b.blockId)) return false;
    }
    this.log(
      this.namespace.completeFile(p.src, { clientName: p.clientName, last: p.last, nowMs: ctx.nowMs }),
    );
    for (const b of blocks) {
      const info = this.blocks.get(b.blockId);
      if (info)
        this.emit({ type: 'block-complete', block: refOf(info), replicas: [...info.replicas.keys()] });
    }
    return true;
  }

  /**
   * FSDirRenameOp.renameTo with options (rename2): the destination is the exact new path, never
   * "into" a directory; with OVERWRITE an existing file or empty directory of the same kind is
   * replaced. Logged as one OP_RENAME with the options.
   */
  private rename2(p: RpcMethods['rename2']['req'], ctx: CallContext): null {
    const pc = this.checker(ctx);
    this.namespace.checkPermission(p.src, pc, { parentAccess: 'WRITE' });
    this.namespace.checkPermission(p.dst, pc, { ancestorAccess: 'WRITE' });
    this.checkNotInSafeMode(`Cannot rename ${p.src}`, ctx.nowMs);
    const src = this.namespace.getFileInfo(p.src);
    if (!src) throw new RemoteError('FileNotFoundException', `rename source ${p.src} is not found.`);
    const dst = this.namespace.getFileInfo(p.dst);
    if (dst) {
      if (dst.path === src.path)
        throw new RemoteError(
          'FileAlreadyExistsException',
          `The source ${p.src} and destination ${p.dst} are the same`,
        );
      if (dst.type !== src.type) {
        const kind = src.type === 'DIRECTORY' ? 'directories' : 'files';
        throw new RemoteError('IOException', `Source ${p.src} and destination ${p.dst} must both be ${kind}`);
      }
      if (!p.overwrite)
        throw new RemoteError('FileAlreadyExistsException', `rename destination ${p.dst} already exists`);
      if (dst.type === 'DIRECTORY' && dst.childrenNum > 0)
        throw new RemoteError('IOException', `rename destination directory is not empty: ${p.dst}`);
    } else {
      const parent = p.dst.replace(/\/[^/]*\/?$/, '') || '/';
      const parentStatus = this.namespace.getFileInfo(parent);
      if (!parentStatus)
        throw new RemoteError('FileNotFoundException', `rename destination parent ${p.dst} not found.`);
      if (parentStatus.type !== 'DIRECTORY')
        throw new RemoteError('ParentNotDirectoryException', `rename destination parent ${p.dst} is a file.`);
    }
    // ClientNamenodeProtocolServerSideTranslatorPB.rename2's option list: OVERWRITE and/or
    // TO_TRASH, else NONE. One OP_RENAME carries them; replaying it with OVERWRITE removes the old
    // destination, as FSDirRenameOp.renameForEditLog does.
    const options: RenameOption[] = [
      ...(p.overwrite ? (['OVERWRITE'] as const) : []),
      ...(p.toTrash ? (['TO_TRASH'] as const) : []),
    ];
    const replaced =
      dst?.type === 'FILE' ? this.namespace.notInSnapshots(this.namespace.getBlocks(p.dst) ?? []) : [];
    this.log(
      this.namespace.renameTo(p.src, p.dst, {
        options: options.length > 0 ? options : ['NONE'],
        nowMs: ctx.nowMs,
        ...(ctx.rpcIds ? { rpcIds: ctx.rpcIds } : {}),
      }),
    );
    this.blocks.removeBlocks(replaced);
    return null;
  }

  /**
   * FSDirStatAndListingOp.getBlockLocations + BlockManager.createLocatedBlocks: the blocks of the
   * byte range asked for (locatedRange; a client asks for its prefetch window and more as it
   * reads), the file's length without a last block still under construction, and the last block
   * on its own (for a snapshot: the snapshot's length, its last block, never under construction).
   */
  private getBlockLocations(
    p: RpcMethods['getBlockLocations']['req'],
    ctx: CallContext,
  ): LocatedBlocks | null {
    this.namespace.checkPermission(p.src, this.checker(ctx), { access: 'READ' });
    const status = this.namespace.getFileInfo(p.src);
    if (!status) throw new RemoteError('FileNotFoundException', `File does not exist: ${p.src}`);
    if (status.type !== 'FILE')
      throw new RemoteError('FileNotFoundException', `Path is not a file: ${p.src}`);
    const blocks = this.namespace.getBlocks(p.src) ?? [];
    const inSnapshot = this.namespace.isInSnapshot(p.src);
    if (!this.safemode.isOn())
      this.log(this.namespace.recordAccess(p.src, ctx.nowMs, this.settings.accessTimePrecisionMs));
    const last = blocks.at(-1);
    if (!last) {
      return {
        fileLength: 0,
        underConstruction: status.underConstruction,
        blocks: [],
        lastBlock: null,
        isLastBlockComplete: false,
      };
    }
    const sizes = blocks.map((b) => b.numBytes);
    const lastComplete = inSnapshot || this.blocks.isComplete(last.blockId);
    const fileLength = inSnapshot ? status.length : lengthWithoutLastUcBlock(sizes, lastComplete);
    const length = inSnapshot ? Math.min(p.length, fileLength - p.offset) : p.length;
    const range = locatedRange(sizes, p.offset, length);
    const starts = blockStarts(sizes);
    const locate = this.blockLocator(p.readerHost || ctx.callerAddr, inSnapshot);
    const located: LocatedBlock[] = [];
    for (let i = range.first; i < range.end; i++) {
      const lb = locate(blocks[i] as BlockRef, starts[i] as number);
      if (lb) located.push(lb);
    }
    const tail = inSnapshot
      ? blockReaching(sizes, fileLength)
      : { index: blocks.length - 1, start: lastComplete ? fileLength - last.numBytes : fileLength };
    return {
      fileLength,
      underConstruction: status.underConstruction && !inSnapshot,
      blocks: located,
      lastBlock: locate(blocks[tail.index] as BlockRef, tail.start),
      isLastBlockComplete: lastComplete,
    };
  }

  /**
   * A block of a file as getBlockLocations lists it: its live replicas sorted by distance to the
   * reader (a block being written: its pipeline; none live: its corrupt replicas, marked corrupt).
   * Null for a block the block map does not know.
   */
  private blockLocator(
    readerAddr: string,
    inSnapshot: boolean,
  ): (b: BlockRef, startOffset: number) => LocatedBlock | null {
    const reader = this.readerEndpoint(readerAddr);
    const holders = this.replicaHolders();
    return (b, startOffset) => {
      const info = this.blocks.get(b.blockId);
      if (!info) return null;
      // createLocatedBlock: a replica on an IN_MAINTENANCE DataNode is not offered to readers.
      let names = this.blocks.liveReplicas(
        info,
        (dn) => this.datanodes.isUsable(dn) && this.datanodes.get(dn)?.adminState !== 'IN_MAINTENANCE',
      );
      let corrupt = false;
      if (names.length === 0 && info.ucState !== 'COMPLETE') {
        names = info.expectedLocations.filter((dn) => this.datanodes.isUsable(dn));
      }
      if (names.length === 0 && info.corrupt.size > 0) {
        names = [...info.corrupt.keys()].filter((dn) => this.datanodes.isUsable(dn));
        corrupt = true;
      }
      const sorted = sortLocatedReplicas(reader, names, this.topology, this.prng, {
        holders,
        avoidStale: this.settings.avoidReadStale,
      });
      // Through a snapshot, a block appended to since shows the length it had then.
      const ref = inSnapshot
        ? { ...refOf(info), numBytes: Math.min(info.numBytes, b.numBytes) }
        : refOf(info);
      const lb = this.located(ref, sorted, startOffset, corrupt);
      lb.corruptLocations = [...info.corrupt.keys()];
      return lb;
    };
  }

  /**
   * FSNamesystem.getAdditionalDatanode (pipeline recovery): one more target for
   * a block being written, chosen by the placement policy with the pipeline's DataNodes counted
   * for the rack rule; the answer lists those DataNodes, then the new one.
   */
  private getAdditionalDatanode(
    p: RpcMethods['getAdditionalDatanode']['req'],
    ctx: CallContext,
  ): LocatedBlock {
    const status = this.fileStatusOrThrow(p.src);
    this.namespace.checkLeaseHolder(p.src, p.clientName);
    const targets = this.chooseTargets({
      writer: this.datanodeAt(ctx.callerAddr),
      replicas: 1,
      chosen: p.existing,
      excluded: [...p.excludes, ...p.existing],
      blockSize: status.blockSize,
    });
    return this.located(p.block, [...p.existing, ...targets], 0);
  }

  private contentSummary(src: string): ContentSummary {
    const s = this.namespace.contentSummary(src);
    const q = this.namespace.quotaOf(src);
    return { ...s, quota: Number(q?.nsQuota ?? -1), spaceQuota: Number(q?.dsQuota ?? -1) };
  }

  /**
   * getQuotaUsage: a directory with a quota answers from its quota feature (the usage its quotas
   * are checked against, which counts an INode renamed within it since a snapshot twice); any
   * other path falls back to getContentSummary's figures, as FSDirStatAndListingOp does.
   */
  private quotaUsage(src: string): QuotaUsage {
    const withQuota = this.namespace.directoryQuotaUsage(src);
    if (withQuota) return withQuota;
    return quotaUsageOfSummary(this.contentSummary(src));
  }

  // ---------------------------------------------------------------------------------------------
  // Datanode protocol
  // ---------------------------------------------------------------------------------------------

  namespaceInfo(): NamespaceInfo {
    return {
      namespaceId: this.identity.namespaceId,
      clusterId: this.identity.clusterId,
      blockPoolId: this.identity.blockPoolId,
      layoutVersion: NAMENODE_LAYOUT_VERSION,
      cTime: this.identity.cTime,
      softwareVersion: this.settings.softwareVersion,
    };
  }

  /**
   * NameNodeRpcServer.verifyRequest: a registration from another namespace (its namespace id,
   * cluster id and cTime, HDFS's registration id) is refused.
   */
  private verifyRequest(registration: DatanodeRegistration): void {
    const theirs = registration.storageInfo;
    const ours = this.identity;
    if (
      theirs.namespaceId === ours.namespaceId &&
      theirs.clusterId === ours.clusterId &&
      theirs.cTime === ours.cTime
    )
      return;
    throw new RemoteError(
      'UnregisteredNodeException',
      `Unregistered server: ${describeRegistration(registration)}: registration ID NS-${theirs.namespaceId}-${theirs.clusterId}-${theirs.cTime} but the expected ID is NS-${ours.namespaceId}-${ours.clusterId}-${ours.cTime}`,
    );
  }

  /** The registered, live DataNode a report comes from; HDFS refuses a report from any other. */
  private reportingDatanode(registration: DatanodeRegistration, what: string): DatanodeDescriptor {
    this.verifyRequest(registration);
    const d = this.datanodes.byUuid(registration.datanode.datanodeUuid);
    if (d && d.liveness !== 'dead') return d;
    throw new RemoteError(
      'IOException',
      `${what} from dead or unregistered node: ${describeRegistration(registration)}`,
    );
  }

  private registerDatanode(
    registration: DatanodeRegistration,
    nowMs: number,
  ): { registration: DatanodeRegistration } {
    this.verifyRequest(registration);
    const wire = registration.datanode;
    const address = xferAddr(wire);
    const known = this.datanodes.byUuid(wire.datanodeUuid);
    const name = known?.id.name ?? this.datanodeNameOf(wire) ?? address;
    const id: DatanodeId = { ...wire, name, storageId: known?.id.storageId ?? wire.storageId };
    if (!this.admin.admits(wire)) {
      throw new RemoteError(
        'DisallowedDatanodeException',
        `Datanode denied communication with namenode because the host is not in the include-list: ${describeRegistration(registration)}`,
      );
    }
    if (this.datanodes.get(name)) this.blocks.removeDatanode(name); // a re-registration starts from its block report
    const d = this.datanodes.register(id, nowMs);
    this.topology.add({ name, location: d.location, address });
    this.emit({ type: 'datanode-registered', datanode: name, location: d.location });
    this.admin.registered(d, nowMs);
    return { registration };
  }

  private heartbeat(
    p: RpcMethods['sendHeartbeat']['req'],
    nowMs: number,
  ): RpcMethods['sendHeartbeat']['res'] {
    this.verifyRequest(p.registration);
    const haStatus = { state: 'ACTIVE' as const, txid: this.lastTxid };
    const known = this.datanodes.byUuid(p.registration.datanode.datanodeUuid);
    const name = known?.id.name ?? '';
    const beat = known
      ? this.datanodes.heartbeat(
          name,
          {
            capacity: p.report.capacity,
            dfsUsed: p.report.dfsUsed,
            nonDfsUsed: p.report.nonDfsUsed,
            remaining: p.report.remaining,
            xceiverCount: p.xceiverCount,
            xmitsInProgress: p.xmitsInProgress,
          },
          nowMs,
        )
      : null;
    if (!beat) return { commands: [{ action: 'DNA_REGISTER' }], haStatus, fullBlockReportLeaseId: 0 };
    if (beat.descriptor.disallowed) this.refuseDisallowed(beat.descriptor, p.registration, nowMs);
    beat.descriptor.id.storageId = p.report.storageId;
    if (beat.cameBack) this.emit({ type: 'datanode-live', datanode: name });
    let fullBlockReportLeaseId = 0;
    if (p.requestFullBlockReportLease) {
      beat.descriptor.blockReportLeaseId = this.nextBlockReportLeaseId++;
      fullBlockReportLeaseId = beat.descriptor.blockReportLeaseId;
    }
    // In safe mode the NameNode sends no replication or deletion work.
    if (this.safemode.isOn()) return { commands: [], haStatus, fullBlockReportLeaseId };
    const commands: DatanodeCommand[] = this.datanodes.takeCommands(name);
    const invalidate = this.blocks.takeInvalidates(name, this.settings.invalidateLimit);
    if (invalidate.length > 0) {
      commands.push({ action: 'DNA_INVALIDATE', poolId: this.identity.blockPoolId, blocks: invalidate });
    }
    // DatanodeManager.handleHeartbeat: a pending balancer bandwidth goes once, after the block work.
    const bandwidth = beat.descriptor.balancerBandwidth;
    if (bandwidth > 0) {
      commands.push({ action: 'DNA_BALANCERBANDWIDTHUPDATE', bandwidth });
      beat.descriptor.balancerBandwidth = 0;
    }
    return { commands, haStatus, fullBlockReportLeaseId };
  }

  /**
   * DatanodeManager.removeDatanode: the DataNode counts as dead and its replicas leave the
   * BlockMap (the redundancy monitor copies them elsewhere); its next heartbeat is told to register.
   */
  private removeDatanode(d: DatanodeDescriptor, nowMs: number): void {
    this.datanodes.markDead(d.id.name);
    this.emit({ type: 'datanode-dead', datanode: d.id.name, lastHeartbeatAgoMs: nowMs - d.lastHeartbeatMs });
    this.blocks.removeDatanode(d.id.name);
  }

  /**
   * DatanodeManager.handleHeartbeat for a DataNode a refresh left out of the include file: HDFS
   * marks it dead (its replicas leave the BlockMap and are re-replicated) and refuses it.
   */
  private refuseDisallowed(d: DatanodeDescriptor, registration: DatanodeRegistration, nowMs: number): never {
    this.removeDatanode(d, nowMs);
    throw new RemoteError(
      'DisallowedDatanodeException',
      `Datanode denied communication with namenode because the host is not in the include-list: ${describeRegistration(registration)}`,
    );
  }

  /**
   * DatanodeManager.refreshNodes with the hosts files the runtime read: admin states follow
   * the new lists (decommissioning starts or stops; DataNodes left out of a non-empty include
   * list are refused at their next heartbeat). Returns the state events for the journal.
   */
  refreshHosts(hosts: HostsLists, nowMs: number): StateEvent[] {
    this.events = [];
    try {
      this.admin.refresh(hosts, nowMs);
      return this.events;
    } finally {
      this.events = [];
    }
  }

  /** What the lease monitor reads and changes of this NameNode. */
  private leaseMonitorHost(poolId: string): LeaseMonitorHost {
    return {
      namespace: this.namespace,
      blocks: this.blocks,
      poolId,
      usable: (dn) => this.datanodes.isUsable(dn),
      datanodeId: (dn) => this.datanodes.get(dn)?.id,
      datanodeNamed: (uuid) => this.datanodes.byUuid(uuid)?.id.name,
      lastHeartbeatMs: (dn) => this.datanodes.get(dn)?.lastHeartbeatMs ?? 0,
      storeReplica: (dn, block) => this.applyReplicaChanges(this.blocks.received(dn, block, 'RECEIVED')),
      queueCommand: (dn, command) => this.datanodes.queueCommand(dn, command),
      log: (ops) => this.log(ops),
      emit: (event) => this.emit(event),
    };
  }

  private applyReplicaChanges(changes: ReplicaChange[]): void {
    for (const c of changes) {
      if (c.kind === 'invalidate') {
        this.emit({ type: 'invalidate-scheduled', blocks: [c.block], datanode: c.datanode });
      } else if (c.kind === 'corrupt') {
        this.emit({
          type: 'replica-corrupt',
          block: c.block,
          datanode: c.datanode,
          reason: c.reason ?? 'corrupt',
        });
      } else if (c.kind === 'completed') {
        this.redundancy.completed(c.block.blockId);
      }
    }
  }

  private markCorrupt(block: BlockRef, datanode: string, reason: string): void {
    const info = this.blocks.markCorrupt(block.blockId, datanode, reason);
    if (info) this.emit({ type: 'replica-corrupt', block: refOf(info), datanode, reason });
  }

  // ---------------------------------------------------------------------------------------------
  // Monitors
  // ---------------------------------------------------------------------------------------------

  /**
   * recoverLeaseInternal's trigger: another client wants a file whose writer is past the soft
   * limit. The Namespace refuses this call ("lease recovery is in progress"); the lease monitor
   * starts the recovery at its next pass, so the ops it logs never ride on a failed call.
   */
  private requestRecoveryIfAbandoned(src: string, clientName: string, nowMs: number): void {
    const holder = this.namespace.leases.holderOf(src);
    if (!holder || holder === clientName) return;
    const softLimitMs = this.settings.leaseSoftLimitMs ?? LEASE_SOFT_LIMIT_MS;
    if (this.namespace.leases.softLimitExpired(holder, nowMs, softLimitMs))
      this.leaseMonitor.requestRecovery(src);
  }

  /** The lease monitor's pass (dfs.namenode.lease-recheck-interval-ms): its ops must be logged. */
  checkLeases(nowMs: number): CoreOutput<null> {
    this.ops = [];
    this.events = [];
    try {
      if (!this.safemode.isOn()) this.leaseMonitor.check(nowMs);
      return { result: null, ops: this.ops, events: this.events };
    } finally {
      this.ops = [];
      this.events = [];
    }
  }

  /**
   * The trash emptier's pass (TrashPolicyDefault.Emptier, every fs.trash.checkpoint.interval): old
   * checkpoints deleted, Current checkpointed. Its ops must be logged like an RPC's.
   */
  emptyTrash(nowMs: number): CoreOutput<null> {
    this.ops = [];
    this.events = [];
    try {
      const out = this.safemode.isOn() ? null : this.trashEmptier.tick(this.namespace, nowMs);
      if (out) {
        this.log(out.ops);
        this.blocks.removeBlocks(out.removedBlocks);
        for (const text of out.log) this.emit({ type: 'log', level: 'info', text });
      }
      return { result: null, ops: this.ops, events: this.events };
    } finally {
      this.ops = [];
      this.events = [];
    }
  }

  /** Periodic work: liveness (stale/dead), safe mode, re-replication and excess-replica removal. */
  tick(nowMs: number): StateEvent[] {
    this.events = [];
    const changes = this.datanodes.checkLiveness(nowMs);
    for (const s of changes.stale)
      this.emit({ type: 'datanode-stale', datanode: s.name, lastHeartbeatAgoMs: s.agoMs });
    for (const d of changes.dead) {
      this.emit({ type: 'datanode-dead', datanode: d.name, lastHeartbeatAgoMs: d.agoMs });
      // HeartbeatManager: a DataNode in maintenance keeps its replicas in the BlockMap (they come back).
      if (!isMaintenance(this.datanodes.get(d.name)?.adminState ?? 'NORMAL'))
        this.blocks.removeDatanode(d.name);
    }
    this.checkSafeMode(nowMs);
    if (!this.safemode.isOn()) this.redundancy.tick(nowMs);
    this.admin.tick(nowMs);
    const out = this.events;
    this.events = [];
    return out;
  }

  /** Complete blocks, those with their minimum live replicas, and live DataNodes: safe mode's inputs. */
  safeBlockCounts(): { totalBlocks: number; safeBlocks: number; liveDatanodes: number } {
    let total = 0;
    let safe = 0;
    for (const b of this.blocks.all()) {
      if (b.ucState !== 'COMPLETE') continue;
      total++;
      if (
        this.blocks.liveReplicas(b, (dn) => this.datanodes.isUsable(dn)).length >=
        this.settings.minReplication
      )
        safe++;
    }
    return { totalBlocks: total, safeBlocks: safe, liveDatanodes: this.datanodes.live().length };
  }

  private checkSafeMode(nowMs: number): void {
    if (!this.safemode.isOn()) return;
    if (this.safemode.check(this.safeBlockCounts(), nowMs))
      this.emit({ type: 'safemode', on: false, tip: '' });
  }

  safeModeStatus(nowMs: number): SafeModeStatus {
    return {
      on: this.safemode.isOn(),
      manual: this.safemode.isManual(),
      tip: this.safemode.tip(this.safeBlockCounts(), nowMs),
    };
  }

  private usable = (dn: string): boolean => this.datanodes.isUsable(dn);

  // ---------------------------------------------------------------------------------------------
  // Reports
  // ---------------------------------------------------------------------------------------------

  /**
   * DatanodeManager.getDatanodeListForReport: DECOMMISSIONING is the live ones being decommissioned;
   * a DataNode a non-empty include list leaves out is not listed, and an include entry no DataNode
   * registered from is listed dead (ALL and DEAD).
   */
  datanodeReport(type: RpcMethods['getDatanodeReport']['req']['type']): DatanodeStatus[] {
    const counts = new Map<string, number>();
    for (const b of this.blocks.all())
      for (const dn of b.replicas.keys()) counts.set(dn, (counts.get(dn) ?? 0) + 1);
    const wanted: Record<typeof type, (d: DatanodeDescriptor) => boolean> = {
      ALL: () => true,
      LIVE: (d) => d.liveness !== 'dead',
      DEAD: (d) => d.liveness === 'dead',
      DECOMMISSIONING: (d) => d.liveness !== 'dead' && d.adminState === 'DECOMMISSION_INPROGRESS',
      ENTERING_MAINTENANCE: (d) => d.adminState === 'ENTERING_MAINTENANCE',
      IN_MAINTENANCE: (d) => d.adminState === 'IN_MAINTENANCE',
    };
    const registered = this.datanodes.all();
    const listed = registered
      .filter((d) => wanted[type](d) && this.admin.admits(d.id))
      .map((d) => this.datanodes.info(d, counts.get(d.id.name) ?? 0));
    if (type !== 'ALL' && type !== 'DEAD') return listed;
    return [...listed, ...this.admin.neverRegistered(registered.map((d) => d.id))];
  }

  /**
   * The SnapshotInfo bean's two lists, for /jmx and the web UI's Snapshot tab: every snapshottable
   * directory as getSnapshottableDirListing answers the superuser, and every snapshot.
   */
  snapshotInfo(): SnapshotInfo {
    return { dirs: this.namespace.snapshottableDirs(), snapshots: this.namespace.snapshotList() };
  }

  /**
   * What the admin monitor last found for each DataNode decommissioning or entering maintenance
   * (NameNodeInfo.DecomNodes, EnteringMaintenanceNodes).
   */
  leavingService(): Record<string, LeavingServiceStatus> {
    const out: Record<string, LeavingServiceStatus> = {};
    for (const d of this.datanodes.all()) {
      const leaving = d.adminState === 'DECOMMISSION_INPROGRESS' || d.adminState === 'ENTERING_MAINTENANCE';
      if (leaving && d.liveness !== 'dead') out[d.id.name] = this.admin.leavingStatus(d.id.name);
    }
    return out;
  }

  /** FSNamesystem.metaSave's text (dfsadmin -metasave), for the process to write under its log directory. */
  metaSave(): string {
    return metaSaveText(
      collectMetaSaveFacts({
        blocks: this.blocks,
        datanodes: this.datanodes,
        inodes: this.namespaceCounts().filesTotal,
        classify: (info) => this.redundancy.classify(info),
        fileOf: (blockId) => this.namespace.fileOfBlock(blockId)?.path ?? null,
        reasonCode: corruptReasonCode,
      }),
    );
  }

  /** Files and directories (FilesTotal) and files open for write, for /jmx. */
  namespaceCounts(): { filesTotal: number; filesUnderConstruction: number } {
    const summary = this.namespace.contentSummary('/');
    const open = this.namespace.leases.leases().reduce((n, lease) => n + lease.paths.size, 0);
    return { filesTotal: summary.fileCount + summary.directoryCount, filesUnderConstruction: open };
  }

  /** The core's part of a /jmx snapshot at `nowMs`; the HTTP side adds the process's addresses and times. */
  jmxState(
    nowMs: number,
  ): Pick<
    NamenodeJmxSnapshot,
    'status' | 'snapshots' | 'datanodes' | 'filesTotal' | 'filesUnderConstruction' | 'leavingService'
  > {
    return {
      status: this.status(nowMs),
      snapshots: this.snapshotInfo(),
      datanodes: this.datanodeReport('ALL'),
      ...this.namespaceCounts(),
      leavingService: this.leavingService(),
    };
  }

  /** NamenodeFsck's walk of the namespace under a path, with each block's replicas (the /fsck servlet). */
  fsck(p: FsckRequest): FsckResult {
    const base: FsckResult = {
      exists: false,
      numDatanodes: this.datanodes.live().length,
      numRacks: new Set(this.datanodes.live().map((d) => d.location)).size,
      defaultReplication: this.settings.defaultReplication,
      blockPoolId: this.identity.blockPoolId,
      files: [],
    };
    const root = this.namespace.getFileInfo(p.path);
    if (!root) return base;
    base.exists = true;
    // -includeSnapshots: NamenodeFsck.checkDir walks a snapshottable directory's .snapshot first.
    const snapshottable = new Set(
      p.includeSnapshots ? this.namespace.snapshottableDirs().map((d) => d.status.path) : [],
    );
    const walk = (path: string, status: NamespaceFileStatus): void => {
      if (status.type === 'DIRECTORY') {
        if (snapshottable.has(path)) {
          const dotSnapshot = `${path.endsWith('/') ? path : `${path}/`}${DOT_SNAPSHOT}`;
          const info = this.namespace.getFileInfo(dotSnapshot);
          if (info) walk(dotSnapshot, info);
        }
        base.files.push({
          path,
          isDir: true,
          length: 0,
          replication: 0,
          underConstruction: false,
          blocks: [],
        });
        for (const child of this.namespace.getListing(path) ?? []) walk(child.path, child);
        return;
      }
      base.files.push(this.fsckFile(path, status));
    };
    walk(p.path, root);
    return base;
  }

  /**
   * NamenodeFsck.blockIdCK's facts about one block: its file, NumberReplicas' counts and every
   * storage holding it (corrupt ones with their CorruptReplicasMap.Reason); null when the BlockMap
   * has no such block.
   */
  fsckBlock(blockId: number): FsckBlockFacts | null {
    const info = this.blocks.get(blockId);
    const owner = this.namespace.fileOfBlock(blockId);
    if (!info || !owner) return null;
    const counts = this.countReplicas(info);
    const replicas = info.storages.map((dn) => {
      const reason = info.corrupt.get(dn);
      return {
        ...this.fsckHolder(dn),
        ...(reason === undefined ? {} : { corruptReason: corruptReasonCode(reason) }),
      };
    });
    return {
      path: owner.path,
      expected: info.expectedReplication,
      live: counts.live.length,
      excess: 0,
      stale: counts.live.filter((dn) => this.datanodes.get(dn)?.liveness === 'stale').length,
      decommissioned: counts.decommissioned.length,
      decommissioning: counts.decommissioning.length,
      corrupt: info.corrupt.size,
      replicas,
    };
  }

  /**
   * FSNamesystem.listCorruptFileBlocks: the blocks with no usable replica (the corrupt queue) whose
   * file's path starts with `path`, from the `cookie`-th on, at most
   * CORRUPT_FILE_BLOCKS_RETURNED_MAX; the cookie to ask with next. Null when `path` does not exist.
   */
  listCorruptFileBlocks(path: string, cookie: string | null): CorruptFileBlocks | null {
    if (!this.namespace.getFileInfo(path)) return null;
    const corrupt = [...this.blocks.all()].filter((b) => {
      if (b.ucState !== 'COMPLETE') return false;
      const c = this.countReplicas(b);
      return c.live.length + c.decommissioning.length + c.decommissioned.length === 0;
    });
    if (corrupt.length === 0) return { cookie: cookie ?? '0', files: [] };
    let skip = /^-?\d+$/.test(cookie ?? '') ? Number(cookie) : 0;
    const files: CorruptFileBlocks['files'] = [];
    for (const b of corrupt.slice(Math.max(skip, 0))) {
      skip++;
      const owner = this.namespace.fileOfBlock(b.blockId);
      if (!owner || !owner.path.startsWith(path)) continue;
      files.push({ blockName: `blk_${b.blockId}`, path: owner.path });
      if (files.length >= CORRUPT_FILE_BLOCKS_RETURNED_MAX) break;
    }
    return { cookie: String(skip), files };
  }

  /** A DataNode as fsck names it: its transfer address, storage, rack, host name and state. */
  private fsckHolder(dn: string): FsckHolder {
    const d = this.datanodes.get(dn);
    return {
      name: dn,
      addr: d ? xferAddr(d.id) : dn,
      storageId: d?.id.storageId ?? '',
      rack: d?.location ?? DEFAULT_RACK,
      host: d?.id.hostName ?? dn,
      stale: d?.liveness === 'stale',
      adminState: d?.adminState ?? 'NORMAL',
    };
  }

  private fsckFile(path: string, status: NamespaceFileStatus): FsckFile {
    const describe = (dn: string): FsckHolder => this.fsckHolder(dn);
    const refs = this.namespace.getBlocks(path) ?? [];
    const blocks = refs.map((b) => {
      const info = this.blocks.get(b.blockId);
      const counts = info ? this.countReplicas(info) : noReplicas();
      const live = counts.live;
      const corrupt = info ? [...info.corrupt.keys()] : [];
      const underConstruction = info !== undefined && info.ucState !== 'COMPLETE';
      return {
        block: info ? refOf(info) : b,
        ...(underConstruction ? { expected: info.expectedLocations.map(describe) } : {}),
        live: live.map(describe),
        decommissioning: counts.decommissioning.map(describe),
        decommissioned: counts.decommissioned.map(describe),
        enteringMaintenance: counts.enteringMaintenance.map(describe),
        inMaintenance: counts.inMaintenance.map(describe),
        corrupt: corrupt.map(describe),
        storages: info ? [...info.storages] : [],
        misReplicated: live.length > 0 && !isPlacementSatisfied(live, status.replication, this.topology),
      };
    });
    const last = blocks[blocks.length - 1];
    return {
      path,
      isDir: false,
      length: status.length,
      replication: status.replication,
      underConstruction: status.underConstruction,
      ...(last?.expected ? { lastBlockComplete: false } : {}),
      blocks,
    };
  }

  /** Complete blocks low on live replicas, with corrupt replicas, and with none to read. */
  private redundancyCounts(): { under: number; corrupt: number; missing: number } {
    let under = 0;
    let corrupt = 0;
    let missing = 0;
    for (const b of this.blocks.all()) {
      if (b.ucState !== 'COMPLETE') continue;
      const counts = this.countReplicas(b);
      const live = counts.live.length;
      if (b.corrupt.size > 0) corrupt++;
      const outOfService =
        counts.decommissioning.length +
        counts.decommissioned.length +
        counts.enteringMaintenance.length +
        counts.inMaintenance.length;
      if (live + outOfService === 0) missing++;
      else if (live < expectedLiveRedundancy(b, counts, this.minMaintenanceReplication)) under++;
    }
    return { under, corrupt, missing };
  }

  status(nowMs: number): NameNodeStatus {
    const { under, corrupt, missing } = this.redundancyCounts();
    const all = this.datanodes.all();
    const live = all.filter((d) => d.liveness !== 'dead');
    // HeartbeatManager's DatanodeStats: only in-service DataNodes count in the cluster's capacity,
    // used and remaining space; a decommissioning, decommissioned or maintenance one adds nothing.
    const inService = live.filter((d) => d.adminState === 'NORMAL');
    return {
      safemode: this.safeModeStatus(nowMs),
      lastTxid: this.lastTxid,
      lastCheckpointTxid: this.lastCheckpoint.txid,
      lastCheckpointMs: this.lastCheckpoint.ms,
      clusterId: this.identity.clusterId,
      blockPoolId: this.identity.blockPoolId,
      live: live.length,
      dead: all.length - live.length,
      stale: all.filter((d) => d.liveness === 'stale').length,
      blocks: this.blocks.size,
      underReplicated: under,
      corruptBlocks: corrupt,
      missingBlocks: missing,
      pendingDeletion: this.blocks.pendingDeletionCount(),
      capacity: inService.reduce((s, d) => s + d.capacity, 0),
      dfsUsed: inService.reduce((s, d) => s + d.dfsUsed, 0),
      remaining: inService.reduce((s, d) => s + d.remaining, 0),
    };
  }
}

/** DatanodeRegistration's text in HDFS's messages: DatanodeRegistration(ip:port, datanodeUuid=…, …). */
function describeRegistration(registration: DatanodeRegistration): string {
  const dn = registration.datanode;
  return `DatanodeRegistration(${xferAddr(dn)}, datanodeUuid=${dn.datanodeUuid}, infoPort=${dn.infoPort}, ipcPort=${dn.ipcPort})`;
}

/**
 * The finalized segments among a name directory's file names that hold txids from `sinceTxid` on,
 * oldest first (FileJournalManager#getRemoteEditLogs; in-progress segments are left out).
 */
export function finalizedSegments(fileNames: readonly string[], sinceTxid: number): RemoteEditLog[] {
  return fileNames
    .map((n) => /^edits_(\d+)-(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ startTxid: Number(m[1]), endTxid: Number(m[2]), isInProgress: false }))
    .filter((s) => s.endTxid >= sinceTxid)
    .sort((a, b) => a.startTxid - b.startTxid);
}
