/**
 * Decommissioning in the NameNode core: the hosts files' grammar (HostsFileReader,
 * HostFileManager.parseEntry), registration refused outside a non-empty include list
 * (DisallowedDatanodeException), and the admin states every report shows while a DataNode's
 * blocks are copied elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { hostsFileEntries, parseHostEntry } from '../../cluster/namenode/host-file.js';
import { ClusterSim } from '../../cluster/sim/cluster-sim.js';
import { thrown } from './remote-error.js';
import { simBeans } from './sim-beans.js';
import { simHeartbeat, simRegistration as registration } from './sim-registration.js';
import { SUPERUSER, testCore } from './namenode-test-core.js';

describe('hosts files', () => {
  it('reads whitespace-separated entries, a # ending the line', () => {
    const text = '127.0.0.1:9866  127.0.0.1:9867 # dn2 stays\n\n# all commented\nlocalhost\t10.0.0.5:50010\n';
    expect(hostsFileEntries(text)).toEqual([
      '127.0.0.1:9866',
      '127.0.0.1:9867',
      'localhost',
      '10.0.0.5:50010',
    ]);
  });
  it('takes host, host:port and [v6]:port; an entry without a port stands for every port', () => {
    expect(parseHostEntry('127.0.0.1:9866')).toEqual({ host: '127.0.0.1', port: 9866 });
    expect(parseHostEntry('dn-host')).toEqual({ host: 'dn-host', port: 0 });
    expect(parseHostEntry('[::1]:50010')).toEqual({ host: '::1', port: 50010 });
    expect(parseHostEntry('a:b')).toBeNull();
    expect(parseHostEntry('h:99999')).toBeNull();
  });
});

const FSCK_A = {
  path: '/a.txt',
  files: true,
  blocks: true,
  locations: true,
  racks: false,
  openforwrite: false,
};

/** A simulated cluster with 1 MiB blocks: DataNodes, racks, replication, seed. */
const sim1m = (datanodes: number, racks: number, replication: number, seed: string): ClusterSim =>
  new ClusterSim({ datanodes, racks, replication, blockSizeBytes: 1 << 20, seed });

describe('include list', () => {
  it('refuses a DataNode that is not in a non-empty include list, with HDFS words', () => {
    const sim = sim1m(2, 1, 1, '1');
    const dn1 = sim.core.datanodes.get('dn1')?.id;
    sim.core.refreshHosts(
      { includes: [{ ip: dn1?.ipAddr ?? '', port: dn1?.xferPort ?? 0 }], excludes: [] },
      sim.nowMs,
    );
    const ctx = { caller: 'dn2', callerAddr: '127.0.1.2', nowMs: sim.nowMs };
    const error = thrown(() =>
      sim.core.call('registerDatanode', { registration: registration(sim, 'dn2') }, ctx),
    );
    expect(error.errorClass).toBe('DisallowedDatanodeException');
    expect(error.message).toMatch(
      /^Datanode denied communication with namenode because the host is not in the include-list: DatanodeRegistration\(127\.0\.1\.2:9866, /,
    );
    // A registered DataNode left out of the list is refused at its next heartbeat and counted dead.
    const beat = (): unknown => simHeartbeat(sim, 'dn2', ctx);
    expect(thrown(beat).errorClass).toBe('DisallowedDatanodeException');
    // Counted dead, and left out of every report: getDatanodeListForReport lists only DataNodes
    // the include list admits.
    expect(sim.core.datanodes.get('dn2')?.liveness).toBe('dead');
    expect(sim.core.datanodeReport('ALL').map((d) => d.name)).toEqual(['dn1']);
    // dn1, listed, registers again.
    expect(() =>
      sim.core.call(
        'registerDatanode',
        { registration: registration(sim, 'dn1') },
        { ...ctx, caller: 'dn1' },
      ),
    ).not.toThrow();
  });
});

describe('the report of an include list', () => {
  it('lists an entry no DataNode registered from as dead, on the default transfer port when it names none', () => {
    const sim = sim1m(2, 1, 1, '1');
    const dn1 = sim.core.datanodes.get('dn1')?.id;
    const dn2 = sim.core.datanodes.get('dn2')?.id;
    if (!dn1 || !dn2) throw new Error('no dn1/dn2');
    sim.core.refreshHosts(
      {
        includes: [
          { ip: dn1.ipAddr, port: dn1.xferPort },
          // dn2's host without a port: matched by dn2, whatever its port.
          { ip: dn2.ipAddr, port: 0 },
          { ip: '10.0.0.7', port: 0 },
          { ip: '10.0.0.8', port: 50010 },
        ],
        excludes: [{ ip: '10.0.0.8', port: 0 }],
      },
      sim.nowMs,
    );
    expect(sim.core.datanodeReport('LIVE').map((d) => d.name)).toEqual(['dn1', 'dn2']);
    const dead = sim.core.datanodeReport('DEAD');
    // Hadoop's guesses: dfs.datanode.address's default port 9866 and the other default ports, never
    // heard from (last contact 0), decommissioned when the exclude list names it too.
    expect(dead.map((d) => [d.name, d.xferPort, d.infoPort, d.ipcPort, d.lastUpdate, d.adminState])).toEqual([
      ['10.0.0.7', 9866, 9864, 9867, 0, 'NORMAL'],
      ['10.0.0.8', 50010, 9864, 9867, 0, 'DECOMMISSIONED'],
    ]);
    expect(sim.core.datanodeReport('ALL')).toHaveLength(4);
  });
});

describe('decommissioning', () => {
  it('counts the decommissioning replica apart until its copies exist, then the DataNode is decommissioned', () => {
    const sim = sim1m(4, 2, 2, '7');
    sim.put('/a.txt', 1 << 20);
    sim.exclude(['dn1']);
    expect(sim.core.datanodeReport('DECOMMISSIONING').map((d) => d.name)).toEqual(['dn1']);
    const [during] = sim.core.fsck(FSCK_A).files.flatMap((f) => f.blocks);
    expect(during?.live.map((r) => r.name)).toEqual(['dn3']);
    expect(during?.decommissioning?.map((r) => r.name)).toEqual(['dn1']);
    expect(sim.core.status(sim.nowMs).underReplicated).toBe(1);
    // DatanodeStats.add: only in-service DataNodes count in the cluster's capacity, used and
    // remaining space (what -report's header, df and /jmx's CapacityTotal show).
    const inService = ['dn2', 'dn3', 'dn4'].map((n) => sim.core.datanodes.get(n)!);
    const sum = (pick: (d: (typeof inService)[number]) => number): number =>
      inService.reduce((total, d) => total + pick(d), 0);
    expect(sim.core.status(sim.nowMs)).toMatchObject({
      capacity: sum((d) => d.capacity),
      dfsUsed: sum((d) => d.dfsUsed),
      remaining: sum((d) => d.remaining),
    });
    expect(sim.core.datanodes.get('dn1')!.capacity).toBeGreaterThan(0);

    sim.advance(6_000);
    const report = sim.core.datanodeReport('ALL');
    expect(report.find((d) => d.name === 'dn1')?.adminState).toBe('DECOMMISSIONED');
    expect(sim.core.datanodeReport('DECOMMISSIONING')).toEqual([]);
    const [after] = sim.core.fsck(FSCK_A).files.flatMap((f) => f.blocks);
    expect(after?.live).toHaveLength(2);
    expect(after?.decommissioned?.map((r) => r.name)).toEqual(['dn1']);
    expect(sim.core.status(sim.nowMs).underReplicated).toBe(0);
    expect(sim.core.status(sim.nowMs).capacity).toBe(sum((d) => d.capacity));
  });

  it('keeps a dead DataNode in progress while a block is low on redundancy, then decommissions it (isNodeHealthyForDecommissionOrMaintenance)', () => {
    // Two DataNodes at replication 2: dn1's replica has nowhere to go, so it stays in progress.
    const sim = sim1m(2, 1, 2, '7');
    sim.put('/a.txt', 1 << 20);
    sim.exclude(['dn1']);
    sim.kill('dn1');
    sim.advance(120_000);
    const dn1 = (): { adminState?: string; liveness?: string } => {
      const d = sim.core.datanodes.get('dn1');
      return { adminState: d?.adminState, liveness: d?.liveness };
    };
    expect(dn1()).toEqual({ adminState: 'DECOMMISSION_INPROGRESS', liveness: 'dead' });
    // HDFS's log names a DataNode by its transfer address (DatanodeID.toString).
    expect(sim.transcript).toContain(
      'nn: Node 127.0.1.1:9866 is dead while in Decommission In Progress. Cannot be safely decommissioned or be in ' +
        'maintenance since there is risk of reduced data durability or data loss. Either restart the failed node or ' +
        'force decommissioning or maintenance by removing, calling refreshNodes, then re-adding to the excludes or ' +
        'host config files.',
    );
    // Replication 1: no block is low on redundancy any more, so the dead DataNode is decommissioned.
    sim.setrep('/a.txt', 1);
    sim.advance(60_000);
    expect(dn1()).toEqual({ adminState: 'DECOMMISSIONED', liveness: 'dead' });
    expect(sim.transcript).toContain(
      'nn: Node 127.0.1.1:9866 is dead and there are no low redundancy blocks or blocks pending reconstruction. ' +
        'Safe to decommission or put in maintenance.',
    );
  });

  it('shows in /jmx as NameNodeInfo.DecomNodes, the LiveNodes admin state and FSNamesystemState counts', () => {
    // Four DataNodes, replication 4: with dn1 leaving there is nowhere to copy to, so it stays in progress.
    const stuck = sim1m(4, 2, 4, '7');
    stuck.put('/a.txt', 1 << 20);
    stuck.exclude(['dn1']);
    stuck.advance(6_000);
    const info = simBeans(stuck).NameNodeInfo ?? {};
    const decom = JSON.parse(String(info.DecomNodes)) as Record<string, Record<string, unknown>>;
    expect(decom).toEqual({
      'dn1:9866': {
        xferaddr: '127.0.1.1:9866',
        underReplicatedBlocks: 1,
        decommissionOnlyReplicas: 0,
        underReplicateInOpenFiles: 0,
      },
    });
    const live = JSON.parse(String(info.LiveNodes)) as Record<string, { adminState: string }>;
    expect(live['dn1:9866']?.adminState).toBe('Decommission In Progress');
    expect(live['dn2:9866']?.adminState).toBe('In Service');
    expect(simBeans(stuck).FSNamesystemState?.NumDecommissioningDataNodes).toBe(1);

    const done = sim1m(4, 2, 2, '7');
    done.put('/a.txt', 1 << 20);
    done.exclude(['dn1']);
    done.advance(6_000);
    expect(simBeans(done).FSNamesystemState?.NumDecomLiveDataNodes).toBe(1);
    expect(simBeans(done).FSNamesystemState?.NumDecommissioningDataNodes).toBe(0);
  });

  it('refreshNodes is for the superuser only', () => {
    const { core, as } = testCore();
    expect(thrown(() => core.call('refreshNodes', {}, as('alice'))).errorClass).toBe(
      'AccessControlException',
    );
    expect(core.call('refreshNodes', {}, as(SUPERUSER)).storage).toEqual({ kind: 'read-hosts' });
  });
});

describe('errorReport', () => {
  /** A DataNode's errorReport as the core answers it: its log lines. */
  const report = (sim: ClusterSim, name: string, errorCode: string, message: string): string[] => {
    const out = sim.core.call(
      'errorReport',
      { registration: registration(sim, name), errorCode, message } as never,
      { caller: name, callerAddr: '127.0.0.1', nowMs: sim.nowMs },
    );
    return out.events.flatMap((e) => (e.type === 'log' ? [`${e.level} ${e.text}`] : []));
  };

  it("logs each code in NameNodeRpcServer's words, naming the DataNode by its registration", () => {
    const sim = sim1m(3, 1, 2, '1');
    expect(report(sim, 'dn1', 'NOTIFY', 'hello')).toEqual([
      expect.stringMatching(
        /^info Error report from DatanodeRegistration\(127\.0\.\d+\.\d+:9866, datanodeUuid=.*: hello$/,
      ),
    ]);
    expect(report(sim, 'dn1', 'DISK_ERROR', 'volume slow')[0]).toMatch(
      /^warn Disk error on DatanodeRegistration\(.*: volume slow$/,
    );
    expect(report(sim, 'dn1', 'INVALID_BLOCK', 'no replica')[0]).toMatch(
      /^info Error report from DatanodeRegistration\(/,
    );
    expect(sim.core.datanodes.get('dn1')?.liveness).toBe('live');
  });

  it('takes a DataNode that reports a fatal disk error out: dead, its replicas gone from the BlockMap', () => {
    const sim = sim1m(3, 1, 3, '1');
    sim.put('/a.txt', 1000);
    const blockId = sim.core.namespace.getBlocks('/a.txt')![0]!.blockId;
    expect([...sim.core.blocks.get(blockId)!.replicas.keys()].sort()).toEqual(['dn1', 'dn2', 'dn3']);
    expect(report(sim, 'dn2', 'FATAL_DISK_ERROR', 'all volumes failed')[0]).toMatch(
      /^warn Fatal disk error on DatanodeRegistration\(.*: all volumes failed$/,
    );
    expect(sim.core.datanodes.get('dn2')?.liveness).toBe('dead');
    expect([...sim.core.blocks.get(blockId)!.replicas.keys()].sort()).toEqual(['dn1', 'dn3']);
    // Its next heartbeat is told to register again (DatanodeManager.handleHeartbeat).
    expect(simHeartbeat(sim, 'dn2').commands).toEqual([{ action: 'DNA_REGISTER' }]);
  });
});
