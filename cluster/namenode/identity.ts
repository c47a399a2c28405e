/**
 * Storage identity of a formatted namespace — namespaceID, clusterID (CID-<uuid>) and
 * blockpoolID (BP-<rand31>-<nn ip>-<creation ms>) in HDFS's formats — drawn from the cluster's
 * seed so that the same seed reproduces them (a grader rebuilds the cluster a student had).
 * The creation time in the block pool id is drawn from the seed too (a day in 2025), not the
 * wall clock, for the same reason.
 */
import { createPrng, prngUuid } from '../common/prng.js';

export interface NamespaceIdentity {
  namespaceId: number;
  clusterId: string;
  blockPoolId: string;
  cTime: number;
}

const IDENTITY_EPOCH_MS = Date.UTC(2025, 0, 1);
const DAY_MS = 86_400_000;

export function identityFromSeed(seed: string, namenodeIp: string): NamespaceIdentity {
  const prng = createPrng(seed).fork('namespace-identity');
  const namespaceId = 1 + prng.int(0x7ffffffe);
  const clusterId = `CID-${prngUuid(prng)}`;
  const bpRand = 1 + prng.int(0x7ffffffe);
  const createdMs = IDENTITY_EPOCH_MS + prng.int(365) * DAY_MS + prng.int(DAY_MS);
  return { namespaceId, clusterId, blockPoolId: `BP-${bpRand}-${namenodeIp}-${createdMs}`, cTime: 0 };
}
