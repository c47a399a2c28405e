/**
 * `lab distance A B [--json]`: the network distance between two DataNodes (or the client) and the
 * path through the topology tree that adds up to it: 0 same DataNode, 2 same rack, 4 same data
 * centre, 6 across data centres.
 */
import { distanceBetween } from '../../cluster/home/topology.js';
import { requireDescription } from '../../cluster/home/home.js';
import { homeOf } from '../cli/context.js';
import type { Command } from '../cli/commander.js';
import { out, printJson } from '../cli/output.js';

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
