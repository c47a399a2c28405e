/**
 * Short RPC conversations of the launcher with the NameNode (readiness polls, `lab status`).
 * They are lab plumbing, not HDFS traffic a student asked for, so this side keeps them out of the
 * journal (the NameNode still journals what it receives, as it does for every frame).
 */
import { RemoteError } from '../protocol/errors.js';
import { Journal } from '../transport/journal.js';
import { ConnectError, RpcClient } from '../transport/rpc-client.js';
import type { ClusterDescription } from '../home/description.js';
import { NAMENODE_POLL_TIMEOUT_MS } from '../protocol/limits.js';

/**
 * Connect to the NameNode as the client, from the client's own loopback address when there is one;
 * as `user` when given (a probe asking what another user may do), else as HADOOP_USER_NAME / the OS user.
 */
export function connectNamenode(
  description: ClusterDescription,
  journal: Journal,
  options: { timeoutMs?: number; user?: string } = {},
): Promise<RpcClient> {
  return RpcClient.connect({
    host: description.namenode.host,
    port: description.namenode.port,
    selfId: 'client',
    peerId: 'nn',
    journal,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.user !== undefined ? { user: options.user } : {}),
    ...(description.loopbackAliases ? { localAddress: description.client.host } : {}),
  });
}

/**
 * Run `talk` over a fresh connection to the NameNode. Returns undefined if the NameNode cannot be
 * reached or does not answer in time (not started yet, or down); a RemoteError is an answer and
 * is rethrown.
 */
export async function withNamenode<T>(
  description: ClusterDescription,
  talk: (client: RpcClient) => Promise<T>,
  options: { timeoutMs?: number } = {},
): Promise<T | undefined> {
  const journal = new Journal(null, 'client');
  let client: RpcClient | undefined;
  try {
    client = await connectNamenode(description, journal, {
      timeoutMs: options.timeoutMs ?? NAMENODE_POLL_TIMEOUT_MS,
    });
    return await talk(client);
  } catch (error) {
    if (error instanceof RemoteError) throw error;
    // Refused, reset, closed or timed out: the RPC client reports those as ConnectError or a plain
    // Error. Anything else (a TypeError…) is a bug and must surface.
    if (error instanceof ConnectError || Object.getPrototypeOf(error) === Error.prototype) return undefined;
    throw error;
  } finally {
    client?.close();
    journal.close();
  }
}
