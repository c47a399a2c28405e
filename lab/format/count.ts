/**
 * `hdfs dfs -count [-q] [-h] [-v] [-t [<storage type>]] [-u] [-x] [-e]` (Count with
 * ContentSummary / QuotaUsage toString): fixed-width columns `%12s %12s %18s ` (DIR_COUNT
 * FILE_COUNT CONTENT_SIZE) then the path; with -q first `%12s %15s %15s %15s ` (QUOTA REM_QUOTA
 * SPACE_QUOTA REM_SPACE_QUOTA), `none` / `inf` when unset; -u prints the quota columns alone; -t
 * (with -q or -u) prints `%13s %17s ` per storage type instead; -e adds the erasure coding policy.
 * Count.processPath asks getQuotaUsage for -u and -t, getContentSummary otherwise (and for -e).
 */
import { formatHumanReadable } from '../../cluster/common/units.js';
import {
  quotaUsageOfSummary,
  type ContentSummary,
  type QuotaUsage,
} from '../../cluster/protocol/messages.js';

/** A content summary's figures: the default columns, and -q's through the QuotaUsage it extends. */
export interface SummaryFigures {
  directoryCount: number;
  fileCount: number;
  length: number;
  /** Name quota; -1 (or absent) = none. */
  quota?: number;
  /** Space quota in bytes; -1 (or absent) = none. */
  spaceQuota?: number;
  spaceConsumed?: number;
}

/** One line of -count: a content summary's figures, or (-u, -t) getQuotaUsage's answer. */
export type CountEntry = {
  /** The path as the user typed it (Count prints the PathData). */
  path: string;
  /** ContentSummary.getErasureCodingPolicy: "Replicated" for a file, "" for a lab directory. */
  erasureCodingPolicy?: string;
} & (SummaryFigures | QuotaUsage);

/** The snapshot part of a content summary (ContentSummary.getSnapshot*) and the counts it is part of. */
export type SnapshotCounts = Pick<
  ContentSummary,
  | 'length'
  | 'fileCount'
  | 'directoryCount'
  | 'spaceConsumed'
  | 'snapshotLength'
  | 'snapshotFileCount'
  | 'snapshotDirectoryCount'
  | 'snapshotSpaceConsumed'
>;

/**
 * `-x` (Count and FsUsage.Du): the summary less what only snapshots hold, as
 * ContentSummary.toString(…, xOption) and Du.processPath subtract it on the client.
 */
export function excludeSnapshots<T extends SnapshotCounts>(summary: T): T {
  return {
    ...summary,
    length: summary.length - summary.snapshotLength,
    fileCount: summary.fileCount - summary.snapshotFileCount,
    directoryCount: summary.directoryCount - summary.snapshotDirectoryCount,
    spaceConsumed: summary.spaceConsumed - summary.snapshotSpaceConsumed,
  };
}

export interface CountOptions {
  quotas: boolean;
  human: boolean;
  /** `-v`: print the header line. */
  header?: boolean;
  /** `-u`: the quota columns without the content summary. */
  quotaUsageOnly?: boolean;
  /** `-t` with -q or -u: one quota pair per storage type (the lab's types have no quota). */
  storageTypes?: readonly StorageType[];
  /** `-e`: the erasure coding policy column (each entry's erasureCodingPolicy). */
  ecPolicy?: boolean;
}

/**
 * StorageType.getTypesSupportingQuota in Hadoop 3.3: the non-transient types, in enum order.
 * RAM_DISK is transient; it can still be named with -t.
 */
export const STORAGE_TYPES = ['RAM_DISK', 'SSD', 'DISK', 'ARCHIVE', 'PROVIDED'] as const;
export type StorageType = (typeof STORAGE_TYPES)[number];
export const QUOTA_STORAGE_TYPES: readonly StorageType[] = ['SSD', 'DISK', 'ARCHIVE', 'PROVIDED'];

/**
 * Count.getAndCheckStorageTypes: '' or all (any case) is every type with quota support; otherwise
 * a comma-separated list, each parsed as StorageType.valueOf(upper case) — an unknown name is the
 * enum's IllegalArgumentException text.
 */
export function parseStorageTypes(text: string): StorageType[] {
  if (text === '' || text.toLowerCase() === 'all') return [...QUOTA_STORAGE_TYPES];
  return text
    .split(',')
    .filter((t) => t !== '')
    .map((t) => {
      const upper = t.toUpperCase() as StorageType;
      if (!STORAGE_TYPES.includes(upper))
        throw new RangeError(`No enum constant org.apache.hadoop.fs.StorageType.${upper}`);
      return upper;
    });
}

/** ErasureCodeConstants.REPLICATION_POLICY_NAME: what -e prints for a replicated file. */
const REPLICATED = 'Replicated';

/**
 * Count.processPath's -e column: the summary's policy name, `EC:` in front of any but
 * "Replicated" — so a directory without a policy prints `EC:` and nothing after it.
 */
function ecPolicyColumn(name: string): string {
  return `${name === REPLICATED ? '' : 'EC:'}${name} `;
}

const pad = (text: string, width: number): string => text.padStart(width);

function summary(dirs: string, files: string, size: string): string {
  return `${pad(dirs, 12)} ${pad(files, 12)} ${pad(size, 18)} `;
}

function quotaPrefix(quota: string, remQuota: string, spaceQuota: string, remSpace: string): string {
  return `${pad(quota, 12)} ${pad(remQuota, 15)} ${pad(spaceQuota, 15)} ${pad(remSpace, 15)} `;
}

/** QuotaUsage's STORAGE_TYPE_SUMMARY_FORMAT. */
function typePair(quota: string, remaining: string): string {
  return `${pad(quota, 13)} ${pad(remaining, 17)} `;
}

/** Long.MAX_VALUE as HDFS prints the root's name quota. */
const LONG_MAX_TEXT = '9223372036854775807';

/** Count's header line (-v) for these options. */
function headerLine(options: CountOptions): string {
  const types = options.storageTypes;
  let head: string;
  if (types !== undefined) head = types.map((t) => typePair(`${t}_QUOTA`, `REM_${t}_QUOTA`)).join('');
  else {
    const quotaHead = quotaPrefix('QUOTA', 'REM_QUOTA', 'SPACE_QUOTA', 'REM_SPACE_QUOTA');
    const contentHead = summary('DIR_COUNT', 'FILE_COUNT', 'CONTENT_SIZE');
    if (options.quotaUsageOnly) head = quotaHead;
    else head = `${options.quotas ? quotaHead : ''}${contentHead}`;
  }
  return `${head}${options.ecPolicy ? 'ERASURECODING_POLICY ' : ''}PATHNAME`;
}

/** The quota figures of an entry: getQuotaUsage's, or the content summary's as a QuotaUsage. */
function usageOf(e: CountEntry): QuotaUsage {
  if ('fileAndDirectoryCount' in e) return e;
  return quotaUsageOfSummary({
    ...e,
    quota: e.quota ?? -1,
    spaceQuota: e.spaceQuota ?? -1,
    spaceConsumed: e.spaceConsumed ?? e.length,
  });
}

export function formatCount(entries: readonly CountEntry[], options: CountOptions): string {
  const size = (n: number): string => (options.human ? formatHumanReadable(n) : String(n));
  // The root's name quota is Long.MAX, which a JS number holds only as 2^63: exact text via BigInt.
  const quotaText = (q: number): string => (q >= 2 ** 63 && !options.human ? LONG_MAX_TEXT : size(q));
  const remaining = (q: number, used: number): string =>
    q >= 2 ** 63 && !options.human ? (BigInt(LONG_MAX_TEXT) - BigInt(used)).toString() : size(q - used);
  // QuotaUsage.getQuotaUsage: a name quota counts when above 0, a space quota from 0.
  const quotaColumns = (e: CountEntry): string => {
    const u = usageOf(e);
    const names = u.quota > 0;
    const space = u.spaceQuota >= 0;
    return quotaPrefix(
      names ? quotaText(u.quota) : 'none',
      names ? remaining(u.quota, u.fileAndDirectoryCount) : 'inf',
      space ? quotaText(u.spaceQuota) : 'none',
      space ? remaining(u.spaceQuota, u.spaceConsumed) : 'inf',
    );
  };
  const lines: string[] = [];
  if (options.header) lines.push(headerLine(options));
  for (const e of entries) {
    let columns: string;
    // The lab has DISK only and no storage type quotas: every pair is none / inf.
    if (options.storageTypes !== undefined)
      columns = options.storageTypes.map(() => typePair('none', 'inf')).join('');
    else if (options.quotaUsageOnly) columns = quotaColumns(e);
    else {
      if (!('directoryCount' in e)) throw new Error('-count without -u or -t prints a content summary');
      const prefix = options.quotas ? quotaColumns(e) : '';
      columns = prefix + summary(size(e.directoryCount), size(e.fileCount), size(e.length));
    }
    lines.push(`${columns}${options.ecPolicy ? ecPolicyColumn(e.erasureCodingPolicy ?? '') : ''}${e.path}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}
