/** What tests that call a simulated cluster's NameNode core as a DataNode share. */
import type { DatanodeRegistration } from '../../cluster/protocol/messages.js';
import type { ClusterSim } from '../../cluster/sim/cluster-sim.js';
import { datanodeRegistration } from '../../cluster/datanode/registration.js';

/** The DatanodeRegistration simulated DataNode `name` sends (optionally on another transfer port). */
export function simRegistration(sim: ClusterSim, name: string, xferPort?: number): DatanodeRegistration {
  const id = sim.core.datanodes.get(name)?.id;
  if (!id) throw new Error(`no ${name}`);
  return datanodeRegistration(
    { ...id, ...(xferPort === undefined ? {} : { xferPort }) },
    sim.core.namespaceInfo(),
  );
}
