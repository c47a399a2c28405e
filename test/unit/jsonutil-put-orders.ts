/**
 * The keys of the maps Hadoop's JsonUtil writes, read off JsonUtil.toJsonMap's source, for the
 * unit and the integration tests alike. For a HashMap, the order in which it puts them — the input
 * of `javaHashMapOrder` (what a client sees is the HashMap's iteration order, which the tests
 * compute from these); for a TreeMap, the keys, which a client sees sorted.
 */

/** JsonUtil.toJsonMap(FsServerDefaults). */
export const SERVER_DEFAULTS_PUT_ORDER = [
  'blockSize',
  'bytesPerChecksum',
  'writePacketSize',
  'replication',
  'fileBufferSize',
  'encryptDataTransfer',
  'trashInterval',
  'checksumType',
  'keyProviderUri',
  'defaultStoragePolicyId',
] as const;

/** JsonUtil.toJsonMap(BlockLocation). */
export const BLOCK_LOCATION_PUT_ORDER = [
  'length',
  'offset',
  'corrupt',
  'storageTypes',
  'cachedHosts',
  'hosts',
  'names',
  'topologyPaths',
] as const;

/**
 * JsonUtil.toJsonMap(HdfsFileStatus): a TreeMap, so a client sees these keys sorted; `aclBit` and
 * `snapshotEnabled` are put only when true (the lab has no encryption or erasure coding, so never
 * `encBit` or `ecBit`).
 */
export function fileStatusKeys(optional: { aclBit?: boolean; snapshotEnabled?: boolean } = {}): string[] {
  const always = [
    'accessTime',
    'blockSize',
    'childrenNum',
    'fileId',
    'group',
    'length',
    'modificationTime',
    'owner',
    'pathSuffix',
    'permission',
    'replication',
    'storagePolicy',
    'type',
  ];
  const when = Object.entries(optional).flatMap(([key, put]) => (put ? [key] : []));
  return [...always, ...when].sort();
}
