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

/** The caller context a simulated DataNode's calls carry. */
export interface SimCaller {
  caller: string;
  callerAddr: string;
  nowMs: number;
}

/**
 * Simulated DataNode `name`'s sendHeartbeat with a one-byte storage report, as the core answers it
 * (the commands in the reply; a refusal throws).
 */
export function simHeartbeat(sim: ClusterSim, name: string, ctx?: SimCaller) {
  return sim.core.call(
    'sendHeartbeat',
    {
      registration: simRegistration(sim, name),
      report: {
        storageId: 's',
        failed: false,
        capacity: 1,
        dfsUsed: 0,
        remaining: 1,
        blockPoolUsed: 0,
        nonDfsUsed: 0,
      },
      xceiverCount: 0,
      xmitsInProgress: 0,
      requestFullBlockReportLease: false,
    },
    ctx ?? { caller: name, callerAddr: '127.0.0.1', nowMs: sim.nowMs },
  ).result;
}
