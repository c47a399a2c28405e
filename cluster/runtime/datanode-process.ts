/**
 * The DataNode process: one volume (datanode-storage.ts), the DataXceiverServer (data-xceiver.ts) and
 * a BPServiceActor talking to the NameNode:
 *
 *   versionRequest (retried until the NameNode answers) → format/load the volume →
 *   registerDatanode → sendHeartbeat asking for a full block report lease → blockReport with the
 *   lease the reply granted → heartbeat every dfs.heartbeat.interval, executing the commands on
 *   each reply (DNA_TRANSFER, DNA_INVALIDATE, DNA_REGISTER, DNA_RECOVERBLOCK); a lease (and a full
 *   report) again every dfs.blockreport.intervalMsec. What to send when, how incremental reports
 *   are batched and what each command means are decided by the DataNode core
 *   (datanode/bp-service-core.ts), which the simulator runs too; this file does the calls, the
 *   timers and the disk work.
 *
 * The NameNode never calls a DataNode. When it is unreachable (restarting) the actor keeps
 * retrying on its timers and never crashes the process; a restarted NameNode answers the next
 * heartbeat with DNA_REGISTER and gets a fresh registration and full report.
 */
import dns from 'node:dns/promises';
import { configuredCapacityBytes, withCapacity } from '../balancer/capacity.js';
import { clusterConfig } from '../home/cluster-config.js';
import { scanPeriodMs } from '../config/config.js';
import {
  datanodeById,
  homePaths,
  type ClusterDescription,
  type DatanodeDescription,
} from '../home/description.js';
import { peerNameOf } from '../home/peer-names.js';
import { requireDescription } from '../home/home.js';
import { RemoteError } from '../protocol/errors.js';
import type {
  DatanodeCommand,
  DatanodeErrorCode,
  DatanodeRegistration,
  NamespaceInfo,
  ReceivedDeletedStatus,
  RpcMethod,
  RpcRequest,
  RpcResult,
} from '../protocol/messages.js';
import { BPServiceCore, type IbrEntry, type IbrOrigin } from '../datanode/bp-service-core.js';
import { planTransfer } from '../datanode/receive-plan.js';
import { datanodeRegistration } from '../datanode/registration.js';
import { xferAddr, blockName, type BlockRef } from '../protocol/types.js';
import { DatanodeStorage, extendedBlockName } from './datanode-storage.js';
import { Journal } from '../transport/journal.js';
import { RpcClient } from '../transport/rpc-client.js';
import { DATANODE_PROTOCOL } from '../protocol/registry/index.js';
import { recoverBlock, ReplicaRecoveries } from './block-recovery-worker.js';
import { transferReplica } from './block-sender.js';
import type { XceiverServer } from './xceiver-server.js';
import { startXceiverServer } from './data-xceiver.js';
import { VolumeScanner } from './block-scanner.js';
import { startDirectoryScanner } from './directory-scanner.js';
import {
  startDatanodeHttp,
  DATANODE_HTTP_PORT_DEFAULT,
  type DatanodeHttpServer,
  type DatanodeHttpState,
} from './datanode-http.js';
import { SOFTWARE_VERSION } from './process-info.js';
import {
  configVersion,
  DATANODE_IPC_PORT_DEFAULT,
  startDatanodeIpc,
  type DatanodeIpcActions,
} from './datanode-ipc.js';
import type { RpcServer } from './rpc-server.js';
import { replicaBeingWritten, sendRestartOobToWriters, settledClientWrites } from './block-receiver.js';
import { unixGroups } from './unix-groups.js';
import { labUser } from '../common/user.js';
import type { LabConfig } from '../config/config.js';
import { DATANODE_NAMENODE_CALL_TIMEOUT_MS } from '../protocol/limits.js';

/** versionRequest retry period before the NameNode first answers (HDFS waits 5 s; a lab start wants the DataNodes up within a second). */
export const VERSION_REQUEST_RETRY_MS = 250;
/** DataNode.shutdownDatanode: a shutdown not for an upgrade waits a second so the answer goes out first. */
const SHUTDOWN_DELAY_MS = 1_000;
/**
 * BlockReceiver.receiveBlock at a shutdown for a restart: a second between the OOB_RESTART ack and
 * closing the writer's connection, so the writer reads the ack before it sees the connection go
 * (a close with its packets unread resets the connection, and the ack is lost with it).
 */
const RESTART_OOB_CLOSE_DELAY_MS = 1_000;

/** An unknown peer address re-reads cluster.json (a DataNode added since) at most this often. */
const DESCRIPTION_RELOAD_MS = 1_000;

/** Names DataTransfer peers from the cluster description, re-read when an address is unknown. */
function peerNamer(
  home: string,
  initial: ClusterDescription,
): (ip: string, port?: number) => string | undefined {
  let description = initial;
  let loadedMs = Date.now();
  return (ip, port) => {
    const known = peerNameOf(description, ip, port);
    if (known !== undefined || Date.now() - loadedMs < DESCRIPTION_RELOAD_MS) return known;
    loadedMs = Date.now();
    try {
      description = requireDescription(home);
    } catch {
      // keep the last description
    }
    return peerNameOf(description, ip, port);
  };
}

export interface DataNodeHandle {
  stop(): Promise<void>;
}

export interface RunDataNodeOptions {
  home: string;
  id: string;
  /**
   * The DataNode has no block pool service left (the NameNode refused it): the process should
   * stop and exit, as DataNode.join and secureMain do ("Exiting Datanode", status 0).
   */
  onNoServiceLeft?: () => void;
  /** shutdownDatanode asked the process to stop (DataNode.shutdown): stop and exit with status 0. */
  onShutdownRequested?: (reason: string) => void;
}

/** What one DataNode process knows before it starts anything: who it is, its settings, its journal. */
interface DataNodeBoot {
  home: string;
  id: string;
  description: ClusterDescription;
  me: DatanodeDescription;
  config: LabConfig;
  journal: Journal;
  startedMs: number;
  /** DataXceiverServer.balanceThrottler: dfs.datanode.balance.bandwidthPerSec until the NameNode sends another. */
  balanceThrottler: { bytesPerSec: number };
  actor: BPServiceActor;
}

/** The DataNode's services, each set once started, so a failed boot or a stop closes what runs. */
interface DataNodeServices {
  storage: DatanodeStorage | null;
  server: XceiverServer | null;
  httpServer: DatanodeHttpServer | null;
  ipcServer: RpcServer | null;
  scanner: VolumeScanner | null;
  stopDirectoryScanner: () => void;
}

/**
 * Boots a DataNode: the volume once the NameNode answers versionRequest, then the
 * DataXceiverServer, the HTTP server, the IPC server, the BPServiceActor's heartbeats and the
 * scanners, in that order (each registration announces the servers' ports).
 */
export async function runDataNode(options: RunDataNodeOptions): Promise<DataNodeHandle> {
  const services: DataNodeServices = {
    storage: null,
    server: null,
    httpServer: null,
    ipcServer: null,
    scanner: null,
    stopDirectoryScanner: () => {},
  };
  const boot = dataNodeBoot(options, services);
  try {
    await startServices(boot, services, options);
  } catch (err) {
    await stopServices(boot, services);
    services.storage?.close();
    boot.journal.close();
    throw err;
  }
  return {
    stop: async () => {
      await stopServices(boot, services);
      services.storage?.stats(Date.now());
      services.storage?.close();
      boot.journal.event({ type: 'process-stopping', reason: 'stop requested' });
      boot.journal.close();
    },
  };
}

/** Who this DataNode is, its settings and journal, and its BPServiceActor (not yet started). */
function dataNodeBoot(options: RunDataNodeOptions, services: DataNodeServices): DataNodeBoot {
  const { home, id } = options;
  const description = requireDescription(home);
  const me = datanodeById(description, id);
  if (!me)
    throw new Error(`${id}: not a DataNode of the cluster described in ${homePaths(home).description}`);
  const config = clusterConfig(description, home);
  const journal = new Journal(homePaths(home).journal, id);
  const balanceThrottler = { bytesPerSec: config.bytes('dfs.datanode.balance.bandwidthPerSec') };
  const actor = new BPServiceActor({
    balanceThrottler,
    selfId: id,
    host: me.host,
    namenode: description.namenode,
    journal,
    heartbeatIntervalMs: config.ms('dfs.heartbeat.interval'),
    blockReportIntervalMs: config.ms('dfs.blockreport.intervalMsec'),
    capacityBytes: configuredCapacityBytes(config),
    infoPort: () => services.httpServer?.port ?? 0,
    ipcPort: () => services.ipcServer?.port ?? 0,
    onServiceEnded: () => options.onNoServiceLeft?.(),
  });
  return { home, id, description, me, config, journal, startedMs: Date.now(), balanceThrottler, actor };
}

/** Starts each service in turn, recording it in `services` as soon as it runs. */
async function startServices(
  boot: DataNodeBoot,
  services: DataNodeServices,
  options: RunDataNodeOptions,
): Promise<void> {
  const { id, description, actor } = boot;
  const storage = DatanodeStorage.open({
    dataDir: homePaths(boot.home).dataDir(id),
    datanodeName: id,
    seed: description.seed,
  });
  services.storage = storage;
  const ns = await actor.handshake();
  storage.loadOrFormat(ns, Date.now());
  log(
    'info',
    `${id}: volume ${storage.dataDir} loaded for ${ns.blockPoolId} (${storage.identity.storageId})`,
  );
  const server = await startXceiver(boot, storage);
  services.server = server;
  services.httpServer = await startHttp(boot, storage, server, ns, services);
  const recoveries = replicaRecoveries(boot, storage);
  services.ipcServer = await startIpc(boot, storage, recoveries, options.onShutdownRequested);
  actor.start(storage, server, recoveries);
  services.scanner = startVolumeScanner(boot, storage);
  services.stopDirectoryScanner = directoryScanner(boot, storage);
}

/** Stops what runs, the last started first; the volume stays open for the caller to close. */
async function stopServices(boot: DataNodeBoot, services: DataNodeServices): Promise<void> {
  services.stopDirectoryScanner();
  services.scanner?.stop();
  boot.actor.stop();
  await services.ipcServer?.close();
  await services.httpServer?.close();
  await services.server?.close();
}

/** The DataXceiverServer on the transfer port: what it receives is reported through the actor. */
async function startXceiver(boot: DataNodeBoot, storage: DatanodeStorage): Promise<XceiverServer> {
  const { id, me, journal, actor } = boot;
  const server = await startXceiverServer({
    host: me.host,
    port: me.port,
    selfId: id,
    journal,
    storage,
    onReceiving: (block, opId) => void actor.reportIncremental(block, 'RECEIVING', { opId }),
    onReceived: (block, replica, origin) => {
      journal.event({ type: 'replica-finalized', block, datanode: id, path: replica.blockPath });
      return actor.reportIncremental(block, 'RECEIVED', origin);
    },
    onBadSourceReplica: (block, source) => actor.reportBadReplica(block, source),
    log,
    nameOf: peerNamer(boot.home, boot.description),
    balanceBytesPerSec: () => boot.balanceThrottler.bytesPerSec,
  });
  log('info', `${id}: DataXceiverServer listening on ${me.host}:${server.port}`);
  return server;
}

/** The HTTP server (WebHDFS, /jmx) on dfs.datanode.http.address's port. */
async function startHttp(
  boot: DataNodeBoot,
  storage: DatanodeStorage,
  server: XceiverServer,
  ns: NamespaceInfo,
  services: DataNodeServices,
): Promise<DatanodeHttpServer> {
  const { id, me, config, description } = boot;
  const ipcPort = (): number => services.ipcServer?.port ?? 0;
  const httpServer = await startDatanodeHttp({
    id,
    host: me.host,
    port: datanodePortWanted(description, me, 'httpPort', DATANODE_HTTP_PORT_DEFAULT),
    journal: boot.journal,
    description,
    config,
    softwareVersion: SOFTWARE_VERSION,
    startedMs: boot.startedMs,
    state: httpState(storage, server, ns, configuredCapacityBytes(config), ipcPort),
  });
  log('info', `${id}: HTTP server (WebHDFS, /jmx) listening on http://${me.host}:${httpServer.port}`);
  return httpServer;
}

/** The replicas under recovery; one recovered is finalized and reported RECEIVED. */
function replicaRecoveries(boot: DataNodeBoot, storage: DatanodeStorage): ReplicaRecoveries {
  const { id, journal, actor } = boot;
  return new ReplicaRecoveries({
    selfId: id,
    storage,
    log,
    onRecovered: (block, replica) => {
      journal.event({ type: 'replica-finalized', block, datanode: id, path: replica.blockPath });
      void actor.reportIncremental(block, 'RECEIVED');
    },
  });
}

/** The IPC server (ClientDatanodeProtocol, InterDatanodeProtocol) on dfs.datanode.ipc.address's port. */
async function startIpc(
  boot: DataNodeBoot,
  storage: DatanodeStorage,
  recoveries: ReplicaRecoveries,
  shutdown: ((reason: string) => void) | undefined,
): Promise<RpcServer> {
  const { id, me, config, description } = boot;
  const ipcServer = await startDatanodeIpc({
    id,
    host: me.host,
    port: datanodePortWanted(description, me, 'ipcPort', DATANODE_IPC_PORT_DEFAULT),
    journal: boot.journal,
    config,
    datanodeUser: labUser(),
    groupsOf: unixGroups(),
    actions: ipcActions({
      id,
      storage,
      actor: boot.actor,
      config,
      startedMs: boot.startedMs,
      namenode: description.namenode,
      shutdown,
      balanceThrottler: boot.balanceThrottler,
      recoveries,
    }),
  });
  log(
    'info',
    `${id}: IPC server (ClientDatanodeProtocol, InterDatanodeProtocol) listening on ${me.host}:${ipcServer.port}`,
  );
  return ipcServer;
}

/** The volume scanner (dfs.datanode.scan.period.hours): a bad replica is logged and reported. */
function startVolumeScanner(boot: DataNodeBoot, storage: DatanodeStorage): VolumeScanner {
  const { id, config, journal, actor } = boot;
  const scanner = new VolumeScanner({
    storage,
    settings: {
      // -1 (disabled) and 0 both stop the scanner.
      scanPeriodMs: Math.max(0, scanPeriodMs(config)),
      bytesPerSecond: config.bytes('dfs.block.scanner.volume.bytes.per.second'),
    },
    onBadReplica: (block, detail) => {
      journal.event({
        type: 'log',
        level: 'warn',
        text: `${id}: block scanner found blk_${block.blockId}_${block.genStamp} bad: ${detail}`,
      });
      actor.reportBadReplica(block, id);
    },
    log,
  });
  scanner.start();
  return scanner;
}

/** The directory scanner: a replica gone from disk is reported DELETED. Returns its stop. */
function directoryScanner(boot: DataNodeBoot, storage: DatanodeStorage): () => void {
  const { id, actor } = boot;
  return startDirectoryScanner({
    storage,
    intervalMs: boot.config.ms('dfs.datanode.directoryscan.interval'),
    onGone: ({ blockId, genStamp, numBytes }) => {
      const block = { blockId, genStamp, numBytes };
      log('info', `${id}: DirectoryScanner: ${extendedBlockName(storage.poolId, block)} is gone from disk`);
      actor.reportIncremental(block, 'DELETED');
    },
    log,
  });
}

/**
 * dfs.datanode.http.address's or dfs.datanode.ipc.address's port: the description's (the launcher
 * plans 9864 and 9867, or those + 10 per DataNode when all share 127.0.0.1), else Hadoop's default
 * when the DataNode uses Hadoop's transfer port and any free port otherwise (a home from before the
 * port was planned); a taken port falls back to a free one (the registration announces it).
 */
function datanodePortWanted(
  description: ClusterDescription,
  me: DatanodeDescription,
  key: 'httpPort' | 'ipcPort',
  hadoopDefault: number,
): number {
  const planned = me[key];
  if (planned !== undefined) return planned;
  return me.port === 9866 && description.loopbackAliases ? hadoopDefault : 0;
}

/**
 * What the DataNode does for ClientDatanodeProtocol (DataNode's methods): a replica's visible
 * length (FsDatasetImpl.getReplicaVisibleLength), a block report now, a shutdown (a second later,
 * so the answer goes out first, unless for an upgrade), the balancer's throttle and DatanodeLocalInfo.
 */
function ipcActions(opts: {
  id: string;
  storage: DatanodeStorage;
  actor: BPServiceActor;
  config: LabConfig;
  startedMs: number;
  /** The NameNode this DataNode reports to (dfsadmin -triggerBlockReport -namenode picks it). */
  namenode: { host: string; port: number };
  shutdown: ((reason: string) => void) | undefined;
  balanceThrottler: { bytesPerSec: number };
  recoveries: ReplicaRecoveries;
}): DatanodeIpcActions {
  const { storage, actor, config } = opts;
  let shuttingDown = false;
  return {
    visibleLength: async (poolId, block) => {
      const rwr = poolId === storage.poolId ? storage.waitingToBeRecovered(block.blockId) : undefined;
      const replica =
        poolId === storage.poolId
          ? (storage.readReplica(block.blockId) ?? rwr ?? (await replicaBeingWritten(storage, block.blockId)))
          : null;
      if (!replica)
        throw new RemoteError(
          'ReplicaNotFoundException',
          `Replica does not exist ${poolId}:${block.blockId}`,
        );
      if (replica.genStamp < block.genStamp)
        throw new RemoteError(
          'IOException',
          `replica.getGenerationStamp() < block.getGenerationStamp(), block=${extendedBlockName(poolId, block)}, replica=${blockName(replica)}`,
        );
      // ReplicaWaitingToBeRecovered.getVisibleLength: no byte of an RWR replica is visible.
      return replica === rwr ? -1 : replica.numBytes;
    },
    triggerBlockReport: async (incremental, nnAddress) => {
      if (nnAddress === undefined || (await sameAddress(nnAddress, opts.namenode)))
        actor.triggerBlockReport(incremental);
    },
    shutdown: (forUpgrade) => {
      if (shuttingDown) throw new RemoteError('IOException', 'Shutdown already in progress.');
      shuttingDown = true;
      log(
        'info',
        `${opts.id}: shutdownDatanode command received (upgrade=${forUpgrade}). Shutting down Datanode...`,
      );
      const stop = (): void => opts.shutdown?.('shutdownDatanode');
      if (!forUpgrade) {
        setTimeout(stop, SHUTDOWN_DELAY_MS);
        return;
      }
      // The restart files are written and the writers told before the answer goes out; the
      // DataNode stops after it, a second later when it told any writer.
      return keepWritesForRestart(opts.id, storage, config).then(
        (told) => void setTimeout(stop, told > 0 ? RESTART_OOB_CLOSE_DELAY_MS : 0),
        (err: unknown) => {
          setImmediate(stop);
          throw err;
        },
      );
    },
    balancerBytesPerSec: () => opts.balanceThrottler.bytesPerSec,
    initReplicaRecovery: (rb) => opts.recoveries.init(rb),
    updateReplicaUnderRecovery: (p) => opts.recoveries.update(p),
    info: () => ({
      softwareVersion: SOFTWARE_VERSION,
      configVersion: configVersion(config),
      uptimeSec: Math.floor((Date.now() - opts.startedMs) / 1000),
    }),
  };
}

/**
 * A shutdown for upgrade (DataNode.isRestarting): each replica a client is writing gets its restart
 * file, now + dfs.datanode.restart.replica.expiration seconds (BlockReceiver.receiveBlock's
 * restartBudget), so that a DataNode back before then loads it as RBW, not RWR, and the writer's
 * pipeline recovery can reopen it; then each writer gets an OOB_RESTART ack (sendOOBToPeers), on
 * which it waits for this DataNode to come back rather than dropping it from its pipeline. Answers
 how many writers were told.
 */
async function keepWritesForRestart(
  id: string,
  storage: DatanodeStorage,
  config: LabConfig,
): Promise<number> {
  const blocks = await settledClientWrites();
  const deadlineMs = Date.now() + config.int('dfs.datanode.restart.replica.expiration') * 1000;
  for (const block of blocks) {
    storage.writeRestartDeadline(block.blockId, deadlineMs);
    log('info', `${id}: Shutting down for restart (${extendedBlockName(storage.poolId, block)}).`);
  }
  if (blocks.length > 0) log('info', `${id}: Sending an out of band ack of type OOB_RESTART`);
  return sendRestartOobToWriters();
}

function httpState(
  storage: DatanodeStorage,
  server: XceiverServer,
  ns: NamespaceInfo,
  capacityBytes: number | undefined,
  ipcPort: () => number,
): () => DatanodeHttpState {
  return () => {
    const stats = withCapacity(storage.stats(Date.now()), capacityBytes);
    return {
      datanodeUuid: storage.identity.datanodeUuid,
      storageId: storage.identity.storageId,
      clusterId: ns.clusterId,
      blockPoolId: storage.poolId,
      dataDir: storage.dataDir,
      xferPort: server.port,
      ipcPort: ipcPort(),
      capacity: stats.capacity,
      dfsUsed: stats.dfsUsed,
      remaining: stats.remaining,
      nonDfsUsed: stats.nonDfsUsed,
      numBlocks: storage.replicaCount,
      xceiverCount: server.xceiverCount(),
    };
  };
}

function log(level: 'info' | 'warn', text: string): void {
  const line = `${new Date().toISOString()} ${level.toUpperCase()} ${text}`;
  if (level === 'warn') console.error(line);
  else console.log(line);
}

interface ActorOptions {
  selfId: string;
  host: string;
  namenode: { id: string; host: string; port: number };
  journal: Journal;
  heartbeatIntervalMs: number;
  blockReportIntervalMs: number;
  /** lab.datanode.capacity: the capacity reported instead of the shared disk's (balancer lessons). */
  capacityBytes: number | undefined;
  /** The HTTP server's port (DatanodeID.infoPort), announced in every registration. */
  infoPort: () => number;
  /** The IPC server's port (DatanodeID.ipcPort), announced in every registration. */
  ipcPort: () => number;
  /** This block pool service has ended (the NameNode refused the DataNode); it was the only one. */
  onServiceEnded: () => void;
  /** DataXceiverServer.balanceThrottler's bandwidth, which DNA_BALANCERBANDWIDTHUPDATE changes. */
  balanceThrottler: { bytesPerSec: number };
}

/**
 * The NameNode's answers that end a block pool service instead of being retried
 * (BPServiceActor.offerService). UnregisteredNodeException is left out: the lab's NameNode answers
 * it to a DataNode it forgot, which registers again.
 */
const SERVICE_ENDING_ERRORS = new Set(['DisallowedDatanodeException', 'IncorrectVersionException']);

/** BPServiceActor: the DataNode's side of DatanodeProtocol for one NameNode. */
class BPServiceActor {
  private rpc: RpcClient | null = null;
  private connecting: Promise<RpcClient> | null = null;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private storage: DatanodeStorage | null = null;
  private server: XceiverServer | null = null;
  /** The replicas under block recovery (InterDatanodeProtocol's side of this DataNode). */
  private recoveries: ReplicaRecoveries | null = null;
  /** Registration, report scheduling, incremental-report batching and commands: decided there. */
  private readonly core = new BPServiceCore();
  /** The namespace versionRequest returned: the registration's storage info. */
  private namespace: NamespaceInfo | null = null;
  private xmitsInProgress = 0;
  private lastWarn = '';

  constructor(private readonly opts: ActorOptions) {}

  /** versionRequest until the NameNode answers (it may still be starting). */
  async handshake(): Promise<NamespaceInfo> {
    while (!this.stopped) {
      try {
        this.namespace = await this.call('versionRequest', {});
        return this.namespace;
      } catch (err) {
        this.warnOnce(
          `${this.opts.selfId}: versionRequest to ${this.opts.namenode.id} failed (${(err as Error).message}); retrying`,
        );
        await sleep(VERSION_REQUEST_RETRY_MS);
      }
    }
    throw new Error(`${this.opts.selfId}: stopped before the NameNode answered`);
  }

  start(storage: DatanodeStorage, server: XceiverServer, recoveries: ReplicaRecoveries): void {
    this.storage = storage;
    this.server = server;
    this.recoveries = recoveries;
    this.schedule(0, () => this.heartbeatTick(), this.opts.heartbeatIntervalMs);
    this.schedule(
      this.opts.blockReportIntervalMs,
      () => {
        this.core.fullReportInterval();
        return Promise.resolve();
      },
      this.opts.blockReportIntervalMs,
    );
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.rpc?.close();
    this.rpc = null;
  }

  /**
   * triggerBlockReport (BPServiceActor.triggerBlockReport): incremental sends the pending entries
   * now (nothing when none is pending); full sends a full block report now, without a lease (id 0,
   * as a forced report goes in HDFS), and leaves the regular schedule as it was (HDFS restarts it
   * from a random point within one interval: a difference docs/wire.md names).
   */
  triggerBlockReport(incremental: boolean): void {
    const what = incremental ? 'an incremental' : 'a full';
    log('info', `${this.opts.selfId}: ${this.actorName()}: scheduling ${what} block report.`);
    if (incremental) {
      void this.flushIbr().catch(() => undefined);
      return;
    }
    this.core.forceFullReport();
    if (this.core.needsRegistration) return; // the report goes after the registration, as always
    void this.blockReport(0).catch((err: unknown) =>
      this.warnOnce(`${this.opts.selfId}: blockReport failed: ${(err as Error).message}`),
    );
  }

  /** RECEIVED goes at once (with everything pending); RECEIVING and DELETED wait for the next heartbeat. */
  /** Queues an incremental report entry; the promise settles once a due report has been sent. */
  reportIncremental(block: BlockRef, status: ReceivedDeletedStatus, origin: IbrOrigin = {}): Promise<void> {
    if (!this.core.reportIncremental(block, status, origin)) return Promise.resolve();
    return this.flushIbr().catch(() => undefined);
  }

  /** errorReport: tells the NameNode's log about a failure here (HDFS's trySendErrorReport). */
  reportError(errorCode: DatanodeErrorCode, message: string): void {
    if (this.core.needsRegistration || !this.storage) return;
    void this.call('errorReport', { registration: this.registration(), errorCode, message }).catch(
      (err: unknown) => log('warn', `${this.opts.selfId}: errorReport failed: ${(err as Error).message}`),
    );
  }

  reportBadReplica(block: BlockRef, source: string): void {
    void this.call('reportBadBlocks', { blocks: [{ block, datanode: source }] }).catch((err: unknown) =>
      log('warn', `${this.opts.selfId}: reportBadBlocks for ${source} failed: ${(err as Error).message}`),
    );
  }

  /** Runs `fn` after `firstMs`, then `everyMs` after each run ends (runs never overlap). */
  private schedule(firstMs: number, fn: () => Promise<void>, everyMs: number): void {
    const arm = (ms: number): void => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        run();
      }, ms);
      this.timers.add(t);
    };
    const run = (): void => {
      if (this.stopped) return;
      void fn()
        .catch((err: unknown) => this.warnOnce(`${this.opts.selfId}: ${(err as Error).message}`))
        .finally(() => {
          if (!this.stopped) arm(everyMs);
        });
    };
    arm(firstMs);
  }

  private async heartbeatTick(): Promise<void> {
    if (this.core.needsRegistration) await this.registerOrRetry();
    const storage = this.storage as DatanodeStorage;
    const stats = withCapacity(storage.stats(Date.now()), this.opts.capacityBytes);
    let reply: RpcResult<'sendHeartbeat'>;
    try {
      reply = await this.call('sendHeartbeat', {
        registration: this.registration(),
        report: {
          storageId: storage.identity.storageId,
          failed: false,
          capacity: stats.capacity,
          dfsUsed: stats.dfsUsed,
          remaining: stats.remaining,
          blockPoolUsed: stats.dfsUsed,
          nonDfsUsed: stats.nonDfsUsed,
        },
        xceiverCount: this.server?.xceiverCount() ?? 0,
        xmitsInProgress: this.xmitsInProgress,
        requestFullBlockReportLease: this.core.wantsFullReportLease,
      });
    } catch (err) {
      if (err instanceof RemoteError && err.errorClass === 'UnregisteredNodeException')
        this.core.registrationLost();
      if (err instanceof RemoteError && SERVICE_ENDING_ERRORS.has(err.errorClass)) this.endService(err);
      throw err;
    }
    this.lastWarn = '';
    this.execute(reply.commands);
    await this.flushIbr();
    if (this.core.shouldSendFullReport(reply.fullBlockReportLeaseId))
      await this.blockReport(reply.fullBlockReportLeaseId);
  }

  /**
   * Registers; a refusal is retried every 5 s while the DataNode has never registered, as
   * BPServiceActor.run's initialization loop does, and ends the service after that.
   */
  private async registerOrRetry(): Promise<void> {
    for (;;) {
      try {
        await this.register();
        return;
      } catch (err) {
        if (!(err instanceof RemoteError) || !SERVICE_ENDING_ERRORS.has(err.errorClass)) throw err;
        const next = this.core.registrationRefused();
        if (next.kind === 'end-service') {
          this.endService(err);
          throw err;
        }
        log('warn', `${this.opts.selfId}: Initialization failed for ${this.actorName()} ${err.message}`);
        await this.pause(next.afterMs);
        if (this.stopped) throw err;
      }
    }
  }

  /** Waits `ms` unless the actor stops first (its timer is cancelled with the others). */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  /** BPServiceActor.toString: `Block pool BP-… (Datanode Uuid …) service to host:port`. */
  private actorName(): string {
    const nn = `${this.opts.namenode.host}:${this.opts.namenode.port}`;
    const storage = this.storage as DatanodeStorage;
    return `Block pool ${storage.poolId} (Datanode Uuid ${storage.identity.datanodeUuid}) service to ${nn}`;
  }

  /**
   * BPServiceActor's end: `… is shutting down` with the NameNode's error, then `Ending block pool
   * service for: …`; no more heartbeats or reports. The DataNode has one block pool, so it exits.
   */
  private endService(err: RemoteError): void {
    const actor = this.actorName();
    log('warn', `${this.opts.selfId}: ${actor} is shutting down: ${err.errorClass}: ${err.message}`);
    log('info', `${this.opts.selfId}: Ending block pool service for: ${actor}`);
    this.stop();
    this.opts.onServiceEnded();
  }

  /** DatanodeRegistration: sent with every call, so the NameNode knows which DataNode speaks. */
  private registration(): DatanodeRegistration {
    const storage = this.storage as DatanodeStorage;
    const server = this.server as XceiverServer;
    const ns = this.namespace as NamespaceInfo;
    return datanodeRegistration(
      {
        name: this.opts.selfId,
        datanodeUuid: storage.identity.datanodeUuid,
        storageId: storage.identity.storageId,
        ipAddr: this.opts.host,
        // The lab's DataNodes are hosts named dn1, dn2, … (as dfs.datanode.hostname would name
        // them): the NameNode's journal names the connection after this.
        hostName: this.opts.selfId,
        xferPort: server.port,
        infoPort: this.opts.infoPort(),
        ipcPort: this.opts.ipcPort(),
      },
      ns,
    );
  }

  private async register(): Promise<void> {
    const registration = this.registration();
    await this.call('registerDatanode', { registration });
    // A new registration starts from a full block report, asked for on the next heartbeat.
    this.core.registered();
    const dn = registration.datanode;
    log('info', `${this.opts.selfId}: registered with ${this.opts.namenode.id} as ${xferAddr(dn)}`);
  }

  private async blockReport(leaseId: number): Promise<void> {
    const storage = this.storage as DatanodeStorage;
    const reply = await this.call('blockReport', {
      registration: this.registration(),
      poolId: storage.poolId,
      storageId: storage.identity.storageId,
      blocks: storage.blockReport(),
      leaseId,
      reportId: this.core.fullReportSent(),
    });
    this.execute(reply.commands);
  }

  private flushing: Promise<void> | null = null;

  /**
   * Sends every queued incremental entry; entries stay queued if a call fails. The lab sends one
   * call per client operation (the entries of one put under its op id, for `lab trace`); HDFS
   * sends them all in one.
   */
  private async flushIbr(): Promise<void> {
    for (;;) {
      while (this.flushing) await this.flushing;
      if (!this.storage) return;
      const group = this.core.takeIncrementalGroup();
      if (group.length === 0) return;
      if (!(await this.sendIbrGroup(group))) return;
    }
  }

  /** Sends one op's entries; false when the call failed (the core requeues them). */
  private async sendIbrGroup(entries: IbrEntry[]): Promise<boolean> {
    const storage = this.storage as DatanodeStorage;
    const opId = entries[0]?.opId;
    let sent = false;
    const send = this.call(
      'blockReceivedAndDeleted',
      {
        registration: this.registration(),
        poolId: storage.poolId,
        storageId: storage.identity.storageId,
        entries: entries.map(({ block, status, deleteHint }) => ({
          block,
          status,
          ...(deleteHint === undefined ? {} : { deleteHint }),
        })),
      },
      opId,
    )
      .then(() => {
        sent = true;
      })
      .catch((err: unknown) => {
        this.core.incrementalFailed(entries);
        this.warnOnce(
          `${this.opts.selfId}: blockReceivedAndDeleted failed (${(err as Error).message}); will retry`,
        );
      })
      .finally(() => {
        this.flushing = null;
      });
    this.flushing = send;
    await send;
    return sent;
  }

  /** Carries out what the core made of a reply's commands. */
  private execute(commands: readonly DatanodeCommand[]): void {
    const storage = this.storage as DatanodeStorage;
    for (const action of this.core.commands(commands)) {
      switch (action.kind) {
        case 'register':
          log('info', `${this.opts.selfId}: ${this.opts.namenode.id} asked to re-register (DNA_REGISTER)`);
          break;
        case 'delete-replica':
          this.invalidate(storage, action.poolId, action.block);
          break;
        case 'transfer':
          void this.transfer(action.command);
          break;
        case 'recover':
          void this.recoverBlock(action.command);
          break;
        case 'balancer-bandwidth': {
          // BPOfferService.processCommandFromActive's lines.
          const throttler = this.opts.balanceThrottler;
          log('info', `${this.opts.selfId}: DatanodeCommand action: DNA_BALANCERBANDWIDTHUPDATE`);
          log(
            'info',
            `${this.opts.selfId}: Updating balance throttler bandwidth from ${throttler.bytesPerSec} bytes/s to: ${action.bytesPerSec} bytes/s.`,
          );
          throttler.bytesPerSec = action.bytesPerSec;
          break;
        }
        case 'finalize-upgrade':
          // BlockPoolSliceStorage.doFinalize returns at once without a previous/ directory, and
          // the lab's storage never makes one (no upgrades): nothing to do, nothing to log.
          break;
        case 'ignore':
          log('info', `${this.opts.selfId}: ignoring ${action.action} (not modelled by the lab)`);
      }
    }
  }

  /**
   * One block of a DNA_INVALIDATE (FsDatasetImpl.invalidate, with its log lines): deleted and
   * reported DELETED; absent, reported DELETED so the NameNode forgets it; under another
   * generation stamp, kept and not reported (a block recovery finalized it since the NameNode
   * asked, and deleting it would lose the recovered replica).
   */
  private invalidate(storage: DatanodeStorage, poolId: string, block: BlockRef): void {
    const self = this.opts.selfId;
    const result = storage.deleteReplica(block);
    if (result.kind === 'genstamp-mismatch') {
      log(
        'warn',
        `${self}: Failed to delete replica ${blockName(block)}: GenerationStamp not matched, existing replica is ${blockName(result.existing)}`,
      );
      return;
    }
    if (result.kind === 'deleted') {
      this.opts.journal.event({ type: 'replica-deleted', block, datanode: self });
      log('info', `${self}: Deleted ${extendedBlockName(poolId, block)}`);
    } else log('info', `${self}: Failed to delete replica ${blockName(block)}: ReplicaInfo not found.`);
    this.core.replicaDeleted(block);
  }

  private async transfer(command: Extract<DatanodeCommand, { action: 'DNA_TRANSFER' }>): Promise<void> {
    const storage = this.storage as DatanodeStorage;
    const name = extendedBlockName(command.poolId, command.block);
    const replica = storage.readReplica(command.block.blockId);
    const targets = command.targets.map((t) => t.name).join(', ');
    const plan = planTransfer(command.poolId, command.block, replica, command.targets);
    if (plan.kind === 'invalid') {
      // DataNode.transferBlock: a block that is not here (or not finalized) is reported, not sent.
      log('warn', `${this.opts.selfId}: ${plan.message}`);
      this.reportError('INVALID_BLOCK', plan.message);
      return;
    }
    if (plan.kind === 'too-short') {
      log('warn', `${this.opts.selfId}: ${plan.message}`);
      this.reportBadReplica(command.block, this.opts.selfId);
      return;
    }
    this.xmitsInProgress++;
    try {
      await transferReplica({
        selfId: this.opts.selfId,
        self: {
          name: this.opts.selfId,
          ipAddr: this.opts.host,
          xferPort: (this.server as XceiverServer).port,
        },
        journal: this.opts.journal,
        localAddress: this.opts.host,
        poolId: command.poolId,
        replica: plan.replica,
        targets: plan.pipeline,
        op: `transfer-${command.block.blockId}`,
      });
      log(
        'info',
        `${this.opts.selfId}: DataTransfer: Transmitted ${name} (numBytes=${plan.replica.numBytes}) to ${targets}`,
      );
    } catch (err) {
      log('warn', `${this.opts.selfId}: failed to transfer ${name} to ${targets}: ${(err as Error).message}`);
    } finally {
      this.xmitsInProgress--;
    }
  }

  /**
   * DNA_RECOVERBLOCK: this DataNode is the block recovery's primary (BlockRecoveryWorker): it asks
   * every holder over InterDatanodeProtocol and commits the result to the NameNode.
   */
  private async recoverBlock(
    command: Extract<DatanodeCommand, { action: 'DNA_RECOVERBLOCK' }>,
  ): Promise<void> {
    const storage = this.storage as DatanodeStorage;
    await recoverBlock(command, {
      selfId: this.opts.selfId,
      datanodeUuid: storage.identity.datanodeUuid,
      host: this.opts.host,
      journal: this.opts.journal,
      replicas: this.recoveries as ReplicaRecoveries,
      log,
      commitBlockSynchronization: (req) => this.call('commitBlockSynchronization', req),
    });
  }

  private async call<M extends RpcMethod>(
    method: M,
    params: RpcRequest<M>,
    opId?: string,
  ): Promise<RpcResult<M>> {
    const rpc = await this.connect();
    try {
      return await rpc.call(method, params, {
        timeoutMs: DATANODE_NAMENODE_CALL_TIMEOUT_MS,
        ...(opId === undefined ? {} : { opId }),
      });
    } catch (err) {
      if (!(err instanceof RemoteError)) {
        // The connection broke (NameNode stopped or restarting): reconnect on the next call, and
        // register again, since a restarted NameNode does not know us.
        if (this.rpc === rpc) {
          rpc.close();
          this.rpc = null;
          this.core.registrationLost();
        }
      }
      throw err;
    }
  }

  private async connect(): Promise<RpcClient> {
    if (this.rpc) return this.rpc;
    if (this.stopped) throw new Error('DataNode stopping');
    this.connecting ??= RpcClient.connect({
      host: this.opts.namenode.host,
      port: this.opts.namenode.port,
      selfId: this.opts.selfId,
      peerId: this.opts.namenode.id,
      journal: this.opts.journal,
      protocol: DATANODE_PROTOCOL,
      localAddress: this.opts.host,
    }).finally(() => {
      this.connecting = null;
    });
    const rpc = await this.connecting;
    if (this.stopped) {
      rpc.close();
      throw new Error('DataNode stopping');
    }
    this.rpc = rpc;
    return rpc;
  }

  private warnOnce(text: string): void {
    if (text === this.lastWarn) return;
    this.lastWarn = text;
    log('warn', text);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Whether "host:port" names `namenode` (InetSocketAddress.equals: the same IP address once both
 * names are resolved, and the same port). Not a host:port: NetUtils.createSocketAddr's
 * IllegalArgumentException.
 */
export async function sameAddress(
  hostPort: string,
  namenode: { host: string; port: number },
): Promise<boolean> {
  const m = /^([^:/\s]+):(\d{1,5})$/.exec(hostPort);
  if (!m) {
    throw new RemoteError(
      'IllegalArgumentException',
      `Does not contain a valid host:port authority: ${hostPort}`,
    );
  }
  if (Number(m[2]) !== namenode.port) return false;
  const resolve = (host: string): Promise<string> =>
    dns.lookup(host).then(
      (a) => a.address,
      () => host,
    );
  const [asked, ours] = await Promise.all([resolve(m[1] as string), resolve(namenode.host)]);
  return asked === ours;
}
