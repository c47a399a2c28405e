/**
 * `lab fs -concat <target path> <src path> <src path> ...` — FsShell's Concat (Hadoop 3.3): the
 * target and at least two sources must exist as files; then one ClientProtocol.concat moves the
 * sources' blocks to the end of the target, in the order given, and deletes the sources. No byte
 * is copied: the NameNode only relinks blocks (OP_CONCAT_DELETE), as `lab fsck -files -blocks`
 * shows before and after.
 */
import { RemoteError } from '../../cluster/protocol/errors.js';
import { err } from '../cli/output.js';
import {
  expandGlob,
  hasGlob,
  opId,
  PATH_ERRORS,
  qualify,
  type FsCommandSpec,
  type FsContext,
} from './fs-command.js';

/** Concat.USAGE, which its messages repeat. */
const CONCAT_USAGE = '<target path> <src path> <src path> ...';

export const CONCAT: FsCommandSpec = {
  usage: `-concat ${CONCAT_USAGE}`,
  description:
    'Concatenate existing source files into the target file. Target file and source files should be ' +
    'in the same directory.',
  // Concat has no CommandFormat: it counts its arguments itself, in its own words.
  run: async (a, ctx) => {
    const { paths, failed } = await expandArguments(ctx, a.operands);
    try {
      await concat(ctx, paths);
      return failed ? 1 : 0;
    } catch (error) {
      if (!(error instanceof RemoteError)) throw error;
      // Command.displayError: the first line of the exception's message after `concat: `.
      err(`${ctx.name}: ${error.message.split('\n', 1)[0]}`);
      return 1;
    }
  },
};

/** Command.expandArguments: each glob expanded; one that matches nothing is an error, and the rest go on. */
async function expandArguments(
  ctx: FsContext,
  operands: string[],
): Promise<{ paths: string[]; failed: boolean }> {
  const paths: string[] = [];
  let failed = false;
  for (const arg of operands) {
    const expanded = hasGlob(arg) ? await expandGlob(ctx, arg) : [arg];
    if (expanded.length === 0) {
      err(`${ctx.name}: \`${arg}': ${PATH_ERRORS.notFound}`);
      failed = true;
    }
    paths.push(...expanded);
  }
  return { paths, failed };
}

/** Concat.processArguments, then DistributedFileSystem.concat with every path made absolute. */
async function concat(ctx: FsContext, paths: string[]): Promise<void> {
  const { target, srcs } = concatOperands(paths);
  if (!(await isFile(ctx, target))) {
    throw new RemoteError('FileNotFoundException', `Target path ${target} does not exist or is not file.`);
  }
  for (const src of srcs) {
    if (!(await isFile(ctx, src)))
      throw new RemoteError('FileNotFoundException', `${src} does not exist or is not file.`);
  }
  await ctx.session.namenode.call(
    'concat',
    { trg: qualify(target), srcs: srcs.map(qualify) },
    { opId: opId('concat') },
  );
}

/** Concat.processArguments' count: a target, then two sources or more. */
export function concatOperands(paths: readonly string[]): { target: string; srcs: string[] } {
  if (paths.length < 1) throw new RemoteError('IOException', `Target path not specified. ${CONCAT_USAGE}`);
  if (paths.length < 3) {
    throw new RemoteError('IOException', `The number of source paths is less than 2. ${CONCAT_USAGE}`);
  }
  const [target, ...srcs] = paths as [string, ...string[]];
  return { target, srcs };
}

async function isFile(ctx: FsContext, p: string): Promise<boolean> {
  const status = await ctx.session.namenode.call('getFileInfo', { src: qualify(p) });
  return status?.type === 'FILE';
}
