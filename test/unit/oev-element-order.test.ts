/**
 * `lab oev -p xml`'s element order for the ops of snapshots, xattrs, ACLs, quotas, concat and truncate, each
 * against the toXml method of its op class in Hadoop 3.3's FSEditLogOp.java (read in a 3.3-based
 * copy: the stored apache/hadoop copy predates SNAPSHOT_MODIFICATION_TIME). Only the order and
 * names of DATA's children are checked here; the values are the golden history's.
 */
import { describe, expect, it } from 'vitest';
import { parseXml } from '../../cluster/common/xml-tree.js';
import { editsToXml } from '../../cluster/namenode/editlog/oev.js';
import { EDITS_LAYOUT_VERSION, type EditLogOp } from '../../cluster/namenode/editlog/ops.js';

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
