/**
 * `lab partition TARGET`: cut a process (dn3, nn, snn) or every DataNode of a rack (/rack2,
 * /dc1/rack2) off from the rest of the cluster. Connections across the cut are refused and frames
 * already under way are dropped; a partitioned DataNode's heartbeats stop reaching the NameNode,
 * which declares it dead by the usual rule. `lab heal` ends it.
 */
import { requireDescription } from '../../cluster/home/home.js';
import { addPartition, FaultTargetError, FAULT_POLL_MS } from '../../cluster/transport/faults.js';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import { out } from '../cli/output.js';

export function registerPartition(program: Command): void {
  program
    .command('partition')
    .description('cut a process or a rack off from the rest of the cluster (lab heal ends it)')
    .argument('<target>', 'nn, snn, dn1, … or a rack path such as /rack2 or /dc1/rack2')
    .action((target: string, _flags: unknown, command: Command) => {
      const home = homeOf(command);
      try {
        const partition = addPartition(home, requireDescription(home), target);
        out(
          `Partitioned ${partition.target}: ${partition.members.join(', ')} cannot talk to the rest of the cluster ` +
            `(in effect within ${FAULT_POLL_MS} ms). \`lab heal\` reconnects.`,
        );
      } catch (error) {
        if (error instanceof FaultTargetError) throw new UsageError(`partition: ${error.message}`);
        throw error;
      }
    });
}
