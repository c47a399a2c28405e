/**
 * A writer that holds a lease and nothing else: it creates one file and keeps it open, so the
 * NameNode counts it as being written (LeaseManager) for as long as the process lives. Its client
 * renews the lease as HDFS's LeaseRenewer does (every 30 s), so another client's append or create
 * of the file is refused with AlreadyBeingCreatedException however long a student takes — the
 * second writer of the lease experiment, reproducible one command at a time. A pack starts it with
 * the `hold-lease` setup step (cluster/launcher/lease-holder.ts); SIGTERM (`lab stop`) closes the
 * file and ends it.
 */
import { DFSClient, type DFSOutputStream } from '../client/dfs-client.js';
import { LEASE_HOLDER_CLOSE_TIMEOUT_MS } from '../protocol/limits.js';

export interface LeaseHolder {
  stop(): Promise<void>;
}

export async function runLeaseHolder(options: {
  home: string;
  id: string;
  path: string;
}): Promise<LeaseHolder> {
  const client = await DFSClient.connect({ home: options.home });
  let stream: DFSOutputStream;
  try {
    stream = await client.create(options.path, { overwrite: true });
  } catch (error) {
    await client.close();
    throw error;
  }
  console.log(`${options.id}: holding the lease on ${options.path} as ${client.clientName}`);
  // The lease renewer's timer does not keep a process alive (a shell command ends when its work
  // does); this one must live until it is stopped.
  const alive = setInterval(() => {}, 2 ** 30);
  return {
    async stop() {
      clearInterval(alive);
      // Closed, the file is complete and its lease released; a NameNode stopping at the same time
      // may not answer, and the process ends anyway (the lease then expires as any dead writer's).
      const closed = stream.close().catch((error: unknown) => {
        console.log(`${options.id}: could not close ${options.path}: ${(error as Error).message}`);
      });
      await Promise.race([
        closed,
        new Promise((resolve) => setTimeout(resolve, LEASE_HOLDER_CLOSE_TIMEOUT_MS)),
      ]);
      await client.close().catch(() => {});
    },
  };
}
