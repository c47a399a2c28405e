/**
 * DatanodeProtocol and NamenodeProtocol converters. Expected bytes are worked out by hand from the
 * field tables of Hadoop's DatanodeProtocol.proto (tag = field << 3 | wire type; varints
 * little-endian 7 bits at a time; sint64 zigzag) and HDFS's BlockListAsLongs layout, not taken
 * from our own output.
 */
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../cluster/protocol/errors.js';
import type { DatanodeRegistration, NamespaceInfo } from '../../cluster/protocol/messages.js';
import {
  decodeBlockBuffers,
  decodeBlockLongs,
  encodeBlockBuffers,
  encodeBlockLongs,
  BLOCK_BUFFER_CHUNK_BYTES,
} from '../../cluster/protocol/registry/block-list.js';
import {
  commandsFromProto,
  commandToProto,
  datanodeProtocol,
  DATANODE_PROTOCOL,
} from '../../cluster/protocol/registry/datanode-protocol-codec.js';
import {
  NAMENODE_PROTOCOL,
  namenodeProtocol,
} from '../../cluster/protocol/registry/namenode-protocol-codec.js';
import {
  DatanodeCommandProtoSchema,
  ReceivedDeletedBlockInfoProtoSchema,
} from '../../cluster/protocol/gen/datanode_protocol_pb.js';
import { StorageInfoProtoSchema } from '../../cluster/protocol/gen/hdfs_pb.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

const NS: NamespaceInfo = {
  layoutVersion: -66,
  namespaceId: 1234,
  clusterId: 'CID-1',
  cTime: 0,
  blockPoolId: 'BP-1-127.0.0.1-1',
  softwareVersion: '3.3.6',
};

const REGISTRATION: DatanodeRegistration = {
  datanode: {
    name: 'dn1',
    datanodeUuid: 'u-1',
    storageId: 'DS-1',
    ipAddr: '127.0.0.2',
    hostName: 'dn1',
    xferPort: 9866,
    infoPort: 0,
    ipcPort: 0,
  },
  storageInfo: { layoutVersion: -57, namespaceId: 1234, clusterId: 'CID-1', cTime: 0 },
  softwareVersion: '3.3.6',
};

/** Encodes with the caller's converter, decodes with the server's: what one wire round trip does. */
function request<M extends keyof typeof datanodeProtocol>(
  method: M,
  req: Parameters<(typeof datanodeProtocol)[M]['requestToProto']>[0],
) {
  const c = datanodeProtocol[method] as unknown as {
    request: Parameters<typeof toBinary>[0];
    requestToProto(r: unknown): never;
    requestFromProto(p: unknown): unknown;
  };
  const wire = toBinary(c.request, c.requestToProto(req));
  return c.requestFromProto(fromBinary(c.request, wire));
}

describe('protocol names', () => {
  it('are HDFS server protocols', () => {
    expect(DATANODE_PROTOCOL).toBe('org.apache.hadoop.hdfs.server.protocol.DatanodeProtocol');
    expect(NAMENODE_PROTOCOL).toBe('org.apache.hadoop.hdfs.server.protocol.NamenodeProtocol');
  });
});

describe('DatanodeProtocol bytes', () => {
  it('heartbeat reply: haStatus (field 2, required) then fullBlockReportLeaseId (field 5)', () => {
    const c = datanodeProtocol.sendHeartbeat;
    const proto = c.responseToProto({
      commands: [],
      haStatus: { state: 'ACTIVE', txid: 5 },
      fullBlockReportLeaseId: 7,
    });
    // 12 04 {08 00 state ACTIVE, 10 05 txid} 28 07
    expect(hex(toBinary(c.response, proto))).toBe('1204080010052807');
    expect(c.responseFromProto(fromBinary(c.response, bytes('1204080010052807')))).toEqual({
      commands: [],
      haStatus: { state: 'ACTIVE', txid: 5 },
      fullBlockReportLeaseId: 7,
    });
  });

  it('a heartbeat reply without its required haStatus is refused', () => {
    const c = datanodeProtocol.sendHeartbeat;
    expect(() => c.responseFromProto(fromBinary(c.response, bytes('2807')))).toThrow(RemoteError);
  });

  it('RegisterCommand: cmdType 5 and an empty registerCmd (field 7)', () => {
    expect(hex(toBinary(DatanodeCommandProtoSchema, commandToProto({ action: 'DNA_REGISTER' })))).toBe(
      '08053a00',
    );
  });

  it('FinalizeCommand: cmdType 3 and finalizeCmd (field 5) naming the block pool, both ways', () => {
    const proto = commandToProto({ action: 'DNA_FINALIZE', poolId: 'BP-1' });
    // finalizeCmd: tag 2a, 6 bytes: blockPoolId (tag 0a) "BP-1" (42 50 2d 31).
    expect(hex(toBinary(DatanodeCommandProtoSchema, proto))).toBe('0803' + '2a06' + '0a0442502d31');
    expect(commandsFromProto(fromBinary(DatanodeCommandProtoSchema, bytes('08032a060a0442502d31')))).toEqual([
      { action: 'DNA_FINALIZE', poolId: 'BP-1' },
    ]);
  });

  it('INVALIDATE: a BlockCommand (field 3) with action 2, the pool and the blocks', () => {
    const proto = commandToProto({
      action: 'DNA_INVALIDATE',
      poolId: 'BP-1',
      blocks: [{ blockId: 1073741825, genStamp: 1001, numBytes: 5 }],
    });
    // blockId 0x40000001 = 81 80 80 80 04; genStamp 1001 = e9 07; numBytes 5: 11 bytes.
    const block = '0881808080041' + '0e907' + '1805';
    const blkCmd = '0802' + '120442502d31' + '1a0b' + block; // 2 + 6 + 2 + 11 bytes
    expect(hex(toBinary(DatanodeCommandProtoSchema, proto))).toBe('0801' + '1a15' + blkCmd);
  });

  it('incremental report entries: block is field 1, status field 3, deleteHint field 2', () => {
    // block {08 01, 10 02}; deleteHint "x"; status RECEIVED (2)
    const entry = fromBinary(ReceivedDeletedBlockInfoProtoSchema, bytes('0a04 0801 1002 1201 78 1802'));
    expect(entry.status).toBe(2);
    expect(entry.deleteHint).toBe('x');
    const decoded = request('blockReceivedAndDeleted', {
      registration: REGISTRATION,
      poolId: 'BP-1',
      storageId: 'DS-1',
      entries: [
        { block: { blockId: 1, genStamp: 2, numBytes: 3 }, status: 'RECEIVING' },
        // A balancer's move: the replica it replaces is named by its DataNode's uuid.
        { block: { blockId: 1, genStamp: 2, numBytes: 3 }, status: 'RECEIVED', deleteHint: 'uuid-dn3' },
        { block: { blockId: 4, genStamp: 2, numBytes: 0 }, status: 'DELETED' },
      ],
    }) as { storageId: string; entries: { status: string; deleteHint?: string }[] };
    expect(decoded.storageId).toBe('DS-1');
    expect(decoded.entries.map((e) => e.status)).toEqual(['RECEIVING', 'RECEIVED', 'DELETED']);
    expect(decoded.entries.map((e) => e.deleteHint)).toEqual([undefined, 'uuid-dn3', undefined]);
  });

  it('a layout version is HDFS negative int in a uint32 field', () => {
    const c = datanodeProtocol.versionRequest;
    const info = c.responseToProto(NS).info;
    // StorageInfoProto field 1 = -66 as uint32 0xffffffbe: be ff ff ff 0f.
    expect(hex(toBinary(StorageInfoProtoSchema, info!.storageInfo!)).startsWith('08beffffff0f')).toBe(true);
    expect(info!.capabilities).toBe(1n); // STORAGE_BLOCK_REPORT_BUFFERS
    expect(c.responseFromProto(fromBinary(c.response, toBinary(c.response, c.responseToProto(NS))))).toEqual(
      NS,
    );
  });

  it('a DataNode read from the wire is named by its host name, else by its transfer address', () => {
    const decoded = request('registerDatanode', { registration: REGISTRATION }) as {
      registration: DatanodeRegistration;
    };
    expect(decoded.registration.datanode.name).toBe('dn1');
    const noHost = { ...REGISTRATION, datanode: { ...REGISTRATION.datanode, hostName: '' } };
    const unnamed = request('registerDatanode', { registration: noHost }) as {
      registration: DatanodeRegistration;
    };
    expect(unnamed.registration.datanode.name).toBe('127.0.0.2:9866');
    expect(decoded.registration.datanode.datanodeUuid).toBe('u-1');
    expect(decoded.registration.storageInfo).toEqual(REGISTRATION.storageInfo);
  });

  it('a heartbeat carries the storage report and the lease request', () => {
    const decoded = request('sendHeartbeat', {
      registration: REGISTRATION,
      report: {
        storageId: 'DS-1',
        failed: false,
        capacity: 100,
        dfsUsed: 10,
        remaining: 80,
        blockPoolUsed: 10,
        nonDfsUsed: 10,
      },
      xceiverCount: 2,
      xmitsInProgress: 1,
      requestFullBlockReportLease: true,
    });
    expect(decoded).toMatchObject({
      report: { storageId: 'DS-1', capacity: 100, dfsUsed: 10, remaining: 80, nonDfsUsed: 10 },
      xceiverCount: 2,
      xmitsInProgress: 1,
      requestFullBlockReportLease: true,
    });
  });

  it('TRANSFER and recovery commands keep their targets and replicas', () => {
    const c = datanodeProtocol.sendHeartbeat;
    const target = {
      ...REGISTRATION.datanode,
      name: 'dn2',
      hostName: 'dn2',
      datanodeUuid: 'u-2',
      storageId: 'DS-2',
    };
    const block = { blockId: 1073741825, genStamp: 1001, numBytes: 1048576 };
    const res = c.responseFromProto(
      fromBinary(
        c.response,
        toBinary(
          c.response,
          c.responseToProto({
            commands: [
              { action: 'DNA_TRANSFER', poolId: 'BP-1', block, targets: [target], targetRacks: ['/rack2'] },
              { action: 'DNA_RECOVERBLOCK', poolId: 'BP-1', block, newGenStamp: 1002, replicas: [target] },
            ],
            haStatus: { state: 'ACTIVE', txid: 1 },
            fullBlockReportLeaseId: 0,
          }),
        ),
      ),
    );
    expect(res.commands).toEqual([
      {
        action: 'DNA_TRANSFER',
        poolId: 'BP-1',
        block,
        targets: [target],
        targetRacks: ['/rack2'],
      },
      {
        action: 'DNA_RECOVERBLOCK',
        poolId: 'BP-1',
        block,
        newGenStamp: 1002,
        replicas: [target],
      },
    ]);
  });

  it('a full block report carries its lease and its replicas', () => {
    const report = {
      poolId: 'BP-1',
      storageId: 'DS-1',
      blocks: [
        [1073741825, 1048576, 1001],
        [1073741826, 7, 1002],
      ] as [number, number, number][],
      leaseId: 3,
      reportId: 9,
    };
    expect(request('blockReport', { registration: REGISTRATION, ...report })).toMatchObject(report);
  });

  it('refuses a uint64 a JavaScript number cannot hold', () => {
    const c = namenodeProtocol.getTransactionId;
    // txId = 2^63: 80 80 80 80 80 80 80 80 80 01
    expect(() => c.responseFromProto(fromBinary(c.response, bytes('0880808080808080808001')))).toThrow(
      /2\^53/,
    );
  });
});

describe('BlockListAsLongs', () => {
  it('buffers: zigzag id, length, genstamp, state per replica', () => {
    // 1073741825 zigzag = 2147483650 = 82 80 80 80 08; 1048576 = 80 80 40; 1001 = e9 07; FINALIZED 00.
    expect(encodeBlockBuffers([[1073741825, 1048576, 1001]]).map(hex)).toEqual(['8280808008808040e90700']);
    expect(decodeBlockBuffers(1, [bytes('82808080 08'), bytes('808040e90700')])).toEqual([
      [1073741825, 1048576, 1001],
    ]);
  });

  it('buffers: a replica not finalized carries its ReplicaState number (RBW 1, RWR 2); a short buffer is refused', () => {
    // id 1 (zigzag 02), length 3, genstamp 4, then state FINALIZED (0), RBW (1), RWR (2).
    expect(decodeBlockBuffers(3, [bytes('02030400 02030401 02030402')])).toEqual([
      [1, 3, 4],
      [1, 3, 4, 'RBW'],
      [1, 3, 4, 'RWR'],
    ]);
    expect(encodeBlockBuffers([[1, 3, 4, 'RWR']]).map(hex)).toEqual(['02030402']);
    expect(() => decodeBlockBuffers(3, [bytes('02030400')])).toThrow(RemoteError);
    // ReplicaState has five values; the reader masks four bits, and 5..15 name none.
    expect(() => decodeBlockBuffers(1, [bytes('02030405')])).toThrow(/replica state 5/);
  });

  it('buffers are cut into 64 KiB chunks', () => {
    const replicas = Array.from({ length: 10_000 }, (_, i): [number, number, number] => [
      1073741825 + i,
      134217728,
      1001 + i,
    ]);
    const chunks = encodeBlockBuffers(replicas);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.slice(0, -1).every((c) => c.length === BLOCK_BUFFER_CHUNK_BYTES)).toBe(true);
    expect(decodeBlockBuffers(replicas.length, chunks)).toEqual(replicas);
  });

  it('legacy longs: counts, finalized triples, the -1 delimiter, under-construction quads', () => {
    const minusOne = 2n ** 64n - 1n;
    expect(encodeBlockLongs([[5, 6, 7]])).toEqual([1n, 0n, 5n, 6n, 7n, minusOne, minusOne, minusOne]);
    expect(decodeBlockLongs([1n, 1n, 5n, 6n, 7n, minusOne, minusOne, minusOne, 8n, 9n, 10n, 2n])).toEqual([
      [5, 6, 7],
      [8, 9, 10, 'RWR'],
    ]);
    expect(
      encodeBlockLongs([
        [8, 9, 10, 'RWR'],
        [5, 6, 7],
      ]),
    ).toEqual([1n, 1n, 5n, 6n, 7n, minusOne, minusOne, minusOne, 8n, 9n, 10n, 2n]);
    expect(() => decodeBlockLongs([3n, 0n, 5n])).toThrow(RemoteError);
  });
});

describe('NamenodeProtocol', () => {
  it('getTransactionId answers txId (field 1)', () => {
    const c = namenodeProtocol.getTransactionId;
    expect(hex(toBinary(c.response, c.responseToProto({ txid: 42 })))).toBe('082a');
  });

  it('getEditLogManifest asks since a txid and answers the segments', () => {
    const c = namenodeProtocol.getEditLogManifest;
    expect(hex(toBinary(c.request, c.requestToProto({ sinceTxid: 1 })))).toBe('0801');
    // manifest {logs {startTxId 1, endTxId 9}}: 0a 06 0a 04 08 01 10 09
    expect(c.responseFromProto(fromBinary(c.response, bytes('0a060a0408011009')))).toEqual({
      segments: [{ startTxid: 1, endTxid: 9, isInProgress: false }],
    });
  });

  it('rollEditLog answers a CheckpointSignature', () => {
    const c = namenodeProtocol.rollEditLog;
    const signature = {
      blockPoolId: 'BP-1',
      mostRecentCheckpointTxid: 10,
      curSegmentTxid: 21,
      storageInfo: { layoutVersion: -66, namespaceId: 1234, clusterId: 'CID-1', cTime: 0 },
    };
    expect(
      c.responseFromProto(fromBinary(c.response, toBinary(c.response, c.responseToProto({ signature })))),
    ).toEqual({
      signature,
    });
  });
});
