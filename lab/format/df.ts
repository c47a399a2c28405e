/**
 * `hdfs dfs -df [-h]` (FsUsage.Df): Filesystem, Size, Used, Available, Use% — the numbers
 * right-aligned, Use% with no decimals (StringUtils.formatPercent(used / size, 0)).
 */
import { formatHumanReadable, formatPercent } from '../../cluster/common/units.js';
import { renderTable } from './table.js';

export interface DfEntry {
  /** The file system URI, e.g. hdfs://127.0.0.1:8020. */
  filesystem: string;
  capacity: number;
  used: number;
  remaining: number;
}

export function formatDf(entries: readonly DfEntry[], options: { human: boolean }): string {
  if (entries.length === 0) return '';
  const size = (n: number): string => (options.human ? formatHumanReadable(n) : String(n));
  const header = ['Filesystem', 'Size', 'Used', 'Available', 'Use%', 'Mounted on'];
  const rows = entries.map((e) => [
    e.filesystem,
    size(e.capacity),
    size(e.used),
    size(e.remaining),
    formatPercent(e.used / e.capacity, 0),
    '/',
  ]);
  // Df hides "Mounted on" unless the file system is a ViewFileSystem.
  return renderTable([header, ...rows], { rightAlign: [1, 2, 3, 4], hidden: [5] });
}
