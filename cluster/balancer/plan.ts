/**
 * The balancer's pure stage (Hadoop's Balancer.init + Dispatcher's block choice): from the
 * DataNodes' storage reports and the block map, classify each DataNode by its utilisation
 * against the cluster average ± threshold, and choose replica moves from over- to under-used
 * DataNodes that keep the placement rules. No I/O: the run in balancer.ts feeds it
 * the cluster's answers, and lab/commands/balancer.ts carries the moves out.
 *
 * A move is REPLACE_BLOCK to the target with the source as delete hint: the target copies the
 * replica and reports it RECEIVED with the hint, and the NameNode, now holding one replica too
 * many, deletes the hinted source if that keeps the block's racks (useDelHint), else one of its
 * own choice (chooseReplicaToDelete). A move is planned only where the NameNode will delete the
 * source — by the hint or by its own choice, the same functions it runs — so a move moves.
 */
import { chooseReplicaToDelete, isPlacementSatisfied, useDelHint } from '../namenode/placement.js';
import { NetworkTopology, compareNames } from '../net/topology.js';

/** Balancer's max-size-to-move: at most this many bytes per DataNode per iteration. */
export const MAX_SIZE_TO_MOVE_BYTES = 10_737_418_240;
/** -idleiterations default: give up after this many iterations that moved nothing. */
export const IDLE_ITERATIONS_MAX = 5;

export interface StorageReport {
  name: string;
  rack: string;
  capacity: number;
  dfsUsed: number;
  remaining: number;
  lastUpdateMs: number;
}

export interface BlockReplicas {
  blockId: number;
  genStamp: number;
  numBytes: number;
  /** The file's replication. */
  expected: number;
  /** DataNodes holding a live, finalized replica. */
  replicas: string[];
}

export type UtilisationClass = 'over-utilized' | 'above-average' | 'below-average' | 'under-utilized';

export interface ClassifiedDatanode extends StorageReport {
  /** dfsUsed / capacity × 100. */
  utilization: number;
  class: UtilisationClass;
  /** How far it may give (sources) or take (targets) this iteration. */
  maxSizeToMoveBytes: number;
}

export interface Classification {
  averageUtilization: number;
  datanodes: ClassifiedDatanode[];
  /** Bytes that must move for every DataNode to be within the threshold (Hadoop's "Bytes Left To Move"). */
  bytesLeftToMove: number;
}

export interface PlannedMove {
  blockId: number;
  genStamp: number;
  numBytes: number;
  source: string;
  target: string;
}

const percentToBytes = (percent: number, capacity: number): number => Math.floor((percent * capacity) / 100);

export function classify(reports: readonly StorageReport[], thresholdPct: number): Classification {
  const usable = reports.filter((r) => r.capacity > 0);
  const totalCapacity = usable.reduce((sum, r) => sum + r.capacity, 0);
  const totalUsed = usable.reduce((sum, r) => sum + r.dfsUsed, 0);
  const average = totalCapacity === 0 ? 0 : (totalUsed * 100) / totalCapacity;
  let overBytes = 0;
  let underBytes = 0;
  const datanodes = usable
    .map((r): ClassifiedDatanode => {
      const utilization = (r.dfsUsed * 100) / r.capacity;
      const diff = utilization - average;
      const beyond = Math.abs(diff) - thresholdPct;
      const cls: UtilisationClass =
        diff > 0
          ? beyond > 0
            ? 'over-utilized'
            : 'above-average'
          : beyond > 0
            ? 'under-utilized'
            : 'below-average';
      if (cls === 'over-utilized') overBytes += percentToBytes(beyond, r.capacity);
      if (cls === 'under-utilized') underBytes += percentToBytes(beyond, r.capacity);
      let maxSize = Math.min(MAX_SIZE_TO_MOVE_BYTES, percentToBytes(Math.abs(diff), r.capacity));
      if (diff < 0) maxSize = Math.min(maxSize, r.remaining);
      return { ...r, utilization, class: cls, maxSizeToMoveBytes: maxSize };
    })
    .sort((a, b) => compareNames(a.name, b.name));
  return { averageUtilization: average, datanodes, bytesLeftToMove: Math.max(overBytes, underBytes) };
}

export function isBalanced(classification: Classification): boolean {
  return !classification.datanodes.some((d) => d.class === 'over-utilized' || d.class === 'under-utilized');
}

/**
 * Hadoop's pairing order: over-utilized → under-utilized, then over → below-average, then
 * above-average → under-utilized; within each, same rack before other racks.
 */
function pairs(classification: Classification): { source: ClassifiedDatanode; target: ClassifiedDatanode }[] {
  const of = (cls: UtilisationClass): ClassifiedDatanode[] =>
    classification.datanodes.filter((d) => d.class === cls);
  const rounds: [UtilisationClass, UtilisationClass][] = [
    ['over-utilized', 'under-utilized'],
    ['over-utilized', 'below-average'],
    ['above-average', 'under-utilized'],
  ];
  const out: { source: ClassifiedDatanode; target: ClassifiedDatanode }[] = [];
  for (const [from, to] of rounds) {
    for (const sameRack of [true, false]) {
      for (const source of of(from))
        for (const target of of(to))
          if ((source.rack === target.rack) === sameRack) out.push({ source, target });
    }
  }
  return out;
}

/**
 * Moves for one iteration: for each pair, blocks of the source the target lacks, largest
 * first, while both still have bytes to give and take; a block moves at most once.
 */
export function planMoves(options: {
  classification: Classification;
  blocks: readonly BlockReplicas[];
  nowMs: number;
  heartbeatIntervalMs: number;
}): PlannedMove[] {
  const { classification } = options;
  const topology = new NetworkTopology(
    classification.datanodes.map((d) => ({ name: d.name, location: d.rack, address: d.name })),
  );
  const budget = new Map(classification.datanodes.map((d) => [d.name, d.maxSizeToMoveBytes]));
  // Bytes each DataNode would hold after the moves planned so far, and its distance from the average.
  const used = new Map(classification.datanodes.map((d) => [d.name, d.dfsUsed]));
  const capacity = new Map(classification.datanodes.map((d) => [d.name, d.capacity]));
  const deviation = (name: string, delta: number): number =>
    Math.abs(
      (used.get(name) ?? 0) + delta - ((capacity.get(name) ?? 0) * classification.averageUtilization) / 100,
    );
  const moved = new Set<number>();
  const moves: PlannedMove[] = [];
  const blocks = [...options.blocks].sort((a, b) => b.numBytes - a.numBytes || a.blockId - b.blockId);
  for (const { source, target } of pairs(classification)) {
    for (const block of blocks) {
      if ((budget.get(source.name) ?? 0) <= 0 || (budget.get(target.name) ?? 0) <= 0) break;
      if (moved.has(block.blockId) || block.numBytes === 0) continue;
      if (!block.replicas.includes(source.name) || block.replicas.includes(target.name)) continue;
      // A block larger than the imbalance would only move it elsewhere (and back next iteration).
      const before = deviation(source.name, 0) + deviation(target.name, 0);
      const after = deviation(source.name, -block.numBytes) + deviation(target.name, block.numBytes);
      if (after >= before) continue;
      if (!isGoodMove(block, source.name, target.name, topology, classification, options)) continue;
      used.set(source.name, (used.get(source.name) ?? 0) - block.numBytes);
      used.set(target.name, (used.get(target.name) ?? 0) + block.numBytes);
      moved.add(block.blockId);
      moves.push({ ...pick(block), source: source.name, target: target.name });
      budget.set(source.name, (budget.get(source.name) ?? 0) - block.numBytes);
      budget.set(target.name, (budget.get(target.name) ?? 0) - block.numBytes);
    }
  }
  return moves;
}

function pick(block: BlockReplicas): { blockId: number; genStamp: number; numBytes: number } {
  return { blockId: block.blockId, genStamp: block.genStamp, numBytes: block.numBytes };
}

/**
 * The placement rule (the racks spanned must not drop) and the NameNode's excess choice: after
 * the copy it must delete the source's replica, not another one — the hinted source when
 * useDelHint allows it (a DataNode alone on its rack can give a replica to another rack that
 * way), else whichever replica chooseReplicaToDelete picks.
 */
function isGoodMove(
  block: BlockReplicas,
  source: string,
  target: string,
  topology: NetworkTopology,
  classification: Classification,
  options: { nowMs: number; heartbeatIntervalMs: number },
): boolean {
  const after = [...block.replicas.filter((r) => r !== source), target];
  const racksBefore = new Set(block.replicas.map((r) => topology.getLocation(r))).size;
  const racksAfter = new Set(after.map((r) => topology.getLocation(r))).size;
  if (racksAfter < racksBefore && !isPlacementSatisfied(after, block.expected, topology)) return false;
  if (useDelHint([...block.replicas, target], { hint: source, added: target }, topology)) return true;
  const lastHeartbeatMs: Record<string, number> = {};
  const remainingBytes: Record<string, number> = {};
  for (const d of classification.datanodes) {
    lastHeartbeatMs[d.name] = d.lastUpdateMs;
    // The target is about to receive the block: the NameNode will see it that much fuller.
    remainingBytes[d.name] = d.name === target ? d.remaining - block.numBytes : d.remaining;
  }
  const victim = chooseReplicaToDelete(
    [...block.replicas, target],
    {
      lastHeartbeatMs,
      remainingBytes,
      nowMs: options.nowMs,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
    },
    topology,
  );
  return victim === source;
}
