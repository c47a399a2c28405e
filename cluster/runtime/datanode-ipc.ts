/**
 * The DataNode's IPC server (dfs.datanode.ipc.address, 9867): Hadoop IPC v9 with protobuf through
 * the same RPC server and method registry as the NameNode's port, serving ClientDatanodeProtocol
 * and InterDatanodeProtocol (DataNode.initIpcServer); a block recovery's primary DataNode asks the
 * others through the latter (runtime/block-recovery-worker.ts). A client asks it the visible length of a replica being written
 * (DFSInputStream.readBlockLength); an administrator asks it what `dfsadmin -getDatanodeInfo`,
 * `-triggerBlockReport`, `-shutdownDatanode` and `-getBalancerBandwidth` print. The administrative
 * calls are the superuser's, as DataNode.checkSuperuserPrivilege has it: the user running the
 * DataNode or a member of dfs.permissions.superusergroup (any caller when dfs.permissions.enabled
 * is false); anyone else gets an AccessControlException without a message.
 */
import type { LabConfig } from '../config/config.js';
import { ERROR_CLASSES, RemoteError } from '../protocol/errors.js';
import type { DatanodeLocalInfo, RpcMethod, RpcRequest, RpcResult } from '../protocol/messages.js';
import { DATANODE_IPC_PROTOCOLS } from '../protocol/registry/index.js';
import type { BlockRef } from '../protocol/types.js';
import type { Journal } from '../transport/journal.js';
import { startRpcServer, type RpcCallContext, type RpcServer } from './rpc-server.js';

/** dfs.datanode.ipc.address's port (DFSConfigKeys.DFS_DATANODE_IPC_DEFAULT_PORT). */
export const DATANODE_IPC_PORT_DEFAULT = 9867;

/** What the DataNode does for each call; the IPC server only checks who asks. */
export interface DatanodeIpcActions {
  /** The replica's visible length; throws ReplicaNotFoundException (or IOException for an older stamp). */
  visibleLength(poolId: string, block: BlockRef): Promise<number>;
  /**
   * A block report now; with `nnAddress` ("host:port", dfsadmin's -namenode) only to the NameNode at
   * that address, nothing when this DataNode reports to another (DataNode.triggerBlockReport).
   */
  triggerBlockReport(incremental: boolean, nnAddress?: string): Promise<void> | void;
  /** For an upgrade, resolves once the replicas being written have their restart files. */
  shutdown(forUpgrade: boolean): Promise<void> | void;
  balancerBytesPerSec(): number;
  info(): DatanodeLocalInfo;
  /** InterDatanodeProtocol, asked by a block recovery's primary DataNode. */
  initReplicaRecovery(rb: RpcRequest<'initReplicaRecovery'>): Promise<RpcResult<'initReplicaRecovery'>>;
  updateReplicaUnderRecovery(
    p: RpcRequest<'updateReplicaUnderRecovery'>,
  ): Promise<RpcResult<'updateReplicaUnderRecovery'>>;
}

export interface DatanodeIpcOptions {
  id: string;
  host: string;
  port: number;
  journal: Journal;
  config: LabConfig;
  /** The user running the DataNode (DataNode.dnUserName). */
  datanodeUser: string;
  groupsOf: (user: string) => readonly string[];
  actions: DatanodeIpcActions;
}

type Handlers = { [M in RpcMethod]?: (params: RpcRequest<M>, ctx: RpcCallContext) => Promise<RpcResult<M>> };

export function startDatanodeIpc(opts: DatanodeIpcOptions): Promise<RpcServer> {
  const handlers = datanodeIpcHandlers(opts);
  return startRpcServer({
    host: opts.host,
    port: opts.port,
    portFallback: true,
    selfId: opts.id,
    journal: opts.journal,
    protocols: DATANODE_IPC_PROTOCOLS,
    handler: (method, params, ctx) => {
      const handler = handlers[method] as
        ((params: unknown, ctx: RpcCallContext) => Promise<unknown>) | undefined;
      if (!handler) throw new RemoteError('IOException', `${method} is not served by a DataNode`);
      return handler(params, ctx);
    },
  });
}

/** Each ClientDatanodeProtocol and InterDatanodeProtocol method, as DataNode implements it. */
export function datanodeIpcHandlers(opts: DatanodeIpcOptions): Handlers {
  const { actions } = opts;
  const superuserOnly = superuserCheck(opts);
  return {
    getReplicaVisibleLength: async (p) => ({ length: await actions.visibleLength(p.poolId, p.block) }),
    getDatanodeInfo: () => Promise.resolve(actions.info()),
    getBalancerBandwidth: () => Promise.resolve({ bytesPerSec: actions.balancerBytesPerSec() }),
    triggerBlockReport: async (p, ctx) => {
      superuserOnly(ctx);
      await actions.triggerBlockReport(p.incremental, p.nnAddress);
      return null;
    },
    shutdownDatanode: async (p, ctx) => {
      superuserOnly(ctx);
      await actions.shutdown(p.forUpgrade);
      return null;
    },
    // The lab's DataNode serves its one NameNode: nothing to add or stop.
    refreshNamenodes: (_p, ctx) => {
      superuserOnly(ctx);
      return Promise.resolve(null);
    },
    // No reconfiguration task ever ran here (the lab has no -reconfig): start time -1.
    getReconfigurationStatus: (_p, ctx) => {
      superuserOnly(ctx);
      return Promise.resolve({ startTimeMs: -1 });
    },
    // InterDatanodeProtocol: another DataNode's call, authenticated only under Kerberos in HDFS.
    initReplicaRecovery: (p) => actions.initReplicaRecovery(p),
    updateReplicaUnderRecovery: (p) => actions.updateReplicaUnderRecovery(p),
  };
}

/** DataNode.checkSuperuserPrivilege: the DataNode's user, or the supergroup; else AccessControlException. */
function superuserCheck(opts: DatanodeIpcOptions): (ctx: RpcCallContext) => void {
  const enabled = opts.config.bool('dfs.permissions.enabled');
  const supergroup = opts.config.get('dfs.permissions.superusergroup');
  return (ctx) => {
    if (!enabled || ctx.user === opts.datanodeUser) return;
    if (opts.groupsOf(ctx.user).includes(supergroup)) return;
    // AccessControlException() has no message: the first line HDFS sends is its class name.
    throw new RemoteError('AccessControlException', ERROR_CLASSES.AccessControlException);
  };
}

/** DataNode.confVersion: `core-<hadoop.common.configuration.version>,hdfs-<hadoop.hdfs.configuration.version>`. */
export function configVersion(config: LabConfig): string {
  return `core-${config.get('hadoop.common.configuration.version')},hdfs-${config.get('hadoop.hdfs.configuration.version')}`;
}
