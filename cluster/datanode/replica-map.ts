/**
 * A volume's finalized replicas in memory (HDFS's ReplicaMap inside FsDatasetImpl): built once from
 * disk when the volume loads, then updated as replicas are finalized, deleted or recovered, so
 * reads, the block scanner and the heartbeat's dfsUsed never walk the directory tree. Pure: no I/O.
 *
 * Lookups by block id are O(1) (a Map). The scanner walks replicas in block-id order, so the ids are
 * also kept sorted: `nextAfter` is a binary search, and inserting the newest block (ids are
 * allocated in increasing order) is an append.
 */

export interface ReplicaEntry {
  blockId: number;
}

export class ReplicaMap<R extends ReplicaEntry> {
  private readonly byId = new Map<number, R>();
  /** Every id in `byId`, ascending. */
  private readonly sortedIds: number[] = [];

  get size(): number {
    return this.byId.size;
  }

  get(blockId: number): R | undefined {
    return this.byId.get(blockId);
  }

  has(blockId: number): boolean {
    return this.byId.has(blockId);
  }

  /** Adds or replaces the replica of `replica.blockId` (a new generation stamp replaces the old). */
  set(replica: R): void {
    const { blockId } = replica;
    if (!this.byId.has(blockId)) {
      const last = this.sortedIds[this.sortedIds.length - 1];
      if (last === undefined || blockId > last) this.sortedIds.push(blockId);
      else this.sortedIds.splice(lowerBound(this.sortedIds, blockId), 0, blockId);
    }
    this.byId.set(blockId, replica);
  }

  delete(blockId: number): boolean {
    if (!this.byId.delete(blockId)) return false;
    this.sortedIds.splice(lowerBound(this.sortedIds, blockId), 1);
    return true;
  }

  /** Replaces every entry (a reload from disk). */
  replaceAll(replicas: Iterable<R>): void {
    this.byId.clear();
    for (const r of replicas) this.byId.set(r.blockId, r);
    this.sortedIds.length = 0;
    this.sortedIds.push(...this.byId.keys());
    this.sortedIds.sort((a, b) => a - b);
  }

  /** The smallest block id greater than `blockId` (the first id when null), or undefined past the end. */
  nextAfter(blockId: number | null): number | undefined {
    if (blockId === null) return this.sortedIds[0];
    return this.sortedIds[lowerBound(this.sortedIds, blockId + 1)];
  }

  /** Replicas in block-id order. */
  *values(): IterableIterator<R> {
    for (const id of this.sortedIds) yield this.byId.get(id) as R;
  }
}

/** The first index whose id is >= `blockId` (sortedIds.length when none). */
function lowerBound(sortedIds: readonly number[], blockId: number): number {
  let lo = 0;
  let hi = sortedIds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sortedIds[mid] as number) < blockId) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
