/**
 * The INode tree: INodeDirectory and INodeFile, as HDFS's FSDirectory holds them. These are plain
 * records with a few tree helpers; only Namespace.applyOp changes them.
 */
import type { BlockRef, PermissionStatus } from './editlog/ops.js';
import { childPath, compareNames, ROOT_PATH } from './paths.js';
import type { AclEntry, XAttr } from '../protocol/messages.js';

/** "No quota", as the fsimage stores it (decimal text, like the root's Long.MAX namespace quota). */
export const QUOTA_NONE = '-1';

interface INodeCommon {
  readonly id: number;
  /** Local name; '' for the root. */
  name: string;
  parent: INodeDirectory | null;
  permission: PermissionStatus;
  mtime: number;
  /** Extended attributes (XAttrFeature), in the order they were first set. */
  xattrs: XAttr[];
  /**
   * AclFeature: the named and owning-group entries of the access ACL, then the default ACL, sorted
   * ([] = no ACL). The owner, mask and other entries are the permission bits (see acl.ts).
   */
  acl: AclEntry[];
}

export interface INodeDirectory extends INodeCommon {
  readonly kind: 'DIRECTORY';
  /** Children sorted by name, byte-wise (HDFS's INodeDirectory keeps them the same way). */
  children: INode[];
  nsQuota: string;
  dsQuota: string;
}

export interface FileUnderConstruction {
  clientName: string;
  clientMachine: string;
  /**
   * A truncate inside the last block (BlockUnderConstructionFeature.truncateBlock): the block as
   * block recovery must leave it, with the recovery's generation stamp. Kept in memory only, as HDFS
   * keeps it (the fsimage does not store it; replaying OP_TRUNCATE restores it).
   */
  truncateBlock?: BlockRef;
  /**
   * Copy-on-truncate (the last block was in a snapshot): the old last block, which the snapshots
   * keep whole and block recovery copies the kept bytes from into `truncateBlock`, a new block
   * (HDFS keeps it as that new block's BlockUnderConstructionFeature.truncateBlock). Memory only.
   */
  copyFrom?: BlockRef;
}

export interface INodeFile extends INodeCommon {
  readonly kind: 'FILE';
  atime: number;
  replication: number;
  preferredBlockSize: number;
  storagePolicyId: number;
  /** The file's blocks in order; the NameNode's view of their sizes and generation stamps. */
  blocks: BlockRef[];
  underConstruction: FileUnderConstruction | null;
}

export type INode = INodeDirectory | INodeFile;

export function newDirectory(fields: {
  id: number;
  name: string;
  permission: PermissionStatus;
  mtime: number;
  nsQuota?: string;
  dsQuota?: string;
  xattrs?: XAttr[];
  acl?: AclEntry[];
}): INodeDirectory {
  return {
    kind: 'DIRECTORY',
    id: fields.id,
    name: fields.name,
    parent: null,
    permission: { ...fields.permission },
    mtime: fields.mtime,
    children: [],
    nsQuota: fields.nsQuota ?? QUOTA_NONE,
    dsQuota: fields.dsQuota ?? QUOTA_NONE,
    xattrs: (fields.xattrs ?? []).map((x) => ({ ...x })),
    acl: (fields.acl ?? []).map((e) => ({ ...e })),
  };
}

export function newFile(
  fields: Omit<INodeFile, 'kind' | 'parent' | 'xattrs' | 'acl'> & { xattrs?: XAttr[]; acl?: AclEntry[] },
): INodeFile {
  return {
    kind: 'FILE',
    ...fields,
    xattrs: (fields.xattrs ?? []).map((x) => ({ ...x })),
    acl: (fields.acl ?? []).map((e) => ({ ...e })),
    parent: null,
    permission: { ...fields.permission },
    blocks: fields.blocks.map((b) => ({ ...b })),
    underConstruction: fields.underConstruction ? { ...fields.underConstruction } : null,
  };
}

/** Binary search: index of the child named `name`, or -(insertion point) - 1. */
function searchChild(dir: INodeDirectory, name: string): number {
  let low = 0;
  let high = dir.children.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const cmp = compareNames(dir.children[mid]!.name, name);
    if (cmp < 0) low = mid + 1;
    else if (cmp > 0) high = mid - 1;
    else return mid;
  }
  return -(low + 1);
}

export function getChild(dir: INodeDirectory, name: string): INode | undefined {
  const i = searchChild(dir, name);
  return i >= 0 ? dir.children[i] : undefined;
}

/** Adds `child` under `dir` keeping name order; the name must be free (asserted). */
export function addChild(dir: INodeDirectory, child: INode): void {
  const i = searchChild(dir, child.name);
  if (i >= 0) throw new Error(`addChild: ${childPath(fullPath(dir), child.name)} already exists`);
  dir.children.splice(-(i + 1), 0, child);
  child.parent = dir;
}

export function removeChild(dir: INodeDirectory, child: INode): void {
  const i = searchChild(dir, child.name);
  if (i < 0 || dir.children[i] !== child) {
    throw new Error(`removeChild: ${child.name} is not a child of ${fullPath(dir)}`);
  }
  dir.children.splice(i, 1);
  child.parent = null;
}

/** HDFS's updateModificationTime: a directory's mtime only moves forward. */
export function touchDirectory(dir: INodeDirectory, mtime: number): void {
  if (mtime > dir.mtime) dir.mtime = mtime;
}

export function fullPath(inode: INode): string {
  const names: string[] = [];
  for (let n: INode | null = inode; n && n.parent; n = n.parent) names.push(n.name);
  return names.length === 0 ? ROOT_PATH : '/' + names.reverse().join('/');
}

/** The file's length as the NameNode knows it: the sum of its blocks' sizes. */
export function fileLength(file: INodeFile): number {
  let length = 0;
  for (const b of file.blocks) length += b.numBytes;
  return length;
}

/** Every INode of the subtree rooted at `inode`, parents before children, children by name. */
export function* walk(inode: INode): Generator<INode> {
  yield inode;
  if (inode.kind === 'DIRECTORY') {
    for (const child of inode.children) yield* walk(child);
  }
}
