/**
 * Truncate without processes: the namespace's side (FSDirTruncateOp: blocks past the cut dropped,
 * a cut inside a block reopening the file under a new generation stamp, OP_TRUNCATE), its bytes and
 * `hdfs oev` XML (FSEditLogOp.TruncateOp), the NameNode's DNA_RECOVERBLOCK with the truncate block
 * (RecoveringBlockProto.truncateBlock), and the DataNode storage's cut (FsDatasetImpl.truncateBlock:
 * the .meta keeps the chunks left, the partial last one's CRC computed again).
 */
import fs from 'node:fs';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildMeta, verifyReplica } from '../../cluster/datanode/meta.js';
import { decodeSegment, encodeSegment } from '../../cluster/namenode/editlog/codec.js';
import { editsToXml } from '../../cluster/namenode/editlog/oev.js';
import { decodeImage, encodeImage } from '../../cluster/namenode/fsimage/codec.js';
import type { BlockRef, EditLogOp, PendingOp } from '../../cluster/namenode/editlog/ops.js';
import type { INodeFile } from '../../cluster/namenode/inode.js';
import { Namespace } from '../../cluster/namenode/namespace.js';
import { QUOTA_DONT_SET } from '../../cluster/namenode/quota.js';
import type { DatanodeCommand } from '../../cluster/protocol/messages.js';
import { datanodeProtocol } from '../../cluster/protocol/registry/datanode-protocol-codec.js';
import { DatanodeStorage } from '../../cluster/runtime/datanode-storage.js';
import { closedFile, FILE_PERM as PERM, MB, WRITER } from './namespace-files.js';
import { encodedRecord, long, utf } from './edit-record.js';
import { thrown } from './remote-error.js';
import { removeVolume, volumeWithReplica, type TestVolume } from './datanode-volume.js';

const CUTTER = 'DFSClient_NONMAPREDUCE_2_1';

const cut = (newLength: number, nowMs = 5_000) => ({
  newLength,
  clientName: CUTTER,
  clientMachine: '10.0.0.9',
  nowMs,
});

describe('truncate in the namespace', () => {
  it('on a block boundary drops the blocks past it and logs one OP_TRUNCATE without a block', () => {
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    const [first, second, third] = closedFile(ns, '/f', [MB, MB, 300]);
    const r = ns.truncate('/f', cut(MB));
    expect(r.ops).toEqual([
      {
        op: 'OP_TRUNCATE',
        src: '/f',
        clientName: CUTTER,
        clientMachine: '10.0.0.9',
        newLength: MB,
        timestamp: 5_000,
        truncateBlock: null,
      },
    ]);
    expect(r.removedBlocks).toEqual([second, third]);
    expect(r.truncateBlock).toBeNull();
    expect(ns.getBlocks('/f')).toEqual([first]);
    expect(ns.getFileInfo('/f')).toMatchObject({
      length: MB,
      underConstruction: false,
      modificationTime: 5_000,
    });
  });

  it('inside a block reopens the file under the caller’s lease with the truncate block at a new stamp', () => {
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    const [first, second] = closedFile(ns, '/f', [MB, 5000]);
    const r = ns.truncate('/f', cut(MB + 1000));
    const genStamp = second!.genStamp + 1;
    expect(r.ops).toEqual([
      { op: 'OP_SET_GENSTAMP_V2', genStamp },
      {
        op: 'OP_TRUNCATE',
        src: '/f',
        clientName: CUTTER,
        clientMachine: '10.0.0.9',
        newLength: MB + 1000,
        timestamp: 5_000,
        // prepareFileForTruncate's newBlock: the block at its old length under the new stamp.
        truncateBlock: { blockId: second!.blockId, genStamp, numBytes: 5000 },
      },
    ]);
    expect(r.truncateBlock).toEqual({ blockId: second!.blockId, genStamp, numBytes: 1000 });
    expect(r.removedBlocks).toEqual([]);
    // prepareFileForTruncate's in-place branch: convertLastBlockToUnderConstruction leaves the
    // block's length and stamp; only the truncate block has the new ones. INodeFile.computeFileSize
    // counts an under-construction last block's own bytes, so the file shows its old length (what
    // -ls and WebHDFS print, and what -truncate -w waits to see change) until the commit.
    expect(ns.getFileInfo('/f')).toMatchObject({ length: MB + 5000, underConstruction: true });
    expect(ns.getBlocks('/f')).toEqual([first, second]);
    expect(ns.contentSummary('/f')).toMatchObject({ length: MB + 5000 });
    expect(ns.leases.holderOf('/f')).toBe(CUTTER);

    // The same truncate again waits for that recovery; another length is refused.
    expect(ns.truncate('/f', cut(MB + 1000))).toMatchObject({ ops: [], pending: true });
    const other = thrown(() => ns.truncate('/f', cut(10)));
    expect([other.errorClass, other.message]).toEqual([
      'AlreadyBeingCreatedException',
      `Failed to TRUNCATE_FILE /f for ${CUTTER} on 10.0.0.9 because /f is being truncated.`,
    ]);

    // commitBlockSynchronization closes the file with the cut block: one OP_CLOSE.
    const newBlock = { blockId: second!.blockId, genStamp, numBytes: 1000 };
    const closed = ns.closeRecoveredFile('/f', { newBlock, nowMs: 6_000 });
    expect(closed).toEqual([
      expect.objectContaining({ op: 'OP_CLOSE', path: '/f', blocks: [first, newBlock] }),
    ]);
    expect(ns.getFileInfo('/f')).toMatchObject({ length: MB + 1000, underConstruction: false });
    expect(ns.leases.holderOf('/f')).toBeNull();
  });

  it('answers what FSDirTruncateOp refuses in its words', () => {
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    closedFile(ns, '/f', [100]);
    ns.mkdirs('/d', { permission: { ...PERM, mode: 0o755 }, createParent: true, nowMs: 1 });
    const larger = thrown(() => ns.truncate('/f', cut(101)));
    expect([larger.errorClass, larger.message]).toEqual([
      'HadoopIllegalArgumentException',
      'Cannot truncate to a larger file size. Current size: 100, truncate size: 101.',
    ]);
    expect(thrown(() => ns.truncate('/d', cut(0))).message).toBe('Path is not a file: /d');
    expect(thrown(() => ns.truncate('/nope', cut(0))).message).toBe('File does not exist: /nope');
    // The same length: nothing to do, done.
    expect(ns.truncate('/f', cut(100))).toEqual({
      ops: [],
      removedBlocks: [],
      truncateBlock: null,
      pending: false,
    });
    // A file being written is not truncated (recoverLeaseInternal).
    ns.append('/f', { clientName: WRITER, clientMachine: 'h', newBlock: false, nowMs: 3 });
    expect(thrown(() => ns.truncate('/f', cut(0))).message).toBe(
      `Failed to TRUNCATE_FILE /f for ${CUTTER} on 10.0.0.9 because this file lease is currently owned by ${WRITER} on h`,
    );
  });

  it('counts the block being cut as a whole preferred block in the space used until the commit', () => {
    // INodeFile.storagespaceConsumedContiguous: a block not COMPLETE takes getPreferredBlockSize();
    // computeQuotaDeltaForTruncate charged the same (the block's bytes less a preferred block).
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    const [first, second] = closedFile(ns, '/d/f', [MB, 5000], { replication: 3 });
    const used = (): unknown => ns.contentSummary('/d');
    expect(used()).toMatchObject({ length: MB + 5000, spaceConsumed: (MB + 5000) * 3 });
    const r = ns.truncate('/d/f', cut(MB + 1000));
    expect(used()).toMatchObject({ length: MB + 5000, spaceConsumed: 2 * MB * 3 });
    ns.closeRecoveredFile('/d/f', { newBlock: r.truncateBlock!, nowMs: 6_000 });
    expect(used()).toMatchObject({ length: MB + 1000, spaceConsumed: (MB + 1000) * 3 });
    expect(ns.getBlocks('/d/f')).toEqual([first, { ...second, ...r.truncateBlock }]);
  });

  it('loses the truncate block in an image saved during the recovery, as HDFS’s fsimage does', () => {
    // FSImageFormatPBINode saves a file under construction with its client name and machine only
    // (fsimage.proto's FileUnderConstructionFeature) and its blocks as they are: the last one at
    // its old length and stamp. Loaded, the file is open with that block and no truncate block,
    // so the next recovery (a lease recovery) keeps what the replicas agree on.
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    const [first, second] = closedFile(ns, '/f', [MB, 5000]);
    ns.truncate('/f', cut(MB + 1000));
    const loaded = Namespace.fromImage(decodeImage(encodeImage(ns.toImage(9))));
    expect(loaded.getFileInfo('/f')).toMatchObject({ length: MB + 5000, underConstruction: true });
    expect(loaded.getBlocks('/f')).toEqual([first, second]);
    expect((loaded.resolve('/f') as INodeFile).underConstruction).toEqual({
      clientName: CUTTER,
      clientMachine: '10.0.0.9',
    });
    expect(loaded.leases.holderOf('/f')).toBe(CUTTER);
  });

  it('replays OP_TRUNCATE to the same state, the truncate block and the lease included', () => {
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    const log: PendingOp[] = [];
    closedFile(ns, '/a', [MB, MB, 10], { log });
    closedFile(ns, '/b', [MB, 10], { log });
    log.push(...ns.truncate('/a', cut(MB)).ops);
    log.push(...ns.truncate('/b', cut(MB + 3)).ops);
    const replayed = new Namespace({ superuser: 'student', namespaceId: 1 });
    for (const op of log) replayed.applyOp(op);
    expect(replayed.toImage(9)).toEqual(ns.toImage(9));
    const uc = (n: Namespace): unknown => (n.resolve('/b') as INodeFile).underConstruction;
    expect(uc(replayed)).toEqual(uc(ns));
    expect(uc(ns)).toMatchObject({ clientName: CUTTER, truncateBlock: { numBytes: 3 } });
    expect(replayed.leases.holderOf('/b')).toBe(CUTTER);
    // Replayed in place, the last block keeps its length and stamp too (unprotectedTruncate runs
    // prepareFileForTruncate with the logged block).
    expect(replayed.getFileInfo('/b')).toMatchObject({ length: MB + 10, underConstruction: true });
  });
});

describe('copy-on-truncate in the namespace', () => {
  /** /d/f of `sizes` in a snapshottable /d with snapshot s1 taken. */
  function snapshotted(sizes: number[], log: PendingOp[] = []): { ns: Namespace; blocks: BlockRef[] } {
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    const blocks = closedFile(ns, '/d/f', sizes, { log });
    log.push(...ns.allowSnapshot('/d'));
    log.push(...ns.createSnapshot('/d', { name: 's1', nowMs: 3_000 }).ops);
    return { ns, blocks };
  }

  it('gives the file a new last block when a snapshot holds the old one (shouldCopyOnTruncate)', () => {
    const { ns, blocks } = snapshotted([MB, 5000]);
    const [first, second] = blocks;
    const r = ns.truncate('/d/f', cut(MB + 1000));
    const newBlock = { blockId: second!.blockId + 1, genStamp: second!.genStamp + 1 };
    // createNewBlock: a block id (OP_ALLOCATE_BLOCK_ID), then a stamp; OP_TRUNCATE logs the new
    // block with no bytes yet.
    expect(r.ops).toEqual([
      { op: 'OP_ALLOCATE_BLOCK_ID', blockId: newBlock.blockId },
      { op: 'OP_SET_GENSTAMP_V2', genStamp: newBlock.genStamp },
      expect.objectContaining({ op: 'OP_TRUNCATE', truncateBlock: { ...newBlock, numBytes: 0 } }),
    ]);
    expect(r.truncateBlock).toEqual({ ...newBlock, numBytes: 1000 });
    expect(r.copyFrom).toEqual(second);
    expect(ns.getBlocks('/d/f')).toEqual([first, { ...newBlock, numBytes: 1000 }]);
    expect(ns.getBlocks('/d/.snapshot/s1/f')).toEqual([first, second]);
    // The new block has the kept length at once (truncatedBlockUC.setNumBytes), so the file shows
    // its new length while the copy runs.
    expect(ns.getFileInfo('/d/f')).toMatchObject({ length: MB + 1000, underConstruction: true });
    // FSDirTruncateOp's "already being truncated" check adds the UC feature's truncate block, which
    // for a copy is the old block: only the old length counts as the truncate under way.
    expect(ns.truncate('/d/f', cut(MB + 5000))).toMatchObject({ ops: [], pending: true });
    expect(thrown(() => ns.truncate('/d/f', cut(MB + 1000))).message).toBe(
      `Failed to TRUNCATE_FILE /d/f for ${CUTTER} on 10.0.0.9 because /d/f is being truncated.`,
    );
    // Recovery's commit closes the file with the new block; the snapshot keeps the old one.
    const closed = ns.closeRecoveredFile('/d/f', { newBlock: { ...newBlock, numBytes: 1000 }, nowMs: 6_000 });
    expect(closed).toEqual([
      expect.objectContaining({ op: 'OP_CLOSE', blocks: [first, { ...newBlock, numBytes: 1000 }] }),
    ]);
    expect(ns.getBlocks('/d/.snapshot/s1/f')).toEqual([first, second]);
    expect(ns.notInSnapshots([second!])).toEqual([]);
  });

  it('replays the copy: the new block last, the old one the snapshot’s, the same image', () => {
    const log: PendingOp[] = [];
    const { ns } = snapshotted([MB, 5000], log);
    log.push(...ns.truncate('/d/f', cut(MB + 1000)).ops);
    const replayed = new Namespace({ superuser: 'student', namespaceId: 1 });
    for (const op of log) replayed.applyOp(op);
    expect(replayed.toImage(9)).toEqual(ns.toImage(9));
    const uc = (n: Namespace): unknown => (n.resolve('/d/f') as INodeFile).underConstruction;
    expect(uc(replayed)).toEqual(uc(ns));
    expect(uc(ns)).toMatchObject({ copyFrom: { numBytes: 5000 }, truncateBlock: { numBytes: 1000 } });
    expect(replayed.getBlocks('/d/.snapshot/s1/f')).toEqual(ns.getBlocks('/d/.snapshot/s1/f'));
  });

  it('keeps the old block in an image saved during the copy, and loses the copy itself', () => {
    // The image holds the file's blocks (the new one last, at the kept length) and the snapshot's
    // FileDiff holds the old one, so the copy's source survives a restart; what the image has no
    // room for is the copy under way (the UC feature's truncate block). With no replica of the new
    // block anywhere, a later recovery has nothing to work from, in HDFS as here.
    const { ns, blocks } = snapshotted([MB, 5000]);
    const r = ns.truncate('/d/f', cut(MB + 1000));
    const loaded = Namespace.fromImage(decodeImage(encodeImage(ns.toImage(9))));
    expect(loaded.getBlocks('/d/f')).toEqual([blocks[0], r.truncateBlock]);
    expect(loaded.getBlocks('/d/.snapshot/s1/f')).toEqual(blocks);
    expect(loaded.getFileInfo('/d/f')).toMatchObject({ length: MB + 1000, underConstruction: true });
    expect((loaded.resolve('/d/f') as INodeFile).underConstruction).toEqual({
      clientName: CUTTER,
      clientMachine: '10.0.0.9',
    });
  });

  it('keeps the old block while the copy runs when the snapshot is deleted, and frees it after', () => {
    const { ns, blocks } = snapshotted([MB, 5000]);
    const r = ns.truncate('/d/f', cut(MB + 1000));
    // collectBlocksAndClear's dontRemoveBlock: the recovery still copies from it.
    expect(ns.deleteSnapshot('/d', { name: 's1', nowMs: 4_000 }).removedBlocks).toEqual([]);
    ns.closeRecoveredFile('/d/f', { newBlock: r.truncateBlock!, nowMs: 6_000 });
    // commitBlockSynchronization: no snapshot holds it now, so it goes.
    expect(ns.notInSnapshots([blocks[1]!])).toEqual([blocks[1]]);
  });

  it('keeps the blocks a snapshot holds out of what a cut on a block boundary removes', () => {
    const { ns, blocks } = snapshotted([MB, MB, 300]);
    const r = ns.truncate('/d/f', cut(MB));
    expect(r.removedBlocks).toEqual([]);
    expect(ns.getBlocks('/d/.snapshot/s1/f')).toEqual(blocks);
  });

  it('charges the new block against a space quota (computeQuotaDeltaForTruncate), where a cut in place fits', () => {
    const { ns } = snapshotted([MB, 5000]);
    ns.setQuota('/d', { nsQuota: QUOTA_DONT_SET, dsQuota: String(2 * MB) });
    // In use: MB + 5000; the copy adds a whole preferred block while recovery runs.
    const refused = thrown(() => ns.truncate('/d/f', cut(MB + 1000)));
    expect(refused.errorClass).toBe('DSQuotaExceededException');
    expect(refused.message).toContain(
      'The DiskSpace quota of /d is exceeded: quota = 2097152 B = 2 MB but diskspace consumed = 2102152 B',
    );
    // Without the snapshot the block is cut in place: charged up to a whole block, 2 MiB in all.
    const plain = new Namespace({ superuser: 'student', namespaceId: 1 });
    closedFile(plain, '/d/f', [MB, 5000]);
    plain.setQuota('/d', { nsQuota: QUOTA_DONT_SET, dsQuota: String(2 * MB) });
    expect(plain.truncate('/d/f', cut(MB + 1000)).truncateBlock).toMatchObject({ numBytes: 1000 });
  });
});

describe('OP_TRUNCATE on disk and in oev', () => {
  const op: EditLogOp = {
    op: 'OP_TRUNCATE',
    txid: 21,
    src: '/f.txt',
    clientName: CUTTER,
    clientMachine: '127.0.0.1',
    newLength: 1000,
    timestamp: 1_736_157_598_000,
    truncateBlock: { blockId: 1073741826, genStamp: 1003, numBytes: 1000 },
  };

  it('writes opcode 46: src, client name, client machine, newLength, timestamp, a compact block array', () => {
    const { opcode, body } = encodedRecord(op);
    expect(opcode).toBe(46);
    expect(body).toEqual(
      Buffer.concat([
        utf('/f.txt'),
        utf(CUTTER),
        utf('127.0.0.1'),
        long(1000),
        long(op.timestamp),
        // writeCompactBlockArray: vint count 1, the id as a long, vlong deltas of size and stamp.
        Buffer.from([1]),
        long(1073741826),
        Buffer.from([0x8e, 0x03, 0xe8]), // 1000 as a vlong
        Buffer.from([0x8e, 0x03, 0xeb]), // 1003
      ]),
    );
    expect(decodeSegment(encodeSegment([op])).ops).toEqual([op]);
    const boundary = { ...op, truncateBlock: null };
    expect(decodeSegment(encodeSegment([boundary])).ops).toEqual([boundary]);
  });

  it('prints SRC, CLIENTNAME, CLIENTMACHINE, NEWLENGTH, TIMESTAMP, then the BLOCK when there is one', () => {
    expect(editsToXml({ layoutVersion: -66, ops: [op] })).toContain(
      [
        '    <OPCODE>OP_TRUNCATE</OPCODE>',
        '    <DATA>',
        '      <TXID>21</TXID>',
        '      <SRC>/f.txt</SRC>',
        `      <CLIENTNAME>${CUTTER}</CLIENTNAME>`,
        '      <CLIENTMACHINE>127.0.0.1</CLIENTMACHINE>',
        '      <NEWLENGTH>1000</NEWLENGTH>',
        '      <TIMESTAMP>1736157598000</TIMESTAMP>',
        '      <BLOCK>',
        '        <BLOCK_ID>1073741826</BLOCK_ID>',
        '        <NUM_BYTES>1000</NUM_BYTES>',
        '        <GENSTAMP>1003</GENSTAMP>',
        '      </BLOCK>',
        '    </DATA>',
      ].join('\n'),
    );
  });
});

describe('DNA_RECOVERBLOCK for a truncate', () => {
  it('carries the truncate block in RecoveringBlockProto.truncateBlock, and back', () => {
    const c = datanodeProtocol.sendHeartbeat;
    const command: DatanodeCommand = {
      action: 'DNA_RECOVERBLOCK',
      poolId: 'BP-1',
      block: { blockId: 1073741826, genStamp: 1002, numBytes: 5000 },
      newGenStamp: 1003,
      replicas: [],
      truncateBlock: { blockId: 1073741826, genStamp: 1003, numBytes: 1000 },
    };
    const reply = {
      commands: [command],
      haStatus: { state: 'ACTIVE' as const, txid: 1 },
      fullBlockReportLeaseId: 0,
    };
    const back = c.responseFromProto(fromBinary(c.response, toBinary(c.response, c.responseToProto(reply))));
    expect(back.commands).toEqual([command]);
  });
});

describe('cutting a finalized replica', () => {
  const block = { blockId: 1073741825, genStamp: 1001, numBytes: 0 };
  const data = Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7) % 251));
  let storage: DatanodeStorage;
  let volume: TestVolume;

  beforeEach(async () => {
    volume = await volumeWithReplica('dn-truncate-', block, data);
    ({ storage } = volume);
  });

  afterEach(() => removeVolume(volume));

  it('keeps the first bytes and a .meta equal to one built for them (the last chunk’s CRC recomputed)', () => {
    const usedBefore = storage.stats(0).dfsUsed;
    const replica = storage.truncateReplica(block.blockId, 700);
    const kept = fs.readFileSync(replica.blockPath);
    const meta = fs.readFileSync(replica.metaPath);
    expect(kept).toEqual(data.subarray(0, 700));
    expect(meta).toEqual(buildMeta(data.subarray(0, 700)));
    expect(verifyReplica(kept, meta)).toEqual({ ok: true });
    expect(storage.listFinalized()).toEqual([[1073741825, 700, 1001]]);
    expect(storage.stats(0).dfsUsed).toBeLessThan(usedBefore);
    // On a chunk boundary nothing is recomputed; the .meta just ends there.
    const whole = storage.truncateReplica(block.blockId, 512);
    expect(fs.readFileSync(whole.metaPath)).toEqual(buildMeta(data.subarray(0, 512)));
  });

  it('copies the kept bytes to a new block for copy-on-truncate and leaves the old replica whole', async () => {
    const before = {
      block: fs.readFileSync(storage.readReplica(block.blockId)!.blockPath),
      meta: fs.readFileSync(storage.readReplica(block.blockId)!.metaPath),
    };
    const copy = await storage.copyReplicaForTruncate(block.blockId, {
      blockId: 1073741826,
      genStamp: 1002,
      numBytes: 700,
    });
    expect(copy.blockPath).toMatch(/finalized\/subdir0\/subdir0\/blk_1073741826$/);
    expect(copy.metaPath).toMatch(/blk_1073741826_1002\.meta$/);
    expect(fs.readFileSync(copy.blockPath)).toEqual(data.subarray(0, 700));
    expect(fs.readFileSync(copy.metaPath)).toEqual(buildMeta(data.subarray(0, 700)));
    const old = storage.readReplica(block.blockId)!;
    expect({ block: fs.readFileSync(old.blockPath), meta: fs.readFileSync(old.metaPath) }).toEqual(before);
    expect(storage.listFinalized()).toEqual([
      [1073741825, 2000, 1001],
      [1073741826, 700, 1002],
    ]);
    await expect(
      storage.copyReplicaForTruncate(block.blockId, { blockId: 1073741826, genStamp: 1003, numBytes: 10 }),
    ).rejects.toThrow('already exists');
  });

  it('refuses to make a replica longer', () => {
    expect(() => storage.truncateReplica(block.blockId, 2001)).toThrow(
      'Cannot truncate blk_1073741825_1001 of 2000 bytes to 2001',
    );
  });
});
