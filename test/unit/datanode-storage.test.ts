import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunkChecksums } from '../../cluster/common/crc.js';
import { verifyReplica } from '../../cluster/datanode/meta.js';
import { ReplicasUnderRecovery } from '../../cluster/datanode/block-recovery.js';
import { formatDirectoryScanStats } from '../../cluster/datanode/directory-scan.js';
import {
  DatanodeStorage,
  deriveStorageIdentity,
  type ReplicaFiles,
} from '../../cluster/runtime/datanode-storage.js';
import { NS, POOL } from './datanode-volume.js';

const NOW = Date.UTC(2025, 0, 6, 10, 0, 0);

let dataDir: string;
let open: DatanodeStorage[] = [];

function openStorage(): DatanodeStorage {
  const storage = DatanodeStorage.open({ dataDir, datanodeName: 'dn1', seed: 'seed-7' });
  open.push(storage);
  return storage;
}

beforeEach(() => {
  dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dn-storage-')), 'dn1');
});

afterEach(() => {
  for (const s of open) s.close();
  open = [];
  fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
});

describe('volume format and load', () => {
  it('writes the HDFS tree, VERSION files and in_use.lock', () => {
    const storage = openStorage();
    storage.loadOrFormat(NS, NOW);
    expect(fs.readFileSync(path.join(dataDir, 'in_use.lock'), 'utf8')).toBe(
      `${process.pid}@${os.hostname()}`,
    );
    const version = fs.readFileSync(path.join(dataDir, 'current/VERSION'), 'utf8').split('\n');
    expect(version[0]).toBe('#Mon Jan 06 10:00:00 UTC 2025');
    expect(version.slice(1, 7).map((l) => l.split('=')[0])).toEqual([
      'storageID',
      'clusterID',
      'cTime',
      'datanodeUuid',
      'storageType',
      'layoutVersion',
    ]);
    expect(version).toContain(`clusterID=${NS.clusterId}`);
    expect(version).toContain('storageType=DATA_NODE');
    expect(version).toContain('layoutVersion=-57');
    expect(version.find((l) => l.startsWith('storageID='))).toMatch(/^storageID=DS-[0-9a-f-]{36}$/);
    const bpVersion = fs.readFileSync(path.join(dataDir, 'current', POOL, 'current/VERSION'), 'utf8');
    expect(bpVersion).toBe(
      `#Mon Jan 06 10:00:00 UTC 2025\nnamespaceID=42\ncTime=0\nblockpoolID=${POOL}\nlayoutVersion=-57\n`,
    );
    for (const dir of ['current/finalized', 'current/rbw', 'tmp']) {
      expect(fs.statSync(path.join(dataDir, 'current', POOL, dir)).isDirectory()).toBe(true);
    }
  });

  it('derives the same uuids from the same seed and DataNode id', () => {
    expect(deriveStorageIdentity('seed-7', 'dn1')).toEqual(deriveStorageIdentity('seed-7', 'dn1'));
    expect(deriveStorageIdentity('seed-7', 'dn1')).not.toEqual(deriveStorageIdentity('seed-7', 'dn2'));
    expect(openStorage().identity).toEqual(deriveStorageIdentity('seed-7', 'dn1'));
  });

  it('refuses a volume locked by a live process', () => {
    openStorage();
    expect(() => openStorage()).toThrow(/Cannot lock storage .*The directory is already locked/);
  });

  it('takes over a lock left by a dead process', () => {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'in_use.lock'), '999999999@gone');
    expect(() => openStorage()).not.toThrow();
  });

  it('refuses a volume formatted for another cluster with HDFS message', () => {
    const first = openStorage();
    first.loadOrFormat(NS, NOW);
    first.close();
    const second = openStorage();
    expect(() => second.loadOrFormat({ ...NS, clusterId: 'CID-other' }, NOW)).toThrow(
      `Incompatible clusterIDs in ${dataDir}: namenode clusterID = CID-other; datanode clusterID = ${NS.clusterId}`,
    );
  });
});

describe('replica lifecycle', () => {
  const block = { blockId: 1073741825, genStamp: 1001, numBytes: 0 };
  const data = Buffer.alloc(1000, 0x61);

  it('writes rbw, finalizes into finalized/subdir0/subdir0 with a verifying .meta', async () => {
    const storage = openStorage();
    storage.loadOrFormat(NS, NOW);
    const writer = storage.createRbw(block);
    const rbw = path.join(dataDir, 'current', POOL, 'current/rbw');
    expect(fs.readdirSync(rbw).sort()).toEqual(['blk_1073741825', 'blk_1073741825_1001.meta']);
    writer.append(data.subarray(0, 512), chunkChecksums(data.subarray(0, 512)));
    writer.append(data.subarray(512), chunkChecksums(data.subarray(512)));
    const replica = await writer.finalize();
    const dir = path.join(dataDir, 'current', POOL, 'current/finalized/subdir0/subdir0');
    expect(replica.blockPath).toBe(path.join(dir, 'blk_1073741825'));
    expect(replica.metaPath).toBe(path.join(dir, 'blk_1073741825_1001.meta'));
    expect(fs.readdirSync(rbw)).toEqual([]);
    const meta = fs.readFileSync(replica.metaPath);
    expect(meta.length).toBe(15);
    expect(verifyReplica(fs.readFileSync(replica.blockPath), meta)).toEqual({ ok: true });
    expect(storage.listFinalized()).toEqual([[1073741825, 1000, 1001]]);
    expect(storage.readReplica(1073741825)?.numBytes).toBe(1000);
    expect(() => storage.createRbw(block)).toThrow(/already exists in state FINALIZED/);
  });

  it('tells the appender when its buffers are written, and keeps them unchanged until then', async () => {
    const storage = openStorage();
    storage.loadOrFormat(NS, NOW);
    const writer = storage.createRbw(block);
    // A received packet's bytes, which its read arena may overwrite once `written` is called.
    const packet = Buffer.from(data);
    const sums = chunkChecksums(packet);
    let written = 0;
    writer.append(packet, sums, () => {
      written++;
      packet.fill(0x7a);
      sums.fill(0);
    });
    expect(written).toBe(0);
    await writer.settled();
    expect(written).toBe(1);
    const replica = await writer.finalize();
    expect(fs.readFileSync(replica.blockPath)).toEqual(data);
    expect(verifyReplica(fs.readFileSync(replica.blockPath), fs.readFileSync(replica.metaPath))).toEqual({
      ok: true,
    });
  });

  it('sync (hsync) puts every byte and the partial chunk CRC on disk; the full chunk CRC replaces it', async () => {
    const storage = openStorage();
    storage.loadOrFormat(NS, NOW);
    const writer = storage.createRbw(block);
    const rbw = path.join(dataDir, 'current', POOL, 'current/rbw');
    const onDisk = (): { data: Buffer; meta: Buffer } => ({
      data: fs.readFileSync(path.join(rbw, 'blk_1073741825')),
      meta: fs.readFileSync(path.join(rbw, 'blk_1073741825_1001.meta')),
    });
    writer.append(data.subarray(0, 700), chunkChecksums(data.subarray(0, 700)));
    await writer.sync();
    // 7-byte header, the CRC of chunk 0 and of the 188 bytes of chunk 1 so far.
    expect(onDisk().data.length).toBe(700);
    expect(onDisk().meta.length).toBe(15);
    expect(verifyReplica(onDisk().data, onDisk().meta)).toEqual({ ok: true });
    // A writer that flushed mid-chunk sends the rest of the chunk with its own CRC (the Go client's way).
    writer.append(data.subarray(700), chunkChecksums(data.subarray(700)));
    await writer.sync();
    expect(onDisk().meta.subarray(11)).toEqual(chunkChecksums(data.subarray(512, 1000)));
    expect(verifyReplica(onDisk().data, onDisk().meta)).toEqual({ ok: true });
    await writer.finalize();
  });

  it('invalidate deletes a replica still in rbw/ with the stamp named, as FsDatasetImpl.invalidate does', async () => {
    const storage = openStorage();
    storage.loadOrFormat(NS, NOW);
    const writer = storage.createRbw(block);
    writer.append(data, chunkChecksums(data));
    await writer.keep(); // a pipeline that failed: the replica stays in rbw/
    const rbw = path.join(dataDir, 'current', POOL, 'current/rbw');
    expect(storage.deleteReplica({ blockId: block.blockId, genStamp: 1000 })).toEqual({
      kind: 'genstamp-mismatch',
      existing: { blockId: block.blockId, genStamp: 1001, numBytes: 1000 },
    });
    expect(fs.readdirSync(rbw)).toHaveLength(2);
    expect(storage.deleteReplica(block)).toEqual({ kind: 'deleted' });
    expect(fs.readdirSync(rbw)).toEqual([]);
    expect(storage.deleteReplica(block)).toEqual({ kind: 'not-found' });
  });

  it('writes DataNode-to-DataNode copies under tmp/ and deletes replicas', async () => {
    const storage = openStorage();
    storage.loadOrFormat(NS, NOW);
    const writer = storage.createTemporary(block);
    expect(fs.readdirSync(path.join(dataDir, 'current', POOL, 'tmp'))).toHaveLength(2);
    writer.append(data, chunkChecksums(data));
    await writer.finalize();
    expect(storage.deleteReplica(block)).toEqual({ kind: 'deleted' });
    expect(storage.listFinalized()).toEqual([]);
    expect(storage.deleteReplica(block)).toEqual({ kind: 'not-found' });
  });

  it('finds finalized replicas again after a restart, and drops an aborted rbw', async () => {
    const storage = openStorage();
    storage.loadOrFormat(NS, NOW);
    const writer = storage.createRbw(block);
    writer.append(data, chunkChecksums(data));
    await writer.finalize();
    storage.createRbw({ ...block, blockId: block.blockId + 1 }).abort();
    storage.close();
    const again = openStorage();
    again.loadOrFormat(NS, NOW);
    expect(again.listFinalized()).toEqual([[1073741825, 1000, 1001]]);
    const stats = again.stats(NOW);
    expect(stats.dfsUsed).toBe(1000 + 15);
    expect(stats.capacity).toBeGreaterThan(stats.remaining);
    expect(fs.readFileSync(path.join(dataDir, 'current', POOL, 'current/dfsUsed'), 'utf8')).toBe(
      `1015 ${NOW}`,
    );
  });
});

describe('a restart keeps the replicas in rbw/ as RWR (BlockPoolSlice.addToReplicasMap)', () => {
  const block = { blockId: 1073741825, genStamp: 1001, numBytes: 0 };
  const data = Buffer.alloc(1000, 0x61);
  const rbwFile = (name: string): string => path.join(dataDir, 'current', POOL, 'current/rbw', name);

  async function crashWhileWriting(extra?: Buffer): Promise<void> {
    const storage = openStorage();
    storage.loadOrFormat(NS, NOW);
    const writer = storage.createRbw(block);
    writer.append(data, chunkChecksums(data));
    await writer.keep(); // the DataNode dies: its files stay in rbw/
    expect(storage.blockReport()).toEqual([[1073741825, 1000, 1001, 'RBW']]);
    if (extra) fs.appendFileSync(rbwFile('blk_1073741825'), extra);
    storage.close();
  }

  it('reports a replica under recovery as the replica it was, not RUR (FsDatasetImpl.getBlockReports: getOriginalReplica)', async () => {
    await crashWhileWriting();
    const again = openStorage();
    again.loadOrFormat(NS, NOW);
    const recoveries = new ReplicasUnderRecovery();
    const held = { blockId: block.blockId, genStamp: 1001, numBytes: 1000, state: 'RWR' as const };
    const rb = { poolId: POOL, block: { ...block, numBytes: 1000 }, newGenStamp: 1002, replicas: [] };
    expect(recoveries.init(rb, held).kind).toBe('recover');
    // Its original state, stamp and length; the recovery id (1002) is not in the report.
    expect(again.blockReport()).toEqual([[1073741825, 1000, 1001, 'RWR']]);
  });

  it('reports an rbw replica found at start-up as RWR at the length its checksums vouch for', async () => {
    await crashWhileWriting();
    const again = openStorage();
    again.loadOrFormat(NS, NOW);
    expect(again.waitingToBeRecovered(1073741825)).toEqual({
      blockId: 1073741825,
      genStamp: 1001,
      numBytes: 1000,
    });
    expect(again.blockReport()).toEqual([[1073741825, 1000, 1001, 'RWR']]);
    expect(again.listFinalized()).toEqual([]);
  });

  it('keeps it RBW when its restart file (a shutdown for upgrade) holds a deadline still ahead; the file goes either way', async () => {
    // ReplicaInPipeline.createRestartMetaStream: the rbw dir + File.pathSeparator (':') + .blk_N.restart.
    const restartFile = path.join(dataDir, 'current', POOL, 'current', 'rbw:.blk_1073741825.restart');
    await crashWhileWriting();
    const writer = openStorage();
    writer.loadOrFormat(NS, NOW);
    writer.writeRestartDeadline(1073741825, NOW + 50_000);
    writer.close();
    // BlockReceiver writes Long.toString(Time.now() + restartBudget).
    expect(fs.readFileSync(restartFile, 'utf8')).toBe(String(NOW + 50_000));
    const inTime = openStorage();
    inTime.loadOrFormat(NS, NOW + 49_000);
    expect(inTime.blockReport()).toEqual([[1073741825, 1000, 1001, 'RBW']]);
    expect(inTime.waitingToBeRecovered(1073741825)).toBeUndefined();
    expect(fs.existsSync(restartFile)).toBe(false);
    inTime.writeRestartDeadline(1073741825, NOW + 50_000);
    inTime.close();
    // Back after the deadline (BlockPoolSlice: deadline > now, else RWR).
    const late = openStorage();
    late.loadOrFormat(NS, NOW + 50_000);
    expect(late.blockReport()).toEqual([[1073741825, 1000, 1001, 'RWR']]);
    expect(fs.existsSync(restartFile)).toBe(false);
  });

  it('checks only the last chunk both files cover, and cuts the block file to the valid bytes', async () => {
    // 300 bytes written past the last CRC: the last covered chunk (bytes 512-1023) no longer
    // matches the CRC stored for its first 488 bytes, so validateIntegrityAndSetLength keeps 512.
    await crashWhileWriting(Buffer.alloc(300, 0x62));
    const again = openStorage();
    again.loadOrFormat(NS, NOW);
    expect(again.blockReport()).toEqual([[1073741825, 512, 1001, 'RWR']]);
    expect(fs.statSync(rbwFile('blk_1073741825')).size).toBe(512);
  });

  it('deletes an RWR replica the NameNode invalidates, under its stamp only', async () => {
    await crashWhileWriting();
    const again = openStorage();
    again.loadOrFormat(NS, NOW);
    expect(again.deleteReplica({ blockId: 1073741825, genStamp: 1000 }).kind).toBe('genstamp-mismatch');
    expect(again.deleteReplica(block)).toEqual({ kind: 'deleted' });
    expect(again.blockReport()).toEqual([]);
    expect(again.waitingToBeRecovered(1073741825)).toBeUndefined();
  });

  it('keeps one replica of a block found both finalized and in rbw/: the newer stamp (resolveDuplicateReplicas)', async () => {
    const storage = openStorage();
    storage.loadOrFormat(NS, NOW);
    const writer = storage.createRbw(block);
    writer.append(data, chunkChecksums(data));
    const finalized = await writer.finalize();
    fs.copyFileSync(finalized.blockPath, rbwFile('blk_1073741825'));
    fs.copyFileSync(finalized.metaPath, rbwFile('blk_1073741825_1002.meta'));
    storage.close();
    const again = openStorage();
    again.loadOrFormat(NS, NOW);
    expect(again.blockReport()).toEqual([[1073741825, 1000, 1002, 'RWR']]);
    expect(fs.existsSync(finalized.blockPath)).toBe(false);
    expect(again.stats(NOW).dfsUsed).toBe(0);
  });
});

describe('volume containment (the second line of defence)', () => {
  const data = Buffer.alloc(100, 0x62);

  /** Every file under `dir`, relative, sorted. */
  function filesUnder(dir: string): string[] {
    return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
  }

  it('refuses a block id that is a path, whatever its static type, before touching the disk', () => {
    const storage = openStorage();
    storage.loadOrFormat(NS, NOW);
    const before = filesUnder(path.dirname(dataDir));
    const attack = { blockId: '../../../../../escaped' as unknown as number, genStamp: 1001, numBytes: 0 };
    expect(() => storage.createRbw(attack)).toThrow(/createRbw block\.blockId: block id must be an unsigned/);
    expect(() => storage.createTemporary(attack)).toThrow(/unsigned 64-bit integer/);
    expect(() => storage.createRbw({ blockId: 1073741825, genStamp: -1, numBytes: 0 })).toThrow(
      /generation stamp -1 is outside the unsigned 64-bit range/,
    );
    expect(filesUnder(path.dirname(dataDir))).toEqual(before);
  });

  it('refuses paths that resolve outside the volume, lexically', () => {
    const storage = openStorage();
    storage.loadOrFormat(NS, NOW);
    const inside = path.join(dataDir, 'current', POOL, 'current', 'rbw', 'blk_1');
    expect(storage.containedPath(inside)).toBe(inside);
    expect(() => storage.containedPath(path.join(dataDir, 'current', '..', '..', 'x'))).toThrow(
      /Refusing to touch .*x: it is outside the volume/,
    );
    expect(() => storage.containedPath('/etc/passwd')).toThrow(/outside the volume/);
    expect(() => storage.containedPath(`${dataDir}-sibling/x`)).toThrow(/outside the volume/);
    // A name that merely starts with two dots stays inside.
    expect(storage.containedPath(path.join(dataDir, '..blk'))).toBe(path.join(dataDir, '..blk'));
  });

  it('refuses to write through a symbolic link that leads out of the volume', () => {
    const storage = openStorage();
    storage.loadOrFormat(NS, NOW);
    const outside = path.join(path.dirname(dataDir), 'outside');
    fs.mkdirSync(outside);
    const rbw = path.join(dataDir, 'current', POOL, 'current', 'rbw');
    fs.rmSync(rbw, { recursive: true });
    fs.symlinkSync(outside, rbw);
    expect(() => storage.createRbw({ blockId: 1073741825, genStamp: 1001, numBytes: 0 })).toThrow(
      /outside the volume/,
    );
    // A link in place of the replica file itself is refused too.
    fs.rmSync(rbw);
    fs.mkdirSync(rbw);
    fs.symlinkSync(path.join(outside, 'target'), path.join(rbw, 'blk_1073741826'));
    expect(() => storage.createRbw({ blockId: 1073741826, genStamp: 1001, numBytes: 0 })).toThrow(
      /outside the volume/,
    );
    expect(fs.readdirSync(outside)).toEqual([]);
  });

  it('keeps the replica map and dfsUsed in memory through finalize, genstamp bump and delete', async () => {
    const storage = openStorage();
    storage.loadOrFormat(NS, NOW);
    for (const blockId of [1073741826, 1073741825]) {
      const writer = storage.createRbw({ blockId, genStamp: 1001, numBytes: 0 });
      writer.append(data, chunkChecksums(data));
      await writer.finalize();
    }
    expect(storage.replicaCount).toBe(2);
    expect(storage.nextReplicaAfter(null)).toBe(1073741825);
    expect(storage.nextReplicaAfter(1073741825)).toBe(1073741826);
    // 100 data bytes + 7-byte header + one 4-byte checksum, per replica.
    expect(storage.stats(NOW).dfsUsed).toBe(2 * 111);
    expect(storage.bumpGenStamp({ blockId: 1073741825 }, 1005)).toBe(true);
    expect(storage.bumpGenStamp({ blockId: 1073741825 }, 1004)).toBe(false);
    const bumped = storage.readReplica(1073741825);
    expect(path.basename(bumped?.metaPath ?? '')).toBe('blk_1073741825_1005.meta');
    expect(fs.existsSync(bumped?.metaPath ?? '')).toBe(true);
    // A DNA_INVALIDATE naming the stamp before the bump leaves the bumped replica (as
    // FsDatasetImpl.invalidate: 'GenerationStamp not matched'); the current stamp deletes.
    expect(storage.deleteReplica({ blockId: 1073741825, genStamp: 1001 })).toEqual({
      kind: 'genstamp-mismatch',
      existing: { blockId: 1073741825, genStamp: 1005, numBytes: 100 },
    });
    expect(fs.existsSync(bumped?.blockPath ?? '')).toBe(true);
    expect(storage.deleteReplica({ blockId: 1073741826, genStamp: 1001 })).toEqual({ kind: 'deleted' });
    expect(storage.stats(NOW).dfsUsed).toBe(111);
    // The disk agrees with the map: a directory scan finds nothing to reconcile.
    expect(storage.listFinalized()).toEqual([[1073741825, 100, 1005]]);
    expect(storage.scanDirectory()).toEqual({
      stats: {
        poolId: POOL,
        totalBlocks: 1,
        missingMetaFiles: 0,
        missingBlockFiles: 0,
        missingMemoryBlocks: 0,
        mismatchedBlocks: 0,
      },
      gone: [],
    });
  });

  it('reports from memory; a directory scan makes the map match files changed by hand', async () => {
    const storage = openStorage();
    storage.loadOrFormat(NS, NOW);
    const written = [];
    for (const id of [1073741825, 1073741826, 1073741827]) {
      const writer = storage.createRbw({ blockId: id, genStamp: 1001, numBytes: 0 });
      writer.append(data, chunkChecksums(data));
      written.push(await writer.finalize());
    }
    const [gone, truncated, orphan] = written as [ReplicaFiles, ReplicaFiles, ReplicaFiles];
    fs.rmSync(gone.blockPath);
    fs.truncateSync(truncated.blockPath, 10);
    fs.rmSync(orphan.metaPath);
    // A block report is built from the map, as HDFS's: the changes are not seen yet.
    expect(storage.listFinalized()).toHaveLength(3);
    const { stats, gone: lost } = storage.scanDirectory();
    expect(stats).toMatchObject({
      totalBlocks: 1,
      missingMetaFiles: 1,
      missingBlockFiles: 2,
      missingMemoryBlocks: 0,
      mismatchedBlocks: 1,
    });
    expect(lost.map((r) => r.blockId)).toEqual([1073741825, 1073741827]);
    expect(storage.listFinalized()).toEqual([[1073741826, 10, 1001]]);
    expect(formatDirectoryScanStats(stats)).toBe(
      `BlockPool ${POOL} Total blocks: 1, missing metadata files: 1, missing block files: 2, missing blocks in memory: 0, mismatched blocks: 1`,
    );
  });
});
