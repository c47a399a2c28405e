/**
 * `lab status [--json]`: each process, its address, pid, rack, data directory, state and last
 * heartbeat, from the pid files and the NameNode.
 */
import { clusterStatus, type ClusterStatus } from '../../cluster/launcher/status.js';
import { homeOf } from '../cli/context.js';
import type { Command } from '../cli/commander.js';
import { formatAgo, out, printJson, printTable } from '../cli/output.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show each process: address, pid, rack, data directory, state, last heartbeat')
    .option('--json', 'print the status as JSON')
    .action(async (flags: { json?: boolean }, command: Command) => {
      const status = await clusterStatus(homeOf(command));
      if (flags.json === true) printJson(status);
      else printStatus(status);
    });
}

function printStatus(status: ClusterStatus, nowMs = Date.now()): void {
  printTable(
    ['PROCESS', 'ROLE', 'ADDRESS', 'PID', 'RACK', 'DATA DIR', 'STATE', 'LAST HEARTBEAT'],
    status.processes.map((p) => [
      p.id,
      p.role,
      p.address,
      p.pid === null ? '-' : String(p.pid),
      p.rack ?? '-',
      p.dataDir,
      p.state,
      p.lastHeartbeatMs === null ? '-' : formatAgo(p.lastHeartbeatMs, nowMs),
    ]),
  );
  out('');
  const nn = status.namenodeReachable
    ? `NameNode answering; safemode ${status.safemode ? 'ON' : 'off'}.`
    : 'NameNode not reachable: DataNode states unknown (process states from pid files).';
  out(`${nn} Run directory ${status.home}, seed ${status.seed}.`);
  if (status.safemodeTip) out(`Safe mode is ON. ${status.safemodeTip}`);
}
