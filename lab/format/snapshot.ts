/**
 * `hdfs lsSnapshottableDir` lines (SnapshottableDirectoryStatus.print) and `hdfs lsSnapshot` lines
 * (SnapshotStatus.print, Hadoop 3.3): `d` + permission, replication (0), owner, group, length (0),
 * `yyyy-MM-dd HH:mm` (local time), then lsSnapshottableDir's number of snapshots and snapshot quota
 * or lsSnapshot's snapshot id, and the path. Every column is as wide as its widest value, with no
 * minimum; owner and group are left-aligned, the numbers right-aligned.
 */
import { isoMinutesLocal } from '../../cluster/common/java-date.js';
import type { SnapshotStatus, SnapshottableDirStatus } from '../../cluster/protocol/messages.js';
import type { FileStatus } from '../../cluster/protocol/types.js';
import { permissionSymbolic } from './permission.js';

/** The rows' text: the status columns, then each row's own number columns and its path. */
function formatDirRows(rows: readonly { status: FileStatus; numbers: number[]; path: string }[]): string {
  if (rows.length === 0) return '\n';
  const width = (values: (string | number)[]): number => Math.max(0, ...values.map((v) => String(v).length));
  const repl = width(rows.map((r) => r.status.replication));
  const owner = width(rows.map((r) => r.status.owner));
  const group = width(rows.map((r) => r.status.group));
  const len = width(rows.map((r) => r.status.length));
  const numbers = rows[0]!.numbers.map((_, i) => width(rows.map((r) => r.numbers[i]!)));
  const left = (text: string, w: number): string => (w > 0 ? `${text.padEnd(w)} ` : text);
  return rows
    .map(
      (r) =>
        `d${permissionSymbolic(r.status.permission)} ` +
        `${String(r.status.replication).padStart(repl)} ` +
        left(r.status.owner, owner) +
        left(r.status.group, group) +
        `${String(r.status.length).padStart(len)} ` +
        `${isoMinutesLocal(r.status.modificationTime)} ` +
        r.numbers.map((n, i) => `${String(n).padStart(numbers[i]!)} `).join('') +
        `${r.path}\n`,
    )
    .join('');
}

/** The exact stdout text; a single empty line when there is no snapshottable directory, as HDFS prints. */
export function formatSnapshottableDirs(dirs: readonly SnapshottableDirStatus[]): string {
  return formatDirRows(
    dirs.map((d) => ({
      status: d.status,
      numbers: [d.snapshotNumber, d.snapshotQuota],
      path: d.status.path,
    })),
  );
}

/** `lab lsSnapshot <dir>`: one line per snapshot (by name), its id and `<dir>/.snapshot/<name>`. */
export function formatSnapshotListing(snapshots: readonly SnapshotStatus[]): string {
  return formatDirRows(
    snapshots.map((s) => ({ status: s.status, numbers: [s.snapshotId], path: s.status.path })),
  );
}
