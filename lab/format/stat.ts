/**
 * `hdfs dfs -stat [format] <path>` (Stat.java). Letters: %a %A %b %F %g %n %o %r %u %x %X %y %Y;
 * any other letter prints itself, a trailing lone % is dropped. Default format `%y`.
 */
import { isoSecondsUtc } from '../../cluster/common/java-date.js';
import type { FileStatus } from '../../cluster/protocol/types.js';
import { pathName, permissionOctal, permissionSymbolic } from './permission.js';

export const STAT_DEFAULT_FORMAT = '%y';

function letter(c: string, s: FileStatus): string {
  switch (c) {
    case 'a':
      return permissionOctal(s.permission);
    case 'A':
      return permissionSymbolic(s.permission);
    case 'b':
      return String(s.length);
    case 'F':
      return s.type === 'DIRECTORY' ? 'directory' : 'regular file';
    case 'g':
      return s.group;
    case 'n':
      return pathName(s.path);
    case 'o':
      return String(s.blockSize);
    case 'r':
      return String(s.replication);
    case 'u':
      return s.owner;
    case 'x':
      return isoSecondsUtc(s.accessTime);
    case 'X':
      return String(s.accessTime);
    case 'y':
      return isoSecondsUtc(s.modificationTime);
    case 'Y':
      return String(s.modificationTime);
    default:
      return c;
  }
}

/** Returns the stdout line for one path, newline included. */
export function formatStat(format: string, status: FileStatus): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      out += c;
    } else if (i + 1 < format.length) {
      i++;
      out += letter(format[i]!, status);
    }
  }
  return `${out}\n`;
}
