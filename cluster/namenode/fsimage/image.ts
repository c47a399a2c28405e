/**
 * The in-memory form of an fsimage: what the Namespace core saves and loads, what the codec
 * writes as Hadoop's protobuf image (HDFSIMG1 … FileSummary), and what `oiv` prints.
 * Replica locations are deliberately absent: they come back from block reports.
 */
import type { XAttr } from '../../protocol/messages.js';
import type { BlockRef, PermissionStatus } from '../editlog/ops.js';

export const NAMENODE_LAYOUT_VERSION = -66;
export const ROOT_INODE_ID = 16385;
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
}

export interface ImageINode {
  id: number;
  type: 'FILE' | 'DIRECTORY';
  /** Local name; '' for the root. */
  name: string;
  file?: ImageFile;
  directory?: ImageDirectory;
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
  /** Directories with children; children in child-name (byte-wise) order. */
  directories: { parent: number; children: number[] }[];
  /** Files being written: inode id and full path. */
  filesUnderConstruction: { id: number; path: string }[];
}
