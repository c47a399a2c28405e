/**
 * The NameNode process: wires the NameNode core to the name directory, the edit log, the RPC
 * server, the journal and timers. Start-up follows HDFS: lock, load the newest fsimage, finalize
 * a crashed in-progress segment, replay the edits after the image (namenode-boot.ts), open a new
 * segment (namenode-edits.ts), enter safe mode, serve RPCs (namenode-rpc.ts: a mutation is
 * answered only after its ops are durable in the edit log), run the monitors (namenode-monitors.ts).
 */
import { createPrng } from '../common/prng.js';
import { labUser } from '../common/user.js';
import { clusterConfig } from '../home/cluster-config.js';
import { homePaths, type ClusterDescription } from '../home/description.js';
import { requireDescription } from '../home/home.js';
import { NameNodeCore } from '../namenode/namenode.js';
import { namenodeSettings } from '../namenode/settings.js';
import { StartupProgress, type StartupProgressView } from '../namenode/startup-progress.js';
import { Journal } from '../transport/journal.js';
import { DATANODE_PROTOCOL, NAMENODE_PROTOCOL } from '../protocol/registry/index.js';
import { bootNameDir } from './namenode-boot.js';
import { NameNodeEdits } from './namenode-edits.js';
import { resourceCheck, startMonitors } from './namenode-monitors.js';
import { journalEvents, namenodeCallHandler } from './namenode-rpc.js';
import { unlockStorage } from './name-storage.js';
import { hostsReader } from './hosts-files.js';
import { startRpcServer, type RpcServer, type RpcServerOptions } from './rpc-server.js';
import { startNamenodeHttp } from './namenode-http.js';
import { unixGroups } from './unix-groups.js';
import { SOFTWARE_VERSION } from './process-info.js';

/** How often Startup Progress's safe-mode counts follow the core while the phase runs. */
const SAFE_MODE_PROGRESS_TICK_MS = 200;

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
  const progress = new StartupProgress();
  const booted = bootNameDir({ nameDir, desc, config, settings, journal, progress });
  const reload = (): ClusterDescription | undefined => {
    try {
      return requireDescription(home);
    } catch {
      return undefined;
    }
  };
  const core = new NameNodeCore({
    settings,
    identity: booted.identity,
    namespace: booted.namespace,
    prng: createPrng(desc.seed).fork('namenode'),
    rackOfHost: rackResolver(desc, reload),
    lastCheckpoint: booted.lastCheckpoint,
    groupsOf: unixGroups(),
    datanodeNameOf: datanodeNamer(desc, reload),
  });
  const edits = new NameNodeEdits({ nameDir, lastTxid: booted.lastTxid, core, journal, terminate });
  journalEvents(journal, [{ type: 'safemode', on: true, tip: core.safeModeStatus(Date.now()).tip }]);
  const safeModeProgress = trackSafeMode(core, progress);
  const checkResources = resourceCheck({ core, nameDir, config, journal });
  const readHosts = hostsReader(home, config, journal);
  // DatanodeManager reads the hosts files when the NameNode starts; an unreadable one stops it.
  journalEvents(journal, core.refreshHosts(await readHosts(), Date.now()));
  const handler = namenodeCallHandler({
    core,
    edits,
    nameDir,
    config,
    journal,
    checkResources,
    readHosts,
    logDir: paths.logs,
  });
  const datanodeHost = datanodeOfHost(desc, reload);

  const server = await bindRpcServer(desc, {
    selfId: id,
    journal,
    handler,
    callerOfProtocol: { [NAMENODE_PROTOCOL]: desc.secondary?.id ?? 'snn' },
    callerOfAddress: (protocol, host) => (protocol === DATANODE_PROTOCOL ? datanodeHost(host) : undefined),
    onInternalError: (err, method) =>
      console.error(`internal error in ${method}: ${(err as Error).stack ?? String(err)}`),
  });
  const httpServer = await startNamenodeHttp({
    home,
    desc,
    config,
    journal,
    nameDir,
    core,
    rpcAddress: `${server.host}:${server.port}`,
    softwareVersion: SOFTWARE_VERSION,
    startedMs: Date.now(),
    startupProgress: safeModeProgress.view,
    webhdfs: {
      call: (method, params, ctx) => handler(method, params, ctx) as never,
      defaultReplication: config.int('dfs.replication'),
      defaultBlockSizeBytes: config.bytes('dfs.blocksize'),
    },
  });
  journal.event({ type: 'process-started', pid: process.pid, addresses: [`${server.host}:${server.port}`] });
  console.log(`NameNode RPC up at ${server.host}:${server.port}; STATE* Safe mode ON.`);
  const monitors = startMonitors({ core, edits, config, journal, checkResources });

  return {
    stop: async () => {
      monitors.stop();
      safeModeProgress.stop();
      journal.event({ type: 'process-stopping', reason: 'stop requested' });
      await server.close();
      await httpServer.close();
      await edits.close();
      unlockStorage(nameDir);
      journal.close();
    },
  };
}

/**
 * The SafeMode phase of Startup Progress (BlockManagerSafeMode): step AwaitingReportedBlocks, its
 * total the complete blocks at entry, its count the blocks with their minimum replicas, followed
 * every monitor tick until safe mode is first left, when the phase ends and its counts freeze.
 */
function trackSafeMode(
  core: NameNodeCore,
  progress: StartupProgress,
): { view: (nowMs: number) => StartupProgressView; stop(): void } {
  const awaiting = { type: 'AwaitingReportedBlocks' } as const;
  progress.beginPhase('SafeMode', Date.now());
  progress.beginStep('SafeMode', awaiting, Date.now(), core.safeBlockCounts().totalBlocks);
  const follow = (): void => {
    if (progress.isComplete('SafeMode')) return;
    progress.setCount('SafeMode', awaiting, core.safeBlockCounts().safeBlocks);
    if (!core.safemode.isOn()) {
      progress.endPhase('SafeMode', Date.now());
      clearInterval(timer);
    }
  };
  const timer = setInterval(follow, SAFE_MODE_PROGRESS_TICK_MS);
  return {
    view: (nowMs) => {
      follow();
      return progress.view(nowMs);
    },
    stop: () => clearInterval(timer),
  };
}

/** The RPC server on the NameNode's address, or an error that names the address it could not bind. */
async function bindRpcServer(
  desc: ClusterDescription,
  opts: Omit<RpcServerOptions, 'host' | 'port'>,
): Promise<RpcServer> {
  try {
    return await startRpcServer({ host: desc.namenode.host, port: desc.namenode.port, ...opts });
  } catch (err) {
    throw new Error(
      `cannot bind the NameNode RPC address ${desc.namenode.host}:${desc.namenode.port}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
