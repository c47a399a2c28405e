/**
 * rename2 (FSDirRenameOp.renameTo with options) in the NameNode core: one OP_RENAME carrying the
 * options as ClientNamenodeProtocolServerSideTranslatorPB.rename2 builds them (OVERWRITE,
 * TO_TRASH, else NONE), with the call's RPC ids; replaying it with OVERWRITE replaces the old
 * destination, so no OP_DELETE is logged.
 */
import { describe, expect, it } from 'vitest';
import { Namespace } from '../../cluster/namenode/namespace.js';
import { createRequest, SUPERUSER, testCore } from './namenode-test-core.js';

const RPC_IDS = { clientId: '6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5', callId: 11 };

function coreWithFiles() {
  const { core, as } = testCore({});
  const ctx = { ...as(SUPERUSER), rpcIds: RPC_IDS };
  for (const src of ['/a', '/b']) {
    core.call('create', createRequest(src), ctx);
    core.call('complete', { src, clientName: 'c1', last: null, fileId: 0 }, ctx);
  }
  return { core, ctx };
}

describe('rename2', () => {
  it('logs OVERWRITE as one OP_RENAME, which replays to the same namespace', () => {
    const { core, ctx } = coreWithFiles();
    const before = core.namespace.toImage(0);
    const out = core.call('rename2', { src: '/a', dst: '/b', overwrite: true }, ctx);
    expect(out.ops).toEqual([
      {
        op: 'OP_RENAME',
        src: '/a',
        dst: '/b',
        timestamp: ctx.nowMs,
        options: ['OVERWRITE'],
        rpcIds: RPC_IDS,
      },
    ]);
    expect(core.namespace.resolve('/a')).toBeNull();
    const replayed = Namespace.fromImage(before);
    for (const op of out.ops) replayed.applyOp(op);
    expect(replayed.toImage(1)).toEqual(core.namespace.toImage(1));
  });

  it('logs a plain rename2 with OPTIONS NONE', () => {
    const { core, ctx } = coreWithFiles();
    const out = core.call('rename2', { src: '/a', dst: '/c', overwrite: false }, ctx);
    expect(out.ops).toMatchObject([{ op: 'OP_RENAME', src: '/a', dst: '/c', options: ['NONE'] }]);
    expect(() => core.call('rename2', { src: '/b', dst: '/c', overwrite: false }, ctx)).toThrow(
      'rename destination /c already exists',
    );
  });
});
