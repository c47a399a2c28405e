/**
 * DFSAdmin commands the lab does not carry out are refused with a sentence that says so and where
 * to look instead, not with "Unknown command" (which would tell a student Hadoop has no such command).
 */
import { describe, expect, it } from 'vitest';
import { runDfsadminAdmin } from '../../lab/commands/dfsadmin-admin.js';
import type { ClusterSession } from '../../lab/cli/session.js';

const noSession = { session: {} as ClusterSession, json: false };

describe('dfsadmin commands not in the lab', () => {
  it('names Hadoop’s command and the lab’s way to the same facts', async () => {
    await expect(runDfsadminAdmin(['-listOpenFiles'], noSession)).rejects.toThrow(
      "dfsadmin: -listOpenFiles is Hadoop's but not the lab's yet: the files being written are in lab fsck / -openforwrite",
    );
    await expect(runDfsadminAdmin(['-getDatanodeInfo', 'dn1:9867'], noSession)).rejects.toThrow(
      /runs no IPC server \(ClientDatanodeProtocol\)/,
    );
    await expect(runDfsadminAdmin(['-nonsense'], noSession)).rejects.toThrow(
      'dfsadmin: -nonsense: Unknown command',
    );
  });
});
