import { describe, expect, it } from 'vitest';
import type { ReportedDatanode } from '../../cluster/protocol/types.js';
import { formatDfsadminReport } from '../../lab/format/dfsadmin-report.js';

function datanode(over: Partial<ReportedDatanode> = {}): ReportedDatanode {
  return {
    name: 'dn1',
    datanodeUuid: 'uuid-1',
    storageId: 'DS-1',
    ipAddr: '127.0.0.1',
    hostName: 'localhost',
    xferPort: 9866,
    infoPort: 9864,
    ipcPort: 9867,
    networkLocation: '/default-rack',
    capacity: 19945680896,
    dfsUsed: 49152,
    nonDfsUsed: 6052327424,
    remaining: 12856524800,
    blockPoolUsed: 49152,
    xceiverCount: 1,
    lastUpdate: Date.UTC(2025, 0, 6, 10, 5, 39),
    lastBlockReportTime: Date.UTC(2025, 0, 6, 10, 0, 3),
    numBlocks: 1,
    adminState: 'NORMAL',
    liveness: 'live',
    ...over,
  };
}

const summary = {
  capacity: 19945680896,
  used: 49152,
  remaining: 12856524800,
  safeMode: false,
  lowRedundancyBlocks: 0,
  corruptBlocks: 0,
  missingBlocks: 0,
  missingReplicationOneBlocks: 0,
  highestPriorityLowRedundancyBlocks: 0,
  pendingDeletionBlocks: 0,
};

const NODE = [
  'Name: 127.0.0.1:9866 (localhost)',
  'Hostname: localhost',
  'Decommission Status : Normal',
  'Configured Capacity: 19945680896 (18.58 GB)',
  'DFS Used: 49152 (48 KB)',
  'Non DFS Used: 6052327424 (5.64 GB)',
  'DFS Remaining: 12856524800 (11.97 GB)',
  'DFS Used%: 0.00%',
  'DFS Remaining%: 64.46%',
  'Configured Cache Capacity: 0 (0 B)',
  'Cache Used: 0 (0 B)',
  'Cache Remaining: 0 (0 B)',
  'Cache Used%: 100.00%',
  'Cache Remaining%: 0.00%',
  'Xceivers: 1',
  'Last contact: Mon Jan 06 10:05:39 UTC 2025',
  'Last Block Report: Mon Jan 06 10:00:03 UTC 2025',
  'Num of Blocks: 1',
];

describe('hdfs dfsadmin -report', () => {
  it('prints the reference report exactly', () => {
    expect(formatDfsadminReport(summary, [datanode()])).toBe(
      [
        'Configured Capacity: 19945680896 (18.58 GB)',
        'Present Capacity: 12856573952 (11.97 GB)',
        'DFS Remaining: 12856524800 (11.97 GB)',
        'DFS Used: 49152 (48 KB)',
        'DFS Used%: 0.00%',
        'Replicated Blocks:',
        '\tUnder replicated blocks: 0',
        '\tBlocks with corrupt replicas: 0',
        '\tMissing blocks: 0',
        '\tMissing blocks (with replication factor 1): 0',
        '\tLow redundancy blocks with highest priority to recover: 0',
        '\tPending deletion blocks: 0',
        'Erasure Coded Block Groups: ',
        '\tLow redundancy block groups: 0',
        '\tBlock groups with corrupt internal blocks: 0',
        '\tMissing block groups: 0',
        '\tLow redundancy blocks with highest priority to recover: 0',
        '\tPending deletion blocks: 0',
        '',
        '-------------------------------------------------',
        'Live datanodes (1):',
        '',
        ...NODE,
        '',
        '',
        '',
      ].join('\n'),
    );
  });

  it('groups dead nodes, prints Rack only off the default rack, Never before a block report', () => {
    const dead = datanode({
      ipAddr: '127.0.0.2',
      hostName: 'dn2',
      networkLocation: '/dc1/rack2',
      liveness: 'dead',
      lastBlockReportTime: 0,
    });
    const out = formatDfsadminReport({ ...summary, safeMode: true }, [datanode(), dead]);
    expect(out.startsWith('Safe mode is ON\nConfigured Capacity:')).toBe(true);
    expect(out).toContain('Live datanodes (1):\n\n');
    expect(out).toContain(
      'Dead datanodes (1):\n\nName: 127.0.0.2:9866 (dn2)\nHostname: dn2\nRack: /dc1/rack2\nDecommission Status : Normal\n',
    );
    expect(out).toContain('Last Block Report: Never\n');
    expect(out).not.toContain('Decommissioning datanodes');
  });

  it('-dead alone prints an empty group heading', () => {
    const out = formatDfsadminReport(summary, [datanode()], { dead: true });
    expect(out.endsWith('-------------------------------------------------\nDead datanodes (0):\n\n')).toBe(
      true,
    );
  });
});
