/**
 * `hdfs dfs -du [-s] [-h] [-v]` (FsUsage.Du): size, disk space consumed with all replicas, path.
 * Without -s the caller passes one row per child of a directory argument; with -s one row per
 * argument. Columns are left-aligned, two spaces apart.
 */
import { formatHumanReadable } from '../../cluster/common/units.js';
import { renderTable } from './table.js';

export interface DuEntry {
  path: string;
  /** ContentSummary length: bytes of all files under the path. */
  length: number;
  /** ContentSummary spaceConsumed: length × replication, summed over files. */
  spaceConsumed: number;
}

export interface DuOptions {
  human: boolean;
  /** `-v`: print the header line. */
  header?: boolean;
}

export function formatDu(entries: readonly DuEntry[], options: DuOptions): string {
  if (entries.length === 0) return '';
  const size = (n: number): string => (options.human ? formatHumanReadable(n) : String(n));
  const rows = entries.map((e) => [size(e.length), size(e.spaceConsumed), e.path]);
  const header = options.header ? [['SIZE', 'DISK_SPACE_CONSUMED_WITH_ALL_REPLICAS', 'FULL_PATH_NAME']] : [];
  return renderTable([...header, ...rows]);
}
