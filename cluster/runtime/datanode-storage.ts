/**
 * One DataNode volume on disk (FsDatasetImpl's I/O side): the lock, the VERSION
 * files, and the replica files in HDFS's layout -57.
 *
 * <dataDir>/in_use.lock                        "<pid>@<hostname>"
 * <dataDir>/current/VERSION                     storageID, clusterID, cTime, datanodeUuid, …
 * <dataDir>/current/BP-…/current/VERSION        namespaceID, cTime, blockpoolID, layoutVersion
 * <dataDir>/current/BP-…/current/dfsUsed        "<bytes> <epoch-ms>"
 * <dataDir>/current/BP-…/current/rbw/           replicas being written by clients
 * <dataDir>/current/BP-…/current/finalized/     subdir<d1>/subdir<d2>/blk_<id>, blk_<id>_<gs>.meta
 * <dataDir>/current/BP-…/tmp/                   TEMPORARY replicas (DataNode-to-DataNode copies)
 *
 * Writes are one write(2) per packet for data and one for its checksums, off the event loop; like
 * HDFS (dfs.datanode.synconclose=false) nothing is fsynced at finalize. Path arithmetic lives in
 * cluster/datanode/layout.ts and the .meta format in cluster/datanode/meta.ts.
 *
 * Safety: block ids and generation stamps are parsed again here (cluster/protocol/identifiers.ts)
 * whatever the caller checked, and every file this class creates, renames or removes must resolve
 * inside the volume, symbolic links followed (`containedPath`). A request that names a path outside
 * is refused with an IOException before any file is touched.
 *
 * A restart keeps the replicas left in rbw/ as BlockPoolSlice.getVolumeMap does: each becomes a
 * replica waiting to be recovered (RWR), cut to the bytes its last checksum vouches for
 * (validateIntegrityAndSetLength), and goes in the full block report with that state; tmp/ is
 * emptied (DataNode-to-DataNode copies start again). Lease recovery finalizes an RWR replica, or
 * the NameNode has it deleted.
 *
 * Speed: the finalized replicas are kept in a ReplicaMap (as FsDatasetImpl does), loaded from disk
 * once and updated on finalize, delete and genstamp change; readers and the block scanner look up a
 * replica in O(1); full block reports are built from it. Only `scanDirectory` (HDFS's
 * DirectoryScanner, every dfs.datanode.directoryscan.interval) walks the disk, so a replica file
 * removed by hand leaves the map, and the next block report, after the next directory scan.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolveInside } from '../common/contained-path.js';
import { formatProperties, parseProperties } from '../common/properties.js';
import { createPrng, prngUuid } from '../common/prng.js';
import {
  DATANODE_LAYOUT_VERSION,
  blockFileName,
  blockPoolDir,
  finalizedDir,
  idToBlockDir,
  metaFileName,
  parseBlockFileName,
  parseMetaFileName,
  parseRestartDeadline,
  rbwDir,
  restartMetaPath,
  tmpDir,
} from '../datanode/layout.js';
import {
  DEFAULT_CHECKSUM,
  encodeMetaHeader,
  META_HEADER_BYTES,
  lastChunkToCheck,
  metaLength,
  parseMeta,
  validatedRbwLength,
  type ChecksumSpec,
} from '../datanode/meta.js';
import { invalidation } from '../datanode/bp-service-core.js';
import { ReplicaMap } from '../datanode/replica-map.js';
import { compareWithDisk, type DirectoryScanResult } from '../datanode/directory-scan.js';
import { CRC_BYTES, chunkChecksums, type ChecksumAlgorithm } from '../common/crc.js';
import { RemoteError } from '../protocol/errors.js';
import { BYTES_PER_CHECKSUM } from '../protocol/packet.js';
import { parseBlockId, parseGenStamp } from '../protocol/identifiers.js';
import type { NamespaceInfo, ReportedReplica } from '../protocol/messages.js';
import type { BlockRef } from '../protocol/types.js';
import { isDaemonAlive } from '../home/home.js';

const close = promisify(fs.close);
const fsync = promisify(fs.fsync);

export const LOCK_FILE = 'in_use.lock';

export interface StorageIdentity {
  datanodeUuid: string;
  /** DS-<uuid>, one per volume. */
  storageId: string;
}

/** UUIDs derived from the cluster seed and the DataNode id, so a seed rebuilds the same cluster. */
export function deriveStorageIdentity(seed: string, datanodeName: string): StorageIdentity {
  const prng = createPrng(`${seed}/datanode/${datanodeName}`);
  const datanodeUuid = prngUuid(prng.fork('datanodeUuid'));
  return { datanodeUuid, storageId: `DS-${prngUuid(prng.fork('storageID'))}` };
}

export type ReplicaState = 'FINALIZED' | 'RBW' | 'RWR' | 'TEMPORARY';

export interface ReplicaFiles {
  blockId: number;
  genStamp: number;
  numBytes: number;
  blockPath: string;
  metaPath: string;
}

export interface VolumeStats {
  capacity: number;
  dfsUsed: number;
  remaining: number;
  nonDfsUsed: number;
}

/** What a DNA_INVALIDATE did to one block's replica here. */
export type InvalidateResult =
  { kind: 'deleted' } | { kind: 'not-found' } | { kind: 'genstamp-mismatch'; existing: BlockRef };

/** `<bpid>:blk_<id>_<gs>`, HDFS's ExtendedBlock string. */
export function extendedBlockName(poolId: string, block: { blockId: number; genStamp: number }): string {
  return `${poolId}:blk_${block.blockId}_${block.genStamp}`;
}

export class DatanodeStorage {
  private pool: NamespaceInfo | null = null;
  private identityValue: StorageIdentity;
  /** Finalized replicas by block id. */
  private readonly replicas = new ReplicaMap<ReplicaFiles>();
  /** RWR replicas (rbw/ files found at start-up) by block id: their stamp and validated length. */
  private readonly waiting = new Map<number, BlockRef>();
  /** Bytes of the finalized replicas (block + .meta), kept as the map changes. */
  private dfsUsedBytes = 0;
  private lastDfsUsedWritten = -1;
  private locked = true;

  private constructor(
    readonly dataDir: string,
    identity: StorageIdentity,
  ) {
    this.identityValue = identity;
  }

  /**
   * Creates the volume directory and takes its lock. A lock held by a live process (or by this
   * process) refuses, as HDFS does; a lock left by a dead process is taken over.
   */
  static open(options: { dataDir: string; datanodeName: string; seed: string }): DatanodeStorage {
    fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const lockPath = path.join(options.dataDir, LOCK_FILE);
    const holder = readLockPid(lockPath);
    if (holder !== null && (holder === process.pid || isDaemonAlive(holder))) {
      throw new RemoteError(
        'IOException',
        `Cannot lock storage ${options.dataDir}. The directory is already locked (in_use.lock held by pid ${holder}).`,
      );
    }
    fs.writeFileSync(lockPath, `${process.pid}@${os.hostname()}`);
    return new DatanodeStorage(options.dataDir, deriveStorageIdentity(options.seed, options.datanodeName));
  }

  get identity(): StorageIdentity {
    return this.identityValue;
  }

  get poolId(): string {
    if (!this.pool) throw new Error('DatanodeStorage: block pool not loaded (call loadOrFormat first)');
    return this.pool.blockPoolId;
  }

  get isLoaded(): boolean {
    return this.pool !== null;
  }

  /**
   * First run: writes current/VERSION and the block pool tree with the NameNode's ids. Later runs:
   * reads the ids back, refusing a volume formatted for another cluster with HDFS's message.
   */
  loadOrFormat(ns: NamespaceInfo, nowMs: number): void {
    const current = path.join(this.dataDir, 'current');
    const versionPath = path.join(current, 'VERSION');
    if (fs.existsSync(versionPath)) {
      const props = parseProperties(fs.readFileSync(versionPath, 'utf8'));
      const clusterId = props.get('clusterID') ?? '';
      if (clusterId !== ns.clusterId) {
        throw new RemoteError(
          'IOException',
          `Incompatible clusterIDs in ${this.dataDir}: namenode clusterID = ${ns.clusterId}; datanode clusterID = ${clusterId}`,
        );
      }
      this.identityValue = {
        datanodeUuid: props.get('datanodeUuid') ?? this.identityValue.datanodeUuid,
        storageId: props.get('storageID') ?? this.identityValue.storageId,
      };
    } else {
      fs.mkdirSync(current, { recursive: true });
      writeFileAtomic(
        versionPath,
        formatProperties(
          [
            ['storageID', this.identityValue.storageId],
            ['clusterID', ns.clusterId],
            ['cTime', '0'],
            ['datanodeUuid', this.identityValue.datanodeUuid],
            ['storageType', 'DATA_NODE'],
            ['layoutVersion', String(DATANODE_LAYOUT_VERSION)],
          ],
          nowMs,
        ),
      );
    }
    const bpid = ns.blockPoolId;
    const bpCurrent = path.join(blockPoolDir(this.dataDir, bpid), 'current');
    for (const dir of [
      finalizedDir(this.dataDir, bpid),
      rbwDir(this.dataDir, bpid),
      tmpDir(this.dataDir, bpid),
    ]) {
      fs.mkdirSync(dir, { recursive: true });
    }
    const bpVersion = path.join(bpCurrent, 'VERSION');
    if (!fs.existsSync(bpVersion)) {
      writeFileAtomic(
        bpVersion,
        formatProperties(
          [
            ['namespaceID', String(ns.namespaceId)],
            ['cTime', String(ns.cTime)],
            ['blockpoolID', bpid],
            ['layoutVersion', String(DATANODE_LAYOUT_VERSION)],
          ],
          nowMs,
        ),
      );
    }
    this.pool = ns;
    // BlockPoolSlice: tmp/ holds copies between DataNodes, which start again; rbw/ holds client
    // writes, kept as RWR replicas for lease recovery.
    const tmp = tmpDir(this.dataDir, bpid);
    for (const name of fs.readdirSync(tmp)) fs.rmSync(path.join(tmp, name), { force: true, recursive: true });
    this.loadReplicaMap(this.scanFinalized().replicas);
    this.loadWaitingReplicas(nowMs);
  }

  /**
   * BlockPoolSlice.addToReplicasMap for rbw/: each replica with a .meta is loaded at its validated
   * length (the block file cut to it), as RBW when its restart file (written by a shutdown for
   * upgrade) holds a deadline still ahead, else as RWR; the restart file is deleted either way. A
   * block also held finalized keeps one replica, as resolveDuplicateReplicas chooses: the newer
   * stamp, then the longer, then the one in rbw/; the other's files are deleted.
   */
  private loadWaitingReplicas(nowMs: number): void {
    this.waiting.clear();
    for (const files of listRbw(this)) {
      const rbw: BlockRef = {
        blockId: files.blockId,
        genStamp: files.genStamp,
        numBytes: validateRbwOnDisk(this, files),
      };
      const deadlineMs = this.takeRestartDeadline(files.blockId);
      const finalized = this.replicas.get(files.blockId);
      if (finalized && keepsFinalized(finalized, rbw)) {
        this.removeFiles(files);
        continue;
      }
      if (finalized) {
        this.removeFiles(finalized);
        this.dfsUsedBytes -= replicaDiskBytes(finalized);
        this.replicas.delete(files.blockId);
      }
      if (deadlineMs === null || deadlineMs <= nowMs) this.waiting.set(files.blockId, rbw);
    }
  }

  /**
   * ReplicaInPipeline.createRestartMetaStream's file for the rbw replica of `blockId`: the time
   * (ms since the epoch) until which a restarted DataNode keeps the replica RBW.
   */
  writeRestartDeadline(blockId: number, deadlineMs: number): void {
    const file = this.containedPath(restartMetaPath(this.dataDir, this.poolId, blockId));
    fs.rmSync(file, { force: true });
    fs.writeFileSync(file, String(deadlineMs), 'utf8');
  }

  /** The deadline of `blockId`'s restart file, which is deleted; null when there is none or it holds no number. */
  private takeRestartDeadline(blockId: number): number | null {
    const file = this.containedPath(restartMetaPath(this.dataDir, this.poolId, blockId));
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return null;
    }
    fs.rmSync(file, { force: true });
    return parseRestartDeadline(text);
  }

  private removeFiles(files: { blockPath: string; metaPath: string }): void {
    fs.rmSync(this.containedPath(files.blockPath), { force: true });
    fs.rmSync(this.containedPath(files.metaPath), { force: true });
  }

  /** The RWR replica of `blockId` (found in rbw/ at start-up, not recovered yet), or undefined. */
  waitingToBeRecovered(blockId: number): BlockRef | undefined {
    return this.waiting.get(blockId);
  }

  /**
   * `file` if it lies inside this volume, else an IOException; nothing is created. Lexical and
   * real-path checks (cluster/common/contained-path.ts), so neither a crafted name nor a symbolic
   * link placed in the volume leads outside it. The second line of defence behind the identifier
   * checks: it holds even if a caller forgot them.
   */
  containedPath(file: string): string {
    const resolved = resolveInside(this.dataDir, file);
    if (resolved === null) {
      throw new RemoteError(
        'IOException',
        `Refusing to touch ${path.resolve(this.dataDir, file)}: it is outside the volume ${this.dataDir} (a replica path must stay under its data directory)`,
      );
    }
    return resolved;
  }

  private loadReplicaMap(replicas: ReplicaFiles[]): void {
    this.replicas.replaceAll(replicas);
    this.dfsUsedBytes = 0;
    for (const r of replicas) this.dfsUsedBytes += replicaDiskBytes(r);
  }

  private putReplica(replica: ReplicaFiles): void {
    const old = this.replicas.get(replica.blockId);
    if (old) this.dfsUsedBytes -= replicaDiskBytes(old);
    this.replicas.set(replica);
    this.dfsUsedBytes += replicaDiskBytes(replica);
  }

  /** An RBW replica for a client write (`rbw/`); its .meta header records the writer's checksum. */
  createRbw(block: BlockRef, checksum: ChecksumSpec = DEFAULT_CHECKSUM): ReplicaWriter {
    return this.createReplica(block, 'RBW', checksum);
  }

  /** A TEMPORARY replica for a DataNode-to-DataNode copy (`BP-…/tmp/`). */
  createTemporary(block: BlockRef, checksum: ChecksumSpec = DEFAULT_CHECKSUM): ReplicaWriter {
    return this.createReplica(block, 'TEMPORARY', checksum);
  }

  /**
   * FsDatasetImpl.convertTemporaryToRbw: a TRANSFER_RBW copy, complete and closed in tmp/, becomes
   * the block's rbw replica, so the recovery pipeline that follows can reopen it. An rbw replica
   * of the block already here is refused rather than overwritten.
   */
  convertTemporaryToRbw(block: BlockRef): void {
    checkBlock(block, 'convertTemporaryToRbw');
    const from = tmpDir(this.dataDir, this.poolId);
    const to = rbwDir(this.dataDir, this.poolId);
    if (fs.existsSync(this.containedPath(path.join(to, blockFileName(block.blockId))))) {
      throw new RemoteError(
        'ReplicaAlreadyExistsException',
        `Block ${extendedBlockName(this.poolId, block)} already exists in state RBW and thus cannot be converted.`,
      );
    }
    fs.mkdirSync(to, { recursive: true });
    const meta = metaFileName(block.blockId, block.genStamp);
    const name = blockFileName(block.blockId);
    this.rename(path.join(from, meta), path.join(to, meta));
    this.rename(path.join(from, name), path.join(to, name));
  }

  /**
   * A finalized replica's generation stamp changes (lease or pipeline recovery): its .meta is
   * renamed to `blk_<id>_<newGenStamp>.meta` and the map follows. False when there is no such
   * replica here or its stamp is not older.
   */
  bumpGenStamp(block: { blockId: number }, newGenStamp: number): boolean {
    const blockId = parseBlockId(block.blockId, 'bumpGenStamp block');
    const genStamp = parseGenStamp(newGenStamp, 'bumpGenStamp newGenStamp');
    const replica = this.replicas.get(blockId);
    if (!replica || replica.genStamp >= genStamp) return false;
    const metaPath = path.join(path.dirname(replica.metaPath), metaFileName(blockId, genStamp));
    this.rename(replica.metaPath, metaPath);
    this.putReplica({ ...replica, genStamp, metaPath });
    return true;
  }

  /**
   * FsDatasetImpl.truncateBlock (a truncate's block recovery): the finalized replica keeps its
   * first `newLength` bytes; its .meta keeps the checksums of the chunks left, the last one
   * computed again when the cut falls inside a chunk. Refused when the replica is shorter.
   */
  truncateReplica(blockId: number, newLength: number): ReplicaFiles {
    const replica = this.replicaToCut(blockId, newLength, 'truncateReplica');
    const blockPath = this.containedPath(replica.blockPath);
    const metaPath = this.containedPath(replica.metaPath);
    fs.truncateSync(blockPath, newLength);
    cutMetaTo(blockPath, metaPath, newLength);
    const truncated = { ...replica, numBytes: newLength };
    this.putReplica(truncated);
    return truncated;
  }

  /**
   * Copy-on-truncate's new replica (FsVolumeImpl.updateRURCopyOnTruncate: copyReplicaWithNewBlockIdAndGS,
   * then truncateBlock): the first `target.numBytes` bytes of the finalized replica of `blockId`
   * and the checksums of their chunks (a partial last one computed again), written to tmp/ as
   * `blk_<new id>` and `blk_<new id>_<new stamp>.meta`, synced, then finalized. The old replica is
   * not touched: a snapshot still reads it. HDFS copies the whole replica and cuts the copy; the
   * lab copies only the bytes kept.
   */
  async copyReplicaForTruncate(blockId: number, target: BlockRef): Promise<ReplicaFiles> {
    checkBlock(target, 'copyReplicaForTruncate target');
    const source = this.replicaToCut(blockId, target.numBytes, 'copyReplicaForTruncate');
    if (this.replicas.get(target.blockId)) {
      throw new RemoteError(
        'ReplicaAlreadyExistsException',
        `Block ${extendedBlockName(this.poolId, target)} already exists on this DataNode`,
      );
    }
    const header = parseMeta(readHead(this.containedPath(source.metaPath), META_HEADER_BYTES));
    const spec: ChecksumSpec = { type: header.checksumType, bytesPerChecksum: header.bytesPerChecksum };
    const dir = tmpDir(this.dataDir, this.poolId);
    fs.mkdirSync(dir, { recursive: true });
    const blockPath = this.containedPath(path.join(dir, blockFileName(target.blockId)));
    const metaPath = this.containedPath(path.join(dir, metaFileName(target.blockId, target.genStamp)));
    writeSynced(blockPath, readRange(this.containedPath(source.blockPath), 0, target.numBytes));
    writeSynced(
      metaPath,
      readRange(this.containedPath(source.metaPath), 0, metaLength(target.numBytes, spec)),
    );
    cutMetaTo(blockPath, metaPath, target.numBytes);
    return this.finalizeReplica({ ...target, blockPath, metaPath });
  }

  /** The finalized replica of `blockId`, which must hold at least `newLength` bytes. */
  private replicaToCut(blockId: number, newLength: number, where: string): ReplicaFiles {
    const replica = this.replicas.get(parseBlockId(blockId, `${where} blockId`));
    if (!replica) throw new RemoteError('ReplicaNotFoundException', `Replica not found for blk_${blockId}`);
    if (!Number.isSafeInteger(newLength) || newLength < 0 || newLength > replica.numBytes) {
      throw new RemoteError(
        'IOException',
        `Cannot truncate blk_${blockId}_${replica.genStamp} of ${replica.numBytes} bytes to ${newLength}`,
      );
    }
    return replica;
  }

  /**
   * FsDatasetImpl.append: the finalized replica of `block` (same generation stamp, `expectedBytes`
   * long) moves back to rbw/ under `newGenStamp` and a writer continues it at its end. Refused in
   * HDFS's words when there is no such replica, its stamp is newer than `newGenStamp`, or its
   * length differs.
   */
  appendReplica(block: BlockRef, newGenStamp: number, expectedBytes: number): ReplicaWriter {
    checkBlock(block, 'appendReplica');
    parseGenStamp(newGenStamp, 'appendReplica newGenStamp');
    const name = extendedBlockName(this.poolId, block);
    if (newGenStamp < block.genStamp) {
      throw new RemoteError(
        'IOException',
        `The new generation stamp ${newGenStamp} should be greater than the replica ${name}'s generation stamp`,
      );
    }
    const replica = this.replicas.get(block.blockId);
    if (!replica || replica.genStamp !== block.genStamp) {
      throw new RemoteError('ReplicaNotFoundException', `Replica not found for ${name}`);
    }
    if (replica.numBytes !== expectedBytes) {
      throw new RemoteError(
        'IOException',
        `Corrupted replica FinalizedReplica, ${name}, FINALIZED with a length of ${replica.numBytes} expected length is ${expectedBytes}`,
      );
    }
    const stored = parseMeta(
      fs.readFileSync(this.containedPath(replica.metaPath)).subarray(0, META_HEADER_BYTES),
    );
    const checksum: ChecksumSpec = { type: stored.checksumType, bytesPerChecksum: stored.bytesPerChecksum };
    const dir = rbwDir(this.dataDir, this.poolId);
    fs.mkdirSync(dir, { recursive: true });
    const blockPath = this.containedPath(path.join(dir, blockFileName(block.blockId)));
    const metaPath = this.containedPath(path.join(dir, metaFileName(block.blockId, newGenStamp)));
    const tailBytes = replica.numBytes % checksum.bytesPerChecksum;
    const tail = readRange(this.containedPath(replica.blockPath), replica.numBytes - tailBytes, tailBytes);
    this.rename(replica.metaPath, metaPath);
    this.rename(replica.blockPath, blockPath);
    this.dfsUsedBytes -= replicaDiskBytes(replica);
    this.replicas.delete(block.blockId);
    return new ReplicaWriter({
      block: { blockId: block.blockId, genStamp: newGenStamp, numBytes: replica.numBytes },
      state: 'RBW',
      blockPath,
      metaPath,
      checksum,
      finalize: (written) => this.finalizeReplica(written),
      resume: { bytes: replica.numBytes, tail },
    });
  }

  private rename(from: string, to: string): void {
    fs.renameSync(this.containedPath(from), this.containedPath(to));
  }

  private createReplica(block: BlockRef, state: 'RBW' | 'TEMPORARY', checksum: ChecksumSpec): ReplicaWriter {
    checkBlock(block, state === 'RBW' ? 'createRbw' : 'createTemporary');
    if (state === 'RBW') this.waiting.delete(block.blockId);
    const existing = this.replicas.get(block.blockId);
    if (existing) {
      throw new RemoteError(
        'ReplicaAlreadyExistsException',
        `Block ${extendedBlockName(this.poolId, block)} already exists in state FINALIZED and thus cannot be created.`,
      );
    }
    const dir = state === 'RBW' ? rbwDir(this.dataDir, this.poolId) : tmpDir(this.dataDir, this.poolId);
    const blockPath = this.containedPath(path.join(dir, blockFileName(block.blockId)));
    const metaPath = this.containedPath(path.join(dir, metaFileName(block.blockId, block.genStamp)));
    return new ReplicaWriter({
      block,
      state,
      blockPath,
      metaPath,
      checksum,
      finalize: (written) => this.finalizeReplica(written),
    });
  }

  private async finalizeReplica(written: ReplicaFiles): Promise<ReplicaFiles> {
    const dir = this.containedPath(
      path.join(finalizedDir(this.dataDir, this.poolId), idToBlockDir(written.blockId)),
    );
    fs.mkdirSync(dir, { recursive: true });
    const blockPath = path.join(dir, blockFileName(written.blockId));
    const metaPath = path.join(dir, metaFileName(written.blockId, written.genStamp));
    this.rename(written.metaPath, metaPath);
    this.rename(written.blockPath, blockPath);
    this.waiting.delete(written.blockId); // an RWR replica finalized by block recovery
    const replica: ReplicaFiles = { ...written, blockPath, metaPath };
    this.putReplica(replica);
    return replica;
  }

  /** A finalized replica's files, or null when this volume has none. */
  readReplica(blockId: number): ReplicaFiles | null {
    return this.replicas.get(blockId) ?? null;
  }

  /** The smallest finalized block id after `blockId` (the first when null): the scanner's walk. */
  nextReplicaAfter(blockId: number | null): number | undefined {
    return this.replicas.nextAfter(blockId);
  }

  hasReplica(blockId: number): boolean {
    return this.replicas.has(blockId);
  }

  get replicaCount(): number {
    return this.replicas.size;
  }

  /**
   * FsDatasetImpl.invalidate for one block: deletes the replica's block and .meta files when its
   * generation stamp is the one named, whatever its state — finalized, or still in rbw/ (being
   * written, or kept after its pipeline failed; a write still going on fails at its next step, as
   * HDFS's does when its files go). A replica under another stamp is kept: the NameNode asked for
   * an older one (a stale report's), and this one was recovered since.
   */
  deleteReplica(block: { blockId: number; genStamp: number }): InvalidateResult {
    const replica = this.replicas.get(block.blockId);
    if (!replica) return this.deleteRbw(block);
    if (invalidation(replica, block) === 'genstamp-mismatch') {
      return {
        kind: 'genstamp-mismatch',
        existing: { blockId: replica.blockId, genStamp: replica.genStamp, numBytes: replica.numBytes },
      };
    }
    fs.rmSync(this.containedPath(replica.blockPath), { force: true });
    fs.rmSync(this.containedPath(replica.metaPath), { force: true });
    this.dfsUsedBytes -= replicaDiskBytes(replica);
    this.replicas.delete(block.blockId);
    return { kind: 'deleted' };
  }

  /** deleteReplica for a replica in rbw/: RBW, or RWR since a restart. */
  private deleteRbw(block: { blockId: number; genStamp: number }): InvalidateResult {
    const files = findRbw(this, block.blockId);
    const genStamp = files ? parseMetaFileName(path.basename(files.metaPath))?.genStamp : undefined;
    if (!files || genStamp === undefined) return { kind: 'not-found' };
    if (invalidation({ genStamp }, block) === 'genstamp-mismatch') {
      const numBytes = fs.statSync(files.blockPath).size;
      return { kind: 'genstamp-mismatch', existing: { blockId: block.blockId, genStamp, numBytes } };
    }
    this.removeFiles(files);
    this.waiting.delete(block.blockId);
    return { kind: 'deleted' };
  }

  /**
   * Every finalized replica as `[id, length, genstamp]`, from the replica map, as HDFS builds a
   * full block report (FsDatasetImpl.getBlockReports): no disk walk. Files changed by hand reach
   * the map at the next directory scan (`scanDirectory`).
   */
  listFinalized(): [number, number, number][] {
    return Array.from(this.replicas.values(), (r) => [r.blockId, r.numBytes, r.genStamp]);
  }

  /**
   * A full block report of this volume (FsDatasetImpl.getBlockReports): the finalized replicas,
   * then those in rbw/, RWR when a restart found them there (their validated length) and RBW
   * otherwise (the bytes on disk). TEMPORARY copies are not reported.
   */
  blockReport(): ReportedReplica[] {
    const report: ReportedReplica[] = this.listFinalized();
    for (const files of listRbw(this)) {
      const rwr = this.waiting.get(files.blockId);
      if (rwr) report.push([rwr.blockId, rwr.numBytes, rwr.genStamp, 'RWR']);
      else report.push([files.blockId, fileSize(files.blockPath), files.genStamp, 'RBW']);
    }
    return report;
  }

  /**
   * DirectoryScanner: walks the finalized tree, compares it with the replica map, and makes the map
   * what the disk holds. Returns HDFS's statistics and the replicas whose files are gone.
   */
  scanDirectory(): DirectoryScanResult<ReplicaFiles> {
    const disk = this.scanFinalized();
    const result = compareWithDisk({
      poolId: this.poolId,
      memory: this.replicas.values(),
      disk: disk.replicas,
      blockFilesWithoutMeta: disk.blockFilesWithoutMeta,
    });
    this.loadReplicaMap(disk.replicas);
    return result;
  }

  private scanFinalized(): { replicas: ReplicaFiles[]; blockFilesWithoutMeta: number } {
    const out: ReplicaFiles[] = [];
    let blockFilesWithoutMeta = 0;
    const walk = (dir: string): void => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      const metas = new Map<number, { genStamp: number; name: string }>();
      const blocks: number[] = [];
      for (const entry of entries) {
        if (entry.isDirectory()) {
          walk(path.join(dir, entry.name));
          continue;
        }
        const meta = parseMetaFileName(entry.name);
        if (meta) metas.set(meta.blockId, { genStamp: meta.genStamp, name: entry.name });
        const blockFile = parseBlockFileName(entry.name);
        if (blockFile) blocks.push(blockFile.blockId);
      }
      for (const blockId of blocks) {
        const meta = metas.get(blockId);
        if (!meta) {
          blockFilesWithoutMeta++; // not a usable replica
          continue;
        }
        const blockPath = path.join(dir, blockFileName(blockId));
        let numBytes: number;
        try {
          numBytes = fs.statSync(blockPath).size;
        } catch {
          continue;
        }
        out.push({
          blockId,
          genStamp: meta.genStamp,
          numBytes,
          blockPath,
          metaPath: path.join(dir, meta.name),
        });
      }
    };
    walk(finalizedDir(this.dataDir, this.poolId));
    return { replicas: out.sort((a, b) => a.blockId - b.blockId), blockFilesWithoutMeta };
  }

  /**
   * Capacity and remaining from statfs of the volume; dfsUsed is the bytes of the finalized
   * replicas (block + .meta), cached in `dfsUsed` as HDFS does.
   */
  stats(nowMs: number): VolumeStats {
    const st = fs.statfsSync(this.dataDir);
    const capacity = st.blocks * st.bsize;
    const remaining = st.bavail * st.bsize;
    const dfsUsed = this.dfsUsedBytes;
    if (this.pool && dfsUsed !== this.lastDfsUsedWritten) {
      const file = path.join(blockPoolDir(this.dataDir, this.poolId), 'current', 'dfsUsed');
      try {
        fs.writeFileSync(file, `${dfsUsed} ${nowMs}`);
        this.lastDfsUsedWritten = dfsUsed;
      } catch {
        // A cache file; the next heartbeat tries again.
      }
    }
    return { capacity, dfsUsed, remaining, nonDfsUsed: Math.max(0, capacity - remaining - dfsUsed) };
  }

  /** Releases the lock (the data stays). */
  close(): void {
    if (!this.locked) return;
    this.locked = false;
    const lockPath = path.join(this.dataDir, LOCK_FILE);
    if (readLockPid(lockPath) === process.pid) fs.rmSync(lockPath, { force: true });
  }
}

/**
 * Packets gathered into one writev(2) per file at most: the packets that arrive in one event-loop
 * turn are written together (two writes per turn instead of two per packet), and a burst is cut at
 * this size so the rbw file keeps up with the pipeline.
 */
const REPLICA_WRITE_BATCH_BYTES = 1024 * 1024;

/** Buffers bound for one file, gathered for one writev(2) at `position`. */
interface WriteBatch {
  fd: number;
  position: number;
  buffers: Buffer[];
  bytes: number;
  /** Called once the write is done with the buffers (written, or failed). */
  written: (() => void)[];
}

/**
 * A replica being written: each packet's data and checksums are written at their positions in the
 * block and .meta files (whose 7-byte header is written at creation). Packets that arrive in the
 * same event-loop turn go to the files in one writev(2) per file at the end of that turn (or once
 * REPLICA_WRITE_BATCH_BYTES are gathered), so the rbw files lag the pipeline by at most a turn.
 * The writes are synchronous, on the event loop, as HDFS's BlockReceiver writes each packet in its
 * own thread after mirroring it: they copy into the page cache while the packets are still in the
 * CPU's cache. Issued on libuv's thread pool instead, four threads copied cold buffers into the
 * same files at once and contended for their inode lock: a DataNode spent 0.4 s of system CPU on
 * a warm 150 MB replication-3 put instead of 0.1-0.2 s, and the put took about twice as long (my
 * runs, machine loaded). A write's error is kept and thrown by the next append, settled, sync or
 * finalize. finalize closes both files and moves them to finalized/. Like HDFS with its default dfs.datanode.synconclose=false, the
 * block is not fsynced at close: it is in the OS's hands once written. A packet with syncBlock
 * (the writer's hsync) is fsynced before it is acked (`sync`).
 */
export class ReplicaWriter {
  readonly block: BlockRef;
  readonly state: 'RBW' | 'TEMPORARY';
  /** The checksum its .meta header records and its packets carry. */
  readonly checksum: ChecksumSpec;
  private readonly blockPath: string;
  private readonly metaPath: string;
  private blockFd: number;
  private metaFd: number;
  private bytes = 0;
  private metaBytes = META_HEADER_BYTES;
  private done = false;
  private writeError: Error | null = null;
  private readonly onFinalize: (written: ReplicaFiles) => Promise<ReplicaFiles>;
  private dataBatch: WriteBatch;
  private metaBatch: WriteBatch;
  private flushScheduled = false;
  /**
   * The bytes of the block's last, partial chunk (fewer than bytesPerChecksum). Its checksum is
   * written only when the chunk is full or the replica is closed: a writer that flushed mid-chunk
   * (Go's Flush, hflush) or appends to a partial block sends the rest of the chunk with a checksum
   * of the new bytes only, and the .meta must hold one CRC of the whole chunk, as BlockReceiver
   * recomputes it.
   */
  private tail: Buffer = EMPTY;

  constructor(options: {
    block: BlockRef;
    state: 'RBW' | 'TEMPORARY';
    blockPath: string;
    metaPath: string;
    checksum?: ChecksumSpec;
    finalize: (written: ReplicaFiles) => Promise<ReplicaFiles>;
    /** Continue existing files (append): their length, and the bytes of their partial last chunk. */
    resume?: { bytes: number; tail: Buffer };
  }) {
    this.block = options.block;
    this.state = options.state;
    this.checksum = options.checksum ?? DEFAULT_CHECKSUM;
    this.blockPath = options.blockPath;
    this.metaPath = options.metaPath;
    this.onFinalize = options.finalize;
    const resume = options.resume;
    this.blockFd = fs.openSync(this.blockPath, resume ? 'r+' : 'w');
    this.metaFd = fs.openSync(this.metaPath, resume ? 'r+' : 'w');
    if (resume) {
      this.bytes = resume.bytes;
      this.tail = Buffer.from(resume.tail);
      // The partial chunk's CRC is dropped and written again, over the whole chunk, at close.
      this.metaBytes =
        META_HEADER_BYTES + Math.floor(resume.bytes / this.checksum.bytesPerChecksum) * CRC_BYTES;
      fs.ftruncateSync(this.metaFd, this.metaBytes);
    } else fs.writeSync(this.metaFd, encodeMetaHeader(this.checksum));
    this.dataBatch = emptyBatch(this.blockFd, this.bytes);
    this.metaBatch = emptyBatch(this.metaFd, this.metaBytes);
  }

  get bytesWritten(): number {
    return this.bytes;
  }

  /**
   * Appends one packet's data and its chunk checksums (as received: big-endian, of the type in
   * the .meta header). The buffers are written later in this event-loop turn and must not be
   * changed before `written` is called (once both files' writes of them are done, or failed; not
   * when append throws before taking them).
   */
  append(data: Buffer, checksums: Buffer | null, written?: () => void): void {
    if (this.done) throw new Error('ReplicaWriter.append after finalize/abort');
    if (this.writeError) throw this.writeError;
    const bpc = this.checksum.bytesPerChecksum;
    let sums: Buffer;
    if (this.tail.length === 0 && checksums !== null) {
      // The usual case: the packet starts on a chunk boundary and its CRCs are the ones to store.
      const full = Math.floor(data.length / bpc);
      sums = checksums.subarray(0, full * CRC_BYTES);
      this.tail = full * bpc === data.length ? EMPTY : Buffer.from(data.subarray(full * bpc));
    } else {
      const joined = this.tail.length === 0 ? data : Buffer.concat([this.tail, data]);
      const full = Math.floor(joined.length / bpc);
      sums = chunkChecksums(joined.subarray(0, full * bpc), bpc, this.checksumAlgorithm());
      this.tail = Buffer.from(joined.subarray(full * bpc));
    }
    gather(this.dataBatch, data);
    gather(this.metaBatch, sums);
    if (written) {
      let files = 2;
      const half = (): void => {
        if (--files === 0) written();
      };
      this.dataBatch.written.push(half);
      this.metaBatch.written.push(half);
    }
    this.bytes += data.length;
    this.metaBytes += sums.length;
    if (this.dataBatch.bytes >= REPLICA_WRITE_BATCH_BYTES) {
      this.flush();
      if (this.writeError) throw this.writeError;
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        if (!this.done) this.flush();
      });
    }
  }

  private checksumAlgorithm(): ChecksumAlgorithm {
    if (this.checksum.type === 'NULL') throw new Error('ReplicaWriter: a CHECKSUM_NULL replica has no CRCs');
    return this.checksum.type;
  }

  /** The CRC of the partial last chunk, written when the replica is closed. */
  private closeTail(): void {
    if (this.tail.length === 0) return;
    const sum = chunkChecksums(this.tail, this.checksum.bytesPerChecksum, this.checksumAlgorithm());
    gather(this.metaBatch, sum);
    this.metaBytes += sum.length;
    this.tail = EMPTY;
  }

  /** Issues the gathered writes of both files. */
  private flush(): void {
    this.dataBatch = this.write(this.dataBatch);
    this.metaBatch = this.write(this.metaBatch);
  }

  /**
   * Writes one batch (keeping its error for the next append or drain: a scheduled flush has no
   * caller to throw to) and returns the next, empty batch.
   */
  private write(batch: WriteBatch): WriteBatch {
    try {
      if (batch.bytes > 0 && !this.writeError) writevAllAt(batch.fd, batch.buffers, batch.position);
    } catch (err) {
      this.writeError = err as Error;
    } finally {
      batchDone(batch);
    }
    return emptyBatch(batch.fd, batch.position + batch.bytes);
  }

  /** Throws the error a write kept, if any. */
  private async drain(): Promise<void> {
    if (this.writeError) throw this.writeError;
  }

  /**
   * Every appended byte written to the files, with the CRC of the partial last chunk at its place
   * in the .meta (written again, over the whole chunk, when the chunk fills): what a reader of the
   * replica being written finds on disk (BlockReceiver writes each packet through to the OS).
   */
  async settled(): Promise<void> {
    if (this.done) return;
    this.flush();
    await this.drain();
    if (this.tail.length === 0 || this.done) return;
    const sum = chunkChecksums(this.tail, this.checksum.bytesPerChecksum, this.checksumAlgorithm());
    // No write is in flight (drained, and this runs in one turn): the next batch writes over it.
    writevAllAt(this.metaFd, [sum], this.metaBytes);
  }

  /**
   * hsync (a packet with syncBlock, BlockReceiver.flushOrSync(true)): everything appended so far
   * is on disk, the partial chunk's CRC included, and both files are fsynced before the packet is
   * acked.
   */
  async sync(): Promise<void> {
    await this.settled();
    if (this.done) return;
    await Promise.all([fsync(this.blockFd), fsync(this.metaFd)]);
  }

  /** Waits for every write, closes both files, moves them to finalized/subdirX/subdirY/. */
  async finalize(): Promise<ReplicaFiles> {
    if (this.done) throw new Error('ReplicaWriter.finalize twice');
    this.done = true;
    this.closeTail();
    this.flush();
    await this.drain();
    await Promise.all([close(this.blockFd), close(this.metaFd)]);
    return this.onFinalize({
      blockId: this.block.blockId,
      genStamp: this.block.genStamp,
      numBytes: this.bytes,
      blockPath: this.blockPath,
      metaPath: this.metaPath,
    });
  }

  /**
   * Ends a failed write but keeps both files where they are (an rbw replica for pipeline or lease
   * recovery): every appended byte is written and both files are closed before it resolves.
   */
  async keep(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.closeTail();
    this.flush();
    try {
      await this.drain();
    } finally {
      await Promise.all([close(this.blockFd), close(this.metaFd)]).catch(() => undefined);
    }
  }

  /** Drops a replica whose write failed. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    // The replica is dropped: what was gathered is not written, only given back to its appenders.
    batchDone(this.dataBatch);
    batchDone(this.metaBatch);
    for (const fd of [this.blockFd, this.metaFd]) {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
    }
    fs.rmSync(this.blockPath, { force: true });
    fs.rmSync(this.metaPath, { force: true });
  }
}

/** A replica's files in rbw/ and the stamp its .meta name carries. */
type RbwFiles = Omit<ReplicaFiles, 'numBytes'>;

/** Every replica in rbw/ with a .meta beside its block file, by block id. */
function listRbw(storage: DatanodeStorage): RbwFiles[] {
  const dir = rbwDir(storage.dataDir, storage.poolId);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const blocks = new Set(names.map((n) => parseBlockFileName(n)?.blockId).filter((id) => id !== undefined));
  const out: RbwFiles[] = [];
  for (const name of names) {
    const meta = parseMetaFileName(name);
    if (!meta || !blocks.has(meta.blockId)) continue;
    out.push({
      blockId: meta.blockId,
      genStamp: meta.genStamp,
      blockPath: path.join(dir, blockFileName(meta.blockId)),
      metaPath: path.join(dir, name),
    });
  }
  return out.sort((a, b) => a.blockId - b.blockId);
}

/**
 * BlockPoolSlice.validateIntegrityAndSetLength on disk: the bytes of an rbw replica its last
 * checksum vouches for (cluster/datanode/meta.ts decides); a longer block file is cut to them. 0
 * when the files cannot be read.
 */
function validateRbwOnDisk(storage: DatanodeStorage, files: { blockPath: string; metaPath: string }): number {
  try {
    const blockPath = storage.containedPath(files.blockPath);
    const metaPath = storage.containedPath(files.metaPath);
    const header = parseMeta(readHead(metaPath, META_HEADER_BYTES));
    const checksum: ChecksumSpec = { type: header.checksumType, bytesPerChecksum: header.bytesPerChecksum };
    const blockBytes = fileSize(blockPath);
    const chunk = lastChunkToCheck({ blockBytes, metaBytes: fileSize(metaPath), checksum });
    const valid =
      chunk === null
        ? 0
        : validatedRbwLength({
            chunk,
            data: readRange(blockPath, chunk.start, chunk.bytes),
            storedCrc: readRange(metaPath, chunk.sumOffset, CRC_BYTES),
            checksum,
          });
    if (blockBytes > valid) fs.truncateSync(blockPath, valid);
    return valid;
  } catch {
    return 0; // as HDFS: an unreadable replica has no valid byte
  }
}

/** resolveDuplicateReplicas: whether the finalized replica wins over the rbw one of the same block. */
function keepsFinalized(finalized: BlockRef, rbw: BlockRef): boolean {
  if (finalized.genStamp !== rbw.genStamp) return finalized.genStamp > rbw.genStamp;
  return finalized.numBytes > rbw.numBytes;
}

function fileSize(file: string): number {
  return fs.statSync(file).size;
}

/** The rbw/ files of a block (any generation stamp), or null. */
export function findRbw(
  storage: DatanodeStorage,
  blockId: number,
): { blockPath: string; metaPath: string } | null {
  const dir = rbwDir(storage.dataDir, storage.poolId);
  const blockPath = path.join(dir, blockFileName(blockId));
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return null;
  }
  const meta = names.find((n) => parseMetaFileName(n)?.blockId === blockId);
  if (!meta || !fs.existsSync(blockPath)) return null;
  return { blockPath, metaPath: path.join(dir, meta) };
}

/** Bytes of an rbw replica its .meta covers: a crash may leave data past the last checksum. */
export function validRbwLength(files: { blockPath: string; metaPath: string }): number {
  const dataBytes = fs.statSync(files.blockPath).size;
  const sums = Math.floor((fs.statSync(files.metaPath).size - META_HEADER_BYTES) / CRC_BYTES);
  return Math.min(dataBytes, sums * BYTES_PER_CHECKSUM);
}

const EMPTY = Buffer.alloc(0);

function emptyBatch(fd: number, position: number): WriteBatch {
  return { fd, position, buffers: [], bytes: 0, written: [] };
}

/** Tells the batch's appenders their buffers are no longer needed. */
function batchDone(batch: WriteBatch): void {
  for (const written of batch.written.splice(0)) written();
}

function gather(batch: WriteBatch, buf: Buffer): void {
  if (buf.length === 0) return;
  batch.buffers.push(buf);
  batch.bytes += buf.length;
}

/** Writes `buffers` as one run at `position`, synchronously, from byte `skip` of the run on. */
function writevAllAt(fd: number, buffers: Buffer[], position: number, skip = 0): void {
  let at = position;
  let left = skip;
  for (const buf of buffers) {
    if (left >= buf.length) {
      left -= buf.length;
      at += buf.length;
      continue;
    }
    for (let off = left; off < buf.length;) off += fs.writeSync(fd, buf, off, buf.length - off, at + off);
    at += buf.length;
    left = 0;
  }
}

/** Bytes a finalized replica takes on disk: its data and its .meta (7-byte header, 4 bytes per 512). */
/** The first `bytes` bytes of a file. */
/**
 * A replica's .meta cut to the checksums of its block file's first `newLength` bytes: the file
 * ends after the last chunk's checksum, and a partial last chunk's CRC is computed again from the
 * (already cut) block file, as LocalReplica.truncateBlock does.
 */
function cutMetaTo(blockPath: string, metaPath: string, newLength: number): void {
  const header = parseMeta(readHead(metaPath, META_HEADER_BYTES));
  const spec: ChecksumSpec = { type: header.checksumType, bytesPerChecksum: header.bytesPerChecksum };
  fs.truncateSync(metaPath, metaLength(newLength, spec));
  const partial = newLength % spec.bytesPerChecksum;
  if (partial === 0 || spec.type === 'NULL') return;
  const chunkStart = newLength - partial;
  const sum = chunkChecksums(readRange(blockPath, chunkStart, partial), spec.bytesPerChecksum, spec.type);
  const fd = fs.openSync(metaPath, 'r+');
  try {
    fs.writeSync(fd, sum, 0, sum.length, metaLength(chunkStart, spec));
  } finally {
    fs.closeSync(fd);
  }
}

/** A new file with `data`, fsync'd before it is closed. */
function writeSynced(file: string, data: Buffer): void {
  const fd = fs.openSync(file, 'wx');
  try {
    fs.writeSync(fd, data, 0, data.length, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function readHead(file: string, bytes: number): Buffer {
  return readRange(file, 0, bytes);
}

/** `length` bytes of a file from `offset` (fewer when the file ends first). */
function readRange(file: string, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const fd = fs.openSync(file, 'r');
  try {
    const n = fs.readSync(fd, buf, 0, length, offset);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

function replicaDiskBytes(r: { numBytes: number }): number {
  return r.numBytes + META_HEADER_BYTES + 4 * Math.ceil(r.numBytes / 512);
}

/** A block handed to the storage layer: its id and stamp must be uint64 numbers, whoever sent them. */
function checkBlock(block: BlockRef, where: string): void {
  parseBlockId(block.blockId, `${where} block.blockId`);
  parseGenStamp(block.genStamp, `${where} block.genStamp`);
}

function writeFileAtomic(file: string, text: string): void {
  const temp = `${file}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}

function readLockPid(lockPath: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(lockPath, 'utf8');
  } catch {
    return null;
  }
  const m = /^(\d+)@/.exec(text.trim());
  return m ? Number(m[1]) : null;
}
