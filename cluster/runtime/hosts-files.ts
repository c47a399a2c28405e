/**
 * The NameNode's reading of its include and exclude files (dfs.hosts, dfs.hosts.exclude), at
 * start and at every refreshNodes, where home/hosts-files.ts says they are. Entries are
 * parsed by the core's rules (namenode/host-file.ts) and their host names resolved here; an
 * entry that does not parse or resolve is left out with HostFileManager's warning, and a file
 * that cannot be read fails the refresh (or the NameNode's start) as HDFS's does. With
 * CombinedHostFileManager as the host provider, dfs.hosts is the JSON file of
 * DatanodeAdminProperties (maintenance, decommissioning and the include list in one).
 */
import dns from 'node:dns/promises';
import fs from 'node:fs';
import net from 'node:net';
import type { LabConfig } from '../config/config.js';
import { HOSTS_KEYS, hostsFilePaths } from '../home/hosts-files.js';
import {
  combinedHostsEntries,
  combinedHostsLists,
  hostsFileEntries,
  parseHostEntry,
  type HostAddress,
  type HostsLists,
} from '../namenode/host-file.js';
import { RemoteError } from '../protocol/errors.js';
import type { Journal } from '../transport/journal.js';

/** A reader of both lists for this NameNode: what start and refreshNodes call. */
export function hostsReader(home: string, config: LabConfig, journal: Journal): () => Promise<HostsLists> {
  const log = (level: 'info' | 'warn', text: string): void => journal.event({ type: 'log', level, text });
  return async () => {
    const paths = hostsFilePaths(home, config);
    log('info', 'Refreshing hosts (include/exclude) list');
    if (paths.combined) return combinedHostsLists(await readCombined(paths.include, log));
    return {
      includes: await readList('included', paths.include, log),
      excludes: await readList('excluded', paths.exclude, log),
    };
  };
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'No such file or directory' : (code ?? String(error));
    throw new RemoteError('FileNotFoundException', `${file} (${why})`);
  }
}

/**
 * CombinedHostFileManager.refresh: the JSON file's entries, each resolved; one that does not
 * resolve is left out with its warning, a file Jackson could not map fails the refresh.
 */
async function readCombined(
  file: string,
  log: (level: 'info' | 'warn', text: string) => void,
): Promise<HostAddress[]> {
  if (file === '') return [];
  const entries = combinedHostsEntries(readText(file));
  if (typeof entries === 'string')
    throw new RemoteError(
      'IOException',
      `${file} ${entries} (${HOSTS_KEYS.provider} is CombinedHostFileManager)`,
    );
  const out: HostAddress[] = [];
  for (const e of entries) {
    const ip = await resolve(e.host);
    if (ip === null) {
      log('warn', `Failed to resolve ${e.host} in ${file}. `);
      continue;
    }
    out.push({
      ip,
      port: e.port,
      adminState: e.adminState,
      maintenanceExpireTimeMs: e.maintenanceExpireTimeMs,
    });
  }
  return out;
}

async function readList(
  type: 'included' | 'excluded',
  file: string,
  log: (level: 'info' | 'warn', text: string) => void,
): Promise<HostAddress[]> {
  if (file === '') return [];
  const text = readText(file);
  const out: HostAddress[] = [];
  for (const entry of hostsFileEntries(text)) {
    log('info', `Adding ${entry} to the list of ${type} hosts from ${file}`);
    const parsed = parseHostEntry(entry);
    if (!parsed) {
      log('warn', `Failed to parse \`${entry}\` in \`${file}\`. Ignoring in the ${type} list.`);
      continue;
    }
    const ip = await resolve(parsed.host);
    if (ip === null) {
      log('warn', `Failed to resolve address \`${entry}\` in \`${file}\`. Ignoring in the ${type} list.`);
      continue;
    }
    out.push({ ip, port: parsed.port });
  }
  return out;
}

async function resolve(host: string): Promise<string | null> {
  if (net.isIP(host)) return host;
  try {
    return (await dns.lookup(host, { family: 4 })).address;
  } catch {
    return null;
  }
}
