import { describe, expect, it } from 'vitest';
import { formatCount, parseStorageTypes } from '../../lab/format/count.js';
import { formatDf } from '../../lab/format/df.js';
import { formatDu } from '../../lab/format/du.js';
import { safemodeGetLine } from '../../lab/format/safemode.js';
import { safemodeTip } from '../../cluster/namenode/safemode-tip.js';

describe('hdfs dfs -du', () => {
  it('left-aligns size and space consumed, two spaces apart', () => {
    const rows = [
      { path: '/data/a.txt', length: 30, spaceConsumed: 90 },
      { path: '/data/big', length: 3145728, spaceConsumed: 9437184 },
    ];
    expect(formatDu(rows, { human: false })).toBe(
      '30       90       /data/a.txt\n3145728  9437184  /data/big\n',
    );
    expect(formatDu(rows, { human: true })).toBe('30   90   /data/a.txt\n3 M  9 M  /data/big\n');
    expect(formatDu(rows.slice(0, 1), { human: false, header: true })).toBe(
      'SIZE  DISK_SPACE_CONSUMED_WITH_ALL_REPLICAS  FULL_PATH_NAME\n' +
        '30    90                                     /data/a.txt\n',
    );
  });
});

describe('hdfs dfs -df', () => {
  it('right-aligns the numbers and prints Use% without decimals', () => {
    const row = {
      filesystem: 'hdfs://127.0.0.1:8020',
      capacity: 19945680896,
      used: 49152,
      remaining: 12856524800,
    };
    expect(formatDf([row], { human: false })).toBe(
      'Filesystem                    Size   Used    Available  Use%\n' +
        'hdfs://127.0.0.1:8020  19945680896  49152  12856524800    0%\n',
    );
    expect(formatDf([row], { human: true })).toBe(
      'Filesystem               Size  Used  Available  Use%\n' +
        'hdfs://127.0.0.1:8020  18.6 G  48 K     12.0 G    0%\n',
    );
  });
});

describe('hdfs dfs -count', () => {
  const entry = { path: '/data', directoryCount: 2, fileCount: 1, length: 30, spaceConsumed: 90 };
  it('uses ContentSummary widths %12s %12s %18s', () => {
    expect(formatCount([entry], { quotas: false, human: false })).toBe(
      '           2            1                 30 /data\n',
    );
    expect(formatCount([entry], { quotas: false, human: false, header: true }).split('\n')[0]).toBe(
      '   DIR_COUNT   FILE_COUNT       CONTENT_SIZE PATHNAME',
    );
  });
  it('-u prints QuotaUsage.getQuotaUsage alone, -e adds the policy column (Count, QuotaUsage)', () => {
    const quotaOnly = { quotas: false, human: false, quotaUsageOnly: true };
    expect(formatCount([{ ...entry, quota: 10 }], quotaOnly)).toBe(
      '          10               7            none             inf /data\n',
    );
    // QuotaUsage.getHeader, then Count's "ERASURECODING_POLICY " and "PATHNAME".
    expect(formatCount([], { ...quotaOnly, header: true, ecPolicy: true })).toBe(
      '       QUOTA       REM_QUOTA     SPACE_QUOTA REM_SPACE_QUOTA ERASURECODING_POLICY PATHNAME\n',
    );
    // Count.processPath: "EC:" before any policy name but ErasureCodeConstants.REPLICATION_POLICY_NAME,
    // so a file prints "Replicated" and a directory without a policy ("") prints "EC:" alone.
    const file = { ...entry, path: '/data/a', directoryCount: 0, erasureCodingPolicy: 'Replicated' };
    expect(formatCount([file], { quotas: false, human: false, ecPolicy: true })).toBe(
      '           0            1                 30 Replicated /data/a\n',
    );
    expect(
      formatCount([{ ...entry, erasureCodingPolicy: '' }], { quotas: false, human: false, ecPolicy: true }),
    ).toBe('           2            1                 30 EC: /data\n');
  });
  it('-t prints STORAGE_TYPE_SUMMARY_FORMAT %13s %17s per type, all types for "" or all', () => {
    expect(parseStorageTypes('')).toEqual(['SSD', 'DISK', 'ARCHIVE', 'PROVIDED']);
    expect(parseStorageTypes('ALL')).toEqual(parseStorageTypes(''));
    expect(parseStorageTypes('disk,ssd')).toEqual(['DISK', 'SSD']);
    // StorageType.valueOf's IllegalArgumentException.
    expect(() => parseStorageTypes('tape')).toThrow('No enum constant org.apache.hadoop.fs.StorageType.TAPE');
    const byType = { quotas: true, human: false, storageTypes: parseStorageTypes('disk') };
    expect(formatCount([entry], { ...byType, header: true })).toBe(
      '   DISK_QUOTA    REM_DISK_QUOTA PATHNAME\n         none               inf /data\n',
    );
  });
  it('-q prints none/inf without quotas and the remainders with them', () => {
    expect(formatCount([entry], { quotas: true, human: false })).toBe(
      '        none             inf            none             inf            2            1                 30 /data\n',
    );
    expect(formatCount([{ ...entry, quota: 10, spaceQuota: 1048576 }], { quotas: true, human: true })).toBe(
      '          10               7             1 M        1023.9 K            2            1                 30 /data\n',
    );
  });
});

describe('safe mode texts', () => {
  const base = { blockTotal: 10, thresholdPct: 0.999, minDatanodes: 0, numLiveDatanodes: 3 };
  it('waiting for blocks', () => {
    expect(safemodeTip({ ...base, blockSafe: 4, status: 'PENDING_THRESHOLD' })).toBe(
      'The reported blocks 4 needs additional 5 blocks to reach the threshold 0.9990 of total blocks 10.\n' +
        'The minimum number of live datanodes is not required. ' +
        'Safe mode will be turned off automatically once the thresholds have been reached.',
    );
  });
  it('in the extension, with a datanode minimum', () => {
    expect(
      safemodeTip({
        ...base,
        blockSafe: 10,
        minDatanodes: 2,
        status: 'EXTENSION',
        msToLeaveExtension: 29_500,
      }),
    ).toBe(
      'The reported blocks 10 has reached the threshold 0.9990 of total blocks 10. ' +
        'The number of live datanodes 3 has reached the minimum number 2. ' +
        'In safe mode extension. Safe mode will be turned off automatically in 29 seconds.',
    );
    expect(safemodeTip({ ...base, blockSafe: 10, minDatanodes: 4, status: 'PENDING_THRESHOLD' })).toContain(
      'The number of live datanodes 3 needs an additional 1 live datanodes to reach the minimum number 4.\n',
    );
  });
  it('manual safe mode and the get line', () => {
    expect(safemodeTip({ ...base, blockSafe: 0, status: 'OFF', manual: true })).toBe(
      'It was turned on manually. Use "hdfs dfsadmin -safemode leave" to turn safe mode off.',
    );
    expect(safemodeGetLine(true)).toBe('Safe mode is ON');
    expect(safemodeGetLine(false)).toBe('Safe mode is OFF');
  });
});
