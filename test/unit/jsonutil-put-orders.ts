/**
 * The order in which Hadoop's JsonUtil puts the keys of the maps it writes from a HashMap — the
 * input of `javaHashMapOrder`, read off JsonUtil.toJsonMap's source (what a client sees is the
 * HashMap's iteration order, which the tests compute from these).
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
