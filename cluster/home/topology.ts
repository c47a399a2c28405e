/**
 * The network topology of a cluster as its description places the DataNodes, and the distance
 * between two of them (or the client) with the path through the tree that adds up to it: 0 same
 * DataNode, 2 same rack, 4 same data centre, 6 across data centres (NetworkTopology#getDistance).
 */
import { NetworkTopology, type TopologyEndpoint } from '../net/topology.js';
import type { ClusterDescription } from './description.js';
import { LauncherError } from './errors.js';

export function topologyOf(description: ClusterDescription): NetworkTopology {
  return new NetworkTopology(
    description.datanodes.map((dn) => ({ name: dn.id, location: dn.rack, address: `${dn.host}:${dn.port}` })),
  );
}

export interface DistanceResult {
  a: string;
  b: string;
  distance: number;
  /** From a to b through the lowest common ancestor, e.g. dn1, /dc1/rack1, /dc1, /dc1/rack2, dn4. */
  path: string[];
}

export function distanceBetween(description: ClusterDescription, a: string, b: string): DistanceResult {
  const from = resolveEndpoint(description, a);
  const to = resolveEndpoint(description, b);
  const explanation = topologyOf(description).explainDistance(from.endpoint, to.endpoint);
  const path =
    explanation.distance === 0
      ? [from.label]
      : [from.label, ...explanation.up.slice(1), explanation.lca, ...explanation.down.slice(0, -1), to.label];
  return { a: from.label, b: to.label, distance: explanation.distance, path };
}

function resolveEndpoint(
  description: ClusterDescription,
  text: string,
): { endpoint: TopologyEndpoint; label: string } {
  const byId = description.datanodes.find((dn) => dn.id === text);
  if (byId) return { endpoint: byId.id, label: byId.id };
  const byAddress = description.datanodes.find((dn) => `${dn.host}:${dn.port}` === text);
  if (byAddress) return { endpoint: byAddress.id, label: byAddress.id };
  const byHost = description.datanodes.filter((dn) => dn.host === text);
  if (byHost.length === 1) {
    const id = (byHost[0] as { id: string }).id;
    return { endpoint: id, label: id };
  }
  if (text === 'client' || text === description.client.host) {
    return {
      endpoint: { location: description.client.rack, host: description.client.host },
      label: 'client',
    };
  }
  const known = description.datanodes.map((dn) => `${dn.id} (${dn.host}:${dn.port})`).join(', ');
  const why =
    byHost.length > 1
      ? `${text} is shared by several DataNodes here; name one by id or host:port`
      : `no DataNode ${text}`;
  throw new LauncherError(`distance: ${why}. DataNodes: ${known}; or "client".`, 'usage');
}
