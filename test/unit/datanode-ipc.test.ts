/**
 * A DataNode's IPC port (dfs.datanode.ipc.address) as Hadoop's clients and dfsadmin meet it:
 * ClientDatanodeProtocol and InterDatanodeProtocol, on the same IPC v9 server as the NameNode's port; the
 * administrative calls only for the DataNode's user or the supergroup
 * (DataNode.checkSuperuserPrivilege); the messages as ClientDatanodeProtocol.proto has them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import '../../cluster/protocol/registry/all.js'; // entries looked up directly, without a connection
import { resolveConfig } from '../../cluster/config/config.js';
import { readBlockLength } from '../../cluster/client/datanode-ipc-client.js';
import type { ClusterDescription } from '../../cluster/home/description.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import {
  CLIENT_DATANODE_PROTOCOL,
  CLIENT_PROTOCOL,
  entryFor,
  INTER_DATANODE_PROTOCOL,
  NAMENODE_RPC_PROTOCOLS,
  type ProtocolName,
} from '../../cluster/protocol/registry/index.js';
import { BPServiceCore } from '../../cluster/datanode/bp-service-core.js';
import { configVersion, startDatanodeIpc } from '../../cluster/runtime/datanode-ipc.js';
import { sameAddress } from '../../cluster/runtime/datanode-process.js';
import { writeDescription } from '../../cluster/home/home.js';
import { captureOutput, labInProcess } from './lab-in-process.js';
import type { RpcServer } from '../../cluster/runtime/rpc-server.js';
import { Journal } from '../../cluster/transport/journal.js';
import { RpcClient } from '../../cluster/transport/rpc-client.js';

const journal = new Journal(null, 'test');
let server: RpcServer | null = null;
const asked: string[] = [];

afterEach(async () => {
  await server?.close();
  server = null;
  asked.length = 0;
});

async function serveDatanode(overrides: Record<string, string> = {}): Promise<RpcServer> {
  const config = resolveConfig(overrides);
  server = await startDatanodeIpc({
    id: 'dn1',
    host: '127.0.0.1',
    port: 0,
    journal,
    config,
    datanodeUser: 'hdfs',
    groupsOf: (user) => (user === 'carol' ? ['supergroup'] : []),
    actions: {
      visibleLength: (poolId, block) => {
        // ReplicaWaitingToBeRecovered.getVisibleLength: an RWR replica shows no byte.
        if (block.blockId === 1073741826) return Promise.resolve(-1);
        if (block.blockId !== 1073741825)
          return Promise.reject(
            new RemoteError('ReplicaNotFoundException', `Replica does not exist ${poolId}:${block.blockId}`),
          );
        return Promise.resolve(4_242);
      },
      triggerBlockReport: (incremental, nnAddress) => {
        asked.push(`${incremental ? 'incremental' : 'full'}${nnAddress ? ` to ${nnAddress}` : ''}`);
      },
      shutdown: (forUpgrade) => {
        asked.push(`shutdown upgrade=${forUpgrade}`);
      },
      balancerBytesPerSec: () => config.bytes('dfs.datanode.balance.bandwidthPerSec'),
      info: () => ({ softwareVersion: '3.3.6-lab', configVersion: configVersion(config), uptimeSec: 7 }),
      initReplicaRecovery: (rb) => {
        asked.push(
          `init blk_${rb.block.blockId} recoveryId=${rb.newGenStamp} on ${rb.replicas.map((r) => r.hostName).join(',')}`,
        );
        if (rb.block.blockId !== 1073741825) return Promise.resolve(null);
        return Promise.resolve({
          blockId: 1073741825,
          genStamp: 1001,
          numBytes: 3_000,
          state: 'RWR' as const,
        });
      },
      updateReplicaUnderRecovery: (p) => {
        asked.push(
          `update blk_${p.block.blockId}_${p.block.genStamp} recoveryId=${p.recoveryId} length=${p.newLength}`,
        );
        return Promise.resolve({ storageUuid: 'DS-1' });
      },
    },
  });
  return server;
}

function connect(
  s: RpcServer,
  user: string,
  protocol: ProtocolName = CLIENT_DATANODE_PROTOCOL,
): Promise<RpcClient> {
  return RpcClient.connect({
    host: '127.0.0.1',
    port: s.port,
    selfId: 'client',
    peerId: 'dn1',
    journal,
    user,
    protocol,
  });
}

describe("a DataNode's IPC port", () => {
  it('answers getDatanodeInfo, getBalancerBandwidth and getReplicaVisibleLength to anyone', async () => {
    const dn = await connect(await serveDatanode(), 'alice');
    try {
      expect(await dn.call('getDatanodeInfo', {})).toEqual({
        softwareVersion: '3.3.6-lab',
        // DataNode.confVersion from core-default.xml's and hdfs-default.xml's configuration versions.
        configVersion: 'core-3.0.0,hdfs-1',
        uptimeSec: 7,
      });
      // dfs.datanode.balance.bandwidthPerSec's default, 100m.
      expect(await dn.call('getBalancerBandwidth', {})).toEqual({ bytesPerSec: 104_857_600 });
      const block = { blockId: 1073741825, genStamp: 1001, numBytes: 0 };
      expect(await dn.call('getReplicaVisibleLength', { poolId: 'BP-1', block })).toEqual({ length: 4_242 });
      await expect(
        dn.call('getReplicaVisibleLength', { poolId: 'BP-1', block: { ...block, blockId: 7 } }),
      ).rejects.toMatchObject({
        errorClass: 'ReplicaNotFoundException',
        message: 'Replica does not exist BP-1:7',
      });
    } finally {
      dn.close();
    }
  });

  it('lets only the DataNode user or the supergroup trigger a block report or shut it down', async () => {
    const s = await serveDatanode();
    const alice = await connect(s, 'alice');
    const hdfs = await connect(s, 'hdfs');
    const carol = await connect(s, 'carol');
    try {
      await expect(alice.call('triggerBlockReport', { incremental: false })).rejects.toMatchObject({
        errorClass: 'AccessControlException',
      });
      await expect(alice.call('shutdownDatanode', { forUpgrade: false })).rejects.toBeInstanceOf(RemoteError);
      expect(asked).toEqual([]);
      await hdfs.call('triggerBlockReport', { incremental: false });
      await carol.call('triggerBlockReport', { incremental: true });
      await hdfs.call('shutdownDatanode', { forUpgrade: true });
      expect(asked).toEqual(['full', 'incremental', 'shutdown upgrade=true']);
    } finally {
      for (const c of [alice, hdfs, carol]) c.close();
    }
  });

  it('lets anyone in when dfs.permissions.enabled is false', async () => {
    const alice = await connect(await serveDatanode({ 'dfs.permissions.enabled': 'false' }), 'alice');
    try {
      await alice.call('triggerBlockReport', { incremental: false });
      expect(asked).toEqual(['full']);
    } finally {
      alice.close();
    }
  });

  it('serves InterDatanodeProtocol to a recovery primary: the replica found (its state before recovery) or none, then the update', async () => {
    const primary = await connect(await serveDatanode(), 'hdfs', INTER_DATANODE_PROTOCOL);
    const dn = (hostName: string) => ({
      name: hostName,
      hostName,
      ipAddr: '127.0.0.1',
      datanodeUuid: `uuid-${hostName}`,
      storageId: '',
      xferPort: 9866,
      infoPort: 9864,
      ipcPort: 9867,
    });
    const rb = {
      poolId: 'BP-1',
      block: { blockId: 1073741825, genStamp: 1001, numBytes: 4_096 },
      newGenStamp: 1003,
      replicas: [dn('dn1'), dn('dn2')],
    };
    try {
      expect(await primary.call('initReplicaRecovery', rb)).toEqual({
        blockId: 1073741825,
        genStamp: 1001,
        numBytes: 3_000,
        state: 'RWR',
      });
      expect(
        await primary.call('initReplicaRecovery', { ...rb, block: { ...rb.block, blockId: 7 } }),
      ).toBeNull();
      const update = {
        poolId: 'BP-1',
        block: { ...rb.block, numBytes: 3_000 },
        recoveryId: 1003,
        newLength: 2_048,
        newBlockId: 1073741825,
      };
      expect(await primary.call('updateReplicaUnderRecovery', update)).toEqual({ storageUuid: 'DS-1' });
      expect(asked).toEqual([
        'init blk_1073741825 recoveryId=1003 on dn1,dn2',
        'init blk_7 recoveryId=1003 on dn1,dn2',
        'update blk_1073741825_1001 recoveryId=1003 length=2048',
      ]);
    } finally {
      primary.close();
    }
    // InitReplicaRecoveryResponseProto: replicaFound (1) false and nothing else when there is none;
    // else state (2) RWR = 2 and the block (3).
    const init = entryFor(INTER_DATANODE_PROTOCOL, 'initReplicaRecovery');
    expect(Buffer.from(init?.encodeResponse(null as never) ?? []).toString('hex')).toBe('0800');
    expect(
      Buffer.from(
        init?.encodeResponse({ blockId: 1, genStamp: 2, numBytes: 3, state: 'RWR' } as never) ?? [],
      ).toString('hex'),
    ).toBe('080110021a06080110021803');
  });

  it('serves ClientDatanodeProtocol only, and a NameNode port never serves it', async () => {
    const client = await connect(await serveDatanode(), 'hdfs', CLIENT_PROTOCOL);
    try {
      await expect(client.call('getFileInfo', { src: '/' })).rejects.toMatchObject({
        message: `Unknown protocol: ${CLIENT_PROTOCOL}`,
      });
    } finally {
      client.close();
    }
    expect(entryFor(CLIENT_DATANODE_PROTOCOL, 'getDatanodeInfo', NAMENODE_RPC_PROTOCOLS)).toBeUndefined();
    expect(entryFor(CLIENT_DATANODE_PROTOCOL, 'getDatanodeInfo')?.requestType).toBe(
      'hadoop.hdfs.GetDatanodeInfoRequestProto',
    );
  });

  it('encodes triggerBlockReport and getReplicaVisibleLength as ClientDatanodeProtocol.proto numbers them', () => {
    const trigger = entryFor(CLIENT_DATANODE_PROTOCOL, 'triggerBlockReport');
    // field 1 (incremental, varint) = 1
    expect(Buffer.from(trigger?.encodeRequest({ incremental: true } as never) ?? []).toString('hex')).toBe(
      '0801',
    );
    const length = entryFor(CLIENT_DATANODE_PROTOCOL, 'getReplicaVisibleLength');
    // field 1 (length, varint) = 300
    expect(Buffer.from(length?.encodeResponse({ length: 300 } as never) ?? []).toString('hex')).toBe(
      '08ac02',
    );
  });
});

describe('BPServiceCore and triggerBlockReport', () => {
  it('sends a forced full report without a lease, once, and not before registering', () => {
    const core = new BPServiceCore();
    core.forceFullReport();
    expect(core.shouldSendFullReport(0)).toBe(false); // unregistered: registration first
    core.registered();
    core.fullReportSent();
    expect(core.shouldSendFullReport(0)).toBe(false);
    core.forceFullReport();
    expect(core.shouldSendFullReport(0)).toBe(true);
    core.fullReportSent();
    expect(core.shouldSendFullReport(0)).toBe(false);
  });
});

describe('DFSInputStream.readBlockLength against a DataNode holding an RWR replica', () => {
  it('reads -1 (a uint64 of all ones) and, with no other DataNode, throws CannotObtainBlockLengthException naming the LocatedBlock', async () => {
    const s = await serveDatanode();
    const dn = await connect(s, 'alice');
    const block = { blockId: 1073741826, genStamp: 1001, numBytes: 1024 };
    try {
      expect(await dn.call('getReplicaVisibleLength', { poolId: 'BP-1', block })).toEqual({ length: -1 });
    } finally {
      dn.close();
    }
    const description = {
      datanodes: [
        { id: 'dn1', host: '127.0.0.1', port: 9866, httpPort: 9864, ipcPort: s.port, rack: '/rack1' },
      ],
      client: { host: '127.0.0.1', rack: '/default-rack' },
      loopbackAliases: false,
    } as unknown as ClusterDescription;
    const located = {
      block,
      blockPoolId: 'BP-1',
      startOffset: 134217728,
      locations: [
        {
          name: 'dn1',
          datanodeUuid: 'u-1',
          storageId: 'DS-4b2e',
          ipAddr: '127.0.0.1',
          hostName: 'localhost',
          xferPort: 9866,
          infoPort: 9864,
          ipcPort: s.port,
        },
      ],
      racks: ['/rack1'],
      isCorrupt: false,
    };
    // CannotObtainBlockLengthException(LocatedBlock): "Cannot obtain block length for " + LocatedBlock.toString().
    await expect(readBlockLength({ description, journal, located, timeoutMs: 5_000 })).rejects.toMatchObject({
      errorClass: 'CannotObtainBlockLengthException',
      message:
        'Cannot obtain block length for LocatedBlock{BP-1:blk_1073741826_1001; getBlockSize()=1024; corrupt=false; ' +
        'offset=134217728; locs=[DatanodeInfoWithStorage[127.0.0.1:9866,DS-4b2e,DISK]]}',
    });
  });
});

describe('dfsadmin -triggerBlockReport -namenode (HDFS 3.3: a report to one NameNode only)', () => {
  it('passes the NameNode address and says so; -namenode without one is its usage, exit 255', async () => {
    const s = await serveDatanode();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-trigger-'));
    const description = {
      version: 1,
      seed: '7',
      createdMs: 0,
      conf: {},
      namenode: { id: 'nn', host: '127.0.0.1', port: 8020 },
      secondary: null,
      datanodes: [
        { id: 'dn1', host: '127.0.0.1', port: 9866, httpPort: 9864, ipcPort: s.port, rack: '/rack1' },
      ],
      client: { host: '127.0.0.1', rack: '/default-rack' },
      loopbackAliases: false,
    } as unknown as ClusterDescription;
    writeDescription(home, description);
    const saved = process.env.HADOOP_USER_NAME;
    process.env.HADOOP_USER_NAME = 'hdfs';
    const output = captureOutput();
    try {
      const dn = `127.0.0.1:${s.port}`;
      expect(
        await labInProcess(
          home,
          'dfsadmin',
          '-triggerBlockReport',
          '-incremental',
          dn,
          '-namenode',
          'localhost:8020',
        ),
      ).toBe(0);
      expect(output.stdout.join('')).toBe(
        `Triggering an incremental block report on ${dn} to namenode localhost:8020.\n`,
      );
      expect(asked).toEqual(['incremental to localhost:8020']);
      expect(await labInProcess(home, 'dfsadmin', '-triggerBlockReport', dn, '-namenode')).toBe(255);
      expect(output.stderr.join('')).toBe(
        'triggerBlockReport: option -namenode requires 1 argument.\n' +
          'Usage: lab dfsadmin [-triggerBlockReport [-incremental] <datanode_host:ipc_port> [-namenode <namenode_host:ipc_port>]]\n',
      );
    } finally {
      vi.restoreAllMocks();
      if (saved === undefined) delete process.env.HADOOP_USER_NAME;
      else process.env.HADOOP_USER_NAME = saved;
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('a DataNode acts only when the address names its NameNode (InetSocketAddress.equals)', async () => {
    const nn = { host: '127.0.0.1', port: 8020 };
    expect(await sameAddress('localhost:8020', nn)).toBe(true);
    expect(await sameAddress('127.0.0.1:8021', nn)).toBe(false);
    await expect(sameAddress('localhost', nn)).rejects.toMatchObject({
      errorClass: 'IllegalArgumentException',
    });
  });
});
