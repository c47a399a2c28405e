/**
 * A block whose only replicas are on the two DataNodes being decommissioned (the case the web UI's
 * Decommissioning test builds): the NameNode copies it from one of them — chooseSourceDatanodes
 * takes a decommissioning replica as a source — to the one DataNode left in service, and both stay
 * Decommission In Progress, since one live replica is short of the file's replication and of
 * dfs.replication (DatanodeAdminManager.isSufficient). The Decommissioning counts are the
 * monitor's: 0 until its first pass after -refreshNodes (dfs.namenode.decommission.interval, 30 s
 * by default, as LeavingServiceStatus is in HDFS), then one under-replicated block on each.
 */
import { describe, expect, it } from 'vitest';
import { ClusterSim } from '../../cluster/sim/cluster-sim.js';

describe('decommissioning the only two holders of a block', () => {
  it('copies it from a decommissioning replica to the third DataNode; both stay in progress', () => {
    const sim = new ClusterSim({
      datanodes: 3,
      racks: 1,
      replication: 2,
      blockSizeBytes: 1 << 20,
      seed: 'd',
    });
    sim.put('/decom/a.bin', 1 << 19);
    const holders = () => [...([...sim.core.blocks.all()][0]?.replicas.keys() ?? [])].sort();
    const leaving = holders();
    expect(leaving).toHaveLength(2);
    const third = ['dn1', 'dn2', 'dn3'].find((dn) => !leaving.includes(dn)) ?? '';
    sim.exclude(leaving);
    expect(Object.values(sim.core.leavingService()).map((s) => s.underReplicatedBlocks)).toEqual([0, 0]);

    sim.advance(10_000);
    expect(holders()).toEqual([...leaving, third].sort());
    expect(sim.transcript.some((l) => l.includes('DNA_TRANSFER') && l.includes(`-> ${third}`))).toBe(true);
    const report = sim.core.datanodeReport('ALL');
    expect(leaving.map((dn) => report.find((d) => d.name === dn)?.adminState)).toEqual([
      'DECOMMISSION_INPROGRESS',
      'DECOMMISSION_INPROGRESS',
    ]);
    expect(Object.values(sim.core.leavingService()).map((s) => s.underReplicatedBlocks)).toEqual([1, 1]);
  });
});
