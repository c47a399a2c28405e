/**
 * `lab checkpoint [--json]`: ask the Secondary NameNode to checkpoint now (as `hdfs
 * secondarynamenode -checkpoint force`) and show what changed in the NameNode's name directory:
 * the new fsimage_<txid> and its .md5, the segment the roll finalized, the new in-progress segment,
 * and what the retention policy purged.
 */
import fs from 'node:fs';
import path from 'node:path';
import { homePaths } from '../../cluster/home/description.js';
import { requireDescription } from '../../cluster/home/home.js';
import { Journal } from '../../cluster/transport/journal.js';
import { requestCheckpoint } from '../../cluster/client/secondary-http-client.js';
import type { CheckpointResult } from '../../cluster/secondary/checkpointer.js';
import { checkpointDoneLine } from '../format/checkpoint.js';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import { out, printJson } from '../cli/output.js';

export interface NameDirChange {
  file: string;
  change: 'added' | 'removed';
}

export function registerCheckpoint(program: Command): void {
  program
    .command('checkpoint')
    .description('make the Secondary NameNode checkpoint now and show what changed in the name directory')
    .option('--json', 'print the checkpoint and the changes as JSON')
    .action(async (flags: { json?: boolean }, command: Command) => {
      const home = homeOf(command);
      const description = requireDescription(home);
      if (!description.secondary) {
        throw new UsageError(
          'This cluster runs no Secondary NameNode; `lab dfsadmin -saveNamespace` (in safe mode) saves an image instead.',
        );
      }
      const current = path.join(homePaths(home).nameDir, 'current');
      const before = listing(current);
      let result: CheckpointResult;
      // The request and its answer go to the cluster's journal, as the `client` end of the frames.
      const journal = new Journal(homePaths(home).journal, 'client');
      try {
        result = await requestCheckpoint(description, journal);
      } catch (error) {
        throw new UsageError(`checkpoint: ${(error as Error).message}`);
      } finally {
        journal.close();
      }
      const changes = diffListings(before, listing(current));
      if (flags.json === true) printJson({ checkpoint: result, nameDir: current, changes });
      else out(formatCheckpoint(result, current, changes));
    });
}

function listing(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Files added and removed between two listings, each list in name order. */
export function diffListings(before: readonly string[], after: readonly string[]): NameDirChange[] {
  const was = new Set(before);
  const now = new Set(after);
  return [
    ...after.filter((f) => !was.has(f)).map((file): NameDirChange => ({ file, change: 'added' })),
    ...before.filter((f) => !now.has(f)).map((file): NameDirChange => ({ file, change: 'removed' })),
  ];
}

export function formatCheckpoint(
  result: CheckpointResult,
  nameDir: string,
  changes: readonly NameDirChange[],
): string {
  const lines = [
    checkpointDoneLine(result),
    `  merged ${result.rolledSegment === '' ? 'no segments' : `up to ${result.rolledSegment}`} into the image at txid ${result.fromImageTxid}` +
      ` (image ${result.imageDownloaded ? 'downloaded' : 'already held by the Secondary NameNode'}; ` +
      `${result.segmentsDownloaded.length} segment${result.segmentsDownloaded.length === 1 ? '' : 's'} downloaded)`,
    `Changes in ${nameDir}:`,
  ];
  for (const c of changes) lines.push(`  ${c.change === 'added' ? '+' : '-'} ${c.file}${note(c, result)}`);
  if (changes.length === 0) lines.push('  (none)');
  return lines.join('\n');
}

function note(change: NameDirChange, result: CheckpointResult): string {
  if (change.change === 'added') {
    if (change.file === result.imageFile) return '   (the new checkpoint image)';
    if (change.file === result.rolledSegment) return '   (finalized by the roll)';
    if (change.file.startsWith('edits_inprogress_')) return '   (the new open segment)';
    return '';
  }
  if (change.file.startsWith('edits_inprogress_')) return '   (renamed when finalized)';
  return '   (purged: beyond dfs.namenode.num.checkpoints.retained)';
}
