/**
 * `hdfs fsck -move` and `-delete`, the NameNode's half (NamenodeFsck.copyBlocksToLostFound and
 * deleteCorruptedFile): for each closed file the walk found corrupt, copy what can still be read
 * to /lost+found and/or delete the file. As in HDFS the NameNode acts as an HDFS client of itself,
 * as the user who asked for the fsck: its calls go through its own RPC server (permissions, the
 * edit log, the journal) and the blocks are read from the DataNodes and written through a real
 * pipeline, so `lab traffic` shows every frame. namenode-http.ts loads this module only when an
 * fsck asks for a repair.
 */
import { DFSClient, DEFAULT_DIR_MODES, type DFSOutputStream } from '../client/dfs-client.js';
import type { ClusterDescription } from '../home/description.js';
import type { LabConfig } from '../config/config.js';
import type { LocatedBlock } from '../protocol/types.js';
import { blockName } from '../protocol/types.js';
import type { Journal } from '../transport/journal.js';
import { RpcClient } from '../transport/rpc-client.js';

/** NamenodeFsck.lostFoundInit's directory. */
export const LOST_FOUND = '/lost+found';

export interface FsckRepairOptions {
  description: ClusterDescription;
  config: LabConfig;
  journal: Journal;
  /** Who asked for the fsck: the repair's calls are made as this user. */
  user: string;
  /** The closed files the walk counted corrupt, in its order. */
  paths: readonly string[];
  move: boolean;
  delete: boolean;
}

/** What NamenodeFsck keeps across files: whether /lost+found was looked at, and its internalError. */
interface RepairState {
  client: DFSClient;
  log: (level: 'info' | 'warn' | 'error', text: string) => void;
  opId: string;
  lostFound: 'unknown' | 'ok' | 'failed';
  internalError: boolean;
}

let repairCounter = 0;

/**
 * Repairs each file as NamenodeFsck does during its walk (move first, then delete). Returns
 * NamenodeFsck.internalError: true when a copy or a delete failed, which turns the report's last
 * line into `Fsck on path '…' FAILED`.
 */
export async function repairCorruptFiles(opts: FsckRepairOptions): Promise<boolean> {
  const log = (level: 'info' | 'warn' | 'error', text: string): void =>
    opts.journal.event({ type: 'log', level, text });
  let client: DFSClient;
  try {
    client = await clientAs(opts);
  } catch (err) {
    log('error', `Fsck: cannot reach the NameNode's RPC server as ${opts.user}: ${(err as Error).message}`);
    return true;
  }
  const state: RepairState = {
    client,
    log,
    opId: `fsck-${process.pid}-${++repairCounter}`,
    lostFound: 'unknown',
    internalError: false,
  };
  try {
    for (const path of opts.paths) {
      if (opts.move) await copyBlocksToLostFound(state, path);
      if (opts.delete) await deleteCorruptedFile(state, path);
    }
  } finally {
    await client.close();
  }
  return state.internalError;
}

/** A DFSClient of this NameNode as `user`, speaking from the NameNode's own address. */
async function clientAs(opts: FsckRepairOptions): Promise<DFSClient> {
  const { namenode } = opts.description;
  const rpc = await RpcClient.connect({
    host: namenode.host,
    port: namenode.port,
    selfId: namenode.id,
    peerId: namenode.id,
    journal: opts.journal,
    user: opts.user,
    localAddress: namenode.host,
  });
  const client = new DFSClient({
    session: { description: opts.description, config: opts.config, journal: opts.journal, namenode: rpc },
    selfId: namenode.id,
    clientHost: namenode.host,
    warn: (line) => opts.journal.event({ type: 'log', level: 'warn', text: line }),
  });
  const close = client.close.bind(client);
  client.close = async () => {
    await close();
    rpc.close();
  };
  return client;
}

/** NamenodeFsck.deleteCorruptedFile: a recursive delete; a failure is an internal error. */
async function deleteCorruptedFile(state: RepairState, path: string): Promise<void> {
  try {
    await state.client.call('delete', { src: path, recursive: true }, state.opId);
    state.log('info', `Fsck: deleted corrupt file ${path}`);
  } catch (err) {
    state.log('error', `Fsck: error deleting corrupted file ${path}: ${(err as Error).message}`);
    state.internalError = true;
  }
}

/**
 * NamenodeFsck.lostFoundInit, once per fsck: /lost+found is made (0755) when missing; a file of
 * that name makes every move fail.
 */
async function lostFoundInit(state: RepairState): Promise<void> {
  try {
    const status = await state.client.call('getFileInfo', { src: LOST_FOUND }, state.opId);
    if (status === null) {
      const made = await state.client.call(
        'mkdirs',
        { src: LOST_FOUND, ...DEFAULT_DIR_MODES, createParent: true },
        state.opId,
      );
      state.lostFound = made ? 'ok' : 'failed';
    } else if (status.type !== 'DIRECTORY') {
      state.log('warn', 'Cannot use /lost+found : a regular file with this name exists.');
      state.lostFound = 'failed';
    } else {
      state.lostFound = 'ok';
    }
  } catch (err) {
    state.log('warn', `Cannot initialize /lost+found : ${(err as Error).message}`);
    state.lostFound = 'failed';
  }
  if (state.lostFound === 'failed') state.internalError = true;
}

/**
 * NamenodeFsck.copyBlocksToLostFound: /lost+found/<path> is made with the file's permission, and
 * each run of blocks that still have a location is copied into its own file `0`, `1`, … (a block
 * with no location ends a run; one that cannot be read ends it too, and is an internal error).
 * An existing target is left alone with a warning.
 */
async function copyBlocksToLostFound(state: RepairState, path: string): Promise<void> {
  const { client, log } = state;
  if (state.lostFound === 'unknown') await lostFoundInit(state);
  if (state.lostFound !== 'ok') {
    log('error', `copyBlocksToLostFound: error processing ${path}: failed to initialize lost+found`);
    state.internalError = true;
    return;
  }
  const target = `${LOST_FOUND}${path}`;
  try {
    if ((await client.call('getFileInfo', { src: target }, state.opId)) !== null) {
      log('warn', `Fsck: can't copy the remains of ${path} to lost+found, because ${target} already exists.`);
      return;
    }
    const status = await client.call('getFileInfo', { src: path }, state.opId);
    const permission = status?.permission ?? DEFAULT_DIR_MODES.permission;
    if (!(await client.call('mkdirs', { src: target, permission, createParent: true }, state.opId))) {
      throw new Error(`failed to create directory ${target}`);
    }
    const located = await client.locateAll(path, state.opId);
    const copyError = await copyChains(state, { path, target, blocks: located.blocks });
    if (copyError) {
      log('warn', `Fsck: there were errors copying the remains of the corrupted file ${path} to /lost+found`);
    } else {
      log('info', `Fsck: copied the remains of the corrupted file ${path} to /lost+found`);
    }
  } catch (err) {
    log('error', `copyBlocksToLostFound: error processing ${path}: ${(err as Error).message}`);
    state.internalError = true;
  }
}

/** The chains of copyBlocksToLostFound: returns whether a block could not be copied. */
async function copyChains(
  state: RepairState,
  file: { path: string; target: string; blocks: readonly LocatedBlock[] },
): Promise<boolean> {
  let chain = 0;
  let out: DFSOutputStream | null = null;
  let copyError = false;
  try {
    for (const lb of file.blocks) {
      if (lb.locations.length === 0) {
        await out?.close();
        out = null;
        continue;
      }
      out ??= await state.client.create(`${file.target}/${chain++}`, { overwrite: true, opId: state.opId });
      try {
        for await (const chunk of state.client.readLocatedBlock(lb, file.path, state.opId))
          await out.write(chunk);
      } catch (err) {
        state.log(
          'error',
          `Fsck: could not copy block ${lb.blockPoolId}:${blockName(lb.block)} to ${file.target}: ${(err as Error).message}`,
        );
        await out.close();
        out = null;
        state.internalError = true;
        copyError = true;
      }
    }
  } finally {
    await out?.close();
  }
  return copyError;
}
