/**
 * The NameNode's namespace: HDFS's FSDirectory plus the id counters of FSNamesystem (inode ids,
 * block ids, generation stamps), without its god class or its locks.
 *
 * ONE APPLY PATH. The namespace changes only in `applyOp`. Each public mutation
 *   1. validates its input against the current state and throws a RemoteError with HDFS's
 *      exception name and words when it is invalid (nothing has changed at that point);
 *   2. builds the PendingOps HDFS would log, in HDFS's order, and applies each one through
 *      `applyOp` as soon as it is built (a later op may depend on an earlier one: OP_ADD needs the
 *      directories its OP_MKDIRs made, the next inode id follows the last one applied);
 *   3. returns the PendingOps. The NameNode runtime appends them to the edit log, which assigns
 *      txids. Ops are not given txids here because the log owns that sequence (segment starts and
 *      ends take txids too); `applyOp` ignores `txid`, so it takes ops with or without one.
 * Replay after a restart is `applyOp` for every op read from the edit log — the same code.
 *
 * Leases follow the same rule for which files are open (OP_ADD opens, OP_CLOSE and deletes
 * close, OP_REASSIGN_LEASE moves). Lease renewal times are not logged state: the runtime renews
 * them through `leases` as renewLease RPCs arrive, and calls `leases.renewAll(now)` after loading,
 * as HDFS does on startup.
 *
 * What is not here: replica locations and block states (COMMITTED/COMPLETE) belong to the BlockMap;
 * the caller checks "enough replicas" before `allocateBlock`/`completeFile`, and drops the blocks a
 * delete returns. Permissions are checked by `checkPermission` (FSPermissionChecker's rules),
 * which the NameNode core calls before a mutation or a read with the caller's PermissionChecker.
 */
import { defaultConfig } from '../config/config.js';
import { RemoteError, type ErrorClass } from '../protocol/errors.js';
import { blockName, type NamespaceFileStatus } from '../protocol/types.js';
import {
  NO_RPC_IDS,
  type BlockRef,
  type EditLogOp,
  type EditLogOpOf,
  type OpName,
  type PendingOp,
  type PermissionStatus,
  type RenameOption,
  type RpcIds,
} from './editlog/ops.js';
import {
  GENSTAMP_RESERVED,
  GRANDFATHER_INODE_ID,
  LAST_RESERVED_BLOCK_ID,
  LONG_MAX,
  NAMENODE_LAYOUT_VERSION,
  ROOT_INODE_ID,
  type FsImage,
} from './fsimage/image.js';
import {
  addChild,
  fileLength,
  fullPath,
  getChild,
  newDirectory,
  newFile,
  removeChild,
  touchDirectory,
  walk,
  type INode,
  type INodeDirectory,
  type INodeFile,
} from './inode.js';
import { LEASE_SOFT_LIMIT_MS, LeaseManager, NAMENODE_LEASE_HOLDER } from './leases.js';
import { checkPath, childPath, compareNames, isSameOrUnder, joinComponents } from './paths.js';
import type { FsAction, PermissionChecker, PermissionSubject } from './permission.js';
import {
  filterAclEntriesByAclSpec,
  filterDefaultAclEntries,
  inheritedAcl,
  logicalAcl,
  mergeAclEntries,
  removedAclMode,
  replaceAclEntries,
  storeAcl,
  type AclEntry,
} from './acl.js';
import type { AclStatus, ContentSummary as WireContentSummary, QuotaUsage } from '../protocol/messages.js';
import {
  withXAttrRemoved,
  withXAttrReplaced,
  withXAttrSet,
  type XAttr,
  type XAttrSetFlags,
} from './xattr.js';
import {
  checkQuotaArguments,
  nextQuotas,
  QUOTA_RESET,
  usageWithSnapshots,
  verifyQuota,
  verifyQuotaForRename,
  type QuotaCounts,
  type UsageOf,
} from './quota.js';
import {
  checkSnapshotName,
  defaultSnapshotName,
  DOT_SNAPSHOT,
  findSnapshot,
  freezeSnapshotRoot,
  SNAPSHOT_QUOTA_DEFAULT,
  SnapshotManager,
  snapshotError,
  snapshotPath,
  type Snapshot,
  type SnapshottableDir,
} from './snapshot.js';
import { diffSnapshots, type SnapshotDiffReport } from './snapshot-diff.js';
import { contentWithSnapshots, fileBytesForQuota, preferredBlockReplication } from './snapshot-content.js';
import { placeReferences, planReferences } from './snapshot-references.js';
import {
  checkConcatArguments,
  checkConcatSource,
  checkConcatTarget,
  checkNoDuplicateSources,
  concatQuotaDelta,
} from './concat.js';
import { deletedInSnapshots, snapshotsFromImage, snapshotsToImage } from './snapshot-image.js';
import { copyBlocks, fromImageINode, toImageINode } from './inode-image.js';

/** dfs.namenode.replication.min: fewer replicas than this and a block is not complete. */
export const REPLICATION_MIN = 1;
/** dfs.namenode.accesstime.precision: a read updates atime (OP_TIMES) at most once per hour. */
export const ACCESS_TIME_PRECISION_MS = 3_600_000;
/** The first generation stamp a fresh image has used up (genstampV1 of every modern image). */
const GENSTAMP_V1 = GENSTAMP_RESERVED;

export interface NamespaceFormat {
  /** The user that formatted: owner of `/`. */
  superuser: string;
  /** dfs.permissions.superusergroup. */
  supergroup?: string;
  /** Random non-zero 31-bit int chosen at format time (by the caller's seeded PRNG). */
  namespaceId: number;
}

export interface NamespaceOptions {
  leaseSoftLimitMs?: number;
  /** dfs.namenode.fs-limits.min-block-size (absent: its default, 1 MiB): HDFS refuses smaller blocks to protect the NameNode's memory. */
  minBlockSizeBytes?: number;
  /** dfs.replication.max (absent: its default, 512): the most replicas a file may ask for. */
  maxReplication?: number;
}

/** The ACL calls of ClientProtocol, as FSDirAclOp names them. */
export type AclChange = 'modifyAclEntries' | 'removeAclEntries' | 'removeDefaultAcl' | 'removeAcl' | 'setAcl';

export interface CreateOptions {
  permission: PermissionStatus;
  /** The mode before the client's umask (FsCreateModes); used when the parent has a default ACL. */
  unmasked?: number;
  clientName: string;
  clientMachine: string;
  overwrite: boolean;
  createParent: boolean;
  replication: number;
  blockSizeBytes: number;
  nowMs: number;
  rpcIds?: RpcIds;
}

/** ClientProtocol's ContentSummary without the quotas, which the NameNode adds from the directory. */
export type ContentSummary = Omit<WireContentSummary, 'quota' | 'spaceQuota'>;

/** ErasureCodeConstants.REPLICATION_POLICY_NAME: the policy name of a replicated file. */
export const REPLICATION_POLICY_NAME = 'Replicated';

/**
 * What one call needs, as FSDirectory.checkPermission's arguments: `ancestorAccess` on the deepest
 * existing ancestor, `parentAccess` on the parent, `access` on the path itself, `subAccess` on
 * every directory below it (empty ones skipped), `owner`: the caller must own the path.
 * Traverse (EXECUTE on every directory up to the ancestor) is always checked.
 */
export interface AccessRequest {
  ancestorAccess?: FsAction;
  parentAccess?: FsAction;
  access?: FsAction;
  subAccess?: FsAction;
  /** With subAccess: directories with no entries are not checked (delete's rule). */
  ignoreEmptyDir?: boolean;
  owner?: boolean;
}

type AnyOp = EditLogOp | PendingOp;
/** One kind of op, with or without its txid. */
type OpOf<N extends OpName> = Omit<EditLogOpOf<N>, 'txid'>;

function fail(errorClass: ErrorClass, message: string): RemoteError {
  return new RemoteError(errorClass, message);
}

/** Block.matchingIdAndGenStamp: the same block in the same generation (two nulls match). */
function sameBlock(a: BlockRef | null, b: BlockRef | null): boolean {
  if (a === null || b === null) return a === b;
  return a.blockId === b.blockId && a.genStamp === b.genStamp;
}

/** FSDirMkdirOp.addImplicitUwx: directories made on the way get u+wx so the caller can go through. */
function withImplicitUwx(base: PermissionStatus, owner: PermissionStatus): PermissionStatus {
  return { user: owner.user, group: owner.group, mode: (base.mode & 0o777) | 0o300 };
}

/** A path looked up in the tree: what exists along it, and what is named by it. */
interface PathWalk {
  path: string;
  components: string[];
  /** The INodes that exist along the path, root first (`existing[i]` is named by components[0..i)). */
  existing: INode[];
  /** The INode the path names, or null. */
  last: INode | null;
  /** A file standing where the path needs a directory (its path), or null. */
  fileInTheWay: string | null;
  /** The path ends in `.snapshot` of this snapshottable directory (reads only). */
  dotSnapshot?: SnapshottableDir;
  /** The snapshot the path reads through (`…/.snapshot/NAME/…`), if any. */
  snapshot?: Snapshot;
}

export class Namespace {
  readonly leases = new LeaseManager();
  readonly snapshots = new SnapshotManager();
  private root: INodeDirectory;
  private readonly inodesById = new Map<number, INode>();
  private readonly fileByBlockId = new Map<number, INodeFile>();
  private namespaceIdValue: number;
  private lastInodeIdValue = ROOT_INODE_ID;
  private lastAllocatedBlockIdValue = LAST_RESERVED_BLOCK_ID;
  private genstampV2Value = GENSTAMP_RESERVED;
  private readonly leaseSoftLimitMs: number;
  private readonly minBlockSizeBytes: number;
  private readonly maxReplication: number;
  /** A subtree's quota usage, what snapshots hold below it included (quota.ts). */
  private readonly quotaUsage: UsageOf = (node) => usageWithSnapshots(node, this.snapshots, this.inodesById);

  /** A freshly formatted namespace: only `/`, owned by the superuser, mode 0755, mtime 0. */
  constructor(format: NamespaceFormat, options: NamespaceOptions = {}) {
    this.namespaceIdValue = format.namespaceId;
    this.leaseSoftLimitMs = options.leaseSoftLimitMs ?? LEASE_SOFT_LIMIT_MS;
    this.minBlockSizeBytes =
      options.minBlockSizeBytes ?? defaultConfig().bytes('dfs.namenode.fs-limits.min-block-size');
    this.maxReplication = options.maxReplication ?? defaultConfig().int('dfs.replication.max');
    this.root = newDirectory({
      id: ROOT_INODE_ID,
      name: '',
      permission: { user: format.superuser, group: format.supergroup ?? 'supergroup', mode: 0o755 },
      mtime: 0,
      nsQuota: LONG_MAX,
    });
    this.inodesById.set(ROOT_INODE_ID, this.root);
  }

  get namespaceId(): number {
    return this.namespaceIdValue;
  }
  get lastInodeId(): number {
    return this.lastInodeIdValue;
  }
  get lastAllocatedBlockId(): number {
    return this.lastAllocatedBlockIdValue;
  }
  get genstampV2(): number {
    return this.genstampV2Value;
  }

  // ---------------------------------------------------------------------------------------------
  // Image
  // ---------------------------------------------------------------------------------------------

  static fromImage(image: FsImage, options: NamespaceOptions = {}): Namespace {
    const rootImage = image.inodes.find((i) => i.id === ROOT_INODE_ID);
    if (!rootImage?.directory) throw new Error(`fsimage: no root directory (inode ${ROOT_INODE_ID})`);
    const ns = new Namespace(
      { superuser: rootImage.directory.permission.user, namespaceId: image.namespaceId },
      options,
    );
    ns.loadImage(image);
    return ns;
  }

  private loadImage(image: FsImage): void {
    this.inodesById.clear();
    for (const inode of image.inodes) this.inodesById.set(inode.id, fromImageINode(inode));
    const root = this.inodesById.get(ROOT_INODE_ID);
    if (root?.kind !== 'DIRECTORY') throw new Error('fsimage: the root inode is not a directory');
    this.root = root;
    for (const entry of image.directories) {
      const parent = this.inodesById.get(entry.parent);
      if (parent?.kind !== 'DIRECTORY') throw new Error(`fsimage: parent ${entry.parent} is not a directory`);
      for (const childId of entry.children) {
        const child = this.inodesById.get(childId);
        if (!child) throw new Error(`fsimage: directory ${entry.parent} lists unknown inode ${childId}`);
        addChild(parent, child);
      }
    }
    // INodes only snapshots hold have no live parent; their snapshots' diffs list them as deleted.
    const snapshotOnly = deletedInSnapshots(image.snapshots);
    for (const inode of [...this.inodesById.values()]) {
      if (inode === this.root || inode.parent !== null) continue;
      if (!snapshotOnly.has(inode.id)) throw new Error(`fsimage: inode ${inode.id} has no parent`);
      this.inodesById.delete(inode.id);
      if (inode.kind === 'FILE') this.snapshots.deletedFiles.set(inode.id, inode);
    }
    if (image.snapshots) {
      const records = new Map(image.inodes.map((i) => [i.id, i]));
      const loaded = snapshotsFromImage(image.snapshots, records, this.inodesById);
      this.snapshots.snapshotCounter = loaded.counter;
      for (const s of loaded.dirs) this.snapshots.byDirId.set(s.dir.id, s);
    }
    for (const inode of this.inodesById.values()) {
      if (inode.kind !== 'FILE') continue;
      for (const b of inode.blocks) this.fileByBlockId.set(b.blockId, inode);
      if (inode.underConstruction)
        this.leases.addLease(inode.underConstruction.clientName, fullPath(inode), 0);
    }
    this.namespaceIdValue = image.namespaceId;
    this.lastInodeIdValue = image.lastInodeId;
    this.lastAllocatedBlockIdValue = image.lastAllocatedBlockId;
    this.genstampV2Value = image.genstampV2;
  }

  /** The image HDFS would save at `txid`: inodes in id order, children by name, open files. */
  toImage(txid: number): FsImage {
    const inodes = [...this.inodesById.values()].sort((a, b) => a.id - b.id);
    const snapshots = snapshotsToImage(this.snapshots, this.inodesById);
    const images = inodes.map(toImageINode);
    if (snapshots) images.push(...snapshots.snapshotOnly);
    const image: FsImage = {
      layoutVersion: NAMENODE_LAYOUT_VERSION,
      namespaceId: this.namespaceIdValue,
      genstampV1: GENSTAMP_V1,
      genstampV2: this.genstampV2Value,
      genstampV1Limit: 0,
      lastAllocatedBlockId: this.lastAllocatedBlockIdValue,
      txid,
      lastInodeId: this.lastInodeIdValue,
      inodes: images.sort((a, b) => a.id - b.id),
      directories: inodes.flatMap((n) =>
        n.kind === 'DIRECTORY' && n.children.length > 0
          ? [{ parent: n.id, children: n.children.map((c) => c.id) }]
          : [],
      ),
      filesUnderConstruction: inodes.flatMap((n) =>
        n.kind === 'FILE' && n.underConstruction ? [{ id: n.id, path: fullPath(n) }] : [],
      ),
      ...(snapshots ? { snapshots: snapshots.snapshots } : {}),
    };
    return snapshots ? placeReferences(image, planReferences(this.snapshots, this.inodesById)) : image;
  }

  // ---------------------------------------------------------------------------------------------
  // Mutations: validate, build ops, apply them, return them
  // ---------------------------------------------------------------------------------------------

  /** `hdfs dfs -mkdir [-p]`: one OP_MKDIR per missing directory, parent first; [] if it exists. */
  mkdirs(
    path: string,
    options: { permission: PermissionStatus; unmasked?: number; createParent: boolean; nowMs: number },
  ): PendingOp[] {
    const w = this.walkForCreate(path);
    if (w.last?.kind === 'FILE')
      throw fail('FileAlreadyExistsException', `Path is not a directory: ${w.path}`);
    if (w.last) return [];
    if (!options.createParent) this.verifyParentDir(w);
    const missing = w.components.slice(w.existing.length - 1);
    verifyQuota(w.existing, { namespace: missing.length, storagespace: 0 }, this.quotaUsage);
    const ancestorPermission = withImplicitUwx(options.permission, options.permission);
    const ops: PendingOp[] = [];
    let dirPath = joinComponents(w.components.slice(0, w.existing.length - 1));
    missing.forEach((name, i) => {
      const parentPath = dirPath;
      dirPath = childPath(dirPath, name);
      const last = i === missing.length - 1;
      this.emit(ops, {
        op: 'OP_MKDIR',
        inodeId: this.lastInodeIdValue + 1,
        path: dirPath,
        timestamp: options.nowMs,
        ...this.withInheritedAcl(parentPath, {
          permission: last ? options.permission : ancestorPermission,
          isDirectory: true,
          ...(last && options.unmasked !== undefined ? { unmasked: options.unmasked } : {}),
        }),
      });
    });
    return ops;
  }

  /**
   * ClientProtocol.create. Ops: [OP_MKDIR for missing parents (createParent)…, OP_ADD]. Overwriting
   * an existing file logs no OP_DELETE: as in HDFS, OP_ADD with OVERWRITE true deletes the old file
   * when applied (live and on replay), and its blocks come back in `removedBlocks`.
   */
  create(
    path: string,
    options: CreateOptions,
  ): { ops: PendingOp[]; fileId: number; removedBlocks: BlockRef[] } {
    const w = this.walkForCreate(path);
    this.verifyReplication(w.path, options.replication, options.clientMachine);
    if (options.blockSizeBytes < this.minBlockSizeBytes) {
      throw fail(
        'IOException',
        `Specified block size is less than configured minimum value (dfs.namenode.fs-limits.min-block-size): ${options.blockSizeBytes} < ${this.minBlockSizeBytes}`,
      );
    }
    const existing = w.last;
    if (existing?.kind === 'DIRECTORY') {
      throw fail('FileAlreadyExistsException', `${w.path} already exists as a directory`);
    }
    let removedBlocks: BlockRef[] = [];
    if (existing) {
      if (!options.overwrite) {
        this.refuseIfBeingWritten(existing, w.path, options);
        throw fail(
          'FileAlreadyExistsException',
          `${w.path} for client ${options.clientMachine} already exists`,
        );
      }
      removedBlocks = this.notInSnapshots(copyBlocks(existing.blocks));
    } else if (!options.createParent) {
      this.verifyParentDir(w);
    }
    // The new file and the directories made for it count against the name quotas on the path. An
    // overwrite is FSDirWriteFileOp.startFile's delete then addFile: the new name is checked against
    // the usage the delete leaves, where an old file a snapshot holds keeps its name (FSDirDeleteOp
    // leaves it in the diff); a directory already over its quota refuses it either way.
    const names = existing ? 1 : w.components.length - w.existing.length + 1;
    const parents = existing ? w.existing.slice(0, -1) : w.existing;
    const released = existing && !this.snapshots.heldIds().has(existing.id) ? 1 : 0;
    verifyQuota(parents, { namespace: names, storagespace: 0 }, (dir) => {
      const used = this.quotaUsage(dir);
      return { ...used, namespace: used.namespace - released };
    });
    const ops: PendingOp[] = [];
    if (!existing) this.emitAncestorMkdirs(ops, w, options.permission, options.nowMs);
    const fileId = this.lastInodeIdValue + 1;
    const { permission, aclEntries } = this.withInheritedAcl(joinComponents(w.components.slice(0, -1)), {
      permission: options.permission,
      isDirectory: false,
      ...(options.unmasked !== undefined ? { unmasked: options.unmasked } : {}),
    });
    this.emit(ops, {
      op: 'OP_ADD',
      inodeId: fileId,
      path: w.path,
      replication: options.replication,
      mtime: options.nowMs,
      atime: options.nowMs,
      blockSize: options.blockSizeBytes,
      blocks: [],
      permission,
      ...(aclEntries ? { aclEntries } : {}),
      clientName: options.clientName,
      clientMachine: options.clientMachine,
      overwrite: options.overwrite,
      storagePolicyId: 0,
      erasureCodingPolicyId: 0,
      rpcIds: options.rpcIds ?? NO_RPC_IDS,
    });
    return { ops, fileId, removedBlocks };
  }

  /**
   * ClientProtocol.append, namespace side (FSDirAppendOp.appendFile / prepareFileForAppend): the
   * closed file at `path` is open for writing again under the caller's lease. Ops: [OP_APPEND].
   * The caller (the NameNode core) checks the last block's replication and turns it back into a
   * block under construction; `file` is the reopened INode.
   */
  append(
    path: string,
    options: { clientName: string; clientMachine: string; newBlock: boolean; nowMs: number; rpcIds?: RpcIds },
  ): { ops: PendingOp[]; file: INodeFile } {
    const w = this.walkPath(path);
    const node = w.last;
    if (node?.kind === 'DIRECTORY') {
      throw fail(
        'FileAlreadyExistsException',
        `Cannot append to directory ${w.path}; already exists as a directory.`,
      );
    }
    if (!node) {
      throw fail(
        'FileNotFoundException',
        `Failed to append to non-existent file ${w.path} for client ${options.clientMachine}`,
      );
    }
    this.refuseIfBeingWritten(node, w.path, { ...options, verb: 'APPEND_FILE' });
    const ops: PendingOp[] = [];
    this.emit(ops, {
      op: 'OP_APPEND',
      path: w.path,
      clientName: options.clientName,
      clientMachine: options.clientMachine,
      newBlock: options.newBlock,
      rpcIds: options.rpcIds ?? NO_RPC_IDS,
    });
    this.leases.renewLease(options.clientName, options.nowMs);
    return { ops, file: node };
  }

  /**
   * ClientProtocol.truncate, namespace side (FSDirTruncateOp.truncate): the blocks wholly past
   * `newLength` go (those a snapshot holds stay the snapshot's) and the mtime moves. On a block
   * boundary that is all: [OP_TRUNCATE], `truncateBlock` null. Inside a block the file is open
   * again under the caller's lease and its last block is to be cut by block recovery, with
   * `truncateBlock` the block as recovery must leave it. In place (prepareFileForTruncate), under a
   * new generation stamp: [OP_SET_GENSTAMP_V2, OP_TRUNCATE]. When a snapshot holds the last block
   * (shouldCopyOnTruncate), copy-on-truncate: the snapshot keeps it whole, and the file's last block
   * becomes a new block (createNewBlock) that recovery fills with the kept bytes (`copyFrom` the old
   * one): [OP_ALLOCATE_BLOCK_ID, OP_SET_GENSTAMP_V2, OP_TRUNCATE]. In place the last block keeps its
   * length and stamp until commitBlockSynchronization (the file shows its old length meanwhile, as
   * INodeFile.computeFileSize counts an under-construction last block's own bytes); a copy's new
   * block has the kept length at once. A second call for the length under way while that recovery
   * runs changes nothing (`pending`); see truncatingTo for what "under way" is.
   */
  truncate(
    path: string,
    options: { newLength: number; clientName: string; clientMachine: string; nowMs: number },
  ): {
    ops: PendingOp[];
    removedBlocks: BlockRef[];
    truncateBlock: BlockRef | null;
    copyFrom?: BlockRef;
    pending: boolean;
  } {
    const w = this.walkPath(path);
    const node = w.last;
    if (!node) throw fail('FileNotFoundException', `File does not exist: ${w.path}`);
    if (node.kind !== 'FILE') throw fail('FileNotFoundException', `Path is not a file: ${w.path}`);
    const failed = `Failed to TRUNCATE_FILE ${w.path} for ${options.clientName} on ${options.clientMachine} because`;
    const underway = node.underConstruction?.truncateBlock;
    if (underway) {
      if (truncatingTo(node) !== options.newLength)
        throw fail('AlreadyBeingCreatedException', `${failed} ${w.path} is being truncated.`);
      return { ops: [], removedBlocks: [], truncateBlock: { ...underway }, pending: true };
    }
    this.refuseIfBeingWritten(node, w.path, { ...options, verb: 'TRUNCATE_FILE' });
    const oldLength = fileLength(node);
    if (oldLength < options.newLength) {
      throw fail(
        'HadoopIllegalArgumentException',
        `Cannot truncate to a larger file size. Current size: ${oldLength}, truncate size: ${options.newLength}.`,
      );
    }
    const nothing = { ops: [], removedBlocks: [], truncateBlock: null, pending: false };
    if (oldLength === options.newLength) return nothing;
    const held =
      this.snapshots.byDirId.size === 0 ? new Map<number, BlockRef>() : this.snapshots.blocksInSnapshots();
    verifyQuota(
      w.existing.slice(0, -1),
      { namespace: 0, storagespace: this.truncateQuotaDelta(node, options.newLength, held) },
      this.quotaUsage,
    );
    const { kept, keptLength } = blocksWithin(node.blocks, options.newLength);
    // collectBlocksBeyondMax keeps what getSnapshotBlocksToRetain names: a snapshot's blocks stay.
    const removedBlocks = copyBlocks(node.blocks.slice(kept.length)).filter((b) => !held.has(b.blockId));
    const ops: PendingOp[] = [];
    let logged: BlockRef | null = null;
    const last = kept.at(-1);
    if (last && keptLength > options.newLength) {
      // The BLOCK that OP_TRUNCATE logs is prepareFileForTruncate's newBlock: in place the block at
      // its old length under the new stamp; a copy's new block has no bytes yet (createNewBlock).
      if (held.has(last.blockId)) {
        const blockId = this.lastAllocatedBlockIdValue + 1;
        this.emit(ops, { op: 'OP_ALLOCATE_BLOCK_ID', blockId });
        logged = { blockId, genStamp: this.genstampV2Value + 1, numBytes: 0 };
      } else logged = { ...last, genStamp: this.genstampV2Value + 1 };
      this.emit(ops, { op: 'OP_SET_GENSTAMP_V2', genStamp: logged.genStamp });
    }
    this.emit(ops, {
      op: 'OP_TRUNCATE',
      src: w.path,
      clientName: options.clientName,
      clientMachine: options.clientMachine,
      newLength: options.newLength,
      timestamp: options.nowMs,
      truncateBlock: logged,
    });
    if (!logged) return { ops, removedBlocks, truncateBlock: null, pending: false };
    this.leases.renewLease(options.clientName, options.nowMs);
    const uc = node.underConstruction!;
    return {
      ops,
      removedBlocks,
      truncateBlock: { ...uc.truncateBlock! },
      ...(uc.copyFrom ? { copyFrom: { ...uc.copyFrom } } : {}),
      pending: false,
    };
  }

  /**
   * INodeFile.computeQuotaDeltaForTruncate: the storage space a truncate to `newLength` frees
   * (negative) or takes. A block wholly cut frees its bytes; the block the cut falls in is charged
   * as a whole preferred block while recovery runs (it is copied or cut under construction); a
   * block a snapshot holds keeps its bytes charged (`held`), so copying one charges the new block.
   */
  private truncateQuotaDelta(
    file: INodeFile,
    newLength: number,
    held: ReadonlyMap<number, BlockRef>,
  ): number {
    let delta = 0;
    let size = fileLength(file);
    for (let i = file.blocks.length - 1; i >= 0 && size > newLength; i--) {
      const b = file.blocks[i]!;
      let freed = size - newLength < b.numBytes ? b.numBytes - file.preferredBlockSize : b.numBytes;
      if (held.has(b.blockId)) freed -= b.numBytes;
      delta -= freed * preferredBlockReplication(file, this.snapshots);
      size -= b.numBytes;
    }
    return delta;
  }

  /**
   * The end of block recovery (FSNamesystem.commitBlockSynchronization with closeFile): the file's
   * last block takes the recovered generation stamp and length, and the file is closed: [OP_CLOSE].
   */
  closeRecoveredFile(path: string, options: { newBlock: BlockRef; nowMs: number }): PendingOp[] {
    const w = this.walkPath(path);
    const file = w.last;
    if (file?.kind !== 'FILE' || !file.underConstruction)
      throw fail(
        'IOException',
        `Cannot close ${w.path} after block recovery: it is not a file open for writing`,
      );
    const blocks = copyBlocks(file.blocks);
    const last = blocks.at(-1);
    if (last?.blockId !== options.newBlock.blockId) {
      throw fail('IOException', `${blockName(options.newBlock)} is not the last block of ${w.path}`);
    }
    blocks[blocks.length - 1] = { ...options.newBlock };
    return this.closeFileOps(w.path, file, blocks, options.nowMs);
  }

  /**
   * ClientProtocol.addBlock, NameNode side. `previous` is the client's last block with its final
   * length (null for the first block). Ops: [OP_ALLOCATE_BLOCK_ID, OP_SET_GENSTAMP_V2, OP_ADD_BLOCK].
   * A retry whose reply was lost gets the block it was already given, with no ops. `nowMs` is
   * accepted for symmetry with the other calls; HDFS's addBlock changes no times.
   */
  allocateBlock(
    path: string,
    options: { clientName: string; previous: BlockRef | null; nowMs?: number },
  ): { block: BlockRef; ops: PendingOp[] } {
    const w = this.walkPath(path);
    const file = this.checkLease(w, options.clientName);
    const last = file.blocks.at(-1) ?? null;
    // FSDirWriteFileOp.analyzeFileState case 1: after an append to a file whose last block is
    // full, the client asks for a block with no `previous`; the new block follows the full one.
    const afterFullBlock =
      options.previous === null && last !== null && last.numBytes >= file.preferredBlockSize;
    if (!afterFullBlock && !sameBlock(options.previous, last)) {
      const penultimate = file.blocks.at(-2) ?? null;
      if (last && sameBlock(options.previous, penultimate)) {
        if (last.numBytes !== 0) {
          throw fail(
            'IOException',
            `Request looked like a retry to allocate block ${blockName(last)} but it already contains ${last.numBytes} bytes`,
          );
        }
        return { block: { ...last }, ops: [] };
      }
      const passed = options.previous ? blockName(options.previous) : 'null';
      throw fail(
        'IOException',
        `Cannot allocate block in ${w.path}: passed 'previous' block ${passed} does not match actual last block in file ${last ? blockName(last) : 'null'}`,
      );
    }
    // storeAllocatedBlock commits `previous` (its final length) before the new block's quota check,
    // so a refused addBlock leaves it committed: the file is as long as the client wrote.
    if (options.previous && last && sameBlock(options.previous, last))
      last.numBytes = options.previous.numBytes;
    // FSDirWriteFileOp.addBlock: a new block reserves a whole preferred block × replication; the
    // previous one, committed now, counts at its final length instead of the block it reserved.
    const grownBytes = options.previous ? options.previous.numBytes : file.preferredBlockSize;
    verifyQuota(
      w.existing.slice(0, -1),
      { namespace: 0, storagespace: grownBytes * file.replication },
      this.quotaUsage,
    );
    const block: BlockRef = {
      blockId: this.lastAllocatedBlockIdValue + 1,
      numBytes: 0,
      genStamp: this.genstampV2Value + 1,
    };
    const ops: PendingOp[] = [];
    this.emit(ops, { op: 'OP_ALLOCATE_BLOCK_ID', blockId: block.blockId });
    this.emit(ops, { op: 'OP_SET_GENSTAMP_V2', genStamp: block.genStamp });
    // HDFS logs the file's penultimate block (FSEditLog.logAddBlock), with previous's final length.
    const penultimate = options.previous ?? (afterFullBlock ? last : null);
    const blocks = penultimate ? [{ ...penultimate }, { ...block }] : [{ ...block }];
    this.emit(ops, { op: 'OP_ADD_BLOCK', path: w.path, blocks, rpcIds: NO_RPC_IDS });
    return { block, ops };
  }

  /**
   * ClientProtocol.complete: [OP_CLOSE] with every block at its final size, INODEID 0, the close
   * time as MTIME and the create time as ATIME; releases the lease. A retry of a complete whose
   * reply was lost (file already closed, same last block) succeeds with no ops.
   */
  completeFile(
    path: string,
    options: { clientName: string; last: BlockRef | null; nowMs: number },
  ): PendingOp[] {
    const w = this.walkPath(path);
    const node = w.last;
    if (
      node?.kind === 'FILE' &&
      !node.underConstruction &&
      sameBlock(options.last, node.blocks.at(-1) ?? null)
    ) {
      return [];
    }
    const file = this.checkLease(w, options.clientName);
    const blocks = copyBlocks(file.blocks);
    const fileLast = blocks.at(-1);
    if (options.last && fileLast) {
      this.checkCommit(fileLast, options.last);
      fileLast.numBytes = options.last.numBytes;
    }
    return this.closeFileOps(w.path, file, blocks, options.nowMs);
  }

  /**
   * ClientProtocol.fsync (FSNamesystem.fsync): the caller must hold the lease; a positive
   * `lastBlockLength` becomes the last block's length (updateLengthOfLastBlock), and the block list
   * is persisted: [OP_UPDATE_BLOCKS] without RPC ids (FSDirWriteFileOp.persistBlocks).
   */
  fsync(path: string, options: { clientName: string; lastBlockLength: number }): PendingOp[] {
    const w = this.walkPath(path);
    const file = this.checkLease(w, options.clientName);
    const blocks = copyBlocks(file.blocks);
    const last = blocks.at(-1);
    if (last && options.lastBlockLength > 0) last.numBytes = options.lastBlockLength;
    const ops: PendingOp[] = [];
    this.emit(ops, { op: 'OP_UPDATE_BLOCKS', path: w.path, blocks, rpcIds: NO_RPC_IDS });
    return ops;
  }

  /** ClientProtocol.abandonBlock: drops the file's last block ([OP_UPDATE_BLOCKS]); [] if it is not the last. */
  abandonBlock(path: string, options: { clientName: string; block: BlockRef }): PendingOp[] {
    const w = this.walkPath(path);
    const file = this.checkLease(w, options.clientName);
    const last = file.blocks.at(-1);
    if (!last || last.blockId !== options.block.blockId) return [];
    const ops: PendingOp[] = [];
    this.emit(ops, {
      op: 'OP_UPDATE_BLOCKS',
      path: w.path,
      blocks: copyBlocks(file.blocks.slice(0, -1)),
      rpcIds: NO_RPC_IDS,
    });
    return ops;
  }

  /** Pipeline recovery step 4: a new generation stamp for the block being written ([OP_SET_GENSTAMP_V2]). */
  updateBlockForPipeline(options: { block: BlockRef; clientName: string }): {
    genStamp: number;
    ops: PendingOp[];
  } {
    this.checkUCBlock(options.block, options.clientName);
    const genStamp = this.genstampV2Value + 1;
    const ops: PendingOp[] = [];
    this.emit(ops, { op: 'OP_SET_GENSTAMP_V2', genStamp });
    return { genStamp, ops };
  }

  /** Pipeline recovery step 6: the last block takes its new genstamp and length ([OP_UPDATE_BLOCKS]). */
  updatePipeline(options: {
    clientName: string;
    oldBlock: BlockRef;
    newBlock: BlockRef;
    rpcIds?: RpcIds;
  }): PendingOp[] {
    const { oldBlock, newBlock } = options;
    if (newBlock.blockId !== oldBlock.blockId) {
      throw fail(
        'IOException',
        `${blockName(newBlock)} and ${blockName(oldBlock)} has different block identifier`,
      );
    }
    const { file, path } = this.checkUCBlock(oldBlock, options.clientName);
    const stored = file.blocks.at(-1)!;
    if (newBlock.genStamp <= stored.genStamp || newBlock.numBytes < stored.numBytes) {
      throw fail(
        'IOException',
        `Update ${blockName(oldBlock)} (len = ${stored.numBytes}) to an older state: ${blockName(newBlock)} (len = ${newBlock.numBytes})`,
      );
    }
    if (newBlock.genStamp > this.genstampV2Value) {
      throw fail(
        'IOException',
        `Generation stamp ${newBlock.genStamp} of ${blockName(newBlock)} was never issued`,
      );
    }
    const blocks = copyBlocks(file.blocks);
    blocks[blocks.length - 1] = { ...newBlock };
    const ops: PendingOp[] = [];
    this.emit(ops, { op: 'OP_UPDATE_BLOCKS', path, blocks, rpcIds: options.rpcIds ?? NO_RPC_IDS });
    return ops;
  }

  /**
   * ClientProtocol.rename (the old rename, `hdfs dfs -mv`): [OP_RENAME_OLD]. Renaming into an
   * existing directory moves the source inside it. Like HDFS, a missing source, an existing
   * destination, a missing destination parent, or a destination under the source answer false
   * rather than an exception.
   */
  rename(
    src: string,
    dst: string,
    options: { nowMs: number; rpcIds?: RpcIds },
  ): { ok: boolean; ops: PendingOp[] } {
    const s = this.walkPath(src);
    const d = this.walkForCreate(dst);
    const refused = { ok: false, ops: [] };
    if (!s.last || s.last === this.root) return refused;
    const actualDst = d.last?.kind === 'DIRECTORY' ? childPath(d.path, s.last.name) : d.path;
    const ops: PendingOp[] = [];
    const op: PendingOp = {
      op: 'OP_RENAME_OLD',
      src: s.path,
      dst: actualDst,
      timestamp: options.nowMs,
      rpcIds: options.rpcIds ?? NO_RPC_IDS,
    };
    if (actualDst === s.path) {
      this.emit(ops, op);
      return { ok: true, ops };
    }
    if (isSameOrUnder(actualDst, s.path)) return refused;
    const target = this.walkPath(actualDst);
    if (target.last || target.existing.length < target.components.length) return refused;
    verifyQuotaForRename(s.existing, target.existing, s.last, null, this.quotaUsage);
    this.emit(ops, op);
    return { ok: true, ops };
  }

  /**
   * FSDirRenameOp.renameTo with options: [OP_RENAME] carrying them (TO_TRASH for a move to the
   * trash, NONE for a trash checkpoint). The caller has already checked what rename2 refuses; here
   * the source must exist and the destination's parent must be a directory.
   */
  renameTo(
    src: string,
    dst: string,
    options: { options: RenameOption[]; nowMs: number; rpcIds?: RpcIds },
  ): PendingOp[] {
    const s = this.walkPath(src);
    const d = this.walkForCreate(dst);
    if (!s.last || s.last === this.root)
      throw fail('FileNotFoundException', `rename source ${src} is not found.`);
    if (d.last && !options.options.includes('OVERWRITE'))
      throw fail('FileAlreadyExistsException', `rename destination ${dst} already exists`);
    if (d.existing.length < d.components.length)
      throw fail('FileNotFoundException', `rename destination parent ${dst} not found.`);
    if (isSameOrUnder(d.path, s.path))
      // FSDirRenameOp.validateDestination's words.
      throw fail('IOException', `Rename destination ${d.path} is a directory or file under source ${s.path}`);
    const dstAncestors = d.last ? d.existing.slice(0, -1) : d.existing;
    verifyQuotaForRename(s.existing, dstAncestors, s.last, d.last, this.quotaUsage);
    const ops: PendingOp[] = [];
    this.emit(ops, {
      op: 'OP_RENAME',
      src: s.path,
      dst: d.path,
      timestamp: options.nowMs,
      options: options.options,
      rpcIds: options.rpcIds ?? NO_RPC_IDS,
    });
    return ops;
  }

  /**
   * ClientProtocol.delete: [OP_DELETE] (one op however big the subtree). False for a missing path
   * and for `/`. `removedBlocks` lists every block of every file removed, for the BlockMap.
   */
  delete(
    path: string,
    options: { recursive: boolean; nowMs: number; rpcIds?: RpcIds },
  ): { ok: boolean; ops: PendingOp[]; removedBlocks: BlockRef[] } {
    const w = this.walkPath(path);
    const node = w.last;
    if (!node) return { ok: false, ops: [], removedBlocks: [] };
    if (!options.recursive && node.kind === 'DIRECTORY' && node.children.length > 0) {
      throw fail('PathIsNotEmptyDirectoryException', `\`${w.path} is non empty': Directory is not empty`);
    }
    if (node === this.root) return { ok: false, ops: [], removedBlocks: [] };
    this.snapshots.checkDeletable(node);
    const removedBlocks = this.notInSnapshots(
      [...walk(node)].flatMap((n) => (n.kind === 'FILE' ? copyBlocks(n.blocks) : [])),
    );
    const ops: PendingOp[] = [];
    this.emit(ops, {
      op: 'OP_DELETE',
      path: w.path,
      timestamp: options.nowMs,
      rpcIds: options.rpcIds ?? NO_RPC_IDS,
    });
    return { ok: true, ops, removedBlocks };
  }

  /**
   * ClientProtocol.concat (FSDirConcatOp.concat): the sources' blocks appended to the target's in the
   * order given, the sources deleted: [OP_CONCAT_DELETE]. WRITE on the target, READ on each source and
   * WRITE on its directory, checked as HDFS checks them (target first, then each source in turn);
   * the rules are in concat.ts. `movedBlocks` now belong to the target and take its `replication`.
   */
  concat(
    target: string,
    srcs: readonly string[],
    options: { pc: PermissionChecker | null; nowMs: number; rpcIds?: RpcIds },
  ): { ops: PendingOp[]; movedBlocks: BlockRef[]; replication: number } {
    checkConcatArguments(target, srcs);
    const t = this.walkPath(target);
    this.checkPermission(target, options.pc, { access: 'WRITE' });
    const file = checkConcatTarget(t.last, t.path);
    const sources = srcs.map((src) => {
      const w = this.walkPath(src);
      this.checkPermission(src, options.pc, { access: 'READ' });
      this.checkPermission(src, options.pc, { parentAccess: 'WRITE' });
      const source = {
        src,
        node: w.last,
        inLatestSnapshot: w.last !== null && this.inLatestSnapshot(w.last),
      };
      return checkConcatSource(source, { file, path: t.path });
    });
    checkNoDuplicateSources(sources);
    verifyQuota(t.existing.slice(0, -1), concatQuotaDelta(file, sources), this.quotaUsage);
    const movedBlocks = sources.flatMap((s) => copyBlocks(s.blocks));
    const ops: PendingOp[] = [];
    this.emit(ops, {
      op: 'OP_CONCAT_DELETE',
      trg: t.path,
      srcs: sources.map(fullPath),
      timestamp: options.nowMs,
      rpcIds: options.rpcIds ?? NO_RPC_IDS,
    });
    return { ops, movedBlocks, replication: file.replication };
  }

  /** INode.isInLatestSnapshot: the newest snapshot of the snapshottable directory above holds the INode. */
  private inLatestSnapshot(node: INode): boolean {
    for (let dir = node.parent; dir; dir = dir.parent) {
      const latest = this.snapshots.get(dir)?.snapshots.at(-1);
      if (latest) return [...walk(latest.root)].some((n) => n.id === node.id);
    }
    return false;
  }

  /** ClientProtocol.setReplication: [OP_SET_REPLICATION]; false (no ops) for a directory or a missing path. */
  setReplication(
    path: string,
    replication: number,
  ): { ok: boolean; ops: PendingOp[]; oldReplication: number; newReplication: number } {
    const w = this.walkPath(path);
    this.verifyReplication(w.path, replication, null);
    const node = w.last;
    if (node?.kind !== 'FILE') return { ok: false, ops: [], oldReplication: 0, newReplication: replication };
    const oldReplication = node.replication;
    // FSDirAttrOp.unprotectedSetReplication: more replicas than the file (or a snapshot copy of it)
    // already has must fit the space quotas on the path.
    const preferred = preferredBlockReplication(node, this.snapshots);
    if (replication > preferred) {
      const storagespace = fileBytesForQuota(node) * (replication - preferred);
      verifyQuota(w.existing.slice(0, -1), { namespace: 0, storagespace }, this.quotaUsage);
    }
    const ops: PendingOp[] = [];
    this.emit(ops, { op: 'OP_SET_REPLICATION', path: w.path, replication });
    return { ok: true, ops, oldReplication, newReplication: replication };
  }

  /** ClientProtocol.setTimes: [OP_TIMES]; -1 leaves a time unchanged (both -1: no op). */
  setTimes(path: string, times: { mtime: number; atime: number }): PendingOp[] {
    const w = this.walkPath(path);
    if (!w.last) throw fail('FileNotFoundException', `File/Directory ${w.path} does not exist.`);
    if (times.mtime === -1 && times.atime === -1) return [];
    const ops: PendingOp[] = [];
    this.emit(ops, { op: 'OP_TIMES', path: w.path, mtime: times.mtime, atime: times.atime });
    return ops;
  }

  /**
   * A read of a file (getBlockLocations) moves its atime when the last one is older than the
   * precision: [OP_TIMES with MTIME -1]. [] otherwise, and for directories or missing paths.
   */
  recordAccess(path: string, nowMs: number, precisionMs = ACCESS_TIME_PRECISION_MS): PendingOp[] {
    const w = this.walkPath(path, true);
    if (w.snapshot) return []; // a snapshot is read-only: reading through it moves no time
    const node = w.last;
    if (node?.kind !== 'FILE' || precisionMs <= 0 || nowMs <= node.atime + precisionMs) return [];
    return this.setTimes(path, { mtime: -1, atime: nowMs });
  }

  /**
   * Lease recovery: the NameNode takes the file's lease over ([OP_REASSIGN_LEASE], new holder
   * HDFS_NameNode by default) before recovering its last block and closing it.
   */
  reassignLease(path: string, options: { nowMs: number; newHolder?: string }): PendingOp[] {
    const w = this.walkPath(path);
    const node = w.last;
    if (node?.kind !== 'FILE' || !node.underConstruction) {
      throw fail('IOException', `Cannot reassign the lease of ${w.path}: it is not a file open for writing`);
    }
    const newHolder = options.newHolder ?? NAMENODE_LEASE_HOLDER;
    const ops: PendingOp[] = [];
    this.emit(ops, {
      op: 'OP_REASSIGN_LEASE',
      leaseHolder: node.underConstruction.clientName,
      path: w.path,
      newHolder,
    });
    this.leases.renewLease(newHolder, options.nowMs);
    return ops;
  }

  /** ClientProtocol.setPermission: [OP_SET_PERMISSIONS]; the mode keeps HDFS's 10 bits. */
  setPermission(path: string, mode: number): PendingOp[] {
    const w = this.walkPath(path);
    if (!w.last) throw fail('FileNotFoundException', `File does not exist: ${w.path}`);
    const ops: PendingOp[] = [];
    this.emit(ops, { op: 'OP_SET_PERMISSIONS', src: w.path, mode: mode & 0o1777 });
    return ops;
  }

  /** ClientProtocol.setOwner: [OP_SET_OWNER]; a null user or group stays as it is. */
  setOwner(path: string, owner: { username: string | null; groupname: string | null }): PendingOp[] {
    const w = this.walkPath(path);
    if (!w.last) throw fail('FileNotFoundException', `File does not exist: ${w.path}`);
    const ops: PendingOp[] = [];
    this.emit(ops, { op: 'OP_SET_OWNER', src: w.path, ...owner });
    return ops;
  }

  /**
   * ClientProtocol.setQuota (FSDirAttrOp.setQuota): [OP_SET_QUOTA] with the directory's quotas after
   * the change; QUOTA_DONT_SET (Long.MAX) keeps one, QUOTA_RESET (-1) clears it. [] when nothing changes.
   */
  setQuota(path: string, requested: { nsQuota: string; dsQuota: string }): PendingOp[] {
    checkQuotaArguments(requested.nsQuota, requested.dsQuota);
    const w = this.walkPath(path);
    const dir = w.last;
    if (!dir) throw fail('FileNotFoundException', `Directory does not exist: ${w.path}`);
    if (dir.kind !== 'DIRECTORY')
      throw fail('PathIsNotDirectoryException', `\`${w.path}': Is not a directory`);
    if (dir === this.root && requested.nsQuota === QUOTA_RESET)
      throw fail('IllegalArgumentException', 'Cannot clear namespace quota on root.');
    const next = nextQuotas(dir, requested);
    if (!next) return [];
    const ops: PendingOp[] = [];
    this.emit(ops, { op: 'OP_SET_QUOTA', src: w.path, ...next });
    return ops;
  }

  /** ClientProtocol.setXAttr (FSDirXAttrOp.setXAttr): [OP_SET_XATTR] with the attribute set. */
  setXAttr(path: string, x: XAttr, options: { flags: XAttrSetFlags; rpcIds?: RpcIds }): PendingOp[] {
    const node = this.existingForXAttr(path);
    withXAttrSet(node.xattrs, x, options.flags); // validates; applyOp makes the change
    const ops: PendingOp[] = [];
    this.emit(ops, {
      op: 'OP_SET_XATTR',
      src: fullPath(node),
      xattrs: [{ ...x }],
      rpcIds: options.rpcIds ?? NO_RPC_IDS,
    });
    return ops;
  }

  /** ClientProtocol.removeXAttr: [OP_REMOVE_XATTR] naming the attribute removed. */
  removeXAttr(
    path: string,
    x: { namespace: XAttr['namespace']; name: string },
    rpcIds?: RpcIds,
  ): PendingOp[] {
    const node = this.existingForXAttr(path);
    withXAttrRemoved(node.xattrs, x);
    const ops: PendingOp[] = [];
    this.emit(ops, {
      op: 'OP_REMOVE_XATTR',
      src: fullPath(node),
      xattrs: [{ namespace: x.namespace, name: x.name, value: null }],
      rpcIds: rpcIds ?? NO_RPC_IDS,
    });
    return ops;
  }

  /** The INode's attributes (copies), for getXAttrs / listXAttrs. */
  xattrsOf(path: string): XAttr[] {
    return this.existingForXAttr(path, true).xattrs.map((x) => ({ ...x }));
  }

  /**
   * The ACL calls (FSDirAclOp): [OP_SET_ACL] with the INode's full ACL after the change — [] when
   * the ACL is removed (removeAcl, or setAcl with an empty spec), as HDFS logs it.
   */
  changeAcl(path: string, change: AclChange, spec: readonly AclEntry[] = []): PendingOp[] {
    const node = this.existingForAcl(path);
    const existing = logicalAcl(node.permission.mode, node.acl);
    const entries = nextAcl(existing, change, spec);
    // AclStorage.updateINodeAcl's own check (only directories may have a default ACL).
    if (entries.length > 0)
      storeAcl(entries, { mode: node.permission.mode, isDirectory: node.kind === 'DIRECTORY' });
    const ops: PendingOp[] = [];
    this.emit(ops, { op: 'OP_SET_ACL', src: fullPath(node), entries });
    return ops;
  }

  /** FSDirAclOp.getAclStatus: the AclFeature's entries with the owner, group and permission. */
  aclStatus(path: string): AclStatus {
    const node = this.existingForAcl(path);
    return {
      owner: node.permission.user,
      group: node.permission.group,
      sticky: (node.permission.mode & 0o1000) !== 0,
      entries: node.acl.map((e) => ({ ...e })),
      permission: node.permission.mode,
    };
  }

  /** FSDirectory.resolveLastINode's words for a missing path. */
  private existingForAcl(path: string): INode {
    const w = this.walkPath(path);
    if (!w.last) throw fail('FileNotFoundException', `cannot find ${w.path}`);
    return w.last;
  }

  private existingForXAttr(path: string, read = false): INode {
    const w = this.walkPath(path, read);
    if (!w.last) throw fail('FileNotFoundException', `Path not found: ${w.path}`);
    return w.last;
  }

  // ---------------------------------------------------------------------------------------------
  // Snapshots (SnapshotManager, FSDirSnapshotOp)
  // ---------------------------------------------------------------------------------------------

  /** Blocks that only snapshots hold (no live file has them), with the replication their file had. */
  *snapshotOnlyBlocks(): Generator<{ block: BlockRef; replication: number }> {
    const seen = new Set<number>();
    for (const s of this.snapshots.byDirId.values()) {
      for (const snap of s.snapshots) {
        for (const n of walk(snap.root)) {
          if (n.kind !== 'FILE') continue;
          for (const b of n.blocks) {
            if (seen.has(b.blockId) || this.fileByBlockId.has(b.blockId)) continue;
            seen.add(b.blockId);
            yield { block: { ...b }, replication: n.replication };
          }
        }
      }
    }
  }

  /** The ids of the blocks a copy-on-truncate under way copies from (FileUnderConstruction.copyFrom). */
  private copyOnTruncateSources(): Set<number> {
    const ids = new Set<number>();
    for (const n of this.inodesById.values())
      if (n.kind === 'FILE' && n.underConstruction?.copyFrom) ids.add(n.underConstruction.copyFrom.blockId);
    return ids;
  }

  /** Blocks that no snapshot holds: what a delete or an overwrite may really remove. */
  notInSnapshots(blocks: readonly BlockRef[]): BlockRef[] {
    if (this.snapshots.byDirId.size === 0) return [...blocks];
    const held = this.snapshots.blocksInSnapshots();
    return blocks.filter((b) => !held.has(b.blockId));
  }

  /** ClientProtocol.allowSnapshot (SnapshotManager.setSnapshottable): [OP_ALLOW_SNAPSHOT]. */
  allowSnapshot(path: string): PendingOp[] {
    const { dir, path: p } = this.directoryFor(path);
    this.snapshots.checkNotNested(dir, p);
    const ops: PendingOp[] = [];
    this.emit(ops, { op: 'OP_ALLOW_SNAPSHOT', snapshotRoot: p });
    return ops;
  }

  /** ClientProtocol.disallowSnapshot (resetSnapshottable): refused while snapshots exist. */
  disallowSnapshot(path: string): PendingOp[] {
    const { dir, path: p } = this.directoryFor(path);
    if ((this.snapshots.get(dir)?.snapshots.length ?? 0) > 0) {
      throw snapshotError(
        `The directory ${p} has snapshot(s). Please redo the operation after removing all the snapshots.`,
      );
    }
    const ops: PendingOp[] = [];
    this.emit(ops, { op: 'OP_DISALLOW_SNAPSHOT', snapshotRoot: p });
    return ops;
  }

  /**
   * ClientProtocol.createSnapshot: [OP_CREATE_SNAPSHOT]; the snapshot's path is
   * `<root>/.snapshot/<name>`, the name `s` + yyyyMMdd-HHmmss.SSS when none is given.
   */
  createSnapshot(
    path: string,
    options: { name: string | null; nowMs: number; rpcIds?: RpcIds },
  ): { ops: PendingOp[]; snapshotPath: string } {
    const w = this.walkPath(path);
    const name = options.name ?? defaultSnapshotName(options.nowMs);
    checkSnapshotName(name);
    const s = this.snapshots.root(w.last, w.path);
    const n = s.snapshots.length;
    if (n + 1 > s.snapshotQuota) {
      throw snapshotError(
        `Failed to add snapshot: there are already ${n} snapshot(s) and the snapshot quota is ${s.snapshotQuota}`,
      );
    }
    if (findSnapshot(s, name)) {
      throw snapshotError(
        `Failed to add snapshot: there is already a snapshot with the same name "${name}".`,
      );
    }
    const ops: PendingOp[] = [];
    this.emit(ops, {
      op: 'OP_CREATE_SNAPSHOT',
      snapshotRoot: w.path,
      snapshotName: name,
      mtime: options.nowMs,
      rpcIds: options.rpcIds ?? NO_RPC_IDS,
    });
    return { ops, snapshotPath: snapshotPath(w.path, name) };
  }

  /**
   * ClientProtocol.deleteSnapshot: [OP_DELETE_SNAPSHOT]. `removedBlocks`: the blocks only that
   * snapshot held, which the BlockMap may now invalidate.
   */
  deleteSnapshot(
    path: string,
    options: { name: string; nowMs: number; rpcIds?: RpcIds },
  ): { ops: PendingOp[]; removedBlocks: BlockRef[] } {
    const w = this.walkPath(path);
    const s = this.snapshots.root(w.last, w.path);
    const snapshot = findSnapshot(s, options.name);
    if (!snapshot) {
      throw snapshotError(
        `Cannot delete snapshot ${options.name} from path ${w.path}: the snapshot does not exist.`,
      );
    }
    const others = this.snapshots.blocksInSnapshots(snapshot);
    // FileWithSnapshotFeature.collectBlocksAndClear's dontRemoveBlock: a copy-on-truncate still
    // copying from a block keeps it; commitBlockSynchronization removes it once the copy is done.
    const copying = this.copyOnTruncateSources();
    const removedBlocks: BlockRef[] = [];
    for (const n of walk(snapshot.root)) {
      if (n.kind !== 'FILE') continue;
      for (const b of n.blocks)
        if (!others.has(b.blockId) && !this.fileByBlockId.has(b.blockId) && !copying.has(b.blockId))
          removedBlocks.push({ ...b });
    }
    const ops: PendingOp[] = [];
    this.emit(ops, {
      op: 'OP_DELETE_SNAPSHOT',
      snapshotRoot: w.path,
      snapshotName: options.name,
      mtime: options.nowMs,
      rpcIds: options.rpcIds ?? NO_RPC_IDS,
    });
    return { ops, removedBlocks };
  }

  /** ClientProtocol.renameSnapshot: [OP_RENAME_SNAPSHOT]; renaming to the same name changes nothing. */
  renameSnapshot(
    path: string,
    options: { oldName: string; newName: string; nowMs: number; rpcIds?: RpcIds },
  ): PendingOp[] {
    const w = this.walkPath(path);
    checkSnapshotName(options.newName);
    const s = this.snapshots.root(w.last, w.path);
    if (options.newName === options.oldName) return [];
    if (!findSnapshot(s, options.oldName))
      throw snapshotError(`The snapshot ${options.oldName} does not exist for directory ${w.path}`);
    if (findSnapshot(s, options.newName))
      throw snapshotError(`The snapshot ${options.newName} already exists for directory ${w.path}`);
    const ops: PendingOp[] = [];
    this.emit(ops, {
      op: 'OP_RENAME_SNAPSHOT',
      snapshotRoot: w.path,
      snapshotOldName: options.oldName,
      snapshotNewName: options.newName,
      mtime: options.nowMs,
      rpcIds: options.rpcIds ?? NO_RPC_IDS,
    });
    return ops;
  }

  /** getSnapshottableDirListing: every snapshottable directory (of `owner` when given), by path. */
  snapshottableDirs(owner?: string): {
    status: NamespaceFileStatus;
    snapshotNumber: number;
    snapshotQuota: number;
    parentPath: string;
  }[] {
    return this.snapshots
      .all()
      .filter((s) => owner === undefined || s.dir.permission.user === owner)
      .map((s) => {
        const path = fullPath(s.dir);
        return {
          status: toFileStatus(s.dir, path),
          snapshotNumber: s.snapshots.length,
          snapshotQuota: s.snapshotQuota,
          parentPath: s.dir.parent ? fullPath(s.dir.parent) : '',
        };
      })
      .sort((a, b) => compareNames(a.status.path, b.status.path));
  }

  /**
   * getSnapshotListing (SnapshotManager.getSnapshotListing): the directory's snapshots by name, each
   * its root's status — the snapshot's name, its creation time, the attributes the directory had —
   * with the live directory's children count (HDFS counts no snapshot's children) and no flags.
   */
  snapshotListing(path: string): { status: NamespaceFileStatus; snapshotId: number; parentPath: string }[] {
    const w = this.walkPath(path);
    const s = this.snapshots.root(w.last, w.path);
    const dirPath = fullPath(s.dir);
    return [...s.snapshots]
      .sort((a, b) => compareNames(a.name, b.name))
      .map((snap) => {
        const { hasAcl: _flag, ...status } = toFileStatus(snap.root, snapshotPath(dirPath, snap.name));
        return {
          status: { ...status, childrenNum: s.dir.children.length },
          snapshotId: snap.id,
          parentPath: dirPath,
        };
      });
  }

  /**
   * SnapshotManager.getSnapshots (the SnapshotInfo bean behind the web UI's Snapshot tab): each
   * snapshottable directory's snapshots, by name as DirectorySnapshottableFeature keeps them, with
   * the snapshot's path and its root's mtime (the creation time).
   */
  snapshotList(): { name: string; path: string; mtime: number }[] {
    return this.snapshots.all().flatMap((s) => {
      const dirPath = fullPath(s.dir);
      return [...s.snapshots]
        .sort((a, b) => compareNames(a.name, b.name))
        .map((snap) => ({ name: snap.name, path: snapshotPath(dirPath, snap.name), mtime: snap.root.mtime }));
    });
  }

  /**
   * getSnapshotDiffReport: what changed under a snapshottable directory between two snapshots, or a
   * snapshot and the current tree ('' or '.' names the current tree).
   */
  snapshotDiff(path: string, from: string, to: string): SnapshotDiffReport {
    const w = this.walkPath(path);
    const s = this.snapshots.root(w.last, w.path);
    const tree = (name: string): INodeDirectory => {
      if (name === '' || name === '.') return s.dir;
      const snap = findSnapshot(s, name);
      if (!snap) throw snapshotError(`Cannot find the snapshot of directory ${w.path} with name ${name}`);
      return snap.root;
    };
    const fromTree = tree(from);
    const toTree = tree(to);
    const norm = (n: string): string => (n === '.' ? '' : n);
    return {
      snapshotRoot: w.path,
      fromSnapshot: norm(from),
      toSnapshot: norm(to),
      entries: fromTree === toTree ? [] : diffSnapshots(fromTree, toTree),
    };
  }

  /** INodeDirectory.valueOf: the path must name an existing directory. */
  private directoryFor(path: string): { dir: INodeDirectory; path: string } {
    const w = this.walkPath(path);
    if (!w.last) throw fail('FileNotFoundException', `Directory does not exist: ${w.path}`);
    if (w.last.kind !== 'DIRECTORY')
      throw fail('PathIsNotDirectoryException', `\`${w.path}': Is not a directory`);
    return { dir: w.last, path: w.path };
  }

  private applySnapshotOp(
    op: Extract<
      AnyOp,
      {
        op:
          | 'OP_ALLOW_SNAPSHOT'
          | 'OP_DISALLOW_SNAPSHOT'
          | 'OP_CREATE_SNAPSHOT'
          | 'OP_DELETE_SNAPSHOT'
          | 'OP_RENAME_SNAPSHOT';
      }
    >,
  ): void {
    const dir = this.walkPath(op.snapshotRoot).last;
    if (dir?.kind !== 'DIRECTORY') throw corrupt(op, op.snapshotRoot, 'not a directory');
    const s = this.snapshots.get(dir);
    switch (op.op) {
      case 'OP_ALLOW_SNAPSHOT':
        if (s) s.snapshotQuota = SNAPSHOT_QUOTA_DEFAULT;
        else
          this.snapshots.byDirId.set(dir.id, { dir, snapshotQuota: SNAPSHOT_QUOTA_DEFAULT, snapshots: [] });
        return;
      case 'OP_DISALLOW_SNAPSHOT':
        if (s && s.snapshots.length > 0) throw corrupt(op, op.snapshotRoot, 'the directory has snapshots');
        this.snapshots.byDirId.delete(dir.id);
        return;
      case 'OP_CREATE_SNAPSHOT': {
        if (!s) throw corrupt(op, op.snapshotRoot, 'not a snapshottable directory');
        const root = freezeSnapshotRoot(dir, op.snapshotName, op.mtime);
        s.snapshots.push({ id: this.snapshots.snapshotCounter++, name: op.snapshotName, root });
        return;
      }
      case 'OP_DELETE_SNAPSHOT': {
        const i = s?.snapshots.findIndex((x) => x.name === op.snapshotName) ?? -1;
        if (!s || i < 0) throw corrupt(op, op.snapshotRoot, `no snapshot ${op.snapshotName}`);
        s.snapshots.splice(i, 1);
        this.snapshots.pruneDeleted();
        return;
      }
      case 'OP_RENAME_SNAPSHOT': {
        const snap = s ? findSnapshot(s, op.snapshotOldName) : undefined;
        if (!snap) throw corrupt(op, op.snapshotRoot, `no snapshot ${op.snapshotOldName}`);
        snap.name = op.snapshotNewName;
        snap.root.name = op.snapshotNewName;
        return;
      }
    }
  }

  /** A directory's quotas as text (-1 none); a file has none. Null for a missing path. */
  quotaOf(path: string): { nsQuota: string; dsQuota: string } | null {
    const node = this.walkPath(path, true).last;
    if (!node) return null;
    return node.kind === 'DIRECTORY'
      ? { nsQuota: node.nsQuota, dsQuota: node.dsQuota }
      : { nsQuota: QUOTA_RESET, dsQuota: QUOTA_RESET };
  }

  /**
   * The usage the quotas on a live path are checked against (DirectoryWithQuotaFeature's
   * spaceConsumed; quota.ts): a content summary's names and space, and again what was renamed
   * within the path since a snapshot. Null for a missing path.
   */
  quotaUsageOf(path: string): QuotaCounts | null {
    const node = this.walkPath(path).last;
    return node ? this.quotaUsage(node) : null;
  }

  /**
   * getQuotaUsage of a directory with a quota (FSDirStatAndListingOp.getQuotaUsageInt: its
   * DirectoryWithQuotaFeature's quotas and the usage they are checked against; the root always has
   * one). Null for anything else, which HDFS answers with the content summary's figures — a
   * directory as a snapshot has it too, since Snapshot.Root keeps only the ACL and xattr features.
   */
  directoryQuotaUsage(path: string): QuotaUsage | null {
    const w = this.walkPath(path, true);
    const dir = w.last;
    if (!dir || w.snapshot || dir.kind !== 'DIRECTORY') return null;
    if (dir.nsQuota === QUOTA_RESET && dir.dsQuota === QUOTA_RESET) return null;
    const used = this.quotaUsage(dir);
    return {
      fileAndDirectoryCount: used.namespace,
      quota: Number(dir.nsQuota),
      spaceConsumed: used.storagespace,
      spaceQuota: Number(dir.dsQuota),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Permissions
  // ---------------------------------------------------------------------------------------------

  /**
   * FSPermissionChecker.checkPermission over the INodes along `path`. A null checker (permissions
   * disabled, or the superuser) checks nothing. Throws AccessControlException in HDFS's words.
   */
  checkPermission(path: string, pc: PermissionChecker | null, request: AccessRequest): void {
    if (pc === null || pc.isSuperUser) return;
    const w = this.walkPath(path, true);
    const length = w.components.length + 1; // the root, then one INode per component
    const at = (i: number): INode | null => (i >= 0 && i < w.existing.length ? w.existing[i]! : null);
    const pathOf = (i: number): string => joinComponents(w.components.slice(0, i));
    const subject = (n: INode): PermissionSubject => ({
      permission: n.permission,
      isDirectory: n.kind === 'DIRECTORY',
      acl: n.acl,
    });
    let ancestorIndex = length - 2;
    while (ancestorIndex >= 0 && at(ancestorIndex) === null) ancestorIndex--;
    for (let i = 0; i <= ancestorIndex; i++) {
      const n = at(i)!;
      if (n.kind !== 'DIRECTORY') break; // a file in the way: the call reports it in its own words
      pc.check(subject(n), pathOf(i), 'EXECUTE');
    }
    const last = at(length - 1);
    const parent = at(length - 2);
    if (request.parentAccess && impliesWrite(request.parentAccess) && parent && last) {
      pc.checkStickyBit(subject(parent), pathOf(length - 2), subject(last), pathOf(length - 1));
    }
    const ancestor = at(ancestorIndex);
    if (request.ancestorAccess && length > 1 && ancestor)
      pc.check(subject(ancestor), pathOf(ancestorIndex), request.ancestorAccess);
    if (request.parentAccess && length > 1 && parent)
      pc.check(subject(parent), pathOf(length - 2), request.parentAccess);
    if (request.access && last) pc.check(subject(last), pathOf(length - 1), request.access);
    if (request.subAccess && last?.kind === 'DIRECTORY') {
      for (const n of walk(last)) {
        if (n.kind !== 'DIRECTORY' || (request.ignoreEmptyDir && n.children.length === 0)) continue;
        pc.check(subject(n), fullPath(n), request.subAccess);
      }
    }
    if (request.owner) {
      if (!last) throw fail('FileNotFoundException', `File does not exist: ${w.path}`);
      pc.checkOwner(subject(last), pathOf(length - 1));
    }
  }

  /** The group a new entry at `path` gets: its nearest existing ancestor's, as HDFS inherits it. */
  inheritedGroup(path: string): string {
    const w = this.walkPath(path);
    const within = w.last ? w.existing.slice(0, -1) : w.existing;
    const dirs = within.filter((n) => n.kind === 'DIRECTORY');
    return (dirs.at(-1) ?? this.root).permission.group;
  }

  // ---------------------------------------------------------------------------------------------
  // Queries
  // ---------------------------------------------------------------------------------------------

  /** The INode a path names, or null (also when a file stands in the middle of the path). */
  resolve(path: string): INode | null {
    return this.walkPath(path, true).last;
  }

  /** Whether the path reads through a snapshot (`…/.snapshot/NAME/…`). */
  isInSnapshot(path: string): boolean {
    return this.walkPath(path, true).snapshot !== undefined;
  }

  getFileInfo(path: string): NamespaceFileStatus | null {
    const w = this.walkPath(path, true);
    if (w.dotSnapshot) return dotSnapshotStatus(w.dotSnapshot, w.path);
    return w.last ? toFileStatus(w.last, w.path) : null;
  }

  /**
   * A directory's entries by name; a file lists as itself; null when the path does not exist.
   * `<dir>/.snapshot` lists the directory's snapshots by name (FSDirStatAndListingOp.getSnapshotsListing).
   */
  getListing(path: string): NamespaceFileStatus[] | null {
    const w = this.walkPath(path, true);
    if (w.dotSnapshot) {
      const byName = [...w.dotSnapshot.snapshots].sort((a, b) => compareNames(a.name, b.name));
      return byName.map((s) => toFileStatus(s.root, childPath(w.path, s.name)));
    }
    const node = w.last;
    if (!node) return null;
    if (node.kind === 'FILE') return [toFileStatus(node, w.path)];
    return node.children.map((c) => toFileStatus(c, childPath(w.path, c.name)));
  }

  getBlocks(path: string): BlockRef[] | null {
    const node = this.walkPath(path, true).last;
    return node?.kind === 'FILE' ? copyBlocks(node.blocks) : null;
  }

  fileOfBlock(blockId: number): { path: string; file: INodeFile } | null {
    const file = this.fileByBlockId.get(blockId);
    return file ? { path: fullPath(file), file } : null;
  }

  /**
   * `hdfs dfs -count` / `-du -s`. spaceConsumed counts each block × replication; the last block of
   * a file being written counts as a whole preferred block, as HDFS reserves it. Outside
   * `.snapshot`, what only snapshots hold below the path is counted too, and again in the
   * snapshot* fields (snapshot-content.ts); through a snapshot, its frozen tree alone.
   */
  contentSummary(path: string): ContentSummary {
    const w = this.walkPath(path, true);
    if (!w.last) throw fail('FileNotFoundException', `File does not exist: ${w.path}`);
    // getErasureCodingPolicyName: no directory of the lab carries an erasure coding policy xattr.
    const erasureCodingPolicy = w.last.kind === 'FILE' ? REPLICATION_POLICY_NAME : '';
    const manager = w.snapshot ? new SnapshotManager() : this.snapshots;
    const { counts, snapshot } = contentWithSnapshots(w.last, manager, this.inodesById);
    return {
      ...counts,
      snapshotLength: snapshot.length,
      snapshotFileCount: snapshot.fileCount,
      snapshotDirectoryCount: snapshot.directoryCount,
      snapshotSpaceConsumed: snapshot.spaceConsumed,
      erasureCodingPolicy,
    };
  }

  /** Every file being written, in inode id order (LeaseManager's leasesById). */
  openFiles(): Array<{ path: string; file: INodeFile }> {
    return [...this.allFiles()]
      .filter((f) => f.file.underConstruction !== null)
      .sort((a, b) => a.file.id - b.file.id);
  }

  /** Every file with its path, in path order (fsck's walk). */
  *allFiles(under = '/'): Generator<{ path: string; file: INodeFile }> {
    const start = this.walkPath(under).last;
    if (!start) return;
    for (const n of walk(start)) if (n.kind === 'FILE') yield { path: fullPath(n), file: n };
  }

  // ---------------------------------------------------------------------------------------------
  // The one apply path (live mutations and edit-log replay)
  // ---------------------------------------------------------------------------------------------

  // Long: the one apply path, one case per op, each a call into the method that does the work.
  applyOp(op: AnyOp): void {
    switch (op.op) {
      case 'OP_START_LOG_SEGMENT':
      case 'OP_END_LOG_SEGMENT':
        return;
      case 'OP_MKDIR':
        return this.applyMkdir(op);
      case 'OP_ADD':
        return this.applyAdd(op);
      case 'OP_CLOSE':
        return this.applyClose(op);
      case 'OP_ALLOCATE_BLOCK_ID':
        this.lastAllocatedBlockIdValue = op.blockId;
        return;
      case 'OP_SET_GENSTAMP_V2':
        this.genstampV2Value = op.genStamp;
        return;
      case 'OP_ADD_BLOCK':
        return this.applyAddBlock(op);
      case 'OP_UPDATE_BLOCKS': {
        const file = this.openFileFor(op, op.path);
        this.setBlocks(file, op.blocks);
        return;
      }
      case 'OP_DELETE': {
        // Like FSDirDeleteOp.deleteForEditLog, a delete of something already gone changes nothing.
        const node = this.walkPath(op.path).last;
        if (node && node !== this.root) this.unlink(node, op.timestamp);
        return;
      }
      case 'OP_RENAME_OLD':
        return this.applyRename(op, op.src, op.dst, op.timestamp, false);
      case 'OP_RENAME':
        return this.applyRename(op, op.src, op.dst, op.timestamp, op.options.includes('OVERWRITE'));
      case 'OP_SET_REPLICATION': {
        const node = this.walkPath(op.path).last;
        if (node?.kind === 'FILE') node.replication = op.replication;
        return;
      }
      case 'OP_SET_PERMISSIONS': {
        const node = this.walkPath(op.src).last;
        if (!node) throw corrupt(op, op.src, 'no such file or directory');
        node.permission = { ...node.permission, mode: op.mode };
        return;
      }
      case 'OP_SET_OWNER': {
        const node = this.walkPath(op.src).last;
        if (!node) throw corrupt(op, op.src, 'no such file or directory');
        node.permission = {
          user: op.username ?? node.permission.user,
          group: op.groupname ?? node.permission.group,
          mode: node.permission.mode,
        };
        return;
      }
      case 'OP_TIMES': {
        const node = this.walkPath(op.path).last;
        if (!node) throw corrupt(op, op.path, 'no such file or directory');
        if (op.mtime !== -1) node.mtime = op.mtime;
        if (op.atime !== -1 && node.kind === 'FILE') node.atime = op.atime;
        return;
      }
      case 'OP_APPEND': {
        const node = this.walkPath(op.path).last;
        if (node?.kind !== 'FILE' || node.underConstruction) throw corrupt(op, op.path, 'not a closed file');
        node.underConstruction = { clientName: op.clientName, clientMachine: op.clientMachine };
        // The op carries no time: the lease starts unrenewed and the live caller renews it.
        this.leases.addLease(op.clientName, op.path, 0);
        return;
      }
      case 'OP_SET_ACL': {
        const node = this.walkPath(op.src).last;
        if (!node) throw corrupt(op, op.src, 'no such file or directory');
        const mode = node.permission.mode;
        const stored =
          op.entries.length === 0
            ? { mode: removedAclMode(mode, node.acl), feature: [] }
            : storeAcl(op.entries, { mode, isDirectory: node.kind === 'DIRECTORY' });
        node.permission.mode = stored.mode;
        node.acl = stored.feature;
        return;
      }
      case 'OP_SET_XATTR':
      case 'OP_REMOVE_XATTR': {
        const node = this.walkPath(op.src).last;
        if (!node) throw corrupt(op, op.src, 'no such file or directory');
        for (const x of op.xattrs) {
          const rest = node.xattrs.filter((e) => e.namespace !== x.namespace || e.name !== x.name);
          node.xattrs = op.op === 'OP_REMOVE_XATTR' ? rest : withXAttrReplaced(node.xattrs, x);
        }
        return;
      }
      case 'OP_TRUNCATE':
        return this.applyTruncate(op);
      case 'OP_CONCAT_DELETE':
        return this.applyConcat(op);
      case 'OP_SET_QUOTA': {
        const node = this.walkPath(op.src).last;
        if (node?.kind !== 'DIRECTORY') throw corrupt(op, op.src, 'not a directory');
        node.nsQuota = op.nsQuota;
        node.dsQuota = op.dsQuota;
        return;
      }
      case 'OP_ALLOW_SNAPSHOT':
      case 'OP_DISALLOW_SNAPSHOT':
      case 'OP_CREATE_SNAPSHOT':
      case 'OP_DELETE_SNAPSHOT':
      case 'OP_RENAME_SNAPSHOT':
        return this.applySnapshotOp(op);
      case 'OP_REASSIGN_LEASE': {
        const file = this.openFileFor(op, op.path);
        file.underConstruction = { ...file.underConstruction!, clientName: op.newHolder };
        this.leases.reassign(op.path, op.newHolder);
        return;
      }
      default: {
        const unknown: never = op;
        throw new Error(`applyOp: unknown op ${JSON.stringify(unknown)}`);
      }
    }
  }

  private applyMkdir(op: OpOf<'OP_MKDIR'>): void {
    const { parent, name } = this.newEntryPlace(op, op.path);
    const dir = newDirectory({
      id: op.inodeId,
      name,
      permission: op.permission,
      mtime: op.timestamp,
      acl: featureOf(op.aclEntries, op.permission.mode, true),
    });
    this.link(parent, dir, op.timestamp);
  }

  private applyAdd(op: OpOf<'OP_ADD'>): void {
    const old = this.walkPath(op.path).last;
    if (old?.kind === 'FILE' && op.overwrite) this.unlink(old, op.mtime);
    const { parent, name } = this.newEntryPlace(op, op.path);
    const file = newFile({
      id: op.inodeId,
      name,
      permission: op.permission,
      mtime: op.mtime,
      atime: op.atime,
      replication: op.replication,
      preferredBlockSize: op.blockSize,
      storagePolicyId: op.storagePolicyId,
      blocks: [],
      underConstruction: { clientName: op.clientName, clientMachine: op.clientMachine },
      acl: featureOf(op.aclEntries, op.permission.mode, false),
    });
    this.link(parent, file, op.mtime);
    this.setBlocks(file, op.blocks);
    this.leases.addLease(op.clientName, op.path, op.mtime);
  }

  private applyClose(op: OpOf<'OP_CLOSE'>): void {
    const file = this.openFileFor(op, op.path);
    this.setBlocks(file, op.blocks);
    file.mtime = op.mtime;
    file.atime = op.atime;
    this.leases.removeLease(file.underConstruction!.clientName, op.path);
    file.underConstruction = null;
  }

  private applyAddBlock(op: OpOf<'OP_ADD_BLOCK'>): void {
    const file = this.openFileFor(op, op.path);
    const [penultimate, last] = op.blocks.length === 2 ? op.blocks : [null, op.blocks[0]];
    if (!last) throw corrupt(op, op.path, 'no block');
    const blocks = copyBlocks(file.blocks);
    if (penultimate) {
      const stored = blocks.at(-1);
      if (stored?.blockId !== penultimate.blockId) {
        throw corrupt(op, op.path, `penultimate ${blockName(penultimate)} is not the file's last block`);
      }
      blocks[blocks.length - 1] = { ...penultimate };
    }
    blocks.push({ ...last });
    this.setBlocks(file, blocks);
  }

  /** FSDirConcatOp.unprotectedConcat: the target takes the sources' blocks; the sources go. */
  private applyConcat(op: OpOf<'OP_CONCAT_DELETE'>): void {
    const target = this.walkPath(op.trg).last;
    if (target?.kind !== 'FILE') throw corrupt(op, op.trg, 'not a file');
    const sources = op.srcs.map((src) => {
      const node = this.walkPath(src).last;
      if (node?.kind !== 'FILE' || node.parent !== target.parent)
        throw corrupt(op, src, "not a file in the target's directory");
      return node;
    });
    const blocks = [...target.blocks, ...sources.flatMap((s) => s.blocks)];
    for (const s of sources) this.unlink(s, op.timestamp);
    this.setBlocks(target, blocks);
    target.mtime = op.timestamp;
  }

  /**
   * FSDirTruncateOp.unprotectedTruncate: drop the blocks past the cut; inside a block, reopen the
   * file with its last block cut to the new length. The logged block's id says which way:
   * the same id cuts in place (under its stamp), another id is copy-on-truncate: the file's last
   * block becomes that new block and the old one is left to the snapshots (`copyFrom`).
   */
  private applyTruncate(op: OpOf<'OP_TRUNCATE'>): void {
    const file = this.walkPath(op.src).last;
    if (file?.kind !== 'FILE') throw corrupt(op, op.src, 'not a file');
    const { kept, keptLength } = blocksWithin(file.blocks, op.newLength);
    const last = kept.at(-1);
    if (op.truncateBlock) {
      if (!last || keptLength === op.newLength)
        throw corrupt(op, op.src, `${blockName(op.truncateBlock)} names a cut on a block boundary`);
      const copy = op.truncateBlock.blockId !== last.blockId;
      if (copy && this.fileByBlockId.has(op.truncateBlock.blockId))
        throw corrupt(op, op.src, `${blockName(op.truncateBlock)} already belongs to a file`);
      const cutBlock: BlockRef = {
        blockId: op.truncateBlock.blockId,
        genStamp: op.truncateBlock.genStamp,
        numBytes: last.numBytes - (keptLength - op.newLength),
      };
      file.underConstruction = {
        clientName: op.clientName,
        clientMachine: op.clientMachine,
        truncateBlock: { ...cutBlock },
        ...(copy ? { copyFrom: { ...last } } : {}),
      };
      // In place (convertLastBlockToUnderConstruction) the block keeps its length and stamp until
      // recovery commits, so the file shows its old length meanwhile; a copy's new block has the
      // kept length at once (prepareFileForTruncate sets truncatedBlockUC's numBytes).
      if (copy) kept[kept.length - 1] = cutBlock;
      this.leases.addLease(op.clientName, op.src, op.timestamp);
    }
    this.setBlocks(file, kept);
    file.mtime = op.timestamp;
  }

  private applyRename(op: AnyOp, src: string, dst: string, timestamp: number, overwrite: boolean): void {
    if (src === dst) return;
    const node = this.walkPath(src).last;
    if (!node || node === this.root) throw corrupt(op, src, 'source does not exist');
    const existing = this.walkPath(dst).last;
    if (existing && overwrite) this.unlink(existing, timestamp);
    const { parent, name } = this.newEntryPlace(op, dst);
    const oldParent = node.parent!;
    removeChild(oldParent, node);
    touchDirectory(oldParent, timestamp);
    node.name = name;
    addChild(parent, node);
    touchDirectory(parent, timestamp);
    this.leases.renamePaths(src, dst);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------

  private emit(ops: PendingOp[], op: PendingOp): void {
    this.applyOp(op);
    ops.push(op);
  }

  /** Closes a file open for writing with its final block list: [OP_CLOSE] (complete and block recovery). */
  private closeFileOps(path: string, file: INodeFile, blocks: BlockRef[], nowMs: number): PendingOp[] {
    const ops: PendingOp[] = [];
    this.emit(ops, {
      op: 'OP_CLOSE',
      inodeId: 0,
      path,
      replication: file.replication,
      mtime: nowMs,
      atime: file.atime,
      blockSize: file.preferredBlockSize,
      blocks,
      permission: { ...file.permission },
    });
    return ops;
  }

  /**
   * Looks a path up in the live tree. A `.snapshot` component of a snapshottable directory is
   * refused for a change (INodesInPath.isSnapshot: snapshots are read-only); with `read`, it leads
   * into that directory's snapshot, and `components` leaves the `.snapshot` out so that
   * `existing[i]` stays the INode named by components[0..i).
   */
  private walkPath(path: string, read = false): PathWalk {
    const typed = checkPath(path);
    const components: string[] = [];
    const existing: INode[] = [this.root];
    let current: INode | null = this.root;
    let fileInTheWay: string | null = null;
    let snapshot: Snapshot | undefined;
    let dotSnapshot: SnapshottableDir | undefined;
    for (let i = 0; i < typed.length; i++) {
      const name = typed[i]!;
      if (current?.kind === 'FILE') {
        fileInTheWay = fullPath(current);
        current = null;
      }
      const snapshottable = current && name === DOT_SNAPSHOT ? this.snapshots.get(current) : undefined;
      if (snapshottable && !snapshot) {
        if (!read) {
          throw fail('SnapshotAccessControlException', 'Modification on a read-only snapshot is disallowed');
        }
        if (i === typed.length - 1) {
          components.push(name);
          dotSnapshot = snapshottable;
          current = null;
          break;
        }
        i++;
        snapshot = findSnapshot(snapshottable, typed[i]!);
        components.push(typed[i]!);
        current = snapshot?.root ?? null;
        if (current) existing.push(current);
        continue;
      }
      components.push(name);
      const child: INode | undefined = current ? getChild(current as INodeDirectory, name) : undefined;
      if (child) existing.push(child);
      current = child ?? null;
    }
    return {
      path: joinComponents(typed),
      components,
      existing,
      last: current,
      fileInTheWay,
      ...(snapshot ? { snapshot } : {}),
      ...(dotSnapshot ? { dotSnapshot } : {}),
    };
  }

  /**
   * Lookup for calls that create entries: a file in the middle of the path is an error, in HDFS's
   * words (FSPermissionChecker.checkIsDirectory). Other calls treat such a path as missing — HDFS
   * answers them with an AccessControlException carrying the same text, which the lab's error
   * registry does not have.
   */
  private walkForCreate(path: string): PathWalk {
    const w = this.walkPath(path);
    // FSDirectory.verifyINodeName: no entry may be called .snapshot.
    if (w.components.slice(w.existing.length - 1).includes(DOT_SNAPSHOT))
      throw fail('HadoopIllegalArgumentException', `"${DOT_SNAPSHOT}" is a reserved name.`);
    if (w.fileInTheWay) throw fail('ParentNotDirectoryException', `${w.fileInTheWay} (is not a directory)`);
    return w;
  }

  /** FSDirectory.verifyParentDir: without createParent the parent must already exist. */
  private verifyParentDir(w: PathWalk): void {
    if (w.components.length >= 2 && w.existing.length < w.components.length) {
      throw fail(
        'FileNotFoundException',
        `Parent directory doesn't exist: ${joinComponents(w.components.slice(0, -1))}`,
      );
    }
  }

  private emitAncestorMkdirs(
    ops: PendingOp[],
    w: PathWalk,
    permission: PermissionStatus,
    nowMs: number,
  ): void {
    const nearest = w.existing.at(-1)!;
    const ancestorPermission = withImplicitUwx(nearest.permission, permission);
    let dirPath = fullPath(nearest);
    for (const name of w.components.slice(w.existing.length - 1, -1)) {
      const parentPath = dirPath;
      dirPath = childPath(dirPath, name);
      this.emit(ops, {
        op: 'OP_MKDIR',
        inodeId: this.lastInodeIdValue + 1,
        path: dirPath,
        timestamp: nowMs,
        ...this.withInheritedAcl(parentPath, { permission: ancestorPermission, isDirectory: true }),
      });
    }
  }

  /**
   * FSDirectory.copyINodeDefaultAcl for a new entry under `parentPath`: with a default ACL on the
   * parent, the entry's mode comes from it, filtered by the unmasked mode when the client sent one
   * (HDFS-6962, dfs.namenode.posix.acl.inheritance.enabled) or else the masked one, and the op
   * carries the full ACL when the entry gets more than the minimal one.
   */
  private withInheritedAcl(
    parentPath: string,
    entry: { permission: PermissionStatus; isDirectory: boolean; unmasked?: number },
  ): { permission: PermissionStatus; aclEntries?: AclEntry[] } {
    const parent = this.walkPath(parentPath).last;
    const feature = parent?.kind === 'DIRECTORY' ? parent.acl : [];
    const mode = entry.unmasked ?? entry.permission.mode;
    const inherited = inheritedAcl(feature, { mode, isDirectory: entry.isDirectory });
    if (!inherited) return { permission: { ...entry.permission } };
    const permission = { ...entry.permission, mode: inherited.mode };
    if (inherited.feature.length === 0) return { permission };
    return { permission, aclEntries: logicalAcl(inherited.mode, inherited.feature) };
  }

  private verifyReplication(path: string, replication: number, clientMachine: string | null): void {
    let problem: string | null = null;
    if (replication > this.maxReplication) problem = ` exceeds maximum of ${this.maxReplication}`;
    else if (!(replication >= REPLICATION_MIN))
      problem = ` is less than the required minimum of ${REPLICATION_MIN}`;
    if (problem === null) return;
    const who = clientMachine === null ? '' : `, clientName=${clientMachine}`;
    throw fail('IOException', `Requested replication factor of ${replication}${problem} for ${path}${who}`);
  }

  /**
   * FSNamesystem.recoverLeaseInternal for CREATE_FILE without overwrite and for APPEND_FILE: a file
   * another client is writing cannot be created again or appended to. After the holder's soft limit the NameNode would start lease
   * recovery (the runtime's job, driven by `leases.expired`); the caller is told to retry.
   */
  private refuseIfBeingWritten(
    file: INodeFile,
    path: string,
    options: {
      clientName: string;
      clientMachine: string;
      nowMs: number;
      verb?: 'CREATE_FILE' | 'APPEND_FILE' | 'TRUNCATE_FILE';
    },
  ): void {
    const uc = file.underConstruction;
    if (!uc) return;
    const failed = `Failed to ${options.verb ?? 'CREATE_FILE'} ${path} for ${options.clientName} on ${options.clientMachine} because`;
    if (uc.clientName === options.clientName) {
      throw fail(
        'AlreadyBeingCreatedException',
        `${failed} ${options.clientName} is already the current lease holder.`,
      );
    }
    if (this.leases.softLimitExpired(uc.clientName, options.nowMs, this.leaseSoftLimitMs)) {
      throw fail('RecoveryInProgressException', `${failed} lease recovery is in progress. Try again later.`);
    }
    throw fail(
      'AlreadyBeingCreatedException',
      `${failed} this file lease is currently owned by ${uc.clientName} on ${uc.clientMachine}`,
    );
  }

  /**
   * FSDirectory.resolvePath(pc, src, fileId), then checkLease: a writer names the file it opened by
   * its inode id as well as by its path. When that inode is gone (deleted, or replaced by another
   * client's create with overwrite, as a second `-put` of the same file does) the file it was
   * writing no longer exists, whatever stands at the path now. A fileId of 0
   * (HdfsConstants.GRANDFATHER_INODE_ID: a client that sends none) leaves the path alone to decide.
   */
  checkOpenFileId(path: string, fileId: number, clientName: string): void {
    if (fileId === GRANDFATHER_INODE_ID || this.inodesById.has(fileId)) return;
    throw fail(
      'FileNotFoundException',
      `File does not exist: ${path} (inode ${fileId}) ${this.leases.describe(clientName)}`,
    );
  }

  /** FSNamesystem.checkLease for calls that change no INode (getAdditionalDatanode). */
  checkLeaseHolder(path: string, clientName: string): void {
    this.checkLease(this.walkPath(path), clientName);
  }

  /** FSNamesystem.checkLease: the caller must hold the lease of an open file. */
  private checkLease(w: PathWalk, clientName: string): INodeFile {
    const node = w.last;
    const where = `${w.path} (inode ${node?.id ?? 0}) ${this.leases.describe(clientName)}`;
    if (!node) throw fail('FileNotFoundException', `File does not exist: ${where}`);
    if (node.kind !== 'FILE') throw fail('LeaseExpiredException', `INode is not a regular file: ${where}`);
    if (!node.underConstruction)
      throw fail('LeaseExpiredException', `File is not open for writing: ${where}`);
    const owner = node.underConstruction.clientName;
    if (owner !== clientName) {
      throw fail(
        'LeaseExpiredException',
        `Client (=${clientName}) is not the lease owner (=${owner}: ${where}`,
      );
    }
    return node;
  }

  /** BlockInfo.commitBlock's checks: the client must commit the block the NameNode has, same generation. */
  private checkCommit(stored: BlockRef, committed: BlockRef): void {
    if (stored.blockId !== committed.blockId) {
      throw fail(
        'IOException',
        `Trying to commit inconsistent block: id = ${committed.blockId}, expected id = ${stored.blockId}`,
      );
    }
    if (stored.genStamp !== committed.genStamp) {
      throw fail(
        'IOException',
        `Commit block with mismatching GS. NN has ${blockName(stored)}, client submits ${blockName(committed)}`,
      );
    }
  }

  /**
   * FSNamesystem.checkUCBlock: the block must be the last block of a file open for writing, and the
   * caller must hold that file's lease. (The BlockMap knows the block's exact state; here "not the
   * last block of an open file" stands for "no longer UNDER_CONSTRUCTION".)
   */
  private checkUCBlock(block: BlockRef, clientName: string): { file: INodeFile; path: string } {
    const file = this.fileByBlockId.get(block.blockId);
    if (!file) throw fail('IOException', `${blockName(block)} does not exist.`);
    if (!file.underConstruction || file.blocks.at(-1)?.blockId !== block.blockId) {
      throw fail(
        'IOException',
        `Unexpected BlockUCState: ${blockName(block)} is COMPLETE but not UNDER_CONSTRUCTION`,
      );
    }
    const owner = file.underConstruction.clientName;
    if (owner !== clientName) {
      throw fail(
        'LeaseExpiredException',
        `Lease mismatch on ${blockName(block)} used by ${owner} but is accessed by ${clientName}`,
      );
    }
    return { file, path: fullPath(file) };
  }

  /** Where an op's new entry goes: its parent must exist as a directory and the name must be free. */
  private newEntryPlace(op: AnyOp, path: string): { parent: INodeDirectory; name: string } {
    const w = this.walkPath(path);
    const name = w.components.at(-1);
    if (name === undefined) throw corrupt(op, path, 'the root already exists');
    if (w.last) throw corrupt(op, path, 'already exists');
    const parent = w.existing[w.components.length - 1];
    if (parent?.kind !== 'DIRECTORY') throw corrupt(op, path, 'parent directory does not exist');
    return { parent, name };
  }

  private openFileFor(op: AnyOp, path: string): INodeFile {
    const node = this.walkPath(path).last;
    if (node?.kind !== 'FILE' || !node.underConstruction)
      throw corrupt(op, path, 'not a file open for writing');
    return node;
  }

  private link(parent: INodeDirectory, child: INode, mtime: number): void {
    addChild(parent, child);
    touchDirectory(parent, mtime);
    this.inodesById.set(child.id, child);
    // Inode ids are never reused: the counter follows the largest id ever applied.
    if (child.id > this.lastInodeIdValue) this.lastInodeIdValue = child.id;
  }

  private unlink(node: INode, mtime: number): void {
    this.leases.removeUnder(fullPath(node));
    this.snapshots.keepDeleted(node);
    for (const n of walk(node)) {
      this.inodesById.delete(n.id);
      this.snapshots.byDirId.delete(n.id); // a snapshottable directory without snapshots may go
      if (n.kind === 'FILE') for (const b of n.blocks) this.fileByBlockId.delete(b.blockId);
    }
    const parent = node.parent!;
    removeChild(parent, node);
    touchDirectory(parent, mtime);
  }

  private setBlocks(file: INodeFile, blocks: readonly BlockRef[]): void {
    for (const b of file.blocks)
      if (this.fileByBlockId.get(b.blockId) === file) this.fileByBlockId.delete(b.blockId);
    file.blocks = copyBlocks(blocks);
    for (const b of file.blocks) this.fileByBlockId.set(b.blockId, file);
  }
}

/** Whether an FsAction includes WRITE (the sticky-bit rule applies to changes in the parent). */
function impliesWrite(action: FsAction): boolean {
  return action === 'WRITE' || action === 'WRITE_EXECUTE' || action === 'READ_WRITE' || action === 'ALL';
}

/**
 * INodeFile.collectBlocksBeyondMax: the first blocks that hold `maxLength` bytes (copies), and how
 * many bytes they hold (more than `maxLength` when the cut falls inside the last of them).
 */
function blocksWithin(
  blocks: readonly BlockRef[],
  maxLength: number,
): { kept: BlockRef[]; keptLength: number } {
  let keptLength = 0;
  let n = 0;
  for (; n < blocks.length && maxLength > keptLength; n++) keptLength += blocks[n]!.numBytes;
  return { kept: copyBlocks(blocks.slice(0, n)), keptLength };
}

/**
 * The length a truncate under way is taking `file` to, as FSDirTruncateOp.truncate tells "the same
 * truncate again" from another: computeFileSize(false, false) (the blocks before the last, under
 * construction) plus its BlockUnderConstructionFeature's truncate block. In place that block is the
 * cut one; for a copy it is the old block the snapshots keep (`copyFrom`), so there the same call
 * again is refused as another length, and only the old length answers false, as in HDFS.
 */
function truncatingTo(file: INodeFile): number {
  const uc = file.underConstruction;
  const truncateBlock = uc?.copyFrom ?? uc?.truncateBlock;
  const last = file.blocks.at(-1);
  if (!truncateBlock || !last) return fileLength(file);
  return fileLength(file) - last.numBytes + truncateBlock.numBytes;
}

/** The AclFeature an OP_MKDIR / OP_ADD's full ACL leaves on the new INode. */
function featureOf(entries: AclEntry[] | undefined, mode: number, isDirectory: boolean): AclEntry[] {
  return entries && entries.length > 0 ? storeAcl(entries, { mode, isDirectory }).feature : [];
}

/** AclTransformation's result for one ACL call on the INode's logical ACL ([] = remove it). */
function nextAcl(existing: readonly AclEntry[], change: AclChange, spec: readonly AclEntry[]): AclEntry[] {
  switch (change) {
    case 'modifyAclEntries':
      return mergeAclEntries(existing, spec);
    case 'removeAclEntries':
      return filterAclEntriesByAclSpec(existing, spec);
    case 'removeDefaultAcl':
      return filterDefaultAclEntries(existing);
    case 'removeAcl':
      return [];
    case 'setAcl':
      return spec.length === 0 ? [] : replaceAclEntries(existing, spec);
  }
}

function corrupt(op: AnyOp, path: string, why: string): Error {
  const txid = 'txid' in op ? ` (txid ${op.txid})` : '';
  return new Error(`cannot apply ${op.op}${txid} to ${path}: ${why}`);
}

function toFileStatus(node: INode, path: string): NamespaceFileStatus {
  const isFile = node.kind === 'FILE';
  return {
    path,
    pathSuffix: node.name,
    type: node.kind,
    length: isFile ? fileLength(node) : 0,
    owner: node.permission.user,
    group: node.permission.group,
    permission: node.permission.mode,
    replication: isFile ? node.replication : 0,
    blockSize: isFile ? node.preferredBlockSize : 0,
    modificationTime: node.mtime,
    accessTime: isFile ? node.atime : 0,
    fileId: node.id,
    childrenNum: isFile ? 0 : node.children.length,
    underConstruction: isFile && node.underConstruction !== null,
    ...(node.acl.length > 0 ? { hasAcl: true } : {}),
  };
}

/** `<dir>/.snapshot` itself: a directory whose entries are the snapshots. */
function dotSnapshotStatus(s: SnapshottableDir, path: string): NamespaceFileStatus {
  return { ...toFileStatus(s.dir, path), pathSuffix: DOT_SNAPSHOT, childrenNum: s.snapshots.length };
}
