/**
 * `hdfs oev` reading XML back (OfflineEditsXmlLoader + each op's fromXml): an `<EDITS>` document
 * as `lab oev -p xml` writes it becomes the ops again, so `-p binary` can write the segment the XML
 * came from — byte for byte, checksums included, since the codec frames them the same way. Text
 * values are trimmed and unmangled (XMLUtils.unmangleXmlString) as Hadoop's loader does; fields an
 * op's XML does not carry take fromXml's defaults (OP_ADD's storage policy: unspecified, 0).
 * Pure: a parsed tree in, ops out; every refusal names the record and the line.
 */
import type { XmlElement } from '../../common/xml-tree.js';
import type { AclEntry, XAttr, XAttrNamespace } from '../../protocol/messages.js';
import { fsActionOfSymbol } from '../../protocol/acl-text.js';
import { NO_RPC_IDS, OPCODES } from './ops.js';
import type {
  AddOrCloseFields,
  BlockRef,
  EditLogOp,
  OpName,
  PermissionStatus,
  RenameOption,
  RpcIds,
} from './ops.js';
import { uuidToBytes } from './writable.js';

/** An `<EDITS>` document that is not one, or a record whose fields cannot be an op. */
export class EditsXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EditsXmlError';
  }
}

/** The layout version and ops of an `<EDITS>` document, in document order. */
export function editsFromXml(root: XmlElement): { layoutVersion: number; ops: EditLogOp[] } {
  if (root.name !== 'EDITS')
    throw new EditsXmlError(`you must put <EDITS> at the top of the XML file! Got tag ${root.name} instead`);
  const [version, ...records] = root.children;
  if (version?.name !== 'EDITS_VERSION')
    throw new EditsXmlError(`you must put <EDITS_VERSION> at the top of the XML file! (line ${root.line})`);
  const layoutVersion = javaInt(version.text.trim(), `<EDITS_VERSION> on line ${version.line}`);
  const ops = records.map((record, i) => recordOp(record, i + 1));
  return { layoutVersion, ops };
}

/**
 * `-f` (--fix-txids): the first op keeps its txid (1 when it has none above 0) and every later op
 * takes the next one, so a hand-edited log has no gaps — what both of Hadoop's loaders do.
 */
export function renumberTxids(ops: readonly EditLogOp[]): EditLogOp[] {
  const first = ops[0]?.txid ?? 1;
  const start = first > 0 ? first : 1;
  return ops.map((op, i) => ({ ...op, txid: start + i }));
}

const OP_NAMES = new Set<string>(Object.keys(OPCODES).filter((name) => name !== 'OP_INVALID'));

function recordOp(record: XmlElement, index: number): EditLogOp {
  const where = `RECORD ${index} (line ${record.line})`;
  if (record.name !== 'RECORD')
    throw new EditsXmlError(`${where}: expected a <RECORD> tag, found <${record.name}>`);
  const [opcode, data] = record.children;
  if (opcode?.name !== 'OPCODE') throw new EditsXmlError(`${where}: expected an <OPCODE> tag`);
  if (data?.name !== 'DATA') throw new EditsXmlError(`${where}: expected a <DATA> tag after <OPCODE>`);
  const name = opcode.text.trim();
  if (!OP_NAMES.has(name))
    throw new EditsXmlError(
      `${where}: the lab's edit log has no ${name || 'empty'} opcode (it writes ${[...OP_NAMES].join(', ')})`,
    );
  const st = new Stanza(data, `${where}, ${name}`);
  return { op: name, txid: st.long('TXID'), ...opFields(name as OpName, st) } as EditLogOp;
}

/** The fields after TXID, read from the elements each op's toXml writes. */
// Long: one case per op, the elements its toXml writes: a table, read beside oev.ts's dataChildren.
function opFields(name: OpName, st: Stanza): object {
  switch (name) {
    case 'OP_START_LOG_SEGMENT':
    case 'OP_END_LOG_SEGMENT':
      return {};
    case 'OP_ADD':
      return {
        ...addCloseFields(st),
        clientName: st.value('CLIENT_NAME'),
        clientMachine: st.value('CLIENT_MACHINE'),
        overwrite: st.bool('OVERWRITE'),
        storagePolicyId: 0,
        erasureCodingPolicyId: st.has('ERASURE_CODING_POLICY_ID') ? st.int('ERASURE_CODING_POLICY_ID') : 0,
        ...aclFields(st),
        rpcIds: rpcIds(st),
      };
    case 'OP_CLOSE':
      return addCloseFields(st);
    case 'OP_MKDIR':
      return {
        inodeId: st.long('INODEID'),
        path: st.value('PATH'),
        timestamp: st.long('TIMESTAMP'),
        permission: permission(st),
        ...aclFields(st),
      };
    case 'OP_ALLOCATE_BLOCK_ID':
      return { blockId: st.long('BLOCK_ID') };
    case 'OP_SET_GENSTAMP_V2':
      return { genStamp: st.long('GENSTAMPV2') };
    case 'OP_ADD_BLOCK':
    case 'OP_UPDATE_BLOCKS': {
      const blocks = st.all('BLOCK').map(block);
      if (name === 'OP_ADD_BLOCK' && blocks.length !== 1 && blocks.length !== 2)
        throw st.error(
          `has ${blocks.length} <BLOCK> elements; AddBlockOp carries 1 or 2 ([penultimate,] last)`,
        );
      return { path: st.value('PATH'), blocks, rpcIds: rpcIds(st) };
    }
    case 'OP_DELETE':
      return { path: st.value('PATH'), timestamp: st.long('TIMESTAMP'), rpcIds: rpcIds(st) };
    case 'OP_RENAME_OLD':
      return { ...renameFields(st), rpcIds: rpcIds(st) };
    case 'OP_RENAME':
      return { ...renameFields(st), options: renameOptions(st), rpcIds: rpcIds(st) };
    case 'OP_CONCAT_DELETE':
      return {
        trg: st.value('TRG'),
        timestamp: st.long('TIMESTAMP'),
        srcs: concatSources(st),
        rpcIds: rpcIds(st),
      };
    case 'OP_SET_REPLICATION':
      return { path: st.value('PATH'), replication: st.short('REPLICATION') };
    case 'OP_SET_PERMISSIONS':
      return { src: st.value('SRC'), mode: st.short('MODE') & 0xffff };
    case 'OP_SET_OWNER':
      return { src: st.value('SRC'), username: st.optional('USERNAME'), groupname: st.optional('GROUPNAME') };
    case 'OP_TIMES':
      return { path: st.value('PATH'), mtime: st.long('MTIME'), atime: st.long('ATIME') };
    case 'OP_REASSIGN_LEASE':
      return {
        leaseHolder: st.value('LEASEHOLDER'),
        path: st.value('PATH'),
        newHolder: st.value('NEWHOLDER'),
      };
    case 'OP_APPEND':
      return {
        path: st.value('PATH'),
        clientName: st.value('CLIENT_NAME'),
        clientMachine: st.value('CLIENT_MACHINE'),
        newBlock: st.bool('NEWBLOCK'),
        rpcIds: rpcIds(st),
      };
    case 'OP_SET_QUOTA':
      return { src: st.value('SRC'), nsQuota: st.longText('NSQUOTA'), dsQuota: st.longText('DSQUOTA') };
    case 'OP_TRUNCATE': {
      const blocks = st.all('BLOCK').map(block);
      if (blocks.length > 1)
        throw st.error(`has ${blocks.length} <BLOCK> elements; TruncateOp carries 0 or 1`);
      return {
        src: st.value('SRC'),
        clientName: st.value('CLIENTNAME'),
        clientMachine: st.value('CLIENTMACHINE'),
        newLength: st.long('NEWLENGTH'),
        timestamp: st.long('TIMESTAMP'),
        truncateBlock: blocks[0] ?? null,
      };
    }
    case 'OP_SET_XATTR':
    case 'OP_REMOVE_XATTR':
      return { src: st.value('SRC'), xattrs: st.all('XATTR').map(xattr), rpcIds: rpcIds(st) };
    case 'OP_ALLOW_SNAPSHOT':
    case 'OP_DISALLOW_SNAPSHOT':
      return { snapshotRoot: st.value('SNAPSHOTROOT') };
    case 'OP_CREATE_SNAPSHOT':
    case 'OP_DELETE_SNAPSHOT':
      return {
        snapshotRoot: st.value('SNAPSHOTROOT'),
        snapshotName: st.value('SNAPSHOTNAME'),
        mtime: st.long('MTIME'),
        rpcIds: rpcIds(st),
      };
    case 'OP_RENAME_SNAPSHOT':
      return {
        snapshotRoot: st.value('SNAPSHOTROOT'),
        snapshotOldName: st.value('SNAPSHOTOLDNAME'),
        snapshotNewName: st.value('SNAPSHOTNEWNAME'),
        mtime: st.long('MTIME'),
        rpcIds: rpcIds(st),
      };
    case 'OP_SET_ACL':
      return { src: st.value('SRC'), entries: st.all('ENTRY').map(aclEntry) };
  }
}

function addCloseFields(st: Stanza): AddOrCloseFields {
  return {
    inodeId: st.long('INODEID'),
    path: st.value('PATH'),
    replication: st.short('REPLICATION'),
    mtime: st.long('MTIME'),
    atime: st.long('ATIME'),
    blockSize: st.long('BLOCKSIZE'),
    blocks: st.all('BLOCK').map(block),
    permission: permission(st),
  };
}

function renameFields(st: Stanza): { src: string; dst: string; timestamp: number } {
  return { src: st.value('SRC'), dst: st.value('DST'), timestamp: st.long('TIMESTAMP') };
}

const RENAME_OPTIONS: readonly RenameOption[] = ['NONE', 'OVERWRITE', 'TO_TRASH'];

/** OPTIONS: Rename option names joined by `|` (RenameOp.toXml), empty for none. */
function renameOptions(st: Stanza): RenameOption[] {
  const text = st.value('OPTIONS');
  if (text === '') return [];
  return text.split('|').map((option) => {
    if (!RENAME_OPTIONS.includes(option as RenameOption))
      throw st.error(`<OPTIONS> has ${option}; Options.Rename is one of ${RENAME_OPTIONS.join(', ')}`);
    return option as RenameOption;
  });
}

/** ConcatDeleteOp.fromXml: SOURCE1, SOURCE2, … under <SOURCES>, up to the first missing number. */
function concatSources(st: Stanza): string[] {
  const sources = st.child('SOURCES');
  const srcs: string[] = [];
  for (let i = 1; sources.has(`SOURCE${i}`); i++) srcs.push(sources.value(`SOURCE${i}`));
  return srcs;
}

function permission(st: Stanza): PermissionStatus {
  const p = st.child('PERMISSION_STATUS');
  return { user: p.value('USERNAME'), group: p.value('GROUPNAME'), mode: p.short('MODE') & 0xffff };
}

function block(el: XmlElement): BlockRef {
  const b = new Stanza(el, `<BLOCK> on line ${el.line}`);
  return { blockId: b.long('BLOCK_ID'), numBytes: b.long('NUM_BYTES'), genStamp: b.long('GENSTAMP') };
}

function aclFields(st: Stanza): { aclEntries?: AclEntry[] } {
  const entries = st.all('ENTRY').map(aclEntry);
  return entries.length > 0 ? { aclEntries: entries } : {};
}

const ACL_SCOPES = ['ACCESS', 'DEFAULT'] as const;
const ACL_TYPES = ['USER', 'GROUP', 'MASK', 'OTHER'] as const;

/** FSEditLogOp.readAclEntriesFromXml: SCOPE, TYPE, optional NAME, PERM as FsAction.SYMBOL. */
function aclEntry(el: XmlElement): AclEntry {
  const e = new Stanza(el, `<ENTRY> on line ${el.line}`);
  const scope = e.oneOf('SCOPE', ACL_SCOPES);
  const type = e.oneOf('TYPE', ACL_TYPES);
  const permission = fsActionOfSymbol(e.value('PERM'));
  if (permission === null) throw e.error(`<PERM> ${e.value('PERM')} is not an FsAction symbol such as r-x`);
  return { scope, type, name: e.optional('NAME'), permission };
}

const XATTR_NAMESPACES: readonly XAttrNamespace[] = ['USER', 'TRUSTED', 'SECURITY', 'SYSTEM', 'RAW'];

/** FSEditLogOp.readXAttrsFromXml: NAMESPACE, NAME, and VALUE in XAttrCodec's 0x hex when present. */
function xattr(el: XmlElement): XAttr {
  const x = new Stanza(el, `<XATTR> on line ${el.line}`);
  const hex = x.optional('VALUE');
  if (hex !== null && !/^0x([0-9a-fA-F]{2})*$/.test(hex))
    throw x.error(`<VALUE> ${hex} is not 0x followed by hex byte pairs (XAttrCodec.HEX)`);
  return {
    namespace: x.oneOf('NAMESPACE', XATTR_NAMESPACES),
    name: x.value('NAME'),
    value: hex === null ? null : Buffer.from(hex.slice(2), 'hex').toString('base64'),
  };
}

/** readRpcIdsFromXml: RPC_CLIENTID (a UUID, empty = none) and RPC_CALLID, each optional. */
function rpcIds(st: Stanza): RpcIds {
  const text = st.optional('RPC_CLIENTID') ?? '';
  const callId = st.has('RPC_CALLID') ? st.int('RPC_CALLID') : NO_RPC_IDS.callId;
  if (text === '') return callId === NO_RPC_IDS.callId ? NO_RPC_IDS : { clientId: null, callId };
  try {
    uuidToBytes(text);
  } catch {
    throw st.error(`<RPC_CLIENTID> ${text} is not a client id (16 bytes as a UUID, ClientId.toString)`);
  }
  return { clientId: text.toLowerCase(), callId };
}

/** XMLUtils.Stanza: the children of one element by name, their text trimmed and unmangled. */
class Stanza {
  constructor(
    private readonly el: XmlElement,
    private readonly where: string,
  ) {}

  error(message: string): EditsXmlError {
    return new EditsXmlError(`${this.where}: ${message}`);
  }

  has(name: string): boolean {
    return this.el.children.some((c) => c.name === name);
  }

  all(name: string): XmlElement[] {
    return this.el.children.filter((c) => c.name === name);
  }

  child(name: string): Stanza {
    const found = this.el.children.find((c) => c.name === name);
    if (!found) throw this.error(`no <${name}> element`);
    return new Stanza(found, `${this.where}, <${name}>`);
  }

  value(name: string): string {
    const found = this.el.children.find((c) => c.name === name);
    if (!found) throw this.error(`no <${name}> element`);
    return unmangleXmlString(found.text.trim(), (message) => this.error(`<${name}>: ${message}`));
  }

  optional(name: string): string | null {
    return this.has(name) ? this.value(name) : null;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const text = this.value(name);
    if (!allowed.includes(text as T))
      throw this.error(`<${name}> ${text} is not one of ${allowed.join(', ')}`);
    return text as T;
  }

  long(name: string): number {
    const text = this.longText(name);
    const value = Number(text);
    if (!Number.isSafeInteger(value))
      throw this.error(`<${name}> ${text} does not fit the lab's numbers (2^53)`);
    return value;
  }

  /** A Java long kept as decimal text (quotas may be Long.MAX). */
  longText(name: string): string {
    const text = this.value(name);
    if (!/^[-+]?\d+$/.test(text) || BigInt.asIntN(64, BigInt(text)) !== BigInt(text))
      throw this.error(`<${name}> ${JSON.stringify(text)} is not a Java long`);
    return BigInt(text).toString();
  }

  int(name: string): number {
    return javaInt(this.value(name), `${this.where}, <${name}>`);
  }

  short(name: string): number {
    const value = this.int(name);
    if (value < -0x8000 || value > 0x7fff) throw this.error(`<${name}> ${value} is not a Java short`);
    return value;
  }

  /** Boolean.parseBoolean: "true" in any case is true, anything else false. */
  bool(name: string): boolean {
    return this.value(name).toLowerCase() === 'true';
  }
}

function javaInt(text: string, where: string): number {
  const value = /^[-+]?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff)
    throw new EditsXmlError(`${where}: ${JSON.stringify(text)} is not a Java int`);
  return value;
}

/**
 * XMLUtils.unmangleXmlString: `\` + hex code point + `;` back to the character (the writer's
 * mangleXmlString escapes backslash and what XML cannot carry that way).
 */
export function unmangleXmlString(text: string, fail: (message: string) => Error): string {
  return text.replace(/\\([^;]*)(;?)/g, (whole, hex: string, semi: string) => {
    const cp = /^[0-9a-fA-F]{1,6}$/.test(hex) && semi === ';' ? parseInt(hex, 16) : NaN;
    if (!(cp <= 0x10ffff))
      throw fail(`${JSON.stringify(whole)} is not an escape (a backslash is written \\005c;)`);
    return String.fromCodePoint(cp);
  });
}
