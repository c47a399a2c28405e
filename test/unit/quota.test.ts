/**
 * Name and space quotas in the NameNode core, with HDFS's rules and words: setQuota logs
 * OP_SET_QUOTA with the resulting quotas (Long.MAX keeps one, -1 clears it), a create or mkdir past
 * a name quota is NSQuotaExceededException, an addBlock past a space quota is
 * DSQuotaExceededException counting a whole preferred block × replication for the block being
 * written (FSDirWriteFileOp.addBlock), and the quotas survive the edit log and the fsimage.
 */
import { describe, expect, it } from 'vitest';
import { decodeSegment, encodeSegment } from '../../cluster/namenode/editlog/codec.js';
import { editsToXml } from '../../cluster/namenode/editlog/oev.js';
import type { EditLogOp, PendingOp } from '../../cluster/namenode/editlog/ops.js';
import { Namespace } from '../../cluster/namenode/namespace.js';
import { formatCount } from '../../lab/format/count.js';
import { SUPERUSER, testCore } from './namenode-test-core.js';
import { thrown } from './remote-error.js';

const MB = 1_048_576;
const LONG_MAX = '9223372036854775807';
const PERM = { user: 'hdfs', group: 'supergroup', mode: 0o755 };
const CLIENT = 'DFSClient_quota_1';

function fresh(): { ns: Namespace; log: PendingOp[]; keep: (ops: PendingOp[]) => void } {
  const ns = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
  const log: PendingOp[] = [];
  return { ns, log, keep: (ops) => void log.push(...ops) };
}

function createFile(ns: Namespace, path: string, replication = 1): PendingOp[] {
  return ns.create(path, {
    permission: PERM,
    clientName: CLIENT,
    clientMachine: '127.0.0.1',
    overwrite: false,
    createParent: true,
    replication,
    blockSizeBytes: MB,
    nowMs: 1,
  }).ops;
}

describe('setQuota', () => {
  it('logs OP_SET_QUOTA with the quotas after the change (Long.MAX keeps, -1 clears)', () => {
    const { ns, keep, log } = fresh();
    keep(ns.mkdirs('/q', { permission: PERM, createParent: true, nowMs: 1 }));
    keep(ns.setQuota('/q', { nsQuota: '10', dsQuota: LONG_MAX }));
    keep(ns.setQuota('/q', { nsQuota: LONG_MAX, dsQuota: String(3 * MB) }));
    keep(ns.setQuota('/q', { nsQuota: '-1', dsQuota: LONG_MAX }));
    expect(log.slice(1)).toEqual([
      { op: 'OP_SET_QUOTA', src: '/q', nsQuota: '10', dsQuota: '-1' },
      { op: 'OP_SET_QUOTA', src: '/q', nsQuota: '10', dsQuota: '3145728' },
      { op: 'OP_SET_QUOTA', src: '/q', nsQuota: '-1', dsQuota: '3145728' },
    ]);
    expect(ns.setQuota('/q', { nsQuota: LONG_MAX, dsQuota: LONG_MAX })).toEqual([]);
  });

  it("refuses what FSDirAttrOp refuses, in HDFS's words", () => {
    const { ns } = fresh();
    createFile(ns, '/f');
    expect(thrown(() => ns.setQuota('/nope', { nsQuota: '1', dsQuota: LONG_MAX }))).toMatchObject({
      errorClass: 'FileNotFoundException',
      message: 'Directory does not exist: /nope',
    });
    expect(thrown(() => ns.setQuota('/f', { nsQuota: '1', dsQuota: LONG_MAX })).errorClass).toBe(
      'PathIsNotDirectoryException',
    );
    expect(thrown(() => ns.setQuota('/', { nsQuota: '-1', dsQuota: LONG_MAX })).message).toBe(
      'Cannot clear namespace quota on root.',
    );
    expect(thrown(() => ns.setQuota('/', { nsQuota: '-5', dsQuota: LONG_MAX })).message).toBe(
      `Illegal value for nsQuota or ssQuota : -5 and ${LONG_MAX}`,
    );
  });

  it('is superuser-only through the NameNode', () => {
    const { core, as } = testCore();
    core.call('mkdirs', { src: '/q', permission: 0o777, createParent: true }, as(SUPERUSER));
    expect(() => core.call('setQuota', { src: '/q', nsQuota: '3', ssQuota: LONG_MAX }, as('alice'))).toThrow(
      'Access denied for user alice. Superuser privilege is required',
    );
    core.call('setQuota', { src: '/q', nsQuota: '3', ssQuota: LONG_MAX }, as(SUPERUSER));
    expect(core.call('getContentSummary', { src: '/q' }, as(SUPERUSER)).result).toMatchObject({
      quota: 3,
      spaceQuota: -1,
      directoryCount: 1,
    });
  });
});

describe('quota enforcement', () => {
  it('counts the directory itself and everything under it against a name quota', () => {
    const { ns } = fresh();
    ns.mkdirs('/q', { permission: PERM, createParent: true, nowMs: 1 });
    ns.setQuota('/q', { nsQuota: '3', dsQuota: LONG_MAX });
    ns.mkdirs('/q/a', { permission: PERM, createParent: true, nowMs: 1 });
    createFile(ns, '/q/a/f');
    const e = thrown(() => createFile(ns, '/q/g'));
    expect(e.errorClass).toBe('NSQuotaExceededException');
    expect(e.message).toBe(
      'The NameSpace quota (directories and files) of directory /q is exceeded: quota=3 file count=4',
    );
    // mkdir -p of two levels needs two names.
    ns.setQuota('/q', { nsQuota: '4', dsQuota: LONG_MAX });
    expect(
      thrown(() => ns.mkdirs('/q/x/y', { permission: PERM, createParent: true, nowMs: 1 })).message,
    ).toContain('quota=4 file count=5');
    expect(ns.resolve('/q/x')).toBeNull();
  });

  it('reserves a whole block × replication while a block is written (a 1-byte file needs 3 MB at replication 3)', () => {
    const { ns } = fresh();
    ns.mkdirs('/s', { permission: PERM, createParent: true, nowMs: 1 });
    ns.setQuota('/s', { nsQuota: LONG_MAX, dsQuota: String(2 * MB) });
    createFile(ns, '/s/f', 3);
    const e = thrown(() => ns.allocateBlock('/s/f', { clientName: CLIENT, previous: null }));
    expect(e.errorClass).toBe('DSQuotaExceededException');
    expect(e.message).toBe(
      'The DiskSpace quota of /s is exceeded: quota = 2097152 B = 2 MB but diskspace consumed = 3145728 B = 3 MB',
    );
  });

  it('counts the previous block at its final length when the next is allocated', () => {
    const { ns } = fresh();
    ns.mkdirs('/s', { permission: PERM, createParent: true, nowMs: 1 });
    ns.setQuota('/s', { nsQuota: LONG_MAX, dsQuota: String(2 * MB) });
    createFile(ns, '/s/f', 1);
    const first = ns.allocateBlock('/s/f', { clientName: CLIENT, previous: null }).block;
    // 1 MiB block written in full + a new reserved block = 2 MiB: within the quota.
    const second = ns.allocateBlock('/s/f', {
      clientName: CLIENT,
      previous: { ...first, numBytes: MB },
    }).block;
    expect(() =>
      ns.allocateBlock('/s/f', { clientName: CLIENT, previous: { ...second, numBytes: MB } }),
    ).toThrow('diskspace consumed = 3145728 B = 3 MB');
  });
});

describe('quotas on disk and on screen', () => {
  it('prints OP_SET_QUOTA as hdfs oev does', () => {
    const op = { op: 'OP_SET_QUOTA', txid: 5, src: '/q', nsQuota: '10', dsQuota: '-1' } as EditLogOp;
    const xml = editsToXml(decodeSegment(encodeSegment([op])));
    expect(xml).toContain(
      [
        '    <OPCODE>OP_SET_QUOTA</OPCODE>',
        '    <DATA>',
        '      <TXID>5</TXID>',
        '      <SRC>/q</SRC>',
        '      <NSQUOTA>10</NSQUOTA>',
        '      <DSQUOTA>-1</DSQUOTA>',
        '    </DATA>',
      ].join('\n'),
    );
  });

  it('keeps quotas through the fsimage and through edit-log replay', () => {
    const { ns, log, keep } = fresh();
    keep(ns.mkdirs('/q', { permission: PERM, createParent: true, nowMs: 1 }));
    keep(ns.setQuota('/q', { nsQuota: '7', dsQuota: String(MB) }));
    expect(Namespace.fromImage(ns.toImage(10)).quotaOf('/q')).toEqual({ nsQuota: '7', dsQuota: '1048576' });
    const replayed = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
    for (const op of log) replayed.applyOp(op);
    expect(replayed.quotaOf('/q')).toEqual({ nsQuota: '7', dsQuota: '1048576' });
  });

  it("shows the root's Long.MAX name quota exactly in -count -q", () => {
    const text = formatCount(
      [{ path: '/', directoryCount: 3, fileCount: 2, length: 4, quota: Number(LONG_MAX), spaceQuota: -1 }],
      { quotas: true, human: false },
    );
    expect(text).toBe(
      `${LONG_MAX} 9223372036854775802            none             inf            3            2                  4 /\n`,
    );
  });
});

describe('quotas on rename (FSDirectory.verifyQuotaForRename)', () => {
  it("refuses a move that takes the destination's directory over its name quota, in NSQuotaExceededException's words", () => {
    const { ns } = fresh();
    ns.mkdirs('/q', { permission: PERM, createParent: true, nowMs: 1 });
    ns.mkdirs('/src/d', { permission: PERM, createParent: true, nowMs: 1 });
    createFile(ns, '/src/d/f');
    ns.setQuota('/q', { nsQuota: '2', dsQuota: LONG_MAX });
    // /q counts itself (1); /src/d brings 2 more names: 3 > 2.
    const e = thrown(() => ns.rename('/src/d', '/q/d', { nowMs: 2 }));
    expect(e.errorClass).toBe('NSQuotaExceededException');
    expect(e.message).toBe(
      'The NameSpace quota (directories and files) of directory /q is exceeded: quota=2 file count=3',
    );
    expect(() => ns.renameTo('/src/d', '/q/d', { options: [], nowMs: 2 })).toThrow('quota=2 file count=3');
    // A single file fits, and a rename inside /q changes nothing /q counts.
    expect(ns.rename('/src/d/f', '/q/f', { nowMs: 3 }).ok).toBe(true);
    expect(ns.rename('/q/f', '/q/g', { nowMs: 4 }).ok).toBe(true);
  });

  it('counts the moved bytes × replication against a space quota, less what an overwrite replaces', () => {
    const { ns } = fresh();
    createFile(ns, '/q/old', 1);
    ns.allocateBlock('/q/old', { clientName: CLIENT, previous: null }); // reserves 1 MiB × 1
    createFile(ns, '/big', 3);
    ns.allocateBlock('/big', { clientName: CLIENT, previous: null }); // reserves 1 MiB × 3
    ns.setQuota('/q', { nsQuota: LONG_MAX, dsQuota: String(3 * MB) });
    const e = thrown(() => ns.renameTo('/big', '/q/big', { options: [], nowMs: 2 }));
    expect(e.errorClass).toBe('DSQuotaExceededException');
    expect(e.message).toBe(
      'The DiskSpace quota of /q is exceeded: quota = 3145728 B = 3 MB but diskspace consumed = 4194304 B = 4 MB',
    );
    // Replacing /q/old frees its 1 MiB: 1 + 3 - 1 = 3 MiB fits.
    expect(ns.renameTo('/big', '/q/old', { options: ['OVERWRITE'], nowMs: 3 })[0]?.op).toBe('OP_RENAME');
  });
});
