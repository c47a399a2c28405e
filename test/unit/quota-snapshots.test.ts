/**
 * Snapshots in quotas: what only snapshots hold keeps its names and its space charged to every
 * directory above it until the last snapshot holding it is deleted, as HDFS's quota usage counts a
 * directory diff's deleted list (DirectoryWithSnapshotFeature.computeQuotaUsage4CurrentDirectory)
 * and a file's snapshot copies (INodeFile.storagespaceConsumed). The first two cases are Hadoop's
 * TestSnapshotDeletion.testDeleteCurrentFileDirectory and testDeleteEarliestSnapshot2 step by step,
 * with their expected namespace and storage space (BLOCKSIZE 1024, REPLICATION 3, REPLICATION_1 2).
 */
import { describe, expect, it } from 'vitest';
import type { PendingOp } from '../../cluster/namenode/editlog/ops.js';
import { Namespace } from '../../cluster/namenode/namespace.js';
import { formatCount } from '../../lab/format/count.js';
import { closedFile, FILE_PERM, MB } from './namespace-files.js';
import { thrown } from './remote-error.js';

const BLOCKSIZE = 1024;
const REPLICATION = 3;
const REPLICATION_1 = 2;
const LONG_MAX = '9223372036854775807';
const DIR = { ...FILE_PERM, mode: 0o755 };

/** DFSTestUtil.createFile(hdfs, p, BLOCKSIZE, REPLICATION, seed): one block of BLOCKSIZE bytes. */
function createFile(ns: Namespace, p: string, log?: PendingOp[]): void {
  closedFile(ns, p, [BLOCKSIZE], { replication: REPLICATION, ...(log ? { log } : {}) });
}

/** checkQuotaUsageComputation: the directory's namespace and storage space usage. */
function usage(ns: Namespace, p: string): [number, number] {
  const s = ns.contentSummary(p);
  return [s.directoryCount + s.fileCount, s.spaceConsumed];
}

/** SnapshotTestHelper.createSnapshot: allow snapshots on the directory, then take one. */
function snapshot(ns: Namespace, dir: string, name: string): void {
  if (!ns.snapshots.byDirId.has(ns.resolve(dir)!.id)) ns.allowSnapshot(dir);
  ns.createSnapshot(dir, { name, nowMs: 10 });
}

describe('quota usage with snapshots (TestSnapshotDeletion)', () => {
  const dir = '/TestSnapshot';
  const sub = `${dir}/sub1`;
  const subsub = `${sub}/subsub1`;

  it('keeps what a snapshot holds charged when the live file or directory is deleted (testDeleteCurrentFileDirectory)', () => {
    const ns = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
    const noChangeDirParent = `${sub}/noChangeDirParent`;
    const noChangeDir = `${noChangeDirParent}/noChangeDir`;
    createFile(ns, `${subsub}/deleteDir/deleteFile`);
    createFile(ns, `${noChangeDir}/noChangeFile`);
    createFile(ns, `${subsub}/metaChangeFile1`);
    createFile(ns, `${noChangeDir}/metaChangeFile2`);
    ns.setQuota(dir, { nsQuota: String(BigInt(LONG_MAX) - 1n), dsQuota: String(BigInt(LONG_MAX) - 1n) });
    expect(usage(ns, dir)).toEqual([10, BLOCKSIZE * REPLICATION * 4]);
    ns.delete(`${subsub}/deleteDir`, { recursive: true, nowMs: 3 });
    expect(usage(ns, dir)).toEqual([8, BLOCKSIZE * REPLICATION * 3]);

    snapshot(ns, dir, 's0');
    // Made after s0 and deleted: nothing holds it.
    createFile(ns, `${dir}/tempdir/tempfile`);
    ns.delete(`${dir}/tempdir`, { recursive: true, nowMs: 11 });
    expect(usage(ns, dir)).toEqual([8, BLOCKSIZE * REPLICATION * 3]);

    createFile(ns, `${subsub}/newFile`);
    ns.setReplication(`${subsub}/metaChangeFile1`, REPLICATION_1);
    ns.setReplication(`${noChangeDir}/metaChangeFile2`, REPLICATION_1);
    snapshot(ns, dir, 's1');
    // The two files keep s0's replication 3 in their space.
    expect(usage(ns, dir)).toEqual([9, BLOCKSIZE * REPLICATION * 4]);

    ns.delete(noChangeDirParent, { recursive: true, nowMs: 12 });
    expect(usage(ns, dir)).toEqual([9, BLOCKSIZE * REPLICATION * 4]);

    createFile(ns, `${sub}/newFile`);
    expect(usage(ns, dir)).toEqual([10, BLOCKSIZE * REPLICATION * 5]);
    ns.delete(sub, { recursive: true, nowMs: 13 });
    // newFile (no snapshot has it) goes; the rest stays charged.
    expect(usage(ns, dir)).toEqual([9, BLOCKSIZE * REPLICATION * 4]);
  });

  it('gives back what only the deleted snapshot held (testDeleteEarliestSnapshot2)', () => {
    const ns = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
    const noChangeDir = `${sub}/noChangeDir`;
    const metaChangeFile = `${noChangeDir}/metaChangeFile`;
    const metaChangeDir = `${noChangeDir}/metaChangeDir`;
    createFile(ns, `${noChangeDir}/noChangeFile`);
    createFile(ns, metaChangeFile);
    createFile(ns, `${metaChangeDir}/toDeleteFile`);
    snapshot(ns, dir, 's0');
    expect(usage(ns, dir)).toEqual([7, 3 * BLOCKSIZE * REPLICATION]);
    ns.delete(`${metaChangeDir}/toDeleteFile`, { recursive: true, nowMs: 11 });
    expect(usage(ns, dir)).toEqual([7, 3 * BLOCKSIZE * REPLICATION]);
    ns.setReplication(metaChangeFile, REPLICATION_1);
    ns.setOwner(metaChangeDir, { username: 'unknown', groupname: 'unknown' });
    expect(usage(ns, dir)).toEqual([7, 3 * BLOCKSIZE * REPLICATION]);
    ns.createSnapshot(dir, { name: 's1', nowMs: 12 });
    expect(usage(ns, dir)).toEqual([7, 3 * BLOCKSIZE * REPLICATION]);
    ns.deleteSnapshot(dir, { name: 's0', nowMs: 13 });
    // toDeleteFile goes, and metaChangeFile's replication falls to s1's 2.
    expect(usage(ns, dir)).toEqual([6, 2 * BLOCKSIZE * REPLICATION - BLOCKSIZE]);
  });
});

/** FSDirectory's quota usage of a directory (checkQuotaUsageComputation's getSpaceConsumed). */
function quotaUsage(ns: Namespace, p: string): [number, number] {
  const u = ns.quotaUsageOf(p)!;
  return [u.namespace, u.storagespace];
}

describe('quota usage with renames under snapshots (TestRenameWithSnapshots)', () => {
  it('charges a directory renamed out of a snapshotted directory to it as the snapshot has it (testRenameDirAndDeleteSnapshot_3)', () => {
    const ns = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
    createFile(ns, '/dir1/foo/bar');
    ns.mkdirs('/dir2', { permission: DIR, createParent: true, nowMs: 1 });
    snapshot(ns, '/dir1', 's1');
    snapshot(ns, '/dir2', 's2');
    ns.rename('/dir1/foo', '/dir2/foo', { nowMs: 11 });
    createFile(ns, '/dir2/foo/bar2');
    createFile(ns, '/dir2/foo/bar3');
    ns.createSnapshot('/dir2', { name: 's3', nowMs: 12 });
    ns.delete('/dir2/foo', { recursive: true, nowMs: 13 });
    ns.deleteSnapshot('/dir2', { name: 's3', nowMs: 14 });
    // dir1 and s1's foo with its bar; dir2 alone.
    expect(quotaUsage(ns, '/dir1')[0]).toBe(3);
    expect(quotaUsage(ns, '/dir2')[0]).toBe(1);
  });

  it('charges a file renamed over a snapshotted file once as the new file, once as the old (testRenameExceedQuota)', () => {
    const ns = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
    ns.mkdirs('/test/dir1', { permission: DIR, createParent: true, nowMs: 1 });
    createFile(ns, '/test/dir2/subdir/subfile');
    createFile(ns, '/test/dir1/foo');
    snapshot(ns, '/test/dir1', 's1');
    snapshot(ns, '/test/dir2', 's2');
    ns.setQuota('/test/dir2', { nsQuota: '5', dsQuota: String(BigInt(LONG_MAX) - 1n) });
    ns.renameTo('/test/dir1/foo', '/test/dir2/subdir/subfile', { options: ['OVERWRITE'], nowMs: 11 });
    expect(quotaUsage(ns, '/test/dir2')).toEqual([4, BLOCKSIZE * REPLICATION * 2]);
  });

  it('charges a file renamed within a snapshotted directory twice, its old name as the snapshot has it, until the snapshot goes (WithName.computeQuotaUsage)', () => {
    const ns = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
    createFile(ns, '/q/a');
    snapshot(ns, '/q', 's1');
    ns.setReplication('/q/a', REPLICATION_1);
    ns.rename('/q/a', '/q/b', { nowMs: 11 });
    // /q, b, and s1's a (at replication 3) in the deleted list; -count counts a once.
    expect(quotaUsage(ns, '/q')).toEqual([3, BLOCKSIZE * REPLICATION * 2]);
    expect(usage(ns, '/q')).toEqual([2, BLOCKSIZE * REPLICATION]);
    ns.setQuota('/q', { nsQuota: '3', dsQuota: LONG_MAX });
    expect(thrown(() => createFile(ns, '/q/c')).message).toBe(
      'The NameSpace quota (directories and files) of directory /q is exceeded: quota=3 file count=4',
    );
    ns.deleteSnapshot('/q', { name: 's1', nowMs: 12 });
    expect(quotaUsage(ns, '/q')).toEqual([2, BLOCKSIZE * REPLICATION_1]);
    createFile(ns, '/q/c');
  });

  it('charges a directory renamed within a snapshotted directory again with its subtree as the snapshot has it', () => {
    const ns = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
    createFile(ns, '/q/foo/bar');
    snapshot(ns, '/q', 's1');
    ns.rename('/q/foo', '/q/foo2', { nowMs: 11 });
    createFile(ns, '/q/foo2/bar2');
    // /q, foo2, bar, bar2, and s1's foo with its bar.
    expect(quotaUsage(ns, '/q')).toEqual([6, BLOCKSIZE * REPLICATION * 3]);
    // Under foo2 nothing was renamed: its usage is its content.
    expect(quotaUsage(ns, '/q/foo2')).toEqual(usage(ns, '/q/foo2'));
  });
});

describe('overwrite and quotas', () => {
  it('refuses an overwrite in a directory already over a name quota set below its usage (FSDirWriteFileOp.startFile)', () => {
    const ns = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
    closedFile(ns, '/q/a', [10]);
    closedFile(ns, '/q/b', [10]);
    ns.setQuota('/q', { nsQuota: '2', dsQuota: LONG_MAX });
    // The delete leaves /q and b; the new a is the third name of two.
    expect(thrown(() => ns.create('/q/a', { ...OPEN, overwrite: true })).message).toBe(
      'The NameSpace quota (directories and files) of directory /q is exceeded: quota=2 file count=3',
    );
    expect(ns.getBlocks('/q/a')).toHaveLength(1);
    ns.setQuota('/q', { nsQuota: '3', dsQuota: LONG_MAX });
    ns.create('/q/a', { ...OPEN, overwrite: true });
    expect(ns.getBlocks('/q/a')).toHaveLength(0);
  });
});

describe('quota refusals with snapshots', () => {
  /** /q with these quotas, snapshottable; its ops go to `log`. */
  function quotaDir(
    ns: Namespace,
    quotas: { nsQuota: string; dsQuota: string },
    log: PendingOp[] = [],
  ): void {
    log.push(...ns.mkdirs('/q', { permission: DIR, createParent: true, nowMs: 1 }));
    log.push(...ns.setQuota('/q', quotas));
    log.push(...ns.allowSnapshot('/q'));
  }

  it('refuses a new name while a deleted file still counts, after a restart too, and takes it once the snapshot is deleted', () => {
    const ns = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
    const log: PendingOp[] = [];
    quotaDir(ns, { nsQuota: '3', dsQuota: LONG_MAX }, log);
    closedFile(ns, '/q/a', [10], { log });
    log.push(...ns.createSnapshot('/q', { name: 's1', nowMs: 2 }).ops);
    log.push(...ns.delete('/q/a', { recursive: false, nowMs: 3 }).ops);
    closedFile(ns, '/q/b', [10], { log });
    const e = thrown(() => closedFile(ns, '/q/c', [10]));
    expect(e.errorClass).toBe('NSQuotaExceededException');
    expect(e.message).toBe(
      'The NameSpace quota (directories and files) of directory /q is exceeded: quota=3 file count=4',
    );
    // -count -q: /q, b and the deleted a are the three names; none is left.
    const s = ns.contentSummary('/q');
    const quotas = {
      quota: Number(ns.quotaOf('/q')?.nsQuota),
      spaceQuota: Number(ns.quotaOf('/q')?.dsQuota),
    };
    expect(formatCount([{ path: '/q', ...s, ...quotas }], { quotas: true, human: false })).toBe(
      `${'3'.padStart(12)} ${'0'.padStart(15)} ${'none'.padStart(15)} ${'inf'.padStart(15)} ` +
        `${'1'.padStart(12)} ${'2'.padStart(12)} ${'20'.padStart(18)} /q\n`,
    );
    // A NameNode started from the image, or from the edits alone, counts the same.
    const fromImage = Namespace.fromImage(ns.toImage(20));
    const replayed = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
    for (const op of log) replayed.applyOp(op);
    for (const restarted of [fromImage, replayed]) {
      expect(restarted.contentSummary('/q')).toEqual(s);
      expect(thrown(() => closedFile(restarted, '/q/c', [10])).message).toContain('quota=3 file count=4');
    }

    ns.deleteSnapshot('/q', { name: 's1', nowMs: 4 });
    closedFile(ns, '/q/c', [10]);
    expect(ns.resolve('/q/c')).not.toBeNull();
  });

  it("keeps a deleted file's blocks in the space usage until the last snapshot holding them goes", () => {
    const ns = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
    quotaDir(ns, { nsQuota: LONG_MAX, dsQuota: String(2 * MB) });
    closedFile(ns, '/q/a', [MB], { replication: 1 });
    ns.createSnapshot('/q', { name: 's1', nowMs: 2 });
    ns.createSnapshot('/q', { name: 's2', nowMs: 3 });
    ns.delete('/q/a', { recursive: false, nowMs: 4 });
    ns.create('/q/b', { ...OPEN, replication: 2 });
    // b's first block reserves 1 MiB × 2 replicas on top of the 1 MiB the snapshots keep.
    const allocate = (): unknown => ns.allocateBlock('/q/b', { clientName: OPEN.clientName, previous: null });
    expect(thrown(allocate).message).toBe(
      'The DiskSpace quota of /q is exceeded: quota = 2097152 B = 2 MB but diskspace consumed = 3145728 B = 3 MB',
    );
    ns.deleteSnapshot('/q', { name: 's1', nowMs: 5 });
    expect(thrown(allocate).errorClass).toBe('DSQuotaExceededException');
    ns.deleteSnapshot('/q', { name: 's2', nowMs: 6 });
    allocate();
    expect(ns.contentSummary('/q').spaceConsumed).toBe(2 * MB);
  });

  it('counts an overwritten file a snapshot holds as a name, and a replication raised past the quota', () => {
    const ns = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
    quotaDir(ns, { nsQuota: '2', dsQuota: String(3 * MB) });
    closedFile(ns, '/q/a', [MB], { replication: 1 });
    ns.createSnapshot('/q', { name: 's1', nowMs: 2 });
    const overwrite = (): unknown => ns.create('/q/a', { ...OPEN, overwrite: true });
    // FSDirDeleteOp leaves the old a in s1's diff: the new a is a third name.
    expect(thrown(overwrite).message).toBe(
      'The NameSpace quota (directories and files) of directory /q is exceeded: quota=2 file count=3',
    );
    // FSDirAttrOp.setReplication: 1 MiB × 2 more replicas is 3 MiB in all, within the quota; one more is not.
    ns.setReplication('/q/a', 3);
    expect(thrown(() => ns.setReplication('/q/a', 4)).message).toBe(
      'The DiskSpace quota of /q is exceeded: quota = 3145728 B = 3 MB but diskspace consumed = 4194304 B = 4 MB',
    );
    // Back to 1: s1's copy was taken at 1 too, so 1 MiB is all a takes.
    ns.setReplication('/q/a', 1);
    expect(ns.contentSummary('/q').spaceConsumed).toBe(MB);
    ns.deleteSnapshot('/q', { name: 's1', nowMs: 4 });
    overwrite();
  });
});

/** ClientProtocol.create's options for a file left open. */
const OPEN = {
  permission: FILE_PERM,
  clientName: 'DFSClient_quota_snapshots',
  clientMachine: '127.0.0.1',
  overwrite: false,
  createParent: false,
  replication: 1,
  blockSizeBytes: MB,
  nowMs: 3,
};
