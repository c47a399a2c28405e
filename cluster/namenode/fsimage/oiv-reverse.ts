/**
 * `hdfs oiv -p ReverseXML` (OfflineImageReconstructor): the `<fsimage>` document `lab oiv -p XML`
 * prints, read back into the FsImage the codec saves, so an image can be dumped, edited and written
 * again for the NameNode to load. Values are unmangled (XMLUtils.unmangleXmlString) and not trimmed,
 * as names may hold spaces; sections the lab fills with fixed values (erasure coding policies,
 * secret and cache managers) are read past. A `<ref>` with a name is a WithName, one without a
 * DstReference (the XML prints every field of both). Pure: a parsed tree in, an image out;
 * every refusal names the element and its line.
 */
import type { XmlElement } from '../../common/xml-tree.js';
import type { AclEntry, XAttr, XAttrNamespace } from '../../protocol/messages.js';
import { parseAclSpec } from '../../protocol/acl-text.js';
import { unmangleXmlString } from '../editlog/oev-loader.js';
import type { BlockRef, PermissionStatus } from '../editlog/ops.js';
import { IMAGE_ONDISK_VERSION } from './codec.js';
import {
  NAMENODE_LAYOUT_VERSION,
  type FsImage,
  type ImageDiffEntry,
  type ImageDirectory,
  type ImageDirectoryDiff,
  type ImageFile,
  type ImageFileDiff,
  type ImageINode,
  type ImageReference,
  type ImageSnapshots,
} from './image.js';

/** An `<fsimage>` document that is not one the lab can rebuild an image from. */
export class ImageXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageXmlError';
  }
}

export function imageFromXml(root: XmlElement): FsImage {
  if (root.name !== 'fsimage')
    throw new ImageXmlError(`expected <fsimage> at the top of the XML file, found <${root.name}>`);
  const doc = new Node(root);
  const version = doc.child('version');
  const onDisk = version.int('onDiskVersion');
  if (onDisk !== IMAGE_ONDISK_VERSION)
    throw version.error(
      `<onDiskVersion> ${onDisk}: the lab writes on-disk version ${IMAGE_ONDISK_VERSION} only`,
    );
  const layoutVersion = version.int('layoutVersion');
  if (layoutVersion !== NAMENODE_LAYOUT_VERSION)
    throw version.error(
      `<layoutVersion> ${layoutVersion}: the lab writes layout ${NAMENODE_LAYOUT_VERSION} only`,
    );
  const names = doc.child('NameSection');
  const inodeSection = doc.child('INodeSection');
  const inodes = inodeSection.all('inode').map(inode);
  const numInodes = inodeSection.int('numInodes');
  if (numInodes !== inodes.length)
    throw inodeSection.error(
      `<numInodes> says ${numInodes} but the section has ${inodes.length} <inode> elements`,
    );
  const references = doc.optionalChild('INodeReferenceSection')?.all('ref').map(reference) ?? [];
  const referred = (n: Node, index: number): number => {
    const ref = references[index];
    if (!ref)
      throw n.error(`reference ${index}: <INodeReferenceSection> has ${references.length} <ref> elements`);
    return ref.referredId;
  };
  const snapshots = snapshotSections(doc, referred);
  return {
    layoutVersion,
    namespaceId: names.int('namespaceId'),
    genstampV1: names.long('genstampV1'),
    genstampV2: names.long('genstampV2'),
    genstampV1Limit: names.long('genstampV1Limit'),
    lastAllocatedBlockId: names.long('lastAllocatedBlockId'),
    txid: names.long('txid'),
    lastInodeId: inodeSection.long('lastInodeId'),
    inodes,
    directories: doc
      .child('INodeDirectorySection')
      .all('directory')
      .map((d) => {
        const refChildren = d.all('refChild').map((c) => c.int(''));
        return {
          parent: d.long('parent'),
          children: [...d.all('child').map((c) => c.long('')), ...refChildren.map((i) => referred(d, i))],
          ...(refChildren.length > 0 ? { refChildren } : {}),
        };
      }),
    filesUnderConstruction: doc
      .child('FileUnderConstructionSection')
      .all('inode')
      .map((f) => ({ id: f.long('id'), path: f.value('path') })),
    ...(snapshots ? { snapshots } : {}),
    ...(references.length > 0 ? { references } : {}),
  };
}

function reference(r: Node): ImageReference {
  const referredId = r.long('referredId');
  const name = r.optionalChild('name')?.value('') ?? '';
  return name === ''
    ? { kind: 'DST', referredId, dstSnapshotId: r.int('dstSnapshotId') }
    : { kind: 'WITH_NAME', referredId, name, lastSnapshotId: r.int('lastSnapshotId') };
}

function inode(n: Node): ImageINode {
  const id = n.long('id');
  const type = n.value('type');
  const name = n.value('name');
  if (type === 'FILE') return { id, type, name, file: file(n) };
  if (type === 'DIRECTORY') return { id, type, name, directory: directory(n) };
  throw n.error(`<type> ${type}: the lab's images hold FILE and DIRECTORY inodes only`);
}

function file(n: Node): ImageFile {
  const uc = n.optionalChild('file-under-construction');
  const blocks = n.optionalChild('blocks');
  return {
    replication: n.int('replication'),
    mtime: n.long('mtime'),
    atime: n.long('atime'),
    preferredBlockSize: n.long('preferredBlockSize'),
    permission: permission(n),
    blocks: blocks ? blockList(blocks) : [],
    ...(uc
      ? {
          underConstruction: { clientName: uc.value('clientName'), clientMachine: uc.value('clientMachine') },
        }
      : {}),
    ...features(n),
    storagePolicyId: n.int('storagePolicyId'),
  };
}

function directory(n: Node): ImageDirectory {
  return {
    mtime: n.long('mtime'),
    permission: permission(n),
    nsQuota: n.longText('nsquota'),
    dsQuota: n.longText('dsquota'),
    ...features(n),
  };
}

function blockList(blocks: Node): BlockRef[] {
  return blocks.all('block').map((b) => ({
    blockId: b.long('id'),
    numBytes: b.long('numBytes'),
    genStamp: b.long('genstamp'),
  }));
}

/** `user:group:0755` (PBImageXmlWriter's permission text); the mode is the last field, in octal. */
function permission(n: Node): PermissionStatus {
  const text = n.value('permission');
  const m = /^(.*):([^:]*):([0-7]{1,6})$/.exec(text);
  if (!m) throw n.error(`<permission> ${JSON.stringify(text)} is not user:group:octal-mode`);
  return { user: m[1] as string, group: m[2] as string, mode: parseInt(m[3] as string, 8) };
}

/** The AclFeature (`<acls><acl>user:bruce:r-x</acl>…`) and XAttrFeature, each only when present. */
function features(n: Node): { acl?: AclEntry[]; xattrs?: XAttr[] } {
  const acls = n.optionalChild('acls');
  const xattrs = n.optionalChild('xattrs');
  return {
    ...(acls ? { acl: acls.all('acl').map(aclEntry) } : {}),
    ...(xattrs ? { xattrs: xattrs.all('xattr').map(xattr) } : {}),
  };
}

function aclEntry(n: Node): AclEntry {
  const text = n.value('');
  try {
    const [entry] = parseAclSpec(text, true);
    if (entry) return entry;
  } catch {
    // Reported below with the element's line.
  }
  throw n.error(`${JSON.stringify(text)} is not an ACL entry such as user:bruce:r-x`);
}

const XATTR_NAMESPACES: readonly XAttrNamespace[] = ['USER', 'TRUSTED', 'SECURITY', 'SYSTEM', 'RAW'];

/** `<xattr><ns/><name/>` and `<val>` (UTF-8 text) or `<valHex>` (any bytes). */
function xattr(n: Node): XAttr {
  const namespace = n.value('ns');
  if (!XATTR_NAMESPACES.includes(namespace as XAttrNamespace))
    throw n.error(`<ns> ${namespace} is not one of ${XATTR_NAMESPACES.join(', ')}`);
  const hex = n.optionalChild('valHex')?.value('');
  if (hex !== undefined && !/^([0-9a-fA-F]{2})*$/.test(hex))
    throw n.error(`<valHex> ${hex} is not hex byte pairs`);
  const bytes = hex !== undefined ? Buffer.from(hex, 'hex') : Buffer.from(n.value('val'), 'utf8');
  return { namespace: namespace as XAttrNamespace, name: n.value('name'), value: bytes.toString('base64') };
}

/** SnapshotSection (+ SnapshotDiffSection); absent when the image has no snapshot state at all. */
function snapshotSections(
  doc: Node,
  referred: (n: Node, index: number) => number,
): ImageSnapshots | undefined {
  const section = doc.child('SnapshotSection');
  const snapshotCounter = section.int('snapshotCounter');
  const snapshottableDirs =
    section
      .optionalChild('snapshottableDir')
      ?.all('dir')
      .map((d) => d.long('')) ?? [];
  const snapshots = section.all('snapshot').map((s) => ({ id: s.int('id'), root: inode(s.child('root')) }));
  const numSnapshots = section.int('numSnapshots');
  if (numSnapshots !== snapshots.length)
    throw section.error(
      `<numSnapshots> says ${numSnapshots} but the section has ${snapshots.length} <snapshot> elements`,
    );
  if (snapshotCounter === 0 && snapshottableDirs.length === 0) return undefined;
  const diffSection = doc.optionalChild('SnapshotDiffSection');
  const diffs: ImageDiffEntry[] = [];
  for (const entry of diffSection?.elements() ?? []) {
    if (entry.name === 'fileDiffEntry')
      diffs.push({
        type: 'FILEDIFF',
        inodeId: entry.long('inodeId'),
        diffs: entry.all('fileDiff').map(fileDiff),
      });
    else if (entry.name === 'dirDiffEntry')
      diffs.push({
        type: 'DIRECTORYDIFF',
        inodeId: entry.long('inodeId'),
        diffs: entry.all('dirDiff').map((d) => dirDiff(d, referred)),
      });
  }
  return { snapshotCounter, snapshottableDirs, snapshots, diffs };
}

function fileDiff(d: Node): ImageFileDiff {
  const copy = d.optionalChild('snapshotCopy');
  const blocks = d.optionalChild('blocks');
  return {
    snapshotId: d.int('snapshotId'),
    fileSize: d.long('size'),
    ...(copy ? { copy: { name: d.value('name'), file: file(copy) } } : {}),
    ...(blocks ? { blocks: blockList(blocks) } : {}),
  };
}

function dirDiff(d: Node, referred: (n: Node, index: number) => number): ImageDirectoryDiff {
  const copy = d.optionalChild('snapshotCopy');
  const deletedRefs = d.all('deletedInoderef').map((c) => c.int(''));
  return {
    snapshotId: d.int('snapshotId'),
    childrenSize: d.int('childrenSize'),
    isSnapshotRoot: d.optionalChild('isSnapshotRoot') !== undefined,
    ...(copy ? { copy: { name: d.value('name'), directory: directory(copy) } } : {}),
    created: d.all('created').map((c) => c.value('name')),
    deleted: [...d.all('deletedInode').map((c) => c.long('')), ...deletedRefs.map((i) => referred(d, i))],
    ...(deletedRefs.length > 0 ? { deletedRefs } : {}),
  };
}

/** One element: its children by name, its text unmangled; `name` '' means the element's own text. */
class Node {
  constructor(private readonly el: XmlElement) {}

  get name(): string {
    return this.el.name;
  }

  error(message: string): ImageXmlError {
    return new ImageXmlError(`<${this.el.name}> on line ${this.el.line}: ${message}`);
  }

  elements(): Node[] {
    return this.el.children.map((c) => new Node(c));
  }

  all(name: string): Node[] {
    return this.el.children.filter((c) => c.name === name).map((c) => new Node(c));
  }

  optionalChild(name: string): Node | undefined {
    const found = this.el.children.find((c) => c.name === name);
    return found ? new Node(found) : undefined;
  }

  child(name: string): Node {
    const found = this.optionalChild(name);
    if (!found) throw this.error(`no <${name}> element`);
    return found;
  }

  value(name: string): string {
    const text = name === '' ? this.el.text : this.child(name).el.text;
    return unmangleXmlString(text, (message) => this.error(`<${name || this.el.name}>: ${message}`));
  }

  longText(name: string): string {
    const text = this.value(name).trim();
    if (!/^-?\d+$/.test(text) || BigInt.asIntN(64, BigInt(text)) !== BigInt(text))
      throw this.error(`<${name || this.el.name}> ${JSON.stringify(text)} is not a Java long`);
    return BigInt(text).toString();
  }

  long(name: string): number {
    const text = this.longText(name);
    if (!Number.isSafeInteger(Number(text)))
      throw this.error(`<${name || this.el.name}> ${text} does not fit the lab's numbers (2^53)`);
    return Number(text);
  }

  int(name: string): number {
    const value = this.long(name);
    if (value < -0x80000000 || value > 0xffffffff)
      throw this.error(`<${name || this.el.name}> ${value} does not fit 32 bits`);
    return value;
  }
}
