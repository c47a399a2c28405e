/**
 * The /jmx beans a simulated cluster's NameNode would serve, by short name (NameNodeInfo,
 * FSNamesystemState…): the core's state as the HTTP side passes it, with a fixed address.
 */
import { namenodeBeans } from '../../cluster/namenode/jmx.js';
import type { ClusterSim } from '../../cluster/sim/cluster-sim.js';

export function simBeans(sim: ClusterSim): Record<string, Record<string, unknown>> {
  const beans = namenodeBeans({
    ...sim.core.jmxState(sim.nowMs),
    rpcAddress: '127.0.0.1:8020',
    nameDirs: [],
    softwareVersion: 'test',
    compileInfo: 'test',
    startedMs: 0,
    nowMs: sim.nowMs,
  });
  return Object.fromEntries(beans.map((b) => [b.name.replace(/^.*name=/, ''), b as Record<string, unknown>]));
}
