/**
 * concat without processes: the namespace's side (FSDirConcatOp: the sources' blocks appended to
 * the target's in the order given, the sources deleted, one OP_CONCAT_DELETE; each refusal in
 * Hadoop 3.3's words and order), replay and the fsimage after it, OP_CONCAT_DELETE's bytes
 * (ConcatDeleteOp.writeFields) and `hdfs oev` XML (editsStored.xml's element order), and the
 * NameNode core's safe-mode, permission and replication handling of the RPC.
 */
import { describe, expect, it } from 'vitest';
import { decodeSegment, encodeSegment } from '../../cluster/namenode/editlog/codec.js';
import { editsToXml } from '../../cluster/namenode/editlog/oev.js';
import type { EditLogOp, PendingOp } from '../../cluster/namenode/editlog/ops.js';
import { Namespace } from '../../cluster/namenode/namespace.js';
import { PermissionChecker } from '../../cluster/namenode/permission.js';
import { CLIENT_PROTOCOL_TABLE } from '../../cluster/protocol/registry/client-protocol.js';
import { concatOperands } from '../../lab/commands/fs-concat.js';
import { closedFile, FILE_PERM as PERM, MB, WRITER } from './namespace-files.js';
import { encodedRecord, long, utf } from './edit-record.js';
import { thrown } from './remote-error.js';
import { createRequest, SUPERUSER, testCore } from './namenode-test-core.js';

const RPC_IDS = { clientId: 'cab1aa2d-e08a-4d2f-8216-76e167eccd94', callId: 93 };

const join = (ns: Namespace, target: string, srcs: string[]) =>
  ns.concat(target, srcs, { pc: null, nowMs: 9_000, rpcIds: RPC_IDS });

describe('concat in the namespace', () => {
  it('appends the sources’ blocks in the order given, deletes the sources and logs one OP_CONCAT_DELETE', () => {
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    const t = closedFile(ns, '/d/t', [MB, 10]);
    const b = closedFile(ns, '/d/b', [20]);
    const a = closedFile(ns, '/d/a', [MB, 30]);
    const r = join(ns, '/d/t', ['/d/b', '/d/a']);
    expect(r.ops).toEqual([
      { op: 'OP_CONCAT_DELETE', trg: '/d/t', srcs: ['/d/b', '/d/a'], timestamp: 9_000, rpcIds: RPC_IDS },
    ]);
    // Blocks are relinked, not copied: the same ids, sizes and stamps, a partial block in the middle.
    expect(ns.getBlocks('/d/t')).toEqual([...t, ...b, ...a]);
    expect(r.movedBlocks).toEqual([...b, ...a]);
    expect(ns.resolve('/d/a')).toBeNull();
    expect(ns.resolve('/d/b')).toBeNull();
    expect(ns.getFileInfo('/d/t')).toMatchObject({ length: 2 * MB + 60, modificationTime: 9_000 });
    expect(ns.getFileInfo('/d')).toMatchObject({ modificationTime: 9_000 });
  });

  it('takes an empty target, as Hadoop 3 does (2.x wanted a non-empty one)', () => {
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    closedFile(ns, '/d/t', []);
    const a = closedFile(ns, '/d/a', [5]);
    join(ns, '/d/t', ['/d/a']);
    expect(ns.getBlocks('/d/t')).toEqual(a);
  });

  it('replays OP_CONCAT_DELETE to the same namespace, and the fsimage after it holds the target’s blocks', () => {
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    const log: PendingOp[] = [];
    closedFile(ns, '/d/t', [MB], { log });
    closedFile(ns, '/d/a', [7], { log });
    closedFile(ns, '/d/b', [8], { log });
    log.push(...join(ns, '/d/t', ['/d/a', '/d/b']).ops);
    const replayed = new Namespace({ superuser: 'student', namespaceId: 1 });
    for (const op of log) replayed.applyOp(op);
    expect(replayed.toImage(9)).toEqual(ns.toImage(9));
    const reloaded = Namespace.fromImage(ns.toImage(9));
    expect(reloaded.getBlocks('/d/t')).toEqual(ns.getBlocks('/d/t'));
    expect(reloaded.getListing('/d')?.map((s) => s.path)).toEqual(['/d/t']);
  });

  it('refuses what FSDirConcatOp refuses, in its words', () => {
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    closedFile(ns, '/d/t', [MB]);
    closedFile(ns, '/d/a', [5]);
    closedFile(ns, '/d/empty', []);
    closedFile(ns, '/d/big', [5], { blockSizeBytes: 2 * MB });
    closedFile(ns, '/e/other', [5]);
    ns.mkdirs('/d/sub', { permission: PERM, createParent: true, nowMs: 1 });
    const refusal = (target: string, srcs: string[]) => {
      const e = thrown(() => join(ns, target, srcs));
      return `${e.errorClass}: ${e.message}`;
    };
    expect(refusal('', ['/d/a'])).toBe('IllegalArgumentException: Target file name is empty');
    expect(refusal('/d/t', [])).toBe('IllegalArgumentException: No sources given');
    expect(refusal('/d/none', ['/d/a'])).toBe('FileNotFoundException: File does not exist: /d/none');
    expect(refusal('/d/sub', ['/d/a'])).toBe('FileNotFoundException: Path is not a file: /d/sub');
    expect(refusal('/d/t', ['/d/gone'])).toBe('FileNotFoundException: File does not exist: /d/gone');
    expect(refusal('/d/t', ['/e/other'])).toBe(
      'HadoopIllegalArgumentException: Source file /e/other is not in the same directory with the target /d/t',
    );
    expect(refusal('/d/t', ['/d/t'])).toBe(
      'HadoopIllegalArgumentException: concat: the src file /d/t is the same with the target file /d/t',
    );
    expect(refusal('/d/t', ['/d/empty'])).toBe(
      'HadoopIllegalArgumentException: concat: source file /d/empty is invalid or empty or underConstruction',
    );
    expect(refusal('/d/t', ['/d/big'])).toBe(
      "HadoopIllegalArgumentException: concat: source file /d/big has preferred block size 2097152 which is greater than the target file's preferred block size 1048576",
    );
    expect(refusal('/d/t', ['/d/a', '/d/a'])).toBe(
      'HadoopIllegalArgumentException: concat: at least two of the source files are the same',
    );
    // Nothing changed on the way.
    expect(ns.getBlocks('/d/t')).toHaveLength(1);
    expect(ns.resolve('/d/a')).not.toBeNull();
  });

  it('refuses a target or a source still being written', () => {
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    closedFile(ns, '/d/t', [MB]);
    const open = { permission: PERM, clientName: WRITER, clientMachine: 'h', overwrite: false };
    ns.create('/d/open', { ...open, createParent: true, replication: 1, blockSizeBytes: MB, nowMs: 1 });
    expect(thrown(() => join(ns, '/d/open', ['/d/t'])).message).toBe(
      'concat: target file /d/open is under construction',
    );
    expect(thrown(() => join(ns, '/d/t', ['/d/open'])).message).toBe(
      'concat: source file /d/open is invalid or empty or underConstruction',
    );
  });

  it('refuses a source the latest snapshot holds, but not one made after it', () => {
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    closedFile(ns, '/d/t', [MB]);
    closedFile(ns, '/d/old', [5]);
    ns.allowSnapshot('/d');
    ns.createSnapshot('/d', { name: 's1', nowMs: 5 });
    closedFile(ns, '/d/new', [6]);
    const e = thrown(() => join(ns, '/d/t', ['/d/old']));
    expect(`${e.errorClass}: ${e.message}`).toBe(
      'SnapshotException: Concat: the source file /d/old is in snapshot',
    );
    join(ns, '/d/t', ['/d/new']);
    expect(ns.getFileInfo('/d/t')?.length).toBe(MB + 6);
    // The snapshot still sees the target as it was.
    expect(ns.getFileInfo('/d/.snapshot/s1/t')?.length).toBe(MB);
  });

  it('checks the space quota for the replicas the target’s replication adds', () => {
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    closedFile(ns, '/q/t', [100], { replication: 3 });
    closedFile(ns, '/q/a', [100], { replication: 1 });
    ns.setQuota('/q', { nsQuota: '9223372036854775807', dsQuota: '450' });
    // 300 + 100 used; the source's 100 bytes at replication 3 instead of 1 add 200.
    expect(thrown(() => join(ns, '/q/t', ['/q/a'])).message).toBe(
      'The DiskSpace quota of /q is exceeded: quota = 450 B = 450 B but diskspace consumed = 600 B = 600 B',
    );
  });

  it('checks WRITE on the target, then READ on each source and WRITE on its directory', () => {
    const ns = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
    closedFile(ns, '/d/t', [MB]);
    closedFile(ns, '/d/a', [5]);
    const bob = new PermissionChecker('bob', ['users'], { fsOwner: 'hdfs', supergroup: 'supergroup' });
    const e = thrown(() => ns.concat('/d/t', ['/d/a'], { pc: bob, nowMs: 1 }));
    expect(e.errorClass).toBe('AccessControlException');
    expect(e.message).toContain('access=WRITE, inode="/d/t"');
  });
});

describe('OP_CONCAT_DELETE on disk and in oev', () => {
  const op: EditLogOp = {
    op: 'OP_CONCAT_DELETE',
    txid: 67,
    trg: '/file_concat_target',
    srcs: ['/file_concat_0', '/file_concat_1'],
    timestamp: 1_512_607_197_882,
    rpcIds: RPC_IDS,
  };

  it('writes opcode 16: the target, an ArrayWritable of the sources, the timestamp, the RPC ids', () => {
    const { opcode, body } = encodedRecord(op);
    expect(opcode).toBe(16);
    expect(body.subarray(0, body.length - 16 - 2 - 4)).toEqual(
      Buffer.concat([
        utf('/file_concat_target'),
        Buffer.from([0, 0, 0, 2]), // ArrayWritable's int count
        utf('/file_concat_0'),
        utf('/file_concat_1'),
        long(op.timestamp),
      ]),
    );
    expect(decodeSegment(encodeSegment([op])).ops).toEqual([op]);
  });

  it('prints LENGTH, TRG, TIMESTAMP, SOURCES, then the RPC ids, as editsStored.xml does', () => {
    expect(editsToXml({ layoutVersion: -66, ops: [op] })).toContain(
      [
        '    <OPCODE>OP_CONCAT_DELETE</OPCODE>',
        '    <DATA>',
        '      <TXID>67</TXID>',
        '      <LENGTH>0</LENGTH>',
        '      <TRG>/file_concat_target</TRG>',
        '      <TIMESTAMP>1512607197882</TIMESTAMP>',
        '      <SOURCES>',
        '        <SOURCE1>/file_concat_0</SOURCE1>',
        '        <SOURCE2>/file_concat_1</SOURCE2>',
        '      </SOURCES>',
        '      <RPC_CLIENTID>cab1aa2d-e08a-4d2f-8216-76e167eccd94</RPC_CLIENTID>',
        '      <RPC_CALLID>93</RPC_CALLID>',
        '    </DATA>',
      ].join('\n'),
    );
  });
});

describe('concat in the NameNode core', () => {
  function coreWithFiles() {
    const { core, as } = testCore({});
    const ctx = as(SUPERUSER);
    for (const src of ['/d/t', '/d/a']) {
      core.call('create', createRequest(src, { blockSize: MB }), ctx);
      core.call('complete', { src, clientName: 'c1', last: null, fileId: 0 }, ctx);
    }
    return { core, as };
  }

  it('refuses in safe mode with FSNamesystem’s words', () => {
    const { core, as } = coreWithFiles();
    core.call('setSafeMode', { action: 'SAFEMODE_ENTER' }, as(SUPERUSER));
    const e = thrown(() => core.call('concat', { trg: '/d/t', srcs: ['/d/a'] }, as(SUPERUSER)));
    expect(e.errorClass).toBe('SafeModeException');
    expect(e.message).toMatch(/^Cannot concat \/d\/t\. Name node is in safe mode\./);
  });

  it('checks the caller’s permissions before the files', () => {
    const { core, as } = coreWithFiles();
    const e = thrown(() => core.call('concat', { trg: '/d/t', srcs: ['/d/a'] }, as('bob')));
    expect(e.message).toContain('user=bob, access=WRITE, inode="/d/t"');
  });

  it('carries ConcatRequestProto (trg = 1, repeated srcs = 2) and an empty response', () => {
    const entry = CLIENT_PROTOCOL_TABLE.concat!;
    const req = { trg: '/d/t', srcs: ['/d/a', '/d/b'] };
    const bytes = Buffer.from(entry.encodeRequest(req));
    // Field 1 (tag 0x0a) then field 2 (tag 0x12) once per source, each length-delimited.
    expect(bytes.toString('hex')).toBe(
      Buffer.concat([
        Buffer.from([0x0a, 4]),
        Buffer.from('/d/t'),
        Buffer.from([0x12, 4]),
        Buffer.from('/d/a'),
        Buffer.from([0x12, 4]),
        Buffer.from('/d/b'),
      ]).toString('hex'),
    );
    expect(entry.decodeRequest(bytes)).toEqual(req);
    expect(entry.requestType).toBe('hadoop.hdfs.ConcatRequestProto');
    expect(entry.encodeResponse(null)).toHaveLength(0);
  });
});

describe('lab fs -concat (FsShell Concat)', () => {
  it('wants a target and at least two sources, in Concat.processArguments’ words', () => {
    const usage = '<target path> <src path> <src path> ...';
    expect(thrown(() => concatOperands([])).message).toBe(`Target path not specified. ${usage}`);
    expect(thrown(() => concatOperands(['/d/t', '/d/a'])).message).toBe(
      `The number of source paths is less than 2. ${usage}`,
    );
    expect(concatOperands(['/d/t', '/d/a', '/d/b'])).toEqual({ target: '/d/t', srcs: ['/d/a', '/d/b'] });
  });
});
