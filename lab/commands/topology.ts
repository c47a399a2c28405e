/**
 * `lab topology [--json]`: the cluster's network topology as a tree — data centres, racks and
 * DataNodes with their addresses — built from the cluster description, as the NameNode builds it.
 */
import { topologyOf } from '../../cluster/home/topology.js';
import type { TopologyTreeNode } from '../../cluster/net/topology.js';
import { requireDescription } from '../../cluster/home/home.js';
import { homeOf } from '../cli/context.js';
import type { Command } from '../cli/commander.js';
import { out, printJson } from '../cli/output.js';

export function registerTopology(program: Command): void {
  program
    .command('topology')
    .description('print the network topology: data centres, racks, DataNodes with addresses')
    .option('--json', 'print the tree as JSON')
    .action((flags: { json?: boolean }, command: Command) => {
      const description = requireDescription(homeOf(command));
      const tree = topologyOf(description).toTree();
      if (flags.json === true) printJson(tree);
      else out(renderTree(tree).join('\n'));
    });
}

/** Box-drawing tree, one node per line; DataNodes show their transfer address. */
export function renderTree(root: TopologyTreeNode): string[] {
  const lines = ['/'];
  const walk = (node: TopologyTreeNode, prefix: string): void => {
    node.children.forEach((child, index) => {
      const last = index === node.children.length - 1;
      const label = child.leaf ? `${child.name}  ${child.leaf.address}` : child.name;
      lines.push(`${prefix}${last ? '└── ' : '├── '}${label}`);
      walk(child, prefix + (last ? '    ' : '│   '));
    });
  };
  walk(root, '');
  return lines;
}
