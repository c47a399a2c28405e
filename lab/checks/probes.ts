/**
 * The probe vocabulary: the questions a check may ask the live cluster, with the shape of each
 * answer. Probes read what the cluster shows anyone — the NameNode's answers, the DataNodes'
 * files, the name directory, the journal, the effective configuration — never process internals.
 * This file is the contract — each probe's arguments (`ProbeArgSchemas`, which packs and scenarios
 * are validated against), the shape of its answer (`ProbeResults`) and where a student looks to see
 * the same (`PROBE_LOOK_AT`) — and a fake for tests; live-probes.ts answers them on a live cluster.
 */
import { z } from 'zod';
import { JOURNAL_MESSAGE_TYPES, type FrameMessage } from '../../cluster/protocol/journal-types.js';

export interface FileInfo {
  path: string;
  type: 'file' | 'directory';
  length: number;
  replication: number;
  blockSizeBytes: number;
  inodeId: number;
}

export interface BlockSummary {
  /** blk_1073741825 */
  blockName: string;
  blockId: number;
  genStamp: number;
  numBytes: number;
  /** DataNode ids holding a finalized replica, nearest first for the client. */
  replicas: string[];
}

export interface ReplicaLocation {
  datanode: string;
  rack: string;
  state: 'finalized' | 'rbw' | 'corrupt';
}

export interface ReplicaFiles {
  datanode: string;
  /** Absolute path of blk_<id> under …/BP-…/current/finalized/subdirX/subdirY/. */
  blockFile: string;
  /** Absolute path of blk_<id>_<genstamp>.meta beside it. */
  metaFile: string;
  /**
   * The same two paths from the DataNode's data directory (current/BP-…/current/finalized/…):
   * the same on every machine for a seed, so an answers file can hold them.
   */
  blockFileInDataDir: string;
  metaFileInDataDir: string;
  /**
   * The same two paths from the lab home (dfs/data/dn3/current/BP-…/…): they name the DataNode, so
   * a path question accepts them from the lab home, absolute or from the data directory, and
   * rejects another DataNode's copy of the same block.
   */
  blockFileInHome: string;
  metaFileInHome: string;
  blockBytes: number;
  metaBytes: number;
}

export interface MetaHeader {
  version: number;
  checksumType: 'CRC32C' | 'CRC32' | 'NULL';
  bytesPerChecksum: number;
}

export interface DatanodeState {
  id: string;
  rack: string;
  state: 'live' | 'dead' | 'stale' | 'decommissioning' | 'decommissioned';
}

/** fsck's replica counts: live (in service), DecommissioningReplicas, DecommissionedReplicas. */
export interface FsckReplicaCounts {
  live: number;
  decommissioning: number;
  decommissioned: number;
}

export interface EditOp {
  txid: number;
  /** OP_ADD, OP_ALLOCATE_BLOCK_ID, … as oev prints them. */
  opCode: string;
  fields: Record<string, string>;
}

/** One block of a write as its client saw it: what it sent and what came back, in journal order. */
export interface PipelineBlock {
  /** blk_1073741825_1001 */
  block: string;
  packetsSent: number;
  acksReceived: number;
  /**
   * Acks of this block the client had received when it next called the NameNode (the next
   * block's addBlock, or complete): HDFS waits for the last one, so this equals packetsSent.
   */
  acksBeforeNextCall: number;
  /** That call's method (addBlock, complete), or null when the journal has none after the block. */
  nextCall: string | null;
}

/** The result type of each probe. */
export interface ProbeResults {
  'file.info': FileInfo;
  'file.blocks': BlockSummary[];
  'file.blockCount': number;
  'block.replicas': ReplicaLocation[];
  'block.files': ReplicaFiles[];
  'block.metaHeader': MetaHeader;
  /**
   * The DataNodes that received a copy of one of a file's blocks by re-replication: targets of the
   * NameNode's DNA_TRANSFER commands for its blocks that now hold a replica, sorted.
   */
  'block.copyTargets': string[];
  'datanode.list': DatanodeState[];
  /** One DataNode's state as `lab dfsadmin -report` shows it. */
  'datanode.state': DatanodeState['state'];
  /** Ids of the finalized replicas on one DataNode's disk (of one file's blocks), ascending (blk_<id> files). */
  'datanode.blocks': number[];
  /**
   * The admin states the NameNode gave one DataNode, in order, in `lab dfsadmin -report`'s words
   * (Decommission in progress, Decommissioned, Normal): the journal's record of every change.
   */
  'datanode.adminStates': string[];
  'topology.distance': number;
  'topology.rack': string;
  /** File names in the directory's current/, sorted: fsimage_…, edits_…, seen_txid, VERSION. */
  'namedir.files': string[];
  'edits.ops': EditOp[];
  'fsimage.inodeId': number;
  /** Bytes sent matching the filter (frames' payload sizes from the journal). */
  'journal.bytes': number;
  /** `client->nn create`, `dn1->nn blockReceivedAndDeleted`, … in journal order. */
  'journal.rpcOrder': string[];
  /**
   * The decoded messages of the frames sent (each frame once, from its sender's side), in journal
   * order: `{ type: 'rpc-preamble', version: 9, … }`, an addBlock reply's
   * `{ type: 'rpc-reply', method: 'addBlock', result: { block, locations: [{ ipAddr, xferPort, … }] } }`.
   */
  'journal.messages': FrameMessage[];
  /** The blocks of one write, in order, from its client's frames. */
  'journal.pipelines': PipelineBlock[];
  /** The median time in seconds between one sender's successive calls of one RPC (heartbeats, block reports). */
  'journal.interval': number;
  'config.get': string;
  /** The access ACL as `lab fs -getfacl` prints it, without #effective: `user::rw-`, `user:bob:r--`, … */
  'file.acl': string[];
  /** The extended attributes the caller may see, `name=value` (text), as `lab fs -getfattr -d` lists them: `user.camera=F3`. */
  'file.xattrs': string[];
  /** Whether the user may read the file: the NameNode's answer to their getBlockLocations. */
  'file.access': 'allowed' | 'denied';
  'fsck.status': 'HEALTHY' | 'CORRUPT';
  /** Replicas of the blocks under a path by the state of their DataNode, as `lab fsck` counts them. */
  'fsck.replicas': FsckReplicaCounts;
}

export type ProbeResult<N extends ProbeName> = ProbeResults[N];

/**
 * What a probe found. `unsettled`: the cluster is still converging (re-replication pending, a
 * DataNode not yet declared dead, safemode on) — the check retries until its deadline and says
 * "unknown" if it never settles. `error`: the probe could not answer (no such file).
 */
export type ProbeOutcome<T> =
  { status: 'ok'; value: T } | { status: 'unsettled'; reason: string } | { status: 'error'; message: string };

export interface ProbeRunner {
  run<N extends ProbeName>(name: N, args: ProbeArgs<N>): Promise<ProbeOutcome<ProbeResult<N>>>;
}

/** Where a student looks to see what each probe sees: the "where to look next" of a failure. */
export const PROBE_LOOK_AT: { [N in ProbeName]: (args: ProbeArgs<N>) => string } = {
  'file.info': (a) => `lab fs -stat "%n %b %r %o" ${a.path}`,
  'file.blocks': (a) => `lab fsck ${a.path} -files -blocks`,
  'file.blockCount': (a) => `lab fsck ${a.path} -files -blocks`,
  'block.replicas': (a) => `lab fsck ${a.path} -files -blocks -locations`,
  'block.files': () => "the DataNodes' dfs/data/dnN/current/BP-*/current/finalized/subdir*/subdir*/ folders",
  'block.metaHeader': () => "the first 7 bytes of the block's .meta file (xxd blk_*.meta | head -1)",
  'datanode.list': () => 'lab dfsadmin -report',
  'datanode.state': (a) => `lab dfsadmin -report (the entry of ${a.datanode})`,
  'datanode.adminStates': (a) =>
    `lab dfsadmin -report (Decommission Status of ${a.datanode}; lab traffic --kind state)`,
  'block.copyTargets': (a) => `lab trace rereplication (and lab fsck ${a.path} -files -blocks -locations)`,
  'fsck.replicas': (a) => `lab fsck ${a.path ?? '/'} (DecommissioningReplicas, DecommissionedReplicas)`,
  'datanode.blocks': (a) =>
    `the blk_ files under dfs/data/${a.datanode}/current/BP-*/current/finalized/ in the lab home`,
  'topology.distance': (a) => `lab distance ${a.a} ${a.b}`,
  'topology.rack': () => 'lab topology',
  'namedir.files': (a) => `ls dfs/${a.dir ?? 'name'}/current in the lab home`,
  'edits.ops': () => 'lab oev -p xml -i <edits file> -o edits.xml',
  'fsimage.inodeId': () => 'lab oiv -p XML -i <fsimage file> -o fsimage.xml',
  'journal.bytes': () => 'lab traffic',
  'journal.rpcOrder': () => 'lab traffic (or lab trace)',
  'journal.messages': (a) =>
    `lab traffic -X${a.method === undefined ? '' : ` --op ${a.method}`}${a.op === undefined ? '' : ` (lab trace ${a.op})`}`,
  'journal.pipelines': (a) => `lab trace ${a.op}`,
  'journal.interval': (a) => `lab traffic --node ${a.src} --op ${a.method}`,
  'config.get': (a) => `lab getconf -confKey ${a.key}`,
  'file.acl': (a) => `lab fs -getfacl ${a.path}`,
  'file.xattrs': (a) => `lab fs -getfattr -d ${a.path}`,
  'file.access': (a) => `HADOOP_USER_NAME=${a.user} lab fs -cat ${a.path}`,
  'fsck.status': (a) => `lab fsck ${a.path ?? '/'}`,
};

export function lookAt<N extends ProbeName>(name: N, args: ProbeArgs<N>): string {
  return PROBE_LOOK_AT[name](args);
}

/**
 * Reads `select` (`0.numBytes`, `-1.numBytes`, `*.numBytes`, `length`, `replicas.length`) from a
 * probe result. Negative indices count from the end; `*` maps over a list; `length` is a list's
 * or a string's length when the value has no such field.
 */
export function selectValue(
  value: unknown,
  select: string | undefined,
): { ok: true; value: unknown } | { ok: false; message: string } {
  if (select === undefined || select.trim() === '') return { ok: true, value };
  const segments = select.split('.').map((s) => s.trim());
  return selectSegments(value, segments, '');
}

function selectSegments(
  value: unknown,
  segments: string[],
  done: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const [head, ...rest] = segments;
  if (head === undefined) return { ok: true, value };
  const here = done === '' ? head : `${done}.${head}`;
  if (head === '*') {
    if (!Array.isArray(value)) return { ok: false, message: `select ${here}: not a list` };
    const mapped: unknown[] = [];
    for (const item of value) {
      const one = selectSegments(item, rest, here);
      if (!one.ok) return one;
      mapped.push(one.value);
    }
    return { ok: true, value: mapped };
  }
  if (Array.isArray(value) && /^-?\d+$/.test(head)) {
    const index = Number(head) < 0 ? value.length + Number(head) : Number(head);
    if (index < 0 || index >= value.length) {
      return { ok: false, message: `select ${here}: no element ${head} in a list of ${value.length}` };
    }
    return selectSegments(value[index], rest, here);
  }
  if (value !== null && typeof value === 'object' && Object.hasOwn(value, head)) {
    return selectSegments((value as Record<string, unknown>)[head], rest, here);
  }
  if (head === 'length' && (Array.isArray(value) || typeof value === 'string')) {
    return selectSegments(value.length, rest, here);
  }
  return { ok: false, message: `select ${here}: no field ${head}` };
}

/** A probe answer for the fake: a value, a full outcome, or a function of the arguments. */
export type FakeProbeAnswer =
  unknown | ((args: Record<string, unknown>, call: number) => ProbeOutcome<unknown>);

/**
 * A ProbeRunner over a table, for tests and for `lab pack validate` dry runs. A plain value is
 * answered `ok`; a function receives the arguments and how many times this probe was called
 * before (to script convergence: unsettled twice, then ok). Unknown probes answer `error`.
 */
export function fakeProbes(table: Partial<Record<ProbeName, FakeProbeAnswer>>): ProbeRunner & {
  calls: { name: ProbeName; args: unknown }[];
} {
  const calls: { name: ProbeName; args: unknown }[] = [];
  return {
    calls,
    run<N extends ProbeName>(name: N, args: ProbeArgs<N>): Promise<ProbeOutcome<ProbeResult<N>>> {
      const call = calls.filter((c) => c.name === name).length;
      calls.push({ name, args });
      const answer = table[name];
      if (answer === undefined)
        return Promise.resolve({ status: 'error', message: `no fake for probe ${name}` });
      const outcome =
        typeof answer === 'function'
          ? (answer as (a: Record<string, unknown>, n: number) => ProbeOutcome<unknown>)(
              args as Record<string, unknown>,
              call,
            )
          : { status: 'ok' as const, value: answer };
      return Promise.resolve(outcome as ProbeOutcome<ProbeResult<N>>);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Probe arguments: what each probe of the vocabulary takes (the results are above).

const Path = z.string().regex(/^\//, { message: 'an absolute HDFS path' });
const BlockIndex = z
  .number()
  .int()
  .nonnegative()
  .optional()
  .meta({ description: 'Block index in the file (0).' });
const Datanode = z.string();

export const ProbeArgSchemas = {
  'file.info': z.strictObject({ path: Path }),
  'file.blocks': z.strictObject({ path: Path }),
  'file.blockCount': z.strictObject({ path: Path }),
  'block.replicas': z.strictObject({ path: Path, block: BlockIndex }),
  'block.files': z.strictObject({ path: Path, block: BlockIndex, datanode: Datanode.optional() }),
  'block.metaHeader': z.strictObject({ path: Path, block: BlockIndex, datanode: Datanode.optional() }),
  'block.copyTargets': z.strictObject({ path: Path }),
  'datanode.list': z.strictObject({}),
  'datanode.state': z.strictObject({ datanode: Datanode }),
  'datanode.blocks': z.strictObject({
    datanode: Datanode,
    path: Path.optional().meta({ description: "Only this file's blocks." }),
  }),
  'datanode.adminStates': z.strictObject({ datanode: Datanode }),
  'topology.distance': z.strictObject({ a: z.string(), b: z.string() }),
  'topology.rack': z.strictObject({ datanode: Datanode }),
  'namedir.files': z.strictObject({ dir: z.enum(['name', 'namesecondary']).optional() }),
  'edits.ops': z.strictObject({
    fromTxid: z.number().int().optional(),
    toTxid: z.number().int().optional(),
    opCode: z.string().optional(),
    path: Path.optional().meta({
      description: "Only ops naming this path (PATH, SRC or DST; a shell put's PATH._COPYING_ too).",
    }),
  }),
  'fsimage.inodeId': z.strictObject({ path: Path }),
  'journal.bytes': z.strictObject({
    src: z.string().optional(),
    dst: z.string().optional(),
    kind: z.enum(['rpc', 'data', 'http']).optional(),
    op: z
      .string()
      .optional()
      .meta({ description: 'Only traffic of this operation, e.g. "put /data/a.bin".' }),
  }),
  'journal.rpcOrder': z.strictObject({
    op: z.string().optional(),
    src: z.string().optional(),
    dst: z.string().optional(),
  }),
  'journal.messages': z.strictObject({
    op: z
      .string()
      .optional()
      .meta({ description: 'Only frames of this operation, e.g. "put /e14/wire.txt".' }),
    src: z.string().optional(),
    dst: z.string().optional(),
    type: z
      .enum(JOURNAL_MESSAGE_TYPES)
      .optional()
      .meta({ description: 'rpc-preamble, rpc-context, rpc-call, rpc-reply, dt-op, packet, ack, …' }),
    method: z.string().optional().meta({ description: 'Only RPC calls and replies of this method.' }),
  }),
  'journal.pipelines': z.strictObject({
    op: z.string().meta({ description: 'The write to read, e.g. "put /e16/two.bin".' }),
  }),
  'journal.interval': z.strictObject({
    src: z.string().meta({ description: 'The sender, e.g. dn1.' }),
    method: z.string().meta({ description: 'The RPC it repeats: sendHeartbeat, blockReport.' }),
  }),
  'config.get': z.strictObject({ key: z.string() }),
  'file.acl': z.strictObject({ path: Path }),
  'file.xattrs': z.strictObject({ path: Path }),
  'file.access': z.strictObject({
    path: Path,
    user: z.string().min(1).meta({ description: 'The user who asks, as HADOOP_USER_NAME names one.' }),
  }),
  'fsck.status': z.strictObject({ path: Path.optional() }),
  'fsck.replicas': z.strictObject({ path: Path.optional() }),
} as const;

export type ProbeName = keyof typeof ProbeArgSchemas;
export type ProbeArgs<N extends ProbeName> = z.output<(typeof ProbeArgSchemas)[N]>;
export const PROBE_NAMES = Object.keys(ProbeArgSchemas) as ProbeName[];

export function isProbeName(name: string): name is ProbeName {
  return Object.hasOwn(ProbeArgSchemas, name);
}
