/**
 * Content summaries with snapshots (getContentSummary, `-count -x`, `-du -x`): what only snapshots
 * hold counts in the summary and again in its snapshot part, as HDFS counts it. The first case is
 * Hadoop's TestGetContentSummaryWithSnapshot.testGetContentSummary step by step, with its expected
 * numbers; the others follow INodeFile.storagespaceConsumed's rules.
 */
import { describe, expect, it } from 'vitest';
import { Namespace } from '../../cluster/namenode/namespace.js';
import { excludeSnapshots, formatCount } from '../../lab/format/count.js';
import { formatDu } from '../../lab/format/du.js';
import { closedFile, FILE_PERM } from './namespace-files.js';

const DIR = { ...FILE_PERM, mode: 0o755 };

function fresh(): Namespace {
  const ns = new Namespace({ superuser: 'hdfs', namespaceId: 3 });
  ns.mkdirs('/foo/bar', { permission: DIR, createParent: true, nowMs: 1 });
  ns.mkdirs('/temp', { permission: DIR, createParent: true, nowMs: 1 });
  ns.allowSnapshot('/foo');
  return ns;
}

/** The four counts a test of Hadoop's reads (getDirectoryCount, getFileCount, getLength and the snapshot ones). */
function counts(ns: Namespace, path: string): Record<string, number> {
  const s = ns.contentSummary(path);
  return {
    dirs: s.directoryCount,
    files: s.fileCount,
    length: s.length,
    snapshotDirs: s.snapshotDirectoryCount,
    snapshotFiles: s.snapshotFileCount,
    snapshotLength: s.snapshotLength,
  };
}

describe('content summaries with snapshots', () => {
  it('counts what only snapshots hold as TestGetContentSummaryWithSnapshot expects', () => {
    const ns = fresh();
    ns.createSnapshot('/foo', { name: 's1', nowMs: 2 });
    closedFile(ns, '/foo/bar/baz', [10], { replication: 3 });
    closedFile(ns, '/foo/bar/qux', [10], { replication: 3 });
    expect(counts(ns, '/foo/bar')).toMatchObject({ dirs: 1, files: 2, length: 20 });
    expect(counts(ns, '/foo/.snapshot/s1/bar')).toMatchObject({ dirs: 1, files: 0, length: 0 });
    expect(counts(ns, '/foo')).toMatchObject({ dirs: 2, files: 2, length: 20 });
    expect(counts(ns, '/foo/.snapshot/s1')).toMatchObject({ dirs: 2, files: 0, length: 0 });

    ns.createSnapshot('/foo', { name: 's2', nowMs: 3 });
    // DFSTestUtil.appendFile(baz, 10): the same block grows to 20 bytes.
    const baz = ns.resolve('/foo/bar/baz');
    if (baz?.kind !== 'FILE') throw new Error('no /foo/bar/baz');
    baz.blocks[0]!.numBytes = 20;
    expect(counts(ns, '/foo/bar')).toMatchObject({ dirs: 1, files: 2, length: 30 });
    expect(counts(ns, '/foo/.snapshot/s2')).toMatchObject({ dirs: 2, files: 2, length: 20 });

    ns.delete('/foo/bar/baz', { recursive: false, nowMs: 4 });
    expect(counts(ns, '/foo')).toEqual({
      dirs: 2,
      files: 2,
      length: 30,
      snapshotDirs: 0,
      snapshotFiles: 1,
      snapshotLength: 20, // the length baz had when it was deleted, not s2's 10
    });

    ns.renameTo('/foo/bar/qux', '/temp/qux', { options: ['NONE'], nowMs: 5 });
    expect(counts(ns, '/foo')).toEqual({
      dirs: 2,
      files: 2,
      length: 30,
      snapshotDirs: 0,
      snapshotFiles: 2,
      snapshotLength: 30,
    });
  });

  it('prints -count -x and -du -x without the snapshots, and keeps their counts across a restart', () => {
    const ns = fresh();
    closedFile(ns, '/foo/bar/a', [100], { replication: 2 });
    closedFile(ns, '/foo/keep', [7], { replication: 2 });
    ns.createSnapshot('/foo', { name: 's1', nowMs: 2 });
    ns.delete('/foo/bar', { recursive: true, nowMs: 3 });
    const s = ns.contentSummary('/foo');
    expect(s).toMatchObject({ directoryCount: 2, fileCount: 2, length: 107, spaceConsumed: 214 });
    expect(s).toMatchObject({ snapshotDirectoryCount: 1, snapshotFileCount: 1, snapshotLength: 100 });
    expect(s.snapshotSpaceConsumed).toBe(200);
    const options = { quotas: false, human: false };
    expect(formatCount([{ path: '/foo', ...s }], options)).toBe(
      '           2            2                107 /foo\n',
    );
    expect(formatCount([{ path: '/foo', ...excludeSnapshots(s) }], options)).toBe(
      '           1            1                  7 /foo\n',
    );
    expect(formatDu([{ path: '/foo', ...excludeSnapshots(s) }], { human: false })).toBe('7  14  /foo\n');
    // The image keeps the deleted directory and file (INodeSection + SnapshotDiffSection).
    const restarted = Namespace.fromImage(ns.toImage(9));
    expect(restarted.contentSummary('/foo')).toEqual(s);
  });

  it('counts the blocks a snapshot keeps at the highest replication the file had', () => {
    const ns = fresh();
    closedFile(ns, '/foo/f', [50, 30], { replication: 3 });
    ns.createSnapshot('/foo', { name: 's1', nowMs: 2 });
    // -setrep 1 after the snapshot: getPreferredBlockReplication is still 3 (the snapshot's copy).
    ns.setReplication('/foo/f', 1);
    expect(ns.contentSummary('/foo/f')).toMatchObject({ length: 80, spaceConsumed: 240 });
    // A truncate to a block boundary leaves the second block to the snapshot: still counted, and
    // not in the snapshot part (a live file's), so -du -x shows it too.
    ns.truncate('/foo/f', { newLength: 50, clientName: 'c', clientMachine: '127.0.0.1', nowMs: 3 });
    const s = ns.contentSummary('/foo');
    expect(s).toMatchObject({ length: 50, spaceConsumed: 240, snapshotSpaceConsumed: 0 });
  });
});
