/**
 * Snapshot commands outside `lab fs`: `lab lsSnapshottableDir` and `lab snapshotDiff <dir> <from>
 * <to>` (hdfs lsSnapshottableDir / hdfs snapshotDiff), and dfsadmin's `-allowSnapshot` /
 * `-disallowSnapshot` (DFSAdmin prints "Allowing snapshot on <dir> succeeded").
 */
import { formatDiffReport } from '../../cluster/namenode/snapshot-diff.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import type { Command } from '../cli/commander.js';
import { CommandExit, UsageError } from '../cli/errors.js';
import { registerHadoopCommand } from '../cli/hadoop-command.js';
import { err, out } from '../cli/output.js';
import { withSession, type ClusterSession } from '../cli/session.js';
import { formatSnapshottableDirs } from '../format/snapshot.js';
import { qualify } from './fs-command.js';

/** What DFSAdmin and the snapshot tools exit with when the call failed (`return -1`). */
const EXIT_FAILED = 255;

const SNAPSHOT_DIFF_USAGE =
  'Usage: lab snapshotDiff <snapshotDir> <from> <to>:\n' +
  '\tGet the difference between two snapshots,\n' +
  '\tor between a snapshot and the current tree of a directory.\n' +
  '\tFor <from>/<to>, users can use "." to present the current status,\n' +
  '\tand use ".snapshot/snapshot_name" to present a snapshot,\n' +
  '\twhere ".snapshot/" can be omitted';

/** SnapshotDiff.getSnapshotName: "." is the current tree, ".snapshot/NAME" is NAME. */
export function snapshotNameArg(arg: string): string {
  if (arg === '' || arg === '.') return '';
  return arg.startsWith('.snapshot/') ? arg.slice('.snapshot/'.length) : arg;
}

async function report(error: unknown, prefix: string): Promise<never> {
  if (!(error instanceof RemoteError)) throw error;
  err(`${prefix}: ${error.message.split('\n')[0]}`);
  throw new CommandExit(EXIT_FAILED);
}

/** Registers a command whose arguments are Hadoop's (generic options first) and that needs the cluster. */
function registerTool(
  program: Command,
  name: string,
  description: string,
  run: (args: string[], session: ClusterSession) => Promise<void>,
): void {
  registerHadoopCommand(program, {
    name,
    description,
    // The snapshot tools have no --json: every argument is theirs.
    labFlags: [],
    run: ({ args, home, settings }) =>
      withSession(home, (session) => run(args, session), { settings: settings() }),
  });
}

export function registerSnapshotTools(program: Command): void {
  registerTool(
    program,
    'lsSnapshottableDir',
    'list the snapshottable directories (yours, or all for the superuser), as hdfs lsSnapshottableDir',
    async (args, session) => {
      if (args.length > 0)
        throw new UsageError('Usage: lab lsSnapshottableDir', 'Usage: lab lsSnapshottableDir');
      const dirs = await session.namenode
        .call('getSnapshottableDirListing', {})
        .catch((e) => report(e, 'lsSnapshottableDir'));
      process.stdout.write(formatSnapshottableDirs(dirs));
    },
  );
  registerTool(
    program,
    'snapshotDiff',
    'what changed between two snapshots of a directory, or a snapshot and now ("."), as hdfs snapshotDiff',
    async (args, session) => {
      if (args.length !== 3) throw new UsageError(SNAPSHOT_DIFF_USAGE, SNAPSHOT_DIFF_USAGE);
      const [dir, from, to] = args as [string, string, string];
      const diff = await session.namenode
        .call('getSnapshotDiffReport', {
          snapshotRoot: qualify(dir),
          fromSnapshot: snapshotNameArg(from),
          toSnapshot: snapshotNameArg(to),
        })
        .catch((e) => report(e, 'snapshotDiff'));
      // SnapshotDiff prints the report with println: a blank line ends it.
      process.stdout.write(`${formatDiffReport(diff)}\n`);
    },
  );
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
  const usage = `Usage: lab dfsadmin [${cmd} <snapshotDir>]`;
  if (args.length !== 1) throw new UsageError(`${cmd.slice(1)}: Invalid arguments`, usage);
  const dir = args[0]!;
  const allow = cmd === '-allowSnapshot';
  await session.namenode
    .call(allow ? 'allowSnapshot' : 'disallowSnapshot', { snapshotRoot: qualify(dir) })
    .catch((e) => report(e, cmd.slice(1)));
  out(`${allow ? 'Allowing' : 'Disallowing'} snapshot on ${dir} succeeded`);
}
