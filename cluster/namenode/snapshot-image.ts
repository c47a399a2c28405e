/**
 * Snapshots in the fsimage, as FSImageFormatPBSnapshot writes and reads them: the SnapshotSection
 * (snapshottable directories, and each snapshot's root) and the SnapshotDiffSection (per INode, a
 * diff for each snapshot after which it changed, newest first).
 *
 * The lab keeps frozen copies (snapshot.ts); this file turns them into HDFS's diff form and back.
 * For an INode and the snapshots that hold it, oldest to newest, each snapshot's copy is compared
 * with the next state (the next snapshot's copy, or the live INode): when they differ, a diff for
 * that snapshot records the copy — a FileDiff its size, its attributes when they changed and its
 * blocks when they are not the later ones cut at that size; a DirectoryDiff its children count, its
 * attributes when they changed, the names created since and the INodes deleted since. The
 * snapshottable directory has a diff for every snapshot (isSnapshotRoot: its attributes are the
 * snapshot's root). An INode that only snapshots still hold is written in the INodeSection (as HDFS keeps a
 * deleted INode that a snapshot references) — a file with the state it was deleted in
 * (SnapshotManager.deletedFiles), a directory with its newest snapshot's attributes and no
 * children of its own; its parent's diff lists it as deleted.
 *
 * An INode renamed while a snapshot held it is listed here by id like any deleted child; which of
 * those the image names through an INodeReference (deletedINodeRef, refChildren) is
 * snapshot-references.ts's to say. Pure.
 */
import type { BlockRef } from '../protocol/types.js';
import type {
  ImageDirectoryDiff,
  ImageDiffEntry,
  ImageFileDiff,
  ImageINode,
  ImageSnapshots,
} from './fsimage/image.js';
import { compareNames } from './paths.js';
import { fromImageINode, sameBlocks, toImageINode } from './inode-image.js';
import { fileLength, walk, type INode, type INodeDirectory, type INodeFile } from './inode.js';
import {
  SNAPSHOT_QUOTA_DEFAULT,
  type Snapshot,
  type SnapshotManager,
  type SnapshottableDir,
} from './snapshot.js';

/** The blocks a file of `length` bytes holds of `blocks` (FileDiff: the later list cut at the size). */
function cutBlocks(blocks: readonly BlockRef[], length: number): BlockRef[] {
  const out: BlockRef[] = [];
  let offset = 0;
  for (const b of blocks) {
    if (offset >= length) break;
    const numBytes = Math.min(b.numBytes, length - offset);
    out.push({ ...b, numBytes });
    offset += numBytes;
  }
  return out;
}

/** Whether the attributes a snapshot copy records (INode*Attributes) differ, the name included. */
function attributesDiffer(a: INode, b: INode): boolean {
  const common =
    a.name !== b.name ||
    a.mtime !== b.mtime ||
    a.permission.user !== b.permission.user ||
    a.permission.group !== b.permission.group ||
    a.permission.mode !== b.permission.mode ||
    JSON.stringify(a.xattrs) !== JSON.stringify(b.xattrs) ||
    JSON.stringify(a.acl) !== JSON.stringify(b.acl);
  if (common) return true;
  if (a.kind === 'FILE' && b.kind === 'FILE')
    return (
      a.atime !== b.atime ||
      a.replication !== b.replication ||
      a.preferredBlockSize !== b.preferredBlockSize ||
      a.storagePolicyId !== b.storagePolicyId
    );
  if (a.kind === 'DIRECTORY' && b.kind === 'DIRECTORY')
    return a.nsQuota !== b.nsQuota || a.dsQuota !== b.dsQuota;
  return true;
}

/** A directory state's children as name → id. */
const childMap = (children: readonly INode[]): Map<string, number> =>
  new Map(children.map((c) => [c.name, c.id]));

function directoryDiff(
  snapshotId: number,
  copy: INodeDirectory,
  next: { node: INode; children: readonly INode[] } | null,
  options: { isSnapshotRoot: boolean },
): ImageDirectoryDiff | null {
  const then = childMap(copy.children);
  const later = childMap(next?.children ?? []);
  const created = [...later].filter(([name, id]) => then.get(name) !== id).map(([name]) => name);
  const deleted = [...then].filter(([name, id]) => later.get(name) !== id).map(([, id]) => id);
  const attrs = !options.isSnapshotRoot && (!next || attributesDiffer(copy, next.node));
  if (!options.isSnapshotRoot && !attrs && created.length === 0 && deleted.length === 0) return null;
  const image = toImageINode(copy);
  return {
    snapshotId,
    childrenSize: copy.children.length,
    isSnapshotRoot: options.isSnapshotRoot,
    ...(attrs && image.directory ? { copy: { name: copy.name, directory: image.directory } } : {}),
    created: created.sort(compareNames),
    deleted,
  };
}

function fileDiff(snapshotId: number, copy: INodeFile, next: INodeFile): ImageFileDiff | null {
  const fileSize = fileLength(copy);
  const attrs = attributesDiffer(copy, next);
  const blocks = !sameBlocks(cutBlocks(next.blocks, fileSize), copy.blocks);
  if (!attrs && !blocks && fileSize === fileLength(next)) return null;
  // HDFS's FileDiff keeps a copy of the file's attributes whenever it records one (saveSelf2Snapshot).
  const image = toImageINode(copy);
  return {
    snapshotId,
    fileSize,
    ...(image.file ? { copy: { name: copy.name, file: { ...image.file, blocks: [] } } } : {}),
    ...(blocks ? { blocks: copy.blocks.map((b) => ({ ...b })) } : {}),
  };
}

/**
 * The SnapshotSection and SnapshotDiffSection of the namespace, and the INodes only snapshots hold
 * (for the INodeSection). Undefined when there never was a snapshottable directory or snapshot.
 */
export function snapshotsToImage(
  manager: SnapshotManager,
  live: ReadonlyMap<number, INode>,
): { snapshots: ImageSnapshots; snapshotOnly: ImageINode[] } | undefined {
  const dirs = manager.all();
  if (dirs.length === 0 && manager.snapshotCounter === 0) return undefined;
  const diffs: ImageDiffEntry[] = [];
  const snapshotOnly: ImageINode[] = [];
  for (const s of dirs) {
    const held = new Map<number, { snapshot: Snapshot; node: INode }[]>(); // oldest first
    const byId = [...s.snapshots].sort((a, b) => a.id - b.id);
    for (const snapshot of byId) {
      for (const node of walk(snapshot.root)) {
        if (node === snapshot.root) continue;
        const list = held.get(node.id) ?? [];
        list.push({ snapshot, node });
        held.set(node.id, list);
      }
    }
    diffs.push(rootDiffs(s, byId));
    for (const [id, states] of held) {
      // A deleted file's own state is the one it left the live tree with (SnapshotManager.deletedFiles).
      const current = live.get(id) ?? manager.deletedFiles.get(id);
      const newest = states.at(-1)!.node;
      if (!live.has(id)) snapshotOnly.push(toImageINode(current ?? newest));
      const entry = inodeDiffs(id, states, current ?? null, newest);
      if (entry) diffs.push(entry);
    }
  }
  diffs.sort((a, b) => a.inodeId - b.inodeId);
  return {
    snapshots: {
      snapshotCounter: manager.snapshotCounter,
      snapshottableDirs: dirs.map((s) => s.dir.id),
      // FSImageFormatPBSnapshot writes each directory's snapshots by name (snapshotsByNames).
      snapshots: dirs.flatMap((s) =>
        [...s.snapshots]
          .sort((a, b) => compareNames(a.name, b.name))
          .map((x) => ({ id: x.id, root: toImageINode(x.root) })),
      ),
      diffs,
    },
    snapshotOnly: snapshotOnly.sort((a, b) => a.id - b.id),
  };
}

function rootDiffs(s: SnapshottableDir, byId: readonly Snapshot[]): ImageDiffEntry {
  const out: ImageDirectoryDiff[] = [];
  let next: { node: INode; children: readonly INode[] } = { node: s.dir, children: s.dir.children };
  for (const snapshot of [...byId].reverse()) {
    out.push(directoryDiff(snapshot.id, snapshot.root, next, { isSnapshotRoot: true })!);
    next = { node: snapshot.root, children: snapshot.root.children };
  }
  return { type: 'DIRECTORYDIFF', inodeId: s.dir.id, diffs: out };
}

function inodeDiffs(
  id: number,
  states: readonly { snapshot: Snapshot; node: INode }[],
  current: INode | null,
  newest: INode,
): ImageDiffEntry | null {
  // A deleted INode's own state is its newest copy, with no children of its own.
  let next: INode = current ?? newest;
  let nextChildren: readonly INode[] = current?.kind === 'DIRECTORY' ? current.children : [];
  if (newest.kind === 'FILE') {
    const out: ImageFileDiff[] = [];
    for (const { snapshot, node } of [...states].reverse()) {
      const d = fileDiff(snapshot.id, node as INodeFile, next as INodeFile);
      if (d) out.push(d);
      next = node;
    }
    return out.length > 0 ? { type: 'FILEDIFF', inodeId: id, diffs: out } : null;
  }
  const out: ImageDirectoryDiff[] = [];
  for (const { snapshot, node } of [...states].reverse()) {
    const dir = node as INodeDirectory;
    const d = directoryDiff(
      snapshot.id,
      dir,
      { node: next, children: nextChildren },
      { isSnapshotRoot: false },
    );
    if (d) out.push(d);
    next = dir;
    nextChildren = dir.children;
  }
  return out.length > 0 ? { type: 'DIRECTORYDIFF', inodeId: id, diffs: out } : null;
}

/** Ids of the INodes the image's diffs list as deleted: those only snapshots hold may have no parent. */
export function deletedInSnapshots(snapshots: ImageSnapshots | undefined): Set<number> {
  const ids = new Set<number>();
  for (const e of snapshots?.diffs ?? []) {
    if (e.type === 'DIRECTORYDIFF') for (const d of e.diffs) for (const id of d.deleted) ids.add(id);
  }
  return ids;
}

/**
 * Rebuilds every snapshot's frozen tree from the image: a state at snapshot S is read from the
 * first diff at or after S (its copy, size, blocks, created and deleted lists), or else from the
 * later state — the live INode, or the INodeSection record of one only snapshots hold.
 */
export function snapshotsFromImage(
  image: ImageSnapshots,
  records: ReadonlyMap<number, ImageINode>,
  live: ReadonlyMap<number, INode>,
): { counter: number; dirs: SnapshottableDir[] } {
  const diffsOf = new Map<number, ImageDiffEntry>();
  for (const e of image.diffs) diffsOf.set(e.inodeId, e);
  const current = (id: number): INode => {
    const node = live.get(id);
    if (node) return node;
    const record = records.get(id);
    if (!record) throw new Error(`fsimage: a snapshot refers to inode ${id}, which the image lacks`);
    return fromImageINode(record);
  };
  const later = <D extends { snapshotId: number }>(diffs: readonly D[], sid: number): D[] =>
    diffs.filter((d) => d.snapshotId >= sid).sort((a, b) => a.snapshotId - b.snapshotId);

  const stateAt = (id: number, sid: number, rootAttrs?: ImageINode): INode => {
    const entry = diffsOf.get(id);
    const now = current(id);
    if (now.kind === 'FILE') {
      const diffs = entry?.type === 'FILEDIFF' ? later(entry.diffs, sid) : [];
      const copy = diffs.find((d) => d.copy)?.copy;
      const base = copy
        ? (fromImageINode({ id, type: 'FILE', name: copy.name, file: copy.file }) as INodeFile)
        : now;
      const blocks = diffs.find((d) => d.blocks)?.blocks ?? now.blocks;
      const file = fromImageINode({
        id,
        type: 'FILE',
        name: base.name,
        file: { ...toImageINode(base).file!, blocks: [] },
      }) as INodeFile;
      file.blocks = diffs.length > 0 ? cutBlocks(blocks, diffs[0]!.fileSize) : blocks.map((b) => ({ ...b }));
      file.underConstruction = null;
      return file;
    }
    const diffs = entry?.type === 'DIRECTORYDIFF' ? later(entry.diffs, sid) : [];
    const copy = diffs.find((d) => d.copy)?.copy;
    const attrs: ImageINode =
      rootAttrs ??
      (copy ? { id, type: 'DIRECTORY', name: copy.name, directory: copy.directory } : toImageINode(now));
    const dir = fromImageINode(attrs) as INodeDirectory;
    const children = new Map<string, number>(
      live.has(id) && now.kind === 'DIRECTORY' ? now.children.map((c) => [c.name, c.id]) : [],
    );
    for (const d of [...diffs].reverse()) {
      for (const name of d.created) children.delete(name);
      for (const childId of d.deleted) children.set(nameAt(childId, d.snapshotId), childId);
    }
    for (const childId of [...children.values()]) {
      const child = stateAt(childId, sid);
      child.parent = dir;
      dir.children.push(child);
    }
    dir.children.sort((a, b) => compareNames(a.name, b.name));
    return dir;
  };
  const nameAt = (id: number, sid: number): string => {
    const entry = diffsOf.get(id);
    const copy = entry
      ? later<{ snapshotId: number; copy?: { name: string } }>(entry.diffs, sid).find((d) => d.copy)?.copy
      : undefined;
    return copy?.name ?? current(id).name;
  };

  const dirs: SnapshottableDir[] = image.snapshottableDirs.map((dirId) => {
    const dir = live.get(dirId);
    if (dir?.kind !== 'DIRECTORY')
      throw new Error(`fsimage: snapshottable directory ${dirId} is not a live directory`);
    const snapshots = image.snapshots
      .filter((s) => s.root.id === dirId)
      .sort((a, b) => a.id - b.id)
      .map((s) => ({ id: s.id, name: s.root.name, root: stateAt(dirId, s.id, s.root) as INodeDirectory }));
    return { dir, snapshotQuota: SNAPSHOT_QUOTA_DEFAULT, snapshots };
  });
  return { counter: image.snapshotCounter, dirs };
}
