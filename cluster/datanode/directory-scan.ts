/**
 * The DataNode's DirectoryScanner decisions (HDFS's DirectoryScanner, every
 * dfs.datanode.directoryscan.interval): what differs between the replicas the volume's in-memory
 * replica map holds and the finalized files on disk. The disk wins: a replica whose files a
 * student removed by hand leaves the map (and is reported DELETED to the NameNode), one found on
 * disk joins it. Pure: the walk is cluster/runtime/datanode-storage.ts's.
 */

export interface ScannedReplica {
  blockId: number;
  genStamp: number;
  numBytes: number;
}

/** HDFS's DirectoryScanner.Stats for one block pool. */
export interface DirectoryScanStats {
  poolId: string;
  /** Usable replicas on disk (a block file with its .meta). */
  totalBlocks: number;
  /** Block files on disk without a .meta. */
  missingMetaFiles: number;
  /** Replicas in memory whose block or .meta file is gone. */
  missingBlockFiles: number;
  /** Replicas on disk the map did not hold. */
  missingMemoryBlocks: number;
  /** Replicas whose generation stamp or length differ between memory and disk. */
  mismatchedBlocks: number;
}

export interface DirectoryScanResult<R extends ScannedReplica> {
  stats: DirectoryScanStats;
  /** Replicas the map held that are gone from disk: the NameNode is told they were deleted. */
  gone: R[];
}

/** Compares the map with the disk (both keyed by block id); `blockFilesWithoutMeta` counts orphans. */
export function compareWithDisk<R extends ScannedReplica>(args: {
  poolId: string;
  memory: Iterable<R>;
  disk: readonly ScannedReplica[];
  blockFilesWithoutMeta: number;
}): DirectoryScanResult<R> {
  const onDisk = new Map(args.disk.map((r) => [r.blockId, r]));
  const gone: R[] = [];
  let mismatchedBlocks = 0;
  let known = 0;
  for (const held of args.memory) {
    const found = onDisk.get(held.blockId);
    if (!found) {
      gone.push(held);
      continue;
    }
    known++;
    if (found.genStamp !== held.genStamp || found.numBytes !== held.numBytes) mismatchedBlocks++;
  }
  return {
    stats: {
      poolId: args.poolId,
      totalBlocks: args.disk.length,
      missingMetaFiles: args.blockFilesWithoutMeta,
      missingBlockFiles: gone.length,
      missingMemoryBlocks: args.disk.length - known,
      mismatchedBlocks,
    },
    gone,
  };
}

/** DirectoryScanner's log line for one block pool. */
export function formatDirectoryScanStats(s: DirectoryScanStats): string {
  return (
    `BlockPool ${s.poolId} Total blocks: ${s.totalBlocks}, missing metadata files: ${s.missingMetaFiles}, ` +
    `missing block files: ${s.missingBlockFiles}, missing blocks in memory: ${s.missingMemoryBlocks}, ` +
    `mismatched blocks: ${s.mismatchedBlocks}`
  );
}

/** True when the scan found any difference (HDFS logs every scan; the lab only the ones that matter). */
export function scanFoundDifferences(s: DirectoryScanStats): boolean {
  return s.missingMetaFiles + s.missingBlockFiles + s.missingMemoryBlocks + s.mismatchedBlocks > 0;
}
