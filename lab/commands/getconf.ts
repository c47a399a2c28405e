/**
 * `lab getconf -confKey KEY | -namenodes | -secondaryNameNodes | -nnRpcAddresses`: `hdfs getconf`
 * over the client configuration (defaults, the cluster's -D overrides, what the launcher
 * derived such as fs.defaultFS, then site files, -conf, -D and -fs). Same output streams and
 * exit codes as Hadoop (255 for a missing key). Without a cluster in the home it answers from
 * the defaults, as Hadoop does without a core-site.xml.
 */
import { getconfOutput } from '../../cluster/config/getconf.js';
import { readDescription } from '../../cluster/home/home.js';
import { homeOf } from '../cli/context.js';
import { parseGenericOptions, userSettings } from '../cli/generic-options.js';
import { clientConfig } from '../cli/session.js';
import type { Command } from '../cli/commander.js';
import { CommandExit } from '../cli/errors.js';

export function registerGetconf(program: Command): void {
  program
    .command('getconf')
    .description('print configuration values as `hdfs getconf` does (-confKey KEY, -namenodes, …)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]', 'hdfs getconf arguments')
    .action((argv: string[], _flags: unknown, command: Command) => {
      const home = homeOf(command);
      const generic = parseGenericOptions(argv);
      const config = clientConfig(readDescription(home), home, userSettings(home, generic));
      const result = getconfOutput(config, generic.rest);
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      if (result.exitCode !== 0) throw new CommandExit(result.exitCode);
    });
}
