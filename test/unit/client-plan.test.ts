import { describe, expect, it } from 'vitest';
import {
  ExcludedNodes,
  EXCLUDED_NODE_EXPIRY_MS,
  clientNameFor,
  nextReplica,
  packetRoom,
  planBlocks,
  planPackets,
  replicasToReport,
  retryDelaysMs,
  type ReplicaFailure,
} from '../../cluster/client/plan.js';
import { PACKET_DATA_BYTES } from '../../cluster/protocol/packet.js';

const MiB = 1024 * 1024;

describe('planBlocks', () => {
  it('splits 150 MiB at 128 MiB into a full block and a 22 MiB block', () => {
    expect(planBlocks(150 * MiB, 128 * MiB)).toEqual([
      { index: 0, offset: 0, length: 128 * MiB },
      { index: 1, offset: 128 * MiB, length: 22 * MiB },
    ]);
  });

  it('gives an empty file no blocks and an exact multiple no short block', () => {
    expect(planBlocks(0, 128 * MiB)).toEqual([]);
    expect(planBlocks(2 * MiB, MiB).map((b) => b.length)).toEqual([MiB, MiB]);
  });
});

describe('planPackets', () => {
  it('cuts 64,512-byte packets and ends with an empty lastPacketInBlock packet', () => {
    const packets = planPackets(150_000);
    expect(PACKET_DATA_BYTES).toBe(64_512);
    expect(packets).toEqual([
      { seqno: 0, offsetInBlock: 0, length: 64_512, lastPacketInBlock: false },
      { seqno: 1, offsetInBlock: 64_512, length: 64_512, lastPacketInBlock: false },
      { seqno: 2, offsetInBlock: 129_024, length: 20_976, lastPacketInBlock: false },
      { seqno: 3, offsetInBlock: 150_000, length: 0, lastPacketInBlock: true },
    ]);
  });

  it('covers a 128 MiB block exactly, only the last packet carries no data', () => {
    const packets = planPackets(128 * MiB);
    const data = packets.filter((p) => !p.lastPacketInBlock);
    expect(data.reduce((sum, p) => sum + p.length, 0)).toBe(128 * MiB);
    expect(data.every((p) => p.length > 0 && p.length % 512 === 0)).toBe(true);
    expect(packets.at(-1)).toEqual({
      seqno: packets.length - 1,
      offsetInBlock: 128 * MiB,
      length: 0,
      lastPacketInBlock: true,
    });
  });

  it('sends only the end-of-block packet for an empty block', () => {
    expect(planPackets(0)).toEqual([{ seqno: 0, offsetInBlock: 0, length: 0, lastPacketInBlock: true }]);
  });
});

describe('packetRoom', () => {
  it('never lets a packet span two blocks', () => {
    const blockSizeBytes = MiB;
    const sent = 16 * PACKET_DATA_BYTES; // 1,032,192 bytes: 16,384 left in the block
    expect(packetRoom({ blockBytesSent: sent, packetFill: 0, blockSizeBytes })).toBe(16_384);
    expect(packetRoom({ blockBytesSent: sent, packetFill: 1_000, blockSizeBytes })).toBe(15_384);
    expect(packetRoom({ blockBytesSent: 0, packetFill: 10, blockSizeBytes })).toBe(PACKET_DATA_BYTES - 10);
  });

  it('reproduces planPackets when a block is streamed in arbitrary writes', () => {
    const blockSizeBytes = 200_000;
    const cuts: number[] = [];
    let sent = 0;
    let fill = 0;
    for (const write of [1, 70_000, 3, 100_000, 29_996]) {
      let left = write;
      while (left > 0) {
        const room = packetRoom({ blockBytesSent: sent, packetFill: fill, blockSizeBytes });
        const n = Math.min(room, left);
        fill += n;
        left -= n;
        if (n === room) {
          cuts.push(fill);
          sent += fill;
          fill = 0;
        }
      }
    }
    expect(cuts).toEqual(
      planPackets(blockSizeBytes)
        .filter((p) => !p.lastPacketInBlock)
        .map((p) => p.length),
    );
  });
});

describe('replica choice on failure', () => {
  const order = ['dn2', 'dn5', 'dn1'];

  it('reads the nearest replica first, then the next one not yet failed', () => {
    const failed = new Map<string, ReplicaFailure>();
    expect(nextReplica(order, failed)).toBe('dn2');
    failed.set('dn2', 'checksum');
    expect(nextReplica(order, failed)).toBe('dn5');
    failed.set('dn5', 'io');
    expect(nextReplica(order, failed)).toBe('dn1');
    failed.set('dn1', 'io');
    expect(nextReplica(order, failed)).toBeUndefined();
  });

  it('reports checksum failures when another replica was read, never dead DataNodes', () => {
    const failed = new Map<string, ReplicaFailure>([
      ['dn2', 'checksum'],
      ['dn5', 'io'],
    ]);
    expect(replicasToReport({ failed, succeeded: true, replicaCount: 3 })).toEqual(['dn2']);
  });

  it('reports nothing when every replica failed, unless the block has a single replica', () => {
    const all = new Map<string, ReplicaFailure>([
      ['dn2', 'checksum'],
      ['dn5', 'checksum'],
    ]);
    expect(replicasToReport({ failed: all, succeeded: false, replicaCount: 2 })).toEqual([]);
    const single = new Map<string, ReplicaFailure>([['dn2', 'checksum']]);
    expect(replicasToReport({ failed: single, succeeded: false, replicaCount: 1 })).toEqual(['dn2']);
  });
});

describe('retries and names', () => {
  it('doubles the wait between retries', () => {
    expect(retryDelaysMs(5, 400)).toEqual([400, 800, 1600, 3200, 6400]);
  });

  it('names the client as HDFS does', () => {
    expect(clientNameFor(1234567)).toBe('DFSClient_NONMAPREDUCE_1234567_1');
  });
});

describe('excluded DataNodes of a file (DataStreamer.excludedNodes)', () => {
  it('keeps a DataNode that failed setup out of every later addBlock until it expires', () => {
    const excluded = new ExcludedNodes();
    excluded.add('dn3', 1_000);
    excluded.add('dn1', 2_000);
    expect(excluded.list(2_000)).toEqual(['dn3', 'dn1']);
    expect(excluded.list(1_000 + EXCLUDED_NODE_EXPIRY_MS - 1)).toEqual(['dn3', 'dn1']);
    // HDFS's cache forgets an entry after dfs.client.write.exclude.nodes.cache.expiry.interval.millis (10 min).
    expect(EXCLUDED_NODE_EXPIRY_MS).toBe(600_000);
    expect(excluded.list(1_000 + EXCLUDED_NODE_EXPIRY_MS)).toEqual(['dn1']);
    excluded.add('dn3', 1_000 + EXCLUDED_NODE_EXPIRY_MS);
    expect(excluded.list(2_000 + EXCLUDED_NODE_EXPIRY_MS)).toEqual(['dn3']);
  });
});
