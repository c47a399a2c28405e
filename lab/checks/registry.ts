/**
 * The probe registry: every probe of the vocabulary in one entry — the arguments it takes (packs
 * and scenarios are validated against them), where a
 * student looks to see the same (the "look at" of a failed check) and how a live cluster answers it
 * (live-probes.ts). A probe's name, argument and result types are read off its entry, so adding a
 * probe is adding one entry here.
 */
import { z } from 'zod';
import { ConfigError } from '../../cluster/config/config.js';
import { distanceBetween } from '../../cluster/home/topology.js';
import { JOURNAL_MESSAGE_TYPES } from '../../cluster/protocol/journal-types.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import { UsageError } from '../cli/errors.js';
import { check } from '../cli/schema-check.js';
import * as live from './live-probes.js';
import type { ProbeOutcome, ProbeRunner } from './probes.js';

const Path = z.string().regex(/^\//, { message: 'an absolute HDFS path' });
const BlockIndex = z
  .number()
  .int()
  .nonnegative()
  .optional()
  .meta({ description: 'Block index in the file (0).' });
const Datanode = z.string();

/** One probe's entry; `live` may answer synchronously (files on disk, the journal). */
function probe<A extends z.ZodType, R>(entry: {
  args: A;
  lookAt: (args: z.output<A>) => string;
  live: (ctx: live.ProbeContext, args: z.output<A>) => R | Promise<R>;
}) {
  return entry;
}

export const PROBES = {
  'file.info': probe({
    args: z.strictObject({ path: Path }),
    lookAt: (a) => `lab fs -stat "%n %b %r %o" ${a.path}`,
    live: live.fileInfo,
  }),
  'file.blocks': probe({
    args: z.strictObject({ path: Path }),
    lookAt: (a) => `lab fsck ${a.path} -files -blocks`,
    live: live.fileBlocks,
  }),
  'file.blockCount': probe({
    args: z.strictObject({ path: Path }),
    lookAt: (a) => `lab fsck ${a.path} -files -blocks`,
    live: async (ctx, a) => (await live.fileBlocks(ctx, a)).length,
  }),
  'block.replicas': probe({
    args: z.strictObject({ path: Path, block: BlockIndex }),
    lookAt: (a) => `lab fsck ${a.path} -files -blocks -locations`,
    live: live.blockReplicas,
  }),
  'block.files': probe({
    args: z.strictObject({ path: Path, block: BlockIndex, datanode: Datanode.optional() }),
    lookAt: () => "the DataNodes' dfs/data/dnN/current/BP-*/current/finalized/subdir*/subdir*/ folders",
    live: live.blockFiles,
  }),
  'block.metaHeader': probe({
    args: z.strictObject({ path: Path, block: BlockIndex, datanode: Datanode.optional() }),
    lookAt: () => "the first 7 bytes of the block's .meta file (xxd blk_*.meta | head -1)",
    live: live.metaHeader,
  }),
  /**
   * The DataNodes that received a copy of one of a file's blocks by re-replication: targets of the
   * NameNode's DNA_TRANSFER commands for its blocks that now hold a replica, sorted.
   */
  'block.copyTargets': probe({
    args: z.strictObject({ path: Path }),
    lookAt: (a) => `lab trace rereplication (and lab fsck ${a.path} -files -blocks -locations)`,
    live: live.blockCopyTargets,
  }),
  /**
   * Every re-replication copy of one of a file's blocks, from the journal: the target and the racks
   * of the block's replicas once the copy was finalized (the rack rule after a DataNode's death).
   */
  'block.copyRacks': probe({
    args: z.strictObject({ path: Path }),
    lookAt: (a) =>
      `lab trace rereplication (the copies; lab fsck ${a.path} -files -blocks -locations; lab topology)`,
    live: live.blockCopyRacks,
  }),
  'datanode.list': probe({
    args: z.strictObject({}),
    lookAt: () => 'lab dfsadmin -report',
    live: (ctx) => live.datanodeList(ctx),
  }),
  /** One DataNode's state as `lab dfsadmin -report` shows it. */
  'datanode.state': probe({
    args: z.strictObject({ datanode: Datanode }),
    lookAt: (a) => `lab dfsadmin -report (the entry of ${a.datanode})`,
    live: live.datanodeState,
  }),
  /** Ids of the finalized replicas on one DataNode's disk (of one file's blocks), ascending (blk_<id> files). */
  'datanode.blocks': probe({
    args: z.strictObject({
      datanode: Datanode,
      path: Path.optional().meta({ description: "Only this file's blocks." }),
    }),
    lookAt: (a) =>
      `the blk_ files under dfs/data/${a.datanode}/current/BP-*/current/finalized/ in the lab home`,
    live: live.datanodeBlocks,
  }),
  /**
   * The admin states the NameNode gave one DataNode, in order, in `lab dfsadmin -report`'s words
   * (Decommission in progress, Decommissioned, Normal): the journal's record of every change.
   */
  'datanode.adminStates': probe({
    args: z.strictObject({ datanode: Datanode }),
    lookAt: (a) => `lab dfsadmin -report (Decommission Status of ${a.datanode}; lab traffic --kind state)`,
    live: live.datanodeAdminStates,
  }),
  'topology.distance': probe({
    args: z.strictObject({ a: z.string(), b: z.string() }),
    lookAt: (a) => `lab distance ${a.a} ${a.b}`,
    live: (ctx, a) => distanceBetween(ctx.description, a.a, a.b).distance,
  }),
  'topology.rack': probe({
    args: z.strictObject({ datanode: Datanode }),
    lookAt: () => 'lab topology',
    live: live.topologyRack,
  }),
  /** File names in the directory's current/, sorted: fsimage_…, edits_…, seen_txid, VERSION. */
  'namedir.files': probe({
    args: z.strictObject({ dir: z.enum(['name', 'namesecondary']).optional() }),
    lookAt: (a) => `ls dfs/${a.dir ?? 'name'}/current in the lab home`,
    live: live.namedirFiles,
  }),
  'edits.ops': probe({
    args: z.strictObject({
      fromTxid: z.number().int().optional(),
      toTxid: z.number().int().optional(),
      opCode: z.string().optional(),
      path: Path.optional().meta({
        description: "Only ops naming this path (PATH, SRC or DST; a shell put's PATH._COPYING_ too).",
      }),
    }),
    lookAt: () => 'lab oev -p xml -i <edits file> -o edits.xml',
    live: live.editsOps,
  }),
  'fsimage.inodeId': probe({
    args: z.strictObject({ path: Path }),
    lookAt: () => 'lab oiv -p XML -i <fsimage file> -o fsimage.xml',
    live: live.fsimageInodeId,
  }),
  /** Bytes sent matching the filter (frames' payload sizes from the journal). */
  'journal.bytes': probe({
    args: z.strictObject({
      src: z.string().optional(),
      dst: z.string().optional(),
      kind: z.enum(['rpc', 'data', 'http']).optional(),
      op: z
        .string()
        .optional()
        .meta({ description: 'Only traffic of this operation, e.g. "put /data/a.bin".' }),
    }),
    lookAt: () => 'lab traffic',
    live: live.journalBytes,
  }),
  /** `client->nn create`, `dn1->nn blockReceivedAndDeleted`, … in journal order. */
  'journal.rpcOrder': probe({
    args: z.strictObject({
      op: z.string().optional(),
      src: z.string().optional(),
      dst: z.string().optional(),
    }),
    lookAt: () => 'lab traffic (or lab trace)',
    live: live.journalRpcOrder,
  }),
  /**
   * The decoded messages of the frames sent (each frame once, from its sender's side), in journal
   * order: `{ type: 'rpc-preamble', version: 9, … }`, an addBlock reply's
   * `{ type: 'rpc-reply', method: 'addBlock', result: { block, locations: [{ ipAddr, xferPort, … }] } }`.
   */
  'journal.messages': probe({
    args: z.strictObject({
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
      method: z.string().optional().meta({
        description:
          'Only RPC calls and replies of this method, or DataTransfer operations of this name (REPLACE_BLOCK).',
      }),
    }),
    lookAt: (a) => {
      const node = a.src ?? a.dst;
      return `lab traffic -X${a.method === undefined ? '' : ` --op ${a.method}`}${node === undefined ? '' : ` --node ${node}`}${a.op === undefined ? '' : ` (lab trace ${a.op})`}`;
    },
    live: live.journalMessages,
  }),
  /** The senders of the frames matching the filter, each once, in the order of its first: `["balancer"]`. */
  'journal.senders': probe({
    args: z.strictObject({
      op: z
        .string()
        .optional()
        .meta({ description: 'Only frames of this operation, e.g. "put /e2/aaa.txt".' }),
      dst: z.string().optional().meta({ description: 'Only frames to this process, e.g. dn11.' }),
      type: z.enum(JOURNAL_MESSAGE_TYPES).optional().meta({ description: 'rpc-call, dt-op, packet, …' }),
      method: z.string().optional().meta({
        description:
          'Only RPC calls and replies of this method, or DataTransfer operations of this name (REPLACE_BLOCK).',
      }),
    }),
    lookAt: (a) =>
      a.op !== undefined
        ? `lab trace ${a.op}`
        : `lab traffic${a.dst === undefined ? '' : ` --node ${a.dst}`}`,
    live: live.journalSenders,
  }),
  /** The journal as lab traffic describes it, a line a record (a scenario's: since it began). */
  'journal.lines': probe({
    args: z.strictObject({
      proc: z.string().optional().meta({ description: 'Only the lines of this process, e.g. nn.' }),
    }),
    lookAt: (a) => `lab traffic${a.proc === undefined ? '' : ` --node ${a.proc}`}`,
    live: live.journalLines,
  }),
  /** The blocks of one write, in order, from its client's frames. */
  'journal.pipelines': probe({
    args: z.strictObject({
      op: z.string().meta({ description: 'The write to read, e.g. "put /e16/two.bin".' }),
    }),
    lookAt: (a) => `lab trace ${a.op}`,
    live: live.journalPipelines,
  }),
  /** The median time in seconds between one sender's successive calls of one RPC (heartbeats, block reports). */
  'journal.interval': probe({
    args: z.strictObject({
      src: z.string().meta({ description: 'The sender, e.g. dn1.' }),
      method: z.string().meta({ description: 'The RPC it repeats: sendHeartbeat, blockReport.' }),
    }),
    lookAt: (a) => `lab traffic --node ${a.src} --op ${a.method}`,
    live: live.journalInterval,
  }),
  'config.get': probe({
    args: z.strictObject({ key: z.string() }),
    lookAt: (a) => `lab getconf -confKey ${a.key}`,
    live: live.configGet,
  }),
  /** The access ACL as `lab fs -getfacl` prints it, without #effective: `user::rw-`, `user:bob:r--`, … */
  'file.acl': probe({
    args: z.strictObject({ path: Path }),
    lookAt: (a) => `lab fs -getfacl ${a.path}`,
    live: live.fileAcl,
  }),
  /** The extended attributes the caller may see, `name=value` (text), as `lab fs -getfattr -d` lists them: `user.camera=F3`. */
  'file.xattrs': probe({
    args: z.strictObject({ path: Path }),
    lookAt: (a) => `lab fs -getfattr -d ${a.path}`,
    live: live.fileXAttrs,
  }),
  /** Whether the user may read the file: the NameNode's answer to their getBlockLocations. */
  'file.access': probe({
    args: z.strictObject({
      path: Path,
      user: z.string().min(1).meta({ description: 'The user who asks, as HADOOP_USER_NAME names one.' }),
    }),
    lookAt: (a) => `HADOOP_USER_NAME=${a.user} lab fs -cat ${a.path}`,
    live: live.fileAccess,
  }),
  'fsck.status': probe({
    args: z.strictObject({ path: Path.optional() }),
    lookAt: (a) => `lab fsck ${a.path ?? '/'}`,
    live: live.fsckStatus,
  }),
  /** Replicas of the blocks under a path by the state of their DataNode, as `lab fsck` counts them. */
  'fsck.replicas': probe({
    args: z.strictObject({ path: Path.optional() }),
    lookAt: (a) => `lab fsck ${a.path ?? '/'} (DecommissioningReplicas, DecommissionedReplicas)`,
    live: live.fsckReplicas,
  }),
};

export type ProbeName = keyof typeof PROBES;
export type ProbeArgs<N extends ProbeName> = z.output<(typeof PROBES)[N]['args']>;
export type ProbeResult<N extends ProbeName> = Awaited<ReturnType<(typeof PROBES)[N]['live']>>;
export const PROBE_NAMES = Object.keys(PROBES) as ProbeName[];

export function isProbeName(name: string): name is ProbeName {
  return Object.hasOwn(PROBES, name);
}

/** The schema of a probe's arguments. */
export function probeArgSchema(name: ProbeName): z.ZodType {
  return PROBES[name].args;
}

/** Where a student looks to see what a probe sees: the "where to look next" of a failure. */
export function lookAt<N extends ProbeName>(name: N, args: ProbeArgs<N>): string {
  return (PROBES[name].lookAt as (a: ProbeArgs<N>) => string)(args);
}

/**
 * The probes of one lab home. Each call reads the home afresh: the cluster may have changed.
 * `sinceMs`: where journal.lines starts (a scenario's start; the whole journal by default).
 */
export function liveProbes(home: string, { sinceMs = 0 }: { sinceMs?: number } = {}): ProbeRunner {
  return {
    async run<N extends ProbeName>(name: N, args: ProbeArgs<N>): Promise<ProbeOutcome<ProbeResult<N>>> {
      const parsed = check(probeArgSchema(name), args ?? {});
      if (!parsed.ok) {
        const what = parsed.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`).join('; ');
        return live.failed(`probe ${name}: bad arguments (${what})`);
      }
      try {
        const answer = PROBES[name].live as (ctx: live.ProbeContext, a: unknown) => Promise<ProbeResult<N>>;
        return live.ok(await answer(new live.ProbeContext(home, sinceMs), parsed.value));
      } catch (error) {
        if (error instanceof live.ProbeStop) return error.outcome;
        if (error instanceof RemoteError) return live.failed(`the NameNode answered ${error.message}`);
        if (error instanceof ConfigError || error instanceof UsageError) return live.failed(error.message);
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT')
          return live.unsettled(
            `the NameNode does not answer (${code}); is the cluster running? (lab status)`,
          );
        throw error;
      }
    },
  };
}
