/**
 * `lab dfsadmin -listOpenFiles`: the NameNode's answer as FSNamesystem.listOpenFiles /
 * LeaseManager.getUnderConstructionFiles give it (superuser only, inode id order, the path filter
 * of DFSUtil.isParentEntry, the client's host from the RPC connection), and the lines
 * DFSAdmin.printOpenFiles prints: printf("%-20s\t%-20s\t%s%n") for the header, "%-20s\t%-20s\t%20s%n"
 * for each file.
 */
import { describe, expect, it } from 'vitest';
import { openFilesLines } from '../../lab/commands/dfsadmin-admin.js';
import { createRequest, SUPERUSER, testCore } from './namenode-test-core.js';
import { thrown } from './remote-error.js';

function coreWithOpenFiles() {
  const { core, as } = testCore();
  const create = (src: string, clientName: string) =>
    core.call('create', createRequest(src, { clientName }), as(SUPERUSER));
  create('/logs/b.log', 'DFSClient_NONMAPREDUCE_2_1');
  create('/logs/a.log', 'DFSClient_NONMAPREDUCE_1_1');
  create('/logsold/c.log', 'DFSClient_NONMAPREDUCE_3_1');
  const closed = create('/done.txt', 'DFSClient_NONMAPREDUCE_4_1');
  core.call(
    'complete',
    { src: '/done.txt', clientName: 'DFSClient_NONMAPREDUCE_4_1', last: null, fileId: closed.result.fileId },
    as(SUPERUSER),
  );
  return { core, as };
}

describe('listOpenFiles (FSNamesystem.listOpenFiles)', () => {
  it('lists the files being written in inode id order, with the client and its host', () => {
    const { core, as } = coreWithOpenFiles();
    const all = core.call(
      'listOpenFiles',
      { prevId: 0, types: ['ALL_OPEN_FILES'], path: '/' },
      as(SUPERUSER),
    ).result;
    expect(all.hasMore).toBe(false);
    expect(all.entries.map((e) => [e.path, e.clientName, e.clientMachine])).toEqual([
      ['/logs/b.log', 'DFSClient_NONMAPREDUCE_2_1', '127.0.0.1'],
      ['/logs/a.log', 'DFSClient_NONMAPREDUCE_1_1', '127.0.0.1'],
      ['/logsold/c.log', 'DFSClient_NONMAPREDUCE_3_1', '127.0.0.1'],
    ]);
    // The cursor is the last inode id of the batch before.
    const after = core.call(
      'listOpenFiles',
      { prevId: all.entries[0]!.inodeId, types: ['ALL_OPEN_FILES'], path: '/' },
      as(SUPERUSER),
    ).result;
    expect(after.entries.map((e) => e.path)).toEqual(['/logs/a.log', '/logsold/c.log']);
  });

  it('keeps the path and what is under it, not a sibling sharing its prefix (DFSUtil.isParentEntry)', () => {
    const { core, as } = coreWithOpenFiles();
    const under = core.call(
      'listOpenFiles',
      { prevId: 0, types: ['ALL_OPEN_FILES'], path: '/logs' },
      as(SUPERUSER),
    ).result;
    expect(under.entries.map((e) => e.path)).toEqual(['/logs/b.log', '/logs/a.log']);
  });

  it('lists nothing holding up a decommission when no DataNode is being decommissioned', () => {
    const { core, as } = coreWithOpenFiles();
    const blocking = core.call(
      'listOpenFiles',
      { prevId: 0, types: ['BLOCKING_DECOMMISSION'], path: '/' },
      as(SUPERUSER),
    ).result;
    expect(blocking).toEqual({ entries: [], hasMore: false });
  });

  it("is the superuser's (FSPermissionChecker.checkSuperuserPrivilege)", () => {
    const { core, as } = coreWithOpenFiles();
    const error = thrown(() =>
      core.call('listOpenFiles', { prevId: 0, types: ['ALL_OPEN_FILES'], path: '/' }, as('alice')),
    );
    expect(error.errorClass).toBe('AccessControlException');
  });
});

describe('dfsadmin -listOpenFiles output (DFSAdmin.printOpenFiles)', () => {
  it('pads host and client to 20 and right-aligns the path in 20', () => {
    expect(
      openFilesLines([
        {
          inodeId: 16387,
          path: '/a.log',
          clientName: 'DFSClient_NONMAPREDUCE_1_1',
          clientMachine: '127.0.0.1',
        },
      ]),
    ).toEqual([
      'Client Host         \tClient Name         \tOpen File Path',
      '127.0.0.1           \tDFSClient_NONMAPREDUCE_1_1\t              /a.log',
    ]);
  });
});
