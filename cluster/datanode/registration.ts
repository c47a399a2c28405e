/**
 * The DatanodeRegistration a DataNode sends (BPServiceActor.register): who it is, and the storage
 * it formatted for the namespace versionRequest described — its own layout version, the
 * namespace's id, cluster id and creation time. The daemon, the simulator and tests build it here.
 */
import type { DatanodeRegistration, NamespaceInfo } from '../protocol/messages.js';
import type { DatanodeId } from '../protocol/types.js';
import { DATANODE_LAYOUT_VERSION } from './layout.js';

export function datanodeRegistration(datanode: DatanodeId, ns: NamespaceInfo): DatanodeRegistration {
  return {
    datanode,
    storageInfo: {
      layoutVersion: DATANODE_LAYOUT_VERSION,
      namespaceId: ns.namespaceId,
      clusterId: ns.clusterId,
      cTime: ns.cTime,
    },
    softwareVersion: ns.softwareVersion,
  };
}
