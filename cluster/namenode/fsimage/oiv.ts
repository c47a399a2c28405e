/**
 * `hdfs oiv` processors over an in-memory FsImage:
 * - `imageToXml`: `-p XML` (PBImageXmlWriter) — hand-printed, no indentation, newlines exactly where
 *   Hadoop 3.3 prints them, sections in SectionName order;
 * - `imageToDelimited`: `-p Delimited` (PBImageDelimitedTextWriter) — one tab-separated line per inode.
 * Pure: text out.
 */
import type { AclEntry, XAttr } from '../../protocol/messages.js';
import { aclEntryText } from '../../protocol/acl-text.js';
import { mangleXmlString } from '../editlog/oev.js';
import type { PermissionStatus } from '../editlog/ops.js';
import {
  BUILTIN_EC_POLICIES,
  IMAGE_ONDISK_VERSION,
  childrenInNameOrder,
  permissionOf,
  referredIds,
} from './codec.js';
import type { FsImage, ImageDirectory, ImageFile, ImageINode } from './image.js';

/**
 * What `<oivRevision>` shows when the caller gives none: Hadoop prints the git revision of the oiv
 * build (VersionInfo.getRevision()); the lab has no such build, so it prints 40 zeros.
 */
export const OIV_REVISION_DEFAULT = '0'.repeat(40);

/** `<name>value</name>`, the value mangled with entity references (PBImageXmlWriter.o). */
function o(name: string, value: string | number): string {
  return `<${name}>${mangleXmlString(String(value), true)}</${name}>`;
}

export function imageToXml(image: FsImage, options: { oivRevision?: string } = {}): string {
  const revision = options.oivRevision ?? OIV_REVISION_DEFAULT;
  return [
    '<?xml version="1.0"?>\n<fsimage>',
    `<version>${o('layoutVersion', image.layoutVersion)}${o('onDiskVersion', IMAGE_ONDISK_VERSION)}${o('oivRevision', revision)}</version>\n`,
    nameSection(image),
    erasureCodingSection(),
    inodeSection(image),
    inodeReferenceSection(image),
    snapshotSection(image),
    inodeDirectorySection(image),
    fileUnderConstructionSection(image),
    snapshotDiffSection(image),
    `<SecretManagerSection>${o('currentId', 0)}${o('tokenSequenceNumber', 0)}${o('numDelegationKeys', 0)}${o('numTokens', 0)}</SecretManagerSection>`,
    `<CacheManagerSection>${o('nextDirectiveId', 1)}${o('numDirectives', 0)}${o('numPools', 0)}</CacheManagerSection>\n`,
    '</fsimage>\n',
  ].join('');
}

function nameSection(image: FsImage): string {
  return (
    '<NameSection>' +
    o('namespaceId', image.namespaceId) +
    o('genstampV1', image.genstampV1) +
    o('genstampV2', image.genstampV2) +
    o('genstampV1Limit', image.genstampV1Limit) +
    o('lastAllocatedBlockId', image.lastAllocatedBlockId) +
    o('txid', image.txid) +
    '</NameSection>\n'
  );
}

/** Java's println after each opening tag, and a blank line after each policy and after the section. */
function erasureCodingSection(): string {
  let out = '<ErasureCodingSection>\n';
  for (const p of BUILTIN_EC_POLICIES) {
    out +=
      '<erasureCodingPolicy>\n' +
      o('policyId', p.id) +
      o('policyName', p.name) +
      o('cellSize', p.cellSize) +
      o('policyState', p.state) +
      '<ecSchema>\n' +
      o('codecName', p.codecName) +
      o('dataUnits', p.dataUnits) +
      o('parityUnits', p.parityUnits) +
      '</ecSchema>\n' +
      '</erasureCodingPolicy>\n\n';
  }
  return out + '</ErasureCodingSection>\n\n';
}

function inodeSection(image: FsImage): string {
  let out = `<INodeSection>${o('lastInodeId', image.lastInodeId)}${o('numInodes', image.inodes.length)}`;
  for (const inode of image.inodes) out += `<inode>${inodeFields(inode)}</inode>\n`;
  return out + '</INodeSection>\n';
}

function inodeFields(inode: ImageINode): string {
  const head = o('id', inode.id) + o('type', inode.type) + o('name', inode.name);
  if (inode.file) return head + fileFields(inode.file);
  const d = inode.directory;
  if (!d) return head;
  return head + directoryFields(d);
}

function directoryFields(d: ImageDirectory): string {
  return (
    o('mtime', d.mtime) +
    o('permission', permissionText(d.permission)) +
    xattrsXml(d.xattrs) +
    aclsXml(d.acl) +
    o('nsquota', d.nsQuota) +
    o('dsquota', d.dsQuota)
  );
}

/** PBImageXmlWriter.dumpSnapshotSection. */
function snapshotSection(image: FsImage): string {
  const s = image.snapshots;
  let out = `<SnapshotSection>${o('snapshotCounter', s?.snapshotCounter ?? 0)}${o('numSnapshots', s?.snapshots.length ?? 0)}`;
  if (s && s.snapshottableDirs.length > 0)
    out += `<snapshottableDir>${s.snapshottableDirs.map((id) => o('dir', id)).join('')}</snapshottableDir>\n`;
  for (const snap of s?.snapshots ?? [])
    out += `<snapshot>${o('id', snap.id)}<root>${inodeFields(snap.root)}</root></snapshot>`;
  return `${out}</SnapshotSection>\n`;
}

/** PBImageXmlWriter.dumpSnapshotDiffSection: only when the image has the section (snapshots exist). */
function snapshotDiffSection(image: FsImage): string {
  const s = image.snapshots;
  if (!s || s.snapshots.length === 0) return '';
  let out = '<SnapshotDiffSection>';
  for (const e of s.diffs) {
    const tag = e.type === 'FILEDIFF' ? 'fileDiffEntry' : 'dirDiffEntry';
    out += `<${tag}>${o('inodeId', e.inodeId)}${o('count', e.diffs.length)}`;
    if (e.type === 'FILEDIFF') {
      for (const d of e.diffs) {
        out += `<fileDiff>${o('snapshotId', d.snapshotId)}${o('size', d.fileSize)}${o('name', d.copy?.name ?? '')}`;
        if (d.copy) out += `<snapshotCopy>${fileFields(d.copy.file)}</snapshotCopy>\n`;
        if (d.blocks && d.blocks.length > 0) out += blocksXml(d.blocks);
        out += '</fileDiff>\n';
      }
    } else {
      for (const d of e.diffs) {
        out += `<dirDiff>${o('snapshotId', d.snapshotId)}${o('childrenSize', d.childrenSize)}`;
        if (d.isSnapshotRoot) out += '<isSnapshotRoot/>';
        out += o('name', d.copy?.name ?? '');
        if (d.copy) out += `<snapshotCopy>${directoryFields(d.copy.directory)}</snapshotCopy>\n`;
        out += o('createdListSize', d.created.length);
        const refs = referredIds(image, d.deletedRefs);
        out += d.deleted
          .filter((id) => !refs.has(id))
          .map((id) => o('deletedInode', id))
          .join('');
        out += (d.deletedRefs ?? []).map((i) => o('deletedInoderef', i)).join('');
        out += d.created.map((name) => `<created>${o('name', name)}</created>\n`).join('');
        out += '</dirDiff>\n';
      }
    }
    out += `</${tag}>\n`;
  }
  return `${out}</SnapshotDiffSection>\n`;
}

function blocksXml(blocks: readonly { blockId: number; genStamp: number; numBytes: number }[]): string {
  let out = '<blocks>';
  for (const b of blocks)
    out += `<block>${o('id', b.blockId)}${o('genstamp', b.genStamp)}${o('numBytes', b.numBytes)}</block>\n`;
  return `${out}</blocks>\n`;
}

function fileFields(f: ImageFile): string {
  let out =
    o('replication', f.replication) +
    o('mtime', f.mtime) +
    o('atime', f.atime) +
    o('preferredBlockSize', f.preferredBlockSize) +
    o('permission', permissionText(f.permission)) +
    xattrsXml(f.xattrs) +
    aclsXml(f.acl);
  if (f.blocks.length > 0) out += blocksXml(f.blocks);
  out += o('storagePolicyId', f.storagePolicyId);
  if (f.underConstruction) {
    const uc = f.underConstruction;
    out += `<file-under-construction>${o('clientName', uc.clientName)}${o('clientMachine', uc.clientMachine)}</file-under-construction>\n`;
  }
  return out;
}

/**
 * PBImageXmlWriter.dumpXattrs: `<xattrs><xattr><ns/><name/><val/></xattr>…</xattrs>`, the value as
 * text when it is valid UTF-8, else `<valHex>`.
 */
function xattrsXml(xattrs: readonly XAttr[] | undefined): string {
  if (!xattrs || xattrs.length === 0) return '';
  let out = '<xattrs>';
  for (const x of xattrs) {
    const bytes = Buffer.from(x.value ?? '', 'base64');
    const text = new TextDecoder('utf-8', { fatal: true });
    let value: string;
    try {
      value = o('val', text.decode(bytes));
    } catch {
      value = o('valHex', bytes.toString('hex'));
    }
    out += `<xattr>${o('ns', x.namespace)}${o('name', x.name)}${value}</xattr>`;
  }
  return `${out}</xattrs>`;
}

/** PBImageXmlWriter.dumpAcls: `<acls><acl>user:bruce:rwx</acl>…</acls>`, the AclFeature's entries. */
function aclsXml(acl: readonly AclEntry[] | undefined): string {
  if (!acl || acl.length === 0) return '';
  return `<acls>${acl.map((e) => o('acl', aclEntryText(e))).join('')}</acls>`;
}

/** `user:group:` + 4-digit octal mode (`%04o`), e.g. `student:supergroup:0755`. */
function permissionText(p: PermissionStatus): string {
  return `${p.user}:${p.group}:${(p.mode & 0o7777).toString(8).padStart(4, '0')}`;
}

/**
 * PBImageXmlWriter.dumpINodeReferenceSection: every field of each reference, unset ones as their
 * defaults (an empty name, snapshot id 0), one `<ref>` a line.
 */
function inodeReferenceSection(image: FsImage): string {
  let out = '<INodeReferenceSection>';
  for (const r of image.references ?? []) {
    out +=
      '<ref>' +
      o('referredId', r.referredId) +
      o('name', r.kind === 'WITH_NAME' ? r.name : '') +
      o('dstSnapshotId', r.kind === 'DST' ? r.dstSnapshotId : 0) +
      o('lastSnapshotId', r.kind === 'WITH_NAME' ? r.lastSnapshotId : 0) +
      '</ref>\n';
  }
  return `${out}</INodeReferenceSection>`;
}

function inodeDirectorySection(image: FsImage): string {
  let out = '<INodeDirectorySection>';
  for (const d of image.directories) {
    if (d.children.length === 0) continue;
    const refs = referredIds(image, d.refChildren);
    const children = childrenInNameOrder(image, d.children).filter((c) => !refs.has(c));
    const refChildren = (d.refChildren ?? []).map((i) => o('refChild', i)).join('');
    out += `<directory>${o('parent', d.parent)}${children.map((c) => o('child', c)).join('')}${refChildren}</directory>\n`;
  }
  return out + '</INodeDirectorySection>\n';
}

function fileUnderConstructionSection(image: FsImage): string {
  let out = '<FileUnderConstructionSection>';
  for (const f of image.filesUnderConstruction)
    out += `<inode>${o('id', f.id)}${o('path', f.path)}</inode>\n`;
  return out + '</FileUnderConstructionSection>\n';
}

// ---------------------------------------------------------------------------------------------
// Delimited

/** Column names of `-p Delimited`, printed as its first line. */
export const DELIMITED_COLUMNS = [
  'Path',
  'Replication',
  'ModificationTime',
  'AccessTime',
  'PreferredBlockSize',
  'BlocksCount',
  'FileSize',
  'NSQUOTA',
  'DSQUOTA',
  'Permission',
  'UserName',
  'GroupName',
] as const;

/**
 * `hdfs oiv -p Delimited`: the header, then one line per inode in image order with its full path.
 * Dates use Hadoop's `yyyy-MM-dd HH:mm`; Hadoop formats them in the JVM's time zone, the lab in UTC
 * so output does not depend on the machine. Directories print `d` before the permission, files `-`.
 * Inodes unreachable from the root are skipped, as Hadoop does.
 */
export function imageToDelimited(image: FsImage, options: { delimiter?: string } = {}): string {
  const sep = options.delimiter ?? '\t';
  const paths = inodePaths(image);
  const lines: string[] = [DELIMITED_COLUMNS.join(sep)];
  for (const inode of image.inodes) {
    const path = paths.get(inode.id);
    if (path === undefined) continue;
    const p = permissionOf(inode);
    lines.push([path, ...sizeColumns(inode), permissionSymbolic(inode, p.mode), p.user, p.group].join(sep));
  }
  return lines.join('\n') + '\n';
}

function sizeColumns(inode: ImageINode): (string | number)[] {
  if (inode.file) {
    const f = inode.file;
    const fileSize = f.blocks.reduce((sum, b) => sum + b.numBytes, 0);
    return [
      f.replication,
      formatDate(f.mtime),
      formatDate(f.atime),
      f.preferredBlockSize,
      f.blocks.length,
      fileSize,
      0,
      0,
    ];
  }
  const d = inode.directory;
  return [0, formatDate(d?.mtime ?? 0), formatDate(0), 0, 0, 0, d?.nsQuota ?? '-1', d?.dsQuota ?? '-1'];
}

/** Full path of every inode reachable from the root ('/' for the root itself). */
export function inodePaths(image: FsImage): Map<number, string> {
  const byId = new Map(image.inodes.map((n) => [n.id, n]));
  const childrenOf = new Map(image.directories.map((d) => [d.parent, d.children]));
  const root = image.inodes.find((n) => n.type === 'DIRECTORY' && n.name === '');
  const paths = new Map<number, string>();
  if (!root) return paths;
  const stack: [number, string][] = [[root.id, '/']];
  while (stack.length > 0) {
    const [id, path] = stack.pop() as [number, string];
    paths.set(id, path);
    for (const child of childrenOf.get(id) ?? []) {
      const name = byId.get(child)?.name;
      if (name !== undefined && !paths.has(child))
        stack.push([child, path === '/' ? `/${name}` : `${path}/${name}`]);
    }
  }
  return paths;
}

function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** FsPermission.toString() with a `d`/`-` type prefix: `drwxr-xr-x`, sticky bit as `t`/`T`. */
export function permissionSymbolic(inode: ImageINode, mode: number): string {
  const rwx = (bits: number): string =>
    `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
  let s = rwx(mode >> 6) + rwx(mode >> 3) + rwx(mode);
  if (mode & 0o1000) s = s.slice(0, 8) + (mode & 1 ? 't' : 'T');
  return (inode.type === 'DIRECTORY' ? 'd' : '-') + s;
}
