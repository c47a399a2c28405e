/**
 * A writer that holds a lease and nothing else: it creates one file and keeps it open, so the
 * NameNode counts it as being written (LeaseManager) for as long as the process lives. It renews
 * the lease as HDFS's LeaseRenewer does (every min(soft, hard limit) / 2), each time on a new
 * connection, as Java's IPC client dials again after a NameNode restart (`lab restart nn`): so
 * another client's append or create of the file is refused with AlreadyBeingCreatedException
 * however long a student takes — the second writer of the lease experiment, reproducible one
 * command at a time. A pack starts it with the `hold-lease` setup step
 * (cluster/launcher/lease-holder.ts); SIGTERM (`lab stop`) closes the file and ends it.
 */
import { DFSClient, LEASE_RENEW_INTERVAL_MS } from '../client/dfs-client.js';
import { withNamenode } from '../client/namenode-client.js';
import { clusterConfig } from '../home/cluster-config.js';
import { requireDescription } from '../home/home.js';
import { LEASE_HOLDER_CLOSE_TIMEOUT_MS } from '../protocol/limits.js';

export interface LeaseHolder {
  stop(): Promise<void>;
}

export async function runLeaseHolder(options: {
  home: string;
  id: string;
  path: string;
}): Promise<LeaseHolder> {
  const description = requireDescription(options.home);
  // The create goes through the lab's client, journaled as any client's; then its connection is
  // closed (a NameNode restart would break it for good) and this process renews on its own.
  const client = await DFSClient.connect({ home: options.home });
  const { clientName } = client;
  let fileId: number;
  try {
    await client.create(options.path, { overwrite: true });
    fileId = (await client.call('getFileInfo', { src: options.path }))?.fileId ?? 0;
  } finally {
    await client.close();
  }
  console.log(`${options.id}: holding the lease on ${options.path} as ${clientName}`);
  const renew = setInterval(() => {
    withNamenode(description, (nn) => nn.call('renewLease', { clientName }))
      .then((answered) => {
        if (answered === undefined)
          console.log(`${options.id}: the NameNode does not answer; renewing later`);
      })
      .catch((error: unknown) =>
        console.log(`${options.id}: renewLease failed: ${(error as Error).message}`),
      );
  }, renewIntervalMs(options.home));
  return {
    async stop() {
      clearInterval(renew);
      // Closed, the file is complete and its lease released; a NameNode stopping at the same time
      // may not answer, and the process ends anyway (the lease then expires as any dead writer's).
      const closed = withNamenode(
        description,
        (nn) => nn.call('complete', { src: options.path, clientName, last: null, fileId }),
        { timeoutMs: LEASE_HOLDER_CLOSE_TIMEOUT_MS },
      ).catch((error: unknown) => {
        console.log(`${options.id}: could not close ${options.path}: ${(error as Error).message}`);
      });
      await closed;
    },
  };
}

/** LeaseRenewer's period: min(soft, hard limit) / 2 of this cluster (the lab's limits are shorter than Hadoop's). */
function renewIntervalMs(home: string): number {
  try {
    const config = clusterConfig(requireDescription(home), home);
    const soft = config.ms('lab.lease.soft-limit-ms');
    const hard = config.ms('dfs.namenode.lease-hard-limit-sec');
    return Math.max(100, Math.floor(Math.min(soft, hard) / 2));
  } catch {
    return LEASE_RENEW_INTERVAL_MS;
  }
}
