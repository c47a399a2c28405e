/**
 * `lab getconf -confKey KEY | -namenodes | -secondaryNameNodes | -nnRpcAddresses`: `hdfs getconf`
 * over the cluster's effective configuration (defaults + its -D overrides + what the launcher
 * derived, such as fs.defaultFS). Same output streams and exit codes as Hadoop (255 for a missing
 * key). Without a cluster in the home it answers from the defaults, as Hadoop does without a
 * core-site.xml.
 */
import { resolveConfig } from '../../cluster/config/config.js';
import { getconfOutput } from '../../cluster/config/getconf.js';
import { clusterConfig } from '../../cluster/home/cluster-config.js';
import { readDescription } from '../../cluster/home/home.js';
import { homeOf } from '../cli/context.js';
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
    .action((args: string[], _flags: unknown, command: Command) => {
      const home = homeOf(command);
      const description = readDescription(home);
      const config = description === undefined ? resolveConfig({}) : clusterConfig(description, home);
      const result = getconfOutput(config, args);
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      if (result.exitCode !== 0) throw new CommandExit(result.exitCode);
    });
}
