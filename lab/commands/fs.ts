/**
 * `lab fs -<command> …` — HDFS's FsShell (`hdfs dfs`): the same sub-commands, flags, output
 * shapes and error lines (``ls: `/nope': No such file or directory``). The `lab` process is the
 * HDFS client: metadata goes to the NameNode, block bytes straight to and from DataNodes.
 */
import { listAll } from '../../cluster/client/listing.js';
import fs from 'node:fs';
import path from 'node:path';
import { hadoopUser } from '../../cluster/common/user.js';
import { fetchNamenodeStatus } from '../../cluster/client/namenode-http-client.js';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { formatChecksumLine } from '../../cluster/client/file-checksum.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import { JOURNAL_FLUSH_INTERVAL_MS } from '../../cluster/protocol/limits.js';
import type { FileStatus } from '../../cluster/protocol/types.js';
import type { Command } from '../cli/commander.js';
import { clientOnOf, homeOf } from '../cli/context.js';
import { CommandExit, UsageError } from '../cli/errors.js';
import { parseHadoopArgs, type HadoopOptionSpec } from '../cli/hadoop-args.js';
import { err, out, printJson } from '../cli/output.js';
import { progressReporter } from '../cli/progress.js';
import { withSession, type ClusterSession } from '../cli/session.js';
import { formatCount } from '../format/count.js';
import { formatDf } from '../format/df.js';
import { duEntryOfFile, formatDu } from '../format/du.js';
import { formatLs } from '../format/ls.js';
import { STAT_DEFAULT_FORMAT, formatStat } from '../format/stat.js';

/** `-tail` prints the last kilobyte, as FsShell does. */
const TAIL_BYTES = 1024;
/** `-setrep -w` gives up after this long and says which blocks were still short. */
const SETREP_WAIT_MS = 120_000;
const SETREP_POLL_MS = 200;

interface FsContext {
  session: ClusterSession;
  client: DFSClient;
  json: boolean;
  /** The command name for error lines: ls, put, … */
  name: string;
}

type FsCommand = (args: string[], ctx: FsContext) => Promise<number>;

interface FsCommandSpec {
  usage: string;
  options: HadoopOptionSpec[];
  run: FsCommand;
}

const flags = (...names: string[]): HadoopOptionSpec[] => names.map((name) => ({ name }));

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
function shellError(name: string, p: string, error: unknown): string {
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

function localError(error: unknown): { path: string | undefined; text: string } | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const text = code === undefined ? undefined : LOCAL_ERRORS[code];
  if (text === undefined) return null;
  return { path: (error as NodeJS.ErrnoException).path, text };
}

/** Runs `body` per path, printing FsShell's error line for failures; returns the exit code. */
async function eachPath(
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

async function stat(ctx: FsContext, p: string): Promise<FileStatus> {
  const status = await ctx.session.namenode.call('getFileInfo', { src: qualify(p) });
  if (!status) throw new RemoteError('FileNotFoundException', `File does not exist: ${p}`);
  return status;
}

function requireOperands(name: string, usage: string, operands: string[], min: number): void {
  if (operands.length < min)
    throw new UsageError(
      `-${name}: Not enough arguments: expected ${min} but got ${operands.length}`,
      `Usage: lab fs ${usage}`,
    );
}

const PUT_FLAGS = flags('f', 'p', 'd', 'l');
const GET_FLAGS = flags('f', 'p', 'ignoreCrc', 'crc');

/** -put and its synonym -copyFromLocal. */
function copyFromLocalSpec(name: string): FsCommandSpec {
  return {
    usage: `-${name} [-f] [-p] [-d] <localsrc> ... <dst>`,
    options: PUT_FLAGS,
    run: (args, ctx) => put(args, ctx, name),
  };
}

/** -get and its synonym -copyToLocal. */
function copyToLocalSpec(name: string): FsCommandSpec {
  return {
    usage: `-${name} [-f] [-p] <src> ... <localdst>`,
    options: GET_FLAGS,
    run: (args, ctx) => get(args, ctx, name),
  };
}

const COMMANDS: Record<string, FsCommandSpec> = {
  ls: {
    usage: '-ls [-d] [-h] [-R] [<path> ...]',
    options: flags('d', 'h', 'R'),
    run: async (args, ctx) => {
      const a = parseHadoopArgs(args, { command: '-ls', options: flags('d', 'h', 'R') });
      const paths = a.operands.length > 0 ? a.operands : ['.'];
      const human = a.options.has('h');
      const listings: FileStatus[][] = [];
      const code = await eachPath(ctx, paths, async (p) => {
        const status = await stat(ctx, p);
        if (status.type === 'FILE' || a.options.has('d')) {
          listings.push([status]);
          if (!ctx.json) out(formatLs([status], { header: false, human }).trimEnd());
          return;
        }
        if (a.options.has('R')) {
          const all = await listRecursive(ctx, status.path);
          listings.push(all);
          if (!ctx.json && all.length > 0) out(formatLs(all, { header: false, human }).trimEnd());
          return;
        }
        const entries = (await listAll(ctx.session.namenode, status.path)) ?? [];
        listings.push(entries);
        if (!ctx.json && entries.length > 0) out(formatLs(entries, { header: true, human }).trimEnd());
      });
      if (ctx.json) printJson(listings.flat());
      return code;
    },
  },
  mkdir: {
    usage: '-mkdir [-p] <path> ...',
    options: flags('p'),
    run: async (args, ctx) => {
      const a = parseHadoopArgs(args, { command: '-mkdir', options: flags('p') });
      requireOperands('mkdir', COMMANDS.mkdir!.usage, a.operands, 1);
      const parents = a.options.has('p');
      return eachPath(ctx, a.operands, async (p) => {
        const src = qualify(p);
        const existing = await ctx.session.namenode.call('getFileInfo', { src });
        if (existing) {
          if (parents && existing.type === 'DIRECTORY') return;
          throw new RemoteError('FileAlreadyExistsException', `${p} exists`);
        }
        if (!parents) {
          const parent = path.posix.dirname(src);
          const parentStatus = await ctx.session.namenode.call('getFileInfo', { src: parent });
          if (!parentStatus)
            throw new RemoteError('FileNotFoundException', `${parent}: No such file or directory`);
        }
        await ctx.session.namenode.call(
          'mkdirs',
          { src, permission: 0o755, createParent: true },
          { opId: opId('mkdir') },
        );
      });
    },
  },
  rm: {
    usage: '-rm [-f] [-r|-R] [-skipTrash] <src> ...',
    options: flags('f', 'r', 'R', 'skipTrash'),
    run: async (args, ctx) => {
      const a = parseHadoopArgs(args, { command: '-rm', options: flags('f', 'r', 'R', 'skipTrash') });
      requireOperands('rm', COMMANDS.rm!.usage, a.operands, 1);
      const recursive = a.options.has('r') || a.options.has('R');
      const force = a.options.has('f');
      return eachPath(ctx, a.operands, async (p) => {
        const src = qualify(p);
        const status = await ctx.session.namenode.call('getFileInfo', { src });
        if (!status) {
          if (force) return;
          throw new RemoteError('FileNotFoundException', p);
        }
        if (status.type === 'DIRECTORY' && !recursive) {
          err(`rm: \`${p}': Is a directory`);
          throw new CommandExit(1);
        }
        await ctx.session.namenode.call('delete', { src, recursive }, { opId: opId('rm') });
        out(`Deleted ${p}`);
      });
    },
  },
  mv: {
    usage: '-mv <src> ... <dst>',
    options: [],
    run: async (args, ctx) => {
      const a = parseHadoopArgs(args, { command: '-mv', options: [] });
      requireOperands('mv', COMMANDS.mv!.usage, a.operands, 2);
      const dst = a.operands.at(-1) as string;
      return eachPath(ctx, a.operands.slice(0, -1), async (p) => {
        await stat(ctx, p);
        const target = await ctx.session.namenode.call('getFileInfo', { src: qualify(dst) });
        if (target && target.type === 'FILE') throw new RemoteError('FileAlreadyExistsException', dst);
        const ok = await ctx.session.namenode.call(
          'rename',
          { src: qualify(p), dst: qualify(dst) },
          { opId: opId('mv') },
        );
        if (!ok) {
          err(`mv: \`${p}' to \`${dst}': Input/output error`);
          throw new CommandExit(1);
        }
      });
    },
  },
  touchz: {
    usage: '-touchz <path> ...',
    options: [],
    run: async (args, ctx) => {
      const a = parseHadoopArgs(args, { command: '-touchz', options: [] });
      requireOperands('touchz', COMMANDS.touchz!.usage, a.operands, 1);
      return eachPath(ctx, a.operands, async (p) => {
        const existing = await ctx.session.namenode.call('getFileInfo', { src: qualify(p) });
        if (existing?.type === 'DIRECTORY') {
          err(`touchz: \`${p}': Is a directory`);
          throw new CommandExit(1);
        }
        if (existing && existing.length > 0) {
          err(`touchz: \`${p}': Not a zero-length file`);
          throw new CommandExit(1);
        }
        if (existing) return;
        const stream = await ctx.client.create(qualify(p), { overwrite: false, opId: opId('touchz') });
        await stream.close();
      });
    },
  },
  test: {
    usage: '-test -[defsz] <path>',
    options: flags('d', 'e', 'f', 's', 'z'),
    run: async (args, ctx) => {
      const a = parseHadoopArgs(args, { command: '-test', options: flags('d', 'e', 'f', 's', 'z') });
      const which = ['d', 'e', 'f', 's', 'z'].filter((f) => a.options.has(f));
      if (which.length !== 1 || a.operands.length !== 1) {
        throw new UsageError(
          '-test: expects exactly one of -d -e -f -s -z and one path',
          `Usage: lab fs ${COMMANDS.test!.usage}`,
        );
      }
      const status = await ctx.session.namenode.call('getFileInfo', {
        src: qualify(a.operands[0] as string),
      });
      const ok =
        status !== null &&
        (which[0] === 'e' ||
          (which[0] === 'd' && status.type === 'DIRECTORY') ||
          (which[0] === 'f' && status.type === 'FILE') ||
          (which[0] === 's' && status.length > 0) ||
          (which[0] === 'z' && status.length === 0));
      return ok ? 0 : 1;
    },
  },
  stat: {
    usage: '-stat [format] <path> ...',
    options: [],
    run: async (args, ctx) => {
      const a = parseHadoopArgs(args, { command: '-stat', options: [] });
      requireOperands('stat', COMMANDS.stat!.usage, a.operands, 1);
      const [first, ...rest] = a.operands;
      const hasFormat = rest.length > 0 && first !== undefined && first.includes('%');
      const format = hasFormat ? (first as string) : STAT_DEFAULT_FORMAT;
      const paths = hasFormat ? rest : a.operands;
      return eachPath(ctx, paths, async (p) => {
        const status = await stat(ctx, p);
        out(ctx.json ? JSON.stringify(status) : formatStat(format, status));
      });
    },
  },
  setrep: {
    usage: '-setrep [-R] [-w] <rep> <path> ...',
    options: flags('R', 'w'),
    run: async (args, ctx) => {
      const a = parseHadoopArgs(args, { command: '-setrep', options: flags('R', 'w') });
      requireOperands('setrep', COMMANDS.setrep!.usage, a.operands, 2);
      const replication = Number(a.operands[0]);
      if (!Number.isInteger(replication) || replication < 1) {
        throw new UsageError(`-setrep: Illegal replication, a positive integer expected: ${a.operands[0]}`);
      }
      const files: string[] = [];
      const code = await eachPath(ctx, a.operands.slice(1), async (p) => {
        const status = await stat(ctx, p);
        const targets =
          status.type === 'FILE'
            ? [status]
            : (await listRecursive(ctx, status.path)).filter((s) => s.type === 'FILE');
        for (const f of targets) {
          await ctx.session.namenode.call(
            'setReplication',
            { src: f.path, replication },
            { opId: opId('setrep') },
          );
          out(`Replication ${replication} set: ${f.path}`);
          files.push(f.path);
        }
      });
      if (a.options.has('w')) {
        out(`Waiting for ${files.join(', ')} ...`);
        for (const f of files) await waitForReplication(ctx, f, replication);
        out('done');
      }
      return code;
    },
  },
  du: {
    usage: '-du [-s] [-h] [-v] <path> ...',
    options: flags('s', 'h', 'v'),
    run: async (args, ctx) => {
      const a = parseHadoopArgs(args, { command: '-du', options: flags('s', 'h', 'v') });
      const paths = a.operands.length > 0 ? a.operands : ['.'];
      const rows: { path: string; length: number; spaceConsumed: number }[] = [];
      const code = await eachPath(ctx, paths, async (p) => {
        const status = await stat(ctx, p);
        if (a.options.has('s') || status.type === 'FILE') {
          const s = await ctx.session.namenode.call('getContentSummary', { src: status.path });
          rows.push({ path: p, length: s.length, spaceConsumed: s.spaceConsumed });
          return;
        }
        for (const child of (await listAll(ctx.session.namenode, status.path)) ?? []) {
          if (child.type === 'FILE') rows.push(duEntryOfFile(child));
          else {
            const s = await ctx.session.namenode.call('getContentSummary', { src: child.path });
            rows.push({ path: child.path, length: s.length, spaceConsumed: s.spaceConsumed });
          }
        }
      });
      if (ctx.json) printJson(rows);
      else if (rows.length > 0)
        out(formatDu(rows, { human: a.options.has('h'), header: a.options.has('v') }).trimEnd());
      return code;
    },
  },
  count: {
    usage: '-count [-q] [-h] [-v] <path> ...',
    options: flags('q', 'h', 'v'),
    run: async (args, ctx) => {
      const a = parseHadoopArgs(args, { command: '-count', options: flags('q', 'h', 'v') });
      requireOperands('count', COMMANDS.count!.usage, a.operands, 1);
      const rows: Parameters<typeof formatCount>[0][number][] = [];
      const code = await eachPath(ctx, a.operands, async (p) => {
        const status = await stat(ctx, p);
        const s = await ctx.session.namenode.call('getContentSummary', { src: status.path });
        rows.push({ path: p, ...s });
      });
      if (ctx.json) printJson(rows);
      else if (rows.length > 0) {
        out(
          formatCount(rows, {
            quotas: a.options.has('q'),
            human: a.options.has('h'),
            header: a.options.has('v'),
          }).trimEnd(),
        );
      }
      return code;
    },
  },
  df: {
    usage: '-df [-h] [<path> ...]',
    options: flags('h'),
    run: async (args, ctx) => {
      const a = parseHadoopArgs(args, { command: '-df', options: flags('h') });
      const status = await fetchNamenodeStatus(ctx.session, {
        selfId: 'client',
        journal: ctx.session.journal,
      });
      const row = {
        filesystem: ctx.session.config.get('fs.defaultFS'),
        capacity: status.capacity,
        used: status.dfsUsed,
        remaining: status.remaining,
      };
      if (ctx.json) printJson(row);
      else out(formatDf([row], { human: a.options.has('h') }).trimEnd());
      return 0;
    },
  },
  put: copyFromLocalSpec('put'),
  copyFromLocal: copyFromLocalSpec('copyFromLocal'),
  get: copyToLocalSpec('get'),
  copyToLocal: copyToLocalSpec('copyToLocal'),
  cat: {
    usage: '-cat <src> ...',
    options: flags('ignoreCrc'),
    run: async (args, ctx) => {
      const a = parseHadoopArgs(args, { command: '-cat', options: flags('ignoreCrc') });
      requireOperands('cat', COMMANDS.cat!.usage, a.operands, 1);
      return eachPath(ctx, a.operands, async (p) => {
        const status = await stat(ctx, p);
        if (status.type === 'DIRECTORY') throw new RemoteError('IOException', `\`${p}': Is a directory`);
        for await (const chunk of ctx.client.readFile(status.path, { opId: opId('cat') }))
          await writeStdout(chunk);
      });
    },
  },
  checksum: {
    usage: '-checksum [-v] <src> ...',
    options: flags('v'),
    run: async (args, ctx) => {
      const a = parseHadoopArgs(args, { command: '-checksum', options: flags('v') });
      requireOperands('checksum', COMMANDS.checksum!.usage, a.operands, 1);
      return eachPath(ctx, a.operands, async (p) => {
        const status = await stat(ctx, p);
        if (status.type === 'DIRECTORY') throw new RemoteError('IOException', `\`${p}': Is a directory`);
        const checksum = await ctx.client.getFileChecksum(status.path, opId('checksum'));
        if (ctx.json)
          printJson({
            path: p,
            algorithm: checksum?.algorithmName ?? 'NONE',
            bytes: checksum?.bytes.toString('hex') ?? '',
          });
        else out(formatChecksumLine(p, checksum));
      });
    },
  },
  tail: {
    usage: '-tail [-f] <file>',
    options: flags('f'),
    run: async (args, ctx) => {
      const a = parseHadoopArgs(args, { command: '-tail', options: flags('f') });
      requireOperands('tail', COMMANDS.tail!.usage, a.operands, 1);
      return eachPath(ctx, a.operands.slice(0, 1), async (p) => {
        const status = await stat(ctx, p);
        const offset = Math.max(0, status.length - TAIL_BYTES);
        for await (const chunk of ctx.client.readFile(status.path, { offset, opId: opId('tail') }))
          await writeStdout(chunk);
      });
    },
  },
  cp: {
    usage: '-cp [-f] <src> ... <dst>',
    options: flags('f', 'p', 'd'),
    run: async (args, ctx) => {
      const a = parseHadoopArgs(args, { command: '-cp', options: flags('f', 'p', 'd') });
      requireOperands('cp', COMMANDS.cp!.usage, a.operands, 2);
      const dst = a.operands.at(-1) as string;
      const sources = a.operands.slice(0, -1);
      const dstStatus = await ctx.session.namenode.call('getFileInfo', { src: qualify(dst) });
      return eachPath(ctx, sources, async (p) => {
        const status = await stat(ctx, p);
        if (status.type === 'DIRECTORY')
          throw new RemoteError('IOException', `\`${p}': Is a directory (use -get and -put for trees)`);
        const target =
          dstStatus?.type === 'DIRECTORY'
            ? `${dstStatus.path}/${path.posix.basename(status.path)}`
            : qualify(dst);
        await ctx.client.copy(status.path, target, { overwrite: a.options.has('f'), opId: opId('cp') });
      });
    },
  },
};

let opCounter = 0;
/** Operation ids this command created, for `--trace`. */
const createdOps: string[] = [];
/** A per-command operation id, so `lab trace` can group the operation's frames. */
export function opId(kind: string): string {
  const id = `${kind}-${process.pid}-${++opCounter}`;
  createdOps.push(id);
  return id;
}

/** `--trace`: the sequence diagram of each put/get this command ran, from the journal. */
async function printTraces(home: string): Promise<void> {
  const { readJournal } = await import('../../cluster/transport/journal.js');
  const { homePaths } = await import('../../cluster/home/description.js');
  const { findOperation } = await import('../trace/operations.js');
  const { layoutSequence, renderSequenceText } = await import('../trace/diagram.js');
  // The DataNodes write their journal lines at most JOURNAL_FLUSH_INTERVAL_MS after a frame.
  await new Promise((resolve) => setTimeout(resolve, 2 * JOURNAL_FLUSH_INTERVAL_MS));
  const records = readJournal(homePaths(home).journal);
  for (const id of createdOps.filter((op) => /^(put|get|cat|cp)-/.test(op))) {
    const operation = findOperation(records, { op: id });
    if (operation) out(renderSequenceText(layoutSequence(operation)));
  }
}

function writeStdout(chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(chunk)) resolve();
    else process.stdout.once('drain', () => resolve());
  });
}

async function listRecursive(ctx: FsContext, dir: string): Promise<FileStatus[]> {
  const out: FileStatus[] = [];
  for (const entry of (await listAll(ctx.session.namenode, dir)) ?? []) {
    out.push(entry);
    if (entry.type === 'DIRECTORY') out.push(...(await listRecursive(ctx, entry.path)));
  }
  return out;
}

async function waitForReplication(ctx: FsContext, file: string, replication: number): Promise<void> {
  const deadline = Date.now() + SETREP_WAIT_MS;
  for (;;) {
    const located = await ctx.session.namenode.call('getBlockLocations', {
      src: file,
      offset: 0,
      length: 0,
      readerHost: '',
    });
    const short = (located?.blocks ?? []).filter((b) => b.locations.length !== replication);
    if (short.length === 0) return;
    if (Date.now() > deadline) {
      throw new RemoteError(
        'IOException',
        `${file}: ${short.length} block(s) still have a replica count other than ${replication} after ${SETREP_WAIT_MS / 1000} s (see lab fsck ${file} -files -blocks -locations)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, SETREP_POLL_MS));
  }
}

async function put(args: string[], ctx: FsContext, name: string): Promise<number> {
  const a = parseHadoopArgs(args, { command: `-${name}`, options: PUT_FLAGS });
  requireOperands(name, copyFromLocalSpec(name).usage, a.operands, 2);
  const dst = a.operands.at(-1) as string;
  const sources = a.operands.slice(0, -1);
  const dstStatus = await ctx.session.namenode.call('getFileInfo', { src: qualify(dst) });
  if (sources.length > 1 && dstStatus?.type !== 'DIRECTORY') {
    err(`${ctx.name}: \`${dst}': Is not a directory`);
    return 1;
  }
  let code = 0;
  for (const local of sources) {
    const target =
      dstStatus?.type === 'DIRECTORY' ? `${dstStatus.path}/${path.basename(local)}` : qualify(dst);
    let size: number;
    try {
      const st = fs.statSync(local);
      if (st.isDirectory()) {
        err(`${ctx.name}: \`${local}': Is a directory (the lab copies files; put each file)`);
        code = 1;
        continue;
      }
      size = st.size;
    } catch {
      err(`${ctx.name}: \`${local}': No such file or directory`);
      code = 1;
      continue;
    }
    const progress = progressReporter(`put ${path.basename(local)}`, size);
    try {
      await ctx.client.putFile(local, target, {
        overwrite: a.options.has('f'),
        direct: a.options.has('d'),
        opId: opId('put'),
        onProgress: progress.update,
      });
      progress.done();
    } catch (error) {
      progress.done();
      if (error instanceof RemoteError && error.errorClass === 'FileAlreadyExistsException') {
        err(`${ctx.name}: \`${dst}': File exists`);
      } else err(shellError(ctx.name, dst, error));
      code = 1;
    }
  }
  return code;
}

async function get(args: string[], ctx: FsContext, name: string): Promise<number> {
  const a = parseHadoopArgs(args, { command: `-${name}`, options: GET_FLAGS });
  requireOperands(name, copyToLocalSpec(name).usage, a.operands, 2);
  const localDst = a.operands.at(-1) as string;
  const sources = a.operands.slice(0, -1);
  const dstIsDir = fs.existsSync(localDst) && fs.statSync(localDst).isDirectory();
  return eachPath(ctx, sources, async (p) => {
    const status = await stat(ctx, p);
    if (status.type === 'DIRECTORY')
      throw new RemoteError('IOException', `\`${p}': Is a directory (the lab copies files; get each file)`);
    const target = dstIsDir ? path.join(localDst, path.posix.basename(status.path)) : localDst;
    if (!fs.existsSync(path.dirname(path.resolve(target)))) {
      // CommandWithDestination: a destination whose parent is missing is PathNotFoundException.
      err(`${ctx.name}: \`${target}': No such file or directory`);
      throw new CommandExit(1);
    }
    if (fs.existsSync(target) && !a.options.has('f')) {
      err(`${ctx.name}: \`${target}': File exists`);
      throw new CommandExit(1);
    }
    const progress = progressReporter(`get ${path.posix.basename(status.path)}`, status.length);
    try {
      await ctx.client.getFile(status.path, target, {
        overwrite: a.options.has('f'),
        opId: opId('get'),
        onProgress: progress.update,
      });
    } finally {
      progress.done();
    }
  });
}

export function fsUsage(): string {
  return ['Usage: lab fs [generic options]', ...Object.values(COMMANDS).map((c) => `\t[${c.usage}]`)].join(
    '\n',
  );
}

export function registerFs(program: Command): void {
  program
    .command('fs')
    .alias('dfs')
    .description(
      'file system shell: -put -get -cat -tail -ls -mkdir -rm -mv -cp -touchz -test -stat -setrep -du -count -df',
    )
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .argument('[args...]')
    .action(async (args: string[], _opts: unknown, command: Command) => {
      const json = args.includes('--json');
      const trace = args.includes('--trace');
      const rest = args.filter((a) => a !== '--json' && a !== '--trace');
      const sub = rest[0];
      if (!sub || sub === '-help' || sub === '-usage') {
        out(fsUsage());
        if (!sub) throw new CommandExit(1);
        return;
      }
      const name = sub.startsWith('-') ? sub.slice(1) : sub;
      const spec = COMMANDS[name];
      if (!spec) throw new UsageError(`${sub}: Unknown command`, fsUsage());
      const code = await withSession(
        homeOf(command),
        async (session) => {
          const client = new DFSClient({
            session: {
              description: session.description,
              config: session.config,
              journal: session.journal,
              namenode: session.namenode,
            },
          });
          try {
            return await spec.run(rest.slice(1), { session, client, json, name });
          } finally {
            await client.close();
          }
        },
        { on: clientOnOf(command) },
      );
      if (trace) await printTraces(homeOf(command));
      if (code !== 0) throw new CommandExit(code);
    });
}
