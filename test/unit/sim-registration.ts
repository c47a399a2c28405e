/** What tests that call a simulated cluster's NameNode core as a DataNode share. */
import type { DatanodeRegistration } from '../../cluster/protocol/messages.js';
import type { ClusterSim } from '../../cluster/sim/cluster-sim.js';

/** The DatanodeRegistration simulated DataNode `name` sends (optionally on another transfer port). */
export function simRegistration(sim: ClusterSim, name: string, xferPort?: number): DatanodeRegistration {
  const id = sim.core.datanodes.get(name)?.id;
  if (!id) throw new Error(`no ${name}`);
  const ns = sim.core.namespaceInfo();
  return {
    datanode: { ...id, ...(xferPort === undefined ? {} : { xferPort }) },
    storageInfo: {
      layoutVersion: -57,
      namespaceId: ns.namespaceId,
      clusterId: ns.clusterId,
      cTime: ns.cTime,
    },
    softwareVersion: ns.softwareVersion,
  };
}
