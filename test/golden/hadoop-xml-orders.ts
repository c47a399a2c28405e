/**
 * Hadoop 3.3's element orders for `hdfs oev -p xml` (each FSEditLogOp.<Op>.toXml) and `hdfs oiv -p
 * XML` (PBImageXmlWriter's dump methods), as checkers over any document: they say which record or
 * element strays from the order, so a test of a name directory the lab wrote (not only the lab's own
 * samples) can ask whether Hadoop's viewers would print the same shape. Optional and repeated
 * elements (BLOCK, ENTRY, XATTR, acls, …) may be absent or repeat in their place. The exact orders,
 * read in Hadoop's source, are tested per op and per section in test/unit/oev-element-order.test.ts
 * and test/unit/oiv-element-order.test.ts.
 */
import { parseXml, type XmlElement } from '../../cluster/common/xml-tree.js';
import type { OpName } from '../../cluster/namenode/editlog/ops.js';

const RPC = ['RPC_CLIENTID', 'RPC_CALLID'];
const ADD_CLOSE = [
  'LENGTH',
  'INODEID',
  'PATH',
  'REPLICATION',
  'MTIME',
  'ATIME',
  'BLOCKSIZE',
  'CLIENT_NAME',
  'CLIENT_MACHINE',
  'OVERWRITE',
  'BLOCK',
  'PERMISSION_STATUS',
];
const SNAPSHOT = ['SNAPSHOTROOT', 'SNAPSHOTNAME', 'MTIME', ...RPC];

/** DATA's children after TXID, per op, in toXml's order. */
export const OEV_ORDERS: Record<OpName, readonly string[]> = {
  OP_START_LOG_SEGMENT: [],
  OP_END_LOG_SEGMENT: [],
  OP_ADD: [...ADD_CLOSE, 'ENTRY', 'ERASURE_CODING_POLICY_ID', ...RPC],
  OP_CLOSE: ADD_CLOSE,
  OP_APPEND: ['PATH', 'CLIENT_NAME', 'CLIENT_MACHINE', 'NEWBLOCK', ...RPC],
  OP_MKDIR: ['LENGTH', 'INODEID', 'PATH', 'TIMESTAMP', 'PERMISSION_STATUS', 'ENTRY', 'XATTR'],
  OP_DELETE: ['LENGTH', 'PATH', 'TIMESTAMP', ...RPC],
  OP_RENAME_OLD: ['LENGTH', 'SRC', 'DST', 'TIMESTAMP', ...RPC],
  OP_RENAME: ['LENGTH', 'SRC', 'DST', 'TIMESTAMP', 'OPTIONS', ...RPC],
  OP_CONCAT_DELETE: ['LENGTH', 'TRG', 'TIMESTAMP', 'SOURCES', ...RPC],
  OP_SET_REPLICATION: ['PATH', 'REPLICATION'],
  OP_SET_PERMISSIONS: ['SRC', 'MODE'],
  OP_SET_OWNER: ['SRC', 'USERNAME', 'GROUPNAME'],
  OP_TIMES: ['LENGTH', 'PATH', 'MTIME', 'ATIME'],
  OP_REASSIGN_LEASE: ['LEASEHOLDER', 'PATH', 'NEWHOLDER'],
  OP_SET_GENSTAMP_V2: ['GENSTAMPV2'],
  OP_ALLOCATE_BLOCK_ID: ['BLOCK_ID'],
  OP_ADD_BLOCK: ['PATH', 'BLOCK', ...RPC],
  OP_UPDATE_BLOCKS: ['PATH', 'BLOCK', ...RPC],
  OP_TRUNCATE: ['SRC', 'CLIENTNAME', 'CLIENTMACHINE', 'NEWLENGTH', 'TIMESTAMP', 'BLOCK'],
  OP_SET_QUOTA: ['SRC', 'NSQUOTA', 'DSQUOTA'],
  OP_SET_XATTR: ['SRC', 'XATTR', ...RPC],
  OP_REMOVE_XATTR: ['SRC', 'XATTR', ...RPC],
  OP_ALLOW_SNAPSHOT: ['SNAPSHOTROOT'],
  OP_DISALLOW_SNAPSHOT: ['SNAPSHOTROOT'],
  OP_CREATE_SNAPSHOT: SNAPSHOT,
  OP_DELETE_SNAPSHOT: SNAPSHOT,
  OP_RENAME_SNAPSHOT: ['SNAPSHOTROOT', 'SNAPSHOTOLDNAME', 'SNAPSHOTNEWNAME', 'MTIME', ...RPC],
  OP_SET_ACL: ['SRC', 'ENTRY'],
};

const FILE = [
  'replication',
  'mtime',
  'atime',
  'preferredBlockSize',
  'permission',
  'xattrs',
  'acls',
  'blocks',
  'storagePolicyId',
  'file-under-construction',
];
const DIRECTORY = ['mtime', 'permission', 'xattrs', 'acls', 'nsquota', 'dsquota'];
/** dumpINodeSection: every inode starts so. */
export const INODE_HEAD = ['id', 'type', 'name'];

/** PBImageXmlWriter.visit: sections in FSImageFormatProtobuf.SectionName order after <version>. */
export const OIV_SECTIONS = [
  'version',
  'NameSection',
  'ErasureCodingSection',
  'INodeSection',
  'INodeReferenceSection',
  'SnapshotSection',
  'INodeDirectorySection',
  'FileUnderConstructionSection',
  'SnapshotDiffSection',
  'SecretManagerSection',
  'CacheManagerSection',
];
const DIR_DIFF = [
  'snapshotId',
  'childrenSize',
  'isSnapshotRoot',
  'name',
  'snapshotCopy',
  'createdListSize',
  'deletedInode',
  'deletedInoderef',
  'created',
];
const FILE_DIFF = ['snapshotId', 'size', 'name', 'snapshotCopy', 'blocks'];
/** dumpINodeReference and dumpINodeDirectorySection's entries. */
const REF = ['referredId', 'name', 'dstSnapshotId', 'lastSnapshotId'];
const DIRECTORY_ENTRY = ['parent', 'child', 'refChild'];

/** Whether `actual`, repeats collapsed, follows `order` (elements may be left out, none added). */
function follows(actual: readonly string[], order: readonly string[]): boolean {
  let at = 0;
  for (const [i, name] of actual.entries()) {
    if (i > 0 && actual[i - 1] === name) continue;
    while (at < order.length && order[at] !== name) at++;
    if (at === order.length) return false;
    at++;
  }
  return true;
}

const namesOf = (e: XmlElement | undefined): string[] => (e?.children ?? []).map((c) => c.name);

/** Each record of an `oev -p xml` document whose DATA strays from its op's toXml order. */
export function oevOrderErrors(xml: string): string[] {
  const errors: string[] = [];
  for (const record of parseXml(xml).children.filter((c) => c.name === 'RECORD')) {
    const opcode = record.children.find((c) => c.name === 'OPCODE')?.text ?? '';
    const data = namesOf(record.children.find((c) => c.name === 'DATA'));
    const order = OEV_ORDERS[opcode as OpName] as readonly string[] | undefined;
    if (!order) errors.push(`${opcode}: no Hadoop order known`);
    else if (data[0] !== 'TXID' || !follows(data.slice(1), order))
      errors.push(`${opcode}: ${data.join(',')} is not TXID then ${order.join(',')}`);
  }
  return errors;
}

/** Each element of an `oiv -p XML` document whose children stray from PBImageXmlWriter's order. */
export function oivOrderErrors(xml: string): string[] {
  const errors: string[] = [];
  const check = (where: string, e: XmlElement | undefined, order: readonly string[]): void => {
    if (e && !follows(namesOf(e), order)) errors.push(`${where}: ${namesOf(e).join(',')} is not ${order.join(',')}`);
  };
  const inodeOrder = (e: XmlElement): string[] => {
    const type = e.children.find((c) => c.name === 'type')?.text;
    return [...INODE_HEAD, ...(type === 'FILE' ? FILE : DIRECTORY)];
  };
  const root = parseXml(xml);
  check('fsimage', root, OIV_SECTIONS);
  const section = (name: string): XmlElement[] => root.children.find((c) => c.name === name)?.children ?? [];
  for (const inode of section('INodeSection').filter((c) => c.name === 'inode'))
    check('INodeSection inode', inode, inodeOrder(inode));
  for (const ref of section('INodeReferenceSection')) check('INodeReferenceSection ref', ref, REF);
  for (const dir of section('INodeDirectorySection')) check('INodeDirectorySection directory', dir, DIRECTORY_ENTRY);
  for (const snapshot of section('SnapshotSection').filter((c) => c.name === 'snapshot')) {
    const rootInode = snapshot.children.find((c) => c.name === 'root');
    if (rootInode) check('SnapshotSection root', rootInode, inodeOrder(rootInode));
  }
  for (const entry of section('SnapshotDiffSection')) {
    for (const d of entry.children.filter((c) => c.name === 'dirDiff' || c.name === 'fileDiff')) {
      const file = d.name === 'fileDiff';
      check(`SnapshotDiffSection ${d.name}`, d, file ? FILE_DIFF : DIR_DIFF);
      check(`${d.name} snapshotCopy`, d.children.find((c) => c.name === 'snapshotCopy'), file ? FILE : DIRECTORY);
    }
  }
  return errors;
}
