/**
 * Issue 15 defect 2: a mistyped parameter is refused before the NameNode core changes anything,
 * so every op the core does apply can be written to the edit log.
 */
import { describe, expect, it } from 'vitest';
import { encodeOp } from '../../cluster/namenode/editlog/codec.js';
import type { EditLogOp } from '../../cluster/namenode/editlog/ops.js';
import { createRequest, SUPERUSER, testCore } from './namenode-test-core.js';
import { thrown } from './remote-error.js';

/** Every op of a call must be writable: the codec takes it once it has a txid. */
function expectEncodable(ops: readonly object[]): void {
  ops.forEach((op, i) => expect(() => encodeOp({ ...op, txid: i + 2 } as EditLogOp)).not.toThrow());
}

describe('NameNode request checks', () => {
  it('refuses mkdirs with permission 99999 and changes nothing', () => {
    const { core, as } = testCore();
    const err = thrown(() =>
      core.call('mkdirs', { src: '/bad', permission: 99999, createParent: true }, as(SUPERUSER)),
    );
    expect(err.errorClass).toBe('HadoopIllegalArgumentException');
    expect(err.message).toContain('mkdirs: permission must be a permission from 0 to 07777');
    expect(err.message).toContain('got 99999 (0303237)');
    expect(core.call('getFileInfo', { src: '/bad' }, as(SUPERUSER)).result).toBeNull();
  });

  it('refuses setReplication with the string "2" and keeps the file as it was', () => {
    const { core, as } = testCore();
    const ctx = as(SUPERUSER);
    core.call(
      'create',
      {
        src: '/f',
        permission: 0o644,
        clientName: 'c1',
        clientMachine: '',
        overwrite: false,
        createParent: true,
        replication: 3,
        blockSize: 134_217_728,
      },
      ctx,
    );
    const err = thrown(() =>
      core.call('setReplication', { src: '/f', replication: '2' as unknown as number }, ctx),
    );
    expect(err.message).toBe('setReplication: replication must be an integer from -32768 to 32767, got "2"');
    expect(core.call('getFileInfo', { src: '/f' }, ctx).result?.replication).toBe(3);
    // The next mutation is taken and can be logged.
    const next = core.call('setReplication', { src: '/f', replication: 2 }, ctx);
    expect(next.result).toBe(true);
    expectEncodable(next.ops);
  });

  it("takes the Go client's ModeDir bit off a permission", () => {
    const { core, as } = testCore();
    const out = core.call(
      'mkdirs',
      { src: '/go', permission: 0x8000_0000 + 0o755, createParent: true },
      as(SUPERUSER),
    );
    expectEncodable(out.ops);
    expect(core.call('getFileInfo', { src: '/go' }, as(SUPERUSER)).result?.permission).toBe(0o755);
  });

  it('refuses a block size that is not a multiple of dfs.bytes-per-checksum', () => {
    const { core, as } = testCore();
    const err = thrown(() =>
      core.call('create', createRequest('/odd', { blockSize: 1_048_577 }), as(SUPERUSER)),
    );
    expect(err.message).toContain('blockSize must be a multiple of dfs.bytes-per-checksum (512)');
  });

  it("answers a too-small block size with HDFS's min-block-size message", () => {
    const { core, as } = testCore();
    const err = thrown(() => core.call('create', createRequest('/small', { blockSize: 512 }), as(SUPERUSER)));
    expect(err.message).toBe(
      'Specified block size is less than configured minimum value (dfs.namenode.fs-limits.min-block-size): 512 < 1048576',
    );
  });

  it('refuses replication above dfs.replication.max in HDFS words', () => {
    const { core, as } = testCore({ conf: { 'dfs.replication.max': '5' } });
    core.call('mkdirs', { src: '/d', permission: 0o755, createParent: true }, as(SUPERUSER));
    const err = thrown(() =>
      core.call(
        'create',
        {
          src: '/d/f',
          permission: 0o644,
          clientName: 'c1',
          clientMachine: '10.0.0.1',
          overwrite: false,
          createParent: false,
          replication: 6,
          blockSize: 134_217_728,
        },
        as(SUPERUSER),
      ),
    );
    expect(err.message).toBe(
      'Requested replication factor of 6 exceeds maximum of 5 for /d/f, clientName=10.0.0.1',
    );
  });

  it('refuses wrong shapes: a missing field, a negative offset, a block without its id', () => {
    const { core, as } = testCore();
    const ctx = as(SUPERUSER);
    expect(thrown(() => core.call('delete', { src: '/x' } as never, ctx)).message).toBe(
      'delete: recursive must be true or false, got undefined',
    );
    expect(
      thrown(() => core.call('getBlockLocations', { src: '/x', offset: -1, length: 0, readerHost: '' }, ctx))
        .message,
    ).toContain('getBlockLocations: offset must be an integer from 0');
    expect(
      thrown(() =>
        core.call(
          'updateBlockForPipeline',
          { block: { numBytes: 0, genStamp: 1 }, clientName: 'c' } as never,
          ctx,
        ),
      ).message,
    ).toContain('updateBlockForPipeline: block.blockId must be an integer');
  });
});
