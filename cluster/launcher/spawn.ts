/**
 * The only importer of execa: starts a daemon detached, its stdout and stderr appended to its log
 * file, and reports how it ended while this process still watches it.
 */
import fs from 'node:fs';
import { execa } from 'execa';

export interface DaemonExit {
  /** Exit code, or undefined if a signal ended it. */
  exitCode: number | undefined;
  signal: string | undefined;
}

export interface SpawnedDaemon {
  pid: number;
  /** Null while running; set once the process has ended (only observed while we are alive). */
  exit(): DaemonExit | null;
  /** Resolves when the process ends. */
  exited: Promise<DaemonExit>;
  /** Let this process exit without waiting for the daemon (`lab start --detach`). */
  unref(): void;
}

export interface SpawnDaemonOptions {
  /** The script node runs, e.g. <repo>/dist/cluster/runtime/main.js. */
  script: string;
  args: readonly string[];
  /** Options for node itself, before the script (V8 heap settings). */
  nodeArgs?: readonly string[];
  logFile: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

export function describeExit(exit: DaemonExit): string {
  return exit.signal !== undefined ? `killed by ${exit.signal}` : `exited with code ${exit.exitCode ?? '?'}`;
}

export function spawnDaemon(options: SpawnDaemonOptions): SpawnedDaemon {
  // Detached: a daemon gets its own process group, so Ctrl-C in `lab start`'s terminal reaches only
  // `lab start`, which then stops the cluster in order; and `--detach` can return while they run.
  // cleanup: false, because execa would otherwise kill them when `lab start --detach` exits.
  // The log file descriptor is handed to the child itself (not piped through us): after `--detach`
  // returns, the daemon keeps writing its log with no parent in between.
  // execa's types only name descriptors 3–9; at run time it hands any descriptor to spawn().
  const logFd = fs.openSync(options.logFile, 'a', 0o600) as 3;
  const subprocess = execa(process.execPath, [...(options.nodeArgs ?? []), options.script, ...options.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    extendEnv: false,
    detached: true,
    cleanup: false,
    reject: false,
    stdin: 'ignore',
    stdout: logFd,
    stderr: logFd,
  });
  fs.closeSync(logFd);
  const pid = subprocess.pid;
  if (pid === undefined) {
    throw new Error(`could not spawn ${process.execPath} ${options.script}: no pid (see ${options.logFile})`);
  }
  let ended: DaemonExit | null = null;
  const exited = subprocess.then((result) => {
    ended = {
      exitCode: result.signal ? undefined : (result.exitCode ?? undefined),
      signal: result.signal ?? undefined,
    };
    return ended;
  });
  return {
    pid,
    exit: () => ended,
    exited,
    unref: () => subprocess.unref(),
  };
}
