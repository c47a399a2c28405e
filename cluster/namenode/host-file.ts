/**
 * The include (dfs.hosts) and exclude (dfs.hosts.exclude) files as HDFS reads them
 * (HostsFileReader, HostFileManager): whitespace-separated `host[:port]` entries, `#` starts a
 * comment to the end of the line; an entry without a port stands for every DataNode on that host.
 * A DataNode matches by its IP address and transfer port. An empty include list admits every
 * DataNode. Pure: the runtime reads the files and resolves host names to addresses.
 */

/** One entry of a hosts file, before its host name is resolved. */
export interface HostEntry {
  host: string;
  /** 0: any port on the host. */
  port: number;
}

/** A resolved entry: the IP address the host name stands for, and the port (0 = any). */
export interface HostAddress {
  ip: string;
  port: number;
}

/** The two lists the NameNode keeps; each entry resolved. */
export interface HostsLists {
  includes: readonly HostAddress[];
  excludes: readonly HostAddress[];
}

export const NO_HOSTS: HostsLists = { includes: [], excludes: [] };

/** HostsFileReader.readFileToSet: the entries of one file's text, in order, without duplicates. */
export function hostsFileEntries(text: string): string[] {
  const entries: string[] = [];
  for (const line of text.split('\n')) {
    for (const token of line.split(/[ \t\n\f\r]+/)) {
      if (token.startsWith('#')) break;
      if (token !== '' && !entries.includes(token)) entries.push(token);
    }
  }
  return entries;
}

/** HostFileManager.parseEntry: `host`, `host:port` or `[v6]:port`; null when it does not parse. */
export function parseHostEntry(entry: string): HostEntry | null {
  const match = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(entry);
  if (!match?.[1]) return null;
  const port = match[2] === undefined ? 0 : Number(match[2]);
  if (port > 65535) return null;
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

/** HostSet.match: an entry for the DataNode's address with its port, or with port 0 (any). */
export function matchesHost(list: readonly HostAddress[], dn: { ipAddr: string; xferPort: number }): boolean {
  return list.some((a) => a.ip === dn.ipAddr && (a.port === dn.xferPort || a.port === 0));
}

/** HostFileManager.isIncluded: an empty include list admits everyone. */
export function isIncluded(hosts: HostsLists, dn: { ipAddr: string; xferPort: number }): boolean {
  return hosts.includes.length === 0 || matchesHost(hosts.includes, dn);
}

export function isExcluded(hosts: HostsLists, dn: { ipAddr: string; xferPort: number }): boolean {
  return matchesHost(hosts.excludes, dn);
}
