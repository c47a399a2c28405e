/**
 * `lab restart NODE`: stop (if running) and start one process, waiting until it serves again.
 */
import { restartNode } from '../../cluster/launcher/launcher.js';
import { homeOf } from '../cli/context.js';
import type { Command } from '../cli/commander.js';
import { out } from '../cli/output.js';

export function registerRestart(program: Command): void {
  program
    .command('restart')
    .description('restart one process (nn, snn, dn1, …) and wait until it serves')
    .argument('<node>', 'nn, snn, dn1, …')
    .action(async (node: string, _flags: unknown, command: Command) => {
      const result = await restartNode(homeOf(command), node);
      const before =
        result.stopped.outcome === 'not running' ? 'was not running' : `pid ${result.stopped.pid} stopped`;
      out(`${node}: ${before}; started again as pid ${result.pid}.`);
    });
}
