/**
 * Snapshots, as HDFS's SnapshotManager and DirectorySnapshottableFeature keep them: which
 * directories are snapshottable, the snapshots of each (id, name, creation time), and what each
 * snapshot holds.
 *
 * THE MODEL. HDFS keeps a snapshot as copy-on-write diffs hung on the live INodes
 * (DirectoryWithSnapshotFeature, FileWithSnapshotFeature). The lab keeps, for each snapshot, a
 * frozen copy of the snapshottable directory's subtree taken when the snapshot was created: the
 * same INode ids and records, never changed afterwards. Reads through `.snapshot/NAME/...` walk
 * that copy. What a user or a tool can see is HDFS's: the RPCs and their errors, the edit-log ops,
 * and the fsimage's SnapshotSection and SnapshotDiffSection, which `snapshot-image.ts` derives from
 * the copies (and rebuilds them from) in HDFS's diff form. The copies share no objects with the
 * live tree, so nothing done to the live tree can reach a snapshot.
 *
 * Pure: no I/O, no clock; the caller passes the time.
 */
import { RemoteError } from '../protocol/errors.js';
import type { BlockRef } from '../protocol/types.js';
import { checkPath, childPath, PATH_COMPONENT_BYTES_MAX } from './paths.js';
import {
  fullPath,
  newDirectory,
  newFile,
  walk,
  type INode,
  type INodeDirectory,
  type INodeFile,
} from './inode.js';

/** HdfsConstants.DOT_SNAPSHOT_DIR: the virtual directory that lists a directory's snapshots. */
export const DOT_SNAPSHOT = '.snapshot';
/** DirectorySnapshottableFeature.SNAPSHOT_QUOTA_DEFAULT (1 << 16): snapshots one directory may have. */
export const SNAPSHOT_QUOTA_DEFAULT = 65_536;

export interface Snapshot {
  /** SnapshotManager's counter when it was taken (the first snapshot is 0). */
  readonly id: number;
  name: string;
  /**
   * The frozen subtree. Its root is the snapshottable directory's copy, named after the snapshot
   * and with the creation time as its mtime (Snapshot.Root since layout -66).
   */
  readonly root: INodeDirectory;
}

export interface SnapshottableDir {
  readonly dir: INodeDirectory;
  snapshotQuota: number;
  /** In creation (id) order. */
  readonly snapshots: Snapshot[];
}

export function snapshotError(message: string): RemoteError {
  return new RemoteError('SnapshotException', message);
}

/** Snapshot.generateDefaultSnapshotName: 's' + yyyyMMdd-HHmmss.SSS (UTC in the lab). */
export function defaultSnapshotName(nowMs: number): string {
  const d = new Date(nowMs);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return (
    `s${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`
  );
}

/** Snapshot.getSnapshotPath: `<root>/.snapshot/<name>`. */
export function snapshotPath(rootPath: string, name: string): string {
  return childPath(childPath(rootPath, DOT_SNAPSHOT), name);
}

/**
 * FSDirSnapshotOp.verifySnapshotName: a snapshot name is one path component, not `.snapshot`.
 */
export function checkSnapshotName(name: string): void {
  if (name.includes('/'))
    throw new RemoteError('HadoopIllegalArgumentException', 'Snapshot name cannot contain "/"');
  if (name === DOT_SNAPSHOT)
    throw new RemoteError('HadoopIllegalArgumentException', `"${DOT_SNAPSHOT}" is a reserved name.`);
  if (name === '' || Buffer.byteLength(name, 'utf8') > PATH_COMPONENT_BYTES_MAX) checkPath(`/${name}`); // the path rules say what is wrong, in InvalidPathException's words
}

/** A snapshot's frozen tree: the directory's subtree, its root named after the snapshot, mtime = creation. */
export function freezeSnapshotRoot(dir: INodeDirectory, name: string, mtime: number): INodeDirectory {
  const root = freeze(dir) as INodeDirectory;
  root.name = name;
  root.mtime = mtime;
  return root;
}

/** A deep copy of `node`'s subtree: the same ids and attributes, no object shared with the original. */
export function freeze(node: INode): INode {
  if (node.kind === 'FILE') {
    // A file being written is frozen as it stands, closed (its length is what the NameNode knew).
    return newFile({ ...node, underConstruction: null });
  }
  const copy = newDirectory(node);
  for (const child of node.children) {
    const c = freeze(child);
    c.parent = copy;
    copy.children.push(c);
  }
  return copy;
}

/**
 * SnapshotManager: the snapshottable directories (by INode id), the snapshot counter, and the
 * rules HDFS applies to them. Changes go through the Namespace's apply path.
 */
export class SnapshotManager {
  readonly byDirId = new Map<number, SnapshottableDir>();
  snapshotCounter = 0;
  /**
   * The last state of each file that only snapshots still hold, as it was when it left the live
   * tree: the INode HDFS keeps in a diff's deleted list (its length counts in a content summary,
   * the fsimage writes it in the INodeSection), with only the blocks some snapshot holds
   * (FileWithSnapshotFeature.collectBlocksAndClear).
   */
  readonly deletedFiles = new Map<number, INodeFile>();

  get numSnapshots(): number {
    let n = 0;
    for (const s of this.byDirId.values()) n += s.snapshots.length;
    return n;
  }

  /** Snapshottable directories in id order (SnapshotManager.getSnapshottableDirs). */
  all(): SnapshottableDir[] {
    return [...this.byDirId.values()].sort((a, b) => a.dir.id - b.dir.id);
  }

  get(dir: INode): SnapshottableDir | undefined {
    return this.byDirId.get(dir.id);
  }

  /** SnapshotManager.getSnapshottableRoot: the directory must be snapshottable. */
  root(dir: INode | null, path: string): SnapshottableDir {
    const s = dir ? this.byDirId.get(dir.id) : undefined;
    if (!s) throw snapshotError(`Directory is not a snapshottable directory: ${path}`);
    return s;
  }

  /** SnapshotManager.checkNestedSnapshottable: no snapshottable directory above or below another. */
  checkNotNested(dir: INodeDirectory, path: string): void {
    for (const s of this.byDirId.values()) {
      if (s.dir === dir) continue;
      const sPath = fullPath(s.dir);
      if (isAncestor(dir, s.dir)) {
        throw snapshotError(
          `Nested snapshottable directories not allowed: path=${path}, the subdirectory ${sPath} is already a snapshottable directory.`,
        );
      }
      if (isAncestor(s.dir, dir)) {
        throw snapshotError(
          `Nested snapshottable directories not allowed: path=${path}, the ancestor ${sPath} is already a snapshottable directory.`,
        );
      }
    }
  }

  /**
   * FSDirSnapshotOp.checkSnapshot: a directory (or one below it) that has snapshots cannot be
   * deleted or replaced.
   */
  checkDeletable(node: INode): void {
    for (const n of walk(node)) {
      const s = this.byDirId.get(n.id);
      if (s && s.snapshots.length > 0) {
        const p = fullPath(n);
        throw snapshotError(
          `The directory ${p} cannot be deleted since ${p} is snapshottable and already has snapshots`,
        );
      }
    }
  }

  /** Ids of every INode some snapshot holds. */
  heldIds(): Set<number> {
    const ids = new Set<number>();
    for (const s of this.byDirId.values())
      for (const snap of s.snapshots) for (const n of walk(snap.root)) ids.add(n.id);
    return ids;
  }

  /** Keeps the last state of the files of a subtree leaving the live tree that snapshots hold. */
  keepDeleted(node: INode): void {
    if (this.numSnapshots === 0) return;
    const ids = this.heldIds();
    const blocks = this.blocksInSnapshots();
    for (const n of walk(node)) {
      if (n.kind !== 'FILE' || !ids.has(n.id)) continue;
      const kept = freeze(n) as INodeFile;
      kept.blocks = kept.blocks.filter((b) => blocks.has(b.blockId));
      this.deletedFiles.set(n.id, kept);
    }
  }

  /** After a snapshot is deleted: forget the deleted files no snapshot holds any more. */
  pruneDeleted(): void {
    if (this.deletedFiles.size === 0) return;
    const ids = this.heldIds();
    for (const id of [...this.deletedFiles.keys()]) if (!ids.has(id)) this.deletedFiles.delete(id);
  }

  /** Every block some snapshot still holds, by block id. */
  blocksInSnapshots(except?: Snapshot): Map<number, BlockRef> {
    const blocks = new Map<number, BlockRef>();
    for (const s of this.byDirId.values()) {
      for (const snap of s.snapshots) {
        if (snap === except) continue;
        for (const n of walk(snap.root)) {
          if (n.kind === 'FILE') for (const b of n.blocks) blocks.set(b.blockId, b);
        }
      }
    }
    return blocks;
  }
}

/** Whether `ancestor` lies strictly above `node` in the live tree. */
function isAncestor(ancestor: INodeDirectory, node: INode): boolean {
  for (let p = node.parent; p; p = p.parent) if (p === ancestor) return true;
  return false;
}

/** DirectorySnapshottableFeature.searchSnapshot by name. */
export function findSnapshot(s: SnapshottableDir, name: string): Snapshot | undefined {
  return s.snapshots.find((x) => x.name === name);
}
