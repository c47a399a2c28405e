/**
 * `lab fs -createSnapshot / -deleteSnapshot / -renameSnapshot` (FsShell's SnapshotCommands): one
 * RPC each on the snapshottable directory; -createSnapshot prints `Created snapshot <path>`.
 */
import { err, out } from '../cli/output.js';
import { opId, PathError, shellError, stat, type FsCommandSpec, type FsContext } from './fs-command.js';

/** SnapshotCommands.processOptions: its own argument checks and words (IllegalArgumentException). */
function argumentProblem(name: string, operands: string[]): string | null {
  if (name === 'createSnapshot') {
    if (operands.length === 0) return '<snapshotDir> is missing.';
    if (operands.length > 2) return 'Too many arguments.';
    return null;
  }
  const want = name === 'deleteSnapshot' ? 2 : 3;
  return operands.length === want ? null : 'Incorrect number of arguments.';
}

async function runSnapshotCommand(name: string, operands: string[], ctx: FsContext): Promise<number> {
  const problem = argumentProblem(name, operands);
  if (problem) {
    err(`-${name}: ${problem}`);
    return 1;
  }
  const [dir, ...names] = operands as [string, ...string[]];
  try {
    const status = await stat(ctx, dir);
    // SnapshotCommands.processPath: the operand must be a directory.
    if (status.type !== 'DIRECTORY') throw new PathError(dir, 'Is not a directory');
    const nn = ctx.session.namenode;
    const call = { opId: opId(name) };
    if (name === 'createSnapshot') {
      const path = await nn.call(
        'createSnapshot',
        { snapshotRoot: status.path, snapshotName: names[0] ?? null },
        call,
      );
      out(`Created snapshot ${path}`);
    } else if (name === 'deleteSnapshot') {
      await nn.call('deleteSnapshot', { snapshotRoot: status.path, snapshotName: names[0]! }, call);
    } else {
      await nn.call(
        'renameSnapshot',
        { snapshotRoot: status.path, snapshotOldName: names[0]!, snapshotNewName: names[1]! },
        call,
      );
    }
    return 0;
  } catch (error) {
    err(shellError(name, dir, error));
    return 1;
  }
}

function spec(name: string, usage: string): FsCommandSpec {
  return { usage, run: (a, ctx) => runSnapshotCommand(name, a.operands, ctx) };
}

export const CREATE_SNAPSHOT = spec('createSnapshot', '-createSnapshot <snapshotDir> [<snapshotName>]');
export const DELETE_SNAPSHOT = spec('deleteSnapshot', '-deleteSnapshot <snapshotDir> <snapshotName>');
export const RENAME_SNAPSHOT = spec('renameSnapshot', '-renameSnapshot <snapshotDir> <oldName> <newName>');
