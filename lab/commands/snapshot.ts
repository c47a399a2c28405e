/**
 * Snapshot commands outside `lab fs`: `lab lsSnapshottableDir`, `lab lsSnapshot <dir>` (Hadoop
 * 3.3) and `lab snapshotDiff <dir> <from> <to>` (hdfs lsSnapshottableDir / lsSnapshot /
 * snapshotDiff), and dfsadmin's `-allowSnapshot` /
 * `-disallowSnapshot` (DFSAdmin prints "Allowing snapshot on <dir> succeeded").
 */
import { formatDiffReport } from '../../cluster/namenode/snapshot-diff.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import type { Command } from '../cli/commander.js';
import { CommandExit, UsageError } from '../cli/errors.js';
import { registerHadoopCommand } from '../cli/hadoop-command.js';
import { err, out } from '../cli/output.js';
import { withSession, type ClusterSession } from '../cli/session.js';
import { formatSnapshotListing, formatSnapshottableDirs } from '../format/snapshot.js';
import { dfsadminUsage } from './dfsadmin-help.js';
import { qualify } from './fs-command.js';

/** What DFSAdmin exits with when the call failed (`return -1`). */
const EXIT_FAILED = 255;
/** What LsSnapshottableDir and SnapshotDiff return for a usage error or a failed call. */
const TOOL_FAILED = 1;

/** LsSnapshottableDir.run's description, `hdfs` read as `lab`. */
const LS_SNAPSHOTTABLE_DIR_DESCRIPTION =
  'lab lsSnapshottableDir: \n' +
  '\tGet the list of snapshottable directories that are owned by the current user.\n' +
  '\tReturn all the snapshottable directories if the current user is a super user.\n';

/** LsSnapshot.run's description, `hdfs` read as `lab`. */
const LS_SNAPSHOT_DESCRIPTION =
  'lab lsSnapshot <snapshotDir>: \n' + '\tGet the list of snapshots for a snapshottable directory.\n';

/** SnapshotDiff.run's description, `hdfs` read as `lab`. */
const SNAPSHOT_DIFF_DESCRIPTION =
  'lab snapshotDiff <snapshotDir> <from> <to>:\n' +
  '\tGet the difference between two snapshots, \n' +
  '\tor between a snapshot and the current tree of a directory.\n' +
  '\tFor <from>/<to>, users can use "." to present the current status,\n' +
  '\tand use ".snapshot/snapshot_name" to present a snapshot,\n' +
  '\twhere ".snapshot/" can be omitted\n';

/**
 * The snapshot tools' usage error: `System.err.println("Usage: \n" + description)`, return 1
 * (LsSnapshot says "Invalid no of arguments" first).
 */
function toolUsage(description: string, first?: string): never {
  process.stderr.write(`${first === undefined ? '' : `${first}\n`}Usage: \n${description}\n`);
  throw new CommandExit(TOOL_FAILED);
}

/** SnapshotDiff.getSnapshotName: "." is the current tree, ".snapshot/NAME" is NAME. */
export function snapshotNameArg(arg: string): string {
  if (arg === '' || arg === '.') return '';
  return arg.startsWith('.snapshot/') ? arg.slice('.snapshot/'.length) : arg;
}

/** A refused call: `<command>: <first line of the message>`, then the tool's exit code. */
async function report(error: unknown, prefix: string, exitCode = EXIT_FAILED): Promise<never> {
  if (!(error instanceof RemoteError)) throw error;
  err(`${prefix}: ${error.message.split('\n')[0]}`);
  throw new CommandExit(exitCode);
}

interface SnapshotTool {
  name: string;
  description: string;
  /** How many arguments the tool takes, and its description for the usage error otherwise. */
  argumentCount: number;
  usage: string;
  /** A line the tool prints before its usage (LsSnapshot's "Invalid no of arguments"). */
  usageFirstLine?: string;
  run(args: string[], session: ClusterSession): Promise<void>;
}

/**
 * Registers a snapshot tool: Hadoop's arguments (generic options first), counted before the
 * cluster is reached as the tools' run() does, then the tool against the cluster.
 */
function registerTool(program: Command, tool: SnapshotTool): void {
  registerHadoopCommand(program, {
    name: tool.name,
    description: tool.description,
    // The snapshot tools have no --json: every argument is theirs.
    labFlags: [],
    run: ({ args, home, settings }) => {
      if (args.length !== tool.argumentCount) toolUsage(tool.usage, tool.usageFirstLine);
      return withSession(home, (session) => tool.run(args, session), { settings: settings() });
    },
  });
}

export function registerSnapshotTools(program: Command): void {
  registerTool(program, {
    name: 'lsSnapshottableDir',
    description:
      'list the snapshottable directories (yours, or all for the superuser), as hdfs lsSnapshottableDir',
    argumentCount: 0,
    usage: LS_SNAPSHOTTABLE_DIR_DESCRIPTION,
    run: async (_args, session) => {
      const dirs = await session.namenode
        .call('getSnapshottableDirListing', {})
        .catch((e) => report(e, 'lsSnapshottableDir', TOOL_FAILED));
      process.stdout.write(formatSnapshottableDirs(dirs));
    },
  });
  registerTool(program, {
    name: 'lsSnapshot',
    description: "list a snapshottable directory's snapshots with their ids, as hdfs lsSnapshot (Hadoop 3.3)",
    argumentCount: 1,
    usage: LS_SNAPSHOT_DESCRIPTION,
    usageFirstLine: 'Invalid no of arguments',
    run: async ([dir], session) => {
      const snapshots = await session.namenode
        .call('getSnapshotListing', { snapshotRoot: qualify(dir!) })
        .catch((e) => report(e, 'lsSnapshot', TOOL_FAILED));
      process.stdout.write(formatSnapshotListing(snapshots));
    },
  });
  registerTool(program, {
    name: 'snapshotDiff',
    description:
      'what changed between two snapshots of a directory, or a snapshot and now ("."), as hdfs snapshotDiff',
    argumentCount: 3,
    usage: SNAPSHOT_DIFF_DESCRIPTION,
    run: async (args, session) => {
      const [dir, from, to] = args as [string, string, string];
      const diff = await session.namenode
        .call('getSnapshotDiffReport', {
          snapshotRoot: qualify(dir),
          fromSnapshot: snapshotNameArg(from),
          toSnapshot: snapshotNameArg(to),
        })
        .catch((e) => report(e, 'snapshotDiff', TOOL_FAILED));
      // SnapshotDiff prints the report with println: a blank line ends it.
      process.stdout.write(`${formatDiffReport(diff)}\n`);
    },
  });
}

export const SNAPSHOT_ADMIN_COMMANDS = ['-allowSnapshot', '-disallowSnapshot'] as const;
type SnapshotAdminCommand = (typeof SNAPSHOT_ADMIN_COMMANDS)[number];

export function isSnapshotAdminCommand(cmd: string | undefined): cmd is SnapshotAdminCommand {
  return (SNAPSHOT_ADMIN_COMMANDS as readonly (string | undefined)[]).includes(cmd);
}

/** DFSAdmin.allowSnapshot / disallowSnapshot: one directory, then "… snapshot on <dir> succeeded". */
export async function runSnapshotAdmin(
  cmd: SnapshotAdminCommand,
  args: string[],
  session: ClusterSession,
): Promise<void> {
  if (args.length !== 1) throw new UsageError(`${cmd.slice(1)}: Invalid arguments`, dfsadminUsage(cmd));
  const dir = args[0]!;
  const allow = cmd === '-allowSnapshot';
  await session.namenode
    .call(allow ? 'allowSnapshot' : 'disallowSnapshot', { snapshotRoot: qualify(dir) })
    .catch((e) => report(e, cmd.slice(1)));
  out(`${allow ? 'Allowing' : 'Disallowing'} snapshot on ${dir} succeeded`);
}
