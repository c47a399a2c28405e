/** `lab heal`: end every partition and slow node (`lab partition`, `lab slow`). */
import { describeFaults, healAll } from '../../cluster/transport/faults.js';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { out } from '../cli/output.js';

export function registerHeal(program: Command): void {
  program
    .command('heal')
    .description('end every network partition and slow node')
    .action((_flags: unknown, command: Command) => {
      const before = describeFaults(healAll(homeOf(command)));
      out(before.length === 0 ? 'No faults were in effect.' : `Healed: ${before.join('; ')}`);
    });
}
