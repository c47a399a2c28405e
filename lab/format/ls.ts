/**
 * `hdfs dfs -ls` lines (Ls.java): type and permission, ACL flag, replication (`-` for directories),
 * owner, group, size, `yyyy-MM-dd HH:mm`, path. Column widths are computed over the whole listing,
 * starting from Ls's minimums (replication 3, size 10). Times are local (TZ), as Ls's
 * SimpleDateFormat prints them.
 */
import { isoMinutesLocal } from '../../cluster/common/java-date.js';
import { formatHumanReadable } from '../../cluster/common/units.js';
import type { FileStatus } from '../../cluster/protocol/types.js';
import { permissionSymbolic } from './permission.js';

export interface LsOptions {
  /** Print `Found N items` first: true when the argument was a directory (and not -R). */
  header: boolean;
  /** `-h`: sizes with binary prefixes (`1.5 K`). */
  human: boolean;
  /** `-u`: show the access time instead of the modification time. */
  useAtime?: boolean;
  /** `-C`: the paths only. */
  pathOnly?: boolean;
  /** `-e`: the erasure coding policy column after the group (Ls.displayECPolicy). */
  ecPolicy?: boolean;
}

/**
 * ContentSummaryComputationContext.getErasureCodingPolicyName for the lab, which has no erasure
 * coding: a file is "Replicated"; a directory has no policy xattr up to the root, so "".
 */
function ecPolicyName(s: FileStatus): string {
  return s.type === 'FILE' ? 'Replicated' : '';
}

/** Returns the exact stdout text (each line ends with a newline); '' for an empty listing. */
export function formatLs(entries: readonly FileStatus[], options: LsOptions): string {
  if (entries.length === 0) return '';
  if (options.pathOnly) return entries.map((s) => `${s.path}\n`).join('');
  // Ls measures the raw replication and length, even with -h.
  let replWidth = 3;
  let lenWidth = 10;
  let ownerWidth = 0;
  let groupWidth = 0;
  let ecWidth = 0;
  for (const s of entries) {
    replWidth = Math.max(replWidth, String(s.replication).length);
    lenWidth = Math.max(lenWidth, String(s.length).length);
    ownerWidth = Math.max(ownerWidth, s.owner.length);
    groupWidth = Math.max(groupWidth, s.group.length);
    if (options.ecPolicy) ecWidth = Math.max(ecWidth, ecPolicyName(s).length);
  }
  // Ls uses "%s" (no padding, no space) for an all-empty owner, group or policy column.
  const column = (text: string, width: number): string => (width > 0 ? `${text.padEnd(width)} ` : text);
  const lines = entries.map((s) => {
    const isDir = s.type === 'DIRECTORY';
    const size = options.human ? formatHumanReadable(s.length) : String(s.length);
    return (
      (isDir ? 'd' : '-') +
      permissionSymbolic(s.permission) +
      (s.hasAcl ? '+' : ' ') + // Ls: `+` when the entry has an ACL
      (isDir ? '-' : String(s.replication)).padStart(replWidth) +
      ' ' +
      column(s.owner, ownerWidth) +
      column(s.group, groupWidth) +
      (options.ecPolicy ? column(ecPolicyName(s), ecWidth) : '') +
      size.padStart(lenWidth) +
      ' ' +
      isoMinutesLocal(options.useAtime ? s.accessTime : s.modificationTime) +
      ' ' +
      s.path
    );
  });
  const header = options.header ? [`Found ${entries.length} items`] : [];
  return [...header, ...lines].map((l) => `${l}\n`).join('');
}

/**
 * PrintableString: each code point of a control, format, private-use, surrogate or unassigned
 * Unicode category printed as `?` (Ls -q).
 */
export function printableString(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}]/gu, '?');
}
