/**
 * The one error boundary of the `lab` CLI. Expected failures (bad usage, a cluster that is not
 * running, an HDFS error answered by the NameNode) print a clear message and exit with a code;
 * anything else is a bug in hdfs-lab and prints its stack with a request to report it.
 */
import { UnitParseError } from '../../cluster/common/units.js';
import { ConfigError } from '../../cluster/config/config.js';
import { LauncherError } from '../../cluster/home/errors.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import { ConnectError } from '../../cluster/transport/rpc-client.js';
import { CommanderError, type Command } from './commander.js';
import { CommandExit, UsageError } from './errors.js';
import { err } from './output.js';

/** EX_SOFTWARE (sysexits.h): an internal error, distinct from the 1 of an expected failure. */
export const EXIT_BUG = 70;

/** Run the program on `argv` (user arguments, without node and the script) and return the exit code. */
export async function runCli(program: Command, argv: readonly string[]): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    return reportError(error);
  }
}

/** Print `error` as the boundary does and return the exit code. */
export function reportError(error: unknown): number {
  if (error instanceof CommandExit) return error.exitCode;
  if (error instanceof CommanderError) {
    // Commander has printed its message (or the help) already. `lab help` is Command.help(): its
    // exit code is 0, or 1 when the help was shown for an error.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    if (error.code === 'commander.help') return error.exitCode;
    return error.exitCode || 1;
  }
  if (error instanceof UsageError) {
    err(`lab: ${error.message}`);
    if (error.hint) err(error.hint);
    return error.exitCode;
  }
  if (error instanceof LauncherError || error instanceof ConnectError) {
    err(`lab: ${error.message}`);
    return 1;
  }
  if (error instanceof ConfigError || error instanceof UnitParseError) {
    err(`lab: ${error.message}`);
    return 1;
  }
  if (error instanceof RemoteError) {
    err(`${error.javaClassName}: ${error.message}`);
    return 1;
  }
  const stack = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  err(stack);
  err('this is a bug in hdfs-lab, please report it with the lines above');
  return EXIT_BUG;
}
