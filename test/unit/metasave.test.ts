/**
 * `dfsadmin -metasave`'s file, as the NameNode core writes it: FSNamesystem.metaSave's count line,
 * then BlockManager.metaSave's sections (dumpBlockMeta, PendingReconstructionBlocks.metaSave,
 * InvalidateBlocks.dump, the corrupt replicas, DatanodeManager.datanodeDump with
 * DatanodeInfo.dumpDatanode), each line's words and separators from those methods.
 */
import { describe, expect, it } from 'vitest';
import { metaSaveText, type MetaSaveFacts } from '../../cluster/namenode/metasave.js';
import { ClusterSim } from '../../cluster/sim/cluster-sim.js';
import { thrown } from './remote-error.js';

const EMPTY: MetaSaveFacts = {
  inodes: 1,
  blocks: 0,
  live: 0,
  dead: 0,
  lowRedundancy: [],
  missing: [],
  pending: [],
  invalidates: [],
  corruptReplicas: [],
  datanodes: [],
};

describe('metaSaveText (FSNamesystem.metaSave, BlockManager.metaSave)', () => {
  it('prints every section header, in BlockManager.metaSave order, for an empty namespace', () => {
    expect(metaSaveText(EMPTY).split('\n')).toEqual([
      '1 files and directories, 0 blocks = 1 total filesystem objects',
      'Live Datanodes: 0',
      'Dead Datanodes: 0',
      'Metasave: Blocks waiting for reconstruction: 0',
      'Metasave: Blocks currently missing: 0',
      'Mis-replicated blocks that have been postponed:',
      'Metasave: Blocks being reconstructed: 0',
      'Metasave: Blocks 0 waiting deletion from 0 datanodes.',
      'Corrupt Blocks:',
      'Metasave: Number of datanodes: 0',
      '',
    ]);
  });

  it('dumps each block, pending copy, deletion, corrupt replica and DataNode as Hadoop formats them', () => {
    const holder = { xferAddr: '127.0.0.1:9866', corrupt: false, adminState: 'NORMAL' as const };
    const text = metaSaveText({
      ...EMPTY,
      inodes: 4,
      blocks: 2,
      live: 2,
      dead: 1,
      lowRedundancy: [
        {
          file: '/data/a',
          name: 'blk_1073741825_1001',
          live: 1,
          decommissioned: 1,
          corrupt: 1,
          excess: 0,
          maintenance: 0,
          holders: [
            holder,
            { xferAddr: '127.0.0.2:9866', corrupt: true, adminState: 'NORMAL' },
            { xferAddr: '127.0.0.3:9866', corrupt: false, adminState: 'DECOMMISSION_INPROGRESS' },
          ],
        },
      ],
      missing: [
        {
          file: '/data/b',
          name: 'blk_1073741826_1002',
          live: 0,
          decommissioned: 0,
          corrupt: 0,
          excess: 0,
          maintenance: 0,
          holders: [],
        },
      ],
      pending: [{ name: 'blk_1073741825_1001', scheduledMs: Date.UTC(2026, 11, 3, 9, 5, 7), targets: 1 }],
      invalidates: [{ xferAddr: '127.0.0.2:9866', blocks: ['blk_1073741827_1003', 'blk_1073741828_1004'] }],
      corruptReplicas: [
        {
          name: 'blk_1073741825_1001',
          numBytes: 1024,
          xferAddr: '127.0.0.2:9866',
          storageId: 'DS-2',
          totalReplicas: 3,
          reason: 'CORRUPTION_REPORTED',
        },
      ],
      datanodes: [
        {
          datanodeUuid: 'b-uuid',
          xferAddr: '127.0.0.2:9866',
          location: '/rack2',
          adminState: 'NORMAL',
          capacity: 4 * 1024 ** 3,
          dfsUsed: 1024 ** 3,
          remaining: 3 * 1024 ** 3,
          lastUpdateMs: Date.UTC(2026, 11, 3, 9, 5, 7),
        },
        {
          datanodeUuid: 'a-uuid',
          xferAddr: '127.0.0.1:9866',
          location: '/default-rack',
          adminState: 'DECOMMISSIONED',
          capacity: 0,
          dfsUsed: 0,
          remaining: 0,
          lastUpdateMs: 0,
        },
      ],
    });
    expect(text.split('\n')).toEqual([
      '4 files and directories, 2 blocks = 6 total filesystem objects',
      'Live Datanodes: 2',
      'Dead Datanodes: 1',
      'Metasave: Blocks waiting for reconstruction: 1',
      // dumpBlockMeta: fileName + ": " + block + " (replicas: live: … maintenance mode: N) " + per
      // storage " " + node + state + " : ".
      '/data/a: blk_1073741825_1001 (replicas: live: 1 decommissioning and decommissioned: 1 corrupt: 1 in excess: 0 maintenance mode: 0)  127.0.0.1:9866 :  127.0.0.2:9866(corrupt) :  127.0.0.3:9866(decommissioned) : ',
      'Metasave: Blocks currently missing: 1',
      // No usable replica: " MISSING" after the block.
      '/data/b: blk_1073741826_1002 MISSING (replicas: live: 0 decommissioning and decommissioned: 0 corrupt: 0 in excess: 0 maintenance mode: 0) ',
      'Mis-replicated blocks that have been postponed:',
      'Metasave: Blocks being reconstructed: 1',
      // block + " StartTime: " + new java.sql.Time(timeStamp) + " NumReconstructInProgress: " + n.
      'blk_1073741825_1001 StartTime: 09:05:07 NumReconstructInProgress: 1',
      // InvalidateBlocks.dump: the DataNode, then StringUtils.join(',', blocks).
      'Metasave: Blocks 2 waiting deletion from 1 datanodes.',
      '127.0.0.2:9866',
      'blk_1073741827_1003,blk_1073741828_1004',
      'Corrupt Blocks:',
      'Block=blk_1073741825_1001\tSize=1024\tNode=127.0.0.2:9866\tStorageID=DS-2\tStorageState=NORMAL\tTotalReplicas=3\tReason=CORRUPTION_REPORTED',
      // datanodeDump: a TreeMap by datanodeUuid; dumpDatanode: name, rack unless the default, the
      // admin letters, then "c(byteDesc) u(…) used% r(…) cc(…) cu(…) cacheUsed% cr(…) lastUpdate".
      'Metasave: Number of datanodes: 2',
      '127.0.0.1:9866 DD 0(0 B) 0(0 B) 100.00% 0(0 B) 0(0 B) 0(0 B) 100.00% 0(0 B) Thu Jan 01 00:00:00 UTC 1970',
      '127.0.0.2:9866 /rack2 IN 4294967296(4 GB) 1073741824(1 GB) 25.00% 3221225472(3 GB) 0(0 B) 0(0 B) 100.00% 0(0 B) Thu Dec 03 09:05:07 UTC 2026',
      '',
    ]);
  });
});

describe("the NameNode core's metaSave (ClientProtocol.metaSave)", () => {
  it('lists a block short of a dead DataNode’s replica as waiting for reconstruction; only the superuser may ask', () => {
    const sim = new ClusterSim({
      datanodes: 2,
      racks: 1,
      replication: 2,
      blockSizeBytes: 1 << 20,
      seed: 'ms',
    });
    const as = (user: string) => ({ caller: 'client', callerAddr: '127.0.0.1', nowMs: sim.nowMs, user });
    sim.put('/a.txt', 1 << 20);
    sim.kill('dn2');
    // Past the heartbeat expiry (2 × recheck + 10 × heartbeat): dn2 is dead, no DataNode is left to copy to.
    sim.advance(11 * 60_000);
    const denied = thrown(() => sim.core.call('metaSave', { filename: 'm.txt' }, as('bob')));
    expect(denied.errorClass).toBe('AccessControlException');
    // The core answers null and asks the process to write the text to the file in its log directory.
    const out = sim.core.call('metaSave', { filename: 'm.txt' }, as('student'));
    expect(out.result).toBeNull();
    expect(out.storage).toMatchObject({ kind: 'metasave', filename: 'm.txt' });
    const lines = (out.storage as { text: string }).text.split('\n');
    const dn1 = sim.core.datanodes.get('dn1')!.id;
    expect(lines.slice(0, 5)).toEqual([
      '2 files and directories, 1 blocks = 3 total filesystem objects',
      'Live Datanodes: 1',
      'Dead Datanodes: 1',
      'Metasave: Blocks waiting for reconstruction: 1',
      `/a.txt: blk_1073741825_1001 (replicas: live: 1 decommissioning and decommissioned: 0 corrupt: 0 in excess: 0 maintenance mode: 0)  ${dn1.ipAddr}:${dn1.xferPort} : `,
    ]);
    expect(lines).toContain('Metasave: Number of datanodes: 2');
  });
});
