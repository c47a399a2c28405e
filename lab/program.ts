/**
 * The `lab` program: every command registered on one commander program. Each command lives in
 * lab/commands/<name>.ts and exports `register<Name>(program)`; add new ones to the list below.
 */
import { Command } from './cli/commander.js';
import { registerDistance } from './commands/distance.js';
import { registerGetconf } from './commands/getconf.js';
import { registerKill } from './commands/kill.js';
import { registerRestart } from './commands/restart.js';
import { registerStart } from './commands/start.js';
import { registerStatus } from './commands/status.js';
import { registerStop } from './commands/stop.js';
import { registerTopology } from './commands/topology.js';
import { registerDfsadmin } from './commands/dfsadmin.js';
import { registerFs } from './commands/fs.js';
import { registerFsck } from './commands/fsck.js';
import { registerTraffic } from './commands/traffic.js';
import { registerCorrupt } from './commands/corrupt.js';
import { registerPartition } from './commands/partition.js';
import { registerHeal } from './commands/heal.js';
import { registerSlow } from './commands/slow.js';
import { registerAddDatanode } from './commands/add-datanode.js';
import { registerBalancer } from './commands/balancer.js';
import { registerRun } from './commands/run.js';
import { registerTrace } from './commands/trace.js';
import { registerTui } from './commands/tui.js';
import { registerOiv } from './commands/oiv.js';
import { registerOev } from './commands/oev.js';
import { registerCheckpoint } from './commands/checkpoint.js';
import { registerPack } from './commands/pack.js';
import { registerGrade } from './commands/grade.js';
import { registerExercise } from './commands/exercise.js';
import { registerDebug } from './commands/debug.js';

export function buildProgram(): Command {
  const program = new Command('lab')
    .description('hdfs-lab: a real multi-process mini HDFS on localhost, to watch and to break')
    .option('--home <dir>', 'run directory of the cluster (default: LAB_HOME, else ~/.hdfs-lab)')
    .option(
      '--on <datanode>',
      "run HDFS client commands as if on this DataNode's host (default: off-cluster; or LAB_CLIENT_ON)",
    )
    .showHelpAfterError('(run `lab --help` or `lab <command> --help` for usage)')
    .exitOverride();
  for (const register of [
    registerStart,
    registerStop,
    registerStatus,
    registerRestart,
    registerKill,
    registerGetconf,
    registerTopology,
    registerDistance,
    registerFs,
    registerFsck,
    registerDebug,
    registerDfsadmin,
    registerTraffic,
    registerCorrupt,
    registerPartition,
    registerHeal,
    registerSlow,
    registerAddDatanode,
    registerBalancer,
    registerRun,
    registerTrace,
    registerTui,
    registerOiv,
    registerOev,
    registerCheckpoint,
    registerPack,
    registerGrade,
    registerExercise,
  ]) {
    register(program);
  }
  // Errors of sub-commands reach the boundary too, instead of commander calling process.exit.
  for (const command of program.commands) command.exitOverride();
  return program;
}
