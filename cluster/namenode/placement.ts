/**
 * The default block placement policy (BlockPlacementPolicyDefault) and its companions: read
 * ordering, the fsck placement check and the choice of an excess replica to delete
 * (BlockPlacementPolicyDefault, NetworkTopology).
 *
 * Pure: the caller passes the DataNodes' state, the NetworkTopology and a seeded PRNG, so a seed
 * reproduces every choice. The HDFS design's reasoning is quoted (in our words) beside each rule.
 */
import type { Prng } from '../common/prng.js';
import { compareNames, type NetworkTopology, type TopologyEndpoint } from '../net/topology.js';
import type { AdminState, DatanodeLiveness } from '../protocol/types.js';

/** `dfs.namenode.redundancy.considerLoad.factor`: a DataNode busier than 2 × the average is skipped. */
export const CONSIDER_LOAD_FACTOR = 2.0;
/** `dfs.namenode.write.stale.datanode.ratio`: stop avoiding stale DataNodes above this fraction. */
export const STALE_WRITE_RATIO_MAX = 0.5;
/** A target needs free space for this many full blocks (HdfsServerConstants.MIN_BLOCKS_FOR_WRITE). */
export const MIN_BLOCKS_FOR_WRITE = 1;
/** An excess replica on a DataNode silent for longer than this many heartbeats is deleted first. */
export const EXCESS_REPLICA_HEARTBEAT_MULTIPLIER = 4;

export type RejectReason =
  'NOT_IN_SERVICE' | 'NODE_STALE' | 'NODE_TOO_BUSY' | 'TOO_MANY_NODES_ON_RACK' | 'NOT_ENOUGH_STORAGE_SPACE';

/** What the policy needs to know of a DatanodeDescriptor. */
export interface PlacementCandidate {
  name: string;
  state: DatanodeLiveness;
  adminState: AdminState;
  remainingBytes: number;
  xceiverCount: number;
}

export interface ChooseTargetRequest {
  /** A DataNode name when the writer runs on that DataNode's host (or is the re-replication source), else null. */
  writer: string | null;
  /** How many more targets are wanted. */
  replicas: number;
  /** DataNodes already holding replicas (re-replication); they count for the rack rules. */
  chosen: string[];
  /** Client-excluded DataNodes (e.g. ones a failed pipeline could not reach). */
  excluded: ReadonlySet<string>;
  candidates: PlacementCandidate[];
  blockSizeBytes: number;
  prng: Prng;
  /** `dfs.namenode.redundancy.considerLoad`, default true. */
  considerLoad?: boolean;
  /** `dfs.namenode.avoid.write.stale.datanode`, default false. */
  avoidStale?: boolean;
}

export interface PlacementRejection {
  name: string;
  reason: RejectReason;
}

export interface ChooseTargetResult {
  /** New targets only, in pipeline order. May be shorter than asked when the cluster cannot do better. */
  targets: string[];
  /** DataNodes looked at and turned down, with the reason that held each out. */
  rejected: PlacementRejection[];
}

/**
 * Per-rack cap: "spread the replicas over the racks, but allow a little imbalance" — at most
 * (total − 1) / racks + 2 per rack, never all of them on one rack when there is a choice.
 * Examples: 3 replicas / 2 racks → 2; 3 / 3 → 2; 10 / 2 → 6.
 */
export function maxReplicasPerRack(totalReplicas: number, racks: number): number {
  if (racks <= 1 || totalReplicas <= 1) return totalReplicas;
  const cap = Math.floor((totalReplicas - 1) / racks) + 2;
  return cap === totalReplicas ? cap - 1 : cap;
}

/** The state of one chooseTarget call; `results` holds the already chosen replicas, then the new ones. */
interface Choosing {
  readonly topology: NetworkTopology;
  readonly prng: Prng;
  /** DataNodes that may be chosen: in the topology and not dead (dead ones are out of the cluster map). */
  readonly usable: ReadonlyMap<string, PlacementCandidate>;
  readonly results: string[];
  /** Client-excluded DataNodes plus every DataNode already looked at in this call. */
  readonly excluded: Set<string>;
  readonly rejected: Map<string, RejectReason>;
  readonly maxPerRack: number;
  readonly requiredBytes: number;
  /** xceiver count above which a DataNode is too busy; null when load is not considered. */
  readonly maxLoad: number | null;
  readonly avoidStale: boolean;
}

/** BlockPlacementPolicyDefault.chooseTarget: pick `replicas` more DataNodes for one block. */
export function chooseTarget(request: ChooseTargetRequest, topology: NetworkTopology): ChooseTargetResult {
  assertRequest(request);
  const usable = new Map<string, PlacementCandidate>();
  for (const candidate of request.candidates) {
    if (candidate.state !== 'dead' && topology.has(candidate.name)) usable.set(candidate.name, candidate);
  }
  const chosen = request.chosen.filter((name) => topology.has(name));
  const clusterNames = new Set([...usable.keys(), ...chosen]);
  // Never two replicas on one DataNode, so a block cannot have more replicas than the cluster has DataNodes.
  const total = Math.min(chosen.length + request.replicas, clusterNames.size);
  const wanted = Math.max(0, total - chosen.length);
  // getNumOfNonEmptyRacks: a rack whose DataNodes are all leaving service takes no replicas.
  const racks = new Set(
    [...clusterNames]
      .filter((name) => (usable.get(name)?.adminState ?? 'NORMAL') === 'NORMAL')
      .map((name) => topology.getLocation(name)),
  );
  const writer = request.writer !== null && topology.has(request.writer) ? request.writer : null;

  const base = {
    topology,
    prng: request.prng,
    usable,
    results: [...chosen],
    rejected: new Map<string, RejectReason>(),
    maxPerRack: maxReplicasPerRack(total, racks.size),
    requiredBytes: request.blockSizeBytes * MIN_BLOCKS_FOR_WRITE,
    maxLoad: request.considerLoad === false ? null : maxXceiverLoad(usable),
  };
  const avoidStale = request.avoidStale === true && staleAvoidanceAllowed(usable);
  const first: Choosing = {
    ...base,
    excluded: new Set([...request.excluded, ...chosen]),
    avoidStale,
  };
  chooseInOrder(first, writer, wanted);
  if (avoidStale && first.results.length < total) {
    // Too few fresh DataNodes: retry, this time accepting stale ones, keeping what was chosen.
    const retry: Choosing = {
      ...base,
      results: first.results,
      rejected: first.rejected,
      excluded: new Set([...request.excluded, ...first.results]),
      avoidStale: false,
    };
    chooseInOrder(retry, writer, total - first.results.length);
  }

  const newTargets = first.results.slice(chosen.length);
  const rejected = [...first.rejected]
    .filter(([name]) => !newTargets.includes(name))
    .map(([name, reason]) => ({ name, reason }));
  return { targets: pipelineOrder(writer, newTargets, topology), rejected };
}

function assertRequest(request: ChooseTargetRequest): void {
  if (!Number.isInteger(request.replicas) || request.replicas < 0) {
    throw new Error(`chooseTarget: replicas must be a non-negative integer, got ${request.replicas}`);
  }
  if (!(request.blockSizeBytes >= 0)) {
    throw new Error(`chooseTarget: blockSizeBytes must be ≥ 0, got ${request.blockSizeBytes}`);
  }
}

/** The load limit is relative to the in-service DataNodes' average, so a busy cluster still writes. */
function maxXceiverLoad(usable: ReadonlyMap<string, PlacementCandidate>): number | null {
  const inService = [...usable.values()].filter((candidate) => candidate.adminState === 'NORMAL');
  if (inService.length === 0) return null;
  const average = inService.reduce((sum, candidate) => sum + candidate.xceiverCount, 0) / inService.length;
  return CONSIDER_LOAD_FACTOR * average;
}

/** When too many DataNodes are stale, avoiding them all would leave too few targets; HDFS gives up avoiding. */
function staleAvoidanceAllowed(usable: ReadonlyMap<string, PlacementCandidate>): boolean {
  const stale = [...usable.values()].filter((candidate) => candidate.state === 'stale').length;
  return stale <= usable.size * STALE_WRITE_RATIO_MAX;
}

/**
 * The order of the rules: the first replica near the writer, the second off its rack, the third
 * beside the second, the rest anywhere. With replicas already chosen (re-replication) the same
 * rules continue from them.
 */
function chooseInOrder(ctx: Choosing, writer: string | null, wanted: number): void {
  const goal = ctx.results.length + wanted;
  const done = (): boolean => ctx.results.length >= goal;
  if (done()) return;
  if (ctx.results.length === 0) {
    chooseLocal(ctx, writer);
    if (done()) return;
  }
  const first = ctx.results[0];
  if (first === undefined) return;
  if (ctx.results.length === 1) {
    chooseRemoteRack(ctx, first);
    if (done()) return;
  }
  const second = ctx.results[1];
  if (ctx.results.length === 2 && second !== undefined) {
    chooseThird(ctx, first, second);
    if (done()) return;
  }
  chooseRandom(ctx, () => true, goal - ctx.results.length);
}

/**
 * Replica 1: "the writer's own DataNode saves a network hop for the first copy". If the writer
 * is not a usable DataNode, stay on its rack; an off-cluster writer gets a random DataNode.
 */
function chooseLocal(ctx: Choosing, writer: string | null): void {
  if (writer === null) {
    chooseRandom(ctx, () => true, 1);
    return;
  }
  if (ctx.usable.has(writer) && tryTarget(ctx, writer)) return;
  chooseLocalRack(ctx, writer);
}

/**
 * Replica 2: "a different rack, so losing a whole rack (its switch or power) does not lose the
 * block". Falls back to the first replica's rack when no other rack has a usable DataNode.
 */
function chooseRemoteRack(ctx: Choosing, anchor: string): void {
  const rack = ctx.topology.getLocation(anchor);
  if (chooseRandom(ctx, (location) => location !== rack, 1) > 0) return;
  if (chooseRandom(ctx, (location) => location === rack, 1) > 0) return;
  chooseRandom(ctx, () => true, 1);
}

/**
 * Replica 3: "on the second replica's rack, so two of three copies share a rack and the write
 * crosses racks only once" — unless replicas 1 and 2 already share a rack, in which case a remote
 * rack is needed to survive that rack's loss.
 */
function chooseThird(ctx: Choosing, first: string, second: string): void {
  if (ctx.topology.isOnSameRack(first, second)) chooseRemoteRack(ctx, first);
  else chooseLocalRack(ctx, second);
}

/** A DataNode on the anchor's rack; else on the rack of another chosen replica; else anywhere. */
function chooseLocalRack(ctx: Choosing, anchor: string): void {
  const rack = ctx.topology.getLocation(anchor);
  if (chooseRandom(ctx, (location) => location === rack, 1) > 0) return;
  for (const other of ctx.results) {
    if (other === anchor) continue;
    const otherRack = ctx.topology.getLocation(other);
    if (chooseRandom(ctx, (location) => location === otherRack, 1) > 0) return;
  }
  chooseRandom(ctx, () => true, 1);
}

/**
 * Up to `count` random DataNodes whose rack satisfies `inScope`. Names are sorted before the
 * shuffle so that only the seed, never the order of the candidate list, decides.
 */
function chooseRandom(ctx: Choosing, inScope: (rack: string | undefined) => boolean, count: number): number {
  const scope = [...ctx.usable.keys()]
    .filter((name) => !ctx.excluded.has(name) && inScope(ctx.topology.getLocation(name)))
    .sort(compareNames);
  let added = 0;
  for (const name of ctx.prng.shuffle(scope)) {
    if (added >= count) break;
    if (tryTarget(ctx, name)) added++;
  }
  return added;
}

/** Look at a DataNode once per call: it is either chosen or excluded with its reason. */
function tryTarget(ctx: Choosing, name: string): boolean {
  if (ctx.excluded.has(name)) return false;
  ctx.excluded.add(name);
  const reason = rejectReason(ctx, name);
  if (reason !== null) {
    ctx.rejected.set(name, reason);
    return false;
  }
  ctx.results.push(name);
  return true;
}

/** isGoodDatanode plus the space check, in the order HDFS applies them. */
function rejectReason(ctx: Choosing, name: string): RejectReason | null {
  const candidate = ctx.usable.get(name);
  if (candidate === undefined) return 'NOT_IN_SERVICE';
  // Decommissioning DataNodes are being emptied; giving them new replicas would work against that.
  if (candidate.adminState !== 'NORMAL') return 'NOT_IN_SERVICE';
  // A stale DataNode may be dead already; a pipeline through it would likely fail.
  if (ctx.avoidStale && candidate.state === 'stale') return 'NODE_STALE';
  // A DataNode serving far more transfers than its peers would slow the whole pipeline.
  if (ctx.maxLoad !== null && candidate.xceiverCount > ctx.maxLoad) return 'NODE_TOO_BUSY';
  const rack = ctx.topology.getLocation(name);
  const onRack = ctx.results.filter((chosen) => ctx.topology.getLocation(chosen) === rack).length;
  if (onRack >= ctx.maxPerRack) return 'TOO_MANY_NODES_ON_RACK';
  // The whole block must fit, or the write would fail part-way.
  if (candidate.remainingBytes < ctx.requiredBytes) return 'NOT_ENOUGH_STORAGE_SPACE';
  return null;
}

/**
 * Pipeline order: "each hop goes to the nearest DataNode not yet in the pipeline", a greedy
 * approximation of the shortest path through all targets. Starts at the writer's DataNode, or at
 * the first target for an off-cluster writer; equal distances go to the smaller name.
 */
export function pipelineOrder(
  writer: string | null,
  targets: readonly string[],
  topology: NetworkTopology,
): string[] {
  const remaining = [...targets];
  const pipeline: string[] = [];
  let current = writer ?? remaining[0];
  while (current !== undefined && remaining.length > 0) {
    const from: string = current;
    remaining.sort(
      (a, b) => topology.getDistance(from, a) - topology.getDistance(from, b) || compareNames(a, b),
    );
    const next = remaining.shift() as string;
    pipeline.push(next);
    current = next;
  }
  return pipeline;
}

/** A replica holder's state as read ordering needs it. */
export interface ReplicaHolderState {
  state: DatanodeLiveness;
  adminState: AdminState;
}

export interface ReadOrderStates {
  /** State per DataNode name; a name without an entry counts as live and in service. */
  holders: Readonly<Record<string, ReplicaHolderState>>;
  /** `dfs.namenode.avoid.read.stale.datanode`, default false. */
  avoidStale?: boolean;
}

/**
 * Read order (sortLocatedBlocks): "serve a read from the replica nearest the reader". Live
 * in-service replicas come first, sorted by distance; then stale (only when avoiding stale reads),
 * decommissioning or entering maintenance, decommissioned and dead ones, each group in the given
 * order. Replicas at equal
 * distance are shuffled so that many readers spread their load over the copies.
 */
export function sortLocatedReplicas(
  reader: TopologyEndpoint | null,
  replicaNames: readonly string[],
  topology: NetworkTopology,
  prng: Prng,
  states?: ReadOrderStates,
): string[] {
  const tiers: string[][] = [[], [], [], [], []];
  for (const name of replicaNames) tiers[readTier(name, states)]?.push(name);
  const [active = [], ...inactive] = tiers;
  return [...byDistanceShuffled(reader, active, topology, prng), ...inactive.flat()];
}

/** 0 active, 1 stale (when avoided), 2 decommissioning or entering maintenance, 3 decommissioned, 4 dead. */
function readTier(name: string, states: ReadOrderStates | undefined): number {
  const holder = states?.holders[name];
  if (holder === undefined) return 0;
  if (holder.state === 'dead') return 4;
  if (holder.adminState === 'DECOMMISSIONED') return 3;
  // DFSUtil.ServiceComparator: entering maintenance after the in-service replicas.
  if (holder.adminState === 'DECOMMISSION_INPROGRESS' || holder.adminState === 'ENTERING_MAINTENANCE')
    return 2;
  if (holder.state === 'stale' && states?.avoidStale === true) return 1;
  return 0;
}

function byDistanceShuffled(
  reader: TopologyEndpoint | null,
  names: readonly string[],
  topology: NetworkTopology,
  prng: Prng,
): string[] {
  const byWeight = new Map<number, string[]>();
  for (const name of names) {
    const weight = reader === null ? Number.POSITIVE_INFINITY : topology.getDistance(reader, name);
    byWeight.set(weight, [...(byWeight.get(weight) ?? []), name]);
  }
  return [...byWeight.keys()]
    .sort((a, b) => a - b)
    .flatMap((weight) => prng.shuffle((byWeight.get(weight) ?? []).sort(compareNames)));
}

/**
 * verifyBlockPlacement, fsck's "Mis-replicated": on a multi-rack cluster a block must span
 * min(2, replication) racks, so one rack's loss cannot take every copy. A single-rack cluster
 * cannot do better, so it is never mis-replicated.
 */
export function isPlacementSatisfied(
  replicaNames: readonly string[],
  replication: number,
  topology: NetworkTopology,
): boolean {
  // BlockPlacementStatusDefault: racks whose DataNodes are all being decommissioned do not count.
  if (topology.numOfNonEmptyRacks() <= 1) return true;
  const racks = new Set<string>();
  for (const name of replicaNames) {
    const rack = topology.getLocation(name);
    if (rack !== undefined) racks.add(rack);
  }
  return racks.size >= Math.min(2, replication);
}

export interface ExcessReplicaStats {
  lastHeartbeatMs: Readonly<Record<string, number>>;
  remainingBytes: Readonly<Record<string, number>>;
  nowMs: number;
  heartbeatIntervalMs: number;
}

/**
 * Which excess replica to delete (after `-setrep` down or a returning DataNode). Delete from a rack
 * that holds more than one replica, so the number of racks spanned does not drop. Among those,
 * prefer the DataNode silent longest (over 4 heartbeats: it may be failing anyway), else the one with
 * the least free space. Ties go to the smaller name. Null when there is no replica.
 */
export function chooseReplicaToDelete(
  replicaNames: readonly string[],
  stats: ExcessReplicaStats,
  topology: NetworkTopology,
): string | null {
  const pool = replicasOnCrowdedRacks(replicaNames, topology);
  let oldestHeartbeatMs = stats.nowMs - EXCESS_REPLICA_HEARTBEAT_MULTIPLIER * stats.heartbeatIntervalMs;
  let silentLongest: string | null = null;
  let leastSpaceBytes = Number.POSITIVE_INFINITY;
  let leastSpace: string | null = null;
  for (const name of pool) {
    // A DataNode without a recorded heartbeat or capacity is treated as fresh and roomy.
    const lastHeartbeatMs = stats.lastHeartbeatMs[name] ?? stats.nowMs;
    const remainingBytes = stats.remainingBytes[name] ?? Number.POSITIVE_INFINITY;
    if (lastHeartbeatMs < oldestHeartbeatMs) {
      oldestHeartbeatMs = lastHeartbeatMs;
      silentLongest = name;
    }
    if (remainingBytes < leastSpaceBytes) {
      leastSpaceBytes = remainingBytes;
      leastSpace = name;
    }
  }
  return silentLongest ?? leastSpace ?? pool[0] ?? null;
}

/**
 * Whether the NameNode deletes the replica a delete hint names (REPLACE_BLOCK's delHint, which the
 * balancer sets to the move's source) as the first excess replica, instead of its own choice:
 * BlockPlacementPolicyDefault.useDelHint — only when that keeps the racks the block spans, i.e.
 * the hinted replica shares its rack with another replica, or the replica just `added` is alone on
 * its rack (it brought a new rack). `replicaNames` are all the block's replicas, `added` among them.
 */
export function useDelHint(
  replicaNames: readonly string[],
  hint: { hint: string; added: string },
  topology: NetworkTopology,
): boolean {
  if (!replicaNames.includes(hint.hint)) return false;
  const crowded = new Set(crowdedRacksReplicas(replicaNames, topology));
  return crowded.has(hint.hint) || !crowded.has(hint.added);
}

/** Replicas on racks holding more than one replica, or all of them if no rack does; sorted by name. */
function replicasOnCrowdedRacks(replicaNames: readonly string[], topology: NetworkTopology): string[] {
  const crowded = crowdedRacksReplicas(replicaNames, topology);
  return (crowded.length > 0 ? crowded : [...new Set(replicaNames)]).sort(compareNames);
}

/** Replicas on racks holding more than one replica (BlockPlacementPolicyDefault's moreThanOne). */
function crowdedRacksReplicas(replicaNames: readonly string[], topology: NetworkTopology): string[] {
  const byRack = new Map<string, string[]>();
  for (const name of new Set(replicaNames)) {
    // A name the topology does not know is alone on its own (unknown) rack.
    const rack = topology.getLocation(name) ?? `?${name}`;
    byRack.set(rack, [...(byRack.get(rack) ?? []), name]);
  }
  return [...byRack.values()].filter((names) => names.length > 1).flat();
}
