/**
 * The DataNode's DirectoryScanner (HDFS's DirectoryScanner): every
 * dfs.datanode.directoryscan.interval it walks the volume's finalized tree and makes the in-memory
 * replica map match the disk (DatanodeStorage.scanDirectory). Replicas whose files are gone are
 * reported DELETED to the NameNode at once, as FsDatasetImpl.checkAndUpdate does; the rest reaches
 * the NameNode with the next full block report, which is built from the map.
 */
import { formatDirectoryScanStats, scanFoundDifferences } from '../datanode/directory-scan.js';
import type { DatanodeStorage, ReplicaFiles } from './datanode-storage.js';

export interface DirectoryScannerOptions {
  storage: DatanodeStorage;
  /** dfs.datanode.directoryscan.interval in ms; negative or zero disables the scanner. */
  intervalMs: number;
  /** A replica the map held whose files are gone. */
  onGone(replica: ReplicaFiles): void;
  log(level: 'info' | 'warn', text: string): void;
}

/** Starts the periodic scan (the first one interval after start); returns its stop. */
export function startDirectoryScanner(opts: DirectoryScannerOptions): () => void {
  if (opts.intervalMs <= 0) {
    opts.log(
      'info',
      `DirectoryScanner: disabled (dfs.datanode.directoryscan.interval ${opts.intervalMs} ms)`,
    );
    return () => {};
  }
  let timer: NodeJS.Timeout | null = null;
  const arm = (): void => {
    timer = setTimeout(run, opts.intervalMs);
    timer.unref();
  };
  const run = (): void => {
    try {
      const { stats, gone } = opts.storage.scanDirectory();
      if (scanFoundDifferences(stats))
        opts.log('info', `DirectoryScanner: ${formatDirectoryScanStats(stats)}`);
      for (const replica of gone) opts.onGone(replica);
    } catch (err) {
      opts.log('warn', `DirectoryScanner: ${(err as Error).message}`);
    }
    arm();
  };
  arm();
  return () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
}
