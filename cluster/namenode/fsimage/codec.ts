/**
 * Hadoop's protobuf fsimage (FSImageFormatProtobuf, fsimage.proto): "HDFSIMG1", the sections in the
 * saver's order, then the FileSummary (varint-delimited) and a 4-byte big-endian length of it.
 *
 * Fidelity limit (reference §16): since layout -65 Hadoop allocates string-table ids through a
 * serial-number manager with mask bits. The lab does not reproduce that: user and group names get
 * ids 1, 2, … in first-use order (inodes in image order, user before group) and no mask bits are
 * written. Images are therefore not byte-identical to Hadoop's, while `oiv` XML stays exact.
 *
 * Pure: `encodeImage` returns the file's bytes, `decodeImage` takes them.
 */
import type { BlockRef, PermissionStatus } from '../editlog/ops.js';
import { ProtoReader, ProtoWriter, toSigned64, type ProtoField } from '../../common/protobuf.js';
import {
  NAMENODE_LAYOUT_VERSION,
  type FsImage,
  type ImageDirectory,
  type ImageFile,
  type ImageINode,
} from './image.js';

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

const INODE_TYPE_CODES = { FILE: 1, DIRECTORY: 2 } as const;
const INODE_TYPE_SYMLINK = 3;

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
  for (const inode of image.inodes) {
    const p = permissionOf(inode);
    add(p.user);
    add(p.group);
  }
  return ids;
}

/** A directory's child ids in child-name byte order (how Hadoop stores and prints them). */
export function childrenInNameOrder(image: FsImage, children: readonly number[]): number[] {
  const byId = new Map(image.inodes.map((n) => [n.id, n]));
  const nameOf = (id: number): Buffer => Buffer.from(byId.get(id)?.name ?? '', 'utf8');
  return [...children].sort((a, b) => Buffer.compare(nameOf(a), nameOf(b)) || a - b);
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

export function encodeImage(image: FsImage): Buffer {
  const strings = buildStringTable(image);
  const bodies: Record<ImageSectionName, Buffer> = {
    NS_INFO: nameSystemSection(image),
    ERASURE_CODING: erasureCodingSection(),
    INODE: inodeSection(image, strings),
    INODE_DIR: inodeDirectorySection(image),
    FILES_UNDERCONSTRUCTION: filesUnderConstructionSection(image),
    SNAPSHOT: new ProtoWriter().uint(1, 0).uint(3, 0).finishDelimited(), // snapshotCounter, numSnapshots
    INODE_REFERENCE: Buffer.alloc(0),
    SECRET_MANAGER: new ProtoWriter().uint(1, 0).uint(2, 0).uint(3, 0).uint(4, 0).finishDelimited(),
    CACHE_MANAGER: new ProtoWriter().uint(1, NEXT_CACHE_DIRECTIVE_ID).uint(2, 0).uint(3, 0).finishDelimited(),
    STRING_TABLE: stringTableSection(strings),
  };
  const summary = new ProtoWriter().uint(1, IMAGE_ONDISK_VERSION).uint(2, image.layoutVersion >>> 0);
  const parts: Buffer[] = [Buffer.from(IMAGE_MAGIC, 'ascii')];
  let offset = IMAGE_MAGIC.length;
  for (const name of IMAGE_SECTIONS) {
    const body = bodies[name];
    summary.message(4, new ProtoWriter().string(1, name).uint(2, body.length).uint(3, offset));
    parts.push(body);
    offset += body.length;
  }
  const summaryBytes = summary.finishDelimited();
  const summaryLength = Buffer.alloc(4);
  summaryLength.writeInt32BE(summaryBytes.length);
  return Buffer.concat([...parts, summaryBytes, summaryLength]);
}

function nameSystemSection(image: FsImage): Buffer {
  return new ProtoWriter()
    .uint(1, image.namespaceId >>> 0)
    .uint(2, image.genstampV1)
    .uint(3, image.genstampV2)
    .uint(4, image.genstampV1Limit)
    .uint(5, image.lastAllocatedBlockId)
    .uint(6, image.txid)
    .uint(8, LAST_ALLOCATED_STRIPED_BLOCK_ID)
    .finishDelimited();
}

function erasureCodingSection(): Buffer {
  const w = new ProtoWriter();
  for (const p of BUILTIN_EC_POLICIES) {
    const schema = new ProtoWriter().string(1, p.codecName).uint(2, p.dataUnits).uint(3, p.parityUnits);
    w.message(
      1,
      new ProtoWriter()
        .string(1, p.name)
        .message(2, schema)
        .uint(3, p.cellSize)
        .uint(4, p.id)
        .uint(5, EC_STATE_CODES[p.state]),
    );
  }
  return w.finishDelimited();
}

function inodeSection(image: FsImage, strings: Map<string, number>): Buffer {
  const parts = [new ProtoWriter().uint(1, image.lastInodeId).uint(2, image.inodes.length).finishDelimited()];
  for (const inode of image.inodes) {
    const w = new ProtoWriter()
      .uint(1, INODE_TYPE_CODES[inode.type])
      .uint(2, inode.id)
      .bytes(3, Buffer.from(inode.name, 'utf8'));
    if (inode.type === 'FILE') w.message(4, fileMessage(inode, strings));
    else w.message(5, directoryMessage(inode, strings));
    parts.push(w.finishDelimited());
  }
  return Buffer.concat(parts);
}

function fileMessage(inode: ImageINode, strings: Map<string, number>): ProtoWriter {
  const f = inode.file;
  if (!f) throw new ImageFormatError(`FILE inode ${inode.id} has no file attributes`);
  const w = new ProtoWriter()
    .uint(1, f.replication)
    .uint(2, f.mtime)
    .uint(3, f.atime)
    .uint(4, f.preferredBlockSize)
    .fixed64(5, encodePermission(f.permission, strings));
  for (const b of f.blocks)
    w.message(6, new ProtoWriter().uint(1, b.blockId).uint(2, b.genStamp).uint(3, b.numBytes));
  if (f.underConstruction) {
    const uc = f.underConstruction;
    w.message(7, new ProtoWriter().string(1, uc.clientName).string(2, uc.clientMachine));
  }
  return w.uint(10, f.storagePolicyId);
}

function directoryMessage(inode: ImageINode, strings: Map<string, number>): ProtoWriter {
  const d = inode.directory;
  if (!d) throw new ImageFormatError(`DIRECTORY inode ${inode.id} has no directory attributes`);
  return new ProtoWriter()
    .uint(1, d.mtime)
    .uint(2, BigInt(d.nsQuota))
    .uint(3, BigInt(d.dsQuota))
    .fixed64(4, encodePermission(d.permission, strings));
}

function encodePermission(p: PermissionStatus, strings: Map<string, number>): bigint {
  const userId = BigInt(strings.get(p.user) ?? 0);
  const groupId = BigInt(strings.get(p.group) ?? 0);
  return (userId << 40n) | (groupId << 16n) | BigInt(p.mode & 0xffff);
}

function inodeDirectorySection(image: FsImage): Buffer {
  const parts = image.directories
    .filter((d) => d.children.length > 0)
    .map((d) =>
      new ProtoWriter()
        .uint(1, d.parent)
        .packedVarints(2, childrenInNameOrder(image, d.children))
        .finishDelimited(),
    );
  return Buffer.concat(parts);
}

function filesUnderConstructionSection(image: FsImage): Buffer {
  return Buffer.concat(
    image.filesUnderConstruction.map((f) =>
      new ProtoWriter().uint(1, f.id).string(2, f.path).finishDelimited(),
    ),
  );
}

function stringTableSection(strings: Map<string, number>): Buffer {
  const parts = [new ProtoWriter().uint(1, strings.size).finishDelimited()];
  for (const [str, id] of strings) parts.push(new ProtoWriter().uint(1, id).string(2, str).finishDelimited());
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
  const section = (name: ImageSectionName): ProtoReader | null => {
    const s = summary.sections.get(name);
    return s ? new ProtoReader(buf, s.offset, s.offset + s.length) : null;
  };
  const required = (name: ImageSectionName): ProtoReader => {
    const r = section(name);
    if (!r) throw new ImageFormatError(`fsimage has no ${name} section`);
    return r;
  };
  const strings = readStringTable(section('STRING_TABLE'));
  const ns = readNameSystem(required('NS_INFO'));
  const inodes = readInodes(required('INODE'), strings);
  return {
    layoutVersion: summary.layoutVersion,
    ...ns,
    lastInodeId: inodes.lastInodeId,
    inodes: inodes.inodes,
    directories: readDirEntries(section('INODE_DIR')),
    filesUnderConstruction: readFilesUnderConstruction(section('FILES_UNDERCONSTRUCTION')),
  };
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
  const outer = new ProtoReader(buf, start, buf.length - 4);
  const r = wrap('FileSummary', () => outer.delimited());
  if (r.end !== outer.end)
    throw new ImageFormatError('FileSummary length prefix does not match the trailing length');
  let ondiskVersion = -1;
  let layoutVersion: number | null = null;
  const sections = new Map<string, { offset: number; length: number }>();
  for (const f of fields(r, 'FileSummary')) {
    if (f.field === 1) ondiskVersion = num(f);
    else if (f.field === 2) layoutVersion = Number(BigInt.asIntN(32, f.value ?? 0n));
    else if (f.field === 3)
      throw new ImageFormatError(`compressed fsimage (codec ${f.bytes?.toString('utf8')}) is not supported`);
    else if (f.field === 4) {
      const s = readSection(msg(f), start);
      sections.set(s.name, s);
    }
  }
  if (ondiskVersion !== IMAGE_ONDISK_VERSION) {
    throw new ImageFormatError(`fsimage ondiskVersion ${ondiskVersion}, expected ${IMAGE_ONDISK_VERSION}`);
  }
  return { layoutVersion: layoutVersion ?? NAMENODE_LAYOUT_VERSION, sections };
}

function readSection(r: ProtoReader, sectionsEnd: number): { name: string; offset: number; length: number } {
  let name = '';
  let offset = 0;
  let length = 0;
  for (const f of fields(r, 'FileSummary.Section')) {
    if (f.field === 1) name = str(f);
    else if (f.field === 2) length = num(f);
    else if (f.field === 3) offset = num(f);
  }
  if (offset < IMAGE_MAGIC.length || offset + length > sectionsEnd) {
    throw new ImageFormatError(`section ${name} [${offset}, ${offset + length}) lies outside the image body`);
  }
  return { name, offset, length };
}

function readStringTable(r: ProtoReader | null): Map<number, string> {
  const table = new Map<number, string>();
  if (!r) return table;
  const header = wrap('StringTableSection', () => r.delimited());
  let count = 0;
  for (const f of fields(header, 'StringTableSection')) if (f.field === 1) count = num(f);
  for (let i = 0; i < count; i++) {
    let id = 0;
    let s = '';
    for (const f of fields(
      wrap('string table entry', () => r.delimited()),
      'StringTableSection.Entry',
    )) {
      if (f.field === 1) id = num(f);
      else if (f.field === 2) s = str(f);
    }
    table.set(id, s);
  }
  return table;
}

function readNameSystem(
  r: ProtoReader,
): Omit<FsImage, 'layoutVersion' | 'lastInodeId' | 'inodes' | 'directories' | 'filesUnderConstruction'> {
  const ns = {
    namespaceId: 0,
    genstampV1: 0,
    genstampV2: 0,
    genstampV1Limit: 0,
    lastAllocatedBlockId: 0,
    txid: 0,
  };
  const keys = [
    'namespaceId',
    'genstampV1',
    'genstampV2',
    'genstampV1Limit',
    'lastAllocatedBlockId',
    'txid',
  ] as const;
  for (const f of fields(
    wrap('NameSystemSection', () => r.delimited()),
    'NameSystemSection',
  )) {
    const key = keys[f.field - 1];
    if (key) ns[key] = num(f);
  }
  return ns;
}

function readInodes(
  r: ProtoReader,
  strings: Map<number, string>,
): { lastInodeId: number; inodes: ImageINode[] } {
  let lastInodeId = 0;
  let count = 0;
  for (const f of fields(
    wrap('INodeSection', () => r.delimited()),
    'INodeSection',
  )) {
    if (f.field === 1) lastInodeId = num(f);
    else if (f.field === 2) count = num(f);
  }
  const inodes: ImageINode[] = [];
  for (let i = 0; i < count; i++)
    inodes.push(
      readInode(
        wrap(`inode ${i + 1} of ${count}`, () => r.delimited()),
        strings,
      ),
    );
  return { lastInodeId, inodes };
}

function readInode(r: ProtoReader, strings: Map<number, string>): ImageINode {
  let type = 0;
  let id = 0;
  let name = '';
  let file: ImageFile | undefined;
  let directory: ImageDirectory | undefined;
  for (const f of fields(r, 'INode')) {
    if (f.field === 1) type = num(f);
    else if (f.field === 2) id = num(f);
    else if (f.field === 3) name = str(f);
    else if (f.field === 4) file = readFile(msg(f), strings);
    else if (f.field === 5) directory = readDirectory(msg(f), strings);
  }
  if (type === INODE_TYPE_CODES.FILE && file) return { id, type: 'FILE', name, file };
  if (type === INODE_TYPE_CODES.DIRECTORY && directory) return { id, type: 'DIRECTORY', name, directory };
  if (type === INODE_TYPE_SYMLINK)
    throw new ImageFormatError(`inode ${id} is a symlink; the lab has no symlinks`);
  throw new ImageFormatError(`inode ${id}: type ${type} without matching attributes`);
}

function readFile(r: ProtoReader, strings: Map<number, string>): ImageFile {
  const file: ImageFile = {
    replication: 0,
    mtime: 0,
    atime: 0,
    preferredBlockSize: 0,
    permission: { user: '', group: '', mode: 0 },
    blocks: [],
    storagePolicyId: 0,
  };
  for (const f of fields(r, 'INodeFile')) {
    if (f.field === 1) file.replication = num(f);
    else if (f.field === 2) file.mtime = num(f);
    else if (f.field === 3) file.atime = num(f);
    else if (f.field === 4) file.preferredBlockSize = num(f);
    else if (f.field === 5) file.permission = decodePermission(f.value ?? 0n, strings);
    else if (f.field === 6) file.blocks.push(readBlock(msg(f)));
    else if (f.field === 7) file.underConstruction = readFileUc(msg(f));
    else if (f.field === 10) file.storagePolicyId = num(f);
  }
  return file;
}

function readBlock(r: ProtoReader): BlockRef {
  const b = { blockId: 0, genStamp: 0, numBytes: 0 };
  for (const f of fields(r, 'BlockProto')) {
    if (f.field === 1) b.blockId = num(f);
    else if (f.field === 2) b.genStamp = num(f);
    else if (f.field === 3) b.numBytes = num(f);
  }
  return { blockId: b.blockId, numBytes: b.numBytes, genStamp: b.genStamp };
}

function readFileUc(r: ProtoReader): { clientName: string; clientMachine: string } {
  const uc = { clientName: '', clientMachine: '' };
  for (const f of fields(r, 'FileUnderConstructionFeature')) {
    if (f.field === 1) uc.clientName = str(f);
    else if (f.field === 2) uc.clientMachine = str(f);
  }
  return uc;
}

function readDirectory(r: ProtoReader, strings: Map<number, string>): ImageDirectory {
  const d: ImageDirectory = {
    mtime: 0,
    permission: { user: '', group: '', mode: 0 },
    nsQuota: '-1',
    dsQuota: '-1',
  };
  for (const f of fields(r, 'INodeDirectory')) {
    if (f.field === 1) d.mtime = num(f);
    else if (f.field === 2) d.nsQuota = toSigned64(f.value ?? 0n).toString();
    else if (f.field === 3) d.dsQuota = toSigned64(f.value ?? 0n).toString();
    else if (f.field === 4) d.permission = decodePermission(f.value ?? 0n, strings);
  }
  return d;
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

function readDirEntries(r: ProtoReader | null): FsImage['directories'] {
  const dirs: FsImage['directories'] = [];
  while (r && !r.done()) {
    const entry = { parent: 0, children: [] as number[] };
    for (const f of fields(
      wrap('INodeDirectorySection.DirEntry', () => r.delimited()),
      'DirEntry',
    )) {
      if (f.field === 1) entry.parent = num(f);
      else if (f.field === 2 && f.bytes) {
        const packed = new ProtoReader(f.bytes);
        while (!packed.done()) entry.children.push(packed.varintNumber());
      } else if (f.field === 2) entry.children.push(num(f));
      else if (f.field === 3)
        throw new ImageFormatError(`directory ${entry.parent} has reference children (snapshots)`);
    }
    dirs.push(entry);
  }
  return dirs;
}

function readFilesUnderConstruction(r: ProtoReader | null): FsImage['filesUnderConstruction'] {
  const files: FsImage['filesUnderConstruction'] = [];
  while (r && !r.done()) {
    const entry = { id: 0, path: '' };
    for (const f of fields(
      wrap('FileUnderConstructionEntry', () => r.delimited()),
      'FileUnderConstructionEntry',
    )) {
      if (f.field === 1) entry.id = num(f);
      else if (f.field === 2) entry.path = str(f);
    }
    files.push(entry);
  }
  return files;
}

function* fields(r: ProtoReader, what: string): Generator<ProtoField> {
  while (!r.done()) yield wrap(what, () => r.field());
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

function msg(f: ProtoField): ProtoReader {
  if (!f.bytes)
    throw new ImageFormatError(`field ${f.field}: expected a message, found wire type ${f.wireType}`);
  return new ProtoReader(f.bytes);
}

function str(f: ProtoField): string {
  if (!f.bytes)
    throw new ImageFormatError(`field ${f.field}: expected a string, found wire type ${f.wireType}`);
  return f.bytes.toString('utf8');
}

function num(f: ProtoField): number {
  const v = f.value;
  if (v === undefined)
    throw new ImageFormatError(`field ${f.field}: expected a number, found wire type ${f.wireType}`);
  if (v > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ImageFormatError(`field ${f.field}: ${v} does not fit a JS number`);
  return Number(v);
}
