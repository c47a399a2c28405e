/**
 * `hdfs oiv -p DetectCorruption` (PBImageCorruptionDetector): the inconsistencies between an
 * image's INODE section and its INODE_DIR section. A directory entry naming a child that is no
 * inode is a MissingChild corruption of the directory (with how many children are missing) and a
 * CorruptNode of the child; a directory entry whose parent is no inode makes the parent a
 * CorruptNode. The header comes first; then, in INODE section order, each corrupt inode whose
 * path is known (IsSnapshot false); then, by id, the corrupt ids that are no inode (IsSnapshot
 * true, as Hadoop prints them), with the parent that lists them. An image the lab's NameNode
 * wrote is consistent: the header alone.
 */
import { ROOT_INODE_ID, type FsImage } from './image.js';

/** PBImageCorruptionDetector.getHeader's columns. */
export const CORRUPTION_COLUMNS = [
  'CorruptionType',
  'Id',
  'IsSnapshot',
  'ParentPath',
  'ParentId',
  'Name',
  'NodeType',
  'CorruptChildren',
] as const;

/** PBImageCorruption: what is wrong with one id. */
interface Corruption {
  corruptNode: boolean;
  missingChild: boolean;
  corruptChildren: number;
}

export function imageCorruptions(image: FsImage, options: { delimiter?: string } = {}): string {
  const sep = options.delimiter ?? '\t';
  const inodes = new Map(image.inodes.map((n) => [n.id, n]));
  const refIds = new Set((image.references ?? []).map((r) => r.referredId));
  const { parentOf, corruptions } = scanDirectories(image, new Set(inodes.keys()));
  const nodeType = (id: number): string => (inodes.has(id) ? 'Node' : refIds.has(id) ? 'Ref' : 'Unknown');
  const field = (value: string | number): string =>
    typeof value === 'number' ? String(value) : escapeCsv(value);
  const row = (id: number, c: Corruption, o: { snapshot: boolean; parentPath: string; name: string }) =>
    [
      typeOf(c),
      id,
      String(o.snapshot),
      o.parentPath,
      parentOf.get(id) ?? 'Missing',
      o.name,
      nodeType(id),
      c.corruptChildren,
    ]
      .map(field)
      .join(sep);
  const lines: string[] = [CORRUPTION_COLUMNS.join(sep)];
  const paths = new DirectoryPaths(image, parentOf);
  for (const inode of image.inodes) {
    const c = corruptions.get(inode.id);
    const parentPath = paths.parentPath(inode.id);
    if (c === undefined || parentPath === undefined) continue;
    lines.push(row(inode.id, c, { snapshot: false, parentPath, name: inode.name }));
    corruptions.delete(inode.id);
  }
  // PBImageCorruptionDetector.afterOutput: the rest, by id.
  for (const [id, c] of [...corruptions].sort(([a], [b]) => a - b)) {
    const name = inodes.get(id)?.type === 'DIRECTORY' ? inodes.get(id)!.name : '';
    lines.push(row(id, c, { snapshot: true, parentPath: '', name }));
  }
  return lines.join('\n') + '\n';
}

/** PBImageCorruptionDetector.buildNamespace: each id's parent directory, and the corruptions. */
function scanDirectories(
  image: FsImage,
  nodeIds: ReadonlySet<number>,
): { parentOf: Map<number, number>; corruptions: Map<number, Corruption> } {
  const parentOf = new Map<number, number>();
  const corruptions = new Map<number, Corruption>();
  const of = (id: number): Corruption => {
    const c = corruptions.get(id) ?? { corruptNode: false, missingChild: false, corruptChildren: 0 };
    corruptions.set(id, c);
    return c;
  };
  const references = image.references ?? [];
  for (const entry of image.directories) {
    if (!nodeIds.has(entry.parent)) of(entry.parent).corruptNode = true;
    let missing = 0;
    for (const child of entry.children) {
      parentOf.set(child, entry.parent);
      if (nodeIds.has(child)) continue;
      of(child).corruptNode = true;
      missing++;
    }
    if (missing > 0) Object.assign(of(entry.parent), { missingChild: true, corruptChildren: missing });
    // A reference child is taken on trust (by its position), as Hadoop does.
    for (const ref of entry.refChildren ?? []) {
      const referred = references[ref]?.referredId;
      if (referred !== undefined) parentOf.set(referred, entry.parent);
    }
  }
  return { parentOf, corruptions };
}

/** PBImageCorruption.getType: CorruptNode, MissingChild or CorruptNodeWithMissingChild. */
function typeOf(c: Corruption): string {
  if (c.corruptNode && c.missingChild) return 'CorruptNodeWithMissingChild';
  return c.corruptNode ? 'CorruptNode' : 'MissingChild';
}

/**
 * PBImageTextWriter's in-memory metadata map: a directory's path through its parents, undefined
 * when the chain does not reach the root (a node in a snapshot only, or under a corrupt one).
 */
class DirectoryPaths {
  private readonly directoryNames: Map<number, string>;

  constructor(
    image: FsImage,
    private readonly parentOf: ReadonlyMap<number, number>,
  ) {
    this.directoryNames = new Map(
      image.inodes.filter((n) => n.type === 'DIRECTORY').map((n) => [n.id, n.name]),
    );
  }

  parentPath(id: number): string | undefined {
    if (id === ROOT_INODE_ID) return '/';
    const parent = this.parentOf.get(id);
    return parent === undefined ? undefined : this.path(parent, new Set());
  }

  private path(id: number, seen: Set<number>): string | undefined {
    const name = this.directoryNames.get(id);
    const parent = this.parentOf.get(id);
    if (name === undefined || seen.has(id)) return undefined;
    if (parent === undefined) return id === ROOT_INODE_ID ? '/' : undefined;
    seen.add(id);
    const above = this.path(parent, seen);
    if (above === undefined) return undefined;
    return above === '/' ? `/${name}` : `${above}/${name}`;
  }
}

/** StringEscapeUtils.escapeCsv, then PBImageTextWriter.append's CRLF / LF spelling. */
function escapeCsv(value: string): string {
  const quoted = /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  return quoted.includes('\r\n') ? quoted.replaceAll('\r\n', '%x0D%x0A') : quoted.replaceAll('\n', '%x0A');
}
