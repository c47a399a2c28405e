/**
 * The include (dfs.hosts) and exclude (dfs.hosts.exclude) files as HDFS reads them
 * (HostsFileReader, HostFileManager): whitespace-separated `host[:port]` entries, `#` starts a
 * comment to the end of the line; an entry without a port stands for every DataNode on that host.
 * A DataNode matches by its IP address and transfer port. An empty include list admits every
 * DataNode. Pure: the runtime reads the files and resolves host names to addresses.
 *
 * With dfs.namenode.hosts.provider.classname = CombinedHostFileManager, dfs.hosts is instead one
 * JSON array of DatanodeAdminProperties (CombinedHostsFileReader): {hostName, port, adminState,
 * maintenanceExpireTimeInMS}. Every entry is on the include list; DECOMMISSIONED ones are the
 * exclude list, IN_MAINTENANCE ones ask for maintenance until their expiry (epoch ms); when no
 * entry is NORMAL, every DataNode is admitted (HostProperties.emptyInServiceNodeLists).
 */

/** One entry of a hosts file, before its host name is resolved. */
export interface HostEntry {
  host: string;
  /** 0: any port on the host. */
  port: number;
}

/** DatanodeAdminProperties.adminState: the states a combined hosts file may ask for. */
export type RequestedAdminState = 'NORMAL' | 'DECOMMISSIONED' | 'IN_MAINTENANCE';

/** A resolved entry: the IP address the host name stands for, and the port (0 = any). */
export interface HostAddress {
  ip: string;
  port: number;
  /** The combined hosts file's adminState (absent in an include/exclude file: NORMAL). */
  adminState?: RequestedAdminState;
  /** The combined hosts file's maintenanceExpireTimeInMS (epoch ms; 0 = none). */
  maintenanceExpireTimeMs?: number;
}

/** The two lists the NameNode keeps; each entry resolved. */
export interface HostsLists {
  includes: readonly HostAddress[];
  excludes: readonly HostAddress[];
}

/** One DatanodeAdminProperties of a combined hosts file, before its host name is resolved. */
export interface DatanodeAdminProperties extends HostEntry {
  adminState: RequestedAdminState;
  maintenanceExpireTimeMs: number;
}

const REQUESTED_STATES: readonly RequestedAdminState[] = ['NORMAL', 'DECOMMISSIONED', 'IN_MAINTENANCE'];

/**
 * CombinedHostsFileReader.readFile: the JSON array's entries, or a sentence saying what is wrong
 * (HDFS fails the refresh on a file Jackson cannot map). Fields a DatanodeAdminProperties does
 * not have are refused as Jackson refuses them; `upgradeDomain` is accepted and not used.
 */
export function combinedHostsEntries(text: string): DatanodeAdminProperties[] | string {
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? [] : JSON.parse(text);
  } catch (error) {
    return `is not JSON (${(error as Error).message})`;
  }
  if (!Array.isArray(parsed))
    return 'must be a JSON array of objects such as [{"hostName": "127.0.0.1", "port": 9866, "adminState": "IN_MAINTENANCE", "maintenanceExpireTimeInMS": 1767225600000}]';
  const out: DatanodeAdminProperties[] = [];
  for (const [i, item] of parsed.entries()) {
    const entry = adminProperties(item);
    if (typeof entry === 'string') return `entry ${i}: ${entry}`;
    out.push(entry);
  }
  return out;
}

const ADMIN_PROPERTY_FIELDS = [
  'hostName',
  'port',
  'adminState',
  'maintenanceExpireTimeInMS',
  'upgradeDomain',
];

function adminProperties(item: unknown): DatanodeAdminProperties | string {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'is not a JSON object';
  const o = item as Record<string, unknown>;
  const unknownField = Object.keys(o).find((k) => !ADMIN_PROPERTY_FIELDS.includes(k));
  if (unknownField !== undefined)
    return `unrecognized field "${unknownField}" (DatanodeAdminProperties has ${ADMIN_PROPERTY_FIELDS.join(', ')})`;
  if (typeof o.hostName !== 'string' || o.hostName === '') return 'hostName must be a non-empty string';
  const port = Number(o.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return `port ${String(o.port)} is not 0 to 65535`;
  const adminState = (o.adminState ?? 'NORMAL') as RequestedAdminState;
  if (!REQUESTED_STATES.includes(adminState))
    return `adminState ${String(o.adminState)} is not one of ${REQUESTED_STATES.join(', ')}`;
  // Jackson accepts the expiry as a number or a numeric string (the Hadoop guide quotes it).
  const expiry = Number(o.maintenanceExpireTimeInMS ?? 0);
  if (!Number.isSafeInteger(expiry))
    return `maintenanceExpireTimeInMS ${String(o.maintenanceExpireTimeInMS)} is not a number`;
  return { host: o.hostName, port, adminState, maintenanceExpireTimeMs: expiry };
}

/** CombinedHostFileManager's lists from the resolved entries: all included, DECOMMISSIONED excluded. */
export function combinedHostsLists(entries: readonly HostAddress[]): HostsLists {
  return { includes: entries, excludes: entries.filter((e) => e.adminState === 'DECOMMISSIONED') };
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

/**
 * HostFileManager.isIncluded: an empty include list admits everyone; so does a combined hosts
 * file none of whose entries is NORMAL (CombinedHostFileManager's emptyInServiceNodeLists).
 */
export function isIncluded(hosts: HostsLists, dn: { ipAddr: string; xferPort: number }): boolean {
  const inService = hosts.includes.some((a) => (a.adminState ?? 'NORMAL') === 'NORMAL');
  return !inService || matchesHost(hosts.includes, dn);
}

/**
 * CombinedHostFileManager.getMaintenanceExpirationTimeInMS: the expiry of the DataNode's first
 * IN_MAINTENANCE entry, 0 when none asks for maintenance (an include/exclude file never does).
 */
export function maintenanceExpireTimeMs(hosts: HostsLists, dn: { ipAddr: string; xferPort: number }): number {
  const entry = hosts.includes.find((a) => a.adminState === 'IN_MAINTENANCE' && matchesHost([a], dn));
  return entry?.maintenanceExpireTimeMs ?? 0;
}

export function isExcluded(hosts: HostsLists, dn: { ipAddr: string; xferPort: number }): boolean {
  return matchesHost(hosts.excludes, dn);
}
