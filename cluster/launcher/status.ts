/**
 * `lab status`: each process of the cluster as the operating system sees it (pid alive?) and, for
 * DataNodes, as the NameNode sees it (live / stale / dead, last heartbeat) — the two can differ,
 * which is the lesson of `lab kill dn1`: the process is gone at once, the NameNode notices later.
 */
import { homePaths, type ClusterDescription } from '../home/description.js';
import { isDaemonAlive, readPid, requireDescription } from '../home/home.js';
import { processIds, roleOf, type Role } from './launcher.js';
import { withNamenode } from '../client/namenode-client.js';
import { labDatanodeReport, type ReportedDatanode } from '../client/datanode-report.js';
import { fetchNamenodeStatus } from '../client/namenode-http-client.js';

export const ROLE_NAMES: Record<Role, string> = {
  nn: 'NameNode',
  snn: 'SecondaryNameNode',
  dn: 'DataNode',
};

export interface ProcessStatus {
  id: string;
  role: string;
  host: string;
  port: number;
  address: string;
  pid: number | null;
  alive: boolean;
  rack: string | null;
  dataDir: string;
  logFile: string;
  /** Processes: running / stopped. DataNodes, from the NameNode: live / stale / dead / unregistered. */
  state: string;
  /** Epoch ms of the DataNode's last heartbeat as the NameNode recorded it. */
  lastHeartbeatMs: number | null;
}

export interface ClusterStatus {
  home: string;
  seed: string;
  namenodeReachable: boolean;
  safemode: boolean | null;
  /** Why safe mode is on, in HDFS's words (low resources, manual, thresholds); null when off or unknown. */
  safemodeTip: string | null;
  processes: ProcessStatus[];
}

export async function clusterStatus(home: string): Promise<ClusterStatus> {
  const description = requireDescription(home);
  const answer = await withNamenode(description, async (client) => ({
    report: await labDatanodeReport(client, { description, home }),
    safemode: await client.call('setSafeMode', { action: 'SAFEMODE_GET' }),
  }));
  const reported = new Map((answer?.report ?? []).map((dn) => [dn.name, dn]));
  return {
    home,
    seed: description.seed,
    namenodeReachable: answer !== undefined,
    safemode: answer === undefined ? null : answer.safemode.on,
    safemodeTip: answer?.safemode.on ? await safemodeTip(home, description) : null,
    processes: processIds(description).map((id) => processStatus(home, description, id, answer && reported)),
  };
}

/**
 * Why safe mode is on, in HDFS's words: setSafeMode's answer is only on/off (as on HDFS's wire), so
 * the reason comes from /jmx (NameNodeInfo.Safemode), as the NameNode web UI shows it.
 */
async function safemodeTip(home: string, description: ClusterDescription): Promise<string | null> {
  try {
    const status = await fetchNamenodeStatus({ home, description }, { selfId: 'client' });
    return status.safemode.tip || null;
  } catch {
    return null;
  }
}

function processStatus(
  home: string,
  description: ClusterDescription,
  id: string,
  reported: ReadonlyMap<string, ReportedDatanode> | undefined,
): ProcessStatus {
  const role = roleOf(id);
  const paths = homePaths(home);
  const address = addressOf(description, id);
  const pid = readPid(home, id) ?? null;
  const alive = pid !== null && isDaemonAlive(pid);
  const dn = role === 'dn' ? description.datanodes.find((d) => d.id === id) : undefined;
  const info = reported?.get(id);
  return {
    id,
    role: ROLE_NAMES[role],
    host: address.host,
    port: address.port,
    address: `${address.host}:${address.port}`,
    pid: alive ? pid : null,
    alive,
    rack: dn?.rack ?? null,
    dataDir: role === 'nn' ? paths.nameDir : role === 'snn' ? paths.checkpointDir : paths.dataDir(id),
    logFile: paths.log(id),
    state: stateOf(role, alive, reported, info),
    lastHeartbeatMs: info?.lastUpdate ?? null,
  };
}

function stateOf(
  role: Role,
  alive: boolean,
  reported: ReadonlyMap<string, ReportedDatanode> | undefined,
  info: ReportedDatanode | undefined,
): string {
  const process = alive ? 'running' : 'stopped';
  if (role !== 'dn' || reported === undefined) return process;
  // The NameNode's view, with the process's when they disagree (killed but still "live").
  const view = info?.liveness ?? 'unregistered';
  return view === (alive ? 'live' : 'dead') ? view : `${view} (process ${process})`;
}

function addressOf(description: ClusterDescription, id: string): { host: string; port: number } {
  if (id === 'nn') return description.namenode;
  if (id === 'snn' && description.secondary) return description.secondary;
  const dn = description.datanodes.find((d) => d.id === id);
  if (dn === undefined) throw new Error(`bug: ${id} listed by processIds but not described`);
  return dn;
}
