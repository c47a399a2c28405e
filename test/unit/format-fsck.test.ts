import { describe, expect, it } from 'vitest';
import { formatFsck, type FsckBlock, type FsckReport } from '../../lab/format/fsck.js';

const BP = 'BP-1042811546-127.0.0.1-1736157598000';
const START = Date.UTC(2025, 0, 6, 10, 10, 0);

function replica(n: number, rack = '/default-rack') {
  return { xferAddr: `127.0.0.1:${9865 + n}`, storageId: `DS-0000000${n}`, rack };
}

function block(over: Partial<FsckBlock> = {}): FsckBlock {
  return {
    block: { blockId: 1073741825, genStamp: 1001, numBytes: 30 },
    blockPoolId: BP,
    liveReplicas: 3,
    corrupt: false,
    replicas: [replica(1), replica(2), replica(3)],
    ...over,
  };
}

function report(over: Partial<FsckReport> = {}): FsckReport {
  return {
    args: ['-files', '-blocks', '-locations'],
    path: '/',
    user: 'student',
    clientIp: '127.0.0.1',
    nnHttpAddress: '127.0.0.1:9870',
    startTimeMs: START,
    endTimeMs: START + 4,
    elapsedMs: 4,
    pathExists: true,
    numDatanodes: 3,
    numRacks: 1,
    defaultReplication: 3,
    minReplication: 1,
    entries: [
      { kind: 'dir', path: '/' },
      {
        kind: 'file',
        path: '/a.txt',
        length: 30,
        replication: 3,
        underConstruction: false,
        blocks: [block()],
      },
    ],
    ...over,
  };
}

const EC = [
  'Erasure Coded Block Groups:',
  ' Total size:\t0 B',
  ' Total files:\t0',
  ' Total block groups (validated):\t0',
  ' Minimally erasure-coded block groups:\t0',
  ' Over-erasure-coded block groups:\t0',
  ' Under-erasure-coded block groups:\t0',
  ' Unsatisfactory placement block groups:\t0',
  ' Average block group size:\t0.0',
  ' Missing block groups:\t\t0',
  ' Corrupt block groups:\t\t0',
  ' Missing internal blocks:\t0',
];

describe('hdfs fsck', () => {
  it('prints a healthy report exactly', () => {
    const out = formatFsck(report());
    expect(out.stderr).toBe(
      'Connecting to namenode via http://127.0.0.1:9870/fsck?ugi=student&files=1&blocks=1&locations=1&path=%2F\n',
    );
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toBe(
      [
        'FSCK started by student (auth:SIMPLE) from /127.0.0.1 for path / at Mon Jan 06 10:10:00 UTC 2025',
        '/ <dir>',
        '/a.txt 30 bytes, replicated: replication=3, 1 block(s):  OK',
        `0. ${BP}:blk_1073741825_1001 len=30 Live_repl=3  [DatanodeInfoWithStorage[127.0.0.1:9866,DS-00000001,DISK], ` +
          'DatanodeInfoWithStorage[127.0.0.1:9867,DS-00000002,DISK], DatanodeInfoWithStorage[127.0.0.1:9868,DS-00000003,DISK]]',
        '',
        '',
        'Status: HEALTHY',
        ' Number of data-nodes:\t3',
        ' Number of racks:\t\t1',
        ' Total dirs:\t\t\t1',
        ' Total symlinks:\t\t0',
        '',
        'Replicated Blocks:',
        ' Total size:\t30 B',
        ' Total files:\t1',
        ' Total blocks (validated):\t1 (avg. block size 30 B)',
        ' Minimally replicated blocks:\t1 (100.0 %)',
        ' Over-replicated blocks:\t0 (0.0 %)',
        ' Under-replicated blocks:\t0 (0.0 %)',
        ' Mis-replicated blocks:\t\t0 (0.0 %)',
        ' Default replication factor:\t3',
        ' Average block replication:\t3.0',
        ' Missing blocks:\t\t0',
        ' Corrupt blocks:\t\t0',
        ' Missing replicas:\t\t0 (0.0 %)',
        '',
        ...EC,
        'FSCK ended at Mon Jan 06 10:10:00 UTC 2025 in 4 milliseconds',
        '',
        '',
        "The filesystem under path '/' is HEALTHY",
        '',
      ].join('\n'),
    );
  });

  it('under-replication is reported per block and is still HEALTHY; percentages are Java floats', () => {
    const under = block({ liveReplicas: 1, replicas: [replica(1)] });
    const entries = [
      { kind: 'dir' as const, path: '/' },
      {
        kind: 'file' as const,
        path: '/a',
        length: 60,
        replication: 3,
        underConstruction: false,
        blocks: [block(), block(), under],
      },
    ];
    const out = formatFsck(report({ args: ['-files'], entries }));
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain(
      `/a 60 bytes, replicated: replication=3, 3 block(s):  Under replicated ${BP}:blk_1073741825_1001. ` +
        'Target Replicas is 3 but found 1 live replica(s), 0 decommissioned replica(s), 0 decommissioning replica(s).\n',
    );
    expect(out.stdout).toContain(' Under-replicated blocks:\t1 (33.333332 %)\n');
    expect(out.stdout).toContain(' Average block replication:\t2.3333333\n');
    expect(out.stdout).toContain(' Missing replicas:\t\t2 (22.222221 %)\n');
  });

  it('a missing block makes the file and the report CORRUPT with exit code 1', () => {
    const missing = block({ liveReplicas: 0, replicas: [] });
    const entries = [
      { kind: 'dir' as const, path: '/' },
      {
        kind: 'file' as const,
        path: '/a.txt',
        length: 30,
        replication: 3,
        underConstruction: false,
        blocks: [missing],
      },
    ];
    const out = formatFsck(report({ args: ['-files', '-blocks', '-racks'], entries }));
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toContain('&files=1&blocks=1&racks=1&path=%2F');
    expect(out.stdout).toContain(
      '/a.txt 30 bytes, replicated: replication=3, 1 block(s):  MISSING 1 blocks of total size 30 B\n' +
        `0. ${BP}:blk_1073741825_1001 len=30 MISSING!\n\n`,
    );
    expect(out.stdout).toContain(
      ' Total blocks (validated):\t1 (avg. block size 30 B)\n' +
        '  ********************************\n' +
        "  UNDER MIN REPL'D BLOCKS:\t1 (100.0 %)\n" +
        '  dfs.namenode.replication.min:\t1\n' +
        '  CORRUPT FILES:\t1\n' +
        '  MISSING BLOCKS:\t1\n' +
        '  MISSING SIZE:\t\t30 B\n' +
        '  ********************************\n' +
        ' Minimally replicated blocks:\t0 (0.0 %)\n',
    );
    expect(out.stdout).toContain('\nStatus: CORRUPT\n');
    expect(out.stdout.endsWith("\n\nThe filesystem under path '/' is CORRUPT\n")).toBe(true);
  });

  it('without -files, problems are printed with the path; racks are checked on multi-rack clusters', () => {
    const oneRack = block({ liveReplicas: 2, replicas: [replica(1, '/r1'), replica(2, '/r1')] });
    const entries = [
      { kind: 'dir' as const, path: '/' },
      {
        kind: 'file' as const,
        path: '/a',
        length: 30,
        replication: 2,
        underConstruction: false,
        blocks: [oneRack],
      },
    ];
    const out = formatFsck(report({ args: [], numRacks: 2, entries }));
    expect(out.stdout).toContain(
      `\n/a:  Replica placement policy is violated for ${BP}:blk_1073741825_1001. ` +
        'Block should be additionally replicated on 1 more rack(s). Total number of racks in the cluster: 2\n',
    );
    expect(out.stdout).toContain(' Mis-replicated blocks:\t\t1 (100.0 %)\n');
  });

  it('open files are skipped and counted; a missing path is not an error', () => {
    const entries = [
      { kind: 'dir' as const, path: '/' },
      {
        kind: 'file' as const,
        path: '/w',
        length: 10,
        replication: 3,
        underConstruction: true,
        blocks: [block()],
      },
    ];
    const out = formatFsck(report({ args: [], entries }));
    expect(out.stdout).toContain(' Total size:\t0 B (Total open files size: 10 B)\n');
    expect(out.stdout).toContain(' Total files:\t0 (Files currently being written: 1)\n');
    expect(out.stdout).toContain(
      ' Total blocks (validated):\t0 (Total open file blocks (not validated): 1)\n',
    );
    expect(out.stdout).toContain(' Minimally replicated blocks:\t0\n');

    const gone = formatFsck(report({ path: '/nope', pathExists: false }));
    expect(gone.stdout).toBe(
      'FSCK started by student (auth:SIMPLE) from /127.0.0.1 for path /nope at Mon Jan 06 10:10:00 UTC 2025\n' +
        "\n\nPath '/nope' does not exist\n",
    );
    expect(gone.exitCode).toBe(0);
  });
});
