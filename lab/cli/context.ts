/**
 * What every command needs from the global options: the lab home.
 */
import { resolveHome } from '../../cluster/home/home.js';
import type { Command } from './commander.js';

/** `--home` (anywhere on the command line) > LAB_HOME > ~/.hdfs-lab. */
export function homeOf(command: Command): string {
  const { home } = command.optsWithGlobals<{ home?: string }>();
  return resolveHome({ home });
}

/** `--on dnN`: run the HDFS client as if on that DataNode's host. */
export function clientOnOf(command: Command): string | undefined {
  return command.optsWithGlobals<{ on?: string }>().on;
}
