/**
 * ClientProtocol.getQuotaUsage (what `-count -u` and `-count -t` ask): a directory with a quota
 * answers from its quota feature, the usage its quotas are checked against, which counts a file
 * renamed within it since a snapshot twice where getContentSummary counts it once; any other path
 * answers its content summary's figures (FSDirStatAndListingOp.getQuotaUsage). On the wire it is
 * QuotaUsageProto with Java's longs as uint64 (PBHelperClient.convert(QuotaUsage)); a client
 * facing a NameNode without the method falls back to getContentSummary (DFSClient.getQuotaUsage).
 */
import { describe, expect, it } from 'vitest';
import { getQuotaUsage } from '../../cluster/client/quota-usage.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import { GetQuotaUsageResponseProtoSchema } from '../../cluster/protocol/gen/client_protocol_pb.js';
import type { ContentSummary } from '../../cluster/protocol/messages.js';
import { decodeProto } from '../../cluster/protocol/proto-codec.js';
import { CLIENT_PROTOCOL, entryFor } from '../../cluster/protocol/registry/index.js';
import '../../cluster/protocol/registry/all.js';
import { SUPERUSER, createRequest, testCore } from './namenode-test-core.js';
import { thrown } from './remote-error.js';

const LONG_MAX = '9223372036854775807';

/** A NameNode with /q (its file a renamed to b after snapshot s1), and /plain with a file, no quota. */
function renamedUnderSnapshot() {
  const { core, as } = testCore();
  const su = as(SUPERUSER);
  for (const src of ['/q/a', '/plain/f']) {
    core.call('create', createRequest(src), su);
    core.call('complete', { src, clientName: 'c1', last: null, fileId: 0 }, su);
  }
  core.call('allowSnapshot', { snapshotRoot: '/q' }, su);
  core.call('createSnapshot', { snapshotRoot: '/q', snapshotName: 's1' }, su);
  core.call('rename', { src: '/q/a', dst: '/q/b' }, su);
  core.call('setQuota', { src: '/q', nsQuota: '4', ssQuota: LONG_MAX }, su);
  return { core, as, su };
}

describe('getQuotaUsage in the NameNode core', () => {
  it("answers a directory with a quota from its quota feature: the renamed file's old name counts, as the quota checks it", () => {
    const { core, su } = renamedUnderSnapshot();
    // /q, b, and s1's a as the WithName reference in /q's diff; the content summary has /q and b.
    expect(core.call('getQuotaUsage', { src: '/q' }, su).result).toEqual({
      fileAndDirectoryCount: 3,
      quota: 4,
      spaceConsumed: 0,
      spaceQuota: -1,
    });
    const summary = core.call('getContentSummary', { src: '/q' }, su).result;
    expect(summary.directoryCount + summary.fileCount).toBe(2);
    // One name left: the next create fits, the one after is refused.
    core.call('create', createRequest('/q/c'), su);
    expect(thrown(() => core.call('create', createRequest('/q/d'), su)).errorClass).toBe(
      'NSQuotaExceededException',
    );
  });

  it("answers any other path with its content summary's figures and no quotas; the root has its Long.MAX name quota", () => {
    const { core, su } = renamedUnderSnapshot();
    expect(core.call('getQuotaUsage', { src: '/plain' }, su).result).toEqual({
      fileAndDirectoryCount: 2,
      quota: -1,
      spaceConsumed: 0,
      spaceQuota: -1,
    });
    // The directory as snapshot s1 has it carries no quota feature (Snapshot.Root).
    expect(core.call('getQuotaUsage', { src: '/q/.snapshot/s1' }, su).result).toMatchObject({ quota: -1 });
    const root = core.call('getQuotaUsage', { src: '/' }, su).result;
    expect([BigInt(root.quota), root.spaceQuota]).toEqual([2n ** 63n, -1]);
  });

  it('checks READ_EXECUTE on every directory below the path and refuses a missing path, as getContentSummary does', () => {
    const { core, as, su } = renamedUnderSnapshot();
    core.call('setPermission', { src: '/plain', permission: 0o700 }, su);
    expect(thrown(() => core.call('getQuotaUsage', { src: '/plain' }, as('alice'))).errorClass).toBe(
      'AccessControlException',
    );
    expect(thrown(() => core.call('getQuotaUsage', { src: '/nope' }, su))).toMatchObject({
      errorClass: 'FileNotFoundException',
      message: 'File does not exist: /nope',
    });
  });
});

describe('getQuotaUsage on the wire', () => {
  it("carries Java's longs as uint64: the root's Long.MAX and -1 for no quota", () => {
    const entry = entryFor(CLIENT_PROTOCOL, 'getQuotaUsage')!;
    const usage = { fileAndDirectoryCount: 4, quota: 2 ** 63, spaceConsumed: 1572864, spaceQuota: -1 };
    const bytes = entry.encodeResponse(usage);
    const m = decodeProto(GetQuotaUsageResponseProtoSchema, bytes).usage!;
    expect([m.quota, m.spaceQuota]).toEqual([2n ** 63n - 1n, 2n ** 64n - 1n]);
    expect(entry.decodeResponse(bytes, { src: '/' })).toEqual(usage);
  });
});

describe('the client', () => {
  const summary: ContentSummary = {
    length: 4,
    fileCount: 1,
    directoryCount: 2,
    spaceConsumed: 12,
    quota: 10,
    spaceQuota: -1,
    snapshotLength: 0,
    snapshotFileCount: 0,
    snapshotDirectoryCount: 0,
    snapshotSpaceConsumed: 0,
    erasureCodingPolicy: '',
  };

  it('asks getContentSummary of a NameNode without getQuotaUsage (RpcNoSuchMethodException), as DFSClient does, and rethrows anything else', async () => {
    const asked: string[] = [];
    const answering = (refusal: RemoteError) => ({
      call: (method: string): Promise<never> => {
        asked.push(method);
        if (method === 'getQuotaUsage') return Promise.reject(refusal);
        return Promise.resolve(summary as never);
      },
    });
    const old = answering(new RemoteError('UnknownMethodException', 'Unknown method getQuotaUsage'));
    expect(await getQuotaUsage(old, '/d')).toEqual({
      fileAndDirectoryCount: 3,
      quota: 10,
      spaceConsumed: 12,
      spaceQuota: -1,
    });
    expect(asked).toEqual(['getQuotaUsage', 'getContentSummary']);
    const denied = answering(new RemoteError('AccessControlException', 'Permission denied'));
    await expect(getQuotaUsage(denied, '/d')).rejects.toThrow('Permission denied');
  });
});
