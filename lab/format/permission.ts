/**
 * FsPermission's two printed forms: symbolic (`rwxr-xr-x`, sticky bit as `t`/`T` in the last
 * place) and the "octal" number `hdfs dfs -stat %a` prints (`644`, `1777`).
 */
const ACTIONS = ['---', '--x', '-w-', '-wx', 'r--', 'r-x', 'rw-', 'rwx'] as const;

export function permissionSymbolic(mode: number): string {
  const text = ACTIONS[(mode >> 6) & 7]! + ACTIONS[(mode >> 3) & 7]! + ACTIONS[mode & 7]!;
  if ((mode & 0o1000) === 0) return text;
  return text.slice(0, 8) + ((mode & 1) === 1 ? 't' : 'T');
}

/** FsPermission.toOctal(): the octal digits read as a decimal number, sticky bit first. */
export function permissionOctal(mode: number): string {
  const sticky = (mode >> 9) & 1;
  return String(sticky * 1000 + ((mode >> 6) & 7) * 100 + ((mode >> 3) & 7) * 10 + (mode & 7));
}

/** Last path component; '' for the root. */
export function pathName(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
