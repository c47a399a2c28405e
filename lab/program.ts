/**
 * The `lab` program: every command registered on one commander program. Each command lives in
 * lab/commands/<name>.ts and exports `register<Name>(program)`; add new ones to COMMAND_MODULES
 * with the names they register (test/unit/program.test.ts checks the names).
 *
 * A module is imported only when its command runs: `lab fs -ls /` loads what `fs` needs, not the
 * dashboard, the exercise runner or the grader. Every `lab` command is a fresh process, and the
 * modules it loads are most of what it costs before it does anything. `lab --help`, an unknown
 * command and the exercise runner's command check load them all.
 */
import { Command } from './cli/commander.js';
import { installRecordHook } from './commands/record-hook.js';

type Register = (program: Command) => void;

/** Each command module, in the order `lab --help` lists them, with the command names it registers. */
export const COMMAND_MODULES: readonly { names: readonly string[]; load: () => Promise<Register> }[] = [
  { names: ['start'], load: async () => (await import('./commands/start.js')).registerStart },
  { names: ['stop'], load: async () => (await import('./commands/stop.js')).registerStop },
  { names: ['status'], load: async () => (await import('./commands/status.js')).registerStatus },
  { names: ['restart'], load: async () => (await import('./commands/restart.js')).registerRestart },
  { names: ['kill'], load: async () => (await import('./commands/kill.js')).registerKill },
  { names: ['getconf'], load: async () => (await import('./commands/getconf.js')).registerGetconf },
  { names: ['topology'], load: async () => (await import('./commands/topology.js')).registerTopology },
  { names: ['distance'], load: async () => (await import('./commands/distance.js')).registerDistance },
  { names: ['open'], load: async () => (await import('./commands/open.js')).registerOpen },
  { names: ['web'], load: async () => (await import('./commands/web.js')).registerWeb },
  { names: ['fs', 'dfs'], load: async () => (await import('./commands/fs.js')).registerFs },
  { names: ['fsck'], load: async () => (await import('./commands/fsck.js')).registerFsck },
  { names: ['debug'], load: async () => (await import('./commands/debug.js')).registerDebug },
  { names: ['dfsadmin'], load: async () => (await import('./commands/dfsadmin.js')).registerDfsadmin },
  {
    names: ['lsSnapshottableDir', 'lsSnapshot', 'snapshotDiff'],
    load: async () => (await import('./commands/snapshot.js')).registerSnapshotTools,
  },
  { names: ['traffic'], load: async () => (await import('./commands/traffic.js')).registerTraffic },
  { names: ['corrupt'], load: async () => (await import('./commands/corrupt.js')).registerCorrupt },
  { names: ['partition'], load: async () => (await import('./commands/partition.js')).registerPartition },
  { names: ['heal'], load: async () => (await import('./commands/heal.js')).registerHeal },
  { names: ['slow'], load: async () => (await import('./commands/slow.js')).registerSlow },
  {
    names: ['add-datanode'],
    load: async () => (await import('./commands/add-datanode.js')).registerAddDatanode,
  },
  { names: ['balancer'], load: async () => (await import('./commands/balancer.js')).registerBalancer },
  { names: ['run'], load: async () => (await import('./commands/run.js')).registerRun },
  { names: ['trace'], load: async () => (await import('./commands/trace.js')).registerTrace },
  { names: ['tui'], load: async () => (await import('./commands/tui.js')).registerTui },
  { names: ['oiv'], load: async () => (await import('./commands/oiv.js')).registerOiv },
  { names: ['oev'], load: async () => (await import('./commands/oev.js')).registerOev },
  { names: ['checkpoint'], load: async () => (await import('./commands/checkpoint.js')).registerCheckpoint },
  { names: ['pack'], load: async () => (await import('./commands/pack.js')).registerPack },
  { names: ['grade'], load: async () => (await import('./commands/grade.js')).registerGrade },
  {
    names: ['exercises', 'exercise', 'check', 'hint', 'progress', 'reset'],
    load: async () => (await import('./commands/exercise.js')).registerExercise,
  },
];

/** The program's own options that take a value: `lab --home DIR fs …` names its command after them. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--home', '--on']);

/** The command name `argv` runs (its first operand after the program's options), if any. */
export function commandNameOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) return arg;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
  }
  return undefined;
}

/**
 * The program with every command, or, given the arguments of a run, with only the module of the
 * command they name (all of them when they name none the table knows, so help and "unknown
 * command" read as before).
 */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('lab')
    .description('hdfs-lab: a real multi-process mini HDFS on localhost, to watch and to break')
    .option('--home <dir>', 'run directory of the cluster (default: LAB_HOME, else ~/.hdfs-lab)')
    .option(
      '--on <datanode>',
      "run HDFS client commands as if on this DataNode's host (default: off-cluster; or LAB_CLIENT_ON)",
    )
    .showHelpAfterError('(run `lab --help` or `lab <command> --help` for usage)')
    .exitOverride();
  // Before the command modules' own hooks: what a student runs is recorded whichever command it is.
  installRecordHook(program);
  const name = argv ? commandNameOf(argv) : undefined;
  const only = name === undefined ? undefined : COMMAND_MODULES.find((m) => m.names.includes(name));
  for (const register of await Promise.all((only ? [only] : COMMAND_MODULES).map((m) => m.load()))) {
    register(program);
  }
  // Errors of sub-commands reach the boundary too, instead of commander calling process.exit.
  for (const command of program.commands) command.exitOverride();
  return program;
}
