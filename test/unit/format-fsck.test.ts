import { describe, expect, it } from 'vitest';
import {
  blockIdOf,
  corruptFileBlocksText,
  fsckBlockIdText,
  fsckRepairTargets,
  fsckReportText,
  toReport,
} from '../../cluster/namenode/fsck-report.js';
import { ClusterSim } from '../../cluster/sim/cluster-sim.js';
import { BlockManager } from '../../cluster/namenode/block-manager.js';
import {
  corruptFileBlocksPage,
  corruptFileBlocksStdout,
  formatFsck,
  fsckExitCode,
  fsckUrlPath,
  parseDfsckArgs,
  type FsckBlock,
  type FsckReport,
} from '../../lab/format/fsck.js';

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

describe('hdfs fsck: the parts beyond the walk (NamenodeFsck 3.x, DFSck)', () => {
  it('-openforwrite shows an open file and its last block apart, as "Under Construction Block" (collectBlocksSummary)', () => {
    // NamenodeFsck.collectBlocksSummary skips the incomplete last block in the counts and prints
    // it after the others: "Under Construction Block:\n" + n + ". " + blkName + " len=" + numBytes
    // + " Expected_repl=" + expected storages, then getReplicaInfo of the expected storages.
    const entries = [
      {
        kind: 'file' as const,
        path: '/w',
        length: 30,
        replication: 2,
        underConstruction: true,
        lastBlockComplete: false,
        blocks: [
          block({ replicas: [replica(1), replica(2)], liveReplicas: 2 }),
          block({
            block: { blockId: 1073741826, genStamp: 1002, numBytes: 0 },
            liveReplicas: 0,
            replicas: [replica(1), replica(2)],
          }),
        ],
      },
    ];
    const out = formatFsck(
      report({ path: '/w', args: ['-files', '-openforwrite', '-blocks', '-locations'], entries }),
    );
    const loc = (n: number): string => `DatanodeInfoWithStorage[127.0.0.1:${9865 + n},DS-0000000${n},DISK]`;
    expect(out.stdout).toContain(
      [
        '/w 30 bytes, replicated: replication=2, 2 block(s), OPENFORWRITE:  OK',
        `0. ${BP}:blk_1073741825_1001 len=30 Live_repl=2  [${loc(1)}, ${loc(2)}]`,
        '',
        'Under Construction Block:',
        `1. ${BP}:blk_1073741826_1002 len=0 Expected_repl=2  [${loc(1)}, ${loc(2)}]`,
        '',
        'Status: HEALTHY',
      ].join('\n'),
    );
    expect(out.stdout).toContain(' Total blocks (validated):\t2 (avg. block size 15 B)\n');
    expect(out.stdout).toContain(' Missing blocks:\t\t0\n');
    expect(out.exitCode).toBe(0);
  });

  it('-move and -delete act on the closed corrupt files only; a failed repair ends the report FAILED (exit 255)', () => {
    // NamenodeFsck.collectBlocksSummary: "if (isOpen) LOG.info("Fsck: ignoring open file " + path);
    // else { if (doMove) copyBlocksToLostFound(...); if (doDelete) deleteCorruptedFile(path); }",
    // for a file with a missing block or a block whose every replica is corrupt.
    const file = (path: string, over: Partial<FsckBlock>, underConstruction = false) => ({
      kind: 'file' as const,
      path,
      length: 30,
      replication: 3,
      underConstruction,
      blocks: [block(over)],
    });
    const corruptReplica = { ...replica(1), corrupt: true };
    const entries = [
      { kind: 'dir' as const, path: '/' },
      file('/healthy', {}),
      file('/missing', { liveReplicas: 0, replicas: [] }),
      file('/open-missing', { liveReplicas: 0, replicas: [] }, true),
      file('/rotten', { liveReplicas: 0, corrupt: true, replicas: [corruptReplica] }),
    ];
    const asked = report({ args: ['-openforwrite'], entries });
    expect(fsckRepairTargets(asked)).toEqual(['/missing', '/rotten']);
    expect(fsckRepairTargets(report())).toEqual([]);

    // fsck(): "if (internalError) throw new IOException("fsck encountered internal errors!")" after
    // the "FSCK ended at" line; the catch prints "FSCK ended at …" again, e.getMessage() and
    // "\n\n" + "Fsck on path '" + path + "' " + FAILURE_STATUS. DFSck: no status it knows, -1.
    const failed = formatFsck({ ...asked, internalError: true });
    const ended = 'FSCK ended at Mon Jan 06 10:10:00 UTC 2025 in 4 milliseconds\n';
    expect(
      failed.stdout.endsWith(
        `${ended}${ended}fsck encountered internal errors!\n\n\nFsck on path '/' FAILED\n`,
      ),
    ).toBe(true);
    expect(failed.exitCode).toBe(255);
    expect(formatFsck(asked).exitCode).toBe(1);
  });

  it("-replicaDetails names each replica's state after its location (getReplicaInfo)", () => {
    const b = block({
      liveReplicas: 1,
      decommissioningReplicas: 1,
      replicas: [
        { ...replica(1), state: 'LIVE' },
        { ...replica(2), state: 'DECOMMISSIONING' },
        { ...replica(3), corrupt: true, state: 'CORRUPT' },
      ],
    });
    const entries = [
      {
        kind: 'file' as const,
        path: '/a',
        length: 30,
        replication: 2,
        underConstruction: false,
        blocks: [b],
      },
    ];
    const out = formatFsck(report({ path: '/a', args: ['-files', '-blocks', '-replicaDetails'], entries }));
    expect(out.stdout).toContain(
      `0. ${BP}:blk_1073741825_1001 len=30 Live_repl=1  [DatanodeInfoWithStorage[127.0.0.1:9866,DS-00000001,DISK](LIVE), ` +
        'DatanodeInfoWithStorage[127.0.0.1:9867,DS-00000002,DISK](DECOMMISSIONING), ' +
        'DatanodeInfoWithStorage[127.0.0.1:9868,DS-00000003,DISK](CORRUPT)]\n',
    );
    expect(fsckUrlPath({ args: ['-files', '-blocks', '-replicaDetails'], user: 'u', path: '/a' })).toBe(
      '/fsck?ugi=u&files=1&blocks=1&replicadetails=1&path=%2Fa',
    );
  });

  it("-blockId prints blockIdCK's lines, replicas last first; a bad id and an unknown block are one line each", () => {
    // As a real cluster prints it (Hadoop 3.2): "Block Id: blk_1073741840", "Block belongs to: …",
    // the No. of … Replica lines, "Block replica on datanode/rack: <host><rack> is HEALTHY".
    const facts = {
      path: '/data/a.txt',
      expected: 2,
      live: 1,
      excess: 0,
      stale: 0,
      decommissioned: 0,
      decommissioning: 0,
      corrupt: 1,
      replicas: [
        { name: 'dn1', addr: '127.0.0.1:9866', storageId: 'DS-1', rack: '/default-rack', host: 'dn1' },
        {
          name: 'dn2',
          addr: '127.0.0.1:9867',
          storageId: 'DS-2',
          rack: '/default-rack',
          host: 'dn2',
          corruptReason: 'CORRUPTION_REPORTED',
        },
      ],
    };
    const text = fsckBlockIdText(
      { user: 'student', clientIp: '127.0.0.1', startTimeMs: START, blockIds: 'blk_1073741840 nope blk_7 ' },
      (id) => (id === 1073741840 ? facts : null),
    );
    expect(text).toBe(
      [
        'FSCK started by student (auth:SIMPLE) from /127.0.0.1 at Mon Jan 06 10:10:00 UTC 2025',
        '',
        'Block Id: blk_1073741840',
        'Block belongs to: /data/a.txt',
        'No. of Expected Replica: 2',
        'No. of live Replica: 1',
        'No. of excess Replica: 0',
        'No. of stale Replica: 0',
        'No. of decommissioned Replica: 0',
        'No. of decommissioning Replica: 0',
        'No. of corrupted Replica: 1',
        'Block replica on datanode/rack: dn2/default-rack is CORRUPT\t ReasonCode: CORRUPTION_REPORTED',
        'Block replica on datanode/rack: dn1/default-rack is HEALTHY',
        'Incorrect blockId format: nope',
        '',
        'Block blk_7 does not exist',
        '',
      ].join('\n'),
    );
    // DFSck's exit codes from the last line: HEALTHY 0, no such block 0, bad format 0, a
    // replica's ReasonCode line none of its words (-1), decommissioning 3.
    expect(fsckExitCode('Block replica on datanode/rack: dn1/default-rack is HEALTHY\n')).toBe(0);
    expect(fsckExitCode('Block blk_7 does not exist\n')).toBe(0);
    expect(fsckExitCode('Incorrect blockId format: nope\n')).toBe(0);
    expect(fsckExitCode('Block replica on datanode/rack: dn2/r is CORRUPT\t ReasonCode: ANY\n')).toBe(255);
    expect(fsckExitCode('Block replica on datanode/rack: dn2/r is DECOMMISSIONING\n')).toBe(3);
    expect(blockIdOf('blk_1073741840_1016.meta')).toBe(1073741840);
    expect(blockIdOf('blk_1073741840_1016')).toBe(0);
  });

  it("DFSck reads its arguments as doWork does: ids after -blockId, one path, Hadoop's messages", () => {
    // The URL a real `hdfs fsck -blockId blk_1073741840` sends: blockId=blk_1073741840+&path=%2F.
    const ids = parseDfsckArgs(['-blockId', 'blk_1073741840', 'blk_2', '-files']);
    expect(ids).toEqual({
      query: '&blockId=blk_1073741840+blk_2+&files=1',
      dir: undefined,
      listCorruptFileBlocks: false,
    });
    expect(parseDfsckArgs(['/a', '/b']).error).toBe("fsck: can only operate on one path at a time '/b'");
    expect(parseDfsckArgs(['/a', '-x']).error).toBe("fsck: Illegal option '-x'");
    expect(parseDfsckArgs(['/', '-list-corruptfileblocks', '-includeSnapshots'])).toEqual({
      query: '&listcorruptfileblocks=1&includeSnapshots=1',
      dir: '/',
      listCorruptFileBlocks: true,
    });
  });

  it('-list-corruptfileblocks: the servlet pages with a cookie; DFSck prints its own list (listCorruptFileBlocks)', () => {
    const who = { user: 'student', clientIp: '127.0.0.1', startTimeMs: START, path: '/' };
    const first = corruptFileBlocksText(who, {
      cookie: '3',
      files: [{ blockName: 'blk_1073741825', path: '/data/a.txt' }],
    });
    expect(first).toBe(
      'FSCK started by student (auth:SIMPLE) from /127.0.0.1 for path / at Mon Jan 06 10:10:00 UTC 2025\n' +
        "Cookie:\t3\nblk_1073741825\t/data/a.txt\n\n\nThe filesystem under path '/' has 1 CORRUPT files\n\n",
    );
    expect(corruptFileBlocksPage(first)).toEqual({ cookie: 3, lines: ['blk_1073741825\t/data/a.txt'] });
    const more = corruptFileBlocksText(who, { cookie: '3', files: [] });
    expect(more).toContain('has no more CORRUPT files\n');
    expect(corruptFileBlocksPage(more)).toEqual({ cookie: null, lines: [] });
    expect(corruptFileBlocksText(who, { cookie: '0', files: [] })).toContain('has no CORRUPT files\n');
    expect(corruptFileBlocksStdout('/', ['blk_1073741825\t/data/a.txt'])).toBe(
      "The list of corrupt files under path '/' are:\nblk_1073741825\t/data/a.txt\n" +
        "The filesystem under path '/' has 1 CORRUPT files\n",
    );
    expect(corruptFileBlocksStdout('/', [])).toBe("The filesystem under path '/' has 0 CORRUPT files\n");
  });
});

describe('the NameNode core behind fsck', () => {
  const ALL = { path: '/', files: true, blocks: true, locations: true, racks: false, openforwrite: true };

  it("an open file's last block is under construction, with the pipeline as its expected locations", () => {
    const sim = new ClusterSim({
      datanodes: 3,
      racks: 1,
      replication: 2,
      blockSizeBytes: 1 << 20,
      seed: 'fsck',
    });
    const ctx = { caller: 'client', callerAddr: '127.0.0.10', nowMs: sim.nowMs, user: 'student' };
    const status = sim.core.call(
      'create',
      {
        src: '/open',
        permission: 0o644,
        clientName: 'DFSClient_w',
        clientMachine: '127.0.0.10',
        overwrite: false,
        createParent: true,
        replication: 2,
        blockSize: 1 << 20,
      },
      ctx,
    );
    const located = sim.core.call(
      'addBlock',
      {
        src: '/open',
        clientName: 'DFSClient_w',
        previous: null,
        excludeNodes: [],
        fileId: status.result.fileId,
      },
      ctx,
    );
    const file = sim.core.fsck(ALL).files.find((f) => f.path === '/open');
    expect(file?.lastBlockComplete).toBe(false);
    expect(file?.blocks[0]?.expected?.map((h) => h.name)).toEqual(
      located.result.locations.map((l) => l.name),
    );
    const text = fsckReportText(
      toReport(sim.core.fsck(ALL), {
        args: ['-files', '-openforwrite', '-blocks'],
        path: '/',
        user: 'student',
        nnHttpAddress: '127.0.0.1:9870',
        clientIp: '127.0.0.1',
        minReplication: 1,
        startTimeMs: START,
        endTimeMs: START,
      }),
    );
    expect(text.text).toMatch(
      /\nUnder Construction Block:\n0\. BP-[^:]+:blk_\d+_\d+ len=0 Expected_repl=2\n/,
    );
    expect(text.text).not.toContain('MISSING');
    expect(text.healthy).toBe(true);
  });

  it('-blockId facts, the corrupt-file list and -includeSnapshots come from the BlockMap and namespace', () => {
    const sim = new ClusterSim({
      datanodes: 2,
      racks: 1,
      replication: 1,
      blockSizeBytes: 1 << 20,
      seed: 'fsck',
    });
    sim.put('/data/a.txt', 100);
    sim.put('/other/b.txt', 100);
    const [blk] = sim.core.namespace.getBlocks('/data/a.txt') ?? [];
    const holder = sim.replicas('/data/a.txt')[0]?.split(': ')[1] ?? '';
    sim.reportBad('/data/a.txt', 0, holder);
    const facts = sim.core.fsckBlock(blk?.blockId ?? 0);
    expect(facts).toMatchObject({ path: '/data/a.txt', expected: 1, live: 0, corrupt: 1 });
    expect(facts?.replicas.map((r) => r.corruptReason)).toEqual(['CORRUPTION_REPORTED']);
    expect(sim.core.fsckBlock(42)).toBeNull();

    // FSNamesystem.listCorruptFileBlocks: a plain prefix match on the path, the cookie counts blocks seen.
    const listed = sim.core.listCorruptFileBlocks('/data', null);
    expect(listed?.files).toEqual([{ blockName: `blk_${blk?.blockId}`, path: '/data/a.txt' }]);
    expect(sim.core.listCorruptFileBlocks('/other', null)?.files).toEqual([]);
    expect(sim.core.listCorruptFileBlocks('/data', listed?.cookie ?? null)?.files).toEqual([]);
    expect(sim.core.listCorruptFileBlocks('/nope', null)).toBeNull();

    const ctx = { caller: 'client', callerAddr: '127.0.0.10', nowMs: sim.nowMs, user: 'student' };
    sim.core.call('allowSnapshot', { snapshotRoot: '/other' }, ctx);
    sim.core.call('createSnapshot', { snapshotRoot: '/other', snapshotName: 's1' }, ctx);
    const paths = (includeSnapshots: boolean): string[] =>
      sim.core.fsck({ ...ALL, path: '/other', includeSnapshots }).files.map((f) => f.path);
    expect(paths(false)).toEqual(['/other', '/other/b.txt']);
    expect(paths(true)).toEqual([
      '/other/.snapshot',
      '/other/.snapshot/s1',
      '/other/.snapshot/s1/b.txt',
      '/other',
      '/other/b.txt',
    ]);
  });
});

describe("fsck's locations: the BlockMap's storage order (getReplicaInfo walks storedBlock.getStorageInfos)", () => {
  const REF = { blockId: 1073741825, genStamp: 1001, numBytes: 30 };

  it('stores a replica when it is reported finalized, and the last one takes the place of one that leaves (BlockInfoContiguous)', () => {
    const bm = new BlockManager(1);
    bm.addUnderConstruction(REF, 3, ['dn1', 'dn2', 'dn3']);
    // The first DataNode's RECEIVING came first; the last of the pipeline finalizes first.
    bm.received('dn1', REF, 'RECEIVING');
    for (const dn of ['dn3', 'dn2', 'dn1']) bm.received(dn, REF, 'RECEIVED');
    expect(bm.get(REF.blockId)?.storages).toEqual(['dn3', 'dn2', 'dn1']);
    bm.received('dn3', REF, 'DELETED');
    expect(bm.get(REF.blockId)?.storages).toEqual(['dn1', 'dn2']);
    bm.received('dn3', REF, 'RECEIVED');
    // A replica marked corrupt keeps its place.
    bm.markCorrupt(REF.blockId, 'dn2', 'reported by client');
    expect(bm.get(REF.blockId)?.storages).toEqual(['dn1', 'dn2', 'dn3']);
  });

  it('lists every storage in that order, a corrupt or decommissioning replica in its place, not by state', () => {
    const holder = (n: number) => ({
      name: `dn${n}`,
      addr: `127.0.0.1:${9865 + n}`,
      storageId: `DS-0000000${n}`,
      rack: '/default-rack',
    });
    const result = {
      exists: true,
      numDatanodes: 3,
      numRacks: 1,
      defaultReplication: 3,
      blockPoolId: BP,
      files: [
        {
          path: '/a.txt',
          isDir: false,
          length: 30,
          replication: 3,
          underConstruction: false,
          blocks: [
            {
              block: REF,
              live: [holder(3)],
              decommissioning: [{ ...holder(1), adminState: 'DECOMMISSION_INPROGRESS' as const }],
              corrupt: [holder(2)],
              storages: ['dn1', 'dn2', 'dn3'],
              misReplicated: false,
            },
          ],
        },
      ],
    };
    const text = fsckReportText(
      toReport(result, {
        args: ['-files', '-blocks', '-replicaDetails'],
        path: '/a.txt',
        user: 'student',
        nnHttpAddress: '127.0.0.1:9870',
        clientIp: '127.0.0.1',
        minReplication: 1,
        startTimeMs: START,
        endTimeMs: START,
      }),
    ).text;
    expect(text).toContain(
      ' Live_repl=1  [DatanodeInfoWithStorage[127.0.0.1:9866,DS-00000001,DISK](DECOMMISSIONING), ' +
        'DatanodeInfoWithStorage[127.0.0.1:9867,DS-00000002,DISK](CORRUPT), ' +
        'DatanodeInfoWithStorage[127.0.0.1:9868,DS-00000003,DISK](LIVE)]\n',
    );
  });
});

describe('fsck -storagepolicies (NamenodeFsck, StoragePolicySummary.toString)', () => {
  it('counts each block under its replicas’ storage types and the policy they satisfy, then FSCK ended', () => {
    const missing = block({
      block: { blockId: 1073741826, genStamp: 1002, numBytes: 5 },
      liveReplicas: 0,
      replicas: [],
    });
    const two = block({
      block: { blockId: 1073741827, genStamp: 1003, numBytes: 5 },
      liveReplicas: 2,
      replicas: [replica(1), replica(2)],
    });
    const entries: FsckReport['entries'] = [
      { kind: 'dir', path: '/' },
      {
        kind: 'file',
        path: '/a',
        length: 30,
        replication: 3,
        underConstruction: false,
        blocks: [block(), block()],
      },
      {
        kind: 'file',
        path: '/b',
        length: 10,
        replication: 3,
        underConstruction: false,
        blocks: [two, missing],
      },
    ];
    const text = fsckReportText(report({ args: ['-storagepolicies'], entries })).text;
    // "%-25s %10d  %20s%n" for the satisfying rows (most blocks first), "%-35s %-20s %10d  %20s%n"
    // for the others; percentages as NumberFormat.getPercentInstance with four fraction digits.
    const summary = text.slice(text.indexOf('\nBlocks satisfying'), text.indexOf('FSCK ended at'));
    expect(summary).toBe(
      '\nBlocks satisfying the specified storage policy:\n' +
        'Storage Policy                  # of blocks       % of blocks\n' +
        'DISK:3(HOT)                        2              50.0000%\n' +
        'DISK:2(HOT)                        1              25.0000%\n' +
        '\nBlocks NOT satisfying the specified storage policy:\n' +
        'Storage Policy                  Specified Storage Policy      # of blocks       % of blocks\n' +
        '                                    HOT                           1              25.0000%\n',
    );
    const healthy = fsckReportText(report({ args: ['-storagepolicies'] })).text;
    expect(healthy).toContain(
      'DISK:3(HOT)                        1             100.0000%\n\nAll blocks satisfy specified storage policy.\nFSCK ended at ',
    );
    expect(fsckReportText(report()).text).not.toContain('storage policy');
  });
});
