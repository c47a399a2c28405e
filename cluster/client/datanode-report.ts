/**
 * The DataNodes as HDFS's tools learn them over ClientProtocol (DFSAdmin.report): one
 * getDatanodeReport for the LIVE ones and one for the DEAD ones, since DatanodeInfoProto says
 * nothing of liveness; a live DataNode whose last heartbeat (lastUpdate) is at least the stale
 * interval old is stale, as DatanodeInfo.isStale and the NameNode's heartbeat check decide it.
 */
import { staleIntervalMs } from '../config/config.js';
import { clusterConfig } from '../home/cluster-config.js';
import type { ClusterDescription } from '../home/description.js';
import { compareNames } from '../namenode/datanode-manager.js';
import type { DatanodeInfo, ReportedDatanode } from '../protocol/types.js';

export type { ReportedDatanode };

/** What the report needs of a NameNode client (RpcClient, DFSClient). */
export interface DatanodeReporter {
  call(method: 'getDatanodeReport', params: { type: 'LIVE' | 'DEAD' }): Promise<DatanodeInfo[]>;
}

/** Every DataNode the NameNode knows, live (or stale) and dead, sorted by name (dn2 before dn10). */
export async function datanodeReport(
  namenode: DatanodeReporter,
  clock: { nowMs: number; staleIntervalMs: number },
): Promise<ReportedDatanode[]> {
  const live = await namenode.call('getDatanodeReport', { type: 'LIVE' });
  const dead = await namenode.call('getDatanodeReport', { type: 'DEAD' });
  const stale = (d: DatanodeInfo): boolean => clock.nowMs - d.lastUpdate >= clock.staleIntervalMs;
  return [
    ...live.map((d) => ({ ...d, liveness: stale(d) ? ('stale' as const) : ('live' as const) })),
    ...dead.map((d) => ({ ...d, liveness: 'dead' as const })),
  ].sort((a, b) => compareNames(a.name, b.name));
}

/** The report of a lab cluster now, with its configured stale interval. */
export function labDatanodeReport(
  namenode: DatanodeReporter,
  cluster: { description: ClusterDescription; home: string },
): Promise<ReportedDatanode[]> {
  const config = clusterConfig(cluster.description, cluster.home);
  return datanodeReport(namenode, { nowMs: Date.now(), staleIntervalMs: staleIntervalMs(config) });
}
