/**
 * `lab fs -rmdir` (Delete.Rmdir) and `-touch` (TouchCommands.Touch): small namespace changes with
 * FsShell's checks and messages.
 */
import path from 'node:path';
import { listAll } from '../../cluster/client/listing.js';
import { CommandFormatError } from '../cli/hadoop-args.js';
import {
  eachPath,
  fullyQualified,
  opId,
  PATH_ERRORS,
  PathError,
  qualify,
  stat,
  type FsCommandSpec,
} from './fs-command.js';

export const RMDIR: FsCommandSpec = {
  usage: '-rmdir [--ignore-fail-on-non-empty] <dir> ...',
  description: 'Removes the directory entry specified by each directory argument, provided it is empty.\n',
  min: 1,
  run: async (a, ctx) =>
    eachPath(ctx, a.operands, async (p) => {
      const status = await stat(ctx, p);
      if (status.type !== 'DIRECTORY') throw new PathError(p, PATH_ERRORS.notDirectory);
      const children = (await listAll(ctx.session.namenode, status.path)) ?? [];
      if (children.length > 0) {
        if (a.options.has('-ignore-fail-on-non-empty')) return;
        throw new PathError(p, PATH_ERRORS.notEmpty);
      }
      const deleted = await ctx.session.namenode.call(
        'delete',
        { src: status.path, recursive: false },
        { opId: opId('rmdir') },
      );
      if (deleted === false) throw new PathError(p, PATH_ERRORS.io);
    }),
};

/** Touch's SimpleDateFormat pattern, in the client's time zone. */
const TOUCH_TIMESTAMP = /^(\d{4})(\d{2})(\d{2}):(\d{2})(\d{2})(\d{2})$/;

/** Parses `-t yyyyMMdd:HHmmss` as local time; Touch's IllegalArgumentException text otherwise. */
export function parseTouchTimestamp(text: string): number {
  const m = TOUCH_TIMESTAMP.exec(text);
  if (m) {
    const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as number[];
    return new Date(year!, month! - 1, day, hour, minute, second).getTime();
  }
  throw new CommandFormatError(
    `Unable to parse the specified timestamp ${text}. The expected format is yyyyMMdd:HHmmss`,
  );
}

export const TOUCH: FsCommandSpec = {
  usage: '-touch [-a] [-m] [-t TIMESTAMP (yyyyMMdd:HHmmss) ] [-c] <path> ...',
  description:
    'Updates the access and modification times of the file specified by the <path> to the current ' +
    'time. If the file does not exist, then a zero length file is created at <path> with current ' +
    'time as the timestamp of that <path>.\n' +
    '-a Change only the access time \n' +
    '-m Change only the modification time \n' +
    '-t TIMESTAMP Use specified timestamp instead of current time\n' +
    ' TIMESTAMP format yyyyMMdd:HHmmss\n' +
    '-c Do not create any files',
  min: 1,
  run: async (a, ctx) => {
    const timestamp = a.options.get('t')?.[0];
    const onlyAccess = a.options.has('a');
    const onlyModification = a.options.has('m');
    const setTimes = async (src: string): Promise<void> => {
      const time = timestamp === undefined ? Date.now() : parseTouchTimestamp(timestamp);
      // Touch.updateTime: -a or -m alone leaves the other time (-1); both or neither set both.
      const one = onlyAccess !== onlyModification;
      const mtime = one && onlyAccess ? -1 : time;
      const atime = one && onlyModification ? -1 : time;
      await ctx.session.namenode.call('setTimes', { src, mtime, atime }, { opId: opId('touch') });
    };
    return eachPath(ctx, a.operands, async (p) => {
      const src = qualify(p);
      if ((await ctx.session.namenode.call('getFileInfo', { src })) !== null) return setTimes(src);
      if ((await ctx.session.namenode.call('getFileInfo', { src: path.posix.dirname(src) })) === null)
        throw new PathError(p, PATH_ERRORS.notFound, { fullyQualified: fullyQualified(ctx, p) });
      if (a.options.has('c')) return;
      const stream = await ctx.client.create(src, { overwrite: false, opId: opId('touch') });
      await stream.close();
      if (timestamp !== undefined) await setTimes(src);
    });
  },
};
