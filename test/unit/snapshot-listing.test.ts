/**
 * getSnapshotListing and `lab lsSnapshot` (Hadoop 3.3's LsSnapshot, SnapshotManager.getSnapshotListing,
 * SnapshotStatus.print): a snapshottable directory's snapshots by name, each its root's status and
 * its id, on the wire as SnapshotListingProto, printed one line each.
 */
import { describe, expect, it } from 'vitest';
import { CLIENT_PROTOCOL_TABLE } from '../../cluster/protocol/registry/client-protocol.js';
import { formatSnapshotListing } from '../../lab/format/snapshot.js';
import { SUPERUSER, testCore } from './namenode-test-core.js';

describe('getSnapshotListing and lab lsSnapshot', () => {
  it('lists the snapshots by name with their ids, over the wire and as SnapshotStatus.print prints them', () => {
    const { core, as } = testCore();
    core.call('mkdirs', { src: '/d/sub', permission: 0o750, createParent: true }, as(SUPERUSER));
    core.call('setOwner', { src: '/d', username: 'alice', groupname: 'staff' }, as(SUPERUSER));
    core.call('allowSnapshot', { snapshotRoot: '/d' }, as(SUPERUSER));
    core.call('createSnapshot', { snapshotRoot: '/d', snapshotName: 'zeta' }, as('alice'));
    core.call('createSnapshot', { snapshotRoot: '/d', snapshotName: 'alpha' }, as('alice'));
    const listing = core.call('getSnapshotListing', { snapshotRoot: '/d' }, as('alice')).result;
    // DirectorySnapshottableFeature keeps them by name; the id is SnapshotManager's counter.
    expect(listing.map((s) => [s.status.path, s.snapshotId, s.parentPath, s.status.childrenNum])).toEqual([
      ['/d/.snapshot/alpha', 1, '/d', 1],
      ['/d/.snapshot/zeta', 0, '/d', 1],
    ]);
    const entry = CLIENT_PROTOCOL_TABLE.getSnapshotListing!;
    // What a client decodes is what the NameNode answered (underConstruction is the core's own).
    expect(listing).toMatchObject(
      entry.decodeResponse(entry.encodeResponse(listing), { snapshotRoot: '/d' }),
    );
    const lines = formatSnapshotListing(listing).split('\n');
    expect(lines[0]).toMatch(
      /^drwxr-x--- 0 alice staff 0 \d{4}-\d\d-\d\d \d\d:\d\d 1 \/d\/\.snapshot\/alpha$/,
    );
    expect(lines[1]).toMatch(
      /^drwxr-x--- 0 alice staff 0 \d{4}-\d\d-\d\d \d\d:\d\d 0 \/d\/\.snapshot\/zeta$/,
    );
    expect(lines[2]).toBe('');
  });

  it("refuses a directory that is not snapshottable, and a user who may not read it, in HDFS's words", () => {
    const { core, as } = testCore();
    core.call('mkdirs', { src: '/d', permission: 0o700, createParent: true }, as(SUPERUSER));
    expect(() => core.call('getSnapshotListing', { snapshotRoot: '/d' }, as(SUPERUSER))).toThrow(
      'Directory is not a snapshottable directory: /d',
    );
    core.call('allowSnapshot', { snapshotRoot: '/d' }, as(SUPERUSER));
    expect(core.call('getSnapshotListing', { snapshotRoot: '/d' }, as(SUPERUSER)).result).toEqual([]);
    expect(formatSnapshotListing([])).toBe('\n');
    expect(() => core.call('getSnapshotListing', { snapshotRoot: '/d' }, as('bob'))).toThrow(
      'Permission denied: user=bob, access=READ',
    );
  });
});
