/**
 * `lab web [--port N]`: the learning pages beyond Hadoop's web UI, served from the lab side until
 * Ctrl-C — the last operation as a sequence diagram (what `lab trace` draws), the rack tree with
 * distances (`lab topology`, `lab distance`) and the exercise progress (`lab progress`), redrawn
 * live as the journal and the progress change. While it runs, the NameNode's web UI links to it
 * and `lab open web` prints its URL.
 */
import { requireDescription } from '../../cluster/home/home.js';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { out } from '../cli/output.js';
import { parseWholeNumber } from '../cli/parse.js';
import { untilStopped } from '../cli/signals.js';
import { startLabWeb } from '../web/server.js';

export function registerWeb(program: Command): void {
  program
    .command('web')
    .description(
      'serve the learning pages (last operation as a diagram, rack tree, exercise progress) until Ctrl-C',
    )
    .option('--port <port>', 'the loopback port to bind (default: any free one)', parseWholeNumber)
    .action(async (flags: { port?: number }, command: Command) => {
      const home = homeOf(command);
      requireDescription(home);
      const server = await startLabWeb({ home, ...(flags.port !== undefined ? { port: flags.port } : {}) });
      out(`learning pages at ${server.url}  (the NameNode's web UI links to them; Ctrl-C stops)`);
      await untilStopped();
      await server.close();
    });
}
