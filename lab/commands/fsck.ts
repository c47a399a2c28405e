/**
 * `lab fsck <path> [-files [-blocks [-locations | -racks]]] [-openforwrite] [--json]` — HDFS's
 * fsck: the NameNode walks the namespace and reports each file's blocks and replicas; the
 * formatter prints Hadoop's text and the exit code says HEALTHY (0) or not (1).
 */
import type { FsckResult } from '../../cluster/protocol/messages.js';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { CommandExit, UsageError } from '../cli/errors.js';
import { parseHadoopArgs } from '../cli/hadoop-args.js';
import { out, err, printJson } from '../cli/output.js';
import { withSession } from '../cli/session.js';
import { formatFsck, type FsckEntry, type FsckReport } from '../format/fsck.js';
import { labUser } from '../../cluster/common/user.js';

const USAGE =
  'Usage: lab fsck <path> [-list-corruptfileblocks | [-move | -delete | -openforwrite] [-files [-blocks [-locations | -racks | -replicaDetails]]]] [--json]';

const FLAGS = ['files', 'blocks', 'locations', 'racks', 'openforwrite'] as const;

export function registerFsck(program: Command): void {
  program
    .command('fsck')
    .description('check the health of files: blocks, replicas, locations (hdfs fsck)')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .argument('[args...]')
    .action(async (args: string[], _opts: unknown, command: Command) => {
      const parsed = parseHadoopArgs(args, {
        command: 'fsck',
        options: FLAGS.map((name) => ({ name })),
        usage: USAGE,
      });
      const path = parsed.operands[0];
      if (!path || parsed.operands.length > 1) throw new UsageError('fsck: expects exactly one path', USAGE);
      const flags = new Set(FLAGS.filter((f) => parsed.options.has(f)));
      const startTimeMs = Date.now();
      const result = await withSession(homeOf(command), (session) =>
        session.namenode
          .call(
            'fsck',
            {
              path,
              files: flags.has('files'),
              blocks: flags.has('blocks'),
              locations: flags.has('locations'),
              racks: flags.has('racks'),
              openforwrite: flags.has('openforwrite'),
            },
            { opId: `fsck-${process.pid}` },
          )
          .then((r) => ({ r, session })),
      );
      const endTimeMs = Date.now();
      const report = toReport(result.r, {
        args: args.filter((a) => a.startsWith('-') && a !== '--json'),
        path,
        nnHttpAddress: `${result.session.description.namenode.host}:${result.session.description.namenode.httpPort ?? 9870}`,
        clientIp: result.session.description.client.host,
        minReplication: result.session.config.int('dfs.namenode.replication.min'),
        startTimeMs,
        endTimeMs,
      });
      const text = formatFsck(report);
      if (parsed.json) printJson({ ...result.r, exitCode: text.exitCode });
      else {
        if (text.stderr) err(text.stderr);
        out(text.stdout);
      }
      if (text.exitCode !== 0) throw new CommandExit(text.exitCode);
    });
}

export function toReport(
  result: FsckResult,
  ctx: {
    args: string[];
    path: string;
    nnHttpAddress: string;
    clientIp: string;
    minReplication: number;
    startTimeMs: number;
    endTimeMs: number;
  },
): FsckReport {
  const entries: FsckEntry[] = result.files.map((f) =>
    f.isDir
      ? { kind: 'dir', path: f.path }
      : {
          kind: 'file',
          path: f.path,
          length: f.length,
          replication: f.replication,
          underConstruction: f.underConstruction,
          blocks: f.blocks.map((b) => ({
            block: b.block,
            blockPoolId: result.blockPoolId,
            liveReplicas: b.live.length,
            corrupt: b.live.length === 0 && b.corrupt.length > 0,
            replicas: [
              ...b.live.map((r) => ({ xferAddr: r.addr, storageId: r.storageId, rack: r.rack })),
              ...b.corrupt.map((r) => ({
                xferAddr: r.addr,
                storageId: r.storageId,
                rack: r.rack,
                corrupt: true,
              })),
            ],
          })),
        },
  );
  return {
    args: ctx.args,
    path: ctx.path,
    user: labUser(),
    clientIp: ctx.clientIp,
    nnHttpAddress: ctx.nnHttpAddress,
    startTimeMs: ctx.startTimeMs,
    endTimeMs: ctx.endTimeMs,
    elapsedMs: ctx.endTimeMs - ctx.startTimeMs,
    pathExists: result.exists,
    numDatanodes: result.numDatanodes,
    numRacks: result.numRacks,
    defaultReplication: result.defaultReplication,
    minReplication: ctx.minReplication,
    entries,
  };
}
