/**
 * The client side of ClientDatanodeProtocol (DFSUtilClient.createClientDatanodeProtocolProxy): one
 * connection to a DataNode's IPC port for `dfsadmin`'s DataNode commands, and the visible length of
 * the last block of a file being written, asked as DFSInputStream.readBlockLength asks it.
 */
import { peerNameOf } from '../home/peer-names.js';
import type { ClusterDescription } from '../home/description.js';
import { RemoteError } from '../protocol/errors.js';
import { CLIENT_DATANODE_PROTOCOL } from '../protocol/registry/index.js';
import type { BlockRef, DatanodeId } from '../protocol/types.js';
import type { Journal } from '../transport/journal.js';
import { RpcClient } from '../transport/rpc-client.js';

/** The lab id of the DataNode whose IPC port is `host:port`, else the address itself. */
export function datanodeOfIpcAddress(description: ClusterDescription, host: string, port: number): string {
  const byPort = description.datanodes.find((dn) => dn.host === host && dn.ipcPort === port);
  return byPort?.id ?? peerNameOf(description, host) ?? `${host}:${port}`;
}

/** A ClientDatanodeProtocol connection to `host:port`, journaled as the client's. */
export function connectDatanodeIpc(options: {
  description: ClusterDescription;
  journal: Journal;
  host: string;
  port: number;
  timeoutMs?: number;
}): Promise<RpcClient> {
  const { description, host, port } = options;
  return RpcClient.connect({
    host,
    port,
    selfId: 'client',
    peerId: datanodeOfIpcAddress(description, host, port),
    journal: options.journal,
    protocol: CLIENT_DATANODE_PROTOCOL,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(description.loopbackAliases ? { localAddress: description.client.host } : {}),
  });
}

/**
 * DFSInputStream.readBlockLength: asks each DataNode holding the last block of a file being
 * written for its replica's visible length; the first answer wins. A DataNode without the replica
 * (ReplicaNotFoundException) counts as length 0 if none has it (the pipeline was not set up yet);
 * any other failure moves on to the next, and when all fail, CannotObtainBlockLengthException.
 */
export async function readBlockLength(options: {
  description: ClusterDescription;
  journal: Journal;
  poolId: string;
  block: BlockRef;
  locations: readonly DatanodeId[];
  timeoutMs: number;
}): Promise<number> {
  let replicaNotFound = 0;
  for (const dn of options.locations) {
    let rpc: RpcClient | null = null;
    if (dn.ipcPort === 0) continue; // registered without an IPC port: nothing to ask
    try {
      rpc = await connectDatanodeIpc({ ...options, host: dn.ipAddr, port: dn.ipcPort });
      const { length } = await rpc.call('getReplicaVisibleLength', {
        poolId: options.poolId,
        block: options.block,
      });
      return length;
    } catch (err) {
      if (err instanceof RemoteError && err.errorClass === 'ReplicaNotFoundException') replicaNotFound++;
    } finally {
      rpc?.close();
    }
  }
  if (replicaNotFound === options.locations.length) return 0;
  // CannotObtainBlockLengthException names the LocatedBlock; the lab names the block and where it asked.
  const { block, poolId, locations } = options;
  throw new RemoteError(
    'CannotObtainBlockLengthException',
    `Cannot obtain block length for ${poolId}:blk_${block.blockId}_${block.genStamp} from ${locations.map((l) => `${l.ipAddr}:${l.ipcPort}`).join(', ')}`,
  );
}
