/**
 * Edit log operations, as HDFS's FSEditLogOp with the -66 writer's fields. The Namespace core
 * produces these for every mutation and applies them (the same `applyOp` serves live mutations
 * and replay after restart), the codec turns them into Hadoop's binary framing, and `oev` prints
 * them as Hadoop's XML.
 */
import type { BlockRef } from '../../protocol/types.js';

import type { AclEntry, XAttr } from '../../protocol/messages.js';

export const EDITS_LAYOUT_VERSION = -66;

/** Opcodes from FSEditLogOpCodes.java. */
export const OPCODES = {
  OP_ADD: 0,
  OP_RENAME_OLD: 1,
  OP_DELETE: 2,
  OP_MKDIR: 3,
  OP_SET_REPLICATION: 4,
  OP_SET_PERMISSIONS: 7,
  OP_SET_OWNER: 8,
  OP_CLOSE: 9,
  OP_TIMES: 13,
  OP_SET_QUOTA: 14,
  OP_SET_ACL: 40,
  OP_SET_XATTR: 43,
  OP_REMOVE_XATTR: 44,
  OP_RENAME: 15,
  OP_CONCAT_DELETE: 16,
  OP_REASSIGN_LEASE: 22,
  OP_END_LOG_SEGMENT: 23,
  OP_START_LOG_SEGMENT: 24,
  OP_UPDATE_BLOCKS: 25,
  OP_CREATE_SNAPSHOT: 26,
  OP_DELETE_SNAPSHOT: 27,
  OP_RENAME_SNAPSHOT: 28,
  OP_ALLOW_SNAPSHOT: 29,
  OP_DISALLOW_SNAPSHOT: 30,
  OP_SET_GENSTAMP_V2: 31,
  OP_ALLOCATE_BLOCK_ID: 32,
  OP_ADD_BLOCK: 33,
  OP_TRUNCATE: 46,
  OP_APPEND: 47,
  OP_INVALID: 0xff,
} as const;

export type OpName = Exclude<keyof typeof OPCODES, 'OP_INVALID'>;

export interface PermissionStatus {
  user: string;
  group: string;
  /** Permission bits, e.g. 0o644 (printed in decimal by oev: 420). */
  mode: number;
}

export type { BlockRef };

/** RPC ids for retry caches: a 16-byte client id and the call id; absent = null / -2. */
export interface RpcIds {
  clientId: string | null; // UUID text of the 16 bytes, or null when absent
  callId: number; // -2 when absent
}

export const NO_RPC_IDS: RpcIds = { clientId: null, callId: -2 };

/** ConcatDeleteOp.MAX_CONCAT_SRC: the most sources one OP_CONCAT_DELETE may carry. */
export const CONCAT_SOURCES_MAX = 1024 * 1024;

export type RenameOption = 'NONE' | 'OVERWRITE' | 'TO_TRASH';

interface OpBase {
  txid: number;
}

export interface AddOrCloseFields {
  inodeId: number; // new inode id for OP_ADD, 0 for OP_CLOSE
  path: string;
  replication: number;
  mtime: number;
  atime: number;
  blockSize: number;
  blocks: BlockRef[];
  permission: PermissionStatus;
}

export type EditLogOp =
  | (OpBase & { op: 'OP_START_LOG_SEGMENT' })
  | (OpBase & { op: 'OP_END_LOG_SEGMENT' })
  | (OpBase & {
      op: 'OP_MKDIR';
      inodeId: number;
      path: string;
      timestamp: number;
      permission: PermissionStatus;
      /** The new directory's full ACL when it inherited one (absent: none). */
      aclEntries?: AclEntry[];
    })
  | (OpBase &
      AddOrCloseFields & {
        op: 'OP_ADD';
        clientName: string;
        clientMachine: string;
        overwrite: boolean;
        storagePolicyId: number; // 0 = unspecified
        erasureCodingPolicyId: number; // 0 for replicated files
        /** The new file's full ACL when it inherited one (absent: none). */
        aclEntries?: AclEntry[];
        rpcIds: RpcIds;
      })
  | (OpBase & AddOrCloseFields & { op: 'OP_CLOSE' })
  | (OpBase & { op: 'OP_ALLOCATE_BLOCK_ID'; blockId: number })
  | (OpBase & { op: 'OP_SET_GENSTAMP_V2'; genStamp: number })
  | (OpBase & { op: 'OP_ADD_BLOCK'; path: string; blocks: BlockRef[]; rpcIds: RpcIds })
  | (OpBase & { op: 'OP_UPDATE_BLOCKS'; path: string; blocks: BlockRef[]; rpcIds: RpcIds })
  | (OpBase & { op: 'OP_DELETE'; path: string; timestamp: number; rpcIds: RpcIds })
  | (OpBase & { op: 'OP_RENAME_OLD'; src: string; dst: string; timestamp: number; rpcIds: RpcIds })
  | (OpBase & {
      op: 'OP_RENAME';
      src: string;
      dst: string;
      timestamp: number;
      options: RenameOption[];
      rpcIds: RpcIds;
    })
  /**
   * FSEditLogOp.ConcatDeleteOp: the sources' blocks appended to the target's, in `srcs` order, the
   * sources deleted, the target and its directory modified at `timestamp`.
   */
  | (OpBase & { op: 'OP_CONCAT_DELETE'; trg: string; srcs: string[]; timestamp: number; rpcIds: RpcIds })
  | (OpBase & { op: 'OP_SET_REPLICATION'; path: string; replication: number })
  | (OpBase & { op: 'OP_SET_PERMISSIONS'; src: string; mode: number })
  /** A null user or group is left unchanged (written as "" on disk). */
  | (OpBase & { op: 'OP_SET_OWNER'; src: string; username: string | null; groupname: string | null })
  | (OpBase & { op: 'OP_TIMES'; path: string; mtime: number; atime: number })
  | (OpBase & { op: 'OP_REASSIGN_LEASE'; leaseHolder: string; path: string; newHolder: string })
  /** FSEditLogOp.AppendOp (layout -66 has APPEND_NEW_BLOCK): a closed file reopened for append. */
  | (OpBase & {
      op: 'OP_APPEND';
      path: string;
      clientName: string;
      clientMachine: string;
      /** CreateFlag.NEW_BLOCK: the appended data starts a new block instead of filling the last one. */
      newBlock: boolean;
      rpcIds: RpcIds;
    })
  /**
   * FSEditLogOp.TruncateOp: the file cut to `newLength` at `timestamp`. Off a block boundary the
   * file is open again under `clientName` and `truncateBlock` is its last block as block recovery
   * will leave it (the recovery's generation stamp, the bytes kept in it); null on a boundary.
   */
  | (OpBase & {
      op: 'OP_TRUNCATE';
      src: string;
      clientName: string;
      clientMachine: string;
      newLength: number;
      timestamp: number;
      truncateBlock: BlockRef | null;
    })
  /** The directory's quotas after the change, as decimal text (-1 = none; the root's Long.MAX). */
  | (OpBase & { op: 'OP_SET_QUOTA'; src: string; nsQuota: string; dsQuota: string })
  /** The attributes set (with values) or removed (names), as XAttrEditLogProto carries them. */
  | (OpBase & { op: 'OP_SET_XATTR'; src: string; xattrs: XAttr[]; rpcIds: RpcIds })
  | (OpBase & { op: 'OP_REMOVE_XATTR'; src: string; xattrs: XAttr[]; rpcIds: RpcIds })
  /** AllowSnapshotOp / DisallowSnapshotOp: the directory's path only (idempotent, no RPC ids). */
  | (OpBase & { op: 'OP_ALLOW_SNAPSHOT' | 'OP_DISALLOW_SNAPSHOT'; snapshotRoot: string })
  /** CreateSnapshotOp / DeleteSnapshotOp; MTIME (layout -66, SNAPSHOT_MODIFICATION_TIME) is the call's time. */
  | (OpBase & {
      op: 'OP_CREATE_SNAPSHOT' | 'OP_DELETE_SNAPSHOT';
      snapshotRoot: string;
      snapshotName: string;
      mtime: number;
      rpcIds: RpcIds;
    })
  | (OpBase & {
      op: 'OP_RENAME_SNAPSHOT';
      snapshotRoot: string;
      snapshotOldName: string;
      snapshotNewName: string;
      mtime: number;
      rpcIds: RpcIds;
    })
  /** The INode's full ACL after an ACL call (AclEditLogProto); [] = the ACL removed. */
  | (OpBase & { op: 'OP_SET_ACL'; src: string; entries: AclEntry[] });

export type EditLogOpOf<N extends OpName> = Extract<EditLogOp, { op: N }>;

/** An op before the edit log assigns its transaction id. */
export type PendingOp = EditLogOp extends infer O ? (O extends EditLogOp ? Omit<O, 'txid'> : never) : never;
