/**
 * `lab tui`: attach the live dashboard to the running cluster. Quitting asks whether to stop the
 * cluster or leave it running.
 */
import { stopNodes } from '../../cluster/launcher/launcher.js';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import { out } from '../cli/output.js';
import { recordStudentCommand } from '../runner/store.js';
import { runDashboard } from '../tui/dashboard.js';

export function registerTui(program: Command): void {
  program
    .command('tui')
    .description('open the live dashboard of the running cluster (topology, traffic, namespace, DataNodes)')
    .action(async (_flags: unknown, command: Command) => {
      const home = homeOf(command);
      if (!process.stdout.isTTY || !process.stdin.isTTY) {
        throw new UsageError(
          'lab tui draws a dashboard and needs a terminal (stdin and stdout a TTY).',
          'Without one, `lab traffic --follow` and `lab status` show the same facts as text.',
        );
      }
      await runDashboard({
        home,
        // A key that changes the cluster is recorded as its `lab` command, for lab grade to replay.
        record: (argv) => recordStudentCommand(home, argv, process.cwd()),
        onQuit: async (choice) => {
          if (choice === 'leave') {
            out('Left the cluster running; `lab tui` attaches again, `lab stop` stops it.');
            return;
          }
          const results = await stopNodes(home);
          out(`Stopped ${results.filter((r) => r.outcome !== 'not running').length} processes.`);
        },
      });
    });
}
