/**
 * What a client learns of DataNodes and open files the way HDFS's tools do, with no lab field in
 * an HDFS message: DatanodeInfoProto ends at numBlocks (field 17) and HdfsFileStatusProto at flags
 * (18), as in Hadoop's hdfs.proto; liveness comes from the LIVE and DEAD reports
 * (DFSAdmin.report) and staleness from lastUpdate (DatanodeInfo.isStale); a file's open state
 * from getBlockLocations' underConstruction.
 */
import { toBinary } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import { datanodeReport } from '../../cluster/client/datanode-report.js';
import { isOpenForWrite } from '../../cluster/client/open-file.js';
import { DatanodeInfoProtoSchema, HdfsFileStatusProtoSchema } from '../../cluster/protocol/gen/hdfs_pb.js';
import { create } from '@bufbuild/protobuf';
import { datanodeInfoToProto, fileStatusToProto } from '../../cluster/protocol/registry/hdfs-types.js';
import type {
  DatanodeInfo,
  DatanodeStatus,
  LocatedBlocks,
  NamespaceFileStatus,
} from '../../cluster/protocol/types.js';

const NOW = Date.UTC(2026, 11, 2, 19, 0, 0);
const STALE_MS = 30_000;

function info(name: string, lastUpdate: number): DatanodeInfo {
  return {
    name,
    datanodeUuid: `uuid-${name}`,
    storageId: `DS-${name}`,
    ipAddr: '127.0.0.1',
    hostName: name,
    xferPort: 9866,
    infoPort: 9864,
    ipcPort: 0,
    networkLocation: '/default-rack',
    capacity: 1000,
    dfsUsed: 10,
    nonDfsUsed: 0,
    remaining: 990,
    blockPoolUsed: 10,
    xceiverCount: 1,
    lastUpdate,
    lastBlockReportTime: lastUpdate,
    numBlocks: 1,
    adminState: 'NORMAL',
  };
}

/** The top-level field numbers of a protobuf message, in order. */
function fieldNumbers(bytes: Uint8Array): number[] {
  const reader = new BinaryReader(bytes);
  const out: number[] = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    out.push(field);
    reader.skip(wireType as WireType);
  }
  return out;
}

describe('a DataNode report as HDFS tools ask for it', () => {
  it('asks LIVE then DEAD, marks a live DataNode stale past the stale interval, sorts by name', async () => {
    const asked: string[] = [];
    const reports: Record<string, DatanodeInfo[]> = {
      LIVE: [info('dn10', NOW - 1_000), info('dn2', NOW - STALE_MS)],
      DEAD: [info('dn3', NOW - 700_000)],
    };
    const namenode = {
      call: (_method: 'getDatanodeReport', p: { type: 'LIVE' | 'DEAD' }) => {
        asked.push(p.type);
        return Promise.resolve(reports[p.type] ?? []);
      },
    };
    const report = await datanodeReport(namenode, { nowMs: NOW, staleIntervalMs: STALE_MS });
    expect(asked).toEqual(['LIVE', 'DEAD']);
    expect(report.map((d) => [d.name, d.liveness])).toEqual([
      ['dn2', 'stale'],
      ['dn3', 'dead'],
      ['dn10', 'live'],
    ]);
  });

  it('sends HDFS fields only: a NameNode DataNode status and an open file status', () => {
    const status: DatanodeStatus = { ...info('dn1', NOW), liveness: 'stale', pendingCommands: 3 };
    const dn = toBinary(
      DatanodeInfoProtoSchema,
      create(DatanodeInfoProtoSchema, datanodeInfoToProto(status)),
    );
    expect(Math.max(...fieldNumbers(dn))).toBeLessThanOrEqual(17);
    const open: NamespaceFileStatus = {
      path: '/a',
      pathSuffix: 'a',
      type: 'FILE',
      length: 0,
      owner: 'student',
      group: 'supergroup',
      permission: 0o644,
      replication: 3,
      blockSize: 134217728,
      modificationTime: NOW,
      accessTime: NOW,
      fileId: 16386,
      childrenNum: 0,
      underConstruction: true,
    };
    const fs = toBinary(
      HdfsFileStatusProtoSchema,
      create(HdfsFileStatusProtoSchema, fileStatusToProto(open, '')),
    );
    expect(Math.max(...fieldNumbers(fs))).toBeLessThanOrEqual(18);
  });

  it('learns a file is open from getBlockLocations, asking for its first byte', async () => {
    const asked: unknown[] = [];
    const located = (underConstruction: boolean): LocatedBlocks => ({
      fileLength: 0,
      underConstruction,
      blocks: [],
      lastBlock: null,
      isLastBlockComplete: false,
    });
    let open = true;
    const namenode = {
      call: (
        _m: 'getBlockLocations',
        p: { src: string; offset: number; length: number; readerHost: string },
      ) => {
        asked.push(p);
        return Promise.resolve(located(open));
      },
    };
    expect(await isOpenForWrite(namenode, '/a')).toBe(true);
    open = false;
    expect(await isOpenForWrite(namenode, '/a')).toBe(false);
    expect(asked[0]).toEqual({ src: '/a', offset: 0, length: 1, readerHost: '' });
  });
});
