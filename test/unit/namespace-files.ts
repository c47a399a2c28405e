/**
 * For unit tests of the Namespace: a closed file made as a client makes one (create, one
 * allocateBlock per block, complete), with the ops it logged.
 */
import type { BlockRef, PendingOp } from '../../cluster/namenode/editlog/ops.js';
import type { Namespace } from '../../cluster/namenode/namespace.js';

export const MB = 1_048_576;
/** The client that writes the files. */
export const WRITER = 'DFSClient_NONMAPREDUCE_1_1';
export const FILE_PERM = { user: 'student', group: 'supergroup', mode: 0o644 };

/** create, blocks of `sizes`, complete: a closed file (1 MiB blocks, replication 1 unless told); its ops go to `log`. */
export function closedFile(
  ns: Namespace,
  p: string,
  sizes: number[],
  options: { log?: PendingOp[]; blockSizeBytes?: number; replication?: number } = {},
): BlockRef[] {
  const log = options.log ?? [];
  log.push(
    ...ns.create(p, {
      permission: FILE_PERM,
      clientName: WRITER,
      clientMachine: '127.0.0.1',
      overwrite: false,
      createParent: true,
      replication: options.replication ?? 1,
      blockSizeBytes: options.blockSizeBytes ?? MB,
      nowMs: 1_000,
    }).ops,
  );
  let previous: BlockRef | null = null;
  for (const size of sizes) {
    const allocated = ns.allocateBlock(p, { clientName: WRITER, previous });
    log.push(...allocated.ops);
    previous = { ...allocated.block, numBytes: size };
  }
  log.push(...ns.completeFile(p, { clientName: WRITER, last: previous, nowMs: 2_000 }));
  return ns.getBlocks(p) ?? [];
}
