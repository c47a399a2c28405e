import { describe, expect, it } from 'vitest';
import {
  jmxBody,
  namenodeBeans,
  queryBeans,
  statusFromBeans,
  type NameNodeStatus,
} from '../../cluster/namenode/jmx.js';
import type { DatanodeStatus } from '../../cluster/protocol/types.js';
import { fsckExitCode } from '../../lab/format/fsck.js';

const NOW = Date.UTC(2025, 0, 6, 10, 0, 0);

const status: NameNodeStatus = {
  safemode: { on: false, manual: false, tip: '' },
  lastTxid: 42,
  lastCheckpointTxid: 30,
  lastCheckpointMs: NOW - 60_000,
  clusterId: 'CID-1234',
  blockPoolId: 'BP-1-127.0.0.1-1',
  live: 1,
  dead: 1,
  stale: 0,
  blocks: 5,
  underReplicated: 2,
  corruptBlocks: 1,
  missingBlocks: 1,
  pendingDeletion: 3,
  capacity: 1000,
  dfsUsed: 250,
  remaining: 700,
};

function datanode(name: string, liveness: DatanodeStatus['liveness'], lastUpdate: number): DatanodeStatus {
  const n = Number(name.slice(2));
  return {
    name,
    datanodeUuid: `uuid-${n}`,
    storageId: `DS-${n}`,
    ipAddr: `127.0.1.${n}`,
    hostName: `127.0.1.${n}`,
    xferPort: 9866,
    infoPort: 9864,
    ipcPort: 9867,
    networkLocation: '/rack1',
    capacity: 1000,
    dfsUsed: 250,
    nonDfsUsed: 50,
    remaining: 700,
    blockPoolUsed: 250,
    xceiverCount: 1,
    lastUpdate,
    lastBlockReportTime: lastUpdate,
    numBlocks: 5,
    adminState: 'NORMAL',
    liveness,
    pendingCommands: 0,
  };
}

/** /dir snapshottable (drwxr-x--x, two snapshots), as NameNodeCore.snapshotInfo gives it. */
const snapshots = {
  dirs: [
    {
      status: {
        path: '/dir',
        pathSuffix: 'dir',
        type: 'DIRECTORY' as const,
        length: 0,
        owner: 'alice',
        group: 'staff',
        permission: 0o751,
        replication: 0,
        blockSize: 0,
        modificationTime: NOW - 5_000,
        accessTime: 0,
        fileId: 16390,
        childrenNum: 1,
        underConstruction: false,
      },
      snapshotNumber: 2,
      snapshotQuota: 65536,
      parentPath: '/',
    },
  ],
  snapshots: [
    { name: 'a', path: '/dir/.snapshot/a', mtime: NOW - 9_000 },
    { name: 'b', path: '/dir/.snapshot/b', mtime: NOW - 8_000 },
  ],
};

const beans = namenodeBeans({
  status,
  snapshots,
  datanodes: [datanode('dn1', 'live', NOW - 2_000), datanode('dn2', 'dead', NOW - 700_000)],
  filesTotal: 7,
  filesUnderConstruction: 0,
  rpcAddress: '127.0.0.1:8020',
  nameDirs: ['/tmp/name'],
  softwareVersion: '3.3.6-lab',
  compileInfo: '2026-01-01T00:00Z by hdfs-lab from 3.3.6-lab',
  startedMs: NOW - 3_600_000,
  nowMs: NOW,
});

describe('/jmx beans', () => {
  it('read back into the status they were made from', () => {
    expect(statusFromBeans(beans)).toEqual(status);
    const inSafemode = {
      ...status,
      safemode: { on: true, manual: true, tip: 'It was turned on manually. Use …' },
    };
    expect(statusFromBeans(namenodeBeans({ ...snapshotOf(inSafemode) })).safemode).toEqual(
      inSafemode.safemode,
    );
  });

  it('list live and dead DataNodes by host:xferPort with their last contact in seconds', () => {
    const info = beans.find((b) => b.name === 'Hadoop:service=NameNode,name=NameNodeInfo')!;
    const live = JSON.parse(String(info.LiveNodes)) as Record<
      string,
      { lastContact: number; xferaddr: string }
    >;
    expect(Object.keys(live)).toEqual(['127.0.1.1:9866']);
    expect(live['127.0.1.1:9866']!.lastContact).toBe(2);
    const dead = JSON.parse(String(info.DeadNodes)) as Record<string, { lastContact: number }>;
    expect(dead['127.0.1.2:9866']!.lastContact).toBe(700);
    expect(info.Safemode).toBe('');
  });

  it("publish SnapshotInfo as SnapshotManager's beans: the mode's octal digits as a number, snapshotID the name", () => {
    const info = beans.find((b) => b.name === 'Hadoop:service=NameNode,name=SnapshotInfo');
    expect(info).toEqual({
      name: 'Hadoop:service=NameNode,name=SnapshotInfo',
      modelerType: 'org.apache.hadoop.hdfs.server.namenode.snapshot.SnapshotManager',
      SnapshottableDirectories: [
        {
          group: 'staff',
          modificationTime: NOW - 5_000,
          owner: 'alice',
          path: '/dir',
          permission: 751,
          snapshotNumber: 2,
          snapshotQuota: 65536,
        },
      ],
      Snapshots: [
        { modificationTime: NOW - 9_000, snapshotDirectory: '/dir/.snapshot/a', snapshotID: 'a' },
        { modificationTime: NOW - 8_000, snapshotDirectory: '/dir/.snapshot/b', snapshotID: 'b' },
      ],
    });
  });

  it('select by object-name pattern and by get=NAME::ATTRIBUTE', () => {
    const q = (text: string) => queryBeans(beans, new URLSearchParams(text));
    expect(q('').status).toBe(200);
    const all = q('qry=Hadoop:*');
    expect(all.status === 200 && all.beans.length).toBe(5);
    const one = q('qry=Hadoop:name=FSNamesystemState,service=NameNode');
    expect(one.status === 200 && one.beans.map((b) => b.name)).toEqual([
      'Hadoop:service=NameNode,name=FSNamesystemState',
    ]);
    const partial = q('qry=Hadoop:service=NameNode');
    expect(partial.status === 200 && partial.beans).toEqual([]);
    const withRest = q('qry=Hadoop:service=NameNode,*');
    expect(withRest.status === 200 && withRest.beans.length).toBe(5);
    const got = q('get=Hadoop:service=NameNode,name=FSNamesystem::CorruptBlocks');
    expect(got).toEqual({
      status: 200,
      beans: [
        { name: 'Hadoop:service=NameNode,name=FSNamesystem', modelerType: 'FSNamesystem', CorruptBlocks: 1 },
      ],
    });
    expect(q('get=Hadoop:service=NameNode,name=Nope::X').status).toBe(404);
    expect(q('qry=garbage').status).toBe(400);
    expect(JSON.parse(jmxBody(q('qry=garbage')))).toMatchObject({ result: 'ERROR' });
  });
});

function snapshotOf(s: NameNodeStatus) {
  return {
    status: s,
    snapshots: { dirs: [], snapshots: [] },
    datanodes: [],
    filesTotal: 1,
    filesUnderConstruction: 0,
    rpcAddress: '127.0.0.1:8020',
    nameDirs: [],
    softwareVersion: 'x',
    compileInfo: 'x',
    startedMs: 0,
    nowMs: NOW,
  };
}

describe("DFSck's exit code", () => {
  it('comes from the last line of the report', () => {
    expect(fsckExitCode("…\n\nThe filesystem under path '/' is HEALTHY")).toBe(0);
    expect(fsckExitCode("…\n\nThe filesystem under path '/' is CORRUPT\n")).toBe(1);
    expect(fsckExitCode("…\n\nPath '/x' does not exist")).toBe(0);
    expect(fsckExitCode('Fsck on path / FAILED')).toBe(255);
  });
});
