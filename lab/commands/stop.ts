/**
 * `lab stop [NODE…]`: SIGTERM, then SIGKILL after the grace period; no process is left behind.
 */
import { inspectHome } from '../../cluster/home/home.js';
import { stopNodes, type StopResult } from '../../cluster/launcher/launcher.js';
import { homeOf } from '../cli/context.js';
import type { Command } from '../cli/commander.js';
import { out } from '../cli/output.js';

export function registerStop(program: Command): void {
  program
    .command('stop')
    .description('stop the cluster, or only the given processes (nn, snn, dn1, …)')
    .argument('[nodes...]', 'processes to stop (default: all)')
    .action(async (nodes: string[], _flags: unknown, command: Command) => {
      const home = homeOf(command);
      if (nodes.length === 0 && inspectHome(home).running.length === 0) {
        out(`No cluster is running in ${home}.`);
        await stopNodes(home); // removes stale pid files
        return;
      }
      const results = await stopNodes(home, nodes.length > 0 ? nodes : undefined);
      for (const line of describeStops(results)) out(line);
    });
}

export function describeStops(results: readonly StopResult[]): string[] {
  return results.map((result) => {
    if (result.outcome === 'not running') return `${result.id}: not running`;
    const how = result.outcome === 'killed' ? 'killed (SIGKILL; it ignored SIGTERM)' : 'stopped';
    return `${result.id}: ${how} (pid ${result.pid})`;
  });
}
