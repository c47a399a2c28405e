/**
 * Hadoop's protobuf fsimage (FSImageFormatProtobuf, fsimage.proto): "HDFSIMG1", the sections in the
 * saver's order, then the FileSummary (varint-delimited) and a 4-byte big-endian length of it.
 *
 * Fidelity limit: since layout -65 Hadoop allocates string-table ids through a
 * serial-number manager with mask bits. The lab does not reproduce that: user and group names get
 * ids 1, 2, … in first-use order (inodes in image order, user before group) and no mask bits are
 * written. Images are therefore not byte-identical to Hadoop's, while `oiv` XML stays exact.
 *
 * Pure: `encodeImage` returns the file's bytes, `decodeImage` takes them. The messages are
 * fsimage.proto's (cluster/protocol/proto), through @bufbuild/protobuf.
 */
import type { AclEntry, XAttr } from '../../protocol/messages.js';
import type { BlockRef, PermissionStatus } from '../editlog/ops.js';
import {
  fromBinary,
  isFieldSet,
  type DescMessage,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import {
  CacheManagerSectionSchema,
  ErasureCodingSectionSchema,
  FilesUnderConstructionSection_FileUnderConstructionEntrySchema,
  FileSummarySchema,
  INodeDirectorySection_DirEntrySchema,
  INodeReferenceSection_INodeReferenceSchema,
  INodeSection_INode_Type,
  INodeSection_INodeSchema,
  INodeSectionSchema,
  NameSystemSectionSchema,
  SecretManagerSectionSchema,
  SnapshotSectionSchema,
  SnapshotSection_SnapshotSchema,
  SnapshotDiffSection_CreatedListEntrySchema,
  SnapshotDiffSection_DiffEntrySchema,
  SnapshotDiffSection_DiffEntry_Type,
  SnapshotDiffSection_DirectoryDiffSchema,
  SnapshotDiffSection_FileDiffSchema,
  StringTableSection_EntrySchema,
  StringTableSectionSchema,
  type INodeSection_INode,
  type INodeSection_INodeDirectory,
  type INodeSection_INodeFile,
} from '../../protocol/gen/fsimage_pb.js';
import {
  NAMENODE_LAYOUT_VERSION,
  type FsImage,
  type ImageDiffEntry,
  type ImageDirectory,
  type ImageFile,
  type ImageINode,
  type ImageReference,
  type ImageSnapshots,
} from './image.js';
import { delimitedProto } from '../../protocol/proto-codec.js';

export const IMAGE_MAGIC = 'HDFSIMG1';
export const IMAGE_ONDISK_VERSION = 1;

/** Section names as stored in the FileSummary, in the order Hadoop 3.3's saver writes them. */
export const IMAGE_SECTIONS = [
  'NS_INFO',
  'ERASURE_CODING',
  'INODE',
  'INODE_DIR',
  'FILES_UNDERCONSTRUCTION',
  'SNAPSHOT',
  'SNAPSHOT_DIFF',
  'INODE_REFERENCE',
  'SECRET_MANAGER',
  'CACHE_MANAGER',
  'STRING_TABLE',
] as const;
export type ImageSectionName = (typeof IMAGE_SECTIONS)[number];

export interface ErasureCodingPolicy {
  id: number;
  name: string;
  codecName: string;
  dataUnits: number;
  parityUnits: number;
  cellSize: number;
  state: 'DISABLED' | 'ENABLED' | 'REMOVED';
}

/** The five built-in policies (SystemErasureCodingPolicies); a fresh 3.3 image carries all, disabled. */
export const BUILTIN_EC_POLICIES: readonly ErasureCodingPolicy[] = [
  {
    id: 1,
    name: 'RS-6-3-1024k',
    codecName: 'rs',
    dataUnits: 6,
    parityUnits: 3,
    cellSize: 1048576,
    state: 'DISABLED',
  },
  {
    id: 2,
    name: 'RS-3-2-1024k',
    codecName: 'rs',
    dataUnits: 3,
    parityUnits: 2,
    cellSize: 1048576,
    state: 'DISABLED',
  },
  {
    id: 3,
    name: 'RS-LEGACY-6-3-1024k',
    codecName: 'rs-legacy',
    dataUnits: 6,
    parityUnits: 3,
    cellSize: 1048576,
    state: 'DISABLED',
  },
  {
    id: 4,
    name: 'XOR-2-1-1024k',
    codecName: 'xor',
    dataUnits: 2,
    parityUnits: 1,
    cellSize: 1048576,
    state: 'DISABLED',
  },
  {
    id: 5,
    name: 'RS-10-4-1024k',
    codecName: 'rs',
    dataUnits: 10,
    parityUnits: 4,
    cellSize: 1048576,
    state: 'DISABLED',
  },
];

/** ErasureCodingPolicyState enum values in hdfs.proto. */
const EC_STATE_CODES = { DISABLED: 1, ENABLED: 2, REMOVED: 3 } as const;

/** Striped block ids count up from Long.MIN_VALUE; the lab never allocates one. */
const LAST_ALLOCATED_STRIPED_BLOCK_ID = -(1n << 63n);

/** The CacheManager's first directive id. */
const NEXT_CACHE_DIRECTIVE_ID = 1;

const INODE_TYPE_CODES = {
  FILE: INodeSection_INode_Type.FILE,
  DIRECTORY: INodeSection_INode_Type.DIRECTORY,
} as const;

/** Permission fixed64 layout: user id in bits 40..63, group id in bits 16..39, mode in bits 0..15. */
const STRING_ID_MASK = 0xffffffn;

/** Thrown for bytes that are not a readable image; says what was expected. */
export class ImageFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageFormatError';
  }
}

/** User and group names → string-table ids, 1-based, in first-use order over the image's inodes. */
export function buildStringTable(image: FsImage): Map<string, number> {
  const ids = new Map<string, number>();
  const add = (s: string): void => {
    if (!ids.has(s)) ids.set(s, ids.size + 1);
  };
  for (const inode of [...image.inodes, ...snapshotRecords(image.snapshots)]) {
    const p = permissionOf(inode);
    add(p.user);
    add(p.group);
    // FSImageFormatPBINode.Saver asks for the ACL entries' names, then the xattrs' names.
    for (const e of aclOf(inode)) if (e.name !== null) add(e.name);
    for (const x of xattrsOf(inode)) add(x.name);
  }
  return ids;
}

/** The INode records the snapshot sections carry (snapshot roots, diffs' snapshot copies). */
function snapshotRecords(snapshots: ImageSnapshots | undefined): ImageINode[] {
  if (!snapshots) return [];
  const out = snapshots.snapshots.map((s) => s.root);
  for (const e of snapshots.diffs) {
    for (const d of e.diffs) {
      if (!d.copy) continue;
      out.push(
        'file' in d.copy
          ? { id: e.inodeId, type: 'FILE', name: d.copy.name, file: d.copy.file }
          : { id: e.inodeId, type: 'DIRECTORY', name: d.copy.name, directory: d.copy.directory },
      );
    }
  }
  return out;
}

/** A directory's child ids in child-name byte order (how Hadoop stores and prints them). */
export function childrenInNameOrder(image: Pick<FsImage, 'inodes'>, children: readonly number[]): number[] {
  const byId = new Map(image.inodes.map((n) => [n.id, n]));
  const nameOf = (id: number): Buffer => Buffer.from(byId.get(id)?.name ?? '', 'utf8');
  return [...children].sort((a, b) => Buffer.compare(nameOf(a), nameOf(b)) || a - b);
}

export function aclOf(inode: ImageINode): readonly AclEntry[] {
  return inode.file?.acl ?? inode.directory?.acl ?? [];
}

const ACL_SCOPES = ['ACCESS', 'DEFAULT'] as const;
const ACL_TYPES = ['USER', 'GROUP', 'MASK', 'OTHER'] as const;

/**
 * FSImageFormatPBINode.Saver.buildAclEntries: each entry one fixed32 — string-table id of the name
 * (0 = none) in bits 6..29, scope bit 5, type bits 3..4, FsAction bits 0..2.
 */
function aclFeature(
  acl: readonly AclEntry[] | undefined,
  strings: Map<string, number>,
): { acl: { entries: number[] } } | Record<string, never> {
  if (!acl || acl.length === 0) return {};
  const entries = acl.map((e) => {
    const id = e.name === null ? 0 : (strings.get(e.name) ?? 0);
    const bits =
      ((id & 0xffffff) << 6) | (ACL_SCOPES.indexOf(e.scope) << 5) | (ACL_TYPES.indexOf(e.type) << 3);
    return (bits | (e.permission & 7)) >>> 0;
  });
  return { acl: { entries } };
}

function readAclFeature(
  feature: { entries: number[] } | undefined,
  strings: Map<number, string>,
): { acl?: AclEntry[] } {
  if (!feature || feature.entries.length === 0) return {};
  return {
    acl: feature.entries.map((v): AclEntry => {
      const id = (v >>> 6) & 0xffffff;
      const name = id === 0 ? null : strings.get(id);
      if (name === undefined)
        throw new ImageFormatError(`ACL entry refers to string id ${id}, which the image lacks`);
      return { scope: ACL_SCOPES[(v >>> 5) & 1]!, type: ACL_TYPES[(v >>> 3) & 3]!, name, permission: v & 7 };
    }),
  };
}

export function xattrsOf(inode: ImageINode): readonly XAttr[] {
  return inode.file?.xattrs ?? inode.directory?.xattrs ?? [];
}

/** XAttrFormat: namespace in bits 30..31 and bit 5 (its third bit, for RAW), name id in bits 6..29. */
const XATTR_NAMESPACE_ORDER: readonly XAttr['namespace'][] = ['USER', 'TRUSTED', 'SECURITY', 'SYSTEM', 'RAW'];

function xattrFeature(
  xattrs: readonly XAttr[] | undefined,
  strings: Map<string, number>,
): { xAttrs: { xAttrs: { name: number; value?: Uint8Array }[] } } | Record<string, never> {
  if (!xattrs || xattrs.length === 0) return {};
  return {
    xAttrs: {
      xAttrs: xattrs.map((x) => {
        const ns = XATTR_NAMESPACE_ORDER.indexOf(x.namespace);
        const id = strings.get(x.name) ?? 0;
        const name = (((ns & 3) << 30) | ((id & 0xffffff) << 6) | (((ns >> 2) & 1) << 5)) >>> 0;
        return { name, ...(x.value !== null ? { value: Buffer.from(x.value, 'base64') } : {}) };
      }),
    },
  };
}

function readXAttrFeature(
  feature: { xAttrs: { name: number; value: Uint8Array }[] } | undefined,
  strings: Map<number, string>,
): { xattrs?: XAttr[] } {
  if (!feature || feature.xAttrs.length === 0) return {};
  return {
    xattrs: feature.xAttrs.map((x) => {
      const ns = ((x.name >>> 30) & 3) | (((x.name >>> 5) & 1) << 2);
      const id = (x.name >>> 6) & 0xffffff;
      const namespace = XATTR_NAMESPACE_ORDER[ns];
      const name = strings.get(id);
      if (!namespace || name === undefined)
        throw new ImageFormatError(
          `xattr refers to namespace ${ns} / string id ${id}, which the image lacks`,
        );
      return { namespace, name, value: Buffer.from(x.value).toString('base64') };
    }),
  };
}

export function permissionOf(inode: ImageINode): PermissionStatus {
  const p = inode.file?.permission ?? inode.directory?.permission;
  if (!p)
    throw new ImageFormatError(
      `inode ${inode.id} (${inode.type}) has no ${inode.type.toLowerCase()} attributes`,
    );
  return p;
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** A signed 64-bit value in a uint64 field (quota -1, Long.MIN_VALUE), as Java writes it. */
const u64 = (v: number | bigint): bigint => BigInt.asUintN(64, BigInt(v));

export function encodeImage(image: FsImage): Buffer {
  const strings = buildStringTable(image);
  const bodies: Record<ImageSectionName, Buffer | null> = {
    NS_INFO: nameSystemSection(image),
    ERASURE_CODING: erasureCodingSection(),
    INODE: inodeSection(image, strings),
    INODE_DIR: inodeDirectorySection(image),
    FILES_UNDERCONSTRUCTION: filesUnderConstructionSection(image),
    SNAPSHOT: snapshotSection(image.snapshots, strings),
    SNAPSHOT_DIFF: snapshotDiffSection(image, strings),
    INODE_REFERENCE: referenceSection(image.references ?? []),
    SECRET_MANAGER: delimitedProto(SecretManagerSectionSchema, {
      currentId: 0,
      tokenSequenceNumber: 0,
      numKeys: 0,
      numTokens: 0,
    }),
    CACHE_MANAGER: delimitedProto(CacheManagerSectionSchema, {
      nextDirectiveId: BigInt(NEXT_CACHE_DIRECTIVE_ID),
      numPools: 0,
      numDirectives: 0,
    }),
    STRING_TABLE: stringTableSection(strings),
  };
  const parts: Buffer[] = [Buffer.from(IMAGE_MAGIC, 'ascii')];
  const sections: { name: string; length: bigint; offset: bigint }[] = [];
  let offset = IMAGE_MAGIC.length;
  for (const name of IMAGE_SECTIONS) {
    const body = bodies[name];
    if (body === null) continue;
    sections.push({ name, length: BigInt(body.length), offset: BigInt(offset) });
    parts.push(body);
    offset += body.length;
  }
  const summaryBytes = delimitedProto(FileSummarySchema, {
    ondiskVersion: IMAGE_ONDISK_VERSION,
    layoutVersion: image.layoutVersion >>> 0,
    sections,
  });
  const summaryLength = Buffer.alloc(4);
  summaryLength.writeInt32BE(summaryBytes.length);
  return Buffer.concat([...parts, summaryBytes, summaryLength]);
}

function nameSystemSection(image: FsImage): Buffer {
  return delimitedProto(NameSystemSectionSchema, {
    namespaceId: image.namespaceId >>> 0,
    genstampV1: u64(image.genstampV1),
    genstampV2: u64(image.genstampV2),
    genstampV1Limit: u64(image.genstampV1Limit),
    lastAllocatedBlockId: u64(image.lastAllocatedBlockId),
    transactionId: u64(image.txid),
    lastAllocatedStripedBlockId: u64(LAST_ALLOCATED_STRIPED_BLOCK_ID),
  });
}

function erasureCodingSection(): Buffer {
  return delimitedProto(ErasureCodingSectionSchema, {
    policies: BUILTIN_EC_POLICIES.map((p) => ({
      name: p.name,
      schema: { codecName: p.codecName, dataUnits: p.dataUnits, parityUnits: p.parityUnits },
      cellSize: p.cellSize,
      id: p.id,
      state: EC_STATE_CODES[p.state],
    })),
  });
}

function inodeSection(image: FsImage, strings: Map<string, number>): Buffer {
  const parts = [
    delimitedProto(INodeSectionSchema, {
      lastInodeId: u64(image.lastInodeId),
      numInodes: u64(image.inodes.length),
    }),
  ];
  for (const inode of image.inodes) {
    parts.push(
      delimitedProto(INodeSection_INodeSchema, {
        type: INODE_TYPE_CODES[inode.type],
        id: u64(inode.id),
        name: Buffer.from(inode.name, 'utf8'),
        ...(inode.type === 'FILE'
          ? { file: fileMessage(inode, strings) }
          : { directory: directoryMessage(inode, strings) }),
      }),
    );
  }
  return Buffer.concat(parts);
}

function fileMessage(
  inode: ImageINode,
  strings: Map<string, number>,
): MessageInitShape<typeof INodeSection_INodeSchema>['file'] {
  const f = inode.file;
  if (!f) throw new ImageFormatError(`FILE inode ${inode.id} has no file attributes`);
  return {
    replication: f.replication,
    modificationTime: u64(f.mtime),
    accessTime: u64(f.atime),
    preferredBlockSize: u64(f.preferredBlockSize),
    permission: encodePermission(f.permission, strings),
    blocks: f.blocks.map((b) => ({
      blockId: u64(b.blockId),
      genStamp: u64(b.genStamp),
      numBytes: u64(b.numBytes),
    })),
    ...(f.underConstruction
      ? {
          fileUC: {
            clientName: f.underConstruction.clientName,
            clientMachine: f.underConstruction.clientMachine,
          },
        }
      : {}),
    ...aclFeature(f.acl, strings),
    ...xattrFeature(f.xattrs, strings),
    storagePolicyID: f.storagePolicyId,
  };
}

function directoryMessage(
  inode: ImageINode,
  strings: Map<string, number>,
): MessageInitShape<typeof INodeSection_INodeSchema>['directory'] {
  const d = inode.directory;
  if (!d) throw new ImageFormatError(`DIRECTORY inode ${inode.id} has no directory attributes`);
  return {
    modificationTime: u64(d.mtime),
    nsQuota: u64(BigInt(d.nsQuota)),
    dsQuota: u64(BigInt(d.dsQuota)),
    permission: encodePermission(d.permission, strings),
    ...aclFeature(d.acl, strings),
    ...xattrFeature(d.xattrs, strings),
  };
}

function encodePermission(p: PermissionStatus, strings: Map<string, number>): bigint {
  const userId = BigInt(strings.get(p.user) ?? 0);
  const groupId = BigInt(strings.get(p.group) ?? 0);
  return (userId << 40n) | (groupId << 16n) | BigInt(p.mode & 0xffff);
}

function inodeDirectorySection(image: FsImage): Buffer {
  const parts = image.directories
    .filter((d) => d.children.length > 0)
    .map((d) => {
      const refs = referredIds(image, d.refChildren);
      return delimitedProto(INodeDirectorySection_DirEntrySchema, {
        parent: u64(d.parent),
        children: childrenInNameOrder(image, d.children)
          .filter((id) => !refs.has(id))
          .map(u64),
        refChildren: d.refChildren ?? [],
      });
    });
  return Buffer.concat(parts);
}

/** The INodes the references at `indexes` refer to (a child listed by index is not listed by id). */
export function referredIds(image: FsImage, indexes: readonly number[] | undefined): Set<number> {
  const ids = new Set<number>();
  for (const i of indexes ?? []) {
    const ref = image.references?.[i];
    if (!ref) throw new ImageFormatError(`INodeReference ${i} is not in the image's references`);
    ids.add(ref.referredId);
  }
  return ids;
}

/** INODE_REFERENCE: a DstReference carries dstSnapshotId, a WithName its name and lastSnapshotId. */
function referenceSection(references: readonly ImageReference[]): Buffer {
  return Buffer.concat(
    references.map((r) =>
      delimitedProto(
        INodeReferenceSection_INodeReferenceSchema,
        r.kind === 'DST'
          ? { referredId: u64(r.referredId), dstSnapshotId: r.dstSnapshotId }
          : {
              referredId: u64(r.referredId),
              name: Buffer.from(r.name, 'utf8'),
              lastSnapshotId: r.lastSnapshotId,
            },
      ),
    ),
  );
}

function filesUnderConstructionSection(image: FsImage): Buffer {
  return Buffer.concat(
    image.filesUnderConstruction.map((f) =>
      delimitedProto(FilesUnderConstructionSection_FileUnderConstructionEntrySchema, {
        inodeId: u64(f.id),
        fullPath: f.path,
      }),
    ),
  );
}

function snapshotSection(snapshots: ImageSnapshots | undefined, strings: Map<string, number>): Buffer {
  const header = delimitedProto(SnapshotSectionSchema, {
    snapshotCounter: snapshots?.snapshotCounter ?? 0,
    snapshottableDir: (snapshots?.snapshottableDirs ?? []).map(u64),
    numSnapshots: snapshots?.snapshots.length ?? 0,
  });
  const entries = (snapshots?.snapshots ?? []).map((s) =>
    delimitedProto(SnapshotSection_SnapshotSchema, {
      snapshotId: s.id,
      root: {
        type: INODE_TYPE_CODES.DIRECTORY,
        id: u64(s.root.id),
        name: Buffer.from(s.root.name, 'utf8'),
        directory: directoryMessage(s.root, strings),
      },
    }),
  );
  return Buffer.concat([header, ...entries]);
}

/** SNAPSHOT_DIFF: written only when there are snapshots (FSImageFormatProtobuf.saveSnapshots). */
function snapshotDiffSection(image: FsImage, strings: Map<string, number>): Buffer | null {
  const snapshots = image.snapshots;
  if (!snapshots || snapshots.snapshots.length === 0) return null;
  const parts: Buffer[] = [];
  for (const e of snapshots.diffs) {
    parts.push(
      delimitedProto(SnapshotDiffSection_DiffEntrySchema, {
        type:
          e.type === 'FILEDIFF'
            ? SnapshotDiffSection_DiffEntry_Type.FILEDIFF
            : SnapshotDiffSection_DiffEntry_Type.DIRECTORYDIFF,
        inodeId: u64(e.inodeId),
        numOfDiff: e.diffs.length,
      }),
    );
    parts.push(...diffMessages(image, e, strings));
  }
  return Buffer.concat(parts);
}

function diffMessages(image: FsImage, e: ImageDiffEntry, strings: Map<string, number>): Buffer[] {
  const blocks = (list: readonly BlockRef[]): { blockId: bigint; genStamp: bigint; numBytes: bigint }[] =>
    list.map((b) => ({ blockId: u64(b.blockId), genStamp: u64(b.genStamp), numBytes: u64(b.numBytes) }));
  if (e.type === 'FILEDIFF') {
    return e.diffs.map((d) =>
      delimitedProto(SnapshotDiffSection_FileDiffSchema, {
        snapshotId: d.snapshotId,
        fileSize: u64(d.fileSize),
        ...(d.copy
          ? {
              name: Buffer.from(d.copy.name, 'utf8'),
              snapshotCopy: fileMessage(
                { id: e.inodeId, type: 'FILE', name: d.copy.name, file: d.copy.file },
                strings,
              ),
            }
          : {}),
        blocks: blocks(d.blocks ?? []),
      }),
    );
  }
  return e.diffs.flatMap((d) => [
    delimitedProto(SnapshotDiffSection_DirectoryDiffSchema, {
      snapshotId: d.snapshotId,
      childrenSize: d.childrenSize,
      isSnapshotRoot: d.isSnapshotRoot,
      ...(d.copy
        ? {
            name: Buffer.from(d.copy.name, 'utf8'),
            snapshotCopy: directoryMessage(
              { id: e.inodeId, type: 'DIRECTORY', name: d.copy.name, directory: d.copy.directory },
              strings,
            ),
          }
        : {}),
      createdListSize: d.created.length,
      deletedINode: d.deleted.filter((id) => !referredIds(image, d.deletedRefs).has(id)).map(u64),
      deletedINodeRef: d.deletedRefs ?? [],
    }),
    ...d.created.map((name) =>
      delimitedProto(SnapshotDiffSection_CreatedListEntrySchema, { name: Buffer.from(name, 'utf8') }),
    ),
  ]);
}

function stringTableSection(strings: Map<string, number>): Buffer {
  const parts = [delimitedProto(StringTableSectionSchema, { numEntry: strings.size })];
  for (const [str, id] of strings) parts.push(delimitedProto(StringTableSection_EntrySchema, { id, str }));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------
// Decoding

export function decodeImage(buf: Buffer): FsImage {
  const magic = buf.subarray(0, IMAGE_MAGIC.length).toString('latin1');
  if (magic !== IMAGE_MAGIC) {
    throw new ImageFormatError(
      `not an fsimage: expected magic "${IMAGE_MAGIC}", found ${JSON.stringify(magic)}`,
    );
  }
  const summary = readSummary(buf);
  const section = (name: ImageSectionName): SectionReader | null => {
    const s = summary.sections.get(name);
    return s ? new SectionReader(buf.subarray(s.offset, s.offset + s.length), name) : null;
  };
  const required = (name: ImageSectionName): SectionReader => {
    const r = section(name);
    if (!r) throw new ImageFormatError(`fsimage has no ${name} section`);
    return r;
  };
  const strings = readStringTable(section('STRING_TABLE'));
  const ns = readNameSystem(required('NS_INFO'));
  const inodes = readInodes(required('INODE'), strings);
  const references = readReferences(section('INODE_REFERENCE'));
  const referred = (i: number, where: string): number => {
    const ref = references[i];
    if (!ref)
      throw new ImageFormatError(
        `${where} names INodeReference ${i}; INODE_REFERENCE has ${references.length}`,
      );
    return ref.referredId;
  };
  return {
    layoutVersion: summary.layoutVersion,
    ...ns,
    lastInodeId: inodes.lastInodeId,
    inodes: inodes.inodes,
    directories: readDirEntries(section('INODE_DIR'), referred).map((d) => ({
      ...d,
      children: childrenInNameOrder(inodes, d.children),
    })),
    filesUnderConstruction: readFilesUnderConstruction(section('FILES_UNDERCONSTRUCTION')),
    ...readSnapshots(section('SNAPSHOT'), section('SNAPSHOT_DIFF'), { strings, referred }),
    ...(references.length > 0 ? { references } : {}),
  };
}

/** A reference index resolved to the INode it refers to (`where` names the field, for the error). */
type Referred = (index: number, where: string) => number;

function readReferences(r: SectionReader | null): ImageReference[] {
  const refs: ImageReference[] = [];
  while (r && !r.done()) {
    const e = r.next(INodeReferenceSection_INodeReferenceSchema, 'INodeReferenceSection.INodeReference');
    const referredId = num(e.referredId, 'INodeReference.referredId');
    // FSImageFormatPBSnapshot.loadINodeReference: dstSnapshotId present = a DstReference.
    refs.push(
      isFieldSet(e, INodeReferenceSection_INodeReferenceSchema.field.dstSnapshotId)
        ? { kind: 'DST', referredId, dstSnapshotId: e.dstSnapshotId }
        : {
            kind: 'WITH_NAME',
            referredId,
            name: Buffer.from(e.name).toString('utf8'),
            lastSnapshotId: e.lastSnapshotId,
          },
    );
  }
  return refs;
}

function readSnapshots(
  r: SectionReader | null,
  diffReader: SectionReader | null,
  context: { strings: Map<number, string>; referred: Referred },
): { snapshots?: ImageSnapshots } {
  const strings = context.strings;
  if (!r) return {};
  const header = r.next(SnapshotSectionSchema, 'SnapshotSection');
  const snapshottableDirs = header.snapshottableDir.map((id) => num(id, 'snapshottableDir'));
  if (header.snapshotCounter === 0 && snapshottableDirs.length === 0) return {};
  const snapshots = [];
  for (let i = 0; i < header.numSnapshots; i++) {
    const s = r.next(SnapshotSection_SnapshotSchema, `snapshot ${i + 1} of ${header.numSnapshots}`);
    if (!s.root) throw new ImageFormatError(`snapshot ${s.snapshotId} has no root`);
    snapshots.push({ id: s.snapshotId, root: readInode(s.root, strings) });
  }
  const diffs: ImageDiffEntry[] = [];
  while (diffReader && !diffReader.done()) diffs.push(readDiffEntry(diffReader, context));
  return { snapshots: { snapshotCounter: header.snapshotCounter, snapshottableDirs, snapshots, diffs } };
}

function readDiffEntry(
  r: SectionReader,
  context: { strings: Map<number, string>; referred: Referred },
): ImageDiffEntry {
  const strings = context.strings;
  const e = r.next(SnapshotDiffSection_DiffEntrySchema, 'SnapshotDiffSection.DiffEntry');
  const inodeId = num(e.inodeId, 'DiffEntry.inodeId');
  const utf8 = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
  const blocks = (list: readonly { blockId: bigint; genStamp: bigint; numBytes: bigint }[]): BlockRef[] =>
    list.map((b) => ({
      blockId: num(b.blockId, 'BlockProto.blockId'),
      numBytes: num(b.numBytes, 'BlockProto.numBytes'),
      genStamp: num(b.genStamp, 'BlockProto.genStamp'),
    }));
  if (e.type === SnapshotDiffSection_DiffEntry_Type.FILEDIFF) {
    const diffs = [];
    for (let i = 0; i < e.numOfDiff; i++) {
      const d = r.next(SnapshotDiffSection_FileDiffSchema, `FileDiff of inode ${inodeId}`);
      diffs.push({
        snapshotId: d.snapshotId,
        fileSize: num(d.fileSize, 'FileDiff.fileSize'),
        ...(d.snapshotCopy ? { copy: { name: utf8(d.name), file: readFile(d.snapshotCopy, strings) } } : {}),
        ...(d.blocks.length > 0 ? { blocks: blocks(d.blocks) } : {}),
      });
    }
    return { type: 'FILEDIFF', inodeId, diffs };
  }
  const diffs = [];
  for (let i = 0; i < e.numOfDiff; i++) {
    const d = r.next(SnapshotDiffSection_DirectoryDiffSchema, `DirectoryDiff of inode ${inodeId}`);
    const created: string[] = [];
    for (let j = 0; j < d.createdListSize; j++)
      created.push(utf8(r.next(SnapshotDiffSection_CreatedListEntrySchema, 'CreatedListEntry').name));
    diffs.push({
      snapshotId: d.snapshotId,
      childrenSize: d.childrenSize,
      isSnapshotRoot: d.isSnapshotRoot,
      ...(d.snapshotCopy
        ? { copy: { name: utf8(d.name), directory: readDirectory(d.snapshotCopy, strings) } }
        : {}),
      created,
      deleted: [
        ...d.deletedINode.map((id) => num(id, 'deletedINode')),
        ...d.deletedINodeRef.map((i) => context.referred(i, `DirectoryDiff of inode ${inodeId}`)),
      ],
      ...(d.deletedINodeRef.length > 0 ? { deletedRefs: [...d.deletedINodeRef] } : {}),
    });
  }
  return { type: 'DIRECTORYDIFF', inodeId, diffs };
}

/** A section's bytes read as a run of varint-delimited messages. */
class SectionReader {
  private readonly reader: BinaryReader;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly name: string,
  ) {
    this.reader = new BinaryReader(bytes);
  }

  done(): boolean {
    return this.reader.pos >= this.bytes.length;
  }

  next<Desc extends DescMessage>(schema: Desc, what: string): MessageShape<Desc> {
    return wrap(`${what} in ${this.name}`, () => {
      const body = this.reader.bytes();
      return fromBinary(schema, body);
    });
  }
}

interface Summary {
  layoutVersion: number;
  sections: Map<string, { offset: number; length: number }>;
}

function readSummary(buf: Buffer): Summary {
  const minBytes = IMAGE_MAGIC.length + 4;
  if (buf.length < minBytes)
    throw new ImageFormatError(`fsimage truncated: ${buf.length} bytes, need at least ${minBytes}`);
  const summaryBytes = buf.readInt32BE(buf.length - 4);
  const start = buf.length - 4 - summaryBytes;
  if (summaryBytes <= 0 || start < IMAGE_MAGIC.length) {
    throw new ImageFormatError(
      `fsimage summary length ${summaryBytes} (last 4 bytes) does not fit a ${buf.length}-byte file`,
    );
  }
  const tail = buf.subarray(start, buf.length - 4);
  const reader = new BinaryReader(tail);
  const body = wrap('FileSummary', () => reader.bytes());
  if (reader.pos !== tail.length)
    throw new ImageFormatError('FileSummary length prefix does not match the trailing length');
  const summary = wrap('FileSummary', () => fromBinary(FileSummarySchema, body));
  if (summary.codec)
    throw new ImageFormatError(`compressed fsimage (codec ${summary.codec}) is not supported`);
  if (summary.ondiskVersion !== IMAGE_ONDISK_VERSION) {
    throw new ImageFormatError(
      `fsimage ondiskVersion ${summary.ondiskVersion}, expected ${IMAGE_ONDISK_VERSION}`,
    );
  }
  const sections = new Map<string, { offset: number; length: number }>();
  for (const s of summary.sections) {
    const offset = num(s.offset, 'FileSummary.Section.offset');
    const length = num(s.length, 'FileSummary.Section.length');
    if (offset < IMAGE_MAGIC.length || offset + length > start) {
      throw new ImageFormatError(
        `section ${s.name} [${offset}, ${offset + length}) lies outside the image body`,
      );
    }
    sections.set(s.name, { offset, length });
  }
  const layoutVersion = isFieldSet(summary, FileSummarySchema.field.layoutVersion)
    ? summary.layoutVersion | 0
    : NAMENODE_LAYOUT_VERSION;
  return { layoutVersion, sections };
}

function readStringTable(r: SectionReader | null): Map<number, string> {
  const table = new Map<number, string>();
  if (!r) return table;
  const header = r.next(StringTableSectionSchema, 'StringTableSection');
  for (let i = 0; i < header.numEntry; i++) {
    const entry = r.next(StringTableSection_EntrySchema, 'string table entry');
    table.set(entry.id, entry.str);
  }
  return table;
}

function readNameSystem(
  r: SectionReader,
): Omit<FsImage, 'layoutVersion' | 'lastInodeId' | 'inodes' | 'directories' | 'filesUnderConstruction'> {
  const ns = r.next(NameSystemSectionSchema, 'NameSystemSection');
  return {
    namespaceId: ns.namespaceId,
    genstampV1: num(ns.genstampV1, 'genstampV1'),
    genstampV2: num(ns.genstampV2, 'genstampV2'),
    genstampV1Limit: num(ns.genstampV1Limit, 'genstampV1Limit'),
    lastAllocatedBlockId: num(ns.lastAllocatedBlockId, 'lastAllocatedBlockId'),
    txid: num(ns.transactionId, 'transactionId'),
  };
}

function readInodes(
  r: SectionReader,
  strings: Map<number, string>,
): { lastInodeId: number; inodes: ImageINode[] } {
  const header = r.next(INodeSectionSchema, 'INodeSection');
  const count = num(header.numInodes, 'numInodes');
  const inodes: ImageINode[] = [];
  for (let i = 0; i < count; i++) {
    inodes.push(readInode(r.next(INodeSection_INodeSchema, `inode ${i + 1} of ${count}`), strings));
  }
  return { lastInodeId: num(header.lastInodeId, 'lastInodeId'), inodes };
}

function readInode(n: INodeSection_INode, strings: Map<number, string>): ImageINode {
  const id = num(n.id, 'INode.id');
  const name = Buffer.from(n.name).toString('utf8');
  if (n.type === INodeSection_INode_Type.FILE && n.file)
    return { id, type: 'FILE', name, file: readFile(n.file, strings) };
  if (n.type === INodeSection_INode_Type.DIRECTORY && n.directory)
    return { id, type: 'DIRECTORY', name, directory: readDirectory(n.directory, strings) };
  if (n.type === INodeSection_INode_Type.SYMLINK)
    throw new ImageFormatError(`inode ${id} is a symlink; the lab has no symlinks`);
  throw new ImageFormatError(`inode ${id}: type ${n.type} without matching attributes`);
}

function readFile(f: INodeSection_INodeFile, strings: Map<number, string>): ImageFile {
  return {
    replication: f.replication,
    mtime: num(f.modificationTime, 'INodeFile.modificationTime'),
    atime: num(f.accessTime, 'INodeFile.accessTime'),
    preferredBlockSize: num(f.preferredBlockSize, 'INodeFile.preferredBlockSize'),
    permission: decodePermission(f.permission, strings),
    blocks: f.blocks.map((b): BlockRef => ({
      blockId: num(b.blockId, 'BlockProto.blockId'),
      numBytes: num(b.numBytes, 'BlockProto.numBytes'),
      genStamp: num(b.genStamp, 'BlockProto.genStamp'),
    })),
    ...(f.fileUC
      ? { underConstruction: { clientName: f.fileUC.clientName, clientMachine: f.fileUC.clientMachine } }
      : {}),
    ...readAclFeature(f.acl, strings),
    ...readXAttrFeature(f.xAttrs, strings),
    storagePolicyId: f.storagePolicyID,
  };
}

function readDirectory(d: INodeSection_INodeDirectory, strings: Map<number, string>): ImageDirectory {
  return {
    mtime: num(d.modificationTime, 'INodeDirectory.modificationTime'),
    permission: decodePermission(d.permission, strings),
    nsQuota: BigInt.asIntN(64, d.nsQuota).toString(),
    dsQuota: BigInt.asIntN(64, d.dsQuota).toString(),
    ...readAclFeature(d.acl, strings),
    ...readXAttrFeature(d.xAttrs, strings),
  };
}

function decodePermission(v: bigint, strings: Map<number, string>): PermissionStatus {
  const name = (id: number, role: string): string => {
    const s = strings.get(id);
    if (s === undefined)
      throw new ImageFormatError(`permission refers to ${role} string id ${id}, absent from STRING_TABLE`);
    return s;
  };
  return {
    user: name(Number((v >> 40n) & STRING_ID_MASK), 'user'),
    group: name(Number((v >> 16n) & STRING_ID_MASK), 'group'),
    mode: Number(v & 0xffffn),
  };
}

function readDirEntries(r: SectionReader | null, referred: Referred): FsImage['directories'] {
  const dirs: FsImage['directories'] = [];
  while (r && !r.done()) {
    const entry = r.next(INodeDirectorySection_DirEntrySchema, 'INodeDirectorySection.DirEntry');
    const parent = num(entry.parent, 'DirEntry.parent');
    const children = [
      ...entry.children.map((c) => num(c, 'DirEntry.children')),
      ...entry.refChildren.map((i) => referred(i, `DirEntry of directory ${parent}`)),
    ];
    dirs.push({
      parent,
      children,
      ...(entry.refChildren.length > 0 ? { refChildren: [...entry.refChildren] } : {}),
    });
  }
  return dirs;
}

function readFilesUnderConstruction(r: SectionReader | null): FsImage['filesUnderConstruction'] {
  const files: FsImage['filesUnderConstruction'] = [];
  while (r && !r.done()) {
    const entry = r.next(
      FilesUnderConstructionSection_FileUnderConstructionEntrySchema,
      'FileUnderConstructionEntry',
    );
    files.push({ id: num(entry.inodeId, 'FileUnderConstructionEntry.inodeId'), path: entry.fullPath });
  }
  return files;
}

/** Protobuf reader errors become ImageFormatErrors that name the message being read. */
function wrap<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof ImageFormatError) throw e;
    throw new ImageFormatError(`fsimage: cannot read ${what}: ${(e as Error).message}`);
  }
}

function num(v: bigint, field: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ImageFormatError(`${field}: ${v} does not fit a JS number`);
  return Number(v);
}
