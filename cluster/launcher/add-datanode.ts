/**
 * `lab add-datanode [--rack R]`: a new DataNode dn<N+1> joins a running cluster, as an operator
 * adds a machine: it gets an address on its rack, is written to cluster.json (which the NameNode's
 * rack mapping reads for hosts it does not know yet, like a topology script run for a new host),
 * is started, and registers with the NameNode like the others. It starts empty: `lab balancer`
 * moves replicas onto it.
 */
import { DATANODES_MAX } from '../protocol/limits.js';
import { DEFAULT_RACK, compareNames } from '../net/topology.js';
import {
  assignPorts,
  datanodeAliasHost,
  datanodeNumber,
  DEFAULT_PORTS,
  extraPorts,
  LOOPBACK,
  rackIndexes,
} from './addresses.js';
import type { ClusterDescription, DatanodeDescription } from '../home/description.js';
import { LauncherError } from '../home/errors.js';
import { requireDescription, writeDescription } from '../home/home.js';
import { startNode, stopNodes } from './launcher.js';

/**
 * Pure: the new DataNode's id, rack and host (port 0: chosen at start). Without `rack` it joins
 * the rack with the fewest DataNodes (ties: the first in sorted order), as a rack-aware operator
 * would. A rack path the cluster does not have yet gets the next free third octet.
 */
export function planNewDatanode(description: ClusterDescription, rack?: string): DatanodeDescription {
  if (description.datanodes.length >= DATANODES_MAX) {
    throw new LauncherError(`the lab runs at most ${DATANODES_MAX} DataNodes`, 'usage');
  }
  if (rack !== undefined && !/^(\/[A-Za-z0-9._-]+)+$/.test(rack)) {
    throw new LauncherError(`--rack ${rack}: a rack is a path such as /rack2 or /dc1/rack2`, 'usage');
  }
  const number = Math.max(0, ...description.datanodes.map((dn) => datanodeNumber(dn.id) ?? 0)) + 1;
  const id = `dn${number}`;
  const chosenRack = rack ?? leastPopulatedRack(description);
  if (!description.loopbackAliases) return { id, host: LOOPBACK, port: 0, rack: chosenRack };
  return { id, host: hostOnRack(description, chosenRack, number), port: 0, rack: chosenRack };
}

function leastPopulatedRack(description: ClusterDescription): string {
  const counts = new Map<string, number>();
  for (const dn of description.datanodes) counts.set(dn.rack, (counts.get(dn.rack) ?? 0) + 1);
  if (counts.size === 0) return DEFAULT_RACK;
  return [...counts].sort(([a, x], [b, y]) => x - y || compareNames(a, b))[0]?.[0] ?? DEFAULT_RACK;
}

/** The rack's third octet as its DataNodes already use it; a new rack takes the next free one. */
function hostOnRack(description: ClusterDescription, rack: string, number: number): string {
  const sibling = description.datanodes.find((dn) => dn.rack === rack);
  if (sibling) return datanodeAliasHost(Number(sibling.host.split('.')[2]), number);
  const used = description.datanodes.map((dn) => Number(dn.host.split('.')[2]));
  const next = Math.max(rackIndexes(description.datanodes.map((dn) => dn.rack)).size, ...used) + 1;
  return datanodeAliasHost(next, number);
}

export interface AddedDatanode {
  datanode: DatanodeDescription;
  pid: number;
}

/** Plans dn<N+1>, records it in cluster.json and starts it; resolves once it heartbeats. */
export async function addDatanode(
  home: string,
  options: { rack?: string | undefined; daemonScript?: string; readyTimeoutMs?: number } = {},
): Promise<AddedDatanode> {
  const description = requireDescription(home);
  const planned = planNewDatanode(description, options.rack);
  const ephemeral = description.datanodes.every((dn) => dn.port !== DEFAULT_PORTS.datanodeXfer);
  const assigned = await assignPorts({
    namenode: { id: 'nn', host: description.namenode.host, port: 0 },
    secondary: { id: 'snn', host: description.namenode.host, port: 0 },
    datanodes: [
      {
        id: planned.id,
        host: planned.host,
        port: ephemeral ? 0 : DEFAULT_PORTS.datanodeXfer,
        httpPort: ephemeral ? 0 : DEFAULT_PORTS.datanodeHttp,
        ipcPort: ephemeral ? 0 : DEFAULT_PORTS.datanodeIpc,
      },
    ],
    client: { host: description.client.host },
    loopbackAliases: description.loopbackAliases,
  });
  const datanode: DatanodeDescription = {
    ...planned,
    port: assigned.datanodes[0]?.port ?? 0,
    ...(assigned.datanodes[0] ? extraPorts(assigned.datanodes[0]) : {}),
  };
  writeDescription(home, { ...description, datanodes: [...description.datanodes, datanode] });
  try {
    const started = await startNode(home, datanode.id, {
      ...(options.daemonScript ? { daemonScript: options.daemonScript } : {}),
      ...(options.readyTimeoutMs ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    });
    return { datanode, pid: started.pid };
  } catch (error) {
    // A DataNode that never came up is not part of the cluster.
    await stopNodes(home, [datanode.id]).catch(() => []);
    const now = requireDescription(home);
    writeDescription(home, { ...now, datanodes: now.datanodes.filter((dn) => dn.id !== datanode.id) });
    throw error;
  }
}
