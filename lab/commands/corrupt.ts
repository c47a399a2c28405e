/**
 * `lab corrupt PATH --block I [--replica DN] [--mode flip|truncate|delete]`: damage one replica's
 * block file on disk (MiniDFSCluster style: BADBAD in its first half) and print which file changed.
 * Nothing tells the NameNode: a read, a copy or the block scanner has to find it.
 */
import { corruptReplica, CorruptError, describeCorruption, type CorruptMode } from '../scenario/corrupt.js';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import { out, printJson } from '../cli/output.js';
import { withSession } from '../cli/session.js';

const MODES: readonly CorruptMode[] = ['flip', 'truncate', 'delete'];

export function registerCorrupt(program: Command): void {
  program
    .command('corrupt')
    .description(
      "damage one replica's block file on disk (BADBAD in its first half), as a failing disk would",
    )
    .argument('<path>', 'an HDFS file')
    .option('--block <index>', 'which block of the file (0 = the first)', '0')
    .option('--replica <datanode>', 'whose replica (default: the first DataNode holding the block)')
    .option('--mode <mode>', 'flip (BADBAD), truncate (cut in half) or delete', 'flip')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        path: string,
        flags: { block: string; replica?: string; mode: string; json?: boolean },
        command: Command,
      ) => {
        const block = Number(flags.block);
        if (!Number.isInteger(block) || block < 0)
          throw new UsageError(`--block takes a block index (0, 1, …), got '${flags.block}'`);
        if (!MODES.includes(flags.mode as CorruptMode))
          throw new UsageError(`--mode is one of ${MODES.join(', ')}, got '${flags.mode}'`);
        const home = homeOf(command);
        const result = await withSession(home, (session) =>
          corruptReplica({
            home,
            description: session.description,
            namenode: session.namenode,
            request: { path, block, replica: flags.replica, mode: flags.mode as CorruptMode },
          }),
        ).catch((error: unknown) => {
          throw error instanceof CorruptError ? new UsageError(`corrupt: ${error.message}`) : error;
        });
        if (flags.json === true) printJson(result);
        else out(describeCorruption(result));
      },
    );
}
