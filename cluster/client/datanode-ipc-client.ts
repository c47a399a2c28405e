/**
 * The client side of ClientDatanodeProtocol (DFSUtilClient.createClientDatanodeProtocolProxy): one
 * connection to a DataNode's IPC port for `dfsadmin`'s DataNode commands, and the visible length of
 * the last block of a file being written, asked as DFSInputStream.readBlockLength asks it.
 */
import { peerNameOf } from '../home/peer-names.js';
import type { ClusterDescription } from '../home/description.js';
import { RemoteError } from '../protocol/errors.js';
import { CLIENT_DATANODE_PROTOCOL } from '../protocol/registry/index.js';
import { xferAddr, type LocatedBlock } from '../protocol/types.js';
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
 * written for its replica's visible length; the first non-negative answer wins (a replica waiting
 * to be recovered answers -1: it shows no byte). A DataNode without the replica
 * (ReplicaNotFoundException) counts as length 0 if none has it (the pipeline was not set up yet);
 * any other answer moves on to the next, and when none gives a length,
 * CannotObtainBlockLengthException naming the LocatedBlock.
 */
export async function readBlockLength(options: {
  description: ClusterDescription;
  journal: Journal;
  located: LocatedBlock;
  timeoutMs: number;
}): Promise<number> {
  const { located } = options;
  let replicaNotFound = 0;
  for (const dn of located.locations) {
    let rpc: RpcClient | null = null;
    if (dn.ipcPort === 0) continue; // registered without an IPC port: nothing to ask
    try {
      rpc = await connectDatanodeIpc({ ...options, host: dn.ipAddr, port: dn.ipcPort });
      const { length } = await rpc.call('getReplicaVisibleLength', {
        poolId: located.blockPoolId,
        block: located.block,
      });
      if (length >= 0) return length;
    } catch (err) {
      if (err instanceof RemoteError && err.errorClass === 'ReplicaNotFoundException') replicaNotFound++;
    } finally {
      rpc?.close();
    }
  }
  if (replicaNotFound === located.locations.length) return 0;
  throw new RemoteError(
    'CannotObtainBlockLengthException',
    `Cannot obtain block length for ${locatedBlockString(located)}`,
  );
}

/**
 * LocatedBlock.toString, as CannotObtainBlockLengthException prints it: the ExtendedBlock, its
 * size, whether it is corrupt, its offset in the file and its locations as DatanodeInfoWithStorage
 * (transfer address, storage ID, storage type).
 */
export function locatedBlockString(lb: LocatedBlock): string {
  const { block } = lb;
  const locs = lb.locations.map((d) => `DatanodeInfoWithStorage[${xferAddr(d)},${d.storageId},DISK]`);
  return (
    `LocatedBlock{${lb.blockPoolId}:blk_${block.blockId}_${block.genStamp}; getBlockSize()=${block.numBytes}` +
    `; corrupt=${lb.isCorrupt}; offset=${lb.startOffset}; locs=[${locs.join(', ')}]}`
  );
}
