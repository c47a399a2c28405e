/**
 * A NameNode core for unit tests: the settings the process derives from a configuration, the
 * superuser `hdfs` (who formatted `/`), out of safe mode, with a fixed group mapping.
 */
import { createPrng } from '../../cluster/common/prng.js';
import { resolveConfig } from '../../cluster/config/config.js';
import { identityFromSeed } from '../../cluster/namenode/identity.js';
import { NameNodeCore, type CallContext } from '../../cluster/namenode/namenode.js';
import { Namespace } from '../../cluster/namenode/namespace.js';
import { namenodeSettings } from '../../cluster/namenode/settings.js';
import type { RpcMethods } from '../../cluster/protocol/messages.js';

export const SUPERUSER = 'hdfs';

export function testCore(
  options: { conf?: Record<string, string>; groups?: Record<string, string[]> } = {},
): { core: NameNodeCore; as: (user: string) => CallContext } {
  const config = resolveConfig(options.conf ?? {});
  const identity = identityFromSeed('unit', '127.0.0.1');
  const core = new NameNodeCore({
    settings: namenodeSettings(config, { superuser: SUPERUSER, softwareVersion: 'test' }),
    identity,
    namespace: new Namespace(
      {
        superuser: SUPERUSER,
        supergroup: config.get('dfs.permissions.superusergroup'),
        namespaceId: identity.namespaceId,
      },
      {
        minBlockSizeBytes: config.bytes('dfs.namenode.fs-limits.min-block-size'),
        maxReplication: config.int('dfs.replication.max'),
      },
    ),
    prng: createPrng('unit'),
    rackOfHost: () => '/default-rack',
    lastCheckpoint: { txid: 0, ms: 0 },
    groupsOf: (user) => options.groups?.[user] ?? [],
  });
  const as = (user: string): CallContext => ({
    caller: 'client',
    callerAddr: '127.0.0.1',
    nowMs: 1_000,
    user,
  });
  core.call('setSafeMode', { action: 'SAFEMODE_LEAVE' }, as(SUPERUSER));
  return { core, as };
}

/**
 * A create call's request for `src` from client c1: mode 644, its parents made, one replica of
 * 1 MiB blocks, not overwriting; `fields` change any of it.
 */
export function createRequest(
  src: string,
  fields: Partial<RpcMethods['create']['req']> = {},
): RpcMethods['create']['req'] {
  return {
    src,
    permission: 0o644,
    clientName: 'c1',
    clientMachine: '',
    overwrite: false,
    createParent: true,
    replication: 1,
    blockSize: 1_048_576,
    ...fields,
  };
}
