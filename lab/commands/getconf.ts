/**
 * `lab getconf -confKey KEY | -namenodes | -secondaryNameNodes | -nnRpcAddresses`: `hdfs getconf`
 * over the client configuration (defaults, the cluster's -D overrides, what the launcher
 * derived such as fs.defaultFS, then site files, -conf, -D and -fs). Same output streams and
 * exit codes as Hadoop (255 for a missing key). Without a cluster in the home it answers from
 * the defaults, as Hadoop does without a core-site.xml.
 */
import { getconfOutput } from '../../cluster/config/getconf.js';
import { readDescription } from '../../cluster/home/home.js';
import { registerHadoopCommand } from '../cli/hadoop-command.js';
import { clientConfig } from '../cli/session.js';
import type { Command } from '../cli/commander.js';
import { CommandExit } from '../cli/errors.js';

export function registerGetconf(program: Command): void {
  registerHadoopCommand(program, {
    name: 'getconf',
    description: 'print configuration values as `hdfs getconf` does (-confKey KEY, -namenodes, …)',
    // GetConf has no --json: every argument is its own.
    labFlags: [],
    run: ({ args, home, settings }) => {
      const config = clientConfig(readDescription(home), home, settings());
      const result = getconfOutput(config, args);
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      if (result.exitCode !== 0) throw new CommandExit(result.exitCode);
    },
  });
}
