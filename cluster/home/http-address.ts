/**
 * Where a cluster's NameNode HTTP server is: the port it wants and the address it published in the
 * lab home once it bound one. Read by the daemons and by every client of the NameNode's HTTP side.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LabConfig } from '../config/config.js';
import type { ClusterDescription } from './description.js';

/** Hadoop's default NameNode HTTP port (dfs.namenode.http-address). */
export const NAMENODE_HTTP_PORT_DEFAULT = 9870;

/** Where the NameNode publishes the address its HTTP server bound (the description has no HTTP port yet). */
export function namenodeHttpAddressFile(home: string): string {
  return path.join(home, 'nn-http.address');
}

/**
 * The port the NameNode's HTTP server wants: the description's (when the launcher records one),
 * else a port set with -D dfs.namenode.http-address, else 9870 on a cluster using Hadoop's default
 * ports and an ephemeral one otherwise.
 */
export function namenodeHttpPortWanted(desc: ClusterDescription, config: LabConfig): number {
  const recorded = (desc.namenode as { httpPort?: number }).httpPort;
  if (recorded !== undefined) return recorded;
  const configured = Number(/:(\d+)$/.exec(config.get('dfs.namenode.http-address'))?.[1] ?? 0);
  if (configured !== 0) return configured;
  return desc.namenode.port === 8020 ? NAMENODE_HTTP_PORT_DEFAULT : 0;
}

/** The NameNode's HTTP address as `host:port`, or undefined when it has not started one. */
export function readNamenodeHttpAddress(home: string, desc: ClusterDescription): string | undefined {
  const recorded = (desc.namenode as { httpPort?: number }).httpPort;
  if (recorded) return `${desc.namenode.host}:${recorded}`;
  try {
    const text = fs.readFileSync(namenodeHttpAddressFile(home), 'utf8').trim();
    return /^[\d.]+:\d+$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}
