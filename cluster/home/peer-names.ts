/**
 * Who is at an address, from the cluster description: how a DataNode names the peers of its
 * DataTransfer connections in the journal, since DataTransferProtocol carries no sender id. A
 * DataNode named as a target is found by its xfer address (ip and port); a connecting peer by
 * its ip alone, which is unique only with loopback aliases (each process its own 127.x.y.z).
 */
import type { ClusterDescription } from './description.js';

export function peerNameOf(desc: ClusterDescription, ip: string, port?: number): string | undefined {
  const ipv4 = ip.replace(/^::ffff:/, '');
  if (port !== undefined) {
    const dn = desc.datanodes.find((d) => d.host === ipv4 && d.port === port);
    if (dn) return dn.id;
  }
  if (!desc.loopbackAliases) return undefined;
  const dn = desc.datanodes.find((d) => d.host === ipv4);
  if (dn) return dn.id;
  // Neither the NameNode nor the Secondary ever opens a DataTransfer connection (the NameNode's
  // commands ride on heartbeat replies), so a peer at their address is a client running beside
  // them, e.g. the Debian `hdfs` command dialling from 127.0.0.1.
  if (desc.client.host === ipv4 || desc.namenode.host === ipv4 || desc.secondary?.host === ipv4) {
    return 'client';
  }
  return undefined;
}
