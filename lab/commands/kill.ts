/**
 * `lab kill NODE`: SIGKILL, like a crash or a pulled power cord. The NameNode is not told; it
 * declares a DataNode dead only after missing heartbeats (`lab status` shows both views).
 */
import { killNode } from '../../cluster/launcher/launcher.js';
import { homeOf } from '../cli/context.js';
import type { Command } from '../cli/commander.js';
import { out } from '../cli/output.js';

export function registerKill(program: Command): void {
  program
    .command('kill')
    .description('kill a process with SIGKILL (a crash: no goodbye to the NameNode)')
    .argument('<node>', 'nn, snn, dn1, …')
    .action(async (node: string, _flags: unknown, command: Command) => {
      const result = await killNode(homeOf(command), node);
      out(
        result.outcome === 'not running'
          ? `${node}: not running`
          : `${node}: killed (pid ${result.pid}). Restart it with \`lab restart ${node}\`.`,
      );
    });
}
