/**
 * Rack assignment for a lab cluster started with `racks=R`: DataNodes dn1..dnN are laid out in
 * contiguous groups over /rack1../rackR, as even as possible, so a reader can guess a DataNode's
 * rack from its number (9 over 3 → dn1-3, dn4-6, dn7-9).
 */

/** Returns the rack of dn1..dnN in index order: element i is the rack of dn(i+1). */
export function spreadOverRacks(datanodes: number, racks: number): string[] {
  if (!Number.isInteger(datanodes) || datanodes < 1) {
    throw new Error(`spreadOverRacks: datanodes must be a positive integer, got ${datanodes}`);
  }
  if (!Number.isInteger(racks) || racks < 1) {
    throw new Error(`spreadOverRacks: racks must be a positive integer, got ${racks}`);
  }
  if (racks > datanodes) {
    throw new Error(
      `spreadOverRacks: ${racks} racks for ${datanodes} DataNode(s) would leave a rack empty; use racks ≤ datanodes`,
    );
  }
  // The first (datanodes mod racks) racks take one extra DataNode: 4 over 3 → 2, 1, 1.
  const base = Math.floor(datanodes / racks);
  const withExtra = datanodes % racks;
  const result: string[] = [];
  for (let rack = 1; rack <= racks; rack++) {
    const size = base + (rack <= withExtra ? 1 : 0);
    for (let i = 0; i < size; i++) result.push(`/rack${rack}`);
  }
  return result;
}
