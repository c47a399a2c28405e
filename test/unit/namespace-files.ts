/**
 * For unit tests of the Namespace: a closed file made as a client makes one (create, one
 * allocateBlock per block, complete), with the ops it logged.
 */
import type { BlockRef, PendingOp } from '../../cluster/namenode/editlog/ops.js';
import { parseAclSpec } from '../../cluster/namenode/acl.js';
import type { FsImage } from '../../cluster/namenode/fsimage/image.js';
import { Namespace } from '../../cluster/namenode/namespace.js';

export const MB = 1_048_576;
/** The client that writes the files. */
export const WRITER = 'DFSClient_NONMAPREDUCE_1_1';
export const FILE_PERM = { user: 'student', group: 'supergroup', mode: 0o644 };

/**
 * ClientProtocol.create of `p` by WRITER (permission FILE_PERM, 1 MiB blocks, replication 1, the
 * parents made, unless told).
 */
export function createFile(
  ns: Namespace,
  p: string,
  options: {
    nowMs: number;
    permission?: typeof FILE_PERM;
    unmasked?: number;
    createParent?: boolean;
    replication?: number;
    blockSizeBytes?: number;
  },
): ReturnType<Namespace['create']> {
  return ns.create(p, {
    permission: options.permission ?? FILE_PERM,
    ...(options.unmasked === undefined ? {} : { unmasked: options.unmasked }),
    clientName: WRITER,
    clientMachine: '127.0.0.1',
    overwrite: false,
    createParent: options.createParent ?? true,
    replication: options.replication ?? 1,
    blockSizeBytes: options.blockSizeBytes ?? MB,
    nowMs: options.nowMs,
  });
}

/** create, blocks of `sizes`, complete: a closed file (1 MiB blocks, replication 1 unless told); its ops go to `log`. */
export function closedFile(
  ns: Namespace,
  p: string,
  sizes: number[],
  options: { log?: PendingOp[]; blockSizeBytes?: number; replication?: number } = {},
): BlockRef[] {
  const log = options.log ?? [];
  log.push(...createFile(ns, p, { ...options, nowMs: 1_000 }).ops);
  let previous: BlockRef | null = null;
  for (const size of sizes) {
    const allocated = ns.allocateBlock(p, { clientName: WRITER, previous });
    log.push(...allocated.ops);
    previous = { ...allocated.block, numBytes: size };
  }
  log.push(...ns.completeFile(p, { clientName: WRITER, last: previous, nowMs: 2_000 }));
  return ns.getBlocks(p) ?? [];
}

/**
 * A namespace with every feature the image keeps: quotas, ACLs (access and default), xattrs (text
 * and binary), snapshots and their diffs (a deleted directory, a changed and a renamed file), and a
 * file under construction.
 */
export function featureImage(): FsImage {
  const ns = new Namespace({ superuser: 'hdfs', namespaceId: 7 });
  const dir = { ...FILE_PERM, mode: 0o755 };
  ns.mkdirs('/d & <e>/sub', { permission: dir, createParent: true, nowMs: 1 });
  closedFile(ns, '/d & <e>/a\\b.txt', [10, 3]);
  closedFile(ns, '/d & <e>/sub/gone.txt', [4]);
  ns.setQuota('/d & <e>', { nsQuota: '100', dsQuota: String(64 * MB) });
  ns.changeAcl('/d & <e>', 'modifyAclEntries', parseAclSpec('user:bruce:r-x,default:group:staff:rwx', true));
  const flags = { create: true, replace: false };
  ns.setXAttr(
    '/d & <e>/a\\b.txt',
    { namespace: 'USER', name: 'text', value: Buffer.from('hé').toString('base64') },
    { flags },
  );
  ns.setXAttr(
    '/d & <e>',
    { namespace: 'TRUSTED', name: 'bin', value: Buffer.from([0, 0xff]).toString('base64') },
    { flags },
  );
  ns.allowSnapshot('/d & <e>');
  ns.createSnapshot('/d & <e>', { name: 's1', nowMs: 5 });
  ns.delete('/d & <e>/sub', { recursive: true, nowMs: 6 });
  ns.setPermission('/d & <e>/a\\b.txt', 0o600);
  ns.createSnapshot('/d & <e>', { name: 's2', nowMs: 7 });
  ns.renameTo('/d & <e>/a\\b.txt', '/d & <e>/c.txt', { options: ['NONE'], nowMs: 9 });
  openFile(ns, '/d & <e>/open.txt');
  return ns.toImage(42);
}

/** create and one block allocated, never completed: a file under construction held by WRITER. */
function openFile(ns: Namespace, p: string): void {
  createFile(ns, p, { createParent: false, nowMs: 10 });
  ns.allocateBlock(p, { clientName: WRITER, previous: null });
}
