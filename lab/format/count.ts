/**
 * `hdfs dfs -count [-q] [-h] [-v]` (ContentSummary / QuotaUsage toString): fixed-width columns
 * `%12s %12s %18s ` (DIR_COUNT FILE_COUNT CONTENT_SIZE) then the path; with -q first
 * `%12s %15s %15s %15s ` (QUOTA REM_QUOTA SPACE_QUOTA REM_SPACE_QUOTA), `none` / `inf` when unset.
 */
import { formatHumanReadable } from '../../cluster/common/units.js';

export interface CountEntry {
  /** The path as the user typed it (Count prints the PathData). */
  path: string;
  directoryCount: number;
  fileCount: number;
  length: number;
  /** Name quota; -1 (or absent) = none. */
  quota?: number;
  /** Space quota in bytes; -1 (or absent) = none. */
  spaceQuota?: number;
  spaceConsumed?: number;
}

export interface CountOptions {
  quotas: boolean;
  human: boolean;
  /** `-v`: print the header line. */
  header?: boolean;
}

const pad = (text: string, width: number): string => text.padStart(width);

function summary(dirs: string, files: string, size: string): string {
  return `${pad(dirs, 12)} ${pad(files, 12)} ${pad(size, 18)} `;
}

function quotaPrefix(quota: string, remQuota: string, spaceQuota: string, remSpace: string): string {
  return `${pad(quota, 12)} ${pad(remQuota, 15)} ${pad(spaceQuota, 15)} ${pad(remSpace, 15)} `;
}

/** Long.MAX_VALUE as HDFS prints the root's name quota. */
const LONG_MAX_TEXT = '9223372036854775807';

export function formatCount(entries: readonly CountEntry[], options: CountOptions): string {
  const size = (n: number): string => (options.human ? formatHumanReadable(n) : String(n));
  // The root's name quota is Long.MAX, which a JS number holds only as 2^63: exact text via BigInt.
  const quotaText = (q: number): string => (q >= 2 ** 63 && !options.human ? LONG_MAX_TEXT : size(q));
  const remaining = (q: number, used: number): string =>
    q >= 2 ** 63 && !options.human ? (BigInt(LONG_MAX_TEXT) - BigInt(used)).toString() : size(q - used);
  const lines: string[] = [];
  if (options.header) {
    const head = summary('DIR_COUNT', 'FILE_COUNT', 'CONTENT_SIZE');
    const quotaHead = quotaPrefix('QUOTA', 'REM_QUOTA', 'SPACE_QUOTA', 'REM_SPACE_QUOTA');
    lines.push(`${options.quotas ? quotaHead : ''}${head}PATHNAME`);
  }
  for (const e of entries) {
    let prefix = '';
    if (options.quotas) {
      const quota = e.quota ?? -1;
      const spaceQuota = e.spaceQuota ?? -1;
      const names = quota > 0;
      const space = spaceQuota >= 0;
      prefix = quotaPrefix(
        names ? quotaText(quota) : 'none',
        names ? remaining(quota, e.directoryCount + e.fileCount) : 'inf',
        space ? quotaText(spaceQuota) : 'none',
        space ? remaining(spaceQuota, e.spaceConsumed ?? e.length) : 'inf',
      );
    }
    lines.push(prefix + summary(size(e.directoryCount), size(e.fileCount), size(e.length)) + e.path);
  }
  return lines.map((l) => `${l}\n`).join('');
}
