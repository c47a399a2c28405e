/**
 * The DFS client (DFSClient, DFSOutputStream, DFSInputStream): one per `lab` command invocation.
 *
 * Write (DFSOutputStream, DataStreamer): create → per block addBlock (NotReplicatedYetException backoff;
 * abandonBlock + excludeNodes when the pipeline cannot be set up) → packets through the first
 * DataNode of the pipeline only → the next block only after the previous block's last packet is
 * acked → complete, retried while it answers false. Block bytes never go to the NameNode.
 *
 * Read (DFSInputStream): getBlockLocations (readerHost = the client's host) for a prefetch window of
 * dfs.client.read.prefetch.size bytes, the next window when the read passes it → per block the nearest
 * replica → every chunk's CRC32C verified → on a checksum error or a dead DataNode, the next
 * replica, resuming where the bad one stopped → bad replicas reported by HDFS's rules.
 *
 * The pure decisions (block and packet cuts, replica order, what to report, retry waits) are in
 * plan.ts; the DataTransfer ops are block-writer.ts, block-reader.ts and datanode-ops.ts.
 */
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LabConfig } from '../config/config.js';
import { clusterConfig } from '../home/cluster-config.js';
import { clientOn, homePaths, type ClusterDescription } from '../home/description.js';
import { LauncherError } from '../home/errors.js';
import { requireDescription } from '../home/home.js';
import { connectNamenode } from './namenode-client.js';
import { RemoteError } from '../protocol/errors.js';
import { parseSize } from '../common/units.js';
import {
  CLIENT_LOCATE_FOLLOWING_BLOCK_FIRST_WAIT_MS,
  CLIENT_LOCATE_FOLLOWING_BLOCK_RETRIES,
} from '../protocol/limits.js';
import type {
  BlockChecksumResponse,
  BlockConstructionStage,
  DataChecksum,
} from '../protocol/data-transfer.js';
import type { RpcMethod, RpcRequest, RpcResult } from '../protocol/messages.js';
import { PACKET_DATA_BYTES } from '../protocol/packet.js';
import {
  xferAddr,
  type BlockRef,
  type DatanodeId,
  type LocatedBlock,
  type LocatedBlocks,
} from '../protocol/types.js';
import { readBlockLength } from './datanode-ipc-client.js';
import { Journal } from '../transport/journal.js';
import { RpcClient } from '../transport/rpc-client.js';
import { ChecksumError, DATA_SOCKET_TIMEOUT_MS, type XferTarget } from '../transport/data-link.js';
import {
  BlockWriter,
  DatanodeRestartingError,
  PipelineAckError,
  PipelineSetupError,
  type WriterResume,
} from './block-writer.js';
import { readBlock } from './block-reader.js';
import { blockChecksum, transferBlock } from './datanode-ops.js';
import {
  checkRestartDeadline,
  parseReplacePolicy,
  planRecovery,
  recoveryStageOf,
  REPLACE_DATANODE_TRIES,
  restartRetryDelayMs,
  shouldReplaceDatanode,
  shouldWaitForRestart,
  type ReplaceDatanodePolicy,
  type RestartingDatanode,
} from './pipeline-recovery.js';
import { fileChecksum, type FileChecksum } from './file-checksum.js';
import {
  clientNameFor,
  ExcludedNodes,
  nextReplica,
  packetRoom,
  replicasToReport,
  retryDelaysMs,
  type ReplicaFailure,
} from './plan.js';

/** Lease renewal period: min(soft, hard limit) / 2 = 30 s, as HDFS's LeaseRenewer. */
export const LEASE_RENEW_INTERVAL_MS = 30_000;
/** dfs.client.block.write.retries: pipeline setups tried per block before giving up. */
export const BLOCK_WRITE_RETRIES = 3;
/** dfs.client.read.prefetch.size's default, in blocks of dfs.blocksize (HdfsClientConfigKeys: 10 × the block size). */
export const READ_PREFETCH_BLOCKS = 10;
/** Local file reads during a put: large sequential reads, sliced into 64 KiB packets. */
export const LOCAL_READ_BYTES = 16 * PACKET_DATA_BYTES;
/** Local file writes during a get: 16 packets per writev(2) instead of one write(2) per packet. */
export const LOCAL_WRITE_BATCH_BYTES = 16 * PACKET_DATA_BYTES;
/** Default permission of a new file: 0666 masked by the default umask 022. */
export const DEFAULT_FILE_PERMISSION = 0o644;
/** FsCreateModes: what a new file asks for before the umask (a parent's default ACL filters this). */
export const DEFAULT_FILE_UNMASKED = 0o666;
/** A new directory: 0777, 0755 after the default umask 022. */
export const DEFAULT_DIR_MODES = { permission: 0o755, unmasked: 0o777 } as const;
/** The suffix `-put` and `-get` write under before renaming to the final name (CommandWithDestination). */
export const COPYING_SUFFIX = '._COPYING_';

export type ProgressCallback = (bytesDone: number, totalBytes: number) => void;

/** What a client needs of a cluster: its description, effective config, journal and a NameNode connection. */
export interface DFSClientSession {
  description: ClusterDescription;
  config: LabConfig;
  journal: Journal;
  namenode: RpcClient;
}

export interface DFSClientOptions {
  session: DFSClientSession;
  /** Warnings HDFS's client logs (checksum errors, failed replicas); default: stderr. */
  warn?: (line: string) => void;
  /** close() also closes the session's NameNode connection and journal (connect() sets it). */
  ownsSession?: boolean;
  /** Who this client is in the journal and where it connects from; default `client` at the client's host (a DataNode serving WebHDFS is its own client). */
  selfId?: string;
  clientHost?: string;
}

export interface CreateOptions {
  overwrite?: boolean;
  replication?: number;
  blockSize?: number;
  permission?: number;
  createParent?: boolean;
  onProgress?: ProgressCallback;
  /** Expected total bytes, for onProgress (unknown: 0). */
  totalBytes?: number;
  opId?: string;
}

export interface TransferOptions {
  overwrite?: boolean;
  replication?: number;
  blockSize?: number;
  onProgress?: ProgressCallback;
  /** `-put -d` / `-cp -d`: write the destination directly, without `._COPYING_`. */
  direct?: boolean;
  opId?: string;
}

export interface ReadOptions {
  /** Byte offset in the file to start at (`-tail`). */
  offset?: number;
  onProgress?: ProgressCallback;
  opId?: string;
}

/** The description with the client on a DataNode's host, when `on` names one. */
function onHost(description: ClusterDescription, on: string | undefined): ClusterDescription {
  if (on === undefined) return description;
  const placed = clientOn(description, on);
  if (!placed.ok) throw new LauncherError(`on ${on}: ${placed.problem}`, 'usage');
  return placed.description;
}

export class DFSClient {
  readonly clientName: string;
  readonly clientHost: string;
  readonly selfId: string;
  private opCounter = 0;
  private openStreams = 0;
  private leaseTimer: NodeJS.Timeout | null = null;
  private readonly warn: (line: string) => void;
  private readonly session: DFSClientSession;

  constructor(private readonly options: DFSClientOptions) {
    this.session = options.session;
    this.clientName = clientNameFor(randomInt(0, 2 ** 31 - 1));
    this.clientHost = options.clientHost ?? options.session.description.client.host;
    this.selfId = options.selfId ?? 'client';
    this.warn = options.warn ?? ((line) => process.stderr.write(`${line}\n`));
  }

  /** Connects to the NameNode of the cluster in `home`; close() closes the connection and journal. */
  static async connect(options: {
    home: string;
    journal?: Journal;
    warn?: (line: string) => void;
    /** Run as if on this DataNode's host (a local writer and reader), as `lab fs --on dn3`. */
    on?: string;
  }): Promise<DFSClient> {
    const description = onHost(requireDescription(options.home), options.on);
    const journal = options.journal ?? new Journal(homePaths(options.home).journal, 'client');
    let namenode: RpcClient;
    try {
      namenode = await connectNamenode(description, journal);
    } catch (err) {
      if (!options.journal) journal.close();
      throw err;
    }
    return new DFSClient({
      session: { description, config: clusterConfig(description, options.home), journal, namenode },
      ownsSession: true,
      ...(options.warn ? { warn: options.warn } : {}),
    });
  }

  get config(): LabConfig {
    return this.session.config;
  }

  get journal(): Journal {
    return this.session.journal;
  }

  /** A fresh operation id (`put-<pid>-<n>`) grouping one user operation's frames in the journal. */
  nextOpId(verb: string): string {
    return `${verb}-${process.pid}-${++this.opCounter}`;
  }

  /** A warning line as HDFS's client logs it (stderr by default). */
  warnLine(line: string): void {
    this.warn(line);
  }

  call<M extends RpcMethod>(method: M, params: RpcRequest<M>, opId?: string): Promise<RpcResult<M>> {
    return this.session.namenode.call(method, params, opId ? { opId } : {});
  }

  async close(): Promise<void> {
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    this.leaseTimer = null;
    if (this.options.ownsSession) {
      this.session.namenode.close();
      this.session.journal.close();
    } else this.session.journal.flush();
  }

  // ---- write ----

  async create(src: string, options: CreateOptions = {}): Promise<DFSOutputStream> {
    const opId = options.opId ?? this.nextOpId('create');
    const blockSize = options.blockSize ?? this.config.bytes('dfs.blocksize');
    const status = await this.call(
      'create',
      {
        src,
        permission: options.permission ?? DEFAULT_FILE_PERMISSION,
        ...(options.permission === undefined ? { unmasked: DEFAULT_FILE_UNMASKED } : {}),
        clientName: this.clientName,
        clientMachine: this.clientHost,
        overwrite: options.overwrite ?? false,
        createParent: options.createParent ?? true,
        replication: options.replication ?? this.config.int('dfs.replication'),
        blockSize,
      },
      opId,
    );
    this.leaseOpened();
    return new DFSOutputStream(this, {
      src,
      fileId: status.fileId,
      replication: status.replication,
      blockSizeBytes: status.blockSize || blockSize,
      opId,
      onProgress: options.onProgress,
      totalBytes: options.totalBytes ?? 0,
      onClosed: () => this.leaseClosed(),
    });
  }

  /**
   * DistributedFileSystem.append: reopens the closed file `src` for writing at its end. A partial
   * last block is continued through the DataNodes that hold it (a new generation stamp, then
   * WRITE_BLOCK with PIPELINE_SETUP_APPEND at the first write); a full one, or none, makes the
   * first write allocate a new block.
   */
  async append(
    src: string,
    options: { opId?: string; onProgress?: ProgressCallback } = {},
  ): Promise<DFSOutputStream> {
    const opId = options.opId ?? this.nextOpId('append');
    const { block, stat } = await this.call(
      'append',
      { src, clientName: this.clientName, clientMachine: this.clientHost, newBlock: false },
      opId,
    );
    this.leaseOpened();
    return new DFSOutputStream(this, {
      src,
      fileId: stat.fileId,
      replication: stat.replication,
      blockSizeBytes: stat.blockSize,
      opId,
      onProgress: options.onProgress,
      totalBytes: 0,
      onClosed: () => this.leaseClosed(),
      lastBlock: block,
    });
  }

  /**
   * DFSClient.truncate: cuts `src` to `newLength` bytes. True when that is done; false while the
   * NameNode has the last block's replicas cut by block recovery (the file is open until then).
   */
  async truncate(src: string, newLength: number, opId = this.nextOpId('truncate')): Promise<boolean> {
    if (!Number.isSafeInteger(newLength) || newLength < 0) {
      throw new RemoteError(
        'HadoopIllegalArgumentException',
        `Cannot truncate to a negative file size: ${newLength}.`,
      );
    }
    return this.call('truncate', { src, newLength, clientName: this.clientName }, opId);
  }

  /**
   * `hdfs dfs -put`: streams a local file to `<dst>._COPYING_`, then renames it to `<dst>`
   * (deleting an existing `<dst>` first when overwriting). A directory `dst` receives the file
   * under its local name.
   */
  async putFile(
    localPath: string,
    dst: string,
    options: TransferOptions = {},
  ): Promise<{ path: string; bytes: number }> {
    const opId = options.opId ?? this.nextOpId('put');
    let stat: fs.Stats;
    try {
      stat = fs.statSync(localPath);
    } catch {
      throw new RemoteError('FileNotFoundException', `\`${localPath}': No such file or directory`);
    }
    if (stat.isDirectory())
      throw new RemoteError('IOException', `\`${localPath}': Is a directory (use -put on files)`);
    const fd = fs.openSync(localPath, 'r');
    try {
      return await this.writeTo(dst, path.basename(localPath), localChunks(fd), stat.size, options, opId);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** `hdfs dfs -put - <dst>`: a byte stream (standard input) through `<dst>._COPYING_`, as it arrives. */
  async putStream(
    source: AsyncIterable<Buffer>,
    dst: string,
    options: TransferOptions = {},
  ): Promise<{ path: string; bytes: number }> {
    const opId = options.opId ?? this.nextOpId('put');
    return this.writeTo(dst, path.posix.basename(dst), source, 0, options, opId);
  }

  /** `hdfs dfs -cp`: the bytes come to this client from the DataNodes and go back through a new pipeline. */
  async copy(
    src: string,
    dst: string,
    options: TransferOptions = {},
  ): Promise<{ path: string; bytes: number }> {
    const opId = options.opId ?? this.nextOpId('cp');
    const input = await this.open(src, opId);
    return this.writeTo(dst, path.posix.basename(src), input, input.fileLength, options, opId);
  }

  /**
   * Writes `source` to `dst` (or `dst/<name>` when `dst` is a directory) through
   * `<target>._COPYING_` and a rename, as FsShell's CommandWithDestination does.
   */
  private async writeTo(
    dst: string,
    name: string,
    source: AsyncIterable<Buffer>,
    totalBytes: number,
    options: TransferOptions,
    opId: string,
  ): Promise<{ path: string; bytes: number }> {
    let target = dst;
    let existing = await this.call('getFileInfo', { src: target }, opId);
    if (existing?.type === 'DIRECTORY') {
      target = joinHdfs(target, name);
      existing = await this.call('getFileInfo', { src: target }, opId);
    }
    if (existing?.type === 'DIRECTORY')
      throw new RemoteError('FileAlreadyExistsException', `\`${target}': Is a directory`);
    if (existing && !options.overwrite)
      throw new RemoteError('FileAlreadyExistsException', `\`${target}': File exists`);
    const writing = options.direct ? target : `${target}${COPYING_SUFFIX}`;
    const out = await this.create(writing, {
      overwrite: true,
      opId,
      totalBytes,
      ...pick(options, ['replication', 'blockSize', 'onProgress']),
    });
    let bytes = 0;
    try {
      for await (const chunk of source) {
        await out.write(chunk);
        bytes += chunk.length;
      }
      await out.close();
    } catch (err) {
      out.abort();
      await this.call('delete', { src: writing, recursive: false }, opId).catch(() => false);
      throw err;
    }
    if (writing !== target) {
      if (existing) await this.call('delete', { src: target, recursive: false }, opId);
      const renamed = await this.call('rename', { src: writing, dst: target }, opId);
      if (!renamed) throw new RemoteError('IOException', `rename ${writing} to ${target} failed`);
    }
    // The operation's frames are in the journal when it returns, for viewers and checks that read it next.
    this.journal.flush();
    return { path: target, bytes };
  }

  private leaseOpened(): void {
    this.openStreams++;
    if (this.leaseTimer) return;
    this.leaseTimer = setInterval(() => {
      void this.call('renewLease', { clientName: this.clientName }).catch((err: unknown) =>
        this.warn(
          `WARN hdfs.LeaseRenewer: Failed to renew lease for [${this.clientName}]: ${(err as Error).message}`,
        ),
      );
    }, this.leaseRenewIntervalMs());
    this.leaseTimer.unref();
  }

  /** LeaseRenewer: every min(soft, hard limit) / 2 — 30 s in Hadoop, shorter with the lab's limits. */
  private leaseRenewIntervalMs(): number {
    try {
      const soft = this.config.ms('lab.lease.soft-limit-ms');
      const hard = this.config.ms('dfs.namenode.lease-hard-limit-sec');
      return Math.max(100, Math.floor(Math.min(soft, hard) / 2));
    } catch {
      return LEASE_RENEW_INTERVAL_MS;
    }
  }

  private leaseClosed(): void {
    this.openStreams--;
    if (this.openStreams > 0 || !this.leaseTimer) return;
    clearInterval(this.leaseTimer);
    this.leaseTimer = null;
  }

  // ---- read ----

  /**
   * DFSInputStream.openInfo: the locations of the file's first prefetch window
   * (dfs.client.read.prefetch.size bytes of blocks); the stream asks for more as it reads past them.
   */
  async open(src: string, opId = this.nextOpId('open'), offset = 0): Promise<DFSInputStream> {
    const located = await this.locate(src, 0, opId);
    await this.readLastBlockLength(located);
    return new DFSInputStream(this, src, located, opId, offset);
  }

  /**
   * DFSInputStream.fetchLocatedBlocksAndGetLastBlockLength: the last block of a file being written
   * is as long as its DataNodes' visible length (the bytes the pipeline acked, everything hflushed),
   * asked over ClientDatanodeProtocol; the NameNode knows only what fsync told it. A last block
   * without locations keeps the NameNode's length (HDFS retries the open a few times instead).
   */
  private async readLastBlockLength(located: LocatedBlocks): Promise<void> {
    const last = located.lastBlock;
    if (located.isLastBlockComplete || !last || last.locations.length === 0) return;
    const length = await readBlockLength({
      description: this.session.description,
      journal: this.journal,
      located: last,
      timeoutMs: DATA_SOCKET_TIMEOUT_MS,
    });
    for (const lb of [last, ...located.blocks])
      if (lb.block.blockId === last.block.blockId) lb.block = { ...lb.block, numBytes: length };
  }

  /** DFSClient.getLocatedBlocks(src, start): getBlockLocations of one prefetch window from `start`. */
  async locate(src: string, start: number, opId: string): Promise<LocatedBlocks> {
    const located = await this.call(
      'getBlockLocations',
      { src, offset: start, length: this.prefetchSizeBytes(), readerHost: this.clientHost },
      opId,
    );
    if (!located) throw new RemoteError('FileNotFoundException', `File does not exist: ${src}`);
    return located;
  }

  /** getBlockLocations of the whole file: every block with its replicas, as fsck and checksums want them. */
  async locateAll(src: string, opId?: string): Promise<LocatedBlocks> {
    const located = await this.call(
      'getBlockLocations',
      { src, offset: 0, length: Number.MAX_SAFE_INTEGER, readerHost: this.clientHost },
      opId,
    );
    if (!located) throw new RemoteError('FileNotFoundException', `File does not exist: ${src}`);
    return located;
  }

  /**
   * dfs.client.read.prefetch.size: how many bytes of block locations a reader asks for at a time.
   * hdfs-default.xml has no value for it; HdfsClientConfigKeys' default is 10 × dfs.blocksize.
   */
  prefetchSizeBytes(): number {
    const key = 'dfs.client.read.prefetch.size';
    if (!this.config.has(key)) return READ_PREFETCH_BLOCKS * this.config.bytes('dfs.blocksize');
    const bytes = parseSize(this.config.get(key));
    if (bytes <= 0)
      throw new RemoteError('IllegalArgumentException', `${key} must be more than 0 bytes, got ${bytes}`);
    return bytes;
  }

  /**
   * The file's MD5-of-MD5-of-CRC checksum (DistributedFileSystem.getFileChecksum): BLOCK_CHECKSUM
   * to a replica of each block, the next replica when one fails; null for a file without blocks.
   */
  async getFileChecksum(src: string, opId = this.nextOpId('checksum')): Promise<FileChecksum | null> {
    const located = await this.locateAll(src, opId);
    const answers: BlockChecksumResponse[] = [];
    for (const lb of located.blocks) {
      let answer: BlockChecksumResponse | null = null;
      const errors: string[] = [];
      for (const target of lb.locations) {
        try {
          answer = await blockChecksum({
            selfId: this.selfId,
            journal: this.journal,
            localAddress: this.clientHost || undefined,
            op: opId,
            target,
            poolId: lb.blockPoolId,
            block: lb.block,
          });
          break;
        } catch (err) {
          errors.push(`${target.name}: ${(err as Error).message}`);
        }
      }
      if (!answer) {
        throw new RemoteError(
          'IOException',
          `Fail to get block MD5 for ${lb.blockPoolId}:blk_${lb.block.blockId}_${lb.block.genStamp}${errors.length ? ` (${errors.join('; ')})` : '; no live replica'}`,
        );
      }
      answers.push(answer);
    }
    this.journal.flush();
    return fileChecksum(answers);
  }

  /** The file's bytes from `offset`, block after block, each chunk verified. */
  async *readFile(src: string, options: ReadOptions = {}): AsyncGenerator<Buffer> {
    const input = await this.open(src, options.opId ?? this.nextOpId('cat'), options.offset ?? 0);
    let done = 0;
    for await (const chunk of input) {
      done += chunk.length;
      options.onProgress?.(done, input.fileLength);
      yield chunk;
    }
  }

  /** `hdfs dfs -get`: writes `<local>._COPYING_`, then renames it to `<local>`. */
  async getFile(
    src: string,
    localPath: string,
    options: TransferOptions = {},
  ): Promise<{ path: string; bytes: number }> {
    const opId = options.opId ?? this.nextOpId('get');
    let target = localPath;
    if (isDirectory(target)) target = path.join(target, path.posix.basename(src));
    if (fs.existsSync(target) && !options.overwrite)
      throw new RemoteError('FileAlreadyExistsException', `\`${target}': File exists`);
    const input = await this.open(src, opId);
    const copying = options.direct ? target : `${target}${COPYING_SUFFIX}`;
    const fd = fs.openSync(copying, 'w');
    const sink = new LocalFileSink(fd);
    let done = 0;
    try {
      for await (const chunk of input) {
        await sink.write(chunk);
        done += chunk.length;
        options.onProgress?.(done, input.fileLength);
      }
      await sink.finish();
      fs.closeSync(fd);
    } catch (err) {
      await sink.abandon();
      fs.closeSync(fd);
      fs.rmSync(copying, { force: true });
      throw err;
    }
    if (copying !== target) fs.renameSync(copying, target);
    this.journal.flush();
    return { path: target, bytes: done };
  }

  /** Reads one block from its replicas in order, failing over and reporting bad replicas. */
  async *readLocatedBlock(
    located: LocatedBlock,
    src: string,
    opId: string,
    startInBlock = 0,
  ): AsyncGenerator<Buffer> {
    const { block, blockPoolId } = located;
    const names = located.locations.map((l) => l.name);
    const failed = new Map<string, ReplicaFailure>();
    let delivered = startInBlock;
    let succeeded = false;
    while (!succeeded) {
      const name = nextReplica(names, failed);
      const target = located.locations.find((l) => l.name === name);
      if (!name || !target) break;
      try {
        for await (const chunk of readBlock({
          selfId: this.selfId,
          journal: this.journal,
          localAddress: this.clientHost || undefined,
          op: opId,
          target,
          poolId: blockPoolId,
          block,
          clientName: this.clientName,
          offset: delivered,
          len: block.numBytes - delivered,
        })) {
          delivered += chunk.length;
          yield chunk;
        }
        succeeded = true;
      } catch (err) {
        if (err instanceof ChecksumError) {
          failed.set(name, 'checksum');
          this.journal.event({ type: 'checksum-error', block, datanode: name, offset: err.position }, opId);
          this.warn(
            `WARN hdfs.DFSClient: Found Checksum error for ${blockPoolId}:blk_${block.blockId}_${block.genStamp} from ${name} at ${err.position}`,
          );
        } else {
          failed.set(name, 'io');
          this.warn(
            `WARN hdfs.DFSClient: Failed to connect to ${xferAddr(target)} (${name}) for block ${blockPoolId}:blk_${block.blockId}_${block.genStamp}, add to deadNodes and continue. ${(err as Error).message}`,
          );
        }
      }
    }
    const bad = replicasToReport({ failed, succeeded, replicaCount: names.length });
    if (bad.length > 0) {
      await this.call(
        'reportBadBlocks',
        { blocks: bad.map((datanode) => ({ block, datanode })) },
        opId,
      ).catch((err: unknown) =>
        this.warn(`WARN hdfs.DFSClient: reportBadBlocks failed: ${(err as Error).message}`),
      );
    }
    if (!succeeded) {
      const tried = [...failed]
        .map(([n, why]) => `${n} (${why === 'checksum' ? 'checksum error' : 'unreachable'})`)
        .join(', ');
      throw new RemoteError(
        'IOException',
        `Could not obtain block: ${blockPoolId}:blk_${block.blockId}_${block.genStamp} file=${src}` +
          (tried ? `; tried ${tried}` : '; no live replica'),
      );
    }
  }
}

/**
 * A file being read (DFSInputStream): iterate it for its bytes from `offset`. It holds the block
 * locations fetched so far, a prefetch window at a time; reading past them fetches the next window
 * from the position read (fetchBlockAt).
 */
export class DFSInputStream implements AsyncIterable<Buffer> {
  /** Every located block fetched so far, by start offset (LocatedBlocks.insertRange). */
  private readonly blocks = new Map<number, LocatedBlock>();

  constructor(
    private readonly client: DFSClient,
    readonly src: string,
    private readonly opened: LocatedBlocks,
    private readonly opId: string,
    private readonly offset = 0,
  ) {
    this.keep(opened);
  }

  /**
   * DFSInputStream.getFileLength: the NameNode's length (complete blocks) plus a last block still
   * being written, at the length the NameNode knows (HDFS asks its DataNode).
   */
  get fileLength(): number {
    const { fileLength, lastBlock, isLastBlockComplete } = this.opened;
    return isLastBlockComplete || !lastBlock ? fileLength : fileLength + lastBlock.block.numBytes;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    const end = this.fileLength;
    for (let pos = this.offset; pos < end;) {
      const lb = await this.blockAt(pos);
      yield* this.client.readLocatedBlock(lb, this.src, this.opId, pos - lb.startOffset);
      pos = lb.startOffset + lb.block.numBytes;
    }
  }

  /** The located block holding byte `pos`, from the blocks in hand or a new window (fetchBlockAt). */
  private async blockAt(pos: number): Promise<LocatedBlock> {
    const held = this.holding(pos);
    if (held) return held;
    this.keep(await this.client.locate(this.src, pos, this.opId));
    const fetched = this.holding(pos);
    if (!fetched) throw new RemoteError('EOFException', `Could not find target position ${pos}`);
    return fetched;
  }

  private holding(pos: number): LocatedBlock | undefined {
    for (const lb of this.blocks.values()) {
      if (lb.startOffset <= pos && pos < lb.startOffset + lb.block.numBytes) return lb;
    }
    return undefined;
  }

  private keep(located: LocatedBlocks): void {
    for (const lb of located.blocks) this.blocks.set(lb.startOffset, lb);
  }
}

interface OutputStreamOptions {
  src: string;
  replication: number;
  fileId: number;
  blockSizeBytes: number;
  opId: string;
  onProgress: ProgressCallback | undefined;
  totalBytes: number;
  onClosed: () => void;
  /** append's answer: the partial last block the stream continues (null: the next write adds a block). */
  lastBlock?: LocatedBlock | null;
}

/**
 * A file being written (DFSOutputStream + DataStreamer): bytes are cut into packets of at most
 * 64,512 bytes that never span blocks, and sent through one pipeline per block.
 */
export class DFSOutputStream {
  private readonly staging = Buffer.allocUnsafe(PACKET_DATA_BYTES);
  private stagingFill = 0;
  private blockBytesSent = 0;
  private bytesWritten = 0;
  private writer: BlockWriter | null = null;
  private current: LocatedBlock | null = null;
  private previous: BlockRef | null = null;
  private closed = false;
  /** Pipeline recoveries of the current block (DataStreamer gives up after 5). */
  private recoveries = 0;
  /** DataNodes that failed a pipeline setup for this file: never offered again by addBlock. */
  private readonly excludedNodes = new ExcludedNodes();
  /**
   * DataStreamer's `failed`: every DataNode dropped from a pipeline of this file mid-stream or at
   * close. Never asked back as a replacement (getAdditionalDatanode's excludes) for any block of
   * the file; addBlock's excludes stay the setup failures, as in HDFS.
   */
  private readonly failed: string[] = [];
  /** The partial block an append continues, until its pipeline is set up at the first write. */
  private appendBlock: LocatedBlock | null = null;
  /** A block was added since the last hflush/hsync: the next one persists the block list (DataStreamer's persistBlocks). */
  private persistBlocks = false;
  /** The stream was hflushed or hsynced (DataStreamer's isHflushed, for the replace-datanode policy). */
  private hflushed = false;

  constructor(
    private readonly client: DFSClient,
    private readonly opts: OutputStreamOptions,
  ) {
    const last = opts.lastBlock;
    if (last) {
      // Closing without a write completes the file with its last block as it was.
      this.previous = { ...last.block };
      if (last.locations.length > 0) {
        this.appendBlock = last;
        this.current = last;
        this.blockBytesSent = last.block.numBytes;
      }
    }
  }

  get path(): string {
    return this.opts.src;
  }

  /**
   * The DataNodes of the current block's pipeline, in pipeline order (DFSOutputStream.getPipeline).
   * getBlockLocations would sort them by distance to the reader instead.
   */
  get pipeline(): string[] {
    return (this.current?.locations ?? []).map((l) => l.name);
  }

  /**
   * Bytes of the current block every DataNode of its pipeline has acknowledged (the stream's
   * lastAckedSeqno, in bytes): a write whose bytes are all acked is in HDFS's PIPELINE_CLOSE stage
   * once closed, while one with packets in flight recovers at the DATA_STREAMING stage.
   */
  get ackedBytes(): number {
    return this.writer?.ackedBytes ?? 0;
  }

  /** Queues `data`; resolves once it is handed to the pipeline (the caller may reuse the buffer). */
  async write(data: Buffer): Promise<void> {
    if (this.closed) throw new RemoteError('IOException', `Stream for ${this.opts.src} is closed`);
    let off = 0;
    while (off < data.length) {
      if (!this.writer) await this.startBlock();
      const room = packetRoom({
        blockBytesSent: this.blockBytesSent,
        packetFill: this.stagingFill,
        blockSizeBytes: this.opts.blockSizeBytes,
      });
      const n = Math.min(room, data.length - off);
      if (this.stagingFill === 0 && n === room) {
        // A whole packet inside the caller's buffer: no staging copy (encodePacket copies once).
        await this.sendPacket(data.subarray(off, off + n));
      } else {
        data.copy(this.staging, this.stagingFill, off, off + n);
        this.stagingFill += n;
        if (n === room) await this.flushStaging();
      }
      off += n;
    }
  }

  /**
   * DFSOutputStream.hflush: every byte written so far is sent and acked by every DataNode of the
   * pipeline, so a new reader sees it; the first flush after a new block also persists the block
   * list on the NameNode (fsync). Nothing is fsynced on the DataNodes.
   */
  async hflush(): Promise<void> {
    await this.flushOrSync({ sync: false, updateLength: false });
  }

  /**
   * DFSOutputStream.hsync: hflush, with syncBlock on the last packet (an empty packet when nothing
   * is left to send), so every DataNode fsyncs the replica and its .meta before it acks.
   * `updateLength` (SyncFlag.UPDATE_LENGTH) has the NameNode record the last block's length too.
   */
  async hsync(options: { updateLength?: boolean } = {}): Promise<void> {
    await this.flushOrSync({ sync: true, updateLength: options.updateLength ?? false });
  }

  private async flushOrSync(args: { sync: boolean; updateLength: boolean }): Promise<void> {
    if (this.closed) throw new RemoteError('IOException', `Stream for ${this.opts.src} is closed`);
    this.hflushed = true;
    if (this.stagingFill > 0) await this.flushStaging(args.sync);
    else if (args.sync && this.writer && this.blockBytesSent > 0) {
      await this.withRecovery((writer) => writer.writePacket(EMPTY_PACKET, undefined, true));
    }
    if (this.writer) await this.withRecovery((writer) => writer.waitForAcks());
    // "update the block length first time irrespective of flag" (flushOrSync).
    const lastBlockLength =
      args.updateLength || this.persistBlocks
        ? this.writer
          ? this.blockBytesSent
          : (this.previous?.numBytes ?? -1)
        : -1;
    if (!this.persistBlocks && !args.updateLength) return;
    this.persistBlocks = false;
    await this.client.call(
      'fsync',
      { src: this.opts.src, clientName: this.client.clientName, lastBlockLength, fileId: this.opts.fileId },
      this.opts.opId,
    );
  }

  /** Sends what is left, ends the last block, and completes the file (retrying while the NameNode waits for replicas). */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (this.stagingFill > 0) await this.flushStaging();
      if (this.writer) await this.endBlock();
      await this.complete();
    } finally {
      this.closed = true;
      this.opts.onClosed();
    }
  }

  /** Drops the pipeline after a failure (the NameNode's lease recovery cleans up the file). */
  abort(): void {
    this.writer?.abort();
    this.writer = null;
    if (!this.closed) {
      this.closed = true;
      this.opts.onClosed();
    }
  }

  private async flushStaging(syncBlock = false): Promise<void> {
    const fill = this.stagingFill;
    this.stagingFill = 0;
    await this.sendPacket(this.staging.subarray(0, fill), syncBlock);
  }

  private async sendPacket(data: Buffer, syncBlock = false): Promise<void> {
    const sentAfter = this.blockBytesSent + data.length;
    await this.withRecovery(async (writer) => {
      // After a recovery the packet may already be among the re-sent ones.
      if (writer.bytesSent < sentAfter) await writer.writePacket(data, undefined, syncBlock);
    });
    this.blockBytesSent += data.length;
    this.bytesWritten += data.length;
    this.opts.onProgress?.(this.bytesWritten, this.opts.totalBytes);
    if (this.blockBytesSent === this.opts.blockSizeBytes) await this.endBlock();
  }

  private async endBlock(): Promise<void> {
    await this.withRecovery((writer) => writer.close().then(() => undefined), { closing: true });
    this.writer = null;
    const located = this.current as LocatedBlock;
    this.previous = { ...located.block, numBytes: this.blockBytesSent };
    this.blockBytesSent = 0;
  }

  /** Runs a pipeline step; when a DataNode fails, rebuilds the pipeline without it and runs it again. */
  private async withRecovery(
    step: (writer: BlockWriter) => Promise<void>,
    options: { closing: boolean } = { closing: false },
  ): Promise<void> {
    while (true) {
      const writer = this.writer as BlockWriter;
      try {
        await step(writer);
        return;
      } catch (err) {
        if (!(err instanceof RemoteError) || this.closed) throw err;
        await this.recoverPipeline(writer, err, options.closing);
      }
    }
  }

  /**
   * DataStreamer's pipeline recovery: drop the bad DataNode; when the
   * replace-datanode-on-failure policy asks, add one (getAdditionalDatanode, then TRANSFER_BLOCK
   * copies a survivor's RBW replica to it); get a new generation stamp (updateBlockForPipeline);
   * reopen the pipeline with PIPELINE_SETUP_STREAMING_RECOVERY — the DataNodes cut their RBW
   * replicas back to the acked bytes and rename the .meta to the new genstamp — re-send the
   * un-acked packets, then updatePipeline. When only the end of the block was left (HDFS's
   * PIPELINE_CLOSE stage), the stage is PIPELINE_CLOSE_RECOVERY: the survivors finalize their
   * replicas (finalized already or RBW) under the new stamp during the setup and report them, and
   * no end-of-block packet is sent (the recovered writer's close returns at once).
   */
  private async recoverPipeline(failed: BlockWriter, err: RemoteError, closing: boolean): Promise<void> {
    const located = this.current as LocatedBlock;
    const resume = failed.resumeState();
    failed.abort();
    this.writer = null;
    // HDFS's PIPELINE_CLOSE stage: every data packet is acked, only the end of the block failed.
    const pipelineClosing = closing && resume.frames.length === 0 && resume.ackedBytes === resume.offset;
    const members = pipelineOf(located);
    const restarting = err instanceof DatanodeRestartingError ? this.restartingDatanode(members, err) : null;
    await this.setupPipelineInternal({
      located,
      members,
      ...(restarting ? { restarting } : { failure: { bad: badTargetOf(err), err } }),
      stage: pipelineClosing ? 'PIPELINE_CLOSE_RECOVERY' : 'PIPELINE_SETUP_STREAMING_RECOVERY',
      resume,
    });
  }

  /**
   * ErrorState.initRestartingNode: the DataNode whose OOB_RESTART ack failed the pipeline is
   * waited for until dfs.client.datanode-restart.timeout when that is worth it (the pipeline's only
   * DataNode, or one on this host); null when it is not, and it is dropped like a bad one.
   */
  private restartingDatanode(
    members: PipelineMember[],
    err: DatanodeRestartingError,
  ): RestartingDatanode | null {
    this.client.warnLine(`INFO hdfs.DataStreamer: ${err.message}`);
    const member = members.find((m) => m.target.name === err.badTarget);
    const local = member !== undefined && isLocalAddress(member.target.ipAddr);
    if (!shouldWaitForRestart({ pipelineLength: members.length, local })) return null;
    return { name: err.badTarget, deadlineMs: Date.now() + this.restartTimeoutMs() };
  }

  private restartTimeoutMs(): number {
    return this.client.config.ms('dfs.client.datanode-restart.timeout');
  }

  /**
   * DataStreamer.setupPipelineInternal: while the pipeline cannot be set up, drop the DataNode to
   * blame (handleBadDatanode) and add one when the policy asks (handleDatanodeReplacement); each
   * attempt takes a new generation stamp (updateBlockForPipeline) and the WRITE_BLOCK names the
   * replicas as they are with that stamp as latestGenerationStamp; once one succeeds,
   * updatePipeline. `failure` absent: the first setup of an append, which becomes
   * PIPELINE_SETUP_APPEND_RECOVERY if it fails.
   */
  private async setupPipelineInternal(args: {
    located: LocatedBlock;
    members: PipelineMember[];
    failure?: { bad: string; err: Error };
    /** A DataNode that said it is restarting: each attempt waits first, and its failures are not held against it until its deadline. */
    restarting?: RestartingDatanode;
    stage: BlockConstructionStage;
    resume: WriterResume;
  }): Promise<void> {
    const { located, resume } = args;
    let { members, failure, stage } = args;
    let restarting = args.restarting ?? null;
    while (true) {
      if (restarting) await sleep(restartRetryDelayMs(this.restartTimeoutMs()));
      if (failure) {
        const handled = await this.handleBadDatanode({ located, members, failure, stage, resume });
        members = handled.members;
        failure = { ...failure, bad: handled.bad };
      }
      const { block: bumped } = await this.client.call(
        'updateBlockForPipeline',
        { block: located.block, clientName: this.client.clientName },
        this.opts.opId,
      );
      const newGenStamp = bumped.genStamp;
      if (failure || restarting) {
        this.client.journal.event(
          {
            type: 'pipeline-recovery',
            block: located.block,
            bad: failure?.bad ?? '',
            ...(restarting ? { restarting: restarting.name } : {}),
            newGenStamp,
          },
          this.opts.opId,
        );
      }
      try {
        this.writer = await BlockWriter.open({
          ...this.writerBase(),
          targets: members.map(transferTargetOf),
          poolId: located.blockPoolId,
          block: located.block,
          latestGenerationStamp: newGenStamp,
          stage,
          resume,
        });
      } catch (setupErr) {
        if (!(setupErr instanceof PipelineSetupError)) throw setupErr;
        failure = { bad: setupErr.badTarget, err: setupErr };
        stage = recoveryStageOf(stage);
        if (restarting) ({ restarting, failure } = this.checkRestartDeadline(restarting, failure));
        continue;
      }
      const newBlock = { blockId: located.block.blockId, genStamp: newGenStamp, numBytes: resume.ackedBytes };
      await this.client.call(
        'updatePipeline',
        {
          clientName: this.client.clientName,
          oldBlock: located.block,
          newBlock,
          datanodes: members.map((m) => m.target.name),
        },
        this.opts.opId,
      );
      this.current = {
        ...located,
        block: { ...located.block, genStamp: newGenStamp },
        locations: members.map((m) => m.target),
        racks: members.map((m) => m.rack),
      };
      return;
    }
  }

  /** ErrorState.checkRestartingNodeDeadline after a failed attempt, with its WARN when the wait is over. */
  private checkRestartDeadline(
    restarting: RestartingDatanode,
    failure: { bad: string; err: Error },
  ): { restarting: RestartingDatanode | null; failure: { bad: string; err: Error } | undefined } {
    const next = checkRestartDeadline({ restarting, bad: failure.bad, nowMs: Date.now() });
    if (!next.restarting) {
      this.client.warnLine(
        `WARN hdfs.DataStreamer: Datanode ${restarting.name} did not restart within ${this.restartTimeoutMs()}ms`,
      );
    }
    return { restarting: next.restarting, failure: next.bad ? { ...failure, bad: next.bad } : undefined };
  }

  /**
   * DataStreamer.handleBadDatanode + handleDatanodeReplacement: the pipeline without the DataNode
   * to blame (HDFS's messages when none is left or the block was recovered too often), with one
   * added when the replace-datanode-on-failure policy asks — but not while the pipeline is closing.
   */
  private async handleBadDatanode(args: {
    located: LocatedBlock;
    members: PipelineMember[];
    failure: { bad: string; err: Error };
    stage: BlockConstructionStage;
    resume: WriterResume;
  }): Promise<{ members: PipelineMember[]; bad: string }> {
    const { located, failure } = args;
    const names = args.members.map((m) => m.target.name);
    const name = `${located.blockPoolId}:blk_${located.block.blockId}_${located.block.genStamp}`;
    const plan = planRecovery({ pipeline: names, bad: failure.bad, attempts: this.recoveries++ });
    if (!plan.ok) {
      throw new RemoteError(
        'IOException',
        `${plan.message} (${this.opts.src}, ${name}: ${failure.err.message})`,
      );
    }
    const bad = failure.bad && names.includes(failure.bad) ? failure.bad : (names[0] ?? '?');
    if (!this.failed.includes(bad)) this.failed.push(bad);
    this.client.warnLine(
      `WARN hdfs.DataStreamer: Error Recovery for ${name} in pipeline [${names.join(', ')}]: datanode ${bad} is bad. (${failure.err.message})`,
    );
    const members = args.members.filter((m) => plan.pipeline.includes(m.target.name));
    if (!this.wantsReplacement(members.length)) return { members, bad };
    if (args.stage === 'PIPELINE_CLOSE_RECOVERY') {
      // DataStreamer: no transfer while the pipeline is closing; the NameNode re-replicates.
      this.client.warnLine(
        `WARN hdfs.DataStreamer: ${name} fails at close; no DataNode added to [${plan.pipeline.join(', ')}], the NameNode re-replicates the block`,
      );
      return { members, bad };
    }
    const ackedBytes = args.resume.ackedBytes;
    return { members: await this.addDatanode({ located, members, excludes: this.failed, ackedBytes }), bad };
  }

  /**
   * DataStreamer.addDatanode2ExistingPipeline: the NameNode chooses one more DataNode for the
   * block (getAdditionalDatanode, placement policy and rack rule, the dropped DataNodes
   * excluded), then a survivor copies its RBW replica — the acked bytes — to it with
   * TRANSFER_BLOCK. A failed copy excludes that DataNode and tries again, with the next survivor
   * as the source, at most REPLACE_DATANODE_TRIES times. With no DataNode to add, the write fails
   * (best-effort false) or continues with the survivors (best-effort true).
   */
  private async addDatanode(args: {
    located: LocatedBlock;
    members: PipelineMember[];
    excludes: string[];
    ackedBytes: number;
  }): Promise<PipelineMember[]> {
    const { located, members } = args;
    const existing = members.map((m) => m.target.name);
    const excludes = [...args.excludes];
    const block = { ...located.block, numBytes: args.ackedBytes };
    let lastError: Error | null = null;
    for (let tried = 0; tried < REPLACE_DATANODE_TRIES; tried++) {
      const lb = await this.client.call(
        'getAdditionalDatanode',
        { src: this.opts.src, block, existing, excludes, clientName: this.client.clientName },
        this.opts.opId,
      );
      const offered = pipelineOf(lb);
      const added = offered.find((m) => !existing.includes(m.target.name));
      const source = members[tried % members.length];
      if (!added || !source) {
        lastError = new RemoteError(
          'IOException',
          `Failed to replace a bad datanode on the existing pipeline due to no more good datanodes being available to try. (Nodes: current=[${existing.join(', ')}], original=[${located.locations.map((l) => l.name).join(', ')}]). The current failed datanode replacement policy is ${this.replacePolicy()}, and a client may configure this via 'dfs.client.block.write.replace-datanode-on-failure.policy' in its configuration.`,
        );
        break;
      }
      try {
        await transferBlock({
          ...this.writerBase(),
          source: source.target,
          targets: [added.target],
          poolId: located.blockPoolId,
          block,
        });
      } catch (transferErr) {
        if (!(transferErr instanceof RemoteError)) throw transferErr;
        this.client.warnLine(
          `WARN hdfs.DataStreamer: Error transferring data from ${source.target.name} to ${added.target.name}: ${transferErr.message}`,
        );
        lastError = transferErr;
        excludes.push(added.target.name);
        continue;
      }
      // The NameNode's order: the survivors, then the new DataNode at the end of the pipeline.
      return offered.filter((m) => existing.includes(m.target.name) || m === added);
    }
    if (!this.client.config.bool('dfs.client.block.write.replace-datanode-on-failure.best-effort')) {
      throw lastError ?? new RemoteError('IOException', 'Failed to add a node');
    }
    this.client.warnLine(
      `WARN hdfs.DataStreamer: Failed to replace datanode. Continue with the remaining datanodes [${existing.join(', ')}] since dfs.client.block.write.replace-datanode-on-failure.best-effort is set to true. (${lastError?.message ?? ''})`,
    );
    return members;
  }

  /** The fields every client-initiated DataTransfer op shares. */
  private writerBase(): {
    selfId: string;
    journal: Journal;
    localAddress: string | undefined;
    op: string;
    clientName: string;
    checksum: DataChecksum;
    headerBytes: number;
  } {
    return {
      // DataStreamer's blockCopy: the op's header announces the file's block size.
      headerBytes: this.opts.blockSizeBytes,
      selfId: this.client.selfId,
      journal: this.client.journal,
      localAddress: this.client.clientHost || undefined,
      op: this.opts.opId,
      clientName: this.client.clientName,
      // dfs.checksum.type as HDFS's writer reads it; the DataNode records it in the replica's .meta.
      checksum: {
        type: this.client.config.get('dfs.checksum.type') as DataChecksum['type'],
        bytesPerChecksum: this.client.config.int('dfs.bytes-per-checksum'),
      },
    };
  }

  private replacePolicy(): ReplaceDatanodePolicy {
    return parseReplacePolicy(
      this.client.config.get('dfs.client.block.write.replace-datanode-on-failure.policy'),
    );
  }

  /**
   * ReplaceDatanodeOnFailure.satisfy with HDFS's inputs: r is the file's replication (from the
   * NameNode's create answer), n the DataNodes left in the pipeline after dropping the bad one.
   * An appending or hflushed stream counts for DEFAULT's last clause.
   */
  private wantsReplacement(survivors: number): boolean {
    return shouldReplaceDatanode({
      enabled: this.client.config.bool('dfs.client.block.write.replace-datanode-on-failure.enable'),
      policy: this.replacePolicy(),
      replication: this.opts.replication,
      remaining: survivors,
      hflushedOrAppended: this.opts.lastBlock !== undefined || this.hflushed,
    });
  }

  /**
   * DataStreamer.setupPipelineForAppendOrRecovery for an append: a new generation stamp for the
   * last block (updateBlockForPipeline), WRITE_BLOCK with PIPELINE_SETUP_APPEND to the DataNodes
   * holding it — they reopen their finalized replicas at `numBytes` — then updatePipeline. A
   * DataNode that fails the setup (killed, not yet declared dead) is dropped and, as the policy
   * asks for an append, replaced; the setup is retried as PIPELINE_SETUP_APPEND_RECOVERY.
   */
  private async setupAppendPipeline(located: LocatedBlock): Promise<void> {
    this.appendBlock = null;
    const length = located.block.numBytes;
    await this.setupPipelineInternal({
      located,
      members: pipelineOf(located),
      stage: 'PIPELINE_SETUP_APPEND',
      resume: { ackedBytes: length, offset: length, nextSeqno: 0, frames: [] },
    });
    this.recoveries = 0;
  }

  /** addBlock, then set the pipeline up; a DataNode that fails setup is abandoned and excluded. */
  private async startBlock(): Promise<void> {
    if (this.appendBlock) return this.setupAppendPipeline(this.appendBlock);
    let lastError: Error | null = null;
    for (let attempt = 0; attempt < BLOCK_WRITE_RETRIES; attempt++) {
      const located = await this.addBlock(this.excludedNodes.list(Date.now()));
      try {
        this.writer = await BlockWriter.open({
          ...this.writerBase(),
          targets: pipelineOf(located).map(transferTargetOf),
          poolId: located.blockPoolId,
          block: located.block,
          stage: 'PIPELINE_SETUP_CREATE',
        });
        this.current = located;
        this.recoveries = 0;
        this.persistBlocks = true;
        return;
      } catch (err) {
        if (!(err instanceof PipelineSetupError)) throw err;
        lastError = err;
        const name = `${located.blockPoolId}:blk_${located.block.blockId}_${located.block.genStamp}`;
        this.client.warnLine(`WARN hdfs.DataStreamer: Abandoning ${name}`);
        await this.client.call(
          'abandonBlock',
          {
            src: this.opts.src,
            clientName: this.client.clientName,
            block: located.block,
            fileId: this.opts.fileId,
          },
          this.opts.opId,
        );
        this.client.warnLine(`WARN hdfs.DataStreamer: Excluding datanode ${err.badTarget}`);
        this.excludedNodes.add(err.badTarget, Date.now());
      }
    }
    throw new RemoteError(
      'IOException',
      `Unable to create new block. (${this.opts.src}: ${lastError?.message ?? 'pipeline setup failed'}; excluded ${this.excludedNodes.list(Date.now()).join(', ')})`,
    );
  }

  private async addBlock(excludeNodes: string[]): Promise<LocatedBlock> {
    const delays = retryDelaysMs(
      CLIENT_LOCATE_FOLLOWING_BLOCK_RETRIES,
      CLIENT_LOCATE_FOLLOWING_BLOCK_FIRST_WAIT_MS,
    );
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.client.call(
          'addBlock',
          {
            src: this.opts.src,
            clientName: this.client.clientName,
            previous: this.previous,
            excludeNodes,
            fileId: this.opts.fileId,
          },
          this.opts.opId,
        );
      } catch (err) {
        const wait = delays[attempt];
        if (
          !(err instanceof RemoteError) ||
          err.errorClass !== 'NotReplicatedYetException' ||
          wait === undefined
        )
          throw err;
        await sleep(wait);
      }
    }
  }

  private async complete(): Promise<void> {
    const delays = retryDelaysMs(
      CLIENT_LOCATE_FOLLOWING_BLOCK_RETRIES,
      CLIENT_LOCATE_FOLLOWING_BLOCK_FIRST_WAIT_MS,
    );
    for (let attempt = 0; ; attempt++) {
      const done = await this.client.call(
        'complete',
        {
          src: this.opts.src,
          clientName: this.client.clientName,
          last: this.previous,
          fileId: this.opts.fileId,
        },
        this.opts.opId,
      );
      if (done) return;
      const wait = delays[attempt];
      if (wait === undefined) {
        const last =
          this.previous && this.current
            ? `${this.current.blockPoolId}:blk_${this.previous.blockId}_${this.previous.genStamp}`
            : '(none)';
        throw new RemoteError(
          'IOException',
          `Unable to close file ${this.opts.src} because the last block ${last} does not have enough number of replicas.`,
        );
      }
      await sleep(wait);
    }
  }
}

/** The data of hsync's empty sync packet. */
const EMPTY_PACKET = Buffer.alloc(0);

/** A DataNode of a write pipeline with its rack, as a LocatedBlock lists them. */
/** The DataNode a pipeline failure names (HDFS's firstBadLink or the bad ack's index); '' when none. */
function badTargetOf(err: Error): string {
  return err instanceof PipelineAckError || err instanceof PipelineSetupError ? err.badTarget : '';
}

interface PipelineMember {
  target: DatanodeId;
  rack: string;
}

/** A pipeline member as a WRITE_BLOCK names it: its DatanodeInfo with its rack as the location. */
function transferTargetOf(m: PipelineMember): XferTarget {
  return { ...m.target, location: m.rack };
}

function pipelineOf(lb: LocatedBlock): PipelineMember[] {
  return lb.locations.map((target, i) => ({ target, rack: lb.racks[i] ?? '' }));
}

function joinHdfs(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A local file in LOCAL_READ_BYTES reads; each chunk is valid until the next is requested. */
async function* localChunks(fd: number): AsyncGenerator<Buffer> {
  const buf = Buffer.allocUnsafe(LOCAL_READ_BYTES);
  while (true) {
    const n = await readInto(fd, buf);
    if (n === 0) return;
    yield buf.subarray(0, n);
  }
}

function readInto(fd: number, buf: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, 0, buf.length, null, (err, n) => (err ? reject(err) : resolve(n)));
  });
}

/**
 * The local side of a get: chunks (views into received packets, which the client never releases,
 * so the DataTransfer reader never reads into their arena again) are gathered into LOCAL_WRITE_BATCH_BYTES batches and written with one writev(2) each on
 * libuv's thread pool, while the next packets arrive. At most one batch is being written and one
 * gathered, so a slow disk holds the read back instead of filling memory.
 */
class LocalFileSink {
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private position = 0;
  private writing: Promise<void> | null = null;

  constructor(private readonly fd: number) {}

  async write(chunk: Buffer): Promise<void> {
    this.batch.push(chunk);
    this.batchBytes += chunk.length;
    if (this.batchBytes >= LOCAL_WRITE_BATCH_BYTES) await this.startBatch();
  }

  /** Writes what is gathered and waits for every write. */
  async finish(): Promise<void> {
    await this.startBatch();
    await this.writing;
  }

  /** Drops what is gathered and waits for the write in progress, so the file can be closed. */
  async abandon(): Promise<void> {
    this.batch = [];
    this.batchBytes = 0;
    await this.writing?.catch(() => undefined);
  }

  private async startBatch(): Promise<void> {
    if (this.writing) await this.writing;
    this.writing = null;
    if (this.batchBytes === 0) return;
    const batch = this.batch;
    const position = this.position;
    this.position += this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    this.writing = writevAll(this.fd, batch, position);
  }
}

function writevAll(fd: number, buffers: Buffer[], position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.writev(fd, buffers, position, (err, written) => {
      if (err) return reject(err);
      try {
        // A regular file takes the whole writev; should it not, write the rest in order.
        let skip = written;
        let at = position + written;
        for (const buf of buffers) {
          if (skip >= buf.length) {
            skip -= buf.length;
            continue;
          }
          for (let off = skip; off < buf.length;)
            off += fs.writeSync(fd, buf, off, buf.length - off, at + off - skip);
          at += buf.length - skip;
          skip = 0;
        }
        resolve();
      } catch (e) {
        reject(e as Error);
      }
    });
  });
}

/** NetUtils.isLocalAddress: a loopback address, or an address of one of this host's interfaces. */
function isLocalAddress(ip: string): boolean {
  if (ip.startsWith('127.') || ip === '::1') return true;
  return Object.values(os.networkInterfaces()).some((list) => list?.some((i) => i.address === ip));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pick<T extends object, K extends keyof T>(obj: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}
