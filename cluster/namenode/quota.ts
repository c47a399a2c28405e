/**
 * Name and space quotas (DirectoryWithQuotaFeature): a directory's namespace count is the number
 * of directories and files in its subtree, itself included; its storage space is every file's
 * length × replication, where the last block of a file being written counts as a whole preferred
 * block (HDFS reserves it when the block is allocated). What only snapshots hold below it counts
 * too, as INodeDirectory.computeQuotaUsage counts a directory diff's deleted list: a file or
 * directory deleted since a snapshot keeps its names and its blocks charged until the last snapshot
 * holding it is deleted, and a file's space is every block of it and of its snapshot copies at the
 * highest replication any of them had (INodeFile.storagespaceConsumed). These are the counts of a
 * content summary (snapshot-content.ts), which HDFS checks its cached usage against, with one
 * difference: an INode renamed within the subtree since a snapshot counts again as that snapshot
 * has it (the WithName reference its old name leaves; a content summary counts it once). A change that
 * would take a directory on the path over a quota it has set is refused with HDFS's exception and
 * words; setting a quota never checks the current usage. Counts are computed by walking the subtree
 * (the lab's trees are small; HDFS caches them in the feature).
 */
import { long2String } from '../common/units.js';
import { RemoteError } from '../protocol/errors.js';
import { LONG_MAX } from './fsimage/image.js';
import { contentWithSnapshots, fileBytesForQuota } from './snapshot-content.js';
import { planReferences } from './snapshot-references.js';
import type { SnapshotManager } from './snapshot.js';
import { fullPath, walk, type INode, type INodeDirectory } from './inode.js';

/** HdfsConstants.QUOTA_RESET: "no quota". */
export const QUOTA_RESET = '-1';
/** HdfsConstants.QUOTA_DONT_SET (Long.MAX_VALUE): leave this quota as it is. */
export const QUOTA_DONT_SET = LONG_MAX;

/** QuotaCounts: a usage or a delta of names and storage space (the lab has no type spaces). */
export interface QuotaCounts {
  namespace: number;
  storagespace: number;
}

/** How the rules below count a subtree's usage (the Namespace counts it with its snapshots). */
export type UsageOf = (node: INode) => QuotaCounts;

/**
 * INode.computeQuotaUsage of a live INode: its subtree and what only snapshots hold below it, the
 * directories and files of its content summary as namespace, their space as storage space.
 */
export function usageWithSnapshots(
  node: INode,
  manager: SnapshotManager,
  liveById: ReadonlyMap<number, INode>,
): QuotaCounts {
  const { counts } = contentWithSnapshots(node, manager, liveById);
  const usage = { namespace: counts.directoryCount + counts.fileCount, storagespace: counts.spaceConsumed };
  if (manager.byDirId.size > 0) addRenamedWithin(usage, node, manager, liveById);
  return usage;
}

/**
 * What the quota usage counts twice and a content summary once: an INode a snapshot holds, renamed
 * within `node`'s subtree since. Its old parent's diff keeps a WithName reference in its deleted
 * list, which DirectoryWithSnapshotFeature.computeQuotaUsage4CurrentDirectory counts as the INode
 * stood in that snapshot (INodeReference.WithName.computeQuotaUsage at its lastSnapshotId: a
 * directory with its subtree then, a file with its size and replication then), on top of the live
 * INode. One renamed out of the subtree is counted once either way (contentWithSnapshots).
 */
function addRenamedWithin(
  usage: QuotaCounts,
  node: INode,
  manager: SnapshotManager,
  liveById: ReadonlyMap<number, INode>,
): void {
  const here = new Set<number>();
  for (const n of walk(node)) here.add(n.id);
  for (const [key, refs] of planReferences(manager, liveById).deleted) {
    if (!here.has(Number(key.split(':')[0]))) continue;
    for (const ref of refs.values()) {
      if (ref.kind !== 'WITH_NAME' || !here.has(ref.referredId)) continue;
      const copy = copyInSnapshot(manager, ref.lastSnapshotId, ref.referredId);
      for (const n of copy ? walk(copy) : []) {
        usage.namespace += 1;
        if (n.kind === 'FILE') usage.storagespace += fileBytesForQuota(n) * n.replication;
      }
    }
  }
}

/** The INode `id` as the snapshot `snapshotId` holds it. */
function copyInSnapshot(manager: SnapshotManager, snapshotId: number, id: number): INode | undefined {
  for (const dir of manager.byDirId.values()) {
    const snapshot = dir.snapshots.find((s) => s.id === snapshotId);
    if (!snapshot) continue;
    for (const n of walk(snapshot.root)) if (n.id === id) return n;
  }
  return undefined;
}

/**
 * Whether a positive `delta` could take a usage past `quota`: a set quota (≥ 0) that a count can
 * reach. Counts are exact JavaScript integers (below 2^53), so the root's Long.MAX name quota
 * never can, and its subtree is not counted for it.
 */
function mayExceed(quota: string, delta: number): boolean {
  return quota !== QUOTA_RESET && delta > 0 && BigInt(quota) < BigInt(Number.MAX_SAFE_INTEGER);
}

/**
 * FSDirectory.verifyQuota: every directory on the path (`ancestors`, root first) with a quota must
 * stay within it after `delta` (Quota.isViolated). The nearest directory is checked first,
 * namespace before space; a directory's usage is counted only when one of its quotas is at stake.
 */
export function verifyQuota(ancestors: readonly INode[], delta: QuotaCounts, usageOf: UsageOf): void {
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const dir = ancestors[i]!;
    if (dir.kind !== 'DIRECTORY') continue;
    const names = mayExceed(dir.nsQuota, delta.namespace);
    const space = mayExceed(dir.dsQuota, delta.storagespace);
    if (!names && !space) continue;
    const used = usageOf(dir);
    if (names && used.namespace + delta.namespace > Number(dir.nsQuota)) {
      throw nsQuotaExceeded(dir, used.namespace + delta.namespace);
    }
    if (space && used.storagespace + delta.storagespace > Number(dir.dsQuota)) {
      throw dsQuotaExceeded(dir, used.storagespace + delta.storagespace);
    }
  }
}

/**
 * FSDirectory.verifyQuotaForRename: the moved subtree, less what it replaces, must fit every quota on
 * the destination's path below the directory source and destination share (above it nothing
 * changes). `srcPath` and `dstAncestors` run from the root: the source itself, the destination's
 * existing parents.
 */
export function verifyQuotaForRename(
  srcPath: readonly INode[],
  dstAncestors: readonly INode[],
  moved: INode,
  replaced: INode | null,
  usageOf: UsageOf,
): void {
  let common = 0;
  while (common < srcPath.length && common < dstAncestors.length && srcPath[common] === dstAncestors[common])
    common++;
  const delta = usageOf(moved);
  if (replaced) {
    const gone = usageOf(replaced);
    delta.namespace -= gone.namespace;
    delta.storagespace -= gone.storagespace;
  }
  verifyQuota(dstAncestors.slice(common), delta, usageOf);
}

/** NSQuotaExceededException.getMessage. */
function nsQuotaExceeded(dir: INodeDirectory, count: number): RemoteError {
  return new RemoteError(
    'NSQuotaExceededException',
    `The NameSpace quota (directories and files) of directory ${fullPath(dir)} is exceeded: quota=${dir.nsQuota} file count=${count}`,
  );
}

/** DSQuotaExceededException.getMessage (sizes by TraditionalBinaryPrefix.long2String). */
function dsQuotaExceeded(dir: INodeDirectory, consumed: number): RemoteError {
  const quota = Number(dir.dsQuota);
  return new RemoteError(
    'DSQuotaExceededException',
    `The DiskSpace quota of ${fullPath(dir)} is exceeded: quota = ${dir.dsQuota} B = ${long2String(quota, 'B', 2)} but diskspace consumed = ${consumed} B = ${long2String(consumed, 'B', 2)}`,
  );
}

/**
 * The quotas a setQuota leaves (FSDirAttrOp.unprotectedSetQuota): QUOTA_DONT_SET keeps the old
 * value, QUOTA_RESET clears it. Null when nothing changes (HDFS then logs no op).
 */
export function nextQuotas(
  dir: INodeDirectory,
  requested: { nsQuota: string; dsQuota: string },
): { nsQuota: string; dsQuota: string } | null {
  const nsQuota = requested.nsQuota === QUOTA_DONT_SET ? dir.nsQuota : requested.nsQuota;
  const dsQuota = requested.dsQuota === QUOTA_DONT_SET ? dir.dsQuota : requested.dsQuota;
  if (nsQuota === dir.nsQuota && dsQuota === dir.dsQuota) return null;
  return { nsQuota, dsQuota };
}

/** FSDirAttrOp.unprotectedSetQuota's argument check: ≥ 0, or QUOTA_RESET / QUOTA_DONT_SET. */
export function checkQuotaArguments(nsQuota: string, dsQuota: string): void {
  const ok = (q: string): boolean => q === QUOTA_RESET || q === QUOTA_DONT_SET || /^\d+$/.test(q);
  if (!ok(nsQuota) || !ok(dsQuota)) {
    throw new RemoteError(
      'IllegalArgumentException',
      `Illegal value for nsQuota or ssQuota : ${nsQuota} and ${dsQuota}`,
    );
  }
}
