import { describe, expect, it } from 'vitest';
import type { BlockRef, EditLogOp, PendingOp, PermissionStatus } from '../../cluster/namenode/editlog/ops.js';
import { Namespace, type CreateOptions } from '../../cluster/namenode/namespace.js';
import { thrown } from './remote-error.js';

const FORMAT = { superuser: 'student', namespaceId: 123456789 };
const DIR_PERM: PermissionStatus = { user: 'student', group: 'supergroup', mode: 0o755 };
const FILE_PERM: PermissionStatus = { user: 'student', group: 'supergroup', mode: 0o644 };
const CLIENT = 'DFSClient_NONMAPREDUCE_-1234567_1';
const OTHER = 'DFSClient_NONMAPREDUCE_42_1';
const MB = 1_048_576;

/** A namespace that records every op it hands out, as the edit log would. */
function recorded(): { ns: Namespace; log: PendingOp[]; keep: (ops: PendingOp[]) => PendingOp[] } {
  const ns = new Namespace(FORMAT);
  const log: PendingOp[] = [];
  return {
    ns,
    log,
    keep: (ops) => {
      log.push(...ops);
      return ops;
    },
  };
}

function createOptions(overrides: Partial<CreateOptions> = {}): CreateOptions {
  return {
    permission: FILE_PERM,
    clientName: CLIENT,
    clientMachine: '127.0.0.1',
    overwrite: false,
    createParent: true,
    replication: 3,
    blockSizeBytes: MB,
    nowMs: 1_000,
    ...overrides,
  };
}

/** create + blocks + complete, the way a client writes a file; returns its blocks. */
function writeFile(ns: Namespace, path: string, sizes: number[], keep = (o: PendingOp[]) => o): BlockRef[] {
  keep(ns.create(path, createOptions()).ops);
  let previous: BlockRef | null = null;
  const blocks: BlockRef[] = [];
  for (const size of sizes) {
    const { block, ops } = ns.allocateBlock(path, { clientName: CLIENT, previous, nowMs: 2_000 });
    keep(ops);
    previous = { ...block, numBytes: size };
    blocks.push(previous);
  }
  keep(ns.completeFile(path, { clientName: CLIENT, last: previous, nowMs: 3_000 }));
  return blocks;
}

describe('a freshly formatted namespace', () => {
  it('has only the root, with HDFS starting counters', () => {
    const image = new Namespace(FORMAT).toImage(0);
    expect(image).toMatchObject({
      namespaceId: 123456789,
      genstampV1: 1000,
      genstampV2: 1000,
      genstampV1Limit: 0,
      lastAllocatedBlockId: 1073741824,
      txid: 0,
      lastInodeId: 16385,
      directories: [],
      filesUnderConstruction: [],
    });
    expect(image.inodes).toEqual([
      {
        id: 16385,
        type: 'DIRECTORY',
        name: '',
        directory: {
          mtime: 0,
          permission: { user: 'student', group: 'supergroup', mode: 0o755 },
          nsQuota: '9223372036854775807',
          dsQuota: '-1',
        },
      },
    ]);
  });
});

describe('hdfs dfs -put, NameNode side', () => {
  it('logs the ops of section 4.7 with the first ids HDFS hands out', () => {
    const { ns, log, keep } = recorded();
    keep(ns.create('/data/a.txt._COPYING_', createOptions({ overwrite: true, nowMs: 1_000 })).ops);
    const first = ns.allocateBlock('/data/a.txt._COPYING_', {
      clientName: CLIENT,
      previous: null,
      nowMs: 1_100,
    });
    keep(first.ops);
    expect(first.block).toEqual({ blockId: 1073741825, numBytes: 0, genStamp: 1001 });
    const second = ns.allocateBlock('/data/a.txt._COPYING_', {
      clientName: CLIENT,
      previous: { ...first.block, numBytes: MB },
      nowMs: 1_200,
    });
    keep(second.ops);
    keep(
      ns.completeFile('/data/a.txt._COPYING_', {
        clientName: CLIENT,
        last: { ...second.block, numBytes: 12 },
        nowMs: 1_300,
      }),
    );
    keep(ns.rename('/data/a.txt._COPYING_', '/data/a.txt', { nowMs: 1_400 }).ops);

    expect(log.map((o) => o.op)).toEqual([
      'OP_MKDIR',
      'OP_ADD',
      'OP_ALLOCATE_BLOCK_ID',
      'OP_SET_GENSTAMP_V2',
      'OP_ADD_BLOCK',
      'OP_ALLOCATE_BLOCK_ID',
      'OP_SET_GENSTAMP_V2',
      'OP_ADD_BLOCK',
      'OP_CLOSE',
      'OP_RENAME_OLD',
    ]);
    expect(log[0]).toMatchObject({ inodeId: 16386, path: '/data', timestamp: 1_000 });
    // The implicit parent gets the root's mode with u+wx and the creator as owner.
    expect(log[0]).toMatchObject({ permission: { user: 'student', mode: 0o755 } });
    expect(log[1]).toMatchObject({
      inodeId: 16387,
      path: '/data/a.txt._COPYING_',
      overwrite: true,
      blocks: [],
      clientName: CLIENT,
      clientMachine: '127.0.0.1',
    });
    expect(log[7]).toMatchObject({
      path: '/data/a.txt._COPYING_',
      blocks: [
        { blockId: 1073741825, numBytes: MB, genStamp: 1001 },
        { blockId: 1073741826, numBytes: 0, genStamp: 1002 },
      ],
    });
    expect(log[8]).toMatchObject({
      op: 'OP_CLOSE',
      inodeId: 0,
      mtime: 1_300,
      atime: 1_000,
      blocks: [
        { blockId: 1073741825, numBytes: MB, genStamp: 1001 },
        { blockId: 1073741826, numBytes: 12, genStamp: 1002 },
      ],
    });
    expect(log[9]).toMatchObject({ src: '/data/a.txt._COPYING_', dst: '/data/a.txt', timestamp: 1_400 });

    const status = ns.getFileInfo('/data/a.txt');
    expect(status).toMatchObject({ type: 'FILE', length: MB + 12, replication: 3, underConstruction: false });
    expect(ns.leases.holderOf('/data/a.txt')).toBeNull();
    expect(ns.fileOfBlock(1073741826)?.path).toBe('/data/a.txt');
  });

  it('an empty file is OP_ADD then OP_CLOSE', () => {
    const { ns, log, keep } = recorded();
    writeFile(ns, '/empty', [], keep);
    expect(log.map((o) => o.op)).toEqual(['OP_ADD', 'OP_CLOSE']);
    expect(ns.getFileInfo('/empty')?.length).toBe(0);
  });
});

describe('replay', () => {
  it('applying the returned ops to a fresh namespace rebuilds the same image', () => {
    const { ns, log, keep } = recorded();
    keep(ns.mkdirs('/a/b/c', { permission: DIR_PERM, createParent: true, nowMs: 500 }));
    writeFile(ns, '/a/b/one', [MB, 10], keep);
    writeFile(ns, '/a/two', [7], keep);
    keep(ns.rename('/a/two', '/a/b/c', { nowMs: 4_000 }).ops);
    keep(ns.setReplication('/a/b/one', 2).ops);
    keep(ns.setTimes('/a/b/one', { mtime: 5_000, atime: 5_500 }));
    keep(ns.create('/a/open', createOptions({ nowMs: 6_000 })).ops);
    const open = ns.allocateBlock('/a/open', { clientName: CLIENT, previous: null });
    keep(open.ops);
    const { genStamp, ops: bumpOps } = ns.updateBlockForPipeline({ block: open.block, clientName: CLIENT });
    keep(bumpOps);
    keep(
      ns.updatePipeline({
        clientName: CLIENT,
        oldBlock: open.block,
        newBlock: { ...open.block, genStamp, numBytes: 3 },
      }),
    );
    keep(ns.create('/a/b/one', createOptions({ overwrite: true, nowMs: 7_000, clientName: OTHER })).ops);
    keep(ns.delete('/a/b/c', { recursive: true, nowMs: 8_000 }).ops);
    keep(ns.reassignLease('/a/open', { nowMs: 9_000 }));

    const replayed = new Namespace(FORMAT);
    log.forEach((op, i) => replayed.applyOp({ ...op, txid: i + 2 } as EditLogOp));
    expect(replayed.toImage(log.length + 1)).toEqual(ns.toImage(log.length + 1));
    expect(replayed.leases.holderOf('/a/open')).toBe('HDFS_NameNode');
    expect(replayed.leases.holderOf('/a/b/one')).toBe(OTHER);

    // And an image round-trips through fromImage.
    const reloaded = Namespace.fromImage(ns.toImage(99));
    expect(reloaded.toImage(99)).toEqual(ns.toImage(99));
    expect(reloaded.leases.holderOf('/a/b/one')).toBe(OTHER);
    expect(reloaded.fileOfBlock(open.block.blockId)?.path).toBe('/a/open');
  });

  it('inode ids, block ids and genstamps are never reused after deletes', () => {
    const ns = new Namespace(FORMAT);
    writeFile(ns, '/f', [5]);
    ns.delete('/f', { recursive: false, nowMs: 10 });
    const ops = ns.create('/f', createOptions()).ops;
    expect(ops[0]).toMatchObject({ op: 'OP_ADD', inodeId: 16387 });
    expect(ns.allocateBlock('/f', { clientName: CLIENT, previous: null }).block).toMatchObject({
      blockId: 1073741826,
      genStamp: 1002,
    });
  });
});

describe('mkdirs', () => {
  it('makes one OP_MKDIR per missing directory, parent first, and [] when it exists', () => {
    const ns = new Namespace(FORMAT);
    const perm = { ...DIR_PERM, mode: 0o700 };
    const ops = ns.mkdirs('/x/y/z', { permission: perm, createParent: true, nowMs: 9 });
    expect(ops.map((o) => ('path' in o ? o.path : ''))).toEqual(['/x', '/x/y', '/x/y/z']);
    expect(ops.map((o) => (o.op === 'OP_MKDIR' ? o.inodeId : 0))).toEqual([16386, 16387, 16388]);
    expect(ops[2]).toMatchObject({ permission: { mode: 0o700 } });
    expect(ns.mkdirs('/x/y', { permission: perm, createParent: true, nowMs: 10 })).toEqual([]);
    expect(ns.getFileInfo('/')?.modificationTime).toBe(9);
  });
});

describe('create', () => {
  // Refusals of an existing file, a directory or a missing parent are in
  // testdata/namenode-core/namespace.txt, through the NameNode core.
  it('refuses a replication below the minimum', () => {
    const ns = new Namespace(FORMAT);
    expect(thrown(() => ns.create('/d/g', createOptions({ replication: 0 }))).message).toBe(
      'Requested replication factor of 0 is less than the required minimum of 1 for /d/g, clientName=127.0.0.1',
    );
  });

  it('asks another writer to retry while the lease past its soft limit is recovered', () => {
    // The refusals of a second writer and of the holder itself are in
    // testdata/namenode-core/leases.txt. Past the soft limit the NameNode would recover the lease
    // first: the caller retries later (FSNamesystem.recoverLeaseInternal's RecoveryInProgressException).
    const ns = new Namespace(FORMAT);
    ns.create('/w', createOptions({ nowMs: 1_000 }));
    const recovering = thrown(() => ns.create('/w', createOptions({ clientName: OTHER, nowMs: 70_000 })));
    expect(recovering.errorClass).toBe('RecoveryInProgressException');
    expect(recovering.message).toContain('lease recovery is in progress. Try again later.');
  });

  it('overwrites with OP_ADD OVERWRITE (no OP_DELETE) and hands back the old blocks', () => {
    const ns = new Namespace(FORMAT);
    const blocks = writeFile(ns, '/f', [MB, 3]);
    const result = ns.create('/f', createOptions({ overwrite: true, nowMs: 9_000 }));
    expect(result.ops.map((o) => o.op)).toEqual(['OP_ADD']);
    expect(result.removedBlocks).toEqual(blocks);
    expect(ns.fileOfBlock(blocks[0]!.blockId)).toBeNull();
    expect(ns.getFileInfo('/f')).toMatchObject({ fileId: result.fileId, length: 0, underConstruction: true });
  });
});

describe('writing blocks', () => {
  it('only the lease holder may add blocks or complete', () => {
    const ns = new Namespace(FORMAT);
    ns.create('/f', createOptions());
    const notOwner = thrown(() => ns.allocateBlock('/f', { clientName: OTHER, previous: null }));
    expect(notOwner.errorClass).toBe('LeaseExpiredException');
    expect(notOwner.message).toContain(`Client (=${OTHER}) is not the lease owner (=${CLIENT}`);
    expect(thrown(() => ns.allocateBlock('/gone', { clientName: CLIENT, previous: null })).errorClass).toBe(
      'FileNotFoundException',
    );
    ns.completeFile('/f', { clientName: CLIENT, last: null, nowMs: 5 });
    expect(thrown(() => ns.allocateBlock('/f', { clientName: CLIENT, previous: null })).message).toContain(
      'File is not open for writing: /f',
    );
  });

  it('a retried addBlock gets the same block and logs nothing; a wrong previous is refused', () => {
    const ns = new Namespace(FORMAT);
    ns.create('/f', createOptions());
    const first = ns.allocateBlock('/f', { clientName: CLIENT, previous: null });
    const retry = ns.allocateBlock('/f', { clientName: CLIENT, previous: null });
    expect(retry).toEqual({ block: first.block, ops: [] });
    const bogus = { blockId: 1, numBytes: 0, genStamp: 1 };
    expect(thrown(() => ns.allocateBlock('/f', { clientName: CLIENT, previous: bogus })).message).toContain(
      "passed 'previous' block blk_1_1 does not match actual last block in file blk_1073741825_1001",
    );
  });

  it('a retried complete succeeds with no ops; a wrong last block is refused', () => {
    const ns = new Namespace(FORMAT);
    ns.create('/f', createOptions());
    const { block } = ns.allocateBlock('/f', { clientName: CLIENT, previous: null });
    expect(
      thrown(() => ns.completeFile('/f', { clientName: CLIENT, last: { ...block, genStamp: 999 }, nowMs: 1 }))
        .message,
    ).toContain('Commit block with mismatching GS');
    const last = { ...block, numBytes: 4 };
    expect(ns.completeFile('/f', { clientName: CLIENT, last, nowMs: 2 })).toHaveLength(1);
    expect(ns.completeFile('/f', { clientName: CLIENT, last, nowMs: 3 })).toEqual([]);
  });

  it('abandonBlock drops the last block with OP_UPDATE_BLOCKS', () => {
    const ns = new Namespace(FORMAT);
    ns.create('/f', createOptions());
    const { block } = ns.allocateBlock('/f', { clientName: CLIENT, previous: null });
    const ops = ns.abandonBlock('/f', { clientName: CLIENT, block });
    expect(ops).toEqual([
      { op: 'OP_UPDATE_BLOCKS', path: '/f', blocks: [], rpcIds: { clientId: null, callId: -2 } },
    ]);
    expect(ns.getBlocks('/f')).toEqual([]);
    expect(ns.fileOfBlock(block.blockId)).toBeNull();
  });

  it('pipeline recovery bumps the genstamp, then records the block with it', () => {
    const ns = new Namespace(FORMAT);
    ns.create('/f', createOptions());
    const { block } = ns.allocateBlock('/f', { clientName: CLIENT, previous: null });
    const bumped = ns.updateBlockForPipeline({ block, clientName: CLIENT });
    expect(bumped).toEqual({ genStamp: 1002, ops: [{ op: 'OP_SET_GENSTAMP_V2', genStamp: 1002 }] });
    expect(thrown(() => ns.updateBlockForPipeline({ block, clientName: OTHER })).errorClass).toBe(
      'LeaseExpiredException',
    );
    const newBlock = { ...block, genStamp: 1002, numBytes: 100 };
    const ops = ns.updatePipeline({ clientName: CLIENT, oldBlock: block, newBlock });
    expect(ops).toMatchObject([{ op: 'OP_UPDATE_BLOCKS', path: '/f', blocks: [newBlock] }]);
    expect(
      thrown(() =>
        ns.updatePipeline({ clientName: CLIENT, oldBlock: newBlock, newBlock: { ...newBlock, numBytes: 1 } }),
      ).message,
    ).toContain('to an older state');
  });

  it('lease recovery hands the file to HDFS_NameNode', () => {
    const ns = new Namespace(FORMAT);
    ns.create('/f', createOptions({ nowMs: 0 }));
    const ops = ns.reassignLease('/f', { nowMs: 2_000_000 });
    expect(ops).toEqual([
      { op: 'OP_REASSIGN_LEASE', leaseHolder: CLIENT, path: '/f', newHolder: 'HDFS_NameNode' },
    ]);
    expect(ns.leases.holderOf('/f')).toBe('HDFS_NameNode');
    expect(ns.leases.expired(2_000_000).hard).toEqual([]);
    expect(ns.getFileInfo('/f')?.underConstruction).toBe(true);
  });
});

describe('rename (old semantics)', () => {
  it('moves into an existing directory and answers false instead of throwing', () => {
    const ns = new Namespace(FORMAT);
    ns.mkdirs('/dir', { permission: DIR_PERM, createParent: true, nowMs: 1 });
    writeFile(ns, '/f', []);
    writeFile(ns, '/g', []);
    const moved = ns.rename('/f', '/dir', { nowMs: 50 });
    expect(moved.ok).toBe(true);
    expect(moved.ops).toMatchObject([{ op: 'OP_RENAME_OLD', src: '/f', dst: '/dir/f', timestamp: 50 }]);
    expect(ns.getFileInfo('/dir/f')?.type).toBe('FILE');
    expect(ns.getFileInfo('/dir')?.modificationTime).toBe(50);

    expect(ns.rename('/missing', '/x', { nowMs: 60 })).toEqual({ ok: false, ops: [] });
    expect(ns.rename('/g', '/dir/f', { nowMs: 60 })).toEqual({ ok: false, ops: [] });
    expect(ns.rename('/dir', '/dir/sub', { nowMs: 60 })).toEqual({ ok: false, ops: [] });
    expect(ns.rename('/g', '/nowhere/g', { nowMs: 60 })).toEqual({ ok: false, ops: [] });
    expect(ns.rename('/', '/x', { nowMs: 60 })).toEqual({ ok: false, ops: [] });
  });

  it('an open file keeps its lease under the new name', () => {
    const ns = new Namespace(FORMAT);
    ns.create('/d/f._COPYING_', createOptions());
    ns.rename('/d', '/e', { nowMs: 5 });
    expect(ns.leases.holderOf('/e/f._COPYING_')).toBe(CLIENT);
    expect(ns.allocateBlock('/e/f._COPYING_', { clientName: CLIENT, previous: null }).ops).toHaveLength(3);
  });
});

describe('delete', () => {
  it('needs recursive for a non-empty directory, refuses the root, returns removed blocks', () => {
    const ns = new Namespace(FORMAT);
    const a = writeFile(ns, '/d/a', [MB, 5]);
    const b = writeFile(ns, '/d/sub/b', [9]);
    expect(thrown(() => ns.delete('/d', { recursive: false, nowMs: 1 }))).toMatchObject({
      errorClass: 'PathIsNotEmptyDirectoryException',
      message: "`/d is non empty': Directory is not empty",
    });
    expect(ns.delete('/', { recursive: true, nowMs: 1 })).toEqual({ ok: false, ops: [], removedBlocks: [] });
    expect(ns.delete('/nope', { recursive: true, nowMs: 1 }).ok).toBe(false);
    const result = ns.delete('/d', { recursive: true, nowMs: 7_700 });
    expect(result.ok).toBe(true);
    expect(result.ops).toMatchObject([{ op: 'OP_DELETE', path: '/d', timestamp: 7_700 }]);
    expect(result.removedBlocks).toEqual([...a, ...b]);
    expect(ns.getFileInfo('/d')).toBeNull();
    expect(ns.getFileInfo('/')?.modificationTime).toBe(7_700);
  });

  it('deleting an open file ends its lease', () => {
    const ns = new Namespace(FORMAT);
    ns.create('/open', createOptions());
    ns.delete('/open', { recursive: false, nowMs: 2 });
    expect(ns.leases.holderOf('/open')).toBeNull();
    expect(ns.leases.getLease(CLIENT)).toBeUndefined();
  });
});

describe('attributes and queries', () => {
  it('setReplication logs the change for files and answers false otherwise', () => {
    const ns = new Namespace(FORMAT);
    writeFile(ns, '/f', [1]);
    expect(ns.setReplication('/f', 2)).toMatchObject({
      ok: true,
      oldReplication: 3,
      newReplication: 2,
      ops: [{ op: 'OP_SET_REPLICATION', path: '/f', replication: 2 }],
    });
    expect(ns.setReplication('/', 2).ok).toBe(false);
    expect(ns.setReplication('/missing', 2).ok).toBe(false);
    expect(thrown(() => ns.setReplication('/f', 513)).message).toContain('exceeds maximum of 512');
  });

  it('setTimes and reads that move atime log OP_TIMES', () => {
    const ns = new Namespace(FORMAT);
    writeFile(ns, '/f', [1]);
    expect(ns.setTimes('/f', { mtime: 10, atime: -1 })).toEqual([
      { op: 'OP_TIMES', path: '/f', mtime: 10, atime: -1 },
    ]);
    expect(ns.getFileInfo('/f')).toMatchObject({ modificationTime: 10, accessTime: 1_000 });
    expect(ns.recordAccess('/f', 1_000 + 3_600_000)).toEqual([]);
    expect(ns.recordAccess('/f', 1_001 + 3_600_000)).toHaveLength(1);
    expect(thrown(() => ns.setTimes('/nope', { mtime: 1, atime: 1 })).message).toBe(
      'File/Directory /nope does not exist.',
    );
  });

  it('lists children in byte order, a file as itself, and nothing for a missing path', () => {
    const ns = new Namespace(FORMAT);
    for (const name of ['b', 'B', 'a']) writeFile(ns, `/d/${name}`, []);
    expect(ns.getListing('/d')?.map((s) => s.path)).toEqual(['/d/B', '/d/a', '/d/b']);
    expect(ns.getListing('/d/a')?.map((s) => s.pathSuffix)).toEqual(['a']);
    expect(ns.getListing('/zzz')).toBeNull();
    expect(ns.getFileInfo('/d')).toMatchObject({
      type: 'DIRECTORY',
      childrenNum: 3,
      replication: 0,
      blockSize: 0,
    });
    expect(ns.toImage(0).directories.find((d) => d.parent === 16386)?.children).toEqual([
      16388, 16389, 16387,
    ]);
  });

  it('summarises content like hdfs dfs -count / -du', () => {
    const ns = new Namespace(FORMAT);
    writeFile(ns, '/d/a', [MB, 100]);
    writeFile(ns, '/d/e/b', [10]);
    ns.create('/d/open', createOptions({ replication: 2 }));
    ns.allocateBlock('/d/open', { clientName: CLIENT, previous: null });
    // A directory's erasure-coding policy name is "" (ContentSummary of a directory in Hadoop 3).
    expect(ns.contentSummary('/d')).toEqual({
      erasureCodingPolicy: '',
      length: MB + 110,
      fileCount: 3,
      directoryCount: 2,
      // closed files: bytes × 3; the open file reserves a whole block × 2.
      spaceConsumed: (MB + 110) * 3 + MB * 2,
      snapshotLength: 0,
      snapshotFileCount: 0,
      snapshotDirectoryCount: 0,
      snapshotSpaceConsumed: 0,
    });
    expect(thrown(() => ns.contentSummary('/none')).errorClass).toBe('FileNotFoundException');
    expect([...ns.allFiles()].map((f) => f.path)).toEqual(['/d/a', '/d/e/b', '/d/open']);
  });
});
