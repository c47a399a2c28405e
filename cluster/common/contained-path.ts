/**
 * Containment of file paths under a root directory: the check every process runs before it creates,
 * renames, removes or serves a file whose name came from a peer, behind the identifier checks in
 * cluster/protocol/identifiers.ts (a DataNode once wrote wherever `../` pointed).
 */
import fs from 'node:fs';
import path from 'node:path';

/** Whether `file` is `root` itself or below it, lexically (both absolute). */
export function isInside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * The absolute form of `file` (relative names are taken from `root`) if it lies inside `root`, else
 * null; nothing is created. Checked lexically (`..` segments), then on the real path of the file
 * or, while it does not exist yet, of its deepest existing parent, so neither a crafted name nor a
 * symbolic link placed under `root` leads outside. A dangling link is refused: writing through it
 * would create its target.
 */
export function resolveInside(root: string, file: string): string | null {
  const lexicalRoot = path.resolve(root);
  const resolved = path.resolve(lexicalRoot, file);
  if (!isInside(lexicalRoot, resolved)) return null;
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(lexicalRoot);
  } catch {
    return null;
  }
  for (let existing = resolved; ; existing = path.dirname(existing)) {
    try {
      const real = path.join(fs.realpathSync(existing), path.relative(existing, resolved));
      return isInside(realRoot, real) ? resolved : null;
    } catch {
      if (existing === lexicalRoot || lexists(existing)) return null;
    }
  }
}

function lexists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}
