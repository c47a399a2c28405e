/**
 * The hash that identifies a pack in a grade report: sha256 over its files in a stable order
 * (path, length and bytes of each), so the same pack gives the same hash on any machine and any
 * change to any file changes it.
 */
import { createHash } from 'node:crypto';

export interface PackFileBytes {
  /** Relative to the pack folder, forward slashes. */
  path: string;
  bytes: Uint8Array;
}

export function packHash(files: readonly PackFileBytes[]): string {
  const hash = createHash('sha256');
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sorted) {
    // Length-prefixed so that moving bytes between a name and a file's content changes the hash.
    hash.update(`${file.path}\0${file.bytes.length}\0`);
    hash.update(file.bytes);
  }
  return `sha256:${hash.digest('hex')}`;
}
