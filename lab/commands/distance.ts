/**
 * `lab distance A B [--json]`: the network distance between two DataNodes (or the client) and the
 * path through the topology tree that adds up to it: 0 same DataNode, 2 same rack, 4 same data
 * centre, 6 across data centres.
 */
import type { ClusterDescription } from '../../cluster/home/description.js';
import { requireDescription } from '../../cluster/launcher/launcher.js';
import type { TopologyEndpoint } from '../../cluster/net/topology.js';
import { homeOf } from '../cli/context.js';
import type { Command } from '../cli/commander.js';
import { UsageError } from '../cli/errors.js';
import { out, printJson } from '../cli/output.js';
import { topologyOf } from './topology.js';

export function registerDistance(program: Command): void {
  program
    .command('distance')
    .description('network distance between two DataNodes (ids or addresses, or "client") with the path')
    .argument('<a>', 'dn1, 127.0.1.1, 127.0.1.1:9866, or client')
    .argument('<b>', 'same forms as <a>')
    .option('--json', 'print distance and path as JSON')
    .action((a: string, b: string, flags: { json?: boolean }, command: Command) => {
      const description = requireDescription(homeOf(command));
      const result = distanceBetween(description, a, b);
      if (flags.json === true) printJson(result);
      else out(`${result.path.join(' -> ')}\ndistance ${result.distance}`);
    });
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
  throw new UsageError(`distance: ${why}. DataNodes: ${known}; or "client".`);
}
