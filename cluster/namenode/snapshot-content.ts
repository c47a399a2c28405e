/**
 * What snapshots add to a content summary (`-count`, `-du`), as HDFS's getContentSummary counts
 * them for a path outside `.snapshot` (ContentSummaryComputationContext since HDFS-10797):
 *
 * - Every INode a snapshot holds below the path that the live walk does not reach — deleted since
 *   (listed in a directory diff's deleted list), or renamed out of the path (a WithName reference,
 *   counted through the INode it refers to) — is counted once, a directory as one directory and a
 *   file as one file of its snapshot length, into the summary and into its snapshot part
 *   (snapshotLength, snapshotFileCount, snapshotDirectoryCount, snapshotSpaceConsumed), which
 *   `-count -x` and `-du -x` subtract. An INode renamed within the path is reached by the live walk
 *   and counted once, there.
 * - A file's storage space is INodeFile.storagespaceConsumed: every distinct block of the file and
 *   of its snapshot copies (a block a truncate left to a snapshot still takes space), at the live
 *   size where the live file has it, times the highest replication of the file and its copies
 *   (getPreferredBlockReplication: a `-setrep 1` after a snapshot taken at 3 still counts 3). That
 *   part of a live file is not in the snapshot part: `-du -x` still shows it, as HDFS's does.
 *
 * The lab keeps a frozen copy of the tree per snapshot (snapshot.ts); an INode's copies are found
 * by id, its children in snapshots are the union of its copies' children. Pure.
 */
import type { BlockRef } from '../protocol/types.js';
import { fileLength, walk, type INode, type INodeFile } from './inode.js';
import type { SnapshotManager } from './snapshot.js';

/** Counts of one kind (ContentCounts): the whole summary, or its snapshot part. */
export interface ContentCounts {
  length: number;
  fileCount: number;
  directoryCount: number;
  spaceConsumed: number;
}

/** Every copy of each INode the snapshots hold (oldest snapshot first), and its children's ids there. */
interface Held {
  copies: INode[];
  children: Set<number>;
}

function heldInSnapshots(manager: SnapshotManager): Map<number, Held> {
  const held = new Map<number, Held>();
  const snapshots = [...manager.byDirId.values()].flatMap((s) => s.snapshots).sort((a, b) => a.id - b.id);
  for (const snapshot of snapshots) {
    for (const node of walk(snapshot.root)) {
      const entry = held.get(node.id) ?? { copies: [], children: new Set<number>() };
      entry.copies.push(node);
      if (node.kind === 'DIRECTORY') for (const c of node.children) entry.children.add(c.id);
      held.set(node.id, entry);
    }
  }
  return held;
}

/**
 * INodeFile.storagespaceConsumed: the distinct blocks of the file and of its snapshot copies, at
 * the file's own sizes where it has them, times getPreferredBlockReplication — the highest of the
 * file's and its copies' replication, or of the copies' alone once the file is deleted. `file` is
 * the live file or the state a deleted one left with (null when the lab has none). A block being
 * written counts as a whole preferred block, as HDFS reserves it.
 */
export function fileSpaceWithSnapshots(
  file: INodeFile | null,
  copies: readonly INode[],
  options: { deleted: boolean },
): number {
  const files = copies.filter((c): c is INodeFile => c.kind === 'FILE');
  const sizes = new Map<number, number>();
  for (const copy of files)
    for (const b of copy.blocks) sizes.set(b.blockId, Math.max(sizes.get(b.blockId) ?? 0, b.numBytes));
  let replication = Math.max(0, ...files.map((f) => f.replication));
  if (file) {
    if (!options.deleted) replication = Math.max(replication, file.replication);
    const last = file.blocks.at(-1);
    for (const b of file.blocks) sizes.set(b.blockId, liveBlockBytes(file, b, last));
  }
  let bytes = 0;
  for (const size of sizes.values()) bytes += size;
  return bytes * replication;
}

/**
 * INodeFile.computeFileSize(true, true): the file's bytes, a block being written counted as a whole
 * preferred block (what a replication change multiplies).
 */
export function fileBytesForQuota(file: INodeFile): number {
  const last = file.blocks.at(-1);
  let bytes = 0;
  for (const b of file.blocks) bytes += liveBlockBytes(file, b, last);
  return bytes;
}

/** INodeFile.getPreferredBlockReplication: the highest replication of the file and of its snapshot copies. */
export function preferredBlockReplication(file: INodeFile, manager: SnapshotManager): number {
  const copies = manager.byDirId.size === 0 ? [] : (heldInSnapshots(manager).get(file.id)?.copies ?? []);
  return Math.max(file.replication, ...copies.map((c) => (c.kind === 'FILE' ? c.replication : 0)));
}

function liveBlockBytes(file: INodeFile, block: BlockRef, last: BlockRef | undefined): number {
  return file.underConstruction && block === last
    ? Math.max(block.numBytes, file.preferredBlockSize)
    : block.numBytes;
}

/**
 * The content summary of the live INode `top`: the live subtree, plus what only snapshots hold
 * below it. `liveById` finds a live INode by id (one renamed out of `top` is counted with its
 * live blocks too, as HDFS counts the INode a WithName reference refers to).
 */
export function contentWithSnapshots(
  top: INode,
  manager: SnapshotManager,
  liveById: ReadonlyMap<number, INode>,
): { counts: ContentCounts; snapshot: ContentCounts } {
  const counts: ContentCounts = { length: 0, fileCount: 0, directoryCount: 0, spaceConsumed: 0 };
  const snapshot: ContentCounts = { length: 0, fileCount: 0, directoryCount: 0, spaceConsumed: 0 };
  const held = manager.byDirId.size === 0 ? new Map<number, Held>() : heldInSnapshots(manager);
  const liveHere = new Map<number, INode>();
  for (const n of walk(top)) liveHere.set(n.id, n);

  for (const n of liveHere.values()) {
    if (n.kind === 'DIRECTORY') {
      counts.directoryCount += 1;
      continue;
    }
    counts.fileCount += 1;
    counts.length += fileLength(n);
    counts.spaceConsumed += fileSpaceWithSnapshots(n, held.get(n.id)?.copies ?? [], { deleted: false });
  }

  // tallyDeletedSnapshottedINodes: what a live directory's snapshots hold that the walk did not reach.
  const counted = new Set<number>();
  const tally = (id: number): void => {
    if (liveHere.has(id) || counted.has(id)) return;
    counted.add(id);
    const entry = held.get(id)!;
    const newest = entry.copies.at(-1)!;
    if (newest.kind === 'DIRECTORY') snapshot.directoryCount += 1;
    else {
      // Renamed out of `top`: the live file; deleted: the state it left with, or its newest copy.
      const elsewhere = liveById.get(id);
      const file = elsewhere?.kind === 'FILE' ? elsewhere : manager.deletedFiles.get(id);
      snapshot.fileCount += 1;
      snapshot.length += fileLength(elsewhere ? newest : (file ?? newest));
      snapshot.spaceConsumed += fileSpaceWithSnapshots(file ?? null, entry.copies, { deleted: !elsewhere });
    }
    for (const child of entry.children) tally(child);
  };
  for (const id of liveHere.keys()) for (const child of held.get(id)?.children ?? []) tally(child);

  counts.length += snapshot.length;
  counts.fileCount += snapshot.fileCount;
  counts.directoryCount += snapshot.directoryCount;
  counts.spaceConsumed += snapshot.spaceConsumed;
  return { counts, snapshot };
}
