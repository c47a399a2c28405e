/**
 * How a real cluster in a lab home answers each probe of the registry (registry.ts names each
 * function here in its probe's entry; the result shapes are probes.ts's). Every probe reads
 * what the cluster shows anyone: the NameNode's RPC answers (as `lab fsck`, `lab fs -stat` and
 * `lab dfsadmin -report` get them), the files on the DataNodes' disks and in the name directory,
 * the journal, and the effective configuration. Nothing here reaches into a process.
 *
 * A probe answers `unsettled` while the cluster is visibly converging (safemode, a file still
 * open, fewer or more replicas than wanted, a stale DataNode, disks and NameNode disagreeing), so
 * a check retries it until its deadline; it answers `error` when the question has no answer
 * (no such file, no cluster).
 */
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { clusterConfig } from '../../cluster/home/cluster-config.js';
import { homePaths, type ClusterDescription } from '../../cluster/home/description.js';
import { readDescription } from '../../cluster/home/home.js';
import { connectNamenode } from '../../cluster/client/namenode-client.js';
import { labDatanodeReport } from '../../cluster/client/datanode-report.js';
import { isOpenForWrite } from '../../cluster/client/open-file.js';
import {
  fetchBlockMap,
  fetchFsckWalk,
  fetchNamenodeStatus,
  NamenodeHttpError,
  type NamenodeHttpCallOptions,
  type NamenodeHttpTarget,
} from '../../cluster/client/namenode-http-client.js';
import {
  blockFileName,
  finalizedDir,
  idToBlockDir,
  parseBlockFileName,
  parseMetaFileName,
} from '../../cluster/datanode/layout.js';
import { META_HEADER_BYTES, parseMeta } from '../../cluster/datanode/meta.js';
import { decodeSegment } from '../../cluster/namenode/editlog/codec.js';
import { editsToXml } from '../../cluster/namenode/editlog/oev.js';
import { decodeImage } from '../../cluster/namenode/fsimage/codec.js';
import { inodePaths } from '../../cluster/namenode/fsimage/oiv.js';
import { aclEntryText, logicalAcl } from '../../cluster/namenode/acl.js';
import { parseNameDirFileName } from '../../cluster/namenode/name-dir.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import { describeMessage, describeRecord } from '../../cluster/protocol/registry/describe.js';
import type {
  FrameMessage,
  JournalEvent,
  JournalFrame,
  JournalRecord,
} from '../../cluster/protocol/journal-types.js';
import type { FsckFile } from '../../cluster/namenode/fsck-report.js';
import type { RpcMethod, RpcMethods } from '../../cluster/protocol/messages.js';
import {
  DECOMMISSION_STATUS_WORDS,
  type AdminState,
  type FileStatus,
  type ReportedDatanode,
} from '../../cluster/protocol/types.js';
import { Journal, readJournal } from '../../cluster/transport/journal.js';
import { compareProcs, countTraffic, sumTraffic } from '../trace/counts.js';
import { findOperation, OPERATION_KINDS, transferCommands, type OperationKind } from '../trace/operations.js';
import { DASHBOARD_CLIENT_ID, kindOf } from '../traffic/lines.js';
import type {
  BlockSummary,
  DatanodeState,
  EditOp,
  FsckReplicaCounts,
  MetaHeader,
  PipelineBlock,
  FileInfo,
  ProbeOutcome,
  ReplicaFiles,
  ReplicaLocation,
} from './probes.js';
import { PROBE_RPC_TIMEOUT_MS } from '../../cluster/protocol/limits.js';

/** Which replica of which block: the block's index in the file (0) and, optionally, its DataNode. */
type BlockOnDisk = { path: string; block?: number | undefined; datanode?: string | undefined };

/** Journal probes' filter: one operation's records (`put /data/a.bin`), one sender, one receiver. */
type TrafficFilter = { op?: string | undefined; src?: string | undefined; dst?: string | undefined };

/**
 * The probes' RPC connection carries the dashboard's id: `lab traffic` and the dashboard treat its
 * frames as plumbing (lab/traffic/lines.ts), so checking an answer leaves no trace in the traffic
 * a student is asked about; the journal probes skip it too.
 */
const PROBE_CLIENT_ID = DASHBOARD_CLIENT_ID;

type Outcome<T> = ProbeOutcome<T>;

export function ok<T>(value: T): Outcome<T> {
  return { status: 'ok', value };
}
export function unsettled<T>(reason: string): Outcome<T> {
  return { status: 'unsettled', reason };
}
export function failed<T>(message: string): Outcome<T> {
  return { status: 'error', message };
}

/** A probe that cannot go on: thrown inside a probe, turned into its outcome by `run`. */
export class ProbeStop extends Error {
  constructor(readonly outcome: Outcome<never>) {
    super(outcome.status === 'ok' ? 'ok' : outcome.status === 'error' ? outcome.message : outcome.reason);
  }
}

function stop(outcome: Outcome<never>): never {
  throw new ProbeStop(outcome);
}

/** What one probe call reads, each piece at most once. */
export class ProbeContext {
  private descriptionValue: ClusterDescription | undefined;
  private report: ReportedDatanode[] | undefined;

  /**
   * @param sinceMs journal probes that read lines leave out records before this instant (a
   *   scenario's start; 0: the whole journal).
   */
  constructor(
    readonly home: string,
    readonly sinceMs = 0,
  ) {}

  get description(): ClusterDescription {
    if (this.descriptionValue) return this.descriptionValue;
    const description = readDescription(this.home);
    if (!description) stop(failed(`no cluster in ${this.home}: start one with \`lab start\``));
    this.descriptionValue = description;
    return description;
  }

  get paths() {
    return homePaths(this.home);
  }

  /** One RPC to the NameNode, over a connection of its own that is not journaled on this side. */
  async call<M extends RpcMethod>(
    method: M,
    params: RpcMethods[M]['req'],
    as: { user?: string } = {},
  ): Promise<RpcMethods[M]['res']> {
    const journal = new Journal(null, PROBE_CLIENT_ID);
    let client: Awaited<ReturnType<typeof connectNamenode>> | undefined;
    try {
      client = await connectNamenode(this.description, journal, { timeoutMs: PROBE_RPC_TIMEOUT_MS, ...as });
      return await client.call(method, params);
    } catch (error) {
      if (error instanceof RemoteError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      return stop(
        unsettled(`the NameNode does not answer (${message}); is the cluster running? (lab status)`),
      );
    } finally {
      client?.close();
      journal.close();
    }
  }

  /** One GET to the NameNode's HTTP server (/fsck, /jmx), not journaled on this side. */
  async http<T>(
    fetch: (target: NamenodeHttpTarget, options: NamenodeHttpCallOptions) => Promise<T>,
  ): Promise<T> {
    try {
      return await fetch(
        { home: this.home, description: this.description },
        { selfId: PROBE_CLIENT_ID, timeoutMs: PROBE_RPC_TIMEOUT_MS },
      );
    } catch (error) {
      if (!(error instanceof NamenodeHttpError)) throw error;
      return stop(unsettled(`${error.message}; is the cluster running? (lab status)`));
    }
  }

  async requireOutOfSafemode(): Promise<void> {
    const safemode = await this.call('setSafeMode', { action: 'SAFEMODE_GET' });
    if (safemode.on) stop(unsettled('the NameNode is in safemode'));
  }

  async datanodes(): Promise<ReportedDatanode[]> {
    this.report ??= await labDatanodeReport(this, { description: this.description, home: this.home });
    return this.report;
  }

  async fileStatus(src: string): Promise<FileStatus> {
    const status = await this.call('getFileInfo', { src });
    if (!status) stop(failed(`${src}: no such file or directory`));
    return status;
  }

  async closedFile(src: string): Promise<FileStatus> {
    const status = await this.fileStatus(src);
    if (status.type !== 'FILE') stop(failed(`${src} is a directory, not a file`));
    await this.requireClosed(src);
    return status;
  }

  /** Stops the probe while a writer holds `src` open. */
  async requireClosed(src: string): Promise<void> {
    if (await isOpenForWrite(this, src)) stop(unsettled(`${src} is still being written (open for write)`));
  }

  async fsckFile(src: string): Promise<FsckFile> {
    await this.closedFile(src);
    const result = await this.http((target, options) => fetchBlockMap(target, src, options));
    const file = result.files.find((f) => f.path === src && !f.isDir);
    if (!file) stop(failed(`${src}: fsck does not list it as a file`));
    return file;
  }

  async blockPoolId(): Promise<string> {
    return (await this.http(fetchNamenodeStatus)).blockPoolId;
  }

  /** The ids of DataNodes the NameNode has declared dead. */
  async deadDatanodes(): Promise<Set<string>> {
    return new Set((await this.datanodes()).filter((d) => d.liveness === 'dead').map((d) => d.name));
  }
}

function blockAt<T>(blocks: readonly T[], index: number | undefined, src: string): T {
  const i = index ?? 0;
  const block = blocks[i];
  if (block === undefined) stop(failed(`${src} has ${blocks.length} block(s); there is no block ${i}`));
  return block;
}

// ---- namespace and blocks --------------------------------------------------------------------

export async function fileInfo(ctx: ProbeContext, a: { path: string }): Promise<FileInfo> {
  const status = await ctx.fileStatus(a.path);
  if (status.type === 'FILE') await ctx.requireClosed(a.path);
  return {
    path: a.path,
    type: status.type === 'FILE' ? 'file' : 'directory',
    length: status.length,
    replication: status.replication,
    blockSizeBytes: status.blockSize,
    inodeId: status.fileId,
  };
}

export async function fileBlocks(ctx: ProbeContext, a: { path: string }): Promise<BlockSummary[]> {
  const status = await ctx.closedFile(a.path);
  const located = await ctx.call('getBlockLocations', {
    src: a.path,
    offset: 0,
    length: status.length,
    readerHost: ctx.description.client.host,
  });
  if (!located) stop(failed(`${a.path}: no such file`));
  if (located.lastBlock && !located.isLastBlockComplete)
    stop(unsettled(`the last block of ${a.path} is not complete yet`));
  return located.blocks.map((b) => ({
    blockName: `blk_${b.block.blockId}`,
    blockId: b.block.blockId,
    genStamp: b.block.genStamp,
    numBytes: b.block.numBytes,
    replicas: b.locations.map((l) => l.name),
  }));
}

/** Replicas as fsck shows them; unsettled while their number differs from what can be had. */
export async function blockReplicas(
  ctx: ProbeContext,
  a: { path: string; block?: number | undefined },
): Promise<ReplicaLocation[]> {
  await ctx.requireOutOfSafemode();
  const file = await ctx.fsckFile(a.path);
  const block = blockAt(file.blocks, a.block, a.path);
  requireSettledReplicas(file, block, await ctx.datanodes());
  return [
    ...block.live.map((r) => ({ datanode: r.name, rack: r.rack, state: 'finalized' as const })),
    ...block.corrupt.map((r) => ({ datanode: r.name, rack: r.rack, state: 'corrupt' as const })),
  ].sort((x, y) => compareProcs(x.datanode, y.datanode));
}

/**
 * A block's replicas are what they will stay: as many live ones as the file's replication (or the
 * live DataNodes) asks, no excess left to remove, none on a DataNode that missed heartbeats and is
 * about to be declared dead. Stops with *unsettled* otherwise.
 */
function requireSettledReplicas(
  file: { replication: number },
  block: FsckFile['blocks'][number],
  report: readonly ReportedDatanode[],
): void {
  const live = report.filter((d) => d.liveness !== 'dead').length;
  const wanted = Math.min(file.replication, live);
  const name = `blk_${block.block.blockId}`;
  if (block.live.length < wanted)
    stop(unsettled(`${name} has ${block.live.length} live replica(s) of ${wanted}: re-replication pending`));
  if (block.live.length > file.replication)
    stop(
      unsettled(
        `${name} has ${block.live.length} replicas for replication ${file.replication}: excess pending`,
      ),
    );
  const stale = block.live.filter((r) => report.find((d) => d.name === r.name)?.liveness === 'stale');
  if (stale.length > 0)
    stop(
      unsettled(`${stale.map((r) => r.name).join(', ')} missed heartbeats (stale), not yet declared dead`),
    );
}

// ---- the DataNodes' disks ----------------------------------------------------------------------

/** The finalized replica files of a block on one DataNode's disk, or undefined if it has none. */
function replicaFilesOn(
  ctx: ProbeContext,
  datanode: string,
  bpid: string,
  blockId: number,
): ReplicaFiles | undefined {
  const dataDir = ctx.paths.dataDir(datanode);
  const dir = path.join(finalizedDir(dataDir, bpid), idToBlockDir(blockId));
  const blockFile = path.join(dir, blockFileName(blockId));
  if (!fs.existsSync(blockFile)) return undefined;
  const metaName = listDir(dir).find((n) => parseMetaFileName(n)?.blockId === blockId);
  const metaFile = metaName === undefined ? '' : path.join(dir, metaName);
  return {
    datanode,
    blockFile,
    metaFile,
    blockFileInDataDir: path.relative(dataDir, blockFile),
    metaFileInDataDir: metaName === undefined ? '' : path.relative(dataDir, metaFile),
    blockFileInHome: path.relative(ctx.home, blockFile),
    metaFileInHome: metaName === undefined ? '' : path.relative(ctx.home, metaFile),
    blockBytes: fs.statSync(blockFile).size,
    metaBytes: metaName === undefined ? 0 : fs.statSync(metaFile).size,
  };
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/**
 * The block's files on the disks of the DataNodes that are not dead (a dead DataNode's disk still
 * holds its old replicas, which HDFS no longer counts), or of the one DataNode asked for.
 */
export async function blockFiles(ctx: ProbeContext, a: BlockOnDisk): Promise<ReplicaFiles[]> {
  const replicas = await blockReplicas(ctx, { path: a.path, block: a.block });
  const blocks = await fileBlocks(ctx, { path: a.path });
  const block = blockAt(blocks, a.block, a.path);
  const bpid = await ctx.blockPoolId();
  if (a.datanode !== undefined) {
    if (!ctx.description.datanodes.some((d) => d.id === a.datanode))
      stop(failed(`this cluster has no DataNode ${a.datanode}`));
    const files = replicaFilesOn(ctx, a.datanode, bpid, block.blockId);
    if (!files) stop(failed(`${a.datanode} holds no finalized replica of ${block.blockName}`));
    return [files];
  }
  const dead = await ctx.deadDatanodes();
  const found = ctx.description.datanodes
    .filter((d) => !dead.has(d.id))
    .map((d) => replicaFilesOn(ctx, d.id, bpid, block.blockId))
    .filter((f): f is ReplicaFiles => f !== undefined);
  const onDisk = found.map((f) => f.datanode).join(',');
  const known = replicas.map((r) => r.datanode).join(',');
  if (onDisk !== known)
    stop(unsettled(`${block.blockName} is on the disks of [${onDisk}] but the NameNode knows [${known}]`));
  const short = found.find((f) => f.blockBytes !== block.numBytes);
  if (short)
    stop(
      unsettled(`${short.datanode}'s ${block.blockName} has ${short.blockBytes} of ${block.numBytes} bytes`),
    );
  return found;
}

export async function metaHeader(ctx: ProbeContext, a: BlockOnDisk): Promise<MetaHeader> {
  const [files] = await blockFiles(ctx, a);
  if (!files?.metaFile)
    stop(failed(`no .meta file beside the replica of block ${a.block ?? 0} of ${a.path}`));
  const header = Buffer.alloc(META_HEADER_BYTES);
  const fd = fs.openSync(files.metaFile, 'r');
  try {
    fs.readSync(fd, header, 0, META_HEADER_BYTES, 0);
  } finally {
    fs.closeSync(fd);
  }
  const parsed = parseMeta(header);
  return {
    version: parsed.version,
    checksumType: parsed.checksumType,
    bytesPerChecksum: parsed.bytesPerChecksum,
  };
}

// ---- DataNodes and topology --------------------------------------------------------------------

/** A DataNode's state for a probe: decommissioned whatever its liveness; a live one being decommissioned says so. */
function probeState(d: ReportedDatanode): DatanodeState['state'] {
  if (d.adminState === 'DECOMMISSIONED') return 'decommissioned';
  if (d.adminState === 'DECOMMISSION_INPROGRESS' && d.liveness !== 'dead') return 'decommissioning';
  return d.liveness;
}

export async function datanodeList(ctx: ProbeContext): Promise<DatanodeState[]> {
  const report = await ctx.datanodes();
  return report
    .map((d) => ({
      id: d.name,
      rack: d.networkLocation,
      state: probeState(d),
    }))
    .sort((x, y) => compareProcs(x.id, y.id));
}

export async function datanodeState(
  ctx: ProbeContext,
  a: { datanode: string },
): Promise<DatanodeState['state']> {
  const found = (await datanodeList(ctx)).find((d) => d.id === a.datanode);
  if (found) return found.state;
  if (ctx.description.datanodes.some((d) => d.id === a.datanode))
    stop(unsettled(`${a.datanode} has not registered with the NameNode yet`));
  return stop(failed(`this cluster has no DataNode ${a.datanode}`));
}

/** The admin states the journal records for one DataNode, in order. */
export function journaledAdminStates(records: readonly JournalRecord[], datanode: string): AdminState[] {
  const states: AdminState[] = [];
  for (const r of records) {
    if (r.k === 'event' && r.event.type === 'datanode-admin-state' && r.event.datanode === datanode)
      states.push(r.event.adminState);
  }
  return states;
}

/**
 * Every admin-state change of the DataNode the NameNode journaled, in -report's words; unsettled
 * until the journal (written on a timer) has reached the state the NameNode reports now.
 */
export async function datanodeAdminStates(ctx: ProbeContext, a: { datanode: string }): Promise<string[]> {
  if (!ctx.description.datanodes.some((d) => d.id === a.datanode))
    stop(failed(`this cluster has no DataNode ${a.datanode}`));
  const states = journaledAdminStates(readJournal(ctx.paths.journal), a.datanode);
  const now = (await ctx.datanodes()).find((d) => d.name === a.datanode)?.adminState ?? 'NORMAL';
  if ((states.at(-1) ?? 'NORMAL') !== now)
    stop(
      unsettled(
        `the journal has not yet caught up with ${a.datanode}'s state (${DECOMMISSION_STATUS_WORDS[now]})`,
      ),
    );
  return states.map((s) => DECOMMISSION_STATUS_WORDS[s]);
}

/**
 * The finalized replicas on one DataNode's disk, by block id — what the DataNode holds, whatever
 * the NameNode knows (a dead DataNode's disk still has its old replicas).
 */
export async function datanodeBlocks(
  ctx: ProbeContext,
  a: { datanode: string; path?: string | undefined },
): Promise<number[]> {
  if (!ctx.description.datanodes.some((d) => d.id === a.datanode))
    stop(failed(`this cluster has no DataNode ${a.datanode}`));
  const root = finalizedDir(ctx.paths.dataDir(a.datanode), await ctx.blockPoolId());
  const ids: number[] = [];
  const walk = (dir: string): void => {
    for (const entry of listEntries(dir)) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else {
        const parsed = parseBlockFileName(entry.name);
        if (parsed) ids.push(parsed.blockId);
      }
    }
  };
  walk(root);
  const ofFile =
    a.path === undefined
      ? undefined
      : new Set((await fileBlocks(ctx, { path: a.path })).map((b) => b.blockId));
  return ids.filter((id) => ofFile?.has(id) ?? true).sort((x, y) => x - y);
}

function listEntries(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

export async function topologyRack(ctx: ProbeContext, a: { datanode: string }): Promise<string> {
  const reported = (await ctx.datanodes()).find((d) => d.name === a.datanode);
  if (reported) return reported.networkLocation;
  const described = ctx.description.datanodes.find((d) => d.id === a.datanode);
  if (!described) stop(failed(`this cluster has no DataNode ${a.datanode}`));
  return described.rack;
}

// ---- the name directory ------------------------------------------------------------------------

function nameDirCurrent(ctx: ProbeContext, dir: 'name' | 'namesecondary' = 'name'): string {
  const base = dir === 'name' ? ctx.paths.nameDir : ctx.paths.checkpointDir;
  return path.join(base, 'current');
}

export function namedirFiles(ctx: ProbeContext, a: { dir?: 'name' | 'namesecondary' | undefined }): string[] {
  const current = nameDirCurrent(ctx, a.dir);
  if (!fs.existsSync(current)) {
    const why = a.dir === 'namesecondary' ? ' (no checkpoint has been made yet)' : '';
    stop(failed(`${current} does not exist${why}`));
  }
  return listDir(current);
}

/** Every op of every segment in the name directory (finalized and in progress), by txid. */
function readEditOps(ctx: ProbeContext): EditOp[] {
  const current = nameDirCurrent(ctx);
  const segments = listDir(current)
    .map((name) => ({ name, parsed: parseNameDirFileName(name) }))
    .filter(({ parsed }) => parsed.kind === 'edits' || parsed.kind === 'edits_inprogress');
  const byTxid = new Map<number, EditOp>();
  for (const { name } of segments) {
    const segment = decodeSegment(fs.readFileSync(path.join(current, name)));
    for (const op of editOpsOf(editsToXml(segment))) if (!byTxid.has(op.txid)) byTxid.set(op.txid, op);
  }
  return [...byTxid.values()].sort((x, y) => x.txid - y.txid);
}

const xml = new XMLParser({ parseTagValue: false, isArray: (name) => name === 'RECORD' });

/**
 * The ops as `lab oev -p xml` prints them: OPCODE, and each DATA element as a field. Nested
 * elements are joined with dots (PERMISSION_STATUS.USERNAME); an element repeated among its
 * siblings is numbered from 0 (BLOCK.0.BLOCK_ID, BLOCK.1.BLOCK_ID).
 */
export function editOpsOf(oevXml: string): EditOp[] {
  const doc = xml.parse(oevXml) as {
    EDITS?: { RECORD?: { OPCODE: string; DATA: Record<string, unknown> }[] };
  };
  return (doc.EDITS?.RECORD ?? []).map((record) => {
    const fields: Record<string, string> = {};
    flatten(record.DATA ?? {}, '', fields);
    return { txid: Number(fields.TXID), opCode: String(record.OPCODE), fields };
  });
}

function flatten(value: unknown, prefix: string, into: Record<string, string>): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => flatten(item, `${prefix}.${i}`, into));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, into);
  } else {
    into[prefix] = value === undefined || value === null ? '' : String(value);
  }
}

/**
 * Whether an op names `file`: its PATH, SRC or DST (OP_ADD, OP_CLOSE, OP_RENAME_OLD, …), also as
 * the `._COPYING_` name a shell put writes first. Ops without a path (OP_ALLOCATE_BLOCK_ID,
 * OP_SET_GENSTAMP_V2) name none.
 */
function opNames(op: EditOp, file: string): boolean {
  const wanted = file.length > 1 ? file.replace(/\/+$/, '') : file;
  return ['PATH', 'SRC', 'DST'].some((key) => {
    const value = op.fields[key];
    return value === wanted || value === `${wanted}._COPYING_`;
  });
}

export function editsOps(
  ctx: ProbeContext,
  a: {
    fromTxid?: number | undefined;
    toTxid?: number | undefined;
    opCode?: string | undefined;
    path?: string | undefined;
  },
): EditOp[] {
  return readEditOps(ctx).filter(
    (op) =>
      (a.fromTxid === undefined || op.txid >= a.fromTxid) &&
      (a.toTxid === undefined || op.txid <= a.toTxid) &&
      (a.opCode === undefined || op.opCode === a.opCode.toUpperCase()) &&
      (a.path === undefined || opNames(op, a.path)),
  );
}

/** The inode id of a path in the newest fsimage of the name directory. */
export function fsimageInodeId(ctx: ProbeContext, a: { path: string }): number {
  const current = nameDirCurrent(ctx);
  const images = listDir(current)
    .map((name) => ({ name, parsed: parseNameDirFileName(name) }))
    .flatMap(({ name, parsed }) => (parsed.kind === 'fsimage' ? [{ name, txid: parsed.txid }] : []))
    .sort((x, y) => y.txid - x.txid);
  const newest = images[0];
  if (!newest) stop(failed(`no fsimage in ${current}`));
  const image = decodeImage(fs.readFileSync(path.join(current, newest.name)));
  const wanted = a.path.length > 1 ? a.path.replace(/\/+$/, '') : a.path;
  for (const [id, p] of inodePaths(image)) if (p === wanted) return id;
  return stop(
    failed(`${a.path} is not in ${newest.name} (it may be newer than the last checkpoint: lab checkpoint)`),
  );
}

// ---- the journal -------------------------------------------------------------------------------

/**
 * Where a file's blocks were copied to, once every block has its live replicas: a DNA_TRANSFER's target counts once it holds a live or
 * decommissioning replica of that block (a transfer that failed and was sent elsewhere does not).
 */
export async function blockCopyTargets(ctx: ProbeContext, a: { path: string }): Promise<string[]> {
  await ctx.requireOutOfSafemode();
  const file = await requireReplicated(ctx, a.path);
  const holders = new Map(
    file.blocks.map((b) => [
      b.block.blockId,
      new Set([...b.live, ...(b.decommissioning ?? [])].map((h) => h.name)),
    ]),
  );
  const targets = new Set<string>();
  for (const r of readJournal(ctx.paths.journal)) {
    if (r.k !== 'frame' || r.dir !== 'send') continue;
    for (const t of transferCommands(r))
      for (const name of t.targets) if (holders.get(t.blockId)?.has(name)) targets.add(name);
  }
  return [...targets].sort(compareProcs);
}

/** The file, once every block has the live replicas it can have: no re-replication is pending. */
async function requireReplicated(ctx: ProbeContext, src: string): Promise<FsckFile> {
  const file = await ctx.fsckFile(src);
  const inService = (await ctx.datanodes()).filter((d) => d.liveness !== 'dead' && d.adminState === 'NORMAL');
  const wanted = Math.min(file.replication, inService.length);
  const short = file.blocks.find((b) => b.live.length < wanted);
  if (short)
    stop(
      unsettled(
        `blk_${short.block.blockId} has ${short.live.length} live replica(s) of ${wanted}: re-replication pending`,
      ),
    );
  return file;
}

/** A block's copy by re-replication and the racks the block was on once the copy was finalized. */
export interface BlockCopyRacks {
  blockId: number;
  target: string;
  racks: string[];
}

/**
 * The rack rule after a DataNode's death, from the journal: for every DNA_TRANSFER copy of one of
 * the file's blocks, in the order they were finalized, the racks of the block's replicas right
 * then — the DataNodes that had finalized it and had not deleted it, less those declared dead
 * (until they register again). A later return of the dead DataNode and the excess removal that
 * follows change what fsck shows, not this.
 */
export async function blockCopyRacks(ctx: ProbeContext, a: { path: string }): Promise<BlockCopyRacks[]> {
  await ctx.requireOutOfSafemode();
  const file = await requireReplicated(ctx, a.path);
  return copiesWithRacks(
    readJournal(ctx.paths.journal),
    new Set(file.blocks.map((b) => b.block.blockId)),
    new Map(ctx.description.datanodes.map((d) => [d.id, d.rack])),
  );
}

/** block.copyRacks on journal records (in time order): pure, for tests. */
export function copiesWithRacks(
  records: readonly JournalRecord[],
  ids: ReadonlySet<number>,
  rackOf: ReadonlyMap<string, string>,
): BlockCopyRacks[] {
  const holders = new Map<number, Set<string>>();
  const copying = new Map<number, Set<string>>();
  const dead = new Set<string>();
  const copies: BlockCopyRacks[] = [];
  for (const r of records) {
    if (r.k === 'frame') {
      if (r.dir !== 'send') continue;
      for (const t of transferCommands(r))
        if (ids.has(t.blockId)) for (const name of t.targets) setOf(copying, t.blockId).add(name);
      continue;
    }
    const e = r.event;
    if (e.type === 'datanode-dead') {
      // Its replicas leave the BlockMap: coming back before a copy is finalized (the student's
      // restart racing a slow copy) does not make it one of the survivors.
      dead.add(e.datanode);
      for (const held of holders.values()) held.delete(e.datanode);
    } else if (e.type === 'datanode-registered') dead.delete(e.datanode);
    else if (e.type === 'replica-deleted' && ids.has(e.block.blockId))
      setOf(holders, e.block.blockId).delete(e.datanode);
    else if (e.type === 'replica-finalized' && ids.has(e.block.blockId)) {
      const held = setOf(holders, e.block.blockId).add(e.datanode);
      if (!copying.get(e.block.blockId)?.delete(e.datanode)) continue;
      const racks = [...held].filter((dn) => !dead.has(dn)).map((dn) => rackOf.get(dn) ?? '?');
      copies.push({ blockId: e.block.blockId, target: e.datanode, racks: [...new Set(racks)].sort() });
    }
  }
  return copies;
}

function setOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

/**
 * The send-side records to count: one operation's (`put /data/a.bin`, `get /x`, or an operation
 * id such as put-1234), or the whole journal. Frames of the probes and the dashboard are left out.
 */
function journalRecords(
  ctx: ProbeContext,
  op: string | undefined,
  records: readonly JournalRecord[] = readJournal(ctx.paths.journal),
): (JournalFrame | JournalEvent)[] {
  let chosen: (JournalFrame | JournalEvent)[];
  if (op === undefined) {
    chosen = records.filter((r): r is JournalFrame | JournalEvent => r.k === 'event' || r.dir === 'send');
  } else {
    const [first, ...rest] = op.trim().split(/\s+/);
    const kind = OPERATION_KINDS.find((k) => k === first) as OperationKind | undefined;
    const query =
      kind !== undefined && rest.length > 0
        ? { last: kind, path: rest.join(' ') }
        : kind
          ? { last: kind }
          : { op };
    let found;
    try {
      found = findOperation(records, query);
    } catch (error) {
      return stop(failed((error as Error).message));
    }
    if (!found) return stop(failed(`the journal holds no operation "${op}" (see lab trace)`));
    chosen = found.records;
  }
  return chosen.filter((r) => r.k === 'event' || (r.src !== PROBE_CLIENT_ID && r.dst !== PROBE_CLIENT_ID));
}

/**
 * Bytes sent: with kind `data`, the block bytes the DataTransfer frames carried (what a file's size
 * is compared with); with kind `http`, the image and edits bytes the checkpoint transfers carried
 * (what an fsimage's size is compared with); with kind `rpc`, whole RPC frames (heartbeats are their
 * own kind and left out); with no kind, whole frames of every kind.
 */
export function journalBytes(
  ctx: ProbeContext,
  a: TrafficFilter & { kind?: 'rpc' | 'data' | 'http' | undefined },
): number {
  const counts = countTraffic(journalRecords(ctx, a.op));
  const query = {
    ...(a.src === undefined ? {} : { src: a.src }),
    ...(a.dst === undefined ? {} : { dst: a.dst }),
    ...(a.kind === undefined ? {} : { kind: a.kind }),
  };
  const total = sumTraffic(counts, query);
  return a.kind === 'data' || a.kind === 'http' ? total.dataBytes : total.bytes;
}

/**
 * `client->nn create`, `client->dn1 writeBlock`, `snn->nn GET /imagetransfer?getimage=1&txid=9`: the
 * requests (RPC calls, DataTransfer operations and HTTP requests, not replies, packets or
 * heartbeats) in journal order.
 */
export function journalRpcOrder(ctx: ProbeContext, a: TrafficFilter): string[] {
  const lines: string[] = [];
  for (const r of journalRecords(ctx, a.op)) {
    if (r.k !== 'frame' || kindOf(r) === 'heartbeat') continue;
    if (a.src !== undefined && r.src !== a.src) continue;
    if (a.dst !== undefined && r.dst !== a.dst) continue;
    const msg = r.msg;
    if (msg.type === 'rpc-call') {
      if (msg.method === 'getDatanodeReport') continue;
      lines.push(`${r.src}->${r.dst} ${msg.method}`);
    } else if (msg.type === 'dt-op') {
      const name = msg.op === 'WRITE_BLOCK' ? 'writeBlock' : msg.op === 'READ_BLOCK' ? 'readBlock' : msg.op;
      lines.push(`${r.src}->${r.dst} ${name}`);
    } else if (msg.type === 'http-request') {
      lines.push(`${r.src}->${r.dst} ${describeMessage(msg)}`);
    }
  }
  return lines;
}

/** What `journal.messages` and `journal.senders` select frames by. */
type MessageFilter = TrafficFilter & { type?: FrameMessage['type'] | undefined; method?: string | undefined };

/** An RPC's method, or a DataTransfer operation's name (`REPLACE_BLOCK`). */
function methodOf(msg: FrameMessage): string | undefined {
  if ('method' in msg) return msg.method;
  return msg.type === 'dt-op' ? msg.op : undefined;
}

/** The frames sent, each once (from its sender's journal), that match the filter, in journal order. */
function sentFrames(ctx: ProbeContext, a: MessageFilter): JournalFrame[] {
  const frames: JournalFrame[] = [];
  for (const r of journalRecords(ctx, a.op)) {
    if (r.k !== 'frame' || r.dir !== 'send') continue;
    if (a.src !== undefined && r.src !== a.src) continue;
    if (a.dst !== undefined && r.dst !== a.dst) continue;
    if (a.type !== undefined && r.msg.type !== a.type) continue;
    if (a.method !== undefined && methodOf(r.msg) !== a.method) continue;
    frames.push(r);
  }
  return frames;
}

/**
 * The decoded messages of the frames sent, each frame once (from its sender's journal), filtered by
 * operation, sender, receiver, message type and RPC method: the preamble's version byte, the
 * connection context's protocol, the DataNode addresses of an addBlock reply.
 */
export function journalMessages(ctx: ProbeContext, a: MessageFilter): FrameMessage[] {
  return sentFrames(ctx, a).map((r) => r.msg);
}

/**
 * The processes that sent frames matching the filter, each once, in the order of its first such
 * frame: who sent dn11 DataTransfer requests (`balancer`), who forwarded a block.
 */
export function journalSenders(ctx: ProbeContext, a: Omit<MessageFilter, 'src'>): string[] {
  return [...new Set(sentFrames(ctx, a).map((r) => r.src))];
}

/**
 * The journal since the context's instant as describe() prints it (`nn: dn3 dead (last heartbeat
 * 11.0 s ago)`): events and the frames as sent, of one process or all, a line each.
 */
export function journalLines(ctx: ProbeContext, a: { proc?: string }): string {
  return readJournal(ctx.paths.journal, { sinceMs: ctx.sinceMs })
    .filter((r) => r.k === 'event' || r.dir === 'send')
    .filter((r) => a.proc === undefined || r.proc === a.proc)
    .map((r) => describeRecord(r))
    .join('\n');
}

/**
 * The blocks of one write as its client saw them: each block's packets the client sent and acks it
 * was sent back, and how many of those acks had come when the client next called the NameNode
 * (addBlock for the next block, or complete). Read from the client's own journal, acks as it
 * received them: "before its next call" is then an order within one process, never a comparison
 * of a DataNode's clock with the client's (each process stamps its records with its own clock, and
 * two processes' clocks can disagree by more than an ack's round trip). A write whose client kept
 * no journal of what it received is read from the senders' records.
 */
export function journalPipelines(ctx: ProbeContext, a: { op: string }): PipelineBlock[] {
  const journal = readJournal(ctx.paths.journal);
  const sent = journalRecords(ctx, a.op, journal);
  const ops = new Set(sent.map((r) => r.op).filter((op) => op !== undefined));
  const received = journal.filter(
    (r): r is JournalFrame => r.k === 'frame' && r.proc === 'client' && r.op !== undefined && ops.has(r.op),
  );
  const clientView = received.some((r) => r.dir === 'recv' && r.msg.type === 'ack');
  const records = clientView ? received.sort((x, y) => x.t - y.t) : sent;
  const blocks: PipelineBlock[] = [];
  let current: PipelineBlock | undefined;
  for (const r of records) {
    if (r.k !== 'frame' || (r.src !== 'client' && r.dst !== 'client')) continue;
    const msg = r.msg;
    const fromClient = r.src === 'client';
    if (fromClient && msg.type === 'dt-op' && msg.op === 'WRITE_BLOCK') {
      if (current?.block !== msg.block) {
        current = {
          block: msg.block,
          packetsSent: 0,
          acksReceived: 0,
          acksBeforeNextCall: 0,
          nextCall: null,
        };
        blocks.push(current);
      }
    } else if (current === undefined) {
      continue;
    } else if (fromClient && msg.type === 'packet' && msg.block === current.block) {
      current.packetsSent++;
    } else if (!fromClient && msg.type === 'ack' && msg.block === current.block) {
      current.acksReceived++;
    } else if (fromClient && msg.type === 'rpc-call' && current.nextCall === null) {
      current.acksBeforeNextCall = current.acksReceived;
      current.nextCall = msg.method;
    }
  }
  if (blocks.length === 0) stop(failed(`the journal holds no block written by "${a.op}" (see lab trace)`));
  return blocks;
}

/** How many intervals a median needs before it says anything. */
const INTERVAL_SAMPLES_MIN = 2;

/**
 * The median time between one sender's successive calls of one RPC, in seconds (as `lab traffic`
 * prints their times), counting only the gaps of its regular schedule. A registration
 * (registerDatanode: the DataNode started, or the NameNode restarted and asked it to register
 * again) restarts the schedule: the gap that spans it is no interval, and neither is the first one
 * after it (the full block report that follows a registration comes at once, the next one on the
 * DataNode's own timer, as BPServiceActor's first report is off the periodic schedule). So a student
 * whose DataNode was restarted or whose NameNode was restarted measures what a fresh cluster shows.
 */
export function journalInterval(ctx: ProbeContext, a: { src: string; method: string }): number {
  const calls = readJournal(ctx.paths.journal)
    .filter(
      (r): r is JournalFrame =>
        r.k === 'frame' &&
        r.dir === 'send' &&
        r.src === a.src &&
        r.msg.type === 'rpc-call' &&
        (r.msg.method === a.method || r.msg.method === 'registerDatanode'),
    )
    .sort((x, y) => x.t - y.t);
  const gaps: number[] = [];
  let calledSinceRegistration = 0;
  let last = 0;
  for (const r of calls) {
    if (r.msg.type === 'rpc-call' && r.msg.method === 'registerDatanode' && a.method !== 'registerDatanode') {
      calledSinceRegistration = 0;
      continue;
    }
    // The first gap after a registration is off the schedule; from the second on, they are intervals.
    if (calledSinceRegistration >= 2) gaps.push(r.t - last);
    calledSinceRegistration++;
    last = r.t;
  }
  if (gaps.length < INTERVAL_SAMPLES_MIN)
    stop(
      unsettled(
        `${a.src}'s ${a.method} calls show ${gaps.length} regular interval(s) so far (the first after a registration does not count); waiting for ${INTERVAL_SAMPLES_MIN}`,
      ),
    );
  gaps.sort((x, y) => x - y);
  const middle = Math.floor(gaps.length / 2);
  const medianMs = gaps.length % 2 === 1 ? gaps[middle]! : (gaps[middle - 1]! + gaps[middle]!) / 2;
  return Math.round(medianMs) / 1000;
}

// ---- configuration and health ------------------------------------------------------------------

export function configGet(ctx: ProbeContext, a: { key: string }): string {
  return clusterConfig(ctx.description, ctx.home).get(a.key);
}

/** `lab fsck PATH -files -blocks`: what the health probe asks /fsck for. */
const FSCK_FILES_BLOCKS = { files: true, blocks: true, locations: false, racks: false, openforwrite: false };

/** fsck's Replicas, DecommissioningReplicas and DecommissionedReplicas under a path. */
export async function fsckReplicas(
  ctx: ProbeContext,
  a: { path?: string | undefined },
): Promise<FsckReplicaCounts> {
  await ctx.requireOutOfSafemode();
  const src = a.path ?? '/';
  const result = await ctx.http((target, options) =>
    fetchFsckWalk(target, { ...FSCK_FILES_BLOCKS, path: src }, options),
  );
  if (!result.exists) stop(failed(`${src}: no such file or directory`));
  const counts = { live: 0, decommissioning: 0, decommissioned: 0 };
  for (const b of result.files.flatMap((f) => f.blocks)) {
    counts.live += b.live.length;
    counts.decommissioning += b.decommissioning?.length ?? 0;
    counts.decommissioned += b.decommissioned?.length ?? 0;
  }
  return counts;
}

export async function fsckStatus(
  ctx: ProbeContext,
  a: { path?: string | undefined },
): Promise<'HEALTHY' | 'CORRUPT'> {
  await ctx.requireOutOfSafemode();
  const src = a.path ?? '/';
  const result = await ctx.http((target, options) =>
    fetchFsckWalk(target, { ...FSCK_FILES_BLOCKS, path: src }, options),
  );
  if (!result.exists) stop(failed(`${src}: no such file or directory`));
  // HDFS's rule: a block is corrupt (or missing) only when no good replica is left.
  const bad = result.files.some((f) => f.blocks.some((b) => b.live.length === 0));
  return bad ? 'CORRUPT' : 'HEALTHY';
}

// ---- permissions, ACLs and extended attributes --------------------------------------------------

export async function fileAcl(ctx: ProbeContext, a: { path: string }): Promise<string[]> {
  const status = await ctx.fileStatus(a.path);
  const feature = status.hasAcl ? (await ctx.call('getAclStatus', { src: a.path })).entries : [];
  return logicalAcl(status.permission, feature)
    .filter((e) => e.scope === 'ACCESS')
    .map(aclEntryText);
}

export async function fileXAttrs(ctx: ProbeContext, a: { path: string }): Promise<string[]> {
  await ctx.fileStatus(a.path);
  const xattrs = await ctx.call('getXAttrs', { src: a.path, xattrs: [] });
  return xattrs.map((x) => {
    const name = `${x.namespace.toLowerCase()}.${x.name}`;
    const value = Buffer.from(x.value ?? '', 'base64');
    return value.length === 0 ? name : `${name}=${value.toString('utf8')}`;
  });
}

/** FSPermissionChecker's answer for a read of the file by `user` (getBlockLocations checks READ). */
export async function fileAccess(
  ctx: ProbeContext,
  a: { path: string; user: string },
): Promise<'allowed' | 'denied'> {
  const status = await ctx.closedFile(a.path);
  try {
    await ctx.call(
      'getBlockLocations',
      { src: a.path, offset: 0, length: status.length, readerHost: ctx.description.client.host },
      { user: a.user },
    );
    return 'allowed';
  } catch (error) {
    if (error instanceof RemoteError && error.errorClass === 'AccessControlException') return 'denied';
    throw error;
  }
}
