/**
 * Hadoop's default group mapping (ShellBasedUnixGroupsMapping): a user's groups are what
 * `id -Gn USER` says on the NameNode's host, cached for hadoop.security.groups.cache.secs (300 s).
 * A user the host does not know has no groups, as in HDFS (which logs a warning and goes on).
 */
import { execFileSync } from 'node:child_process';
import { GROUPS_LOOKUP_TIMEOUT_MS, GROUPS_CACHE_ENTRIES_MAX } from '../protocol/limits.js';

/** hadoop.security.groups.cache.secs. */
const GROUPS_CACHE_MS = 300_000;

export function unixGroups(now: () => number = Date.now): (user: string) => readonly string[] {
  const cache = new Map<string, { groups: readonly string[]; atMs: number }>();
  return (user) => {
    const hit = cache.get(user);
    if (hit && now() - hit.atMs < GROUPS_CACHE_MS) return hit.groups;
    const groups = lookup(user);
    if (cache.size >= GROUPS_CACHE_ENTRIES_MAX) cache.clear();
    cache.set(user, { groups, atMs: now() });
    return groups;
  };
}

function lookup(user: string): readonly string[] {
  // A name `id` would take as an option or that no system allows is nobody we know.
  if (!/^[A-Za-z0-9_.][A-Za-z0-9_.@-]*$/.test(user)) return [];
  try {
    const out = execFileSync('id', ['-Gn', '--', user], {
      encoding: 'utf8',
      timeout: GROUPS_LOOKUP_TIMEOUT_MS,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}
