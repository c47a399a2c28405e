/**
 * A scripted client history, as HDFS logs it (FSEditLog's log* calls), with fixed lab values:
 *   hdfs dfs -mkdir /data
 *   hdfs dfs -put big.bin /data/big.bin       (3 blocks: 128 MiB, 128 MiB, 50 MiB)
 *   hdfs dfs -mv /data/big.bin /data/moved.bin
 *   hdfs dfs -setrep 2 /data/moved.bin
 *   hdfs dfs -rm /data/moved.bin
 * and the fsimage a checkpoint would save after the setrep (txid 16), with a second file still open.
 */
import {
  NO_RPC_IDS,
  type BlockRef,
  type EditLogOp,
  type PendingOp,
  type PermissionStatus,
} from '../../cluster/namenode/editlog/ops.js';
import {
  GENSTAMP_RESERVED,
  LAST_RESERVED_BLOCK_ID,
  LONG_MAX,
  NAMENODE_LAYOUT_VERSION,
  ROOT_INODE_ID,
  type FsImage,
} from '../../cluster/namenode/fsimage/image.js';

export const T0 = 1736157600000; // 2025-01-06T10:00:00Z
export const CLIENT_NAME = 'DFSClient_NONMAPREDUCE_-1234567_1';
export const CLIENT_ID = '4f9a1c2e-0b7d-4e55-9a61-3c2d8e7f6a10';
const BLOCK_SIZE = 134217728;
const USER = 'student';
const GROUP = 'supergroup';
const DIR_PERM: PermissionStatus = { user: USER, group: GROUP, mode: 0o755 };
const FILE_PERM: PermissionStatus = { user: USER, group: GROUP, mode: 0o644 };

const block = (n: number, numBytes: number): BlockRef => ({
  blockId: LAST_RESERVED_BLOCK_ID + n,
  numBytes,
  genStamp: GENSTAMP_RESERVED + n,
});
const FINAL_BLOCKS = [block(1, BLOCK_SIZE), block(2, BLOCK_SIZE), block(3, 52428800)];

/** Ops of one finalized segment, txids 1..18. */
export function scriptedHistory(): EditLogOp[] {
  const copying = '/data/big.bin._COPYING_';
  const ops: PendingOp[] = [
    { op: 'OP_START_LOG_SEGMENT' },
    { op: 'OP_MKDIR', inodeId: 16386, path: '/data', timestamp: T0, permission: DIR_PERM },
    {
      op: 'OP_ADD',
      inodeId: 16387,
      path: copying,
      replication: 3,
      mtime: T0 + 123,
      atime: T0 + 123,
      blockSize: BLOCK_SIZE,
      blocks: [],
      permission: FILE_PERM,
      clientName: CLIENT_NAME,
      clientMachine: '127.0.0.1',
      overwrite: true,
      storagePolicyId: 0,
      erasureCodingPolicyId: 0,
      rpcIds: { clientId: CLIENT_ID, callId: 7 },
    },
  ];
  for (let n = 1; n <= 3; n++) {
    const previous = n > 1 ? [FINAL_BLOCKS[n - 2] as BlockRef] : [];
    ops.push(
      { op: 'OP_ALLOCATE_BLOCK_ID', blockId: LAST_RESERVED_BLOCK_ID + n },
      { op: 'OP_SET_GENSTAMP_V2', genStamp: GENSTAMP_RESERVED + n },
      { op: 'OP_ADD_BLOCK', path: copying, blocks: [...previous, block(n, 0)], rpcIds: NO_RPC_IDS },
    );
  }
  ops.push(
    {
      op: 'OP_CLOSE',
      inodeId: 0,
      path: copying,
      replication: 3,
      mtime: T0 + 4567,
      atime: T0 + 123,
      blockSize: BLOCK_SIZE,
      blocks: FINAL_BLOCKS,
      permission: FILE_PERM,
    },
    {
      op: 'OP_RENAME_OLD',
      src: copying,
      dst: '/data/big.bin',
      timestamp: T0 + 4580,
      rpcIds: { clientId: CLIENT_ID, callId: 12 },
    },
    {
      op: 'OP_RENAME_OLD',
      src: '/data/big.bin',
      dst: '/data/moved.bin',
      timestamp: T0 + 60000,
      rpcIds: { clientId: '0c3e5a77-1d2f-4b8e-8f00-6a7b9c1d2e3f', callId: 0 },
    },
    { op: 'OP_SET_REPLICATION', path: '/data/moved.bin', replication: 2 },
    {
      op: 'OP_DELETE',
      path: '/data/moved.bin',
      timestamp: T0 + 180000,
      rpcIds: { clientId: '9d8c7b6a-5f4e-4d3c-8b2a-190817161514', callId: 1 },
    },
    { op: 'OP_END_LOG_SEGMENT' },
  );
  return structuredClone(ops.map((op, i) => ({ ...op, txid: i + 1 }) as EditLogOp));
}

/** The namespace as of txid 16 (after the setrep), plus /data/incoming.log being written by a client. */
export function scriptedImage(): FsImage {
  return structuredClone<FsImage>({
    layoutVersion: NAMENODE_LAYOUT_VERSION,
    namespaceId: 1685831230,
    genstampV1: GENSTAMP_RESERVED,
    genstampV2: GENSTAMP_RESERVED + 4,
    genstampV1Limit: 0,
    lastAllocatedBlockId: LAST_RESERVED_BLOCK_ID + 4,
    txid: 16,
    lastInodeId: 16388,
    inodes: [
      {
        id: ROOT_INODE_ID,
        type: 'DIRECTORY',
        name: '',
        directory: { mtime: T0, permission: DIR_PERM, nsQuota: LONG_MAX, dsQuota: '-1' },
      },
      {
        id: 16386,
        type: 'DIRECTORY',
        name: 'data',
        directory: { mtime: T0 + 60000, permission: DIR_PERM, nsQuota: '-1', dsQuota: '-1' },
      },
      {
        id: 16387,
        type: 'FILE',
        name: 'moved.bin',
        file: {
          replication: 2,
          mtime: T0 + 4567,
          atime: T0 + 123,
          preferredBlockSize: BLOCK_SIZE,
          permission: FILE_PERM,
          blocks: FINAL_BLOCKS,
          storagePolicyId: 0,
        },
      },
      {
        id: 16388,
        type: 'FILE',
        name: 'incoming.log',
        file: {
          replication: 3,
          mtime: T0 + 90000,
          atime: T0 + 90000,
          preferredBlockSize: BLOCK_SIZE,
          permission: { user: 'hbase', group: 'hadoop', mode: 0o640 },
          blocks: [block(4, 0)],
          storagePolicyId: 0,
          underConstruction: { clientName: 'DFSClient_NONMAPREDUCE_42_7', clientMachine: '10.0.0.7' },
        },
      },
    ],
    // Child-name byte order ("incoming.log" < "moved.bin"), which is not id order.
    directories: [
      { parent: ROOT_INODE_ID, children: [16386] },
      { parent: 16386, children: [16388, 16387] },
    ],
    filesUnderConstruction: [{ id: 16388, path: '/data/incoming.log' }],
  });
}

/** What `hdfs namenode -format` saves: the root only (owner `student`), txid 0. */
export function freshImage(): FsImage {
  return structuredClone<FsImage>({
    layoutVersion: NAMENODE_LAYOUT_VERSION,
    namespaceId: 1685831230,
    genstampV1: GENSTAMP_RESERVED,
    genstampV2: GENSTAMP_RESERVED,
    genstampV1Limit: 0,
    lastAllocatedBlockId: LAST_RESERVED_BLOCK_ID,
    txid: 0,
    lastInodeId: ROOT_INODE_ID,
    inodes: [
      {
        id: ROOT_INODE_ID,
        type: 'DIRECTORY',
        name: '',
        directory: { mtime: 0, permission: DIR_PERM, nsQuota: LONG_MAX, dsQuota: '-1' },
      },
    ],
    directories: [],
    filesUnderConstruction: [],
  });
}

/** One op of every kind the lab writes, with awkward values (negative call id, empty and UTF-8 strings). */
export function everyOpKind(): EditLogOp[] {
  const perm = { user: 'stüdent', group: 'supergroup', mode: 0o1777 };
  const ops: PendingOp[] = [
    { op: 'OP_START_LOG_SEGMENT' },
    { op: 'OP_MKDIR', inodeId: 16386, path: '/tmp', timestamp: 1736157600000, permission: perm },
    {
      op: 'OP_ADD',
      inodeId: 16387,
      path: '/tmp/ä b.txt',
      replication: 1,
      mtime: 5,
      atime: 6,
      blockSize: 1048576,
      blocks: [{ blockId: 1073741830, numBytes: 99, genStamp: 1010 }],
      permission: { user: 'u', group: 'g', mode: 0o644 },
      clientName: '',
      clientMachine: '10.0.0.1',
      overwrite: false,
      storagePolicyId: 7,
      erasureCodingPolicyId: 0,
      rpcIds: { clientId: '00112233-4455-6677-8899-aabbccddeeff', callId: -7 },
    },
    {
      op: 'OP_UPDATE_BLOCKS',
      path: '/tmp/x',
      blocks: [
        { blockId: 1073741830, numBytes: 134217728, genStamp: 1010 },
        { blockId: 1073741831, numBytes: 100, genStamp: 1005 },
      ],
      rpcIds: NO_RPC_IDS,
    },
    { op: 'OP_UPDATE_BLOCKS', path: '/tmp/empty', blocks: [], rpcIds: NO_RPC_IDS },
    {
      op: 'OP_RENAME',
      src: '/a',
      dst: '/user/s/.Trash/Current/a',
      timestamp: 9,
      options: ['TO_TRASH'],
      rpcIds: NO_RPC_IDS,
    },
    {
      op: 'OP_RENAME',
      src: '/b',
      dst: '/c',
      timestamp: 9,
      options: ['OVERWRITE', 'TO_TRASH'],
      rpcIds: NO_RPC_IDS,
    },
    { op: 'OP_TIMES', path: '/tmp/x', mtime: -1, atime: 1736157600000 },
    { op: 'OP_REASSIGN_LEASE', leaseHolder: 'DFSClient_1', path: '/tmp/x', newHolder: 'HDFS_NameNode' },
    { op: 'OP_SET_QUOTA', src: '/q', nsQuota: '10', dsQuota: '-1' },
    { op: 'OP_SET_QUOTA', src: '/', nsQuota: '9223372036854775807', dsQuota: '3145728' },
    ...namespaceFeatureOps(),
  ];
  return [...scriptedHistory().slice(0, -1), ...ops.map((op, i) => ({ ...op, txid: 100 + i }) as EditLogOp)];
}

/** The ops of permissions, ACLs, xattrs, snapshots, append, truncate and concat, for everyOpKind. */
function namespaceFeatureOps(): PendingOp[] {
  const ids = { clientId: CLIENT_ID, callId: 3 };
  const named = { scope: 'ACCESS', type: 'USER', name: 'bruce', permission: 5 } as const;
  const mask = { scope: 'DEFAULT', type: 'MASK', name: null, permission: 7 } as const;
  return [
    { op: 'OP_MKDIR', inodeId: 16390, path: '/acl\\dir & <x>', timestamp: 7, permission: DIR_PERM, aclEntries: [named, mask] },
    { op: 'OP_SET_PERMISSIONS', src: '/a', mode: 0o1777 },
    { op: 'OP_SET_OWNER', src: '/a', username: 'bruce', groupname: null },
    { op: 'OP_SET_ACL', src: '/a', entries: [named] },
    { op: 'OP_SET_ACL', src: '/a', entries: [] },
    { op: 'OP_SET_XATTR', src: '/a', xattrs: [{ namespace: 'USER', name: 'k', value: 'AAEC/w==' }], rpcIds: ids },
    { op: 'OP_REMOVE_XATTR', src: '/a', xattrs: [{ namespace: 'TRUSTED', name: 'k', value: null }], rpcIds: ids },
    { op: 'OP_ALLOW_SNAPSHOT', snapshotRoot: '/s' },
    { op: 'OP_CREATE_SNAPSHOT', snapshotRoot: '/s', snapshotName: 's0', mtime: 11, rpcIds: ids },
    { op: 'OP_RENAME_SNAPSHOT', snapshotRoot: '/s', snapshotOldName: 's0', snapshotNewName: 's1', mtime: 12, rpcIds: ids },
    { op: 'OP_DELETE_SNAPSHOT', snapshotRoot: '/s', snapshotName: 's1', mtime: 13, rpcIds: NO_RPC_IDS },
    { op: 'OP_DISALLOW_SNAPSHOT', snapshotRoot: '/s' },
    { op: 'OP_APPEND', path: '/a', clientName: CLIENT_NAME, clientMachine: '127.0.0.1', newBlock: true, rpcIds: ids },
    {
      op: 'OP_TRUNCATE',
      src: '/a',
      clientName: CLIENT_NAME,
      clientMachine: '127.0.0.1',
      newLength: 10,
      timestamp: 14,
      truncateBlock: block(9, 10),
    },
    { op: 'OP_TRUNCATE', src: '/b', clientName: '', clientMachine: '', newLength: 0, timestamp: 15, truncateBlock: null },
    { op: 'OP_CONCAT_DELETE', trg: '/t', srcs: ['/t1', '/t2'], timestamp: 16, rpcIds: ids },
    { op: 'OP_DELETE', path: '/t', timestamp: 17, rpcIds: { clientId: null, callId: 5 } },
  ];
}
