/**
 * The NameNode's answer to a call (RPC or WebHDFS): the core decides, its state events go to the
 * journal, its ops are made durable in the edit log *before* the reply, and a storage call
 * (rollEdits, rollEditLog, saveNamespace, getEditLogManifest) gets the name-directory work it
 * asked for done before the core forms the answer.
 */
import fs from 'node:fs';
import type { LabConfig } from '../config/config.js';
import type { NameNodeCore, StorageAction, StorageDone } from '../namenode/namenode.js';
import { fsimageName } from '../namenode/name-dir.js';
import type { HostsLists } from '../namenode/host-file.js';
import type { RpcMethod, StateEvent } from '../protocol/messages.js';
import type { Journal } from '../transport/journal.js';
import { resolveInside } from '../common/contained-path.js';
import { RemoteError } from '../protocol/errors.js';
import type { NameNodeEdits } from './namenode-edits.js';
import { currentDir, listCurrent, purgeOldStorage, saveImage } from './name-storage.js';

/** Who is calling, as the RPC server or the WebHDFS servlet saw it. */
export interface NameNodeCallContext {
  caller: string;
  callerAddr: string;
  opId?: string;
  user?: string;
  rpcIds?: { clientId: string; callId: number };
}

export type NameNodeCall = (method: RpcMethod, params: unknown, ctx: NameNodeCallContext) => Promise<unknown>;

/**
 * Journals the core's events; its log lines (the decommission monitor's, recoverLease's, …) also
 * go to the NameNode's log, where HDFS's NameNode writes them.
 */
export function journalEvents(journal: Journal, events: StateEvent[], opId?: string): void {
  for (const e of events) {
    journal.event(e, opId);
    if (e.type === 'log') (e.level === 'info' ? console.log : console.warn)(e.text);
  }
}

export function namenodeCallHandler(opts: {
  core: NameNodeCore;
  edits: NameNodeEdits;
  nameDir: string;
  config: LabConfig;
  journal: Journal;
  /** The resource monitor's check, run before every call (see namenode-monitors.ts). */
  checkResources: () => void;
  /** Reads dfs.hosts / dfs.hosts.exclude again (refreshNodes; see hosts-files.ts). */
  readHosts: () => Promise<HostsLists>;
  /** hadoop.log.dir: where metaSave writes its file (the lab home's logs directory). */
  logDir: string;
}): NameNodeCall {
  const { core, edits, journal, checkResources } = opts;
  const doStorage = storageWork(opts);
  type StorageMethod = Parameters<typeof core.storageDone>[0];
  return async (method, params, ctx) => {
    const nowMs = Date.now();
    edits.checkWritable();
    // Checked before every call too, not only every check interval: a put can fill a small
    // volume faster than that, and the edit log must never be the write that finds it full.
    checkResources();
    const callContext = {
      caller: ctx.caller,
      callerAddr: ctx.callerAddr,
      nowMs,
      ...(ctx.user ? { user: ctx.user } : {}),
      // The RPC header's clientId and callId: HDFS logs them with the ops a retry cache covers.
      ...(ctx.rpcIds ? { rpcIds: ctx.rpcIds } : {}),
    };
    const out = core.call(method, params as never, callContext);
    journalEvents(journal, out.events, ctx.opId);
    await edits.log(out.ops, ctx.opId);
    if (!out.storage) return out.result;
    return core.storageDone(method as StorageMethod, params as never, await doStorage(out.storage));
  };
}

/**
 * The work a storage call decided in the core asks for: list, roll, or roll and save the name
 * directory; or read the hosts files again and hand them to the core (refreshNodes).
 */
function storageWork(opts: {
  core: NameNodeCore;
  edits: NameNodeEdits;
  nameDir: string;
  config: LabConfig;
  journal: Journal;
  readHosts: () => Promise<HostsLists>;
  logDir: string;
}): (action: StorageAction) => Promise<StorageDone> {
  const { core, edits, nameDir, config, journal } = opts;
  return async (action) => {
    if (action.kind === 'list-segments') return { kind: 'list-segments', fileNames: listCurrent(nameDir) };
    if (action.kind === 'metasave') {
      writeMetaSave(opts.logDir, action.filename, action.text);
      return { kind: 'metasave-written' };
    }
    if (action.kind === 'read-hosts') {
      journalEvents(journal, core.refreshHosts(await opts.readHosts(), Date.now()));
      return { kind: 'hosts-read' };
    }
    const nextTxid = await edits.roll();
    if (action.kind === 'roll') return { kind: 'roll', nextTxid };
    const imageTxid = nextTxid - 1;
    saveImage(nameDir, core.namespace.toImage(imageTxid));
    purgeOldStorage(nameDir, {
      checkpointsRetained: config.int('dfs.namenode.num.checkpoints.retained'),
      extraEditsRetained: config.int('dfs.namenode.num.extra.edits.retained'),
    });
    journal.event({
      type: 'checkpoint-done',
      txid: imageTxid,
      imageBytes: fs.statSync(`${currentDir(nameDir)}/${fsimageName(imageTxid)}`).size,
    });
    return { kind: 'save', imageTxid, nowMs: Date.now() };
  };
}

/**
 * FSNamesystem.metaSave's file: `new File(hadoop.log.dir, filename)`, overwritten if it exists. A
 * name that leads outside the log directory is refused (the NameNode writes only its own files).
 */
function writeMetaSave(logDir: string, filename: string, text: string): void {
  const file = filename === '' ? null : resolveInside(logDir, filename);
  if (file === null)
    throw new RemoteError('IOException', `${filename}: not a file in the NameNode's log directory ${logDir}`);
  try {
    fs.mkdirSync(logDir, { recursive: true });
    fs.writeFileSync(file, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new RemoteError(
      'IOException',
      `${file}: ${code === 'ENOENT' ? 'No such file or directory' : code}`,
    );
  }
}
