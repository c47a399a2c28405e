/**
 * `hdfs oev` output for a decoded segment: `-p xml` (XmlEditsVisitor + each op's toXml, Hadoop 3.x
 * serializer: standalone="yes", 2-space indent, empty elements self-closing) and `-p stats`
 * (StatisticsEditsVisitor). Pure text out; byte-for-byte what Hadoop prints for the same ops.
 */
import {
  EDITS_LAYOUT_VERSION,
  type BlockRef,
  type EditLogOp,
  type PermissionStatus,
  type RpcIds,
} from './ops.js';
import { escapeXmlContent } from '../../common/markup.js';
import type { AclEntry, XAttr } from '../../protocol/messages.js';
import { fsActionSymbol } from '../../protocol/acl-text.js';

const INDENT = '  ';

/** One XML element: text content (possibly empty → self-closing) or child elements. */
type XmlNode = { name: string; text: string } | { name: string; children: XmlNode[] };

const leaf = (name: string, value: string | number | boolean): XmlNode => ({ name, text: String(value) });

/** The `hdfs oev -p xml` document for a segment, in the ops' order. */
export function editsToXml(segment: { layoutVersion: number; ops: readonly EditLogOp[] }): string {
  const root: XmlNode = {
    name: 'EDITS',
    children: [leaf('EDITS_VERSION', segment.layoutVersion), ...segment.ops.map(recordNode)],
  };
  const lines = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'];
  renderNode(root, 0, lines);
  return lines.join('\n') + '\n';
}

function recordNode(op: EditLogOp): XmlNode {
  return {
    name: 'RECORD',
    children: [
      leaf('OPCODE', op.op),
      { name: 'DATA', children: [leaf('TXID', op.txid), ...dataChildren(op)] },
    ],
  };
}

/** DATA children after TXID, in each op's toXml order (FSEditLogOp.java). */
// Long: one case per op in toXml's element order: a table a reader compares with FSEditLogOp.java.
function dataChildren(op: EditLogOp): XmlNode[] {
  switch (op.op) {
    case 'OP_START_LOG_SEGMENT':
    case 'OP_END_LOG_SEGMENT':
      return [];
    case 'OP_ADD':
      return [
        ...addCloseCommon(op, {
          clientName: op.clientName,
          clientMachine: op.clientMachine,
          overwrite: op.overwrite,
        }),
        ...(op.aclEntries ?? []).map(aclEntryNode),
        leaf('ERASURE_CODING_POLICY_ID', op.erasureCodingPolicyId),
        ...rpcIdNodes(op.rpcIds),
      ];
    case 'OP_CLOSE':
      // A CloseOp carries no client fields on disk; the reader fills them with "" and false.
      return addCloseCommon(op, { clientName: '', clientMachine: '', overwrite: false });
    case 'OP_MKDIR':
      return [
        leaf('LENGTH', 0),
        leaf('INODEID', op.inodeId),
        leaf('PATH', op.path),
        leaf('TIMESTAMP', op.timestamp),
        permissionNode(op.permission),
        ...(op.aclEntries ?? []).map(aclEntryNode),
      ];
    case 'OP_ALLOCATE_BLOCK_ID':
      return [leaf('BLOCK_ID', op.blockId)];
    case 'OP_SET_GENSTAMP_V2':
      return [leaf('GENSTAMPV2', op.genStamp)];
    case 'OP_ADD_BLOCK':
    case 'OP_UPDATE_BLOCKS':
      return [leaf('PATH', op.path), ...op.blocks.map(blockNode), ...rpcIdNodes(op.rpcIds)];
    case 'OP_DELETE':
      return [
        leaf('LENGTH', 0),
        leaf('PATH', op.path),
        leaf('TIMESTAMP', op.timestamp),
        ...rpcIdNodes(op.rpcIds),
      ];
    case 'OP_RENAME_OLD':
      return [
        leaf('LENGTH', 0),
        leaf('SRC', op.src),
        leaf('DST', op.dst),
        leaf('TIMESTAMP', op.timestamp),
        ...rpcIdNodes(op.rpcIds),
      ];
    case 'OP_RENAME':
      return [
        leaf('LENGTH', 0),
        leaf('SRC', op.src),
        leaf('DST', op.dst),
        leaf('TIMESTAMP', op.timestamp),
        leaf('OPTIONS', op.options.join('|')),
        ...rpcIdNodes(op.rpcIds),
      ];
    case 'OP_CONCAT_DELETE':
      // ConcatDeleteOp.toXml: LENGTH (0 since layout -55 stopped writing it), TRG, TIMESTAMP, then SOURCE1….
      return [
        leaf('LENGTH', 0),
        leaf('TRG', op.trg),
        leaf('TIMESTAMP', op.timestamp),
        { name: 'SOURCES', children: op.srcs.map((src, i) => leaf(`SOURCE${i + 1}`, src)) },
        ...rpcIdNodes(op.rpcIds),
      ];
    case 'OP_SET_REPLICATION':
      return [leaf('PATH', op.path), leaf('REPLICATION', op.replication)];
    case 'OP_SET_PERMISSIONS':
      return [leaf('SRC', op.src), leaf('MODE', op.mode)];
    case 'OP_SET_OWNER':
      return [
        leaf('SRC', op.src),
        ...(op.username === null ? [] : [leaf('USERNAME', op.username)]),
        ...(op.groupname === null ? [] : [leaf('GROUPNAME', op.groupname)]),
      ];
    case 'OP_TIMES':
      return [leaf('LENGTH', 0), leaf('PATH', op.path), leaf('MTIME', op.mtime), leaf('ATIME', op.atime)];
    case 'OP_REASSIGN_LEASE':
      return [leaf('LEASEHOLDER', op.leaseHolder), leaf('PATH', op.path), leaf('NEWHOLDER', op.newHolder)];
    case 'OP_APPEND':
      return [
        leaf('PATH', op.path),
        leaf('CLIENT_NAME', op.clientName),
        leaf('CLIENT_MACHINE', op.clientMachine),
        leaf('NEWBLOCK', op.newBlock),
        ...rpcIdNodes(op.rpcIds),
      ];
    case 'OP_SET_QUOTA':
      return [leaf('SRC', op.src), leaf('NSQUOTA', op.nsQuota), leaf('DSQUOTA', op.dsQuota)];
    case 'OP_TRUNCATE':
      // TruncateOp.toXml: no LENGTH, and the block only when the cut is inside one.
      return [
        leaf('SRC', op.src),
        leaf('CLIENTNAME', op.clientName),
        leaf('CLIENTMACHINE', op.clientMachine),
        leaf('NEWLENGTH', op.newLength),
        leaf('TIMESTAMP', op.timestamp),
        ...(op.truncateBlock ? [blockNode(op.truncateBlock)] : []),
      ];
    case 'OP_SET_XATTR':
    case 'OP_REMOVE_XATTR':
      return [leaf('SRC', op.src), ...op.xattrs.map(xattrNode), ...rpcIdNodes(op.rpcIds)];
    case 'OP_ALLOW_SNAPSHOT':
    case 'OP_DISALLOW_SNAPSHOT':
      return [leaf('SNAPSHOTROOT', op.snapshotRoot)];
    case 'OP_CREATE_SNAPSHOT':
    case 'OP_DELETE_SNAPSHOT':
      return [
        leaf('SNAPSHOTROOT', op.snapshotRoot),
        leaf('SNAPSHOTNAME', op.snapshotName),
        leaf('MTIME', op.mtime),
        ...rpcIdNodes(op.rpcIds),
      ];
    case 'OP_RENAME_SNAPSHOT':
      return [
        leaf('SNAPSHOTROOT', op.snapshotRoot),
        leaf('SNAPSHOTOLDNAME', op.snapshotOldName),
        leaf('SNAPSHOTNEWNAME', op.snapshotNewName),
        leaf('MTIME', op.mtime),
        ...rpcIdNodes(op.rpcIds),
      ];
    case 'OP_SET_ACL':
      return [leaf('SRC', op.src), ...op.entries.map(aclEntryNode)];
  }
}

/** FSEditLogOp.appendAclEntriesToXml: SCOPE, TYPE, NAME when named, PERM as FsAction.SYMBOL. */
function aclEntryNode(e: AclEntry): XmlNode {
  const name = e.name === null ? [] : [leaf('NAME', e.name)];
  return {
    name: 'ENTRY',
    children: [
      leaf('SCOPE', e.scope),
      leaf('TYPE', e.type),
      ...name,
      leaf('PERM', fsActionSymbol(e.permission)),
    ],
  };
}

/** FSEditLogOp.appendXAttrsToXml: NAMESPACE, NAME, and VALUE as XAttrCodec's hex (0x…) when there is one. */
function xattrNode(x: XAttr): XmlNode {
  const value =
    x.value === null ? [] : [leaf('VALUE', `0x${Buffer.from(x.value, 'base64').toString('hex')}`)];
  return { name: 'XATTR', children: [leaf('NAMESPACE', x.namespace), leaf('NAME', x.name), ...value] };
}

function addCloseCommon(
  op: Extract<EditLogOp, { op: 'OP_ADD' | 'OP_CLOSE' }>,
  client: { clientName: string; clientMachine: string; overwrite: boolean },
): XmlNode[] {
  return [
    leaf('LENGTH', 0),
    leaf('INODEID', op.inodeId),
    leaf('PATH', op.path),
    leaf('REPLICATION', op.replication),
    leaf('MTIME', op.mtime),
    leaf('ATIME', op.atime),
    leaf('BLOCKSIZE', op.blockSize),
    leaf('CLIENT_NAME', client.clientName),
    leaf('CLIENT_MACHINE', client.clientMachine),
    leaf('OVERWRITE', client.overwrite),
    ...op.blocks.map(blockNode),
    permissionNode(op.permission),
  ];
}

function blockNode(b: BlockRef): XmlNode {
  return {
    name: 'BLOCK',
    children: [leaf('BLOCK_ID', b.blockId), leaf('NUM_BYTES', b.numBytes), leaf('GENSTAMP', b.genStamp)],
  };
}

function permissionNode(p: PermissionStatus): XmlNode {
  // MODE is the permission short in decimal (0755 → 493).
  return {
    name: 'PERMISSION_STATUS',
    children: [leaf('USERNAME', p.user), leaf('GROUPNAME', p.group), leaf('MODE', p.mode)],
  };
}

function rpcIdNodes(ids: RpcIds): XmlNode[] {
  return [leaf('RPC_CLIENTID', ids.clientId ?? ''), leaf('RPC_CALLID', ids.callId)];
}

function renderNode(node: XmlNode, depth: number, lines: string[]): void {
  const pad = INDENT.repeat(depth);
  if ('text' in node) {
    const text = escapeEditsText(node.text);
    lines.push(text === '' ? `${pad}<${node.name}/>` : `${pad}<${node.name}>${text}</${node.name}>`);
    return;
  }
  if (node.children.length === 0) {
    lines.push(`${pad}<${node.name}/>`);
    return;
  }
  lines.push(`${pad}<${node.name}>`);
  for (const child of node.children) renderNode(child, depth + 1, lines);
  lines.push(`${pad}</${node.name}>`);
}

/**
 * XMLUtils.mangleXmlString: code points XML cannot carry (controls other than tab/LF/CR, lone
 * surrogates, U+FFFE/U+FFFF) and backslash become `\` + 4 lower-case hex digits + `;`.
 * With `entityRefs`, & " ' < > become entity references (oiv's own printing does this).
 */
export function mangleXmlString(value: string, entityRefs: boolean): string {
  let out = '';
  for (const ch of value) {
    const cp = ch.codePointAt(0) as number;
    if (mustMangle(cp)) out += `\\${cp.toString(16).padStart(4, '0')};`;
    else if (entityRefs && ENTITY_REFS[ch] !== undefined) out += ENTITY_REFS[ch];
    else out += ch;
  }
  return out;
}

const ENTITY_REFS: Record<string, string> = {
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
  '<': '&lt;',
  '>': '&gt;',
};

function mustMangle(cp: number): boolean {
  if (cp < 0x20) return cp !== 0x09 && cp !== 0x0a && cp !== 0x0d;
  return (cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfffe || cp === 0xffff || cp === 0x5c;
}

/** oev text: mangled first (no entity refs), then the SAX serializer escapes & < >. */
function escapeEditsText(value: string): string {
  return escapeXmlContent(mangleXmlString(value, false));
}

/**
 * Every FSEditLogOpCodes constant of Hadoop 3.3 in declaration order, as `-p stats` lists them
 * (including obsolete codes, always with count 0 here).
 */
export const HADOOP_OPCODES: readonly (readonly [name: string, code: number])[] = [
  ['OP_ADD', 0],
  ['OP_RENAME_OLD', 1],
  ['OP_DELETE', 2],
  ['OP_MKDIR', 3],
  ['OP_SET_REPLICATION', 4],
  ['OP_DATANODE_ADD', 5],
  ['OP_DATANODE_REMOVE', 6],
  ['OP_SET_PERMISSIONS', 7],
  ['OP_SET_OWNER', 8],
  ['OP_CLOSE', 9],
  ['OP_SET_GENSTAMP_V1', 10],
  ['OP_SET_NS_QUOTA', 11],
  ['OP_CLEAR_NS_QUOTA', 12],
  ['OP_TIMES', 13],
  ['OP_SET_QUOTA', 14],
  ['OP_RENAME', 15],
  ['OP_CONCAT_DELETE', 16],
  ['OP_SYMLINK', 17],
  ['OP_GET_DELEGATION_TOKEN', 18],
  ['OP_RENEW_DELEGATION_TOKEN', 19],
  ['OP_CANCEL_DELEGATION_TOKEN', 20],
  ['OP_UPDATE_MASTER_KEY', 21],
  ['OP_REASSIGN_LEASE', 22],
  ['OP_END_LOG_SEGMENT', 23],
  ['OP_START_LOG_SEGMENT', 24],
  ['OP_UPDATE_BLOCKS', 25],
  ['OP_CREATE_SNAPSHOT', 26],
  ['OP_DELETE_SNAPSHOT', 27],
  ['OP_RENAME_SNAPSHOT', 28],
  ['OP_ALLOW_SNAPSHOT', 29],
  ['OP_DISALLOW_SNAPSHOT', 30],
  ['OP_SET_GENSTAMP_V2', 31],
  ['OP_ALLOCATE_BLOCK_ID', 32],
  ['OP_ADD_BLOCK', 33],
  ['OP_ADD_CACHE_DIRECTIVE', 34],
  ['OP_REMOVE_CACHE_DIRECTIVE', 35],
  ['OP_ADD_CACHE_POOL', 36],
  ['OP_MODIFY_CACHE_POOL', 37],
  ['OP_REMOVE_CACHE_POOL', 38],
  ['OP_MODIFY_CACHE_DIRECTIVE', 39],
  ['OP_SET_ACL', 40],
  ['OP_ROLLING_UPGRADE_START', 41],
  ['OP_ROLLING_UPGRADE_FINALIZE', 42],
  ['OP_SET_XATTR', 43],
  ['OP_REMOVE_XATTR', 44],
  ['OP_SET_STORAGE_POLICY', 45],
  ['OP_TRUNCATE', 46],
  ['OP_APPEND', 47],
  ['OP_SET_QUOTA_BY_STORAGETYPE', 48],
  ['OP_ADD_ERASURE_CODING_POLICY', 49],
  ['OP_ENABLE_ERASURE_CODING_POLICY', 50],
  ['OP_DISABLE_ERASURE_CODING_POLICY', 51],
  ['OP_REMOVE_ERASURE_CODING_POLICY', 52],
  ['OP_INVALID', -1],
];

/**
 * `hdfs oev -p stats`: Java's `"    %-30.30s      : %d%n"` for the version, then
 * `"    %-30.30s (%3d): %d%n"` per opcode (names longer than 30 characters are cut at 30).
 */
export function editsStats(ops: readonly EditLogOp[], layoutVersion = EDITS_LAYOUT_VERSION): string {
  const counts = new Map<string, number>();
  for (const op of ops) counts.set(op.op, (counts.get(op.op) ?? 0) + 1);
  const col = (s: string): string => s.slice(0, 30).padEnd(30);
  let out = `    ${col('VERSION')}      : ${layoutVersion}\n`;
  for (const [name, code] of HADOOP_OPCODES) {
    out += `    ${col(name)} (${String(code).padStart(3)}): ${counts.get(name) ?? 0}\n`;
  }
  return out;
}
