/**
 * Maintenance state in the NameNode core, as HDFS 3 has it: the combined hosts file's grammar
 * (CombinedHostsFileReader, CombinedHostFileManager), ENTERING_MAINTENANCE → IN_MAINTENANCE once
 * every block has dfs.namenode.maintenance.replication.min live replicas elsewhere
 * (DatanodeAdminDefaultMonitor, DatanodeAdminManager.isSufficient), a dead DataNode in maintenance
 * keeping its replicas (HeartbeatManager), expiry back to NORMAL (stopMaintenance), and what the
 * reports say: getDatanodeReport's two types, fsck's counts, /jmx's beans.
 */
import { describe, expect, it } from 'vitest';
import {
  combinedHostsEntries,
  combinedHostsLists,
  isIncluded,
  maintenanceExpireTimeMs,
} from '../../cluster/namenode/host-file.js';
import { fsckReportText, toReport } from '../../cluster/namenode/fsck-report.js';
import { simBeans } from './sim-beans.js';
import { ClusterSim } from '../../cluster/sim/cluster-sim.js';
import { formatDfsadminReport } from '../../lab/format/dfsadmin-report.js';

describe('the combined hosts file', () => {
  it('reads a JSON array of DatanodeAdminProperties, adminState NORMAL and port 0 when absent', () => {
    const text = JSON.stringify([
      { hostName: 'dn-a' },
      {
        hostName: '127.0.0.1',
        port: 9866,
        adminState: 'IN_MAINTENANCE',
        maintenanceExpireTimeInMS: '1767225600000',
      },
      { hostName: '127.0.0.2', port: 9866, adminState: 'DECOMMISSIONED', upgradeDomain: 'ud1' },
    ]);
    expect(combinedHostsEntries(text)).toEqual([
      { host: 'dn-a', port: 0, adminState: 'NORMAL', maintenanceExpireTimeMs: 0 },
      { host: '127.0.0.1', port: 9866, adminState: 'IN_MAINTENANCE', maintenanceExpireTimeMs: 1767225600000 },
      { host: '127.0.0.2', port: 9866, adminState: 'DECOMMISSIONED', maintenanceExpireTimeMs: 0 },
    ]);
  });

  it('refuses what Jackson would not map, saying what is wrong', () => {
    expect(combinedHostsEntries('{"hostName": "a"}')).toMatch(/^must be a JSON array of objects/);
    expect(combinedHostsEntries('[{"hostName": "a", "state": "IN_MAINTENANCE"}]')).toBe(
      'entry 0: unrecognized field "state" (DatanodeAdminProperties has hostName, port, adminState, maintenanceExpireTimeInMS, upgradeDomain)',
    );
    expect(combinedHostsEntries('[{"hostName": "a", "adminState": "DECOMMISSION_INPROGRESS"}]')).toBe(
      'entry 0: adminState DECOMMISSION_INPROGRESS is not one of NORMAL, DECOMMISSIONED, IN_MAINTENANCE',
    );
    expect(combinedHostsEntries('[{"hostName": ')).toMatch(/^is not JSON/);
  });

  it('admits every DataNode when no entry is NORMAL (emptyInServiceNodeLists), else only those listed', () => {
    const dn1 = { ipAddr: '127.0.1.1', xferPort: 9866 };
    const dn2 = { ipAddr: '127.0.1.2', xferPort: 9866 };
    const maintenanceOnly = combinedHostsLists([
      { ip: '127.0.1.1', port: 0, adminState: 'IN_MAINTENANCE', maintenanceExpireTimeMs: 5_000 },
    ]);
    expect(isIncluded(maintenanceOnly, dn2)).toBe(true);
    expect(maintenanceExpireTimeMs(maintenanceOnly, dn1)).toBe(5_000);
    expect(maintenanceExpireTimeMs(maintenanceOnly, dn2)).toBe(0);
    const withNormal = combinedHostsLists([
      { ip: '127.0.1.1', port: 0, adminState: 'IN_MAINTENANCE', maintenanceExpireTimeMs: 5_000 },
      { ip: '127.0.1.3', port: 0, adminState: 'NORMAL' },
    ]);
    expect(isIncluded(withNormal, dn1)).toBe(true);
    expect(isIncluded(withNormal, dn2)).toBe(false);
  });
});

const FSCK_ALL = { path: '/', files: true, blocks: true, locations: true, racks: false, openforwrite: false };

/** Four DataNodes on two racks, replication 2, 1 MiB blocks; /a.txt's first block on dn1 and dn3, /one.txt only on dn1. */
function cluster(conf: Record<string, string> = {}): ClusterSim {
  const sim = new ClusterSim({
    datanodes: 4,
    racks: 2,
    replication: 2,
    blockSizeBytes: 1 << 20,
    seed: '7',
    conf,
  });
  sim.put('/a.txt', 2 << 20);
  sim.put('/one.txt', 1 << 20, { replication: 1 });
  expect(sim.replicas('/a.txt')).toEqual(['blk_1073741825: dn1,dn3', 'blk_1073741826: dn2,dn3']);
  expect(sim.replicas('/one.txt')).toEqual(['blk_1073741827: dn1']);
  return sim;
}

const adminStateOf = (sim: ClusterSim, name: string): string | undefined =>
  sim.core.datanodeReport('ALL').find((d) => d.name === name)?.adminState;

function fsckText(sim: ClusterSim, args: string[]): string {
  return fsckReportText(
    toReport(sim.core.fsck(FSCK_ALL), {
      args,
      path: '/',
      user: 'student',
      nnHttpAddress: '127.0.0.1:9870',
      clientIp: '127.0.0.1',
      minReplication: 1,
      startTimeMs: 0,
      endTimeMs: 0,
    }),
  ).text;
}

describe('maintenance', () => {
  it('enters maintenance once every block has a live replica elsewhere, copying only the block that had none', () => {
    const sim = cluster();
    sim.maintenance(['dn1'], 60_000);
    expect(adminStateOf(sim, 'dn1')).toBe('ENTERING_MAINTENANCE');
    expect(sim.core.datanodeReport('ENTERING_MAINTENANCE').map((d) => d.name)).toEqual(['dn1']);
    // The replica on dn1 is still read and copied from: fsck counts it as entering maintenance.
    expect(fsckText(sim, ['-files'])).toContain('\n EnteringMaintenanceReplicas:\t2');
    sim.advance(6_000);
    expect(adminStateOf(sim, 'dn1')).toBe('IN_MAINTENANCE');
    expect(sim.core.datanodeReport('IN_MAINTENANCE').map((d) => d.name)).toEqual(['dn1']);
    expect(sim.core.datanodeReport('ENTERING_MAINTENANCE')).toEqual([]);
    // /one.txt's block got a second replica; /a.txt's (dn3 holds one) did not.
    expect(sim.replicas('/one.txt')).toEqual(['blk_1073741827: dn1,dn2']);
    expect(sim.replicas('/a.txt')).toEqual(['blk_1073741825: dn1,dn3', 'blk_1073741826: dn2,dn3']);
    const text = fsckText(sim, ['-files', '-blocks', '-replicaDetails', '-maintenance']);
    expect(text).toContain('\n InMaintenanceReplicas:\t2');
    expect(text).toContain('(IN MAINTENANCE)');
    // Without -maintenance, getReplicaInfo does not name the maintenance states.
    expect(fsckText(sim, ['-files', '-blocks', '-replicaDetails'])).not.toContain('MAINTENANCE)');
  });

  it('keeps a dead DataNode in maintenance in the BlockMap: nothing is re-replicated until its maintenance expires', () => {
    const sim = cluster();
    sim.maintenance(['dn1'], 60_000);
    sim.advance(6_000);
    sim.kill('dn1');
    sim.advance(40_000);
    expect(sim.core.datanodeReport('DEAD').map((d) => [d.name, d.adminState])).toEqual([
      ['dn1', 'IN_MAINTENANCE'],
    ]);
    expect(sim.core.status(sim.nowMs).underReplicated).toBe(0);
    expect(sim.transcript.some((l) => l.includes('replicate blk_1073741825'))).toBe(false);
    // Expired (60 s after the refresh): back in service, dead, its replicas leave and are copied.
    sim.advance(30_000);
    expect(adminStateOf(sim, 'dn1')).toBe('NORMAL');
    expect(sim.transcript).toContain('nn: replicate blk_1073741825_1001 dn3 -> dn2');
  });

  it('ends maintenance when the entry leaves the file, and a live DataNode is back in service', () => {
    const sim = cluster();
    sim.maintenance(['dn1'], 60_000);
    sim.advance(6_000);
    sim.maintenance([], 0);
    expect(adminStateOf(sim, 'dn1')).toBe('NORMAL');
    // The copy made for maintenance is now an excess replica; the redundancy monitor removes one.
    sim.advance(4_000);
    expect(sim.replicas('/one.txt')).toHaveLength(1);
    expect(sim.replicas('/one.txt')[0]?.split(',')).toHaveLength(1);
  });

  it('puts a DataNode in maintenance at once when dfs.namenode.maintenance.replication.min is 0', () => {
    const sim = cluster({ 'dfs.namenode.maintenance.replication.min': '0' });
    sim.maintenance(['dn1'], 60_000);
    expect(adminStateOf(sim, 'dn1')).toBe('IN_MAINTENANCE');
    expect(sim.transcript).toContain(
      'nn: MinReplicationToBeInMaintenance is set to zero. 127.0.1.1:9866 is put in maintenance state immediately.',
    );
  });

  it('shows in /jmx (FSNamesystemState counts, EnteringMaintenanceNodes) and in dfsadmin -report', () => {
    const sim = cluster();
    sim.maintenance(['dn1'], 60_000);
    const beans = simBeans(sim);
    expect(beans.FSNamesystemState?.NumEnteringMaintenanceDataNodes).toBe(1);
    expect(beans.FSNamesystemState?.NumInMaintenanceLiveDataNodes).toBe(0);
    const entering = JSON.parse(String(beans.NameNodeInfo?.EnteringMaintenanceNodes)) as Record<
      string,
      unknown
    >;
    expect(Object.keys(entering)).toEqual(['dn1:9866']);
    const live = JSON.parse(String(beans.NameNodeInfo?.LiveNodes)) as Record<string, { adminState: string }>;
    expect(live['dn1:9866']?.adminState).toBe('Entering Maintenance');

    const datanodes = sim.core.datanodeReport('ALL');
    const summary = {
      capacity: 0,
      used: 0,
      remaining: 0,
      safeMode: false,
      lowRedundancyBlocks: 0,
      corruptBlocks: 0,
      missingBlocks: 0,
      missingReplicationOneBlocks: 0,
      pendingDeletionBlocks: 0,
    };
    const text = formatDfsadminReport(summary, datanodes, { enteringMaintenance: true, inMaintenance: true });
    // DFSAdmin.report's headings (TestMaintenanceState.testReportMaintenanceNodes) and the node's status line.
    expect(text).toContain('Entering maintenance datanodes (1):\n\nName: 127.0.1.1:9866');
    expect(text).toContain('Decommission Status : Entering maintenance\n');
    expect(text).toContain('In maintenance datanodes (0):\n');
    expect(text).not.toContain('Live datanodes');
  });
});
