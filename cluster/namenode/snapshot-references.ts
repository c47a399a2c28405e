/**
 * INodeReferences, as HDFS makes them when an INode that a snapshot holds is renamed
 * (FSDirRenameOp.RenameOperation, INodeReference.WithName / DstReference), derived from the lab's
 * frozen copies for the fsimage:
 *
 * - Each time an INode's place (parent, name) changes between two of its states — one snapshot's
 *   copy and the next snapshot's or the live tree — it was renamed after that snapshot, which was
 *   then the latest: the source directory's diff for that snapshot lists a WithName (the old name,
 *   lastSnapshotId = that snapshot) among its deleted children.
 * - After such a rename the INode stands in the live tree as a DstReference whose dstSnapshotId is
 *   the destination tree's latest snapshot at the time of the rename (CURRENT_STATE_ID when it had
 *   none); deleted from there after a later snapshot, the DstReference is what that snapshot's diff
 *   lists as deleted.
 *
 * The image names references by index: the INodeDirectorySection's reference children first, then
 * the SnapshotDiffSection's deleted references, in the order HDFS's saver meets them
 * (`placeReferences`). The lab keeps no reference objects: a loaded image's references are read as
 * the INodes they refer to, and the next save derives them again. Pure.
 */
import { CURRENT_STATE_ID, type FsImage, type ImageReference } from './fsimage/image.js';
import type { INode } from './inode.js';
import type { SnapshotManager, SnapshottableDir } from './snapshot.js';

/** Where an INode stood in one snapshot. */
interface Place {
  snapshotId: number;
  parentId: number;
  name: string;
}

export interface ReferencePlan {
  /** Live INodes that stand as DstReferences: id → dstSnapshotId. */
  readonly live: Map<number, number>;
  /** Per `${directory id}:${snapshot id}`, the deleted children of that diff that are references. */
  readonly deleted: Map<string, Map<number, ImageReference>>;
}

const samePlace = (a: { parentId: number; name: string }, b: { parentId: number; name: string }): boolean =>
  a.parentId === b.parentId && a.name === b.name;

/** Every INode's places in the snapshots that hold it (snapshot roots aside), oldest snapshot first. */
function histories(manager: SnapshotManager): Map<number, Place[]> {
  const out = new Map<number, Place[]>();
  const snapshots = [...manager.byDirId.values()].flatMap((s) => s.snapshots).sort((a, b) => a.id - b.id);
  for (const snapshot of snapshots) {
    const visit = (dir: INode): void => {
      if (dir.kind !== 'DIRECTORY') return;
      for (const child of dir.children) {
        const list = out.get(child.id) ?? [];
        list.push({ snapshotId: snapshot.id, parentId: dir.id, name: child.name });
        out.set(child.id, list);
        visit(child);
      }
    };
    visit(snapshot.root);
  }
  return out;
}

/** The snapshottable directory whose tree holds the directory `id` (live, or in a snapshot). */
function snapshottableOf(
  id: number,
  manager: SnapshotManager,
  live: ReadonlyMap<number, INode>,
): SnapshottableDir | undefined {
  for (let n: INode | null | undefined = live.get(id); n; n = n.parent) {
    const s = manager.byDirId.get(n.id);
    if (s) return s;
  }
  for (const s of manager.byDirId.values()) {
    if (s.snapshots.some((snap) => containsId(snap.root, id))) return s;
  }
  return undefined;
}

function containsId(node: INode, id: number): boolean {
  if (node.id === id) return true;
  return node.kind === 'DIRECTORY' && node.children.some((c) => containsId(c, id));
}

/**
 * dstSnapshotId of the DstReference at `place`, which the INode reached by a rename after
 * `history[run - 1]` and kept through `history[run..]`: the destination tree's latest snapshot
 * before the first of those (every later one of its snapshots holds the INode there).
 */
function dstSnapshotId(
  history: readonly Place[],
  run: number,
  place: { parentId: number },
  context: { manager: SnapshotManager; live: ReadonlyMap<number, INode> },
): number {
  const tree = snapshottableOf(place.parentId, context.manager, context.live);
  const bound = run < history.length ? history[run]!.snapshotId : Number.POSITIVE_INFINITY;
  const before = (tree?.snapshots ?? []).map((s) => s.id).filter((id) => id < bound);
  return before.length > 0 ? Math.max(...before) : CURRENT_STATE_ID;
}

/** Index of the first state of the run at `place` that ends `history` before `end`. */
function runStart(history: readonly Place[], end: number, place: { parentId: number; name: string }): number {
  let run = end;
  while (run > 0 && samePlace(history[run - 1]!, place)) run--;
  return run;
}

/** The references a save of the lab's namespace writes. */
export function planReferences(manager: SnapshotManager, live: ReadonlyMap<number, INode>): ReferencePlan {
  const plan: ReferencePlan = { live: new Map(), deleted: new Map() };
  const context = { manager, live };
  const addDeleted = (at: Place, childId: number, ref: ImageReference): void => {
    const key = `${at.parentId}:${at.snapshotId}`;
    const map = plan.deleted.get(key) ?? new Map<number, ImageReference>();
    map.set(childId, ref);
    plan.deleted.set(key, map);
  };
  for (const [id, history] of histories(manager)) {
    const now = live.get(id);
    const final = now?.parent ? { parentId: now.parent.id, name: now.name } : null;
    let renamed = false;
    for (const [i, at] of history.entries()) {
      const next = i + 1 < history.length ? history[i + 1]! : final;
      if (next && !samePlace(at, next)) {
        addDeleted(at, id, {
          kind: 'WITH_NAME',
          referredId: id,
          name: at.name,
          lastSnapshotId: at.snapshotId,
        });
        renamed = true;
      } else if (!next && renamed) {
        const run = runStart(history, i + 1, at);
        addDeleted(at, id, {
          kind: 'DST',
          referredId: id,
          dstSnapshotId: dstSnapshotId(history, run, at, context),
        });
      }
    }
    if (final && renamed) {
      const run = runStart(history, history.length, final);
      plan.live.set(id, dstSnapshotId(history, run, final, context));
    }
  }
  return plan;
}

/**
 * Gives the image its INodeReferenceSection: each directory's DstReference children (directories
 * in the image's order, children by name), then each directory diff's deleted references (diffs in
 * the image's order, deleted children by name), numbered in that order as HDFS's saver numbers them.
 */
export function placeReferences(image: FsImage, plan: ReferencePlan): FsImage {
  const references: ImageReference[] = [];
  const directories = image.directories.map((d) => {
    const refChildren: number[] = [];
    for (const child of d.children) {
      const dst = plan.live.get(child);
      if (dst === undefined) continue;
      refChildren.push(references.length);
      references.push({ kind: 'DST', referredId: child, dstSnapshotId: dst });
    }
    return refChildren.length > 0 ? { ...d, refChildren } : d;
  });
  const diffs = image.snapshots?.diffs.map((entry) => {
    if (entry.type !== 'DIRECTORYDIFF') return entry;
    const dirDiffs = entry.diffs.map((d) => {
      const refs = plan.deleted.get(`${entry.inodeId}:${d.snapshotId}`);
      const deletedRefs: number[] = [];
      for (const child of d.deleted) {
        const ref = refs?.get(child);
        if (!ref) continue;
        deletedRefs.push(references.length);
        references.push(ref);
      }
      if (deletedRefs.length === 0) return d;
      // As the image stores them: the INodes by id, then those named by reference.
      const byRef = new Set(deletedRefs.map((i) => references[i]!.referredId));
      const deleted = [...d.deleted.filter((id) => !byRef.has(id)), ...byRef];
      return { ...d, deleted, deletedRefs };
    });
    return { ...entry, diffs: dirDiffs };
  });
  if (references.length === 0) return image;
  return {
    ...image,
    directories,
    ...(image.snapshots && diffs ? { snapshots: { ...image.snapshots, diffs } } : {}),
    references,
  };
}
