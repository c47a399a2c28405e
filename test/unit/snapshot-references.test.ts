/**
 * INodeReferences in the fsimage, as HDFS makes them when an INode a snapshot holds is renamed
 * (FSDirRenameOp.RenameOperation: a WithName with the old name and the source's latest snapshot in
 * the source directory's diff, a DstReference with the destination's latest snapshot — or
 * Snapshot.CURRENT_STATE_ID, 2147483646, when it has none — where the INode is now), and a
 * NameNode loading such an image with its snapshots readable and the rename reported as `R`.
 */
import { describe, expect, it } from 'vitest';
import { parseXml } from '../../cluster/common/xml-tree.js';
import { decodeImage, encodeImage } from '../../cluster/namenode/fsimage/codec.js';
import { CURRENT_STATE_ID } from '../../cluster/namenode/fsimage/image.js';
import { imageToXml } from '../../cluster/namenode/fsimage/oiv.js';
import { imageFromXml } from '../../cluster/namenode/fsimage/oiv-reverse.js';
import { Namespace } from '../../cluster/namenode/namespace.js';
import { formatDiffReport } from '../../cluster/namenode/snapshot-diff.js';
import { oivOrderErrors } from '../golden/hadoop-xml-orders.js';
import { closedFile, FILE_PERM } from './namespace-files.js';

const DIR = { ...FILE_PERM, mode: 0o755 };

/** /d (snapshottable, snapshot s0 = id 0) holding /d/a.txt and /d/sub, and /e outside it. */
function fresh(): Namespace {
  const ns = new Namespace({ superuser: 'hdfs', namespaceId: 5 });
  ns.mkdirs('/d/sub', { permission: DIR, createParent: true, nowMs: 1 });
  ns.mkdirs('/e', { permission: DIR, createParent: true, nowMs: 1 });
  closedFile(ns, '/d/a.txt', [5]);
  ns.allowSnapshot('/d');
  ns.createSnapshot('/d', { name: 's0', nowMs: 2 });
  return ns;
}

const mv = (ns: Namespace, src: string, dst: string, nowMs: number): void => {
  ns.renameTo(src, dst, { options: ['NONE'], nowMs });
};

/** The image through the codec, then the NameNode that loads it. */
function restart(ns: Namespace): Namespace {
  return Namespace.fromImage(decodeImage(encodeImage(ns.toImage(20))));
}

const diff = (ns: Namespace, from: string, to: string): string =>
  formatDiffReport(ns.snapshotDiff('/d', from, to)).trimEnd();

describe('INodeReferences for renames under snapshots', () => {
  it('writes a WithName and a DstReference for a rename inside the snapshotted tree', () => {
    const ns = fresh();
    const id = ns.resolve('/d/a.txt')!.id;
    mv(ns, '/d/a.txt', '/d/sub/b.txt', 3);
    const image = ns.toImage(20);
    expect(image.references).toEqual([
      { kind: 'DST', referredId: id, dstSnapshotId: 0 },
      { kind: 'WITH_NAME', referredId: id, name: 'a.txt', lastSnapshotId: 0 },
    ]);
    const sub = ns.resolve('/d/sub')!.id;
    expect(image.directories.find((d) => d.parent === sub)).toEqual({
      parent: sub,
      children: [id],
      refChildren: [0],
    });
    const dDiff = image.snapshots!.diffs.find((e) => e.inodeId === ns.resolve('/d')!.id)!;
    expect(dDiff.diffs[0]).toMatchObject({ snapshotId: 0, deleted: [id], deletedRefs: [1] });
    const xml = imageToXml(decodeImage(encodeImage(image)));
    expect(oivOrderErrors(xml)).toEqual([]);
    expect(xml).toContain(`<deletedInoderef>1</deletedInoderef>`);
    // ReverseXML reads the references back.
    expect(imageFromXml(parseXml(xml))).toEqual(decodeImage(encodeImage(image)));
  });

  it('restarts from that image with the snapshot readable and the rename reported as R', () => {
    const ns = fresh();
    mv(ns, '/d/a.txt', '/d/sub/b.txt', 3);
    const before = diff(ns, 's0', '');
    const loaded = restart(ns);
    expect(loaded.getFileInfo('/d/.snapshot/s0/a.txt')?.length).toBe(5);
    expect(loaded.getFileInfo('/d/sub/b.txt')?.length).toBe(5);
    expect(loaded.getFileInfo('/d/.snapshot/s0/sub/b.txt')).toBeNull();
    expect(diff(loaded, 's0', '')).toBe(before);
    expect(before).toContain('R\t./a.txt -> ./sub/b.txt');
    expect(loaded.toImage(20)).toEqual(ns.toImage(20));
  });

  it('gives a rename out of every snapshotted tree CURRENT_STATE_ID, and a second rename a second WithName', () => {
    const ns = fresh();
    const id = ns.resolve('/d/a.txt')!.id;
    mv(ns, '/d/a.txt', '/d/c.txt', 3);
    ns.createSnapshot('/d', { name: 's1', nowMs: 4 });
    mv(ns, '/d/c.txt', '/e/f.txt', 5);
    expect(ns.toImage(20).references).toEqual([
      { kind: 'DST', referredId: id, dstSnapshotId: CURRENT_STATE_ID },
      // /d's diffs newest first: s1's (c.txt left), then s0's (a.txt left).
      { kind: 'WITH_NAME', referredId: id, name: 'c.txt', lastSnapshotId: 1 },
      { kind: 'WITH_NAME', referredId: id, name: 'a.txt', lastSnapshotId: 0 },
    ]);
    const loaded = restart(ns);
    expect(loaded.getFileInfo('/d/.snapshot/s0/a.txt')?.length).toBe(5);
    expect(loaded.getFileInfo('/d/.snapshot/s1/c.txt')?.length).toBe(5);
    expect(diff(loaded, 's0', 's1')).toContain('R\t./a.txt -> ./c.txt');
    expect(diff(loaded, 's1', '')).toContain('-\t./c.txt');
  });

  it('lists a renamed file deleted after a later snapshot as its DstReference', () => {
    const ns = fresh();
    const id = ns.resolve('/d/a.txt')!.id;
    mv(ns, '/d/a.txt', '/d/c.txt', 3);
    ns.createSnapshot('/d', { name: 's1', nowMs: 4 });
    ns.delete('/d/c.txt', { recursive: false, nowMs: 5 });
    expect(ns.toImage(20).references).toEqual([
      { kind: 'DST', referredId: id, dstSnapshotId: 0 },
      { kind: 'WITH_NAME', referredId: id, name: 'a.txt', lastSnapshotId: 0 },
    ]);
    const loaded = restart(ns);
    expect(loaded.getFileInfo('/d/.snapshot/s1/c.txt')?.length).toBe(5);
    expect(loaded.getFileInfo('/d/.snapshot/s0/a.txt')?.length).toBe(5);
  });
});
