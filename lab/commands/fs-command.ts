/**
 * What every `lab fs` command shares: its declaration (FsCommandSpec), the context it runs in, and
 * FsShell's path and error conventions (relative paths under /user/<name>, the
 * ``<cmd>: `<path>': <reason>`` error line, one error per path and exit 1). A command is added by
 * writing its spec (here or in its own module) and listing it once in fs.ts's table.
 */
import { listAll } from '../../cluster/client/listing.js';
import type { DFSClient } from '../../cluster/client/dfs-client.js';
import dns from 'node:dns/promises';
import { hadoopUser } from '../../cluster/common/user.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import type { FileStatus } from '../../cluster/protocol/types.js';
import type { HadoopArgs, HadoopOptionSpec } from '../cli/hadoop-args.js';
import { err } from '../cli/output.js';
import { namenodeOfDefaultFs, type ClusterSession } from '../cli/session.js';

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
  /**
   * The options CommandFormat takes, when the usage line does not say them (see optionsOfUsage):
   * -stat's -R and -find's -L/-H are not in their usage, -setfacl's -x takes no value, …
   */
  options?: readonly HadoopOptionSpec[];
  /** Fewest operands (CommandFormat's minPar); default 0. */
  min?: number;
  /** Most operands (maxPar); default unbounded. */
  max?: number;
  /** Unknown options are operands (CommandFormat with a null option: -chmod, -find). */
  ignoreUnknownOptions?: boolean;
  /** FsShell's `-help CMD` text (the command's DESCRIPTION), when the lab has it. */
  description?: string;
  /**
   * Arguments the command takes out before CommandFormat parses the rest (Cp.popPreserveOption):
   * what is left, and options to add to the parsed ones.
   */
  popOptions?: (args: readonly string[]) => { rest: string[]; options: Record<string, string> };
  /**
   * Which operands name the local file system (-put's sources, -get's destination): they are not
   * checked against the NameNode's file system.
   */
  local?: 'sources' | 'destination';
  run: (args: HadoopArgs, ctx: FsContext) => Promise<number>;
}

/** Flag options (no value) in Hadoop's spelling. */
export const flags = (...names: string[]): HadoopOptionSpec[] => names.map((name) => ({ name }));

/**
 * The options a usage line names, so a command's flags are declared once: each `-x` after the
 * command's own name (`[-h]`, `[-r|-R]`, `[--ignore-fail-on-non-empty]`), taking a value when a
 * placeholder follows it (`-t <thread count>`, `-t [<storage type>]`, `-n name`, `-t TIMESTAMP`).
 */
export function optionsOfUsage(usage: string): HadoopOptionSpec[] {
  const body = usage.slice(usage.indexOf(' ') + 1);
  const found = new Map<string, HadoopOptionSpec>();
  for (const m of body.matchAll(
    /(?<=^|[\s[{|])-(-?[A-Za-z][\w-]*)(?=([\s\]}|[]|$))(\s+\[?<|\s+[A-Za-z])?/g,
  )) {
    const name = m[1] as string;
    if (!found.has(name)) found.set(name, m[3] === undefined ? { name } : { name, values: 1 });
  }
  return [...found.values()];
}

/** A command's options: those it declares, else those of its usage line. */
export function optionsOf(spec: FsCommandSpec): readonly HadoopOptionSpec[] {
  return spec.options ?? optionsOfUsage(spec.usage);
}

/**
 * A path argument split as PathData.stringToUri splits it: a scheme when ':' is directly followed by
 * '/' (`hdfs:/x`, `hdfs:///x`), an authority after `//` (empty for `hdfs:///x`), and the path.
 */
export function splitPathUri(p: string): { scheme?: string; authority?: string; path: string } {
  let start = 0;
  let scheme: string | undefined;
  const colon = p.indexOf(':');
  if (colon > 0 && p.indexOf('/') === colon + 1) {
    scheme = p.slice(0, colon);
    start = colon + 1;
  }
  let authority: string | undefined;
  if (p.startsWith('//', start) && p.length - start > 2) {
    const next = p.indexOf('/', start + 2);
    const end = next > 0 ? next : p.length;
    authority = p.slice(start + 2, end);
    start = end;
  }
  return {
    ...(scheme === undefined ? {} : { scheme }),
    ...(authority === undefined ? {} : { authority }),
    path: p.slice(start),
  };
}

/** Hadoop resolves relative paths against the user's home directory /user/<name>. */
export function qualify(p: string): string {
  const uri = splitPathUri(p);
  if (uri.scheme !== undefined || uri.authority !== undefined) return uri.path || '/';
  if (p.startsWith('/')) return p;
  const home = `/user/${hadoopUser()}`;
  return p === '.' || p === '' ? home : `${home}/${p}`;
}

/** Whether two host names reach the same address (NetUtils.getCanonicalUri resolves both). */
async function sameHost(a: string, b: string): Promise<boolean> {
  if (a.toLowerCase() === b.toLowerCase()) return true;
  const addresses = async (host: string): Promise<string[]> => {
    try {
      return (await dns.lookup(host, { all: true })).map((r) => r.address);
    } catch {
      return [];
    }
  };
  const [left, right] = await Promise.all([addresses(a), addresses(b)]);
  return left.some((address) => right.includes(address));
}

/** The operands a command reads or writes on HDFS (all but the local ones its spec names). */
export function remoteOperands(spec: FsCommandSpec, operands: readonly string[]): readonly string[] {
  if (spec.local === 'sources') return operands.slice(-1);
  if (spec.local === 'destination') return operands.slice(0, -1);
  return operands;
}

/**
 * FileSystem.checkPath for a path argument with a scheme: null when it names this session's
 * NameNode (`hdfs:` with no authority, or one that resolves to the same address and port, 8020
 * when left out), else Hadoop's "Wrong FS" text. Hadoop would open a second client for another
 * NameNode, or read the local disk for `file:///…`; the lab's commands talk to the one NameNode
 * fs.defaultFS (or -fs) names, so the student is told which that is.
 */
export async function wrongFileSystem(ctx: FsContext, arg: string): Promise<string | null> {
  const uri = splitPathUri(arg);
  const expected = ctx.session.config.get('fs.defaultFS');
  if (uri.scheme === undefined) return null;
  if (uri.scheme.toLowerCase() !== 'hdfs') return `Wrong FS: ${arg}, expected: ${expected}`;
  if (!uri.authority) return null;
  const named = namenodeOfDefaultFs(`hdfs://${uri.authority}`);
  const nn = ctx.session.description.namenode;
  if (named.port === nn.port && (await sameHost(named.host, nn.host))) return null;
  return `Wrong FS: ${arg}, expected: ${expected}`;
}

/** The lab's words after "Wrong FS": where the lab's NameNode is and how to name it. */
export function wrongFileSystemHint(ctx: FsContext): string {
  const expected = ctx.session.config.get('fs.defaultFS').replace(/\/$/, '');
  return `The lab's NameNode is ${expected} (fs.defaultFS): name its paths as /path, hdfs:///path or ${expected}/path, or talk to another NameNode with -fs hdfs://HOST:PORT.`;
}

/**
 * An error about a path, printed as PathIOException.getMessage formats it:
 * `` `path'[ to `target']: text[: `fully qualified path'] ``.
 */
export class PathError extends Error {
  override readonly name = 'PathError';
  constructor(
    readonly path: string,
    readonly text: string,
    readonly extra: { target?: string; fullyQualified?: string } = {},
  ) {
    super(text);
  }

  describe(): string {
    const target = this.extra.target === undefined ? '' : ` to \`${this.extra.target}'`;
    const fq = this.extra.fullyQualified;
    const qualified = fq === undefined || fq === this.path ? '' : `: \`${fq}'`;
    return `\`${this.path}'${target}: ${this.text}${qualified}`;
  }
}

/** PathNotFoundException, PathExistsException, … : Hadoop's texts for the path errors. */
export const PATH_ERRORS = {
  notFound: 'No such file or directory',
  exists: 'File exists',
  isDirectory: 'Is a directory',
  notDirectory: 'Is not a directory',
  notEmpty: 'Directory is not empty',
  io: 'Input/output error',
} as const;

/** The path as the file system's URI (PathData.path.toUri()): fs.defaultFS + the absolute path. */
export function fullyQualified(ctx: FsContext, p: string): string {
  const uri = splitPathUri(p);
  if (uri.scheme !== undefined && uri.authority) return `${uri.scheme}://${uri.authority}${uri.path || '/'}`;
  return `${ctx.session.config.get('fs.defaultFS').replace(/\/$/, '')}${qualify(p)}`;
}

/** The text FsShell prints for an HDFS exception after `<cmd>: `<path>': `. */
export function shellError(name: string, p: string, error: unknown): string {
  if (error instanceof PathError) return `${name}: ${error.describe()}`;
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

/**
 * Runs `body` per path, globs expanded (Command.expandArguments), printing FsShell's error line
 * for each failure and going on with the next; returns the exit code (1 after any error).
 * A glob that matches nothing is PathNotFoundException, unless `ignoreUnmatched` (rm -f).
 */
export async function eachPath(
  ctx: FsContext,
  paths: string[],
  body: (p: string) => Promise<void>,
  options: { ignoreUnmatched?: boolean } = {},
): Promise<number> {
  let code = 0;
  for (const arg of paths) {
    let expanded = [arg];
    try {
      if (hasGlob(arg)) expanded = await expandGlob(ctx, arg);
    } catch (error) {
      err(shellError(ctx.name, arg, error));
      code = 1;
      continue;
    }
    if (expanded.length === 0) {
      if (options.ignoreUnmatched) continue;
      err(`${ctx.name}: \`${arg}': ${PATH_ERRORS.notFound}`);
      code = 1;
      continue;
    }
    for (const p of expanded) {
      try {
        await body(p);
      } catch (error) {
        err(shellError(ctx.name, p, error));
        code = 1;
      }
    }
  }
  return code;
}

/** Whether an argument is a pattern (GlobPattern's special characters; `\\` alone only escapes). */
export function hasGlob(p: string): boolean {
  return /(^|[^\\])[*?[{]/.test(p);
}

/**
 * GlobPattern's syntax as a regular expression for one path component: `*`, `?`, `[abc]`,
 * `[a-z]`, `[^a]` / `[!a]`, `{a,b}` (nested), `\\c` for a literal c.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '\\' && i + 1 < glob.length) {
      re += escapeRegExp(glob[++i] as string);
    } else if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, end);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\(?![\]^-])/g, '\\\\')}]`;
      i = end;
    } else re += escapeRegExp(c);
  }
  return new RegExp(`^${re}$`, 's');
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The paths a pattern matches, as FsShell prints them (the argument's own form: relative stays
 * relative, a scheme stays), sorted as Globber sorts its results.
 */
export async function expandGlob(ctx: FsContext, arg: string): Promise<string[]> {
  const uri = splitPathUri(arg);
  // PathData.expandAsGlob: a match keeps the pattern's scheme and authority; with no authority
  // (hdfs:/…, hdfs:///…) removeAuthority prints it as scheme:///path.
  const prefix = uri.scheme === undefined ? '' : `${uri.scheme}://${uri.authority ?? ''}`;
  const rest = uri.scheme === undefined ? arg : uri.path || '/';
  const absolute = rest.startsWith('/');
  const components = rest.split('/').filter((c) => c !== '' && c !== '.');
  // Each candidate: its absolute path and its display form.
  let candidates = [{ abs: absolute ? '/' : qualify('.'), shown: absolute ? `${prefix}/` : '' }];
  const join = (base: string, name: string): string =>
    base === '' ? name : base.endsWith('/') ? `${base}${name}` : `${base}/${name}`;
  let globbed = false;
  for (const component of components) {
    const next: typeof candidates = [];
    if (!hasGlob(component)) {
      const literal = component.replace(/\\(.)/g, '$1');
      for (const c of candidates) next.push({ abs: join(c.abs, literal), shown: join(c.shown, literal) });
    } else {
      globbed = true;
      const pattern = globToRegExp(component);
      for (const c of candidates) {
        const children = (await listAll(ctx.session.namenode, c.abs)) ?? [];
        for (const child of children) {
          const name = child.path.slice(child.path.lastIndexOf('/') + 1);
          if (pattern.test(name)) next.push({ abs: join(c.abs, name), shown: join(c.shown, name) });
        }
      }
    }
    candidates = next;
  }
  const found: typeof candidates = [];
  for (const c of candidates) {
    // Globber checks the literal components after the last pattern by a getFileInfo.
    if (!globbed || (await ctx.session.namenode.call('getFileInfo', { src: c.abs })) !== null) found.push(c);
  }
  return found.map((c) => c.shown || '.').sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** How FsShell names a directory's child (PathData.getStringForChildPath). */
export function childDisplay(parent: string, name: string): string {
  if (parent === '.') return name;
  return parent.endsWith('/') ? `${parent}${name}` : `${parent}/${name}`;
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

/** A status with the name FsShell prints for it. */
export interface ShownStatus {
  status: FileStatus;
  shown: string;
}

/** Every entry under `dir`, depth first, each directory's entries in order; names as FsShell prints them. */
export async function listRecursive(ctx: FsContext, dir: string, shown = dir): Promise<ShownStatus[]> {
  const out: ShownStatus[] = [];
  for (const entry of (await listAll(ctx.session.namenode, dir)) ?? []) {
    const name = childDisplay(shown, entry.path.slice(entry.path.lastIndexOf('/') + 1));
    out.push({ status: entry, shown: name });
    if (entry.type === 'DIRECTORY') out.push(...(await listRecursive(ctx, entry.path, name)));
  }
  return out;
}
