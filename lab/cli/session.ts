/**
 * A command's session with a running cluster: its description, effective configuration, the
 * journal (the `lab` command is the HDFS client, and its frames are journaled as `client`), and
 * an RPC connection to the NameNode bound to the client's own address.
 */
import { clusterConfig } from '../../cluster/home/cluster-config.js';
import { homePaths, type ClusterDescription } from '../../cluster/home/description.js';
import { requireDescription } from '../../cluster/launcher/launcher.js';
import type { LabConfig } from '../../cluster/config/config.js';
import { Journal } from '../../cluster/transport/journal.js';
import type { RpcClient } from '../../cluster/transport/rpc-client.js';
import { connectNamenode } from '../../cluster/client/namenode-client.js';
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
  const dn = description.datanodes.find((d) => d.id === on);
  if (!dn) {
    throw new UsageError(
      `--on ${on}: this cluster has no DataNode ${on}; it has ${description.datanodes.map((d) => d.id).join(', ')}`,
    );
  }
  if (!description.loopbackAliases) {
    throw new UsageError(
      `--on ${on}: needs one loopback address per process, which this machine does not offer`,
    );
  }
  return { ...description, client: { host: dn.host, rack: dn.rack } };
}

export async function openSession(
  home: string,
  options: { on?: string | undefined } = {},
): Promise<ClusterSession> {
  const description = placeClient(requireDescription(home), options.on ?? process.env.LAB_CLIENT_ON);
  const config = clusterConfig(description, home);
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
  options: { on?: string | undefined } = {},
): Promise<T> {
  const session = await openSession(home, options);
  try {
    return await body(session);
  } finally {
    session.close();
  }
}
