/**
 * `hdfs lsSnapshottableDir` lines (SnapshottableDirectoryStatus.print): `d` + permission,
 * replication (0), owner, group, length (0), `yyyy-MM-dd HH:mm` (local time), the number of
 * snapshots, the snapshot quota and the path. Every column is as wide as its widest value, with no
 * minimum; owner and group are left-aligned, the numbers right-aligned.
 */
import { isoMinutesLocal } from '../../cluster/common/java-date.js';
import type { SnapshottableDirStatus } from '../../cluster/protocol/messages.js';
import { permissionSymbolic } from './permission.js';

/** The exact stdout text; a single empty line when there is no snapshottable directory, as HDFS prints. */
export function formatSnapshottableDirs(dirs: readonly SnapshottableDirStatus[]): string {
  if (dirs.length === 0) return '\n';
  const width = (values: (string | number)[]): number => Math.max(0, ...values.map((v) => String(v).length));
  const repl = width(dirs.map((d) => d.status.replication));
  const owner = width(dirs.map((d) => d.status.owner));
  const group = width(dirs.map((d) => d.status.group));
  const len = width(dirs.map((d) => d.status.length));
  const num = width(dirs.map((d) => d.snapshotNumber));
  const quota = width(dirs.map((d) => d.snapshotQuota));
  const left = (text: string, w: number): string => (w > 0 ? `${text.padEnd(w)} ` : text);
  return dirs
    .map(
      (d) =>
        `d${permissionSymbolic(d.status.permission)} ` +
        `${String(d.status.replication).padStart(repl)} ` +
        left(d.status.owner, owner) +
        left(d.status.group, group) +
        `${String(d.status.length).padStart(len)} ` +
        `${isoMinutesLocal(d.status.modificationTime)} ` +
        `${String(d.snapshotNumber).padStart(num)} ` +
        `${String(d.snapshotQuota).padStart(quota)} ` +
        `${d.status.path}\n`,
    )
    .join('');
}
