/**
 * The in-memory form of an fsimage: what the Namespace core saves and loads, what the codec
 * writes as Hadoop's protobuf image (HDFSIMG1 … FileSummary), and what `oiv` prints.
 * Replica locations are deliberately absent: they come back from block reports.
 */
import type { AclEntry, XAttr } from '../../protocol/messages.js';
import type { BlockRef, PermissionStatus } from '../editlog/ops.js';

export const NAMENODE_LAYOUT_VERSION = -66;
export const ROOT_INODE_ID = 16385;
/** HdfsConstants.GRANDFATHER_INODE_ID: the fileId of a client that sends none. */
export const GRANDFATHER_INODE_ID = 0;
export const LAST_RESERVED_BLOCK_ID = 1073741824; // 2^30
export const GENSTAMP_RESERVED = 1000;
export const LONG_MAX = '9223372036854775807';

export interface ImageFile {
  replication: number;
  mtime: number;
  atime: number;
  preferredBlockSize: number;
  permission: PermissionStatus;
  blocks: BlockRef[];
  storagePolicyId: number;
  /** XAttrFeature; absent when the file has none. */
  xattrs?: XAttr[];
  /** AclFeature's entries; absent when the file has no ACL. */
  acl?: AclEntry[];
  underConstruction?: { clientName: string; clientMachine: string };
}

export interface ImageDirectory {
  mtime: number;
  permission: PermissionStatus;
  /** Namespace quota; the root has Long.MAX (kept as decimal text), others -1. */
  nsQuota: string;
  /** Disk-space quota; -1 = none. */
  dsQuota: string;
  /** XAttrFeature; absent when the directory has none. */
  xattrs?: XAttr[];
  /** AclFeature's entries; absent when the directory has no ACL. */
  acl?: AclEntry[];
}

export interface ImageINode {
  id: number;
  type: 'FILE' | 'DIRECTORY';
  /** Local name; '' for the root. */
  name: string;
  file?: ImageFile;
  directory?: ImageDirectory;
}

/** SnapshotSection.Snapshot: the snapshot's id and its root (named after it, mtime = creation). */
export interface ImageSnapshot {
  id: number;
  root: ImageINode;
}

/** SnapshotDiffSection.FileDiff: the file as it was in that snapshot, where it differs from later. */
export interface ImageFileDiff {
  snapshotId: number;
  fileSize: number;
  /** The name and attributes then (INodeFileAttributes.SnapshotCopy), when they changed since. */
  copy?: { name: string; file: ImageFile };
  /** The block list then, when it is not the later one cut at `fileSize`. */
  blocks?: BlockRef[];
}

/** SnapshotDiffSection.DirectoryDiff: the directory's children and attributes then. */
export interface ImageDirectoryDiff {
  snapshotId: number;
  childrenSize: number;
  /** The snapshottable directory itself: its attributes are the snapshot's root. */
  isSnapshotRoot: boolean;
  copy?: { name: string; directory: ImageDirectory };
  /** Names of the children made after the snapshot (in the later state, not in this one). */
  created: string[];
  /** Ids of the children it had then that the later state lacks (a reference's: the INode it refers to). */
  deleted: number[];
  /**
   * Those of `deleted` that are INodeReferences (deletedINodeRef): indexes into FsImage.references,
   * in the deleted list's name order. Absent when none is.
   */
  deletedRefs?: number[];
}

export type ImageDiffEntry =
  | { type: 'FILEDIFF'; inodeId: number; diffs: ImageFileDiff[] }
  | { type: 'DIRECTORYDIFF'; inodeId: number; diffs: ImageDirectoryDiff[] };

/** Snapshot.CURRENT_STATE_ID (Integer.MAX_VALUE - 1): a rename's destination had no snapshot. */
export const CURRENT_STATE_ID = 2_147_483_646;

/**
 * INodeReferenceSection.INodeReference, as HDFS makes them when an INode a snapshot holds is
 * renamed: a WithName keeps the name the snapshot knew (in the source's diff, with the snapshot
 * that was the latest then), a DstReference stands where the INode is now (with the latest
 * snapshot of the destination then, or CURRENT_STATE_ID). Both refer to the one INode.
 */
export type ImageReference =
  | { kind: 'WITH_NAME'; referredId: number; name: string; lastSnapshotId: number }
  | { kind: 'DST'; referredId: number; dstSnapshotId: number };

export interface ImageSnapshots {
  snapshotCounter: number;
  /** Snapshottable directories by id. */
  snapshottableDirs: number[];
  /** Every snapshot, directory by directory, each directory's in creation order. */
  snapshots: ImageSnapshot[];
  /** Per inode with diffs (inode-id order), its diffs newest snapshot first, as Hadoop saves them. */
  diffs: ImageDiffEntry[];
}

export interface FsImage {
  layoutVersion: number; // -66
  namespaceId: number;
  genstampV1: number; // 1000
  genstampV2: number;
  genstampV1Limit: number; // 0
  lastAllocatedBlockId: number;
  txid: number;
  lastInodeId: number;
  /** Every inode, in inode-id order. */
  inodes: ImageINode[];
  /**
   * Directories with children; children in child-name (byte-wise) order, a reference child as the
   * INode it refers to. `refChildren`: those children that are DstReferences, as indexes into
   * `references` (INodeDirectorySection's refChildren); absent when none is.
   */
  directories: { parent: number; children: number[]; refChildren?: number[] }[];
  /** Files being written: inode id and full path. */
  filesUnderConstruction: { id: number; path: string }[];
  /** SnapshotSection and SnapshotDiffSection; absent = no snapshottable directory. */
  snapshots?: ImageSnapshots;
  /**
   * INodeReferenceSection, in HDFS's saver order: the INodeDirectorySection's reference children,
   * then the SnapshotDiffSection's deleted references. Absent when there is none.
   */
  references?: ImageReference[];
}
