/**
 * The lease holder a pack's `hold-lease` step starts (runtime/lease-holder-process.ts): a client
 * process beside the cluster's daemons that keeps one file open for write. The lab home tracks it
 * as it tracks them (`pids/writer.pid`, `logs/writer.log`), so `lab stop` ends it too; starting one
 * stops the one before, so a setup that is run again (resumed, `lab reset`) holds one lease, not two.
 */
import fs from 'node:fs';
import { homePaths } from '../home/description.js';
import { LauncherError } from '../home/errors.js';
import { requireDescription, writePid } from '../home/home.js';
import { START_READY_TIMEOUT_MS } from '../protocol/limits.js';
import { defaultDaemonScript, stopProcesses, type StopResult } from './launcher.js';
import { describeExit, spawnDaemon } from './spawn.js';
import { formatLogTail, waitFor } from './wait.js';

/** Its process id in the lab home (pid and log file names); not a cluster process `lab kill` takes. */
export const LEASE_HOLDER_ID = 'writer';

/**
 * The line the holder logs once the NameNode has given it the file (runtime/lease-holder-process.ts
 * prints it; the launcher imports nothing of the runtime): what `startLeaseHolder` waits for.
 */
export function holdingLine(src: string): string {
  return `${LEASE_HOLDER_ID}: holding the lease on ${src} as `;
}

export async function startLeaseHolder(
  home: string,
  src: string,
  options: { daemonScript?: string; readyTimeoutMs?: number } = {},
): Promise<{ pid: number }> {
  requireDescription(home);
  await stopLeaseHolder(home);
  const logFile = homePaths(home).log(LEASE_HOLDER_ID);
  const logStart = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
  const daemon = spawnDaemon({
    script: options.daemonScript ?? defaultDaemonScript(),
    args: ['--role', 'writer', '--home', home, '--id', LEASE_HOLDER_ID, '--path', src],
    logFile,
    cwd: home,
  });
  writePid(home, LEASE_HOLDER_ID, daemon.pid);
  try {
    await waitFor(() => logSince(logFile, logStart).includes(holdingLine(src)), {
      deadlineMs: options.readyTimeoutMs ?? START_READY_TIMEOUT_MS,
      what: `a writer to open ${src} and hold its lease`,
      failFast: () => {
        const exit = daemon.exit();
        if (exit !== null)
          throw new LauncherError(
            `the writer of ${src} (pid ${daemon.pid}) ${describeExit(exit)}.\n${formatLogTail(LEASE_HOLDER_ID, logFile)}`,
          );
      },
      diagnose: () => formatLogTail(LEASE_HOLDER_ID, logFile),
    });
  } finally {
    daemon.unref();
  }
  return { pid: daemon.pid };
}

/** Ends the lease holder, if one runs (it closes its file first). */
export async function stopLeaseHolder(home: string): Promise<StopResult> {
  const [result] = await stopProcesses(home, [LEASE_HOLDER_ID]);
  return result as StopResult;
}

function logSince(file: string, offset: number): string {
  try {
    return fs.readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}
