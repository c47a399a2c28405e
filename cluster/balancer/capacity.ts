/**
 * A DataNode's configured capacity. The lab's DataNodes share one disk, so the capacity statfs
 * gives is the same for all of them and so large that a few MB of replicas never move a
 * DataNode's utilisation by a whole percent — the balancer's threshold is 1–100 %. The lab-only
 * key `lab.datanode.capacity` gives every DataNode a capacity of its own, as Hadoop's balancer
 * tests do with MiniDFSCluster's storage capacities (FsVolumeImpl.setCapacityForTesting).
 * Pure: the DataNode process applies it to the statistics of each heartbeat.
 */
import { parseSize } from '../common/units.js';
import type { LabConfig } from '../config/config.js';

export const CAPACITY_KEY = 'lab.datanode.capacity';

export interface VolumeUsage {
  capacity: number;
  dfsUsed: number;
  remaining: number;
  nonDfsUsed: number;
}

/** The configured capacity in bytes, or undefined when the key is unset, empty or 0 (use the disk). */
export function configuredCapacityBytes(config: LabConfig): number | undefined {
  if (!config.has(CAPACITY_KEY)) return undefined;
  const text = config.get(CAPACITY_KEY);
  if (text === '') return undefined;
  const bytes = parseSize(text);
  return bytes > 0 ? bytes : undefined;
}

/** HDFS's FsVolumeImpl: remaining = min(capacity − dfsUsed, what the disk has left). */
export function withCapacity<T extends VolumeUsage>(usage: T, capacityBytes: number | undefined): T {
  if (capacityBytes === undefined) return usage;
  const capacity = Math.min(capacityBytes, usage.capacity);
  const remaining = Math.max(0, Math.min(capacity - usage.dfsUsed, usage.remaining));
  return { ...usage, capacity, remaining, nonDfsUsed: 0 };
}
