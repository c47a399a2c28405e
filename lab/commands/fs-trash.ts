/**
 * The client's side of HDFS's trash (Trash.moveToAppropriateTrash, TrashPolicyDefault): `-rm`
 * with fs.trash.interval > 0 makes /user/<u>/.Trash/Current/<parent> (mode 0700) and renames the
 * path there with Rename.TO_TRASH (rename2, logged as OP_RENAME TO_TRASH); `-expunge` deletes old
 * checkpoints and checkpoints Current, as the NameNode's emptier does on its schedule.
 */
import path from 'node:path';
import {
  CHECKPOINT_ATTEMPTS_MAX,
  TRASH_CURRENT,
  TRASH_PERMISSION,
  checkpointName,
  checkpointTime,
  containsTrash,
  isInTrash,
  trashMinutesToMs,
  trashPathFor,
  trashRoot,
} from '../../cluster/common/trash.js';
import type { LabConfig } from '../../cluster/config/config.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import { hadoopUser } from '../../cluster/common/user.js';
import { log4jLine } from '../../cluster/common/log4j.js';
import type { RpcClient } from '../../cluster/transport/rpc-client.js';
import { err, out } from '../cli/output.js';
import { opId, type FsCommandSpec, type FsContext } from './fs-command.js';

export interface TrashClient {
  namenode: RpcClient;
  config: LabConfig;
  user: string;
  opId: string;
}

function trashClient(ctx: FsContext, kind: string): TrashClient {
  return { namenode: ctx.session.namenode, config: ctx.session.config, user: hadoopUser(), opId: opId(kind) };
}

/**
 * `-rm` without -skipTrash (Delete.moveToTrash): true when the path went to the trash (the
 * "Moved: …" line is printed), false when it is to be deleted (trash off, or already in it).
 */
export async function moveToAppropriateTrash(ctx: FsContext, src: string): Promise<boolean> {
  const client = trashClient(ctx, 'rm');
  if ((await trashIntervalMs(client)) <= 0) return false;
  const moved = await moveToTrash(client, src, Date.now());
  if (moved === null) return false;
  out(moved);
  return true;
}

/** `-expunge [-immediate]`; TrashPolicyDefault's log lines go to stderr, as log4j's console does. */
export const EXPUNGE: FsCommandSpec = {
  usage: '-expunge [-immediate]',
  max: 0,
  run: async (a, ctx) => {
    const log = await expunge(trashClient(ctx, 'expunge'), {
      nowMs: Date.now(),
      immediate: a.options.has('immediate'),
    });
    for (const line of log) err(log4jLine('INFO', 'fs.TrashPolicyDefault', line, new Date()));
    return 0;
  },
};

/**
 * Trash.moveToAppropriateTrash: the server's fs.trash.interval wins when it is set, else the
 * client's. The lab's client reads the cluster's configuration, so both agree; a fraction of a
 * minute (not expressible on the wire) is taken from the configuration.
 */
export async function trashIntervalMs(client: TrashClient): Promise<number> {
  const server = await client.namenode.call('getServerDefaults', {});
  if (server.trashIntervalMinutes > 0) return trashMinutesToMs(server.trashIntervalMinutes);
  return trashMinutesToMs(client.config.float('fs.trash.interval'));
}

function qualified(config: LabConfig, p: string): string {
  return `${config.get('fs.defaultFS').replace(/\/+$/, '')}${p}`;
}

/**
 * TrashPolicyDefault.moveToTrash for an existing absolute path: the line to print ("Moved: …"),
 * or null when the path is already in the trash (the caller deletes it). Throws Hadoop's
 * IOException when the path contains the trash.
 */
export async function moveToTrash(client: TrashClient, src: string, nowMs: number): Promise<string | null> {
  const { namenode, config, user } = client;
  if (isInTrash(user, src)) return null;
  if (containsTrash(user, src)) {
    throw new RemoteError(
      'IOException',
      `Cannot move "${qualified(config, src)}" to the trash, as it contains the trash. Consider using -skipTrash option`,
    );
  }
  const base = trashPathFor(user, path.posix.dirname(src));
  await namenode.call(
    'mkdirs',
    { src: base, permission: TRASH_PERMISSION, createParent: true },
    { opId: client.opId },
  );
  // "if the target path in Trash already exists, then append with a current time in millisecs".
  const first = trashPathFor(user, src);
  let target = first;
  while (await namenode.call('getFileInfo', { src: target }, { opId: client.opId }))
    target = `${first}${nowMs++}`;
  await namenode.call(
    'rename2',
    { src, dst: target, overwrite: false, toTrash: true },
    { opId: client.opId },
  );
  return `Moved: '${qualified(config, src)}' to trash at: ${qualified(config, target)}`;
}

/**
 * `hdfs dfs -expunge [-immediate]` (Trash.expunge / expungeImmediately) for the user's trash:
 * checkpoints older than the interval are deleted, then Current becomes a checkpoint; with
 * -immediate, Current is checkpointed and every checkpoint deleted. Returns the log lines.
 */
export async function expunge(
  client: TrashClient,
  options: { nowMs: number; immediate: boolean },
): Promise<string[]> {
  const deletionMs = await trashIntervalMs(client);
  const root = trashRoot(client.user);
  const log: string[] = [
    `TrashPolicyDefault#deleteCheckpoint for trashRoot: ${qualified(client.config, root)}`,
  ];
  if (!options.immediate) await deleteCheckpoints(client, root, { ...options, deletionMs }, log);
  log.push(`TrashPolicyDefault#createCheckpoint for trashRoot: ${qualified(client.config, root)}`);
  await createCheckpoint(client, root, options.nowMs, log);
  if (options.immediate) await deleteCheckpoints(client, root, { ...options, deletionMs }, log);
  return log;
}

async function deleteCheckpoints(
  client: TrashClient,
  root: string,
  when: { nowMs: number; deletionMs: number; immediate: boolean },
  log: string[],
): Promise<void> {
  const listing = await client.namenode.call('getListing', { src: root }, { opId: client.opId });
  for (const entry of listing?.entries ?? []) {
    if (entry.pathSuffix === TRASH_CURRENT) continue;
    const time = checkpointTime(entry.pathSuffix, when.nowMs);
    const dir = `${root}/${entry.pathSuffix}`;
    if (time === null) {
      log.push(`Unexpected item in trash: ${dir}. Left in place.`);
      continue;
    }
    if (!(when.nowMs - when.deletionMs > time || when.immediate)) continue;
    const ok = await client.namenode.call('delete', { src: dir, recursive: true }, { opId: client.opId });
    log.push(ok ? `Deleted trash checkpoint: ${dir}` : `Couldn't delete checkpoint: ${dir} Ignoring.`);
  }
}

async function createCheckpoint(
  client: TrashClient,
  root: string,
  nowMs: number,
  log: string[],
): Promise<void> {
  const current = `${root}/${TRASH_CURRENT}`;
  if (!(await client.namenode.call('getFileInfo', { src: current }, { opId: client.opId }))) return;
  const base = `${root}/${checkpointName(nowMs)}`;
  for (let attempt = 0; attempt <= CHECKPOINT_ATTEMPTS_MAX; attempt++) {
    const checkpoint = attempt === 0 ? base : `${base}-${attempt}`;
    if (await client.namenode.call('getFileInfo', { src: checkpoint }, { opId: client.opId })) continue;
    await client.namenode.call(
      'rename2',
      { src: current, dst: checkpoint, overwrite: false },
      { opId: client.opId },
    );
    log.push(`Created trash checkpoint: ${checkpoint}`);
    return;
  }
  throw new RemoteError('IOException', `Failed to checkpoint trash: ${base}`);
}
