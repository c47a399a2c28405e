/**
 * `lab fs -<command> …` — HDFS's FsShell (`hdfs dfs`): the same sub-commands, flags, output
 * shapes and error lines (``ls: `/nope': No such file or directory``). The `lab` process is the
 * HDFS client: metadata goes to the NameNode, block bytes straight to and from DataNodes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { listAll } from '../../cluster/client/listing.js';
import { fetchNamenodeStatus } from '../../cluster/client/namenode-http-client.js';
import { DEFAULT_DIR_MODES, DFSClient } from '../../cluster/client/dfs-client.js';
import { formatChecksumLine } from '../../cluster/client/file-checksum.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import type { FileStatus } from '../../cluster/protocol/types.js';
import { JOURNAL_FLUSH_INTERVAL_MS, SETREP_WAIT_DEADLINE_MS } from '../../cluster/protocol/limits.js';
import type { Command } from '../cli/commander.js';
import { clientOnOf, homeOf } from '../cli/context.js';
import { CommandExit } from '../cli/errors.js';
import { FatalInternalError, popPreserveOption, preserveAttributes } from './fs-preserve.js';
import {
  copiesInParallel,
  copyThreadsOf,
  copyThrough,
  CopyPool,
  type CopyThreads,
} from './fs-copy-threads.js';
import {
  CommandFormatError,
  parseOptionLong,
  parseCommandFormat,
  type HadoopArgs,
  type HadoopOptionSpec,
} from '../cli/hadoop-args.js';
import { GENERIC_USAGE } from '../cli/generic-options.js';
import { registerHadoopCommand } from '../cli/hadoop-command.js';
import { err, out, printJson } from '../cli/output.js';
import { confirmPrompt } from '../cli/confirm.js';
import { progressReporter } from '../cli/progress.js';
import { refusedConnectionText, withSession } from '../cli/session.js';
import { ConnectError } from '../../cluster/transport/rpc-client.js';
import { getQuotaUsage } from '../../cluster/client/quota-usage.js';
import {
  excludeSnapshots,
  formatCount,
  parseStorageTypes,
  type CountEntry,
  type StorageType,
} from '../format/count.js';
import { EXPUNGE, moveToAppropriateTrash } from './fs-trash.js';
import { localSourceStatus, preserveLocalAttributes, writeLocalChecksumFile } from './fs-local-copy.js';
import { GETFATTR, SETFATTR } from './fs-xattr.js';
import { CREATE_SNAPSHOT, DELETE_SNAPSHOT, RENAME_SNAPSHOT } from './fs-snapshot.js';
import { GETFACL, SETFACL } from './fs-acl.js';
import { APPEND_TO_FILE } from './fs-append.js';
import { FIND } from './fs-find.js';
import { RMDIR, TOUCH } from './fs-namespace.js';
import { CHGRP, CHMOD, CHOWN } from './fs-permissions.js';
import { GETMERGE, HEAD, TEXT } from './fs-read.js';
import { TRUNCATE } from './fs-truncate.js';
import { CONCAT } from './fs-concat.js';
import { TEST } from './fs-test.js';
import { formatDf } from '../format/df.js';
import { formatCommandHelp } from '../format/fs-help.js';
import { FS_DESCRIPTIONS, HELP_USAGE } from './fs-descriptions.js';
import { formatDu } from '../format/du.js';
import { formatLs, printableString } from '../format/ls.js';
import { STAT_DEFAULT_FORMAT, formatStat } from '../format/stat.js';
import {
  childDisplay,
  createdOps,
  eachPath,
  fullyQualified,
  PATH_ERRORS,
  PathError,
  flags,
  hasGlob,
  listRecursive,
  opId,
  optionsOf,
  optionsOfUsage,
  qualify,
  remoteOperands,
  shellError,
  stat,
  writeStdout,
  wrongFileSystem,
  wrongFileSystemHint,
  type FsCommandSpec,
  type FsContext,
  type ShownStatus,
} from './fs-command.js';

export { qualify } from './fs-command.js';

/** `-tail` prints the last kilobyte, as FsShell does. */
const TAIL_BYTES = 1024;
/** Tail.followDelay: -f looks for appended data every 5 s unless -s says otherwise. */
const TAIL_FOLLOW_DELAY_MS = 5000;

/** Tail.processOptions: -s (with -f) is a Java long of milliseconds; only a positive one counts. */
function tailFollowDelayMs(a: HadoopArgs): number {
  const text = a.options.get('s')?.[0];
  if (!a.options.has('f') || text === undefined || text === '') return TAIL_FOLLOW_DELAY_MS;
  const ms = parseOptionLong(text);
  return ms > 0 ? ms : TAIL_FOLLOW_DELAY_MS;
}

/**
 * Tail.dumpFromOffset: prints from `offset` (negative: that far before the end, floor 0) to the
 * end of the file as it is now; returns where the next look starts.
 */
async function dumpFromOffset(ctx: FsContext, src: string, offset: number): Promise<number> {
  const length = (await stat(ctx, src)).length;
  if (offset > length) return length;
  const from = offset < 0 ? Math.max(length + offset, 0) : offset;
  if (from === length) return length;
  let at = from;
  for await (const chunk of ctx.client.readFile(src, { offset: from, opId: opId('tail') })) {
    await writeStdout(chunk);
    at += chunk.length;
  }
  return at;
}
const SETREP_POLL_MS = 200;

/** CopyCommands.Put.USAGE. */
const PUT_USAGE =
  '[-f] [-p] [-l] [-d] [-t <thread count>] [-q <thread pool queue size>] <localsrc> ... <dst>';

/** -put and its synonym -copyFromLocal. */
function copyFromLocalSpec(name: string): FsCommandSpec {
  return {
    usage: `-${name} ${PUT_USAGE}`,
    min: 2,
    local: 'sources',
    run: (a, ctx) => put(a, ctx),
  };
}

/** Stat.DESCRIPTION (NEWLINE is the JVM's line separator). */
const STAT_DESCRIPTION = [
  'Print statistics about the file/directory at <path>',
  'in the specified format. Format accepts permissions in',
  'octal (%a) and symbolic (%A), filesize in',
  'bytes (%b), type (%F), group name of owner (%g),',
  'name (%n), block size (%o), replication (%r), user name',
  'of owner (%u), access date (%x, %X).',
  'modification date (%y, %Y).',
  '%x and %y show UTC date as "yyyy-MM-dd HH:mm:ss" and',
  '%X and %Y show milliseconds since January 1, 1970 UTC.',
  'If the format is not specified, %y is used by default.',
  '',
].join('\n');

/** MoveCommands.MoveFromLocal: -put, then each local source is removed once copied. */
const MOVE_FROM_LOCAL: FsCommandSpec = {
  usage: '-moveFromLocal [-f] [-p] [-l] [-d] <localsrc> ... <dst>',
  description:
    "Same as -put, except that the source is deleted after it's copied\nand -t option has not yet implemented.",
  // MoveFromLocal extends CopyFromLocal, whose CommandFormat takes -t and -q; its usage omits them.
  options: optionsOfUsage(`-put ${PUT_USAGE}`),
  min: 2,
  local: 'sources',
  run: (a, ctx) => put(a, ctx, { removeSource: true }),
};

/** MoveCommands.MoveToLocal: Hadoop has never implemented it, and says so (exit 1). */
const MOVE_TO_LOCAL: FsCommandSpec = {
  usage: '-moveToLocal <src> <localdst>',
  local: 'destination',
  description: 'Not implemented yet',
  options: [],
  ignoreUnknownOptions: true,
  run: (_a, ctx) => {
    err(`${ctx.name}: Option '-moveToLocal' is not implemented yet.`);
    return Promise.resolve(1);
  },
};

/** CopyCommands.Get.USAGE (Hadoop 3.3.2 on: -t and -q, HADOOP-17998). */
const GET_USAGE =
  '[-f] [-p] [-crc] [-ignoreCrc] [-t <thread count>] [-q <thread pool queue size>] <src> ... <localdst>';

/** -get and its synonym -copyToLocal. */
function copyToLocalSpec(name: string): FsCommandSpec {
  return {
    usage: `-${name} ${GET_USAGE}`,
    min: 2,
    local: 'destination',
    run: (a, ctx) => get(a, ctx),
  };
}

/**
 * Ls.initialiseOrderComparator: -t newest first (access time with -u), else -S largest first,
 * else by path; -r reverses.
 */
function lsOrder(o: { time: boolean; size: boolean; reverse: boolean; atime: boolean }) {
  const sign = o.reverse ? -1 : 1;
  return (x: ShownStatus, y: ShownStatus): number => {
    if (o.time) {
      const t = (e: ShownStatus): number => (o.atime ? e.status.accessTime : e.status.modificationTime);
      return sign * Math.sign(t(y) - t(x));
    }
    if (o.size) return sign * Math.sign(y.status.length - x.status.length);
    return sign * (x.shown < y.shown ? -1 : x.shown > y.shown ? 1 : 0);
  };
}

const COMMANDS: Record<string, FsCommandSpec> = {
  ls: {
    usage: '-ls [-C] [-d] [-h] [-q] [-R] [-t] [-S] [-r] [-u] [-e] [<path> ...]',
    run: async (a, ctx) => {
      // Ls.processOptions: no path is '.', the home directory, whose entries print as bare names.
      const paths = a.operands.length > 0 ? a.operands : ['.'];
      const has = (f: string): boolean => a.options.has(f);
      const format = { human: has('h'), useAtime: has('u'), pathOnly: has('C'), ecPolicy: has('e') };
      const show = (entries: ShownStatus[], header: boolean): void => {
        if (ctx.json || entries.length === 0) return;
        // Ls -q prints the path through PrintableString (not with -C).
        const shown = (e: ShownStatus): string =>
          has('q') && !has('C') ? printableString(e.shown) : e.shown;
        const rows = entries.map((e) => ({ ...e.status, path: shown(e) }));
        out(formatLs(rows, { ...format, header: header && !has('C') }).trimEnd());
      };
      const listings: FileStatus[] = [];
      const code = await eachPath(ctx, paths, async (p) => {
        const status = await stat(ctx, p);
        if (status.type === 'FILE' || has('d')) {
          listings.push(status);
          show([{ status, shown: p }], false);
          return;
        }
        if (has('R')) {
          // Ls sorts only a plain listing; -R prints each directory's entries as listed.
          const all = await listRecursive(ctx, status.path, p);
          listings.push(...all.map((e) => e.status));
          show(all, false);
          return;
        }
        const entries = ((await listAll(ctx.session.namenode, status.path)) ?? []).map((e) => ({
          status: e,
          shown: childDisplay(p, e.path.slice(e.path.lastIndexOf('/') + 1)),
        }));
        entries.sort(lsOrder({ time: has('t'), size: has('S'), reverse: has('r'), atime: has('u') }));
        listings.push(...entries.map((e) => e.status));
        show(entries, true);
      });
      if (ctx.json) printJson(listings);
      return code;
    },
  },
  mkdir: {
    usage: '-mkdir [-p] <path> ...',
    description:
      'Create a directory in specified location.\n' + '-p: Do not fail if the directory already exists',
    min: 1,
    run: async (a, ctx) => {
      const parents = a.options.has('p');
      return eachPath(ctx, a.operands, async (p) => {
        const src = qualify(p);
        const existing = await ctx.session.namenode.call('getFileInfo', { src });
        if (existing) {
          if (parents && existing.type === 'DIRECTORY') return;
          throw new PathError(p, PATH_ERRORS.exists);
        }
        if (!parents) {
          // Mkdir.processNonexistentPath: PathNotFoundException names the missing parent.
          const parentStatus = await ctx.session.namenode.call('getFileInfo', {
            src: path.posix.dirname(src),
          });
          if (!parentStatus) throw new PathError(parentDisplay(p), PATH_ERRORS.notFound);
          if (parentStatus.type !== 'DIRECTORY')
            throw new PathError(parentDisplay(p), PATH_ERRORS.notDirectory);
        }
        await ctx.session.namenode.call(
          'mkdirs',
          { src, ...DEFAULT_DIR_MODES, createParent: true },
          { opId: opId('mkdir') },
        );
      });
    },
  },
  rm: {
    usage: '-rm [-f] [-r|-R] [-skipTrash] [-safely] <src> ...',
    min: 1,
    run: async (a, ctx) => {
      const recursive = a.options.has('r') || a.options.has('R');
      const force = a.options.has('f');
      return eachPath(
        ctx,
        a.operands,
        async (p) => {
          const src = qualify(p);
          const status = await ctx.session.namenode.call('getFileInfo', { src });
          if (!status) {
            if (force) return;
            throw new PathError(p, PATH_ERRORS.notFound);
          }
          // Rm.processPath: PathIsDirectoryException without -r.
          if (status.type === 'DIRECTORY' && !recursive) throw new PathError(p, PATH_ERRORS.isDirectory);
          // The NameNode never deletes the root (FSDirDeleteOp.deleteAllowed answers false), which
          // Rm reports as a bare PathIOException.
          if (status.path === '/') throw new PathError(p, PATH_ERRORS.io);
          if (!a.options.has('skipTrash') && (await moveToAppropriateTrash(ctx, status.path))) return;
          if (a.options.has('safely') && !(await canBeSafelyDeleted(ctx, src))) return;
          const deleted = await ctx.session.namenode.call('delete', { src, recursive }, { opId: opId('rm') });
          if (deleted === false) throw new PathError(p, PATH_ERRORS.io);
          out(`Deleted ${p}`);
        },
        { ignoreUnmatched: force },
      );
    },
  },
  expunge: EXPUNGE,
  setfattr: SETFATTR,
  getfattr: GETFATTR,
  createSnapshot: CREATE_SNAPSHOT,
  deleteSnapshot: DELETE_SNAPSHOT,
  renameSnapshot: RENAME_SNAPSHOT,
  setfacl: SETFACL,
  getfacl: GETFACL,
  mv: {
    usage: '-mv <src> ... <dst>',
    description:
      'Move files that match the specified file pattern <src> to a destination <dst>.  When moving ' +
      'multiple files, the destination must be a directory.',
    min: 2,
    run: async (a, ctx) => {
      const sources = a.operands.slice(0, -1);
      const dst = await reportedDestination(ctx, a.operands.at(-1) as string, sources.length);
      if (dst === null) return 1;
      return eachPath(ctx, sources, async (p) => {
        const status = await stat(ctx, p);
        const target = targetFor(dst, p);
        checkNotInside(status, p, target);
        if ((await ctx.session.namenode.call('getFileInfo', { src: target.abs })) !== null)
          throw new PathError(target.shown, PATH_ERRORS.exists);
        const ok = await ctx.session.namenode.call(
          'rename',
          { src: qualify(p), dst: target.abs },
          { opId: opId('mv') },
        );
        // MoveCommands.Rename: a refused rename is a PathIOException from src to target.
        if (!ok) throw new PathError(p, PATH_ERRORS.io, { target: target.shown });
      });
    },
  },
  appendToFile: APPEND_TO_FILE,
  truncate: TRUNCATE,
  concat: CONCAT,
  touchz: {
    usage: '-touchz <path> ...',
    description:
      'Creates a file of zero length at <path> with current time as the timestamp of that <path>. ' +
      'An error is returned if the file exists with non-zero length\n',
    min: 1,
    run: async (a, ctx) => {
      return eachPath(ctx, a.operands, async (p) => {
        const existing = await ctx.session.namenode.call('getFileInfo', { src: qualify(p) });
        // Touchz.processPath / processNonexistentPath.
        if (existing?.type === 'DIRECTORY') throw new PathError(p, PATH_ERRORS.isDirectory);
        if (existing && existing.length > 0) throw new PathError(p, 'Not a zero-length file');
        if (existing) return;
        const parent = await ctx.session.namenode.call('getFileInfo', {
          src: path.posix.dirname(qualify(p)),
        });
        if (parent === null)
          throw new PathError(p, PATH_ERRORS.notFound, { fullyQualified: fullyQualified(ctx, p) });
        const stream = await ctx.client.create(qualify(p), { overwrite: false, opId: opId('touchz') });
        await stream.close();
      });
    },
  },
  test: TEST,
  stat: {
    usage: '-stat [format] <path> ...',
    description: STAT_DESCRIPTION,
    options: flags('R'),
    min: 1,
    run: async (a, ctx) => {
      // Stat.processOptions: a first argument with '%' is the format; a path must still follow.
      const hasFormat = (a.operands[0] as string).includes('%');
      const format = hasFormat ? (a.operands[0] as string) : STAT_DEFAULT_FORMAT;
      const paths = hasFormat ? a.operands.slice(1) : a.operands;
      if (paths.length === 0) throw new CommandFormatError('Not enough arguments: expected 1 but got 0');
      const print = (status: FileStatus): void =>
        out(ctx.json ? JSON.stringify(status) : formatStat(format, status));
      return eachPath(ctx, paths, async (p) => {
        const status = await stat(ctx, p);
        print(status);
        // -R: Command.recursePath, each directory's entries after it, depth first.
        if (a.options.has('R') && status.type === 'DIRECTORY')
          for (const entry of await listRecursive(ctx, status.path, p)) print(entry.status);
      });
    },
  },
  setrep: {
    usage: '-setrep [-R] [-w] <rep> <path> ...',
    description:
      'Set the replication level of a file. If <path> is a directory then the command recursively ' +
      'changes the replication factor of all files under the directory tree rooted at <path>. ' +
      'The EC files will be ignored here.\n' +
      '-w: It requests that the command waits for the replication to complete. This can potentially ' +
      'take a very long time.\n' +
      '-R: It is accepted for backwards compatibility. It has no effect.',
    min: 2,
    run: async (a, ctx) => {
      const replication = Number(a.operands[0]);
      if (!Number.isInteger(replication) || replication < 1) {
        throw new CommandFormatError(`Illegal replication, a positive integer expected: ${a.operands[0]}`);
      }
      const files: string[] = [];
      const code = await eachPath(ctx, a.operands.slice(1), async (p) => {
        const status = await stat(ctx, p);
        const targets =
          status.type === 'FILE'
            ? [{ status, shown: p }]
            : (await listRecursive(ctx, status.path, p)).filter((e) => e.status.type === 'FILE');
        for (const f of targets) {
          await ctx.session.namenode.call(
            'setReplication',
            { src: f.status.path, replication },
            { opId: opId('setrep') },
          );
          // SetReplication.processPath prints the path as FsShell names it.
          out(`Replication ${replication} set: ${f.shown}`);
          files.push(f.status.path);
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
    usage: '-du [-s] [-h] [-v] [-x] <path> ...',
    run: async (a, ctx) => {
      const paths = a.operands.length > 0 ? a.operands : ['.'];
      const rows: { path: string; length: number; spaceConsumed: number }[] = [];
      // Du.processPath: one content summary per file or directory shown; -x takes the snapshots' part off.
      const row = async (src: string, shown: string): Promise<void> => {
        let s = await ctx.session.namenode.call('getContentSummary', { src });
        if (a.options.has('x')) s = excludeSnapshots(s);
        rows.push({ path: shown, length: s.length, spaceConsumed: s.spaceConsumed });
      };
      const code = await eachPath(ctx, paths, async (p) => {
        const status = await stat(ctx, p);
        if (a.options.has('s') || status.type === 'FILE') return row(status.path, p);
        for (const child of (await listAll(ctx.session.namenode, status.path)) ?? []) {
          await row(child.path, childDisplay(p, child.path.slice(child.path.lastIndexOf('/') + 1)));
        }
      });
      if (ctx.json) printJson(rows);
      else if (rows.length > 0)
        out(formatDu(rows, { human: a.options.has('h'), header: a.options.has('v') }).trimEnd());
      return code;
    },
  },
  count: {
    usage: '-count [-q] [-h] [-v] [-t [<storage type>]] [-u] [-x] [-e] <path> ...',
    min: 1,
    run: async (a, ctx) => {
      const quotas = a.options.has('q');
      const quotaUsageOnly = a.options.has('u');
      const types = a.options.get('t')?.[0];
      // Count.processOptions: -t counts only with -q or -u; -x is ignored with them, and said so.
      let storageTypes: StorageType[] | undefined;
      let snapshotsExcluded = a.options.has('x');
      if (quotas || quotaUsageOnly) {
        snapshotsExcluded = false;
        if (types !== undefined) {
          try {
            storageTypes = parseStorageTypes(types);
          } catch (error) {
            if (error instanceof RangeError) throw new CommandFormatError(error.message);
            throw error;
          }
        }
        if (a.options.has('x')) out('q or u option is given, the -x option is ignored.');
      }
      const options = {
        quotas,
        human: a.options.has('h'),
        quotaUsageOnly,
        ecPolicy: a.options.has('e'),
        ...(storageTypes === undefined ? {} : { storageTypes }),
      };
      // The header comes first, before any path is looked at (Count.processOptions).
      if (a.options.has('v') && !ctx.json) out(formatCount([], { ...options, header: true }).trimEnd());
      const rows: CountEntry[] = [];
      // Count.processPath: -u and -t print getQuotaUsage's answer, the rest getContentSummary's;
      // -e asks getContentSummary for the policy on top.
      const entryOf = async (src: string, path: string): Promise<CountEntry> => {
        const namenode = ctx.session.namenode;
        if (quotaUsageOnly || storageTypes !== undefined) {
          const usage = await getQuotaUsage(namenode, src);
          if (!options.ecPolicy) return { path, ...usage };
          const { erasureCodingPolicy } = await namenode.call('getContentSummary', { src });
          return { path, ...usage, erasureCodingPolicy };
        }
        const s = await namenode.call('getContentSummary', { src });
        return { path, ...(snapshotsExcluded ? excludeSnapshots(s) : s) };
      };
      const code = await eachPath(ctx, a.operands, async (p) => {
        const status = await stat(ctx, p);
        const entry = await entryOf(status.path, p);
        if (ctx.json) rows.push(entry);
        else out(formatCount([entry], options).trimEnd());
      });
      if (ctx.json) printJson(rows);
      return code;
    },
  },
  df: {
    usage: '-df [-h] [<path> ...]',
    description:
      'Shows the capacity, free and used space of the filesystem. If the filesystem has multiple ' +
      'partitions, and no path to a particular partition is specified, then the status of the root ' +
      'partitions will be shown.\n' +
      '-h: Formats the sizes of files in a human-readable fashion rather than a number of bytes.',
    run: async (a, ctx) => {
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
      // FsUsage.Df: no path is '/'; one row per path that exists (its file system's status).
      const rows: (typeof row)[] = [];
      const code = await eachPath(ctx, a.operands.length > 0 ? a.operands : ['/'], async (p) => {
        await stat(ctx, p);
        rows.push(row);
      });
      if (ctx.json) printJson(a.operands.length > 0 ? rows : row);
      else if (rows.length > 0) out(formatDf(rows, { human: a.options.has('h') }).trimEnd());
      return code;
    },
  },
  chmod: CHMOD,
  chown: CHOWN,
  chgrp: CHGRP,
  rmdir: RMDIR,
  touch: TOUCH,
  head: HEAD,
  text: TEXT,
  find: FIND,
  getmerge: GETMERGE,
  moveFromLocal: MOVE_FROM_LOCAL,
  moveToLocal: MOVE_TO_LOCAL,
  put: copyFromLocalSpec('put'),
  copyFromLocal: copyFromLocalSpec('copyFromLocal'),
  get: copyToLocalSpec('get'),
  copyToLocal: copyToLocalSpec('copyToLocal'),
  cat: {
    // Display.Cat.USAGE.
    usage: '-cat [-ignoreCrc] <src> ...',
    description: 'Fetch all files that match the file pattern <src> and display their content on stdout.\n',
    min: 1,
    run: async (a, ctx) => {
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
    description:
      'Dump checksum information for files that match the file pattern <src> to stdout. Note that ' +
      'this requires a round-trip to a datanode storing each block of the file, and thus is not ' +
      'efficient to run on a large number of files. The checksum of a file depends on its content, ' +
      'block size and the checksum algorithm and parameters used for creating the file.',
    min: 1,
    run: async (a, ctx) => {
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
    usage: '-tail [-f] [-s <sleep interval>] <file>',
    description:
      'Show the last 1KB of the file.\n' +
      '-f:  Shows appended data as the file grows.\n' +
      '-s:  With -f , defines the sleep interval between iterations in milliseconds.\n',
    min: 1,
    max: 1,
    run: async (a, ctx) => {
      const delayMs = tailFollowDelayMs(a);
      // Tail.expandArgument: the path is taken literally, not as a glob.
      const p = a.operands[0] as string;
      try {
        const status = await stat(ctx, p);
        if (status.type === 'DIRECTORY') throw new PathError(p, PATH_ERRORS.isDirectory);
        let offset = await dumpFromOffset(ctx, status.path, -TAIL_BYTES);
        // -f: Tail.processPath follows the file until the command is interrupted.
        while (a.options.has('f')) {
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          offset = await dumpFromOffset(ctx, status.path, offset);
        }
        return 0;
      } catch (error) {
        err(shellError(ctx.name, p, error));
        return 1;
      }
    },
  },
  cp: {
    usage: '-cp [-f] [-p | -p[topax]] [-d] [-t <thread count>] [-q <thread pool queue size>] <src> ... <dst>',
    // Cp's CommandFormat: -f, -d, -t and -q; -p… is taken out before it (popPreserveOption).
    options: [...flags('f', 'd'), { name: 't', values: 1 }, { name: 'q', values: 1 }],
    popOptions: (args) => {
      const { rest, preserve } = popPreserveOption(args);
      const options: Record<string, string> = preserve === '' ? {} : { p: preserve };
      return { rest, options };
    },
    min: 2,
    run: (a, ctx) => cp(a, ctx),
  },
};

/**
 * Cp: each source to the destination, directories recursively; each file's copy is reported on
 * its own and the others go on, through the -t/-q pool when it takes more than one thread. A
 * copied directory's attributes (-p…) are set once its contents are in, deepest first.
 */
async function cp(a: HadoopArgs, ctx: FsContext): Promise<number> {
  const threads = copyThreadsOf(a);
  const sources = a.operands.slice(0, -1);
  const dst = await reportedDestination(ctx, a.operands.at(-1) as string, sources.length);
  if (dst === null) return 1;
  const overwrite = a.options.has('f');
  const preserve = a.options.get('p')?.[0] ?? '';
  // -d: CommandWithDestination.setDirectWrite, no `._COPYING_` first.
  const direct = a.options.has('d');
  const pool = await remoteCopyPool(ctx, threads, sources);
  let failed = false;
  const copyFile = async (from: FileStatus, to: ShownTarget): Promise<void> => {
    try {
      const existing = await ctx.session.namenode.call('getFileInfo', { src: to.abs });
      if (existing?.type === 'DIRECTORY') throw new PathError(to.shown, PATH_ERRORS.isDirectory);
      if (existing && !overwrite) throw new PathError(to.shown, PATH_ERRORS.exists);
      await ctx.client.copy(from.path, to.abs, { overwrite, direct, opId: opId('cp') });
      await preserveAttributes(ctx, { source: from, target: to.abs, preserve });
    } catch (error) {
      err(shellError(ctx.name, to.shown, error));
      failed = true;
    }
  };
  const copy = (from: FileStatus, to: ShownTarget): Promise<void> =>
    copyThrough(pool, () => copyFile(from, to));
  const dirs: Parameters<typeof preserveAttributes>[1][] = [];
  const code = await eachPath(ctx, sources, async (p) => {
    const status = await stat(ctx, p);
    const target = targetFor(dst, p);
    checkNotInside(status, p, target);
    if (status.type === 'FILE') return copy(status, target);
    await mkdirTarget(ctx, target);
    const inside = [{ source: status, target: target.abs, preserve }];
    for (const entry of await listRecursive(ctx, status.path, target.shown)) {
      const to = { abs: target.abs + entry.status.path.slice(status.path.length), shown: entry.shown };
      if (entry.status.type !== 'DIRECTORY') await copy(entry.status, to);
      else {
        await mkdirTarget(ctx, to);
        inside.push({ source: entry.status, target: to.abs, preserve });
      }
    }
    dirs.push(...inside.reverse());
  });
  // CopyCommandWithMultiThread.waitForCompletion, then the directories' attributes.
  await pool?.drain();
  for (const dir of dirs) {
    try {
      await preserveAttributes(ctx, dir);
    } catch (error) {
      err(shellError(ctx.name, dir.target, error));
      failed = true;
    }
  }
  return failed ? 1 : code;
}

/**
 * Rm.canBeSafelyDeleted (-safely): more files under the path than
 * hadoop.shell.safely.delete.limit.num.files (when above 0) asks ToolRunner.confirmPrompt first.
 */
async function canBeSafelyDeleted(ctx: FsContext, src: string): Promise<boolean> {
  const limit = ctx.session.config.int('hadoop.shell.safely.delete.limit.num.files');
  if (limit <= 0) return true;
  const { fileCount } = await ctx.session.namenode.call('getContentSummary', { src });
  if (fileCount <= limit) return true;
  const io = { input: process.stdin, write: (text: string) => process.stderr.write(text) };
  if (await confirmPrompt(`Proceed deleting ${fileCount} files?`, io)) return true;
  err('Delete aborted at user request.\n\n');
  return false;
}

/** A destination path: absolute, as FsShell names it, and what is there now. */
interface ShownTarget {
  abs: string;
  shown: string;
}

interface Destination extends ShownTarget {
  isDirectory: boolean;
}

/**
 * CommandWithDestination.processArguments: with several sources the destination must be an
 * existing directory; with one, it must exist or have a parent (PathNotFoundException with the
 * fully qualified path otherwise) — a missing parent is never created.
 */
async function destination(ctx: FsContext, dst: string, sources: number): Promise<Destination> {
  const abs = qualify(dst);
  const status = await ctx.session.namenode.call('getFileInfo', { src: abs });
  if (status) {
    if (status.type !== 'DIRECTORY' && sources > 1) throw new PathError(dst, PATH_ERRORS.notDirectory);
    return { abs, shown: dst, isDirectory: status.type === 'DIRECTORY' };
  }
  if (sources > 1) throw new PathError(dst, PATH_ERRORS.notFound);
  const parent = await ctx.session.namenode.call('getFileInfo', { src: path.posix.dirname(abs) });
  if (parent === null)
    throw new PathError(dst, PATH_ERRORS.notFound, { fullyQualified: fullyQualified(ctx, dst) });
  if (parent.type !== 'DIRECTORY') throw new PathError(parentDisplay(dst), PATH_ERRORS.notDirectory);
  return { abs, shown: dst, isDirectory: false };
}

/** `destination`, its refusal printed as FsShell prints it (null then: exit 1). */
async function reportedDestination(
  ctx: FsContext,
  dst: string,
  sources: number,
): Promise<Destination | null> {
  try {
    return await destination(ctx, dst, sources);
  } catch (error) {
    err(shellError(ctx.name, dst, error));
    return null;
  }
}

/** Where a source lands: inside a directory destination under its own name, else the destination. */
function targetFor(dst: Destination, source: string): ShownTarget {
  if (!dst.isDirectory) return dst;
  const name = path.posix.basename(source.replace(/\/+$/, '')) || '/';
  return { abs: path.posix.join(dst.abs, name), shown: childDisplay(dst.shown, name) };
}

/** CommandWithDestination: a directory copied or moved into itself is refused. */
function checkNotInside(source: FileStatus, shown: string, target: ShownTarget): void {
  if (source.type !== 'DIRECTORY') return;
  const prefix = source.path.endsWith('/') ? source.path : `${source.path}/`;
  if (target.abs === source.path || target.abs.startsWith(prefix))
    throw new PathError(shown, 'is a subdirectory of itself', { target: target.shown });
}

async function mkdirTarget(ctx: FsContext, target: ShownTarget): Promise<void> {
  const existing = await ctx.session.namenode.call('getFileInfo', { src: target.abs });
  if (existing?.type === 'DIRECTORY') return;
  if (existing) throw new PathError(target.shown, PATH_ERRORS.exists);
  await ctx.session.namenode.call(
    'mkdirs',
    { src: target.abs, ...DEFAULT_DIR_MODES, createParent: false },
    { opId: opId('cp') },
  );
}

/** The parent of a path as typed (`a/b` → `a`, `/x` → `/`, `x` → `.`). */
function parentDisplay(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  if (slash < 0) return '.';
  return slash === 0 ? '/' : trimmed.slice(0, slash);
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

async function waitForReplication(ctx: FsContext, file: string, replication: number): Promise<void> {
  const deadline = Date.now() + SETREP_WAIT_DEADLINE_MS;
  for (;;) {
    const located = await ctx.session.namenode.call('getBlockLocations', {
      src: file,
      offset: 0,
      length: Number.MAX_SAFE_INTEGER,
      readerHost: '',
    });
    const short = (located?.blocks ?? []).filter((b) => b.locations.length !== replication);
    if (short.length === 0) return;
    if (Date.now() > deadline) {
      throw new RemoteError(
        'IOException',
        `${file}: ${short.length} block(s) still have a replica count other than ${replication} after ${SETREP_WAIT_DEADLINE_MS / 1000} s (see lab fsck ${file} -files -blocks -locations)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, SETREP_POLL_MS));
  }
}

/**
 * CopyFromLocal (and MoveFromLocal with `removeSource`): each local source to the destination,
 * directories recursively; each file's copy is reported on its own and the others go on
 * (Command.processPaths), through the -t/-q pool when it takes more than one thread.
 */
async function put(a: HadoopArgs, ctx: FsContext, options: { removeSource?: boolean } = {}): Promise<number> {
  // MoveFromLocal takes -t and -q but copies one file at a time ("-t option has not yet implemented").
  const threads = options.removeSource ? { threads: 1, queueSize: 1 } : copyThreadsOf(a);
  const sources = a.operands.slice(0, -1);
  const dst = await reportedDestination(ctx, a.operands.at(-1) as string, sources.length);
  if (dst === null) return 1;
  const overwrite = a.options.has('f');
  const pool = copiesInParallel(threads, sources.length, isLocalDirectory(sources[0]))
    ? new CopyPool(threads)
    : null;
  let code = 0;
  const report = (shown: string, error: unknown): void => {
    err(shellError(ctx.name, shown, error));
    code = 1;
  };
  const putOne = async (local: string, target: ShownTarget, size: number): Promise<boolean> => {
    try {
      const existing = await ctx.session.namenode.call('getFileInfo', { src: target.abs });
      if (existing?.type === 'DIRECTORY') throw new PathError(target.shown, PATH_ERRORS.isDirectory);
      if (existing && !overwrite) throw new PathError(target.shown, PATH_ERRORS.exists);
      // -p: the source's status as it was before the copy read it (PathData's stat).
      const preserved = a.options.has('p') ? localSourceStatus(local) : undefined;
      const progress = progressReporter(`put ${path.basename(local)}`, size);
      try {
        await ctx.client.putFile(local, target.abs, {
          overwrite,
          direct: a.options.has('d'),
          opId: opId('put'),
          onProgress: progress.update,
        });
      } finally {
        progress.done();
      }
      if (preserved !== undefined) await preserveAttributes(ctx, { ...preserved, target: target.abs });
      return true;
    } catch (error) {
      report(local, error);
      return false;
    }
  };
  const copy = async (local: string, target: ShownTarget, size: number): Promise<boolean> => {
    if (pool === null) return putOne(local, target, size);
    await pool.submit(async () => void (await putOne(local, target, size)));
    return true;
  };
  for (const local of sources) {
    try {
      if (local === '-') {
        await putStdin(a, ctx, dst);
        continue;
      }
      const st = fs.statSync(local);
      const target = targetFor(dst, local);
      if (options.removeSource) {
        // MoveFromLocal.processPath: nothing is moved onto an existing directory.
        const there = await ctx.session.namenode.call('getFileInfo', { src: target.abs });
        if (there?.type === 'DIRECTORY') throw new PathError(target.shown, PATH_ERRORS.exists);
      }
      if (!st.isDirectory()) {
        if ((await copy(local, target, st.size)) && options.removeSource) fs.rmSync(local);
        continue;
      }
      // CommandWithDestination copies a local directory recursively.
      await mkdirTarget(ctx, target);
      let copied = true;
      for (const entry of localTree(local)) {
        const to = {
          abs: path.posix.join(target.abs, entry.relative),
          shown: `${target.shown}/${entry.relative}`,
        };
        if (entry.directory) await mkdirTarget(ctx, to);
        else copied = (await copy(path.join(local, entry.relative), to, entry.size)) && copied;
      }
      // MoveFromLocal.postProcessPath removes each file, then the emptied directory.
      if (options.removeSource && copied) fs.rmSync(local, { recursive: true });
    } catch (error) {
      report(local, error);
    }
  }
  // CopyCommandWithMultiThread.waitForCompletion.
  await pool?.drain();
  return code;
}

/** CopyFromLocal reads standard input for '-' as it arrives (the destination names the file). */
async function putStdin(a: HadoopArgs, ctx: FsContext, dst: Destination): Promise<void> {
  const overwrite = a.options.has('f');
  const existing = await ctx.session.namenode.call('getFileInfo', { src: dst.abs });
  if (existing && !overwrite) throw new PathError(dst.shown, PATH_ERRORS.exists);
  await ctx.client.putStream(process.stdin as AsyncIterable<Buffer>, dst.abs, {
    overwrite,
    direct: a.options.has('d'),
    opId: opId('put'),
  });
}

function isLocalDirectory(local: string | undefined): boolean {
  if (local === undefined || local === '-') return false;
  try {
    return fs.statSync(local).isDirectory();
  } catch {
    return false;
  }
}

/** A local directory's entries, parents before children, sorted by name. */
function localTree(dir: string, prefix = ''): Array<{ relative: string; directory: boolean; size: number }> {
  const out: Array<{ relative: string; directory: boolean; size: number }> = [];
  for (const name of fs.readdirSync(path.join(dir, prefix)).sort()) {
    const relative = prefix === '' ? name : `${prefix}/${name}`;
    const st = fs.statSync(path.join(dir, relative));
    out.push({ relative, directory: st.isDirectory(), size: st.size });
    if (st.isDirectory()) out.push(...localTree(dir, relative));
  }
  return out;
}

/**
 * Get (and CopyToLocal): each source to the local destination, a directory recursively
 * (Get.setRecursive); each file's copy is reported on its own and the others go on, through the
 * -t/-q pool when it takes more than one thread.
 */
async function get(a: HadoopArgs, ctx: FsContext): Promise<number> {
  const threads = copyThreadsOf(a);
  const localDst = a.operands.at(-1) as string;
  const sources = a.operands.slice(0, -1);
  const dstIsDir = fs.existsSync(localDst) && fs.statSync(localDst).isDirectory();
  const overwrite = a.options.has('f');
  const pool = await remoteCopyPool(ctx, threads, sources);
  let failed = false;
  const getOne = async (from: FileStatus, target: string): Promise<void> => {
    const progress = progressReporter(`get ${path.posix.basename(from.path)}`, from.length);
    try {
      if (fs.existsSync(target) && !overwrite) throw new PathError(target, PATH_ERRORS.exists);
      await ctx.client.getFile(from.path, target, {
        overwrite,
        opId: opId('get'),
        onProgress: progress.update,
      });
      if (a.options.has('p')) preserveLocalAttributes(target, from);
      if (a.options.has('crc'))
        writeLocalChecksumFile(target, ctx.session.config.int('file.bytes-per-checksum'));
    } catch (error) {
      err(shellError(ctx.name, target, error));
      failed = true;
    } finally {
      progress.done();
    }
  };
  const code = await eachPath(ctx, sources, async (p) => {
    const status = await stat(ctx, p);
    const target = dstIsDir ? path.join(localDst, path.posix.basename(status.path)) : localDst;
    if (!fs.existsSync(path.dirname(path.resolve(target)))) {
      // CommandWithDestination: a destination whose parent is missing is PathNotFoundException.
      throw new PathError(target, PATH_ERRORS.notFound);
    }
    if (status.type !== 'DIRECTORY') return copyThrough(pool, () => getOne(status, target));
    // A directory: made on the local disk (a file there is PathExistsException), then its
    // entries, depth first, directories before what they hold.
    if (fs.existsSync(target) && !fs.statSync(target).isDirectory())
      throw new PathError(target, PATH_ERRORS.exists);
    fs.mkdirSync(target, { recursive: true });
    for (const entry of await listRecursive(ctx, status.path)) {
      const to = path.join(target, entry.status.path.slice(status.path.length + 1));
      if (entry.status.type === 'DIRECTORY') fs.mkdirSync(to, { recursive: true });
      else await copyThrough(pool, () => getOne(entry.status, to));
    }
  });
  // CopyCommandWithMultiThread.waitForCompletion.
  await pool?.drain();
  return failed ? 1 : code;
}

/**
 * CopyCommandWithMultiThread.isMultiThreadNecessary for sources on HDFS (-cp, -get): a pool when
 * it takes more than one thread and there is more than one file (several arguments, a pattern, or
 * one directory).
 */
async function remoteCopyPool(
  ctx: FsContext,
  threads: CopyThreads,
  sources: string[],
): Promise<CopyPool | null> {
  if (threads.threads <= 1) return null;
  const several = sources.length > 1 || hasGlob(sources[0] as string);
  const first = several
    ? null
    : await ctx.session.namenode.call('getFileInfo', { src: qualify(sources[0] as string) });
  return copiesInParallel(threads, several ? 2 : 1, first?.type === 'DIRECTORY')
    ? new CopyPool(threads)
    : null;
}

/** FsShell's usagePrefix, with the lab's command name for `hadoop fs`. */
const FS_USAGE_PREFIX = 'Usage: lab fs [generic options]';
/** FsShell.run's exit code for a usage error: -1 as a process status. */
const SHELL_USAGE_EXIT = 255;

/** FsShell.Help and FsShell.Usage: run by the dispatcher, listed with the others. */
const INFO_COMMANDS: Record<string, { usage: string; description: string }> = {
  help: { usage: '-help [cmd ...]', description: HELP_USAGE.help },
  usage: { usage: '-usage [cmd ...]', description: HELP_USAGE.usage },
};

/** A command's declaration with its options spelled out (from its usage line unless declared). */
type ResolvedFsCommandSpec = FsCommandSpec & { options: readonly HadoopOptionSpec[] };

/** The declaration of `lab fs -<name>`, if the lab has that command, with its options and DESCRIPTION. */
export function fsCommandSpec(name: string): ResolvedFsCommandSpec | undefined {
  const spec = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (spec === undefined) return undefined;
  const description = spec.description ?? FS_DESCRIPTIONS[name];
  return { ...spec, options: optionsOf(spec), ...(description === undefined ? {} : { description }) };
}

/** Usage and description of every command, sorted by name as CommandFactory.getNames sorts. */
function allCommands(): Array<{ usage: string; description?: string | undefined }> {
  const names = [...Object.keys(COMMANDS), ...Object.keys(INFO_COMMANDS)].sort();
  return names.map((name) => INFO_COMMANDS[name] ?? (fsCommandSpec(name) as FsCommandSpec));
}

export function fsUsage(): string {
  return [FS_USAGE_PREFIX, ...allCommands().map((c) => `\t[${c.usage}]`)].join('\n');
}

/** FsShell.printInfo(-help) with no command: the usages, each command's help, the generic options. */
function fullHelp(): string {
  const helps = allCommands().map((c) =>
    c.description === undefined ? `${c.usage} :` : formatCommandHelp(c.usage, c.description),
  );
  return [fsUsage(), ...helps.map((h) => `\n${h}`), '', GENERIC_USAGE].join('\n');
}

/**
 * FsShell.printInfo for `-usage [cmd ...]` and `-help [cmd ...]`: every usage and the generic
 * options, or the named commands' usage lines (`-usage`) or descriptions (`-help`, where the lab
 * has the command's DESCRIPTION; its usage line otherwise); an unknown name is
 * UnknownCommandException (exit -1).
 */
function printInfo(sub: string, names: string[]): void {
  if (names.length === 0) {
    out(sub === '-usage' ? `${fsUsage()}\n\n${GENERIC_USAGE}` : fullHelp());
    return;
  }
  for (const name of names) {
    const bare = name.replace(/^-/, '');
    const spec = INFO_COMMANDS[bare] ?? fsCommandSpec(bare);
    if (!spec) {
      err(`${sub}: \`${name}': Unknown command`);
      err(`${FS_USAGE_PREFIX} ${sub} [cmd ...]`);
      throw new CommandExit(SHELL_USAGE_EXIT);
    }
    // FsShell.printInstanceHelp for -help, printInstanceUsage for -usage.
    const help = sub !== '-usage' && spec.description !== undefined;
    out(
      help ? formatCommandHelp(spec.usage, spec.description as string) : `${FS_USAGE_PREFIX} ${spec.usage}`,
    );
  }
}

export function registerFs(program: Command): void {
  registerHadoopCommand(program, {
    name: 'fs',
    aliases: ['dfs'],
    description:
      'file system shell as hdfs dfs: -ls -put -get -cat -head -tail -text -mkdir -rm -rmdir -mv -cp -find -chmod -chown -du -df … (lab fs -help)',
    labFlags: ['--json', '--trace'],
    run: async ({ args: rest, json, labFlags, home, command, settings }) => {
      const sub = rest[0];
      if (!sub) {
        // FsShell.run with no arguments: the usage of every command on stderr, exit -1.
        err(`${fsUsage()}\n\n${GENERIC_USAGE}`);
        throw new CommandExit(SHELL_USAGE_EXIT);
      }
      if (sub === '--help') {
        // The lab's --help, as on every lab command: FsShell's own -help.
        printInfo('-help', rest.slice(1));
        return;
      }
      if (sub === '-help' || sub === '-usage') {
        printInfo(sub, rest.slice(1));
        return;
      }
      const spec = sub.startsWith('-') ? fsCommandSpec(sub.slice(1)) : undefined;
      if (!spec) {
        err(`${sub}: Unknown command`);
        if (!sub.startsWith('-') && COMMANDS[sub] !== undefined)
          err(`Did you mean -${sub}?  This command begins with a dash.`);
        throw new CommandExit(SHELL_USAGE_EXIT);
      }
      try {
        const code = await runCommand(spec, rest.slice(1), {
          command,
          json,
          name: sub.slice(1),
          settings: settings(),
        });
        if (labFlags.has('--trace')) await printTraces(home);
        if (code !== 0) throw new CommandExit(code);
      } catch (error) {
        if (error instanceof FatalInternalError) {
          // FsShell.run's catch of anything else: "Fatal internal error", the stack, exit -1.
          err(`${sub}: Fatal internal error\n${error.message}`);
          throw new CommandExit(SHELL_USAGE_EXIT);
        }
        if (!(error instanceof CommandFormatError)) throw error;
        // FsShell.run: an IllegalArgumentException prints `-cmd: message` and the command's usage.
        err(`${sub}: ${error.message}`);
        err(`${FS_USAGE_PREFIX} ${spec.usage}`);
        throw new CommandExit(SHELL_USAGE_EXIT);
      }
    },
  });
}

/** Parses the command's arguments with its own spec and runs it in a session with the cluster. */
async function runCommand(
  spec: ResolvedFsCommandSpec,
  args: string[],
  options: { command: Command; json: boolean; name: string; settings: Record<string, string> },
): Promise<number> {
  const popped = spec.popOptions?.(args) ?? { rest: args, options: {} };
  const parsed = parseCommandFormat(popped.rest, spec);
  for (const [option, value] of Object.entries(popped.options)) parsed.options.set(option, [value]);
  const { command, json, name, settings } = options;
  return refusedAsFsShell(name, () =>
    withSession(
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
        const ctx = { session, client, json, name };
        try {
          // Every hdfs:// argument must name this NameNode before anything runs.
          for (const operand of remoteOperands(spec, parsed.operands)) {
            const wrong = await wrongFileSystem(ctx, operand);
            if (wrong === null) continue;
            err(`${name}: ${wrong}`);
            err(wrongFileSystemHint(ctx));
            return 1;
          }
          return await spec.run(parsed, ctx);
        } finally {
          await client.close();
        }
      },
      { on: clientOnOf(command), settings },
    ),
  );
}

/**
 * FsShell's answer when nothing listens at the NameNode's address: the command's name, the
 * ConnectException as NetUtils.wrapException words it, exit 1 (Command.exitCodeForError).
 */
async function refusedAsFsShell(name: string, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof ConnectError) || error.code !== 'ECONNREFUSED' || !error.target) throw error;
    err(`${name}: ${await refusedConnectionText(error.target)}`);
    return 1;
  }
}
