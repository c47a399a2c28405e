/**
 * The NameNode process: wires the NameNode core to the name directory, the edit log, the RPC
 * server, the journal and timers. Start-up follows HDFS: lock, load the newest fsimage, finalize
 * a crashed in-progress segment, replay the edits after the image, open a new segment, enter
 * safe mode, serve RPCs. A mutation is answered only after its ops are durable in the edit log.
 */
import fs from 'node:fs';
import { createPrng } from '../common/prng.js';
import { labUser } from '../common/user.js';
import { clusterConfig } from '../home/cluster-config.js';
import { homePaths, type ClusterDescription } from '../home/description.js';
import { requireDescription } from '../home/home.js';
import { NameNodeCore, type StorageAction, type StorageDone } from '../namenode/namenode.js';
import { namenodeSettings } from '../namenode/settings.js';
import type { PendingOp } from '../namenode/editlog/ops.js';
import { identityFromSeed } from '../namenode/identity.js';
import { Namespace } from '../namenode/namespace.js';
import type { RpcMethod, StateEvent } from '../protocol/messages.js';
import { EditLog } from './edit-log.js';
import { hasResourcesAvailable } from './resource-checker.js';
import { failingWhileExists } from './edit-log-file.js';
import { unixGroups } from './unix-groups.js';
import { Journal } from '../transport/journal.js';
import {
  currentDir,
  formatNameDir,
  isFormatted,
  listCurrent,
  loadNameDir,
  lockStorage,
  purgeOldStorage,
  saveImage,
  unlockStorage,
  writeSeenTxid,
} from './name-storage.js';
import { startRpcServer, type RpcServer } from './rpc-server.js';
import { startNamenodeHttp } from './namenode-http.js';
import { DATANODE_PROTOCOL, NAMENODE_PROTOCOL } from '../protocol/registry/index.js';
import { fsimageName } from '../namenode/name-dir.js';

/** How often the NameNode's monitors run (liveness, safe mode, redundancy); each has its own interval inside. */
const MONITOR_TICK_MS = 200;

/** How long a NameNode whose edit log failed waits for its error replies to go out before exiting. */
const TERMINATE_GRACE_MS = 200;

export const SOFTWARE_VERSION = '3.3.6-lab';

/** A map from host address to network location: DataNode addresses and the client's. */
export function rackResolver(
  desc: ClusterDescription,
  reload?: () => ClusterDescription | undefined,
): (host: string) => string {
  const byHost = new Map<string, string>();
  for (const dn of desc.datanodes) if (desc.loopbackAliases) byHost.set(dn.host, dn.rack);
  return (host: string) => {
    const direct = byHost.get(host);
    if (direct) return direct;
    if (host === desc.client.host) return desc.client.rack;
    // A host we do not know may be a DataNode added since we started (lab add-datanode): look it
    // up in cluster.json again, as Hadoop runs the topology script for a host it has not seen.
    const added = desc.loopbackAliases ? reload?.()?.datanodes.find((dn) => dn.host === host) : undefined;
    if (added) {
      byHost.set(host, added.rack);
      return added.rack;
    }
    return '/default-rack';
  };
}

/**
 * The lab's name (dn1, …) of the DataNode at a transfer address, from cluster.json (read again for
 * a DataNode added since the NameNode started); undefined for an address the lab did not start.
 */
export function datanodeNamer(
  desc: ClusterDescription,
  reload: () => ClusterDescription | undefined,
): (address: { ipAddr: string; xferPort: number }) => string | undefined {
  const find = (d: ClusterDescription, a: { ipAddr: string; xferPort: number }): string | undefined =>
    d.datanodes.find((dn) => dn.host === a.ipAddr && dn.port === a.xferPort)?.id;
  return (address) =>
    find(desc, address) ?? ((fresh) => (fresh ? find(fresh, address) : undefined))(reload());
}

/**
 * The DataNode whose host is `host`, when exactly one is: its DatanodeProtocol connection is named
 * from its first frame on (versionRequest carries no registration).
 */
export function datanodeOfHost(
  desc: ClusterDescription,
  reload: () => ClusterDescription | undefined,
): (host: string) => string | undefined {
  const find = (d: ClusterDescription, host: string): string | undefined => {
    const matches = d.datanodes.filter((dn) => dn.host === host);
    return matches.length === 1 ? matches[0]!.id : undefined;
  };
  return (host) => find(desc, host) ?? ((fresh) => (fresh ? find(fresh, host) : undefined))(reload());
}

export async function runNameNode({
  home,
  id,
  terminate = (code: number) => process.exit(code),
}: {
  home: string;
  id: string;
  /** ExitUtil.terminate: how the NameNode stops when its edit log cannot be written. */
  terminate?: (code: number) => void;
}): Promise<{ stop(): Promise<void> }> {
  const paths = homePaths(home);
  const desc = requireDescription(home);
  const config = clusterConfig(desc, home);
  const journal = new Journal(paths.journal, id);
  const settings = namenodeSettings(config, { superuser: labUser(), softwareVersion: SOFTWARE_VERSION });
  const nameDir = paths.nameDir;
  lockStorage(nameDir);

  if (!isFormatted(nameDir)) {
    const identity = identityFromSeed(desc.seed, desc.namenode.host);
    const fresh = new Namespace({
      superuser: settings.superuser,
      supergroup: settings.supergroup,
      namespaceId: identity.namespaceId,
    });
    formatNameDir(nameDir, identity, fresh.toImage(0), Date.now());
    console.log(`Storage directory ${nameDir} has been successfully formatted.`);
  }
  const loaded = loadNameDir(nameDir);
  for (const note of loaded.notes) {
    console.log(note);
    journal.event({ type: 'log', level: 'warn', text: note });
  }
  const namespace = Namespace.fromImage(loaded.image, {
    leaseSoftLimitMs: settings.leaseSoftLimitMs,
    minBlockSizeBytes: config.bytes('dfs.namenode.fs-limits.min-block-size'),
    maxReplication: settings.maxReplication,
  });
  for (const op of loaded.editsToReplay) namespace.applyOp(op);
  // Lease renewal times are not logged: every lease restarts its clock now, as in HDFS.
  namespace.leases.renewAll(Date.now());
  const lastTxid = loaded.editsToReplay.at(-1)?.txid ?? loaded.image.txid;
  console.log(
    `Loaded image ${loaded.imageFile} and replayed ${loaded.editsToReplay.length} edits; last txid ${lastTxid}`,
  );

  const core = new NameNodeCore({
    settings,
    identity: loaded.identity,
    namespace,
    prng: createPrng(desc.seed).fork('namenode'),
    rackOfHost: rackResolver(desc, () => {
      try {
        return requireDescription(home);
      } catch {
        return undefined;
      }
    }),
    lastCheckpoint: { txid: loaded.image.txid, ms: imageMtime(nameDir, loaded.image.txid) },
    groupsOf: unixGroups(),
    datanodeNameOf: datanodeNamer(desc, () => {
      try {
        return requireDescription(home);
      } catch {
        return undefined;
      }
    }),
  });

  const datanodeHost = datanodeOfHost(desc, () => {
    try {
      return requireDescription(home);
    } catch {
      return undefined;
    }
  });

  const editLog = new EditLog({
    currentDir: currentDir(nameDir),
    lastTxid,
    terminate: (message) => {
      // ExitUtil.terminate: say why where the student will look (the log and the journal), then exit.
      console.error(message);
      console.error(`ExitUtil: Exiting with status 1: ${message}`);
      journal.event({ type: 'log', level: 'error', text: message });
      journal.event({ type: 'process-stopping', reason: message });
      journal.flush();
      // Every call is refused from now on; the short wait lets the failed calls' replies (which
      // carry this message) reach their clients before the process goes.
      setTimeout(() => terminate(1), TERMINATE_GRACE_MS);
    },
    ...(process.env.LAB_FAULT_EDITLOG_FAIL_FILE
      ? { io: failingWhileExists(process.env.LAB_FAULT_EDITLOG_FAIL_FILE) }
      : {}),
  });
  core.noteLastTxid(editLog.lastTxid);
  writeSeenTxid(nameDir, editLog.segmentStartTxid);

  const journalEvents = (events: StateEvent[], opId?: string): void => {
    for (const e of events) journal.event(e, opId);
  };
  journalEvents([{ type: 'safemode', on: true, tip: core.safeModeStatus(Date.now()).tip }]);

  /** Logs the ops (txids assigned in order) and resolves once they are durable. */
  const logOps = (pending: PendingOp[], opId?: string): Promise<void> => {
    const { ops, durable } = editLog.log(pending);
    core.noteLastTxid(editLog.lastTxid);
    for (const op of ops) {
      const path = 'path' in op ? op.path : 'src' in op ? op.src : undefined;
      journal.event({ type: 'edit-logged', txid: op.txid, op: op.op, ...(path ? { path } : {}) }, opId);
    }
    return durable;
  };

  /** Ends the current segment and opens the next (a roll); returns the first txid of the new segment. */
  const rollEditLog = (): Promise<number> => {
    const next = editLog.roll((finalName, nextTxid) => {
      writeSeenTxid(nameDir, nextTxid);
      journal.event({ type: 'edits-rolled', segment: finalName, nextTxid });
    });
    core.noteLastTxid(editLog.lastTxid);
    return next;
  };

  /** NameNodeResourceMonitor: safe mode before the name directory's volume fills up. */
  const reservedBytes = config.bytes('dfs.namenode.resource.du.reserved');
  const checkResources = (): void => {
    if (core.safemode.isResourcesLow() || hasResourcesAvailable(nameDir, reservedBytes)) return;
    core.safemode.enterForLowResources();
    const text = 'NameNode low on available disk space. Entering safe mode.';
    console.warn(text);
    journal.event({ type: 'log', level: 'warn', text });
    journal.event({ type: 'safemode', on: true, tip: core.safeModeStatus(Date.now()).tip });
  };

  const handler = async (
    method: RpcMethod,
    params: unknown,
    ctx: {
      caller: string;
      callerAddr: string;
      opId?: string;
      user?: string;
      rpcIds?: { clientId: string; callId: number };
    },
  ): Promise<unknown> => {
    const nowMs = Date.now();
    editLog.checkWritable();
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
    journalEvents(out.events, ctx.opId);
    await logOps(out.ops, ctx.opId);
    if (!out.storage) return out.result;
    return core.storageDone(method as StorageMethod, params as never, await doStorage(out.storage));
  };

  type StorageMethod = Parameters<typeof core.storageDone>[0];
  /** The name-directory work a storage call decided in the core asked for. */
  const doStorage = async (action: StorageAction): Promise<StorageDone> => {
    if (action.kind === 'list-segments') return { kind: 'list-segments', fileNames: listCurrent(nameDir) };
    const nextTxid = await rollEditLog();
    if (action.kind === 'roll') return { kind: 'roll', nextTxid };
    const imageTxid = nextTxid - 1;
    saveImage(nameDir, namespace.toImage(imageTxid));
    purge();
    journal.event({
      type: 'checkpoint-done',
      txid: imageTxid,
      imageBytes: fs.statSync(`${currentDir(nameDir)}/${fsimageName(imageTxid)}`).size,
    });
    return { kind: 'save', imageTxid, nowMs: Date.now() };
  };

  const purge = (): void => {
    purgeOldStorage(nameDir, {
      checkpointsRetained: config.int('dfs.namenode.num.checkpoints.retained'),
      extraEditsRetained: config.int('dfs.namenode.num.extra.edits.retained'),
    });
  };

  let server: RpcServer;
  try {
    server = await startRpcServer({
      host: desc.namenode.host,
      port: desc.namenode.port,
      selfId: id,
      journal,
      handler,
      callerOfProtocol: { [NAMENODE_PROTOCOL]: desc.secondary?.id ?? 'snn' },
      callerOfAddress: (protocol, host) => (protocol === DATANODE_PROTOCOL ? datanodeHost(host) : undefined),
      onInternalError: (err, method) =>
        console.error(`internal error in ${method}: ${(err as Error).stack ?? String(err)}`),
    });
  } catch (err) {
    throw new Error(
      `cannot bind the NameNode RPC address ${desc.namenode.host}:${desc.namenode.port}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const startedMs = Date.now();
  const httpServer = await startNamenodeHttp({
    home,
    desc,
    config,
    journal,
    nameDir,
    core,
    rpcAddress: `${server.host}:${server.port}`,
    softwareVersion: SOFTWARE_VERSION,
    startedMs,
    webhdfs: {
      call: (method, params, ctx) => handler(method, params, ctx) as never,
      defaultReplication: config.int('dfs.replication'),
      defaultBlockSizeBytes: config.bytes('dfs.blocksize'),
    },
  });
  journal.event({ type: 'process-started', pid: process.pid, addresses: [`${server.host}:${server.port}`] });
  console.log(`NameNode RPC up at ${server.host}:${server.port}; STATE* Safe mode ON.`);

  const timer = setInterval(() => {
    const events = core.tick(Date.now());
    journalEvents(events);
    for (const e of events) {
      if (e.type === 'safemode' && !e.on) console.log('STATE* Safe mode is OFF');
      if (e.type === 'datanode-dead')
        console.log(`BLOCK* removeDeadDatanode: lost heartbeat from ${e.datanode}`);
    }
  }, MONITOR_TICK_MS);
  checkResources();
  const resourceTimer = setInterval(checkResources, config.ms('dfs.namenode.resource.check.interval'));
  // LeaseManager.Monitor: expired leases are recovered; the ops it makes are logged like an RPC's.
  const leaseTimer = setInterval(() => {
    const out = core.checkLeases(Date.now());
    journalEvents(out.events);
    for (const e of out.events) if (e.type === 'log') console.log(e.text);
    logOps(out.ops).catch((err: unknown) => console.error(`lease monitor: ${(err as Error).message}`));
  }, config.ms('dfs.namenode.lease-recheck-interval-ms'));

  // TrashPolicyDefault.Emptier: the core decides when a pass is due; checked with the monitor tick.
  const trashTimer = setInterval(() => {
    const out = core.emptyTrash(Date.now());
    journalEvents(out.events);
    for (const e of out.events) if (e.type === 'log') console.log(e.text);
    logOps(out.ops).catch((err: unknown) => console.error(`trash emptier: ${(err as Error).message}`));
  }, MONITOR_TICK_MS);

  return {
    stop: async () => {
      clearInterval(timer);
      clearInterval(trashTimer);
      clearInterval(leaseTimer);
      clearInterval(resourceTimer);
      journal.event({ type: 'process-stopping', reason: 'stop requested' });
      await server.close();
      await httpServer.close();
      await editLog.close();
      unlockStorage(nameDir);
      journal.close();
    },
  };
}

function imageMtime(nameDir: string, txid: number): number {
  try {
    return fs.statSync(`${currentDir(nameDir)}/${fsimageName(txid)}`).mtimeMs;
  } catch {
    return 0;
  }
}
