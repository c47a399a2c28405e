/**
 * `lab slow NODE --delay MS`: the process waits MS before sending each RPC frame and each data
 * packet, like a congested link or an overloaded disk (`--delay 0` or `lab heal` ends it).
 */
import { requireDescription } from '../../cluster/home/home.js';
import { FaultTargetError, setSlow } from '../../cluster/transport/faults.js';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import { out } from '../cli/output.js';

export function registerSlow(program: Command): void {
  program
    .command('slow')
    .description('delay every frame and packet a process sends (a slow link or disk)')
    .argument('<node>', 'nn, snn, dn1, …')
    .requiredOption('--delay <ms>', 'milliseconds added before each frame or packet (0 ends it)')
    .action((node: string, flags: { delay: string }, command: Command) => {
      const home = homeOf(command);
      const delayMs = Number(flags.delay);
      try {
        setSlow(home, requireDescription(home), node, delayMs);
      } catch (error) {
        if (error instanceof FaultTargetError) throw new UsageError(`slow: ${error.message}`);
        throw error;
      }
      out(
        delayMs === 0
          ? `${node}: no added delay.`
          : `${node}: +${delayMs} ms before each frame and packet it sends.`,
      );
    });
}
