/**
 * `lab fs -find <path> ... <expression> ...` (FsShell's Find): walks each path, parents before
 * children, and prints the paths every primary accepts. Primaries: `-name`/`-iname PATTERN` (a glob
 * on the last component), `-print`/`-print0`; `-a`/`-and` or nothing between two expressions is
 * AND. Without an action, `-print` is implied. Paths print as typed, children under them.
 */
import { err } from '../cli/output.js';
import {
  eachPath,
  globToRegExp,
  listRecursive,
  stat,
  type FsCommandSpec,
  type FsContext,
  type ShownStatus,
} from './fs-command.js';

type Primary = { kind: 'name'; pattern: RegExp; fold: boolean } | { kind: 'print'; suffix: string };

/** A problem with the expression: Find prints `find: <message>` and exits 1 (an IOException). */
class ExpressionError extends Error {}

/** Find.parseExpression for the primaries the lab has; unknown words are refused as Find does. */
export function parseFindExpression(args: readonly string[]): Primary[] {
  const primaries: Primary[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-a' || arg === '-and') continue;
    if (arg === '-print' || arg === '-print0') {
      primaries.push({ kind: 'print', suffix: arg === '-print' ? '\n' : '\0' });
      continue;
    }
    if (arg === '-name' || arg === '-iname') {
      const pattern = args[++i];
      if (pattern === undefined) throw new ExpressionError('Missing argument at 1');
      const fold = arg === '-iname';
      primaries.push({ kind: 'name', fold, pattern: globToRegExp(fold ? pattern.toLowerCase() : pattern) });
      continue;
    }
    throw new ExpressionError(`Unexpected argument: ${arg}`);
  }
  // Find.processOptions: an expression with no action is ANDed after -print.
  if (!primaries.some((p) => p.kind === 'print')) primaries.push({ kind: 'print', suffix: '\n' });
  return primaries;
}

/** And.apply: each primary in order, stopping at the first that fails. */
function apply(primaries: readonly Primary[], item: ShownStatus): void {
  const name = item.status.path === '/' ? '' : item.status.path.slice(item.status.path.lastIndexOf('/') + 1);
  for (const primary of primaries) {
    if (primary.kind === 'print') {
      process.stdout.write(`${item.shown}${primary.suffix}`);
      continue;
    }
    if (!primary.pattern.test(primary.fold ? name.toLowerCase() : name)) return;
  }
}

export const FIND: FsCommandSpec = {
  usage: '-find <path> ... <expression> ...',
  options: [{ name: 'L' }, { name: 'H' }],
  min: 1,
  ignoreUnknownOptions: true,
  run: async (a, ctx: FsContext) => {
    // Find.processOptions: paths end at the first argument that starts with '-'.
    const firstExpression = a.operands.findIndex((arg) => arg.startsWith('-') && arg !== '-');
    const split = firstExpression < 0 ? a.operands.length : firstExpression;
    const paths = a.operands.slice(0, split);
    let primaries: Primary[];
    try {
      primaries = parseFindExpression(a.operands.slice(split));
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      err(`${ctx.name}: ${error.message}`);
      return 1;
    }
    return eachPath(ctx, paths.length > 0 ? paths : ['.'], async (p) => {
      const status = await stat(ctx, p);
      apply(primaries, { status, shown: p });
      if (status.type !== 'DIRECTORY') return;
      for (const entry of await listRecursive(ctx, status.path, p)) apply(primaries, entry);
    });
  },
};
