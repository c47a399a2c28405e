import { describe, expect, it } from 'vitest';
import type { FileStatus } from '../../cluster/protocol/types.js';
import { formatLs, printableString } from '../../lab/format/ls.js';
import { formatStat } from '../../lab/format/stat.js';

function status(over: Partial<FileStatus>): FileStatus {
  return {
    path: '/data/a.txt',
    pathSuffix: 'a.txt',
    type: 'FILE',
    length: 30,
    owner: 'student',
    group: 'supergroup',
    permission: 0o644,
    replication: 3,
    blockSize: 134217728,
    modificationTime: Date.UTC(2025, 0, 6, 10, 3, 7),
    accessTime: Date.UTC(2025, 0, 6, 10, 3, 5),
    fileId: 16387,
    childrenNum: 0,
    ...over,
  };
}

const dir = status({
  path: '/data/in',
  pathSuffix: 'in',
  type: 'DIRECTORY',
  length: 0,
  permission: 0o755,
  replication: 0,
  blockSize: 0,
  modificationTime: Date.UTC(2025, 0, 6, 10, 2),
});

describe('hdfs dfs -ls', () => {
  it('matches the Hadoop listing shape', () => {
    expect(formatLs([dir, status({})], { header: true, human: false })).toBe(
      'Found 2 items\n' +
        'drwxr-xr-x   - student supergroup          0 2025-01-06 10:02 /data/in\n' +
        '-rw-r--r--   3 student supergroup         30 2025-01-06 10:03 /data/a.txt\n',
    );
  });
  it('-e adds the erasure coding policy column after the group (Ls.adjustColumnWidths: %-maxECs)', () => {
    // ContentSummaryComputationContext.getErasureCodingPolicyName: "Replicated" for a replicated
    // file; "" for a directory with no policy up to the root, padded to the column's width.
    expect(formatLs([dir, status({})], { header: true, human: false, ecPolicy: true })).toBe(
      'Found 2 items\n' +
        'drwxr-xr-x   - student supergroup ' +
        ' '.repeat(11) +
        '         0 2025-01-06 10:02 /data/in\n' +
        '-rw-r--r--   3 student supergroup Replicated         30 2025-01-06 10:03 /data/a.txt\n',
    );
    // A listing of directories alone has an empty column: "%s", no padding and no space.
    expect(formatLs([dir], { header: false, human: false, ecPolicy: true })).toBe(
      'drwxr-xr-x   - student supergroup          0 2025-01-06 10:02 /data/in\n',
    );
  });
  it('computes widths over the listing and prints nothing for an empty directory', () => {
    const big = status({ path: '/b', length: 12345678901, owner: 'hdfs', group: 'g', replication: 10 });
    expect(
      formatLs([big, status({ path: '/c', owner: 'bob', group: 'staff' })], { header: false, human: false }),
    ).toBe(
      '-rw-r--r--  10 hdfs g     12345678901 2025-01-06 10:03 /b\n' +
        '-rw-r--r--   3 bob  staff          30 2025-01-06 10:03 /c\n',
    );
    expect(formatLs([], { header: true, human: false })).toBe('');
  });
  it('-h prints binary prefixes, the sticky bit shows as t', () => {
    const tmp = { ...dir, path: '/tmp', permission: 0o1777 };
    expect(formatLs([status({ length: 1536 }), tmp], { header: true, human: true })).toBe(
      'Found 2 items\n' +
        '-rw-r--r--   3 student supergroup      1.5 K 2025-01-06 10:03 /data/a.txt\n' +
        'drwxrwxrwt   - student supergroup          0 2025-01-06 10:02 /tmp\n',
    );
  });
});

describe('hdfs dfs -stat', () => {
  it('prints the reference example', () => {
    expect(formatStat('%b %o %r %u %n', status({}))).toBe('30 134217728 3 student a.txt\n');
  });
  it('supports every letter', () => {
    expect(formatStat('%a|%A|%F|%g|%x|%X|%y|%Y', status({}))).toBe(
      '644|rw-r--r--|regular file|supergroup|2025-01-06 10:03:05|1736157785000|2025-01-06 10:03:07|1736157787000\n',
    );
    expect(formatStat('%F %a %r %o', dir)).toBe('directory 755 0 0\n');
  });
  it('default %y, unknown letters print themselves, a trailing % is dropped', () => {
    expect(formatStat('%y', status({}))).toBe('2025-01-06 10:03:07\n');
    expect(formatStat('%c-%q%', status({}))).toBe('c-q\n');
  });
});

describe('-ls -q (PrintableString)', () => {
  it('prints ? for control, format, private-use and unassigned code points, nothing else', () => {
    expect(printableString('a\tb\u0007c')).toBe('a?b?c');
    expect(printableString('zero\u200bwidth')).toBe('zero?width');
    expect(printableString('\ue000x')).toBe('?x');
    expect(printableString('caf\u00e9 \u6587')).toBe('caf\u00e9 \u6587');
  });
});
