/**
 * The lab home (run directory): where it is, its layout, and which of its processes are running.
 *
 * A process counts as running only if its pid file names a live process whose command line is a
 * lab daemon (`cluster/runtime/main.js`): after a crash or a reboot the pid may belong to an
 * unrelated process, and a lab must never signal that.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { homePaths, type ClusterDescription } from './description.js';
import { LauncherError } from './errors.js';

/** What identifies a lab daemon in /proc/<pid>/cmdline. */
export const DAEMON_SCRIPT_MARK = 'cluster/runtime/main.js';

/** `--home` beats LAB_HOME beats ~/.hdfs-lab. */
export function resolveHome(options: { home?: string | undefined; env?: NodeJS.ProcessEnv } = {}): string {
  const env = options.env ?? process.env;
  const chosen =
    options.home ?? (env.LAB_HOME !== undefined && env.LAB_HOME !== '' ? env.LAB_HOME : undefined);
  return path.resolve(chosen ?? path.join(os.homedir(), '.hdfs-lab'));
}

/**
 * Modes of what the lab home holds, whatever the umask: HDFS's dfs.namenode.storage.dir.perm and
 * dfs.datanode.data.dir.perm (700) for directories, and files only their owner reads (the edit
 * log, images, block files and the logs are the cluster's state; nobody else may change them).
 */
export const HOME_DIR_MODE = 0o700;
export const HOME_FILE_MODE = 0o600;

/** Create the directories a cluster needs (data dirs are created by the daemons themselves). */
export function ensureLayout(home: string): void {
  const paths = homePaths(home);
  for (const dir of [paths.home, paths.logs, paths.pids, path.dirname(paths.nameDir)]) {
    fs.mkdirSync(dir, { recursive: true, mode: HOME_DIR_MODE });
  }
}

/** The skeleton `ensureLayout` makes, deepest first (for removing it again after a failed start). */
export function layoutDirs(home: string): string[] {
  const paths = homePaths(home);
  return [path.dirname(paths.nameDir), paths.pids, paths.logs, paths.home];
}

/** Removes the directories of `dirs` that are empty (in order); anything with content stays. */
export function removeEmptyDirs(dirs: readonly string[]): void {
  for (const dir of dirs) {
    try {
      fs.rmdirSync(dir);
    } catch {
      // Not empty (a log to read), or already gone: either way it stays as it is.
    }
  }
}

export function readDescription(home: string): ClusterDescription | undefined {
  const file = homePaths(home).description;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return JSON.parse(text) as ClusterDescription;
}

/** The description of the cluster in `home`, or a LauncherError that says how to get one. */
export function requireDescription(home: string): ClusterDescription {
  const description = readDescription(home);
  if (description === undefined) {
    throw new LauncherError(
      `No cluster in ${home} (no cluster.json). Start one with \`lab start\`, or point --home / LAB_HOME at its run directory.`,
    );
  }
  return description;
}

export function writeDescription(home: string, description: ClusterDescription): void {
  const file = homePaths(home).description;
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(description, null, 2) + '\n', { mode: HOME_FILE_MODE });
  fs.renameSync(temp, file);
}

export interface PidEntry {
  id: string;
  pid: number;
}

/** Every `<home>/pids/<id>.pid` with a parsable pid; unparsable files are returned as pid 0. */
export function readPidFiles(home: string): PidEntry[] {
  const dir = homePaths(home).pids;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.pid'))
    .map((name) => {
      const text = fs.readFileSync(path.join(dir, name), 'utf8').trim();
      const pid = /^\d+$/.test(text) ? Number(text) : 0;
      return { id: name.slice(0, -'.pid'.length), pid };
    })
    .sort(
      (a, b) => processRank(a.id) - processRank(b.id) || a.id.localeCompare(b.id, 'en', { numeric: true }),
    );
}

/** nn, snn, then DataNodes in number order: the order of every listing. */
function processRank(id: string): number {
  return id === 'nn' ? 0 : id === 'snn' ? 1 : 2;
}

export function readPid(home: string, id: string): number | undefined {
  try {
    const text = fs.readFileSync(homePaths(home).pid(id), 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

export function writePid(home: string, id: string, pid: number): void {
  fs.writeFileSync(homePaths(home).pid(id), `${pid}\n`, { mode: HOME_FILE_MODE });
}

export function removePid(home: string, id: string): void {
  fs.rmSync(homePaths(home).pid(id), { force: true });
}

/**
 * True if `pid` is a live lab daemon. On Linux /proc/<pid>/cmdline must name the daemon script
 * (this also rejects zombies, whose cmdline is empty); elsewhere kill(pid, 0) is all there is.
 */
export function isDaemonAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (process.platform === 'linux') {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return cmdline.split('\0').some((arg) => arg.replaceAll('\\', '/').includes(DAEMON_SCRIPT_MARK));
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but someone else's, so not ours to manage either way; say alive to be safe.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface HomeState {
  running: PidEntry[];
  stale: PidEntry[];
}

export function inspectHome(home: string): HomeState {
  const entries = readPidFiles(home);
  return {
    running: entries.filter((entry) => isDaemonAlive(entry.pid)),
    stale: entries.filter((entry) => !isDaemonAlive(entry.pid)),
  };
}

/**
 * Remove the pid files of processes that are gone (a crash, a reboot, a `kill -9`), and say so.
 * Data, logs, the journal and the description stay: the next start picks the data up again.
 */
export function cleanStalePids(home: string): string[] {
  const { stale } = inspectHome(home);
  for (const entry of stale) removePid(home, entry.id);
  if (stale.length === 0) return [];
  const list = stale.map((entry) => `${entry.id} (pid ${entry.pid || '?'})`).join(', ');
  return [
    `Found a lab home left by a crash: ${home} had pid files for processes that are gone: ${list}. ` +
      `Removed the stale pid files; data, logs and the journal are kept.`,
  ];
}

/** Why a second `lab start` refuses; null if nothing of this home is running. */
export function runningClusterMessage(home: string, running: readonly PidEntry[]): string | null {
  if (running.length === 0) return null;
  const list = running.map((entry) => `${entry.id} pid ${entry.pid}`).join(', ');
  return (
    `A cluster is already running in ${home} (${list}).\n` +
    `Stop it with \`lab stop\`, or start another cluster elsewhere with \`lab start --home DIR\` (or LAB_HOME=DIR).`
  );
}
