/**
 * The order in which a java.util.HashMap<String, …> iterates its keys, for the JSON Hadoop writes
 * from HashMaps (Jackson walks the map as it iterates): by bucket — String.hashCode spread as
 * HashMap.hash does (h ^ h >>> 16) and masked by the table size, which starts at 16 and doubles
 * whenever the size passes three quarters of it — and within a bucket in insertion order (a resize
 * keeps that order). Keys in the order they were put.
 */
const TABLE_SIZE_INITIAL = 16;
const LOAD_FACTOR = 0.75;

/** Java's String.hashCode, as a signed 32-bit int. */
export function javaStringHash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return h;
}

export function javaHashMapOrder(keysInPutOrder: readonly string[]): string[] {
  let tableSize = TABLE_SIZE_INITIAL;
  while (keysInPutOrder.length > tableSize * LOAD_FACTOR) tableSize *= 2;
  const bucketOf = (key: string): number => {
    const h = javaStringHash(key);
    return (h ^ (h >>> 16)) & (tableSize - 1);
  };
  return keysInPutOrder
    .map((key, index) => ({ key, index, bucket: bucketOf(key) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((e) => e.key);
}
