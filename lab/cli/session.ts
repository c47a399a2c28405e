/**
 * A command's session with a running cluster: its description, effective configuration, the
 * journal (the `lab` command is the HDFS client, and its frames are journaled as `client`), and
 * an RPC connection to the NameNode bound to the client's own address.
 */
import { clusterConfig } from '../../cluster/launcher/cluster-config.js';
import { homePaths, type ClusterDescription } from '../../cluster/launcher/description.js';
import { requireDescription } from '../../cluster/launcher/launcher.js';
import type { LabConfig } from '../../cluster/config/config.js';
import { Journal } from '../../cluster/runtime/journal.js';
import { RpcClient } from '../../cluster/runtime/rpc-client.js';

export interface ClusterSession {
  home: string;
  description: ClusterDescription;
  config: LabConfig;
  journal: Journal;
  namenode: RpcClient;
  close(): void;
}

export async function openSession(home: string): Promise<ClusterSession> {
  const description = requireDescription(home);
  const config = clusterConfig(description, home);
  const journal = new Journal(homePaths(home).journal, 'client');
  let namenode: RpcClient;
  try {
    namenode = await RpcClient.connect({
      host: description.namenode.host,
      port: description.namenode.port,
      selfId: 'client',
      peerId: 'nn',
      journal,
      ...(description.loopbackAliases ? { localAddress: description.client.host } : {}),
    });
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
): Promise<T> {
  const session = await openSession(home);
  try {
    return await body(session);
  } finally {
    session.close();
  }
}
