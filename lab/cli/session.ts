/**
 * A command's session with a running cluster: its description, effective configuration, the
 * journal (the `lab` command is the HDFS client, and its frames are journaled as `client`), and
 * an RPC connection to the NameNode bound to the client's own address.
 */
import dns from 'node:dns/promises';
import net from 'node:net';
import os from 'node:os';
import { derivedConf } from '../../cluster/home/cluster-config.js';
import { clientOn, homePaths, type ClusterDescription } from '../../cluster/home/description.js';
import { requireDescription } from '../../cluster/home/home.js';
import { resolveConfig, type LabConfig } from '../../cluster/config/config.js';
import { Journal } from '../../cluster/transport/journal.js';
import type { RpcClient } from '../../cluster/transport/rpc-client.js';
import { connectNamenode } from '../../cluster/client/namenode-client.js';
import { connectionRefusedMessage } from '../format/connection-refused.js';
import { UsageError } from './errors.js';

export interface ClusterSession {
  home: string;
  description: ClusterDescription;
  config: LabConfig;
  journal: Journal;
  namenode: RpcClient;
  close(): void;
}

/**
 * Where the client runs: off-cluster (its own address, the default) or on a DataNode's host
 * (`--on dn3` / LAB_CLIENT_ON=dn3), which makes it a local writer (first replica on that
 * DataNode) and a local reader (that replica first, distance 0).
 */
export function placeClient(description: ClusterDescription, on: string | undefined): ClusterDescription {
  if (!on) return description;
  const placed = clientOn(description, on);
  if (!placed.ok) throw new UsageError(`--on ${on}: ${placed.problem}`);
  return placed.description;
}

export interface SessionOptions {
  on?: string | undefined;
  /** What the user set for this client (site files, -conf, -D, -fs): see generic-options.ts. */
  settings?: Record<string, string> | undefined;
}

/**
 * The client's configuration: the cluster's, then the user's settings, which also win over what
 * the launcher derived (as `-fs` overrides fs.defaultFS in Hadoop).
 */
export function clientConfig(
  description: ClusterDescription | undefined,
  home: string,
  settings: Record<string, string> = {},
): LabConfig {
  if (description === undefined) return resolveConfig(settings);
  const derived = Object.fromEntries(
    Object.entries(derivedConf(description, home)).filter(([key]) => !(key in settings)),
  );
  return resolveConfig({ ...description.conf, ...settings }, derived);
}

/** The NameNode fs.defaultFS names: an hdfs:// URI's authority (port 8020 when left out). */
export function namenodeOfDefaultFs(uri: string): { host: string; port: number } {
  const m = /^([a-zA-Z][\w+.-]*):(?:\/\/([^/]*))?/.exec(uri);
  const scheme = m?.[1]?.toLowerCase();
  if (scheme !== 'hdfs') {
    const what = scheme === undefined ? `'${uri}' is not a URI` : `the ${scheme}: file system is not HDFS`;
    throw new UsageError(
      `fs.defaultFS ${uri}: ${what}; the lab's commands talk to an HDFS NameNode only (-fs hdfs://HOST:PORT)`,
    );
  }
  const authority = m?.[2] ?? '';
  const hp = /^([^:]+)(?::(\d+))?$/.exec(authority);
  if (!hp) throw new UsageError(`fs.defaultFS ${uri}: names no NameNode host (hdfs://HOST:PORT)`);
  return { host: hp[1] as string, port: hp[2] === undefined ? 8020 : Number(hp[2]) };
}

export async function openSession(home: string, options: SessionOptions = {}): Promise<ClusterSession> {
  const cluster = requireDescription(home);
  const config = clientConfig(cluster, home, options.settings);
  const target = namenodeOfDefaultFs(config.get('fs.defaultFS'));
  const description = placeClient(
    { ...cluster, namenode: { ...cluster.namenode, ...target } },
    options.on ?? process.env.LAB_CLIENT_ON,
  );
  const journal = new Journal(homePaths(home).journal, 'client');
  let namenode: RpcClient;
  try {
    namenode = await connectNamenode(description, journal);
  } catch (error) {
    journal.close();
    throw error;
  }
  return {
    home,
    description,
    config,
    journal,
    namenode,
    close: () => {
      namenode.close();
      journal.close();
    },
  };
}

/** Run `body` with a session and always close it. */
export async function withSession<T>(
  home: string,
  body: (session: ClusterSession) => Promise<T>,
  options: SessionOptions = {},
): Promise<T> {
  const session = await openSession(home, options);
  try {
    return await body(session);
  } finally {
    session.close();
  }
}

/**
 * A refused connection to `target` in NetUtils.wrapException's words, with the names Java puts in
 * it: this machine as InetAddress.getLocalHost() prints it (`hostname/address`) and the NameNode's
 * host name (InetSocketAddress.getHostName: an address looked up in reverse, a name as given).
 */
export async function refusedConnectionText(target: { host: string; port: number }): Promise<string> {
  const hostname = os.hostname();
  const local = await dns.lookup(hostname).then(
    (a) => `${hostname}/${a.address}`,
    () => `java.net.UnknownHostException: ${hostname}`,
  );
  const destHost = net.isIP(target.host)
    ? await dns.lookupService(target.host, target.port).then(
        (r) => r.hostname,
        () => target.host,
      )
    : target.host;
  return connectionRefusedMessage({ localHost: local, destHost, destPort: target.port });
}
