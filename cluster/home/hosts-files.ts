/**
 * Where the NameNode's include and exclude files are (dfs.hosts, dfs.hosts.exclude): the cluster's
 * settings, overridden by the lab home's site files read anew each time (FSNamesystem.refreshNodes
 * reads a new HdfsConfiguration, so an edited hdfs-site.xml counts). A relative path is taken from
 * the lab home. The NameNode reads the files at start and at every refreshNodes
 * (runtime/hosts-files.ts); the `exclude` scenario step writes the exclude file, the
 * `maintenance` step the combined hosts file.
 */
import path from 'node:path';
import type { LabConfig } from '../config/config.js';
import { canonicalSettings } from '../config/deprecations.js';
import fs from 'node:fs';
import { configurationFileText, readConfigurationFile, siteFilesIn } from '../config/site-files.js';

export const HOSTS_KEYS = {
  include: 'dfs.hosts',
  exclude: 'dfs.hosts.exclude',
  provider: 'dfs.namenode.hosts.provider.classname',
} as const;

/** The host provider that reads dfs.hosts as one JSON file of DatanodeAdminProperties. */
export const COMBINED_HOST_FILE_MANAGER =
  'org.apache.hadoop.hdfs.server.blockmanagement.CombinedHostFileManager';

export interface HostsFiles {
  /** dfs.hosts ('' = none), absolute. */
  include: string;
  /** dfs.hosts.exclude ('' = none), absolute; CombinedHostFileManager does not read it. */
  exclude: string;
  /** Whether dfs.hosts is the combined JSON file (CombinedHostFileManager). */
  combined: boolean;
}

/** The files' paths and the host provider now. */
export function hostsFilePaths(home: string, config: LabConfig): HostsFiles {
  const site: Record<string, string> = {};
  for (const file of siteFilesIn([home]))
    Object.assign(site, canonicalSettings(readConfigurationFile(file)).settings);
  const valueOf = (key: string): string => (site[key] ?? (config.has(key) ? config.get(key) : '')).trim();
  const pathOf = (key: string): string => {
    const value = valueOf(key);
    return value === '' ? '' : path.resolve(home, value);
  };
  return {
    include: pathOf(HOSTS_KEYS.include),
    exclude: pathOf(HOSTS_KEYS.exclude),
    combined: valueOf(HOSTS_KEYS.provider) === COMBINED_HOST_FILE_MANAGER,
  };
}

/**
 * The combined hosts file (dfs.hosts under CombinedHostFileManager), for what an administrator
 * does to put a DataNode in maintenance: unless the provider is already set, the lab home's
 * hdfs-site.xml gets it and dfs.hosts = hosts.json (its other properties kept). Refused when
 * dfs.hosts already names an include file, which the combined provider would read as JSON.
 */
export function useCombinedHostsFile(home: string, config: LabConfig): { file: string } | { error: string } {
  const paths = hostsFilePaths(home, config);
  if (paths.combined && paths.include !== '') return { file: paths.include };
  if (paths.include !== '')
    return {
      error:
        `dfs.hosts names ${paths.include}, an include file for HostFileManager; ` +
        'CombinedHostFileManager would read it as JSON (docs/namespace-features.md, Maintenance state)',
    };
  const site = path.join(home, 'hdfs-site.xml');
  const settings = fs.existsSync(site) ? readConfigurationFile(site) : {};
  settings[HOSTS_KEYS.provider] = COMBINED_HOST_FILE_MANAGER;
  settings[HOSTS_KEYS.include] = 'hosts.json';
  fs.writeFileSync(site, configurationFileText(settings));
  return { file: path.join(home, 'hosts.json') };
}
