/**
 * `lab oev -p xml`'s element order for every op the lab writes, each against the toXml method of its
 * op class in Hadoop 3.3's FSEditLogOp.java: the ops of snapshots, xattrs, ACLs, quotas, concat and
 * truncate read in a 3.3-based copy (the stored apache/hadoop copy predates
 * SNAPSHOT_MODIFICATION_TIME), the others (AddCloseOp with OVERWRITE, its ACL entries and
 * ERASURE_CODING_POLICY_ID, AppendOp, MkdirOp, …) in apache/hadoop at 070ad84, whose order
 * editsStored.xml (layout -61, before OP_APPEND) shows for the ops it has. Only the order and names
 * of DATA's children are checked here; the values are the golden history's.
 */
import { describe, expect, it } from 'vitest';
import { parseXml } from '../../cluster/common/xml-tree.js';
import { editsToXml } from '../../cluster/namenode/editlog/oev.js';
import { oevOrderErrors } from '../golden/hadoop-xml-orders.js';
import { everyOpKind } from '../golden/history.js';
import {
  EDITS_LAYOUT_VERSION,
  NO_RPC_IDS,
  type EditLogOp,
  type OpName,
} from '../../cluster/namenode/editlog/ops.js';

const RPC = { clientId: '6c9a5e1f-1c1b-4a0e-9d0f-0123456789ab', callId: 7 };

/** The names of one record's DATA children after TXID, nested ones as `PARENT/CHILD,…`. */
function dataOrder(op: EditLogOp): string[] {
  const root = parseXml(editsToXml({ layoutVersion: EDITS_LAYOUT_VERSION, ops: [op] }));
  const data = root.children.find((r) => r.name === 'RECORD')?.children.find((c) => c.name === 'DATA');
  const names = (data?.children ?? []).map((c) =>
    c.children.length === 0 ? c.name : `${c.name}/${c.children.map((g) => g.name).join(',')}`,
  );
  // FSEditLogOp.outputToXml writes TXID before the op's own toXml.
  expect(names[0]).toBe('TXID');
  return names.slice(1);
}

describe('oev element order, as FSEditLogOp.<Op>.toXml writes it', () => {
  it('CreateSnapshotOp.toXml and DeleteSnapshotOp.toXml: SNAPSHOTROOT, SNAPSHOTNAME, MTIME, RPC ids', () => {
    for (const op of ['OP_CREATE_SNAPSHOT', 'OP_DELETE_SNAPSHOT'] as const) {
      expect(
        dataOrder({ op, txid: 2, snapshotRoot: '/d', snapshotName: 's1', mtime: 5, rpcIds: RPC }),
      ).toEqual(['SNAPSHOTROOT', 'SNAPSHOTNAME', 'MTIME', 'RPC_CLIENTID', 'RPC_CALLID']);
    }
  });

  it('RenameSnapshotOp.toXml: SNAPSHOTROOT, SNAPSHOTOLDNAME, SNAPSHOTNEWNAME, MTIME, RPC ids', () => {
    const op: EditLogOp = {
      op: 'OP_RENAME_SNAPSHOT',
      txid: 2,
      snapshotRoot: '/d',
      snapshotOldName: 's1',
      snapshotNewName: 's2',
      mtime: 5,
      rpcIds: RPC,
    };
    expect(dataOrder(op)).toEqual([
      'SNAPSHOTROOT',
      'SNAPSHOTOLDNAME',
      'SNAPSHOTNEWNAME',
      'MTIME',
      'RPC_CLIENTID',
      'RPC_CALLID',
    ]);
  });

  it('AllowSnapshotOp.toXml and DisallowSnapshotOp.toXml: SNAPSHOTROOT only', () => {
    for (const op of ['OP_ALLOW_SNAPSHOT', 'OP_DISALLOW_SNAPSHOT'] as const)
      expect(dataOrder({ op, txid: 2, snapshotRoot: '/d' })).toEqual(['SNAPSHOTROOT']);
  });

  it('SetXAttrOp.toXml and RemoveXAttrOp.toXml: SRC, each XATTR (appendXAttrsToXml), RPC ids', () => {
    const xattrs = [{ namespace: 'USER' as const, name: 'a1', value: Buffer.from('v').toString('base64') }];
    for (const op of ['OP_SET_XATTR', 'OP_REMOVE_XATTR'] as const) {
      expect(dataOrder({ op, txid: 2, src: '/f', xattrs, rpcIds: RPC })).toEqual([
        'SRC',
        'XATTR/NAMESPACE,NAME,VALUE',
        'RPC_CLIENTID',
        'RPC_CALLID',
      ]);
    }
  });

  it('SetAclOp.toXml: SRC, then each ENTRY (appendAclEntriesToXml: SCOPE, TYPE, NAME when named, PERM), no RPC ids', () => {
    const op: EditLogOp = {
      op: 'OP_SET_ACL',
      txid: 2,
      src: '/f',
      entries: [
        { scope: 'ACCESS', type: 'USER', name: 'bruce', permission: 7 },
        { scope: 'ACCESS', type: 'GROUP', name: null, permission: 5 },
      ],
    };
    expect(dataOrder(op)).toEqual(['SRC', 'ENTRY/SCOPE,TYPE,NAME,PERM', 'ENTRY/SCOPE,TYPE,PERM']);
  });

  it('ConcatDeleteOp.toXml: LENGTH, TRG, TIMESTAMP, SOURCES (SOURCE1, SOURCE2, …), RPC ids', () => {
    const op: EditLogOp = {
      op: 'OP_CONCAT_DELETE',
      txid: 2,
      trg: '/t',
      srcs: ['/a', '/b'],
      timestamp: 5,
      rpcIds: RPC,
    };
    expect(dataOrder(op)).toEqual([
      'LENGTH',
      'TRG',
      'TIMESTAMP',
      'SOURCES/SOURCE1,SOURCE2',
      'RPC_CLIENTID',
      'RPC_CALLID',
    ]);
  });

  it('SetQuotaOp.toXml: SRC, NSQUOTA, DSQUOTA', () => {
    expect(dataOrder({ op: 'OP_SET_QUOTA', txid: 2, src: '/d', nsQuota: '10', dsQuota: '-1' })).toEqual([
      'SRC',
      'NSQUOTA',
      'DSQUOTA',
    ]);
  });

  it('TruncateOp.toXml: SRC, CLIENTNAME, CLIENTMACHINE, NEWLENGTH, TIMESTAMP, then BLOCK only for a cut inside one', () => {
    const base = {
      op: 'OP_TRUNCATE' as const,
      txid: 2,
      src: '/f',
      clientName: 'DFSClient_x',
      clientMachine: '127.0.0.1',
      newLength: 10,
      timestamp: 5,
    };
    const head = ['SRC', 'CLIENTNAME', 'CLIENTMACHINE', 'NEWLENGTH', 'TIMESTAMP'];
    expect(dataOrder({ ...base, truncateBlock: null })).toEqual(head);
    expect(
      dataOrder({ ...base, truncateBlock: { blockId: 1073741825, numBytes: 10, genStamp: 1002 } }),
    ).toEqual([...head, 'BLOCK/BLOCK_ID,NUM_BYTES,GENSTAMP']);
  });
});

const PERMISSION = { user: 'u', group: 'g', mode: 0o644 };
const BLOCK = { blockId: 1073741825, numBytes: 10, genStamp: 1001 };
const NAMED_ACL = { scope: 'DEFAULT', type: 'USER', name: 'bruce', permission: 7 } as const;
const ADD_CLOSE_HEAD = ['LENGTH', 'INODEID', 'PATH', 'REPLICATION', 'MTIME', 'ATIME', 'BLOCKSIZE'];
const CLIENT = ['CLIENT_NAME', 'CLIENT_MACHINE', 'OVERWRITE'];
const BLOCK_XML = 'BLOCK/BLOCK_ID,NUM_BYTES,GENSTAMP';
const PERMISSION_XML = 'PERMISSION_STATUS/USERNAME,GROUPNAME,MODE';
const RPC_XML = ['RPC_CLIENTID', 'RPC_CALLID'];

/**
 * The ops the tests above leave out, one sample each with the order its class's toXml writes (the
 * Record's type makes a new op of the lab's fail to compile until it has a row here or above).
 */
const ORDERS: Record<
  Exclude<
    OpName,
    | 'OP_CREATE_SNAPSHOT'
    | 'OP_DELETE_SNAPSHOT'
    | 'OP_RENAME_SNAPSHOT'
    | 'OP_ALLOW_SNAPSHOT'
    | 'OP_DISALLOW_SNAPSHOT'
    | 'OP_SET_XATTR'
    | 'OP_REMOVE_XATTR'
    | 'OP_SET_ACL'
    | 'OP_CONCAT_DELETE'
    | 'OP_SET_QUOTA'
    | 'OP_TRUNCATE'
  >,
  { className: string; sample: EditLogOp; order: string[] }
> = {
  OP_START_LOG_SEGMENT: {
    className: 'LogSegmentOp',
    sample: { op: 'OP_START_LOG_SEGMENT', txid: 2 },
    order: [],
  },
  OP_END_LOG_SEGMENT: { className: 'LogSegmentOp', sample: { op: 'OP_END_LOG_SEGMENT', txid: 2 }, order: [] },
  OP_ADD: {
    className: 'AddCloseOp (OP_ADD: ACL entries, ERASURE_CODING_POLICY_ID and RPC ids after the permission)',
    sample: {
      op: 'OP_ADD',
      txid: 2,
      inodeId: 16386,
      path: '/f',
      replication: 3,
      mtime: 5,
      atime: 5,
      blockSize: 134217728,
      blocks: [BLOCK],
      permission: PERMISSION,
      clientName: 'DFSClient_x',
      clientMachine: '127.0.0.1',
      overwrite: true,
      storagePolicyId: 0,
      erasureCodingPolicyId: 0,
      aclEntries: [NAMED_ACL],
      rpcIds: RPC,
    },
    order: [
      ...ADD_CLOSE_HEAD,
      ...CLIENT,
      BLOCK_XML,
      PERMISSION_XML,
      'ENTRY/SCOPE,TYPE,NAME,PERM',
      'ERASURE_CODING_POLICY_ID',
      ...RPC_XML,
    ],
  },
  OP_CLOSE: {
    className: 'AddCloseOp (OP_CLOSE: nothing after the permission)',
    sample: {
      op: 'OP_CLOSE',
      txid: 2,
      inodeId: 0,
      path: '/f',
      replication: 3,
      mtime: 5,
      atime: 5,
      blockSize: 134217728,
      blocks: [BLOCK, { ...BLOCK, blockId: 1073741826 }],
      permission: PERMISSION,
    },
    order: [...ADD_CLOSE_HEAD, ...CLIENT, BLOCK_XML, BLOCK_XML, PERMISSION_XML],
  },
  OP_APPEND: {
    className: 'AppendOp',
    sample: {
      op: 'OP_APPEND',
      txid: 2,
      path: '/f',
      clientName: 'DFSClient_x',
      clientMachine: '127.0.0.1',
      newBlock: false,
      rpcIds: RPC,
    },
    order: ['PATH', 'CLIENT_NAME', 'CLIENT_MACHINE', 'NEWBLOCK', ...RPC_XML],
  },
  OP_MKDIR: {
    className: 'MkdirOp (ACL entries after the permission)',
    sample: {
      op: 'OP_MKDIR',
      txid: 2,
      inodeId: 16386,
      path: '/d',
      timestamp: 5,
      permission: PERMISSION,
      aclEntries: [NAMED_ACL],
    },
    order: ['LENGTH', 'INODEID', 'PATH', 'TIMESTAMP', PERMISSION_XML, 'ENTRY/SCOPE,TYPE,NAME,PERM'],
  },
  OP_DELETE: {
    className: 'DeleteOp',
    sample: { op: 'OP_DELETE', txid: 2, path: '/f', timestamp: 5, rpcIds: RPC },
    order: ['LENGTH', 'PATH', 'TIMESTAMP', ...RPC_XML],
  },
  OP_RENAME_OLD: {
    className: 'RenameOldOp',
    sample: { op: 'OP_RENAME_OLD', txid: 2, src: '/a', dst: '/b', timestamp: 5, rpcIds: RPC },
    order: ['LENGTH', 'SRC', 'DST', 'TIMESTAMP', ...RPC_XML],
  },
  OP_RENAME: {
    className: 'RenameOp',
    sample: {
      op: 'OP_RENAME',
      txid: 2,
      src: '/a',
      dst: '/b',
      timestamp: 5,
      options: ['TO_TRASH'],
      rpcIds: RPC,
    },
    order: ['LENGTH', 'SRC', 'DST', 'TIMESTAMP', 'OPTIONS', ...RPC_XML],
  },
  OP_SET_REPLICATION: {
    className: 'SetReplicationOp',
    sample: { op: 'OP_SET_REPLICATION', txid: 2, path: '/f', replication: 2 },
    order: ['PATH', 'REPLICATION'],
  },
  OP_SET_PERMISSIONS: {
    className: 'SetPermissionsOp',
    sample: { op: 'OP_SET_PERMISSIONS', txid: 2, src: '/f', mode: 0o600 },
    order: ['SRC', 'MODE'],
  },
  OP_SET_OWNER: {
    className: 'SetOwnerOp (USERNAME and GROUPNAME only when set)',
    sample: { op: 'OP_SET_OWNER', txid: 2, src: '/f', username: 'bruce', groupname: 'staff' },
    order: ['SRC', 'USERNAME', 'GROUPNAME'],
  },
  OP_TIMES: {
    className: 'TimesOp',
    sample: { op: 'OP_TIMES', txid: 2, path: '/f', mtime: 5, atime: 6 },
    order: ['LENGTH', 'PATH', 'MTIME', 'ATIME'],
  },
  OP_REASSIGN_LEASE: {
    className: 'ReassignLeaseOp',
    sample: {
      op: 'OP_REASSIGN_LEASE',
      txid: 2,
      leaseHolder: 'DFSClient_x',
      path: '/f',
      newHolder: 'HDFS_NameNode',
    },
    order: ['LEASEHOLDER', 'PATH', 'NEWHOLDER'],
  },
  OP_SET_GENSTAMP_V2: {
    className: 'SetGenstampV2Op',
    sample: { op: 'OP_SET_GENSTAMP_V2', txid: 2, genStamp: 1001 },
    order: ['GENSTAMPV2'],
  },
  OP_ALLOCATE_BLOCK_ID: {
    className: 'AllocateBlockIdOp',
    sample: { op: 'OP_ALLOCATE_BLOCK_ID', txid: 2, blockId: 1073741825 },
    order: ['BLOCK_ID'],
  },
  OP_ADD_BLOCK: {
    className: 'AddBlockOp (the penultimate block, then the last)',
    sample: {
      op: 'OP_ADD_BLOCK',
      txid: 2,
      path: '/f',
      blocks: [BLOCK, { ...BLOCK, blockId: 1073741826, numBytes: 0 }],
      rpcIds: NO_RPC_IDS,
    },
    order: ['PATH', BLOCK_XML, BLOCK_XML, ...RPC_XML],
  },
  OP_UPDATE_BLOCKS: {
    className: 'UpdateBlocksOp',
    sample: { op: 'OP_UPDATE_BLOCKS', txid: 2, path: '/f', blocks: [BLOCK], rpcIds: RPC },
    order: ['PATH', BLOCK_XML, ...RPC_XML],
  },
};

describe('oev element order of the namespace, block and lease ops, as FSEditLogOp.<Op>.toXml writes it', () => {
  for (const [name, { className, sample, order }] of Object.entries(ORDERS)) {
    it(`${name}: ${className}.toXml`, () => {
      expect(dataOrder(sample)).toEqual(order);
    });
  }

  it('SetOwnerOp.toXml leaves out a user or group that is not changed', () => {
    const op: EditLogOp = { op: 'OP_SET_OWNER', txid: 2, src: '/f', username: null, groupname: 'staff' };
    expect(dataOrder(op)).toEqual(['SRC', 'GROUPNAME']);
  });
});

describe('oevOrderErrors, the checker real-process tests run on a name directory', () => {
  it('finds every op of the golden history in its toXml order, and says which record strays', () => {
    const xml = editsToXml({ layoutVersion: EDITS_LAYOUT_VERSION, ops: everyOpKind() });
    expect(oevOrderErrors(xml)).toEqual([]);
    const swapped = xml.replace(
      /<SNAPSHOTROOT>\/s<\/SNAPSHOTROOT>\n(\s*)<SNAPSHOTNAME>s0<\/SNAPSHOTNAME>/,
      '<SNAPSHOTNAME>s0</SNAPSHOTNAME>\n$1<SNAPSHOTROOT>/s</SNAPSHOTROOT>',
    );
    expect(oevOrderErrors(swapped)).toEqual([
      'OP_CREATE_SNAPSHOT: TXID,SNAPSHOTNAME,SNAPSHOTROOT,MTIME,RPC_CLIENTID,RPC_CALLID is not TXID then SNAPSHOTROOT,SNAPSHOTNAME,MTIME,RPC_CLIENTID,RPC_CALLID',
    ]);
  });
});
