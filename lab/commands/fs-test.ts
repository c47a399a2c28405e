/**
 * `lab fs -test -[defswrz] <path>` (FsShell's Test): the answer is the exit status, 0 or 1, and
 * nothing is printed. -w and -r ask the NameNode (FileSystem.access: ClientProtocol.checkAccess),
 * which applies the permission checker, ACLs included, to the caller.
 */
import { RemoteError } from '../../cluster/protocol/errors.js';
import type { FileStatus } from '../../cluster/protocol/types.js';
import { err } from '../cli/output.js';
import { CommandFormatError } from '../cli/hadoop-args.js';
import { flags, qualify, shellError, type FsCommandSpec, type FsContext } from './fs-command.js';

/** Test.DESCRIPTION (Hadoop 3). */
const TEST_DESCRIPTION =
  'Answer various questions about <path>, with result via exit status.\n' +
  '  -d  return 0 if <path> is a directory.\n' +
  '  -e  return 0 if <path> exists.\n' +
  '  -f  return 0 if <path> is a file.\n' +
  '  -s  return 0 if file <path> is greater         than zero bytes in size.\n' +
  '  -w  return 0 if file <path> exists         and write permission is granted.\n' +
  '  -r  return 0 if file <path> exists         and read permission is granted.\n' +
  '  -z  return 0 if file <path> is         zero bytes in size, else return 1.';

/** FsAction bits for checkAccess. */
const READ = 4;
const WRITE = 2;

/** Test.testAccess: granted, or refused (AccessControlException / FileNotFoundException). */
async function granted(ctx: FsContext, src: string, mode: number): Promise<boolean> {
  try {
    await ctx.session.namenode.call('checkAccess', { src, mode });
    return true;
  } catch (error) {
    if (
      error instanceof RemoteError &&
      ['AccessControlException', 'FileNotFoundException'].includes(error.errorClass)
    )
      return false;
    throw error;
  }
}

/** Test.processPath for one flag on an existing path. */
async function answer(ctx: FsContext, flag: string, status: FileStatus): Promise<boolean> {
  switch (flag) {
    case 'd':
      return status.type === 'DIRECTORY';
    case 'f':
      return status.type === 'FILE';
    case 's':
      return status.length > 0;
    case 'z':
      return status.length === 0;
    case 'w':
      return granted(ctx, status.path, WRITE);
    case 'r':
      return granted(ctx, status.path, READ);
    default:
      return true; // -e: it exists
  }
}

export const TEST: FsCommandSpec = {
  usage: '-test -[defswrz] <path>',
  description: TEST_DESCRIPTION,
  options: flags('e', 'd', 'f', 's', 'z', 'w', 'r'),
  min: 1,
  max: 1,
  run: async (a, ctx) => {
    // Test.processOptions: exactly one flag.
    const which = [...a.options.keys()];
    if (which.length === 0) throw new CommandFormatError('No test flag given');
    if (which.length > 1) throw new CommandFormatError('Only one test flag is allowed');
    const p = a.operands[0] as string;
    try {
      const status = await ctx.session.namenode.call('getFileInfo', { src: qualify(p) });
      // Test.processNonexistentPath: exit 1, nothing printed.
      if (status === null) return 1;
      return (await answer(ctx, which[0] as string, status)) ? 0 : 1;
    } catch (error) {
      err(shellError(ctx.name, p, error));
      return 1;
    }
  },
};
