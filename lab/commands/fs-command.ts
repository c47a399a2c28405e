/**
 * What every `lab fs` command shares: its declaration (FsCommandSpec), the context it runs in, and
 * FsShell's path and error conventions (relative paths under /user/<name>, the
 * ``<cmd>: `<path>': <reason>`` error line, one error per path and exit 1). A command is added by
 * writing its spec (here or in its own module) and listing it once in fs.ts's table.
 */
import { listAll } from '../../cluster/client/listing.js';
import type { DFSClient } from '../../cluster/client/dfs-client.js';
import { hadoopUser } from '../../cluster/common/user.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import type { FileStatus } from '../../cluster/protocol/types.js';
import type { HadoopArgs, HadoopOptionSpec } from '../cli/hadoop-args.js';
import { err } from '../cli/output.js';
import type { ClusterSession } from '../cli/session.js';

export interface FsContext {
  session: ClusterSession;
  client: DFSClient;
  json: boolean;
  /** The command name for error lines: ls, put, … */
  name: string;
}

/**
 * One FsShell command, declared once: its usage line (Command.getUsage: `-name` + USAGE), the
 * options and operand bounds its CommandFormat takes, and the body, which receives the parsed
 * arguments. The dispatcher parses, prints usage errors as FsShell does, and opens the session.
 */
export interface FsCommandSpec {
  /** `-ls [-C] [-d] … [<path> ...]`, as FsShell's usage lists it. */
  usage: string;
  options: readonly HadoopOptionSpec[];
  /** Fewest operands (CommandFormat's minPar); default 0. */
  min?: number;
  /** Most operands (maxPar); default unbounded. */
  max?: number;
  run: (args: HadoopArgs, ctx: FsContext) => Promise<number>;
}

/** Flag options (no value) in Hadoop's spelling. */
export const flags = (...names: string[]): HadoopOptionSpec[] => names.map((name) => ({ name }));

/** Hadoop resolves relative paths against the user's home directory /user/<name>. */
export function qualify(p: string): string {
  if (p.startsWith('hdfs://')) {
    const rest = p.slice('hdfs://'.length);
    const slash = rest.indexOf('/');
    return slash === -1 ? '/' : rest.slice(slash);
  }
  if (p.startsWith('/')) return p;
  const home = `/user/${hadoopUser()}`;
  return p === '.' || p === '' ? home : `${home}/${p}`;
}

/** The text FsShell prints for an HDFS exception after `<cmd>: `<path>': `. */
export function shellError(name: string, p: string, error: unknown): string {
  if (error instanceof RemoteError) {
    switch (error.errorClass) {
      case 'FileNotFoundException':
        return `${name}: \`${p}': No such file or directory`;
      case 'FileAlreadyExistsException':
        return `${name}: \`${p}': File exists`;
      case 'PathIsNotEmptyDirectoryException':
        return `${name}: \`${p}': Directory is not empty`;
      case 'ParentNotDirectoryException':
        return `${name}: \`${p}': Is not a directory`;
      default:
        return `${name}: ${error.message}`;
    }
  }
  const local = localError(error);
  if (local) return `${name}: \`${local.path ?? p}': ${local.text}`;
  throw error;
}

/** FsShell's words for a local file system error (the local side of -get / -put). */
const LOCAL_ERRORS: Record<string, string> = {
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Is not a directory',
  EISDIR: 'Is a directory',
  EACCES: 'Permission denied',
  EPERM: 'Permission denied',
  EEXIST: 'File exists',
  ENOSPC: 'No space left on device',
  EDQUOT: 'Disk quota exceeded',
  EROFS: 'Read-only file system',
};

export function localError(error: unknown): { path: string | undefined; text: string } | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const text = code === undefined ? undefined : LOCAL_ERRORS[code];
  if (text === undefined) return null;
  return { path: (error as NodeJS.ErrnoException).path, text };
}

/** Runs `body` per path, printing FsShell's error line for failures; returns the exit code. */
export async function eachPath(
  ctx: FsContext,
  paths: string[],
  body: (p: string) => Promise<void>,
): Promise<number> {
  let code = 0;
  for (const p of paths) {
    try {
      await body(p);
    } catch (error) {
      err(shellError(ctx.name, p, error));
      code = 1;
    }
  }
  return code;
}

export async function stat(ctx: FsContext, p: string): Promise<FileStatus> {
  const status = await ctx.session.namenode.call('getFileInfo', { src: qualify(p) });
  if (!status) throw new RemoteError('FileNotFoundException', `File does not exist: ${p}`);
  return status;
}

let opCounter = 0;
/** Operation ids this command created, for `--trace`. */
export const createdOps: string[] = [];
/** A per-command operation id, so `lab trace` can group the operation's frames. */
export function opId(kind: string): string {
  const id = `${kind}-${process.pid}-${++opCounter}`;
  createdOps.push(id);
  return id;
}

export function writeStdout(chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(chunk)) resolve();
    else process.stdout.once('drain', () => resolve());
  });
}

export async function listRecursive(ctx: FsContext, dir: string): Promise<FileStatus[]> {
  const out: FileStatus[] = [];
  for (const entry of (await listAll(ctx.session.namenode, dir)) ?? []) {
    out.push(entry);
    if (entry.type === 'DIRECTORY') out.push(...(await listRecursive(ctx, entry.path)));
  }
  return out;
}
