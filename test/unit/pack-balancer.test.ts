/**
 * The built-in pack's balancer exercise on the cluster the exercises before it leave. Every file
 * their setups write (the 128 MB single-replica blocks of upload-blocks and block-size-experiment
 * among them), upload-blocks' task (48 MB at 32 MB blocks) and a student's own two small uploads
 * are placed as the NameNode's placement policy places them, for many seeds; then dn11 joins where
 * the balancer setup adds it, and `lab balancer -threshold 5`, the command the text prints, runs
 * over a fake cluster whose NameNode deletes a move's excess replica as the real one does (the
 * delete hint when useDelHint allows it, else chooseReplicaToDelete). Every run must end "The
 * cluster is balanced" with replicas on dn11.
 *
 * pack-walk once saw "No block can be moved" (exit 254): a DataNode alone on its rack (dn10)
 * holding a 128 MB block was over-used, and without the delete hint the NameNode's own excess
 * choice never named it for a block whose other replicas share a rack, so it could give nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBalancer, type BalancerIo } from '../../cluster/balancer/balancer.js';
import type { BlockReplicas } from '../../cluster/balancer/plan.js';
import { createPrng } from '../../cluster/common/prng.js';
import { parseSize } from '../../cluster/common/units.js';
import { chooseReplicaToDelete, chooseTarget, useDelHint } from '../../cluster/namenode/placement.js';
import { NetworkTopology } from '../../cluster/net/topology.js';
import type { DatanodeInfo } from '../../cluster/protocol/types.js';
import { loadSeededPack } from '../../lab/pack/seeded.js';

const PACK = path.resolve(import.meta.dirname, '../../exercises/hdfs-basics');
const MB = 1024 * 1024;
const SEEDS = 24;
const NOW_MS = 1_000;
/** Loaded once (a second on a busy machine); the placements below vary the seed and block size. */
const seeded = loadSeededPack(PACK, 'balancer');

interface Upload {
  sizeBytes: number;
  blockBytes: number;
  replication: number;
}

/**
 * The pack's cluster at the balancer exercise, at one of the block sizes a seed may choose: its
 * topology, capacity, the uploads before dn11 joins, and dn11's rack.
 */
function balancerCluster(blockSizeChoice: number) {
  const { pack, variant } = seeded;
  if (!pack || !variant || typeof variant.topology !== 'object') throw new Error('the pack does not load');
  const sizes = pack.cluster.blockSize;
  const choices = typeof sizes === 'object' && sizes !== null && 'oneOf' in sizes ? sizes.oneOf : [sizes];
  const clusterBlockBytes = parseSize(String(choices[blockSizeChoice % choices.length]));
  const uploads: Upload[] = [];
  let newRack: string | undefined;
  for (const exercise of pack.exercises.slice(0, pack.exercises.findIndex((e) => e.id === 'balancer') + 1)) {
    for (const step of exercise.setup) {
      if ('add-datanode' in step) newRack = step['add-datanode'].rack;
      if (!('put' in step)) continue;
      const put = step.put;
      const local = put.local && fs.statSync(path.join(PACK, exercise.id, put.local)).size;
      uploads.push({
        sizeBytes: local || parseSize(String(put.size)),
        blockBytes: put.blockSize === undefined ? clusterBlockBytes : parseSize(String(put.blockSize)),
        replication: put.replication ?? variant.replication!,
      });
    }
  }
  // upload-blocks' task, and the student's own uploads at the cluster's block size (as the walk's).
  uploads.push({ sizeBytes: 48 * MB, blockBytes: 32 * MB, replication: 3 });
  for (const sizeBytes of [3 * MB + 12345, 2 * MB + 1])
    uploads.push({ sizeBytes, blockBytes: clusterBlockBytes, replication: 3 });
  if (newRack === undefined) throw new Error('the balancer setup adds no DataNode');
  const topology: Record<string, string> = { ...variant.topology, dn11: newRack };
  return { topology, capacity: parseSize(variant.conf['lab.datanode.capacity']!), uploads };
}

/** The uploads placed by chooseTarget (an off-cluster writer), as the NameNode places them. */
function place(cluster: ReturnType<typeof balancerCluster>, seed: string) {
  const names = Object.keys(cluster.topology).filter((n) => n !== 'dn11');
  const topology = new NetworkTopology(
    names.map((name) => ({ name, location: cluster.topology[name]!, address: name })),
  );
  const used = new Map([...names, 'dn11'].map((n) => [n, 0]));
  const blocks: BlockReplicas[] = [];
  const prng = createPrng(seed);
  for (const upload of cluster.uploads)
    for (let offset = 0; offset < upload.sizeBytes; offset += upload.blockBytes) {
      const numBytes = Math.min(upload.blockBytes, upload.sizeBytes - offset);
      const { targets } = chooseTarget(
        {
          writer: null,
          replicas: upload.replication,
          chosen: [],
          excluded: new Set(),
          candidates: names.map((name) => ({
            name,
            state: 'live',
            adminState: 'NORMAL',
            remainingBytes: cluster.capacity - used.get(name)!,
            xceiverCount: 0,
          })),
          blockSizeBytes: upload.blockBytes,
          prng,
        },
        topology,
      );
      for (const t of targets) used.set(t, used.get(t)! + numBytes);
      const blockId = blocks.length + 1;
      blocks.push({ blockId, genStamp: 1, numBytes, expected: upload.replication, replicas: targets });
    }
  return { used, blocks };
}

/** The balancer's I/O over the placed cluster: a move copies the block, then the NameNode deletes one. */
function fakeCluster(cluster: ReturnType<typeof balancerCluster>, seed: string) {
  const { used, blocks } = place(cluster, seed);
  const names = [...used.keys()];
  const topology = new NetworkTopology(
    names.map((name) => ({ name, location: cluster.topology[name]!, address: name })),
  );
  const info = (name: string) =>
    ({
      name,
      networkLocation: cluster.topology[name],
      capacity: cluster.capacity,
      dfsUsed: used.get(name)!,
      remaining: cluster.capacity - used.get(name)!,
      lastUpdate: NOW_MS,
    }) as DatanodeInfo;
  const io: BalancerIo = {
    namenodeUri: 'hdfs://127.0.0.1:8020',
    heartbeatIntervalMs: 1_000,
    nowMs: () => NOW_MS,
    liveDatanodes: () => Promise.resolve(names.map(info)),
    blockMap: () => Promise.resolve(blocks.map((b) => ({ ...b, replicas: [...b.replicas] }))),
    dispatch: (move) => {
      const block = blocks.find((b) => b.blockId === move.blockId)!;
      const all = [...block.replicas, move.target];
      used.set(move.target, used.get(move.target)! + block.numBytes);
      const remainingBytes = Object.fromEntries(names.map((n) => [n, cluster.capacity - used.get(n)!]));
      const lastHeartbeatMs = Object.fromEntries(names.map((n) => [n, NOW_MS]));
      const victim = useDelHint(all, { hint: move.source, added: move.target }, topology)
        ? move.source
        : chooseReplicaToDelete(
            all,
            { lastHeartbeatMs, remainingBytes, nowMs: NOW_MS, heartbeatIntervalMs: 1_000 },
            topology,
          )!;
      block.replicas = all.filter((r) => r !== victim);
      used.set(victim, used.get(victim)! - block.numBytes);
      return Promise.resolve(true);
    },
    settle: () => Promise.resolve(),
  };
  return { io, used };
}

describe("the balancer exercise on the earlier exercises' cluster", () => {
  it(`ends balanced with replicas on dn11 for ${SEEDS} placements`, async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < SEEDS; i++) {
      const seed = `balancer-${i}`;
      const { io, used } = fakeCluster(balancerCluster(i), seed);
      const lines: string[] = [];
      await runBalancer(io, { thresholdPct: 5, print: (l) => lines.push(l) });
      const dn11 = used.get('dn11')!;
      outcomes.push(`${seed}: ${lines.at(-2)} dn11 ${dn11 > 0 ? 'holds replicas' : 'empty'}`);
    }
    expect(outcomes).toEqual(
      outcomes.map((o) => `${o.split(':')[0]}: The cluster is balanced. Exiting... dn11 holds replicas`),
    );
  });
});
