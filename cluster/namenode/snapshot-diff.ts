/**
 * SnapshotDiffReport: what changed under a snapshottable directory between two of its states (two
 * snapshots, or a snapshot and the current tree), as `hdfs snapshotDiff` reports it. INodes are
 * matched by id, as HDFS's diff lists match them: a directory whose entries or attributes changed
 * is MODIFY ("M"), followed by its entries that were renamed ("R"), created ("+") and deleted
 * ("-"); a file whose content or attributes changed is MODIFY. Paths are relative to the
 * snapshottable directory ("" for itself).
 *
 * Pure: it only reads the two trees.
 */
import type {
  SnapshotDiffEntry as DiffReportEntry,
  SnapshotDiffReport,
  SnapshotDiffType,
} from '../protocol/messages.js';
import { type INode, type INodeDirectory } from './inode.js';
import { sameBlocks } from './inode-image.js';

export type { SnapshotDiffReport };

/** DiffType's labels (SnapshotDiffReport.DiffType.getLabel). */
export const DIFF_LABELS: Record<SnapshotDiffType, string> = {
  CREATE: '+',
  MODIFY: 'M',
  DELETE: '-',
  RENAME: 'R',
};

interface Placed {
  node: INode;
  path: string;
  parentId: number | null;
}

/** id → where the INode sits in the tree (paths relative to its root). */
function index(root: INodeDirectory): Map<number, Placed> {
  const placed = new Map<number, Placed>();
  const visit = (node: INode, path: string, parentId: number | null): void => {
    placed.set(node.id, { node, path, parentId });
    if (node.kind === 'DIRECTORY') {
      for (const c of node.children) visit(c, path === '' ? c.name : `${path}/${c.name}`, node.id);
    }
  };
  visit(root, '', null);
  return placed;
}

/** Attributes a snapshot copy records (INodeAttributes), the name and the directory's mtime aside. */
function sameAttributes(a: INode, b: INode): boolean {
  const same =
    a.permission.user === b.permission.user &&
    a.permission.group === b.permission.group &&
    a.permission.mode === b.permission.mode &&
    JSON.stringify(a.xattrs) === JSON.stringify(b.xattrs);
  if (!same) return false;
  if (a.kind === 'DIRECTORY' && b.kind === 'DIRECTORY')
    return a.nsQuota === b.nsQuota && a.dsQuota === b.dsQuota;
  if (a.kind === 'FILE' && b.kind === 'FILE') {
    return (
      a.mtime === b.mtime &&
      a.atime === b.atime &&
      a.replication === b.replication &&
      sameBlocks(a.blocks, b.blocks)
    );
  }
  return false;
}

/** The report's entries from the `from` tree to the `to` tree, in path order. */
export function diffSnapshots(from: INodeDirectory, to: INodeDirectory): DiffReportEntry[] {
  const before = index(from);
  const after = index(to);
  const entries: DiffReportEntry[] = [];
  const visit = (node: INode, path: string): void => {
    const later = after.get(node.id);
    if (node.kind === 'FILE') {
      if (later && !sameAttributes(node, later.node)) entries.push({ type: 'MODIFY', path });
      return;
    }
    if (later?.node.kind === 'DIRECTORY')
      entries.push(...directoryEntries(node, later.node, before, after, path));
    for (const c of node.children) visit(c, path === '' ? c.name : `${path}/${c.name}`);
  };
  visit(from, '');
  return entries;
}

function directoryEntries(
  dir: INodeDirectory,
  later: INodeDirectory,
  before: Map<number, Placed>,
  after: Map<number, Placed>,
  path: string,
): DiffReportEntry[] {
  const renamed: DiffReportEntry[] = [];
  const created: DiffReportEntry[] = [];
  const deleted: DiffReportEntry[] = [];
  const childPath = (name: string): string => (path === '' ? name : `${path}/${name}`);
  let movedIn = false;
  for (const c of dir.children) {
    const now = after.get(c.id);
    if (!now) deleted.push({ type: 'DELETE', path: childPath(c.name) });
    else if (now.parentId !== dir.id || now.node.name !== c.name)
      renamed.push({ type: 'RENAME', path: childPath(c.name), target: now.path });
  }
  for (const c of later.children) {
    const was = before.get(c.id);
    if (!was) created.push({ type: 'CREATE', path: childPath(c.name) });
    else if (was.parentId !== dir.id) movedIn = true;
  }
  const changed = renamed.length + created.length + deleted.length > 0 || movedIn;
  if (!changed && sameAttributes(dir, later)) return [];
  return [{ type: 'MODIFY', path }, ...renamed, ...created, ...deleted];
}

/** SnapshotDiffReport.toString: the header, then one line per entry ("M\t./a", "R\t./a -> ./b"). */
export function formatDiffReport(report: SnapshotDiffReport): string {
  const name = (s: string): string => (s === '' ? 'current directory' : `snapshot ${s}`);
  const rel = (p: string): string => (p === '' ? '.' : `./${p}`);
  const lines = [
    `Difference between ${name(report.fromSnapshot)} and ${name(report.toSnapshot)} under directory ${report.snapshotRoot}:`,
    ...report.entries.map(
      (e) => `${DIFF_LABELS[e.type]}\t${rel(e.path)}${e.target !== undefined ? ` -> ${rel(e.target)}` : ''}`,
    ),
  ];
  return lines.join('\n') + '\n';
}
