/**
 * A student's cluster from the pack's bounds and their seed, pure. The same seed gives the same
 * cluster everywhere; other parts of the lab fork the same seed for their own choices.
 */
import { createPrng, type Prng } from '../../cluster/common/prng.js';
import { parseSize } from '../../cluster/common/units.js';
import type { ClusterSpec } from './schema.js';

export interface ClusterVariant {
  seed: string;
  datanodes: number;
  /** Round-robin racks, when the pack gives racks rather than a topology. */
  racks?: number;
  /** dnN → /dc/rack, or the name of a topology file of the pack. */
  topology?: string | Record<string, string>;
  blockSizeBytes?: number;
  replication?: number;
  conf: Record<string, string>;
}

function pickInt(prng: Prng, value: number | { min: number; max: number }): number {
  return typeof value === 'number' ? value : value.min + prng.int(value.max - value.min + 1);
}

function pickOne<T>(prng: Prng, value: T | { oneOf: T[] }): T {
  if (value !== null && typeof value === 'object' && 'oneOf' in value)
    return value.oneOf[prng.int(value.oneOf.length)]!;
  return value as T;
}

export function chooseVariant(cluster: ClusterSpec, seed: string): ClusterVariant {
  const prng = createPrng(seed).fork('pack-cluster');
  const datanodes = pickInt(prng.fork('datanodes'), cluster.datanodes);
  const racks =
    cluster.racks === undefined ? undefined : Math.min(datanodes, pickInt(prng.fork('racks'), cluster.racks));
  const blockSize =
    cluster.blockSize === undefined ? undefined : pickOne(prng.fork('blockSize'), cluster.blockSize);
  const replication =
    cluster.replication === undefined ? undefined : pickOne(prng.fork('replication'), cluster.replication);
  const conf = Object.fromEntries(Object.entries(cluster.conf ?? {}).map(([k, v]) => [k, String(v)]));
  return {
    seed,
    datanodes,
    ...(racks === undefined ? {} : { racks }),
    ...(cluster.topology === undefined ? {} : { topology: cluster.topology }),
    ...(blockSize === undefined ? {} : { blockSizeBytes: parseSize(String(blockSize)) }),
    ...(replication === undefined ? {} : { replication: Math.min(replication, datanodes) }),
    conf,
  };
}
