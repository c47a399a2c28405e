/** A described cluster for tests that need a lab home's cluster.json without starting one. */
import type { ClusterDescription, DatanodeDescription } from '../../cluster/home/description.js';

/**
 * The description `lab start` writes for these DataNodes with loopback aliases: the NameNode on
 * 127.0.0.1:8020, the Secondary on 127.0.0.2:9868, the client at 127.0.0.10; `over` changes any
 * other field.
 */
export function describedCluster(
  datanodes: DatanodeDescription[],
  over: Partial<ClusterDescription> = {},
): ClusterDescription {
  return {
    version: 1,
    seed: 's',
    createdMs: 0,
    conf: {},
    namenode: { id: 'nn', host: '127.0.0.1', port: 8020 },
    secondary: { id: 'snn', host: '127.0.0.2', port: 9868 },
    datanodes,
    client: { host: '127.0.0.10', rack: '/default-rack' },
    loopbackAliases: true,
    ...over,
  };
}
