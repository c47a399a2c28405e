/**
 * Snapshots in the NameNode core with HDFS's rules and words (SnapshotManager,
 * DirectorySnapshottableFeature, FSDirSnapshotOp): reads through `.snapshot`, blocks kept while a
 * snapshot holds them, the diff report, and the edit-log ops as the codec and oev write them.
 */
import { describe, expect, it } from 'vitest';
import { decodeSegment, encodeSegment } from '../../cluster/namenode/editlog/codec.js';
import { editsToXml } from '../../cluster/namenode/editlog/oev.js';
import type { EditLogOp, PendingOp } from '../../cluster/namenode/editlog/ops.js';
import { decodeImage, encodeImage } from '../../cluster/namenode/fsimage/codec.js';
import { imageToXml } from '../../cluster/namenode/fsimage/oiv.js';
import { Namespace } from '../../cluster/namenode/namespace.js';
import { formatDiffReport } from '../../cluster/namenode/snapshot-diff.js';
import { defaultSnapshotName } from '../../cluster/namenode/snapshot.js';
import type { BlockRef } from '../../cluster/protocol/types.js';
import { SUPERUSER, testCore } from './namenode-test-core.js';

const PERM = { user: 'hdfs', group: 'g', mode: 0o755 };
const MiB = 1_048_576;

function fresh(): { ns: Namespace; log: PendingOp[] } {
  const ns = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
  const log: PendingOp[] = [];
  log.push(...ns.mkdirs('/d/sub', { permission: PERM, createParent: true, nowMs: 1 }));
  return { ns, log };
}

/** A closed file whose blocks have the given sizes (the way a client writes it). */
function put(ns: Namespace, log: PendingOp[], path: string, sizes: number[], nowMs = 2): BlockRef[] {
  const client = { clientName: 'c1', clientMachine: '127.0.0.1' };
  const created = ns.create(path, {
    permission: { ...PERM, mode: 0o644 },
    ...client,
    overwrite: true,
    createParent: false,
    replication: 1,
    blockSizeBytes: MiB,
    nowMs,
  });
  log.push(...created.ops);
  let previous: BlockRef | null = null;
  const blocks: BlockRef[] = [];
  for (const size of sizes) {
    const added = ns.allocateBlock(path, { clientName: 'c1', previous });
    log.push(...added.ops);
    previous = { ...added.block, numBytes: size };
    blocks.push(previous);
  }
  log.push(...ns.completeFile(path, { clientName: 'c1', last: previous, nowMs }));
  return blocks;
}

const names = (ns: Namespace, path: string): string[] => (ns.getListing(path) ?? []).map((s) => s.pathSuffix);

describe('snapshots in the namespace', () => {
  it('keeps a deleted file readable from its snapshot, and its blocks until the snapshot goes', () => {
    const { ns, log } = fresh();
    const blocks = put(ns, log, '/d/a.txt', [MiB, 10]);
    log.push(...ns.allowSnapshot('/d'));
    const created = ns.createSnapshot('/d', { name: 's1', nowMs: 5 });
    expect(created.snapshotPath).toBe('/d/.snapshot/s1');
    const deleted = ns.delete('/d/a.txt', { recursive: false, nowMs: 6 });
    expect(deleted.ok).toBe(true);
    expect(deleted.removedBlocks).toEqual([]); // the snapshot still holds both blocks
    expect(ns.getFileInfo('/d/a.txt')).toBeNull();
    expect(ns.getFileInfo('/d/.snapshot/s1/a.txt')?.length).toBe(MiB + 10);
    expect(ns.getBlocks('/d/.snapshot/s1/a.txt')?.map((b) => b.blockId)).toEqual(
      blocks.map((b) => b.blockId),
    );
    expect(names(ns, '/d/.snapshot')).toEqual(['s1']);
    expect(names(ns, '/d/.snapshot/s1')).toEqual(['a.txt', 'sub']);
    expect(ns.getFileInfo('/d/.snapshot/s1')?.modificationTime).toBe(5); // Snapshot.Root: creation time
    expect([...ns.snapshotOnlyBlocks()].map((b) => b.block.blockId)).toEqual(blocks.map((b) => b.blockId));
    const gone = ns.deleteSnapshot('/d', { name: 's1', nowMs: 7 });
    expect(gone.removedBlocks.map((b) => b.blockId)).toEqual(blocks.map((b) => b.blockId));
    expect(gone.ops.map((o) => o.op)).toEqual(['OP_DELETE_SNAPSHOT']);
  });

  it('shows an appended or overwritten file as it was when the snapshot was taken', () => {
    const { ns, log } = fresh();
    put(ns, log, '/d/a.txt', [10]);
    put(ns, log, '/d/b.txt', [20]);
    ns.allowSnapshot('/d');
    ns.createSnapshot('/d', { name: 's1', nowMs: 5 });
    // An append grows the same block; the snapshot keeps the length it had.
    const file = ns.resolve('/d/a.txt');
    if (file?.kind !== 'FILE') throw new Error('no file');
    file.blocks[0]!.numBytes = 15;
    const overwritten = put(ns, log, '/d/b.txt', [30], 8);
    expect(ns.getFileInfo('/d/a.txt')?.length).toBe(15);
    expect(ns.getFileInfo('/d/.snapshot/s1/a.txt')?.length).toBe(10);
    expect(ns.getFileInfo('/d/.snapshot/s1/b.txt')?.length).toBe(20);
    expect(ns.getFileInfo('/d/b.txt')?.length).toBe(30);
    expect(overwritten).toHaveLength(1);
    expect(ns.isInSnapshot('/d/.snapshot/s1/a.txt')).toBe(true);
    expect(ns.isInSnapshot('/d/a.txt')).toBe(false);
  });

  it("refuses with SnapshotManager's and FSDirSnapshotOp's words", () => {
    const { ns, log } = fresh();
    put(ns, log, '/d/a.txt', [10]);
    expect(() => ns.createSnapshot('/d', { name: 's1', nowMs: 5 })).toThrow(
      'Directory is not a snapshottable directory: /d',
    );
    expect(() => ns.allowSnapshot('/nope')).toThrow('Directory does not exist: /nope');
    expect(() => ns.allowSnapshot('/d/a.txt')).toThrow("`/d/a.txt': Is not a directory");
    ns.allowSnapshot('/d');
    ns.allowSnapshot('/d'); // again: allowed, as HDFS allows it
    expect(() => ns.allowSnapshot('/d/sub')).toThrow(
      'Nested snapshottable directories not allowed: path=/d/sub, the ancestor /d is already a snapshottable directory.',
    );
    expect(() => ns.allowSnapshot('/')).toThrow(
      'Nested snapshottable directories not allowed: path=/, the subdirectory /d is already a snapshottable directory.',
    );
    ns.createSnapshot('/d', { name: 's1', nowMs: 5 });
    expect(() => ns.createSnapshot('/d', { name: 's1', nowMs: 6 })).toThrow(
      'Failed to add snapshot: there is already a snapshot with the same name "s1".',
    );
    expect(() => ns.createSnapshot('/d', { name: 'a/b', nowMs: 6 })).toThrow(
      'Snapshot name cannot contain "/"',
    );
    expect(() => ns.renameSnapshot('/d', { oldName: 'nope', newName: 's2', nowMs: 6 })).toThrow(
      'The snapshot nope does not exist for directory /d',
    );
    ns.createSnapshot('/d', { name: 's2', nowMs: 6 });
    expect(() => ns.renameSnapshot('/d', { oldName: 's1', newName: 's2', nowMs: 6 })).toThrow(
      'The snapshot s2 already exists for directory /d',
    );
    expect(() => ns.deleteSnapshot('/d', { name: 'nope', nowMs: 6 })).toThrow(
      'Cannot delete snapshot nope from path /d: the snapshot does not exist.',
    );
    expect(() => ns.disallowSnapshot('/d')).toThrow(
      'The directory /d has snapshot(s). Please redo the operation after removing all the snapshots.',
    );
    expect(() => ns.delete('/d', { recursive: true, nowMs: 7 })).toThrow(
      'The directory /d cannot be deleted since /d is snapshottable and already has snapshots',
    );
    expect(() => ns.delete('/d/.snapshot/s1/a.txt', { recursive: false, nowMs: 7 })).toThrow(
      'Modification on a read-only snapshot is disallowed',
    );
    expect(() => ns.mkdirs('/d/.snapshot/s1/x', { permission: PERM, createParent: true, nowMs: 7 })).toThrow(
      'Modification on a read-only snapshot is disallowed',
    );
    expect(() => ns.mkdirs('/x/.snapshot', { permission: PERM, createParent: true, nowMs: 7 })).toThrow(
      '".snapshot" is a reserved name.',
    );
  });

  it('caps a directory at 65536 snapshots (DirectorySnapshottableFeature.SNAPSHOT_QUOTA_DEFAULT)', () => {
    const { ns } = fresh();
    ns.allowSnapshot('/d');
    const s = ns.snapshots.byDirId.values().next().value!;
    s.snapshotQuota = 1;
    ns.createSnapshot('/d', { name: 's1', nowMs: 5 });
    expect(() => ns.createSnapshot('/d', { name: 's2', nowMs: 6 })).toThrow(
      'Failed to add snapshot: there are already 1 snapshot(s) and the snapshot quota is 1',
    );
    ns.allowSnapshot('/d'); // allowSnapshot again resets the quota to the default
    expect(s.snapshotQuota).toBe(65_536);
  });

  it('names a snapshot s + yyyyMMdd-HHmmss.SSS when none is given', () => {
    expect(defaultSnapshotName(Date.UTC(2026, 11, 2, 9, 5, 7, 42))).toBe('s20261202-090507.042');
  });

  it('reports the difference between snapshots as SnapshotDiffReport prints it', () => {
    const { ns, log } = fresh();
    put(ns, log, '/d/a.txt', [10]);
    put(ns, log, '/d/b.txt', [10]);
    ns.allowSnapshot('/d');
    ns.createSnapshot('/d', { name: 's1', nowMs: 5 });
    ns.delete('/d/a.txt', { recursive: false, nowMs: 6 });
    put(ns, log, '/d/c.txt', [10], 7);
    ns.renameTo('/d/b.txt', '/d/sub/b2.txt', { options: ['NONE'], nowMs: 8 });
    ns.setPermission('/d/sub', 0o700);
    expect(formatDiffReport(ns.snapshotDiff('/d', 's1', '.'))).toBe(
      [
        'Difference between snapshot s1 and current directory under directory /d:',
        'M\t.',
        'R\t./b.txt -> ./sub/b2.txt',
        '+\t./c.txt',
        '-\t./a.txt',
        'M\t./sub',
        '',
      ].join('\n'),
    );
    ns.createSnapshot('/d', { name: 's2', nowMs: 9 });
    expect(formatDiffReport(ns.snapshotDiff('/d', 's2', 's1'))).toContain('-\t./c.txt');
    expect(ns.snapshotDiff('/d', 's1', 's1').entries).toEqual([]);
    expect(() => ns.snapshotDiff('/d', 'nope', '.')).toThrow(
      'Cannot find the snapshot of directory /d with name nope',
    );
  });

  it('replays its ops to the same snapshots after a restart (the edit log and oev)', () => {
    const { ns, log } = fresh();
    put(ns, log, '/d/a.txt', [10]);
    log.push(...ns.allowSnapshot('/d'));
    log.push(...ns.createSnapshot('/d', { name: 's1', nowMs: 5 }).ops);
    log.push(...ns.delete('/d/a.txt', { recursive: false, nowMs: 6 }).ops);
    log.push(...ns.renameSnapshot('/d', { oldName: 's1', newName: 's2', nowMs: 7 }));
    log.push(...ns.createSnapshot('/d', { name: 's3', nowMs: 8 }).ops);
    log.push(...ns.deleteSnapshot('/d', { name: 's3', nowMs: 9 }).ops);
    const ops = log.map((o, i) => ({ ...o, txid: i + 1 }) as EditLogOp);
    const decoded = decodeSegment(encodeSegment(ops)).ops;
    expect(decoded).toEqual(ops);
    const replayed = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
    for (const op of decoded) replayed.applyOp(op);
    expect(names(replayed, '/d/.snapshot')).toEqual(['s2']);
    expect(replayed.getFileInfo('/d/.snapshot/s2/a.txt')?.length).toBe(10);
    expect(replayed.snapshots.snapshotCounter).toBe(2);
    const xml = editsToXml({ layoutVersion: -66, ops: decoded.filter((o) => o.op.includes('SNAPSHOT')) });
    expect(xml).toContain(
      [
        '    <OPCODE>OP_ALLOW_SNAPSHOT</OPCODE>',
        '    <DATA>',
        `      <TXID>${decoded.find((o) => o.op === 'OP_ALLOW_SNAPSHOT')!.txid}</TXID>`,
        '      <SNAPSHOTROOT>/d</SNAPSHOTROOT>',
        '    </DATA>',
      ].join('\n'),
    );
    expect(xml).toMatch(
      /<SNAPSHOTROOT>\/d<\/SNAPSHOTROOT>\n {6}<SNAPSHOTOLDNAME>s1<\/SNAPSHOTOLDNAME>\n {6}<SNAPSHOTNEWNAME>s2<\/SNAPSHOTNEWNAME>\n {6}<MTIME>7<\/MTIME>\n {6}<RPC_CLIENTID\/>\n {6}<RPC_CALLID>-2<\/RPC_CALLID>/,
    );
  });
});

describe('snapshots in the NameNode core', () => {
  it('lets only the superuser allow snapshots and only the owner take them', () => {
    const { core, as } = testCore();
    core.call('mkdirs', { src: '/d', permission: 0o755, createParent: true }, as(SUPERUSER));
    core.call('setOwner', { src: '/d', username: 'alice', groupname: null }, as(SUPERUSER));
    expect(() => core.call('allowSnapshot', { snapshotRoot: '/d' }, as('alice'))).toThrow(
      'Superuser privilege is required',
    );
    core.call('allowSnapshot', { snapshotRoot: '/d' }, as(SUPERUSER));
    expect(() => core.call('createSnapshot', { snapshotRoot: '/d', snapshotName: 's1' }, as('bob'))).toThrow(
      'Permission denied. user=bob is not the owner of inode=/d',
    );
    const out = core.call('createSnapshot', { snapshotRoot: '/d', snapshotName: null }, as('alice'));
    expect(out.result).toMatch(/^\/d\/\.snapshot\/s\d{8}-\d{6}\.\d{3}$/);
    expect(out.ops.map((o) => o.op)).toEqual(['OP_CREATE_SNAPSHOT']);
    const listing = core.call('getSnapshottableDirListing', {}, as('alice')).result;
    expect(listing.map((d) => [d.status.path, d.snapshotNumber, d.snapshotQuota, d.parentPath])).toEqual([
      ['/d', 1, 65_536, '/'],
    ]);
    expect(core.call('getSnapshottableDirListing', {}, as('bob')).result).toEqual([]);
  });
});

describe('snapshots in the fsimage', () => {
  it('saves SnapshotSection and SnapshotDiffSection and loads the same snapshots back', () => {
    const { ns, log } = fresh();
    put(ns, log, '/d/a.txt', [10]);
    put(ns, log, '/d/sub/b.txt', [MiB, 5]);
    ns.allowSnapshot('/d');
    ns.createSnapshot('/d', { name: 's1', nowMs: 5 });
    ns.delete('/d/sub', { recursive: true, nowMs: 6 });
    const a = ns.resolve('/d/a.txt');
    if (a?.kind !== 'FILE') throw new Error('no file');
    a.blocks[0] = { ...a.blocks[0]!, numBytes: 25, genStamp: a.blocks[0]!.genStamp + 10 }; // appended since
    ns.setPermission('/d/a.txt', 0o600);
    ns.createSnapshot('/d', { name: 'later', nowMs: 7 });
    put(ns, log, '/d/c.txt', [3], 8);
    ns.renameTo('/d/a.txt', '/d/a2.txt', { options: ['NONE'], nowMs: 9 });
    const image = ns.toImage(42);
    const decoded = decodeImage(encodeImage(image));
    expect(decoded).toEqual(image);
    const loaded = Namespace.fromImage(decoded);
    for (const path of [
      '/d/.snapshot/s1/a.txt',
      '/d/.snapshot/s1/sub/b.txt',
      '/d/.snapshot/later/a.txt',
      '/d/.snapshot/s1',
      '/d/.snapshot/later',
      '/d/a2.txt',
    ]) {
      expect(loaded.getFileInfo(path), path).toEqual(ns.getFileInfo(path));
      expect(loaded.getBlocks(path), path).toEqual(ns.getBlocks(path));
    }
    expect(names(loaded, '/d/.snapshot/s1')).toEqual(['a.txt', 'sub']);
    expect(names(loaded, '/d/.snapshot/later')).toEqual(['a.txt']);
    expect(loaded.getFileInfo('/d/sub')).toBeNull();
    expect(loaded.snapshots.snapshotCounter).toBe(2);
    expect(loaded.toImage(42)).toEqual(image);
    const xml = imageToXml(decoded);
    expect(xml).toContain(
      `<SnapshotSection><snapshotCounter>2</snapshotCounter><numSnapshots>2</numSnapshots><snapshottableDir><dir>${ns.resolve('/d')!.id}</dir></snapshottableDir>\n<snapshot><id>1</id><root><id>${ns.resolve('/d')!.id}</id><type>DIRECTORY</type><name>later</name><mtime>7</mtime>`,
    );
    expect(xml).toMatch(
      /<\/FileUnderConstructionSection>\n<SnapshotDiffSection><dirDiffEntry><inodeId>\d+<\/inodeId><count>2<\/count><dirDiff><snapshotId>1<\/snapshotId><childrenSize>1<\/childrenSize><isSnapshotRoot\/><name><\/name><createdListSize>2<\/createdListSize><deletedInoderef>1<\/deletedInoderef><created><name>a2.txt<\/name><\/created>\n<created><name>c.txt<\/name><\/created>\n<\/dirDiff>\n/,
    );
    // a.txt, renamed while `later` held it (FSDirRenameOp): a DstReference where it is now (the
    // latest snapshot of /d then, id 1), a WithName with the old name in `later`'s diff.
    const a2 = ns.resolve('/d/a2.txt')!.id;
    expect(xml).toContain(
      `<INodeReferenceSection><ref><referredId>${a2}</referredId><name></name><dstSnapshotId>1</dstSnapshotId><lastSnapshotId>0</lastSnapshotId></ref>\n` +
        `<ref><referredId>${a2}</referredId><name>a.txt</name><dstSnapshotId>0</dstSnapshotId><lastSnapshotId>1</lastSnapshotId></ref>\n</INodeReferenceSection>`,
    );
    expect(xml).toMatch(
      /<directory><parent>\d+<\/parent><child>\d+<\/child><refChild>0<\/refChild><\/directory>/,
    );
    expect(xml).toMatch(
      /<fileDiffEntry><inodeId>\d+<\/inodeId><count>2<\/count><fileDiff><snapshotId>1<\/snapshotId><size>25<\/size><name>a.txt<\/name><snapshotCopy>/,
    );
  });

  it('writes no SnapshotDiffSection without snapshots, as Hadoop skips it', () => {
    const { ns } = fresh();
    ns.allowSnapshot('/d');
    const image = ns.toImage(1);
    expect(imageToXml(image)).not.toContain('SnapshotDiffSection');
    expect(decodeImage(encodeImage(image)).snapshots?.snapshottableDirs).toEqual([ns.resolve('/d')!.id]);
  });
});
