/** `lab add-datanode [--rack R]`: a new, empty DataNode joins the running cluster and registers. */
import { addDatanode } from '../../cluster/launcher/add-datanode.js';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { out } from '../cli/output.js';

export function registerAddDatanode(program: Command): void {
  program
    .command('add-datanode')
    .description('start one more DataNode (dnN+1) in the running cluster; `lab balancer` fills it')
    .option('--rack <rack>', 'its rack, e.g. /rack2 (default: the rack with the fewest DataNodes)')
    .action(async (flags: { rack?: string }, command: Command) => {
      const added = await addDatanode(homeOf(command), { rack: flags.rack });
      const dn = added.datanode;
      out(
        `${dn.id} started (pid ${added.pid}) on ${dn.host}:${dn.port}, rack ${dn.rack}; registered with the NameNode. ` +
          'It holds no replicas yet: `lab balancer` moves some onto it.',
      );
    });
}
