/**
 * `hdfs fsck -storagepolicies`: StoragePolicySummary over the blocks fsck checked. Each block counts
 * under its replicas' storage types (`DISK:3`) and the policy those types satisfy, against the
 * file's specified policy. The lab has one storage type, DISK, and no file carries a policy, so
 * the specified policy is the default, HOT (BlockStoragePolicySuite.getPolicy(0)), and any block
 * with replicas satisfies it; a block with none has no types, so no policy, and does not.
 */

/** HdfsConstants.HOT_STORAGE_POLICY_NAME: the default policy and the one all-DISK replicas satisfy. */
export const HOT_STORAGE_POLICY = 'HOT';

/** The blocks counted by how many DISK replicas each has. */
export class StoragePolicySummary {
  private readonly blocksByReplicas = new Map<number, number>();
  private totalBlocks = 0;

  /** StoragePolicySummary.add for a block whose located replicas number `replicas`. */
  add(replicas: number): void {
    this.blocksByReplicas.set(replicas, (this.blocksByReplicas.get(replicas) ?? 0) + 1);
    this.totalBlocks++;
  }

  /** StoragePolicySummary.toString: the satisfying rows, then the others or the all-satisfy line. */
  toString(): string {
    let compliant =
      '\nBlocks satisfying the specified storage policy:' +
      '\nStorage Policy                  # of blocks       % of blocks\n';
    let nonCompliant = '';
    // sortByComparator: by block count, most first.
    const rows = [...this.blocksByReplicas].sort((a, b) => b[1] - a[1]);
    for (const [replicas, blocks] of rows) {
      const percent = percentText(blocks / this.totalBlocks);
      if (replicas > 0) {
        // getStoragePolicyDescriptor: the types with their counts, then the policy they satisfy.
        compliant += `${`DISK:${replicas}(${HOT_STORAGE_POLICY})`.padEnd(25)} ${String(blocks).padStart(10)}  ${percent.padStart(20)}\n`;
        continue;
      }
      if (nonCompliant === '') {
        nonCompliant =
          '\nBlocks NOT satisfying the specified storage policy:' +
          '\nStorage Policy                  Specified Storage Policy      # of blocks       % of blocks\n';
      }
      nonCompliant += `${''.padEnd(35)} ${HOT_STORAGE_POLICY.padEnd(20)} ${String(blocks).padStart(10)}  ${percent.padStart(20)}\n`;
    }
    if (nonCompliant === '') nonCompliant = '\nAll blocks satisfy specified storage policy.\n';
    return compliant + nonCompliant;
  }
}

/** NumberFormat.getPercentInstance() with four fraction digits (Locale en): `100.0000%`. */
function percentText(fraction: number): string {
  const [whole, decimals] = (fraction * 100).toFixed(4).split('.') as [string, string];
  return `${Number(whole).toLocaleString('en-US')}.${decimals}%`;
}
