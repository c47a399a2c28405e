/**
 * HDFS permissions in the NameNode core: FSPermissionChecker's rules and messages,
 * the superuser, new INodes owned by the caller in their parent's group.
 */
import { describe, expect, it } from 'vitest';
import { modeString } from '../../cluster/namenode/permission.js';
import { createRequest, SUPERUSER, testCore } from './namenode-test-core.js';
import { thrown } from './remote-error.js';

const file = (src: string, overwrite = false) =>
  createRequest(src, { clientName: 'DFSClient_1', overwrite, createParent: false, blockSize: 134_217_728 });

/** `/d` owned by alice (755, group supergroup), as `hdfs dfs -mkdir /d; -chown alice /d` leaves it. */
function withAliceDir(groups: Record<string, string[]> = {}) {
  const t = testCore({ groups });
  t.core.call('mkdirs', { src: '/d', permission: 0o755, createParent: false }, t.as(SUPERUSER));
  t.core.call('setOwner', { src: '/d', username: 'alice', groupname: null }, t.as(SUPERUSER));
  return t;
}

describe('HDFS permissions', () => {
  it('prints modes as FsPermission does', () => {
    expect(modeString(0o755)).toBe('rwxr-xr-x');
    expect(modeString(0o1777)).toBe('rwxrwxrwt');
    expect(modeString(0o1776)).toBe('rwxrwxrwT');
    expect(modeString(0o640)).toBe('rw-r-----');
  });

  it("refuses bob writing into alice's 755 directory, in HDFS's words", () => {
    const { core, as } = withAliceDir();
    const err = thrown(() => core.call('create', file('/d/f'), as('bob')));
    expect(err.errorClass).toBe('AccessControlException');
    expect(err.javaClassName).toBe('org.apache.hadoop.security.AccessControlException');
    expect(err.message).toBe(
      'Permission denied: user=bob, access=WRITE, inode="/d":alice:supergroup:drwxr-xr-x',
    );
    expect(
      thrown(() => core.call('mkdirs', { src: '/d/e/f', permission: 0o755, createParent: true }, as('bob')))
        .message,
    ).toBe('Permission denied: user=bob, access=WRITE, inode="/d":alice:supergroup:drwxr-xr-x');
    expect(core.call('getFileInfo', { src: '/d/f' }, as(SUPERUSER)).result).toBeNull();
  });

  it('lets the owner write, and makes new INodes owned by the caller in the parent group', () => {
    const { core, as } = withAliceDir();
    core.call('create', file('/d/f'), as('alice'));
    core.call('mkdirs', { src: '/d/x/y', permission: 0o750, createParent: true }, as('alice'));
    const f = core.call('getFileInfo', { src: '/d/f' }, as('alice')).result;
    expect([f?.owner, f?.group, f?.permission]).toEqual(['alice', 'supergroup', 0o644]);
    const y = core.call('getFileInfo', { src: '/d/x/y' }, as('alice')).result;
    expect([y?.owner, y?.group, y?.permission]).toEqual(['alice', 'supergroup', 0o750]);
  });

  it('needs EXECUTE on every ancestor to traverse', () => {
    const { core, as } = withAliceDir();
    core.call('mkdirs', { src: '/d/private/inner', permission: 0o700, createParent: true }, as('alice'));
    core.call('setPermission', { src: '/d/private', permission: 0o700 }, as('alice'));
    const err = thrown(() => core.call('getFileInfo', { src: '/d/private/inner' }, as('bob')));
    expect(err.message).toBe(
      'Permission denied: user=bob, access=EXECUTE, inode="/d/private":alice:supergroup:drwx------',
    );
  });

  it('needs READ_EXECUTE to list a directory and READ to read a file', () => {
    const { core, as } = withAliceDir();
    core.call('mkdirs', { src: '/d/closed', permission: 0o711, createParent: false }, as('alice'));
    expect(thrown(() => core.call('getListing', { src: '/d/closed' }, as('bob'))).message).toBe(
      'Permission denied: user=bob, access=READ_EXECUTE, inode="/d/closed":alice:supergroup:drwx--x--x',
    );
    core.call('create', { ...file('/d/secret'), permission: 0o600 }, as('alice'));
    expect(
      thrown(() =>
        core.call('getBlockLocations', { src: '/d/secret', offset: 0, length: 1, readerHost: '' }, as('bob')),
      ).message,
    ).toBe('Permission denied: user=bob, access=READ, inode="/d/secret":alice:supergroup:-rw-------');
  });

  it('answers checkAccess as FSNamesystem.checkAccess: granted, AccessControlException or Path not found', () => {
    const { core, as } = withAliceDir();
    core.call('create', { ...file('/d/mine'), permission: 0o644 }, as('alice'));
    // FsAction bits: READ 4, WRITE 2.
    expect(core.call('checkAccess', { src: '/d/mine', mode: 4 }, as('bob')).result).toBeNull();
    expect(core.call('checkAccess', { src: '/d/mine', mode: 2 }, as('alice')).result).toBeNull();
    expect(thrown(() => core.call('checkAccess', { src: '/d/mine', mode: 2 }, as('bob'))).message).toBe(
      'Permission denied: user=bob, access=WRITE, inode="/d/mine":alice:supergroup:-rw-r--r--',
    );
    const missing = thrown(() => core.call('checkAccess', { src: '/d/none', mode: 4 }, as('bob')));
    expect([missing.errorClass, missing.message]).toEqual(['FileNotFoundException', 'Path not found']);
  });

  it('uses the group class for members of the INode group', () => {
    const { core, as } = withAliceDir({ carol: ['staff'] });
    core.call('mkdirs', { src: '/d/team', permission: 0o775, createParent: false }, as('alice'));
    core.call('setOwner', { src: '/d/team', username: null, groupname: 'staff' }, as(SUPERUSER));
    core.call('create', file('/d/team/by-carol'), as('carol'));
    expect(thrown(() => core.call('create', file('/d/team/by-bob'), as('bob'))).message).toBe(
      'Permission denied: user=bob, access=WRITE, inode="/d/team":alice:staff:drwxrwxr-x',
    );
  });

  it('needs WRITE on the parent to delete or rename, and ALL below a deleted directory', () => {
    const { core, as } = withAliceDir();
    core.call('create', file('/d/f'), as('alice'));
    expect(thrown(() => core.call('delete', { src: '/d/f', recursive: false }, as('bob'))).message).toBe(
      'Permission denied: user=bob, access=WRITE, inode="/d":alice:supergroup:drwxr-xr-x',
    );
    expect(thrown(() => core.call('rename', { src: '/d/f', dst: '/g' }, as('bob'))).message).toBe(
      'Permission denied: user=bob, access=WRITE, inode="/d":alice:supergroup:drwxr-xr-x',
    );
    // bob's own world-writable directory holding alice's read-only one: the subtree check stops him.
    core.call('mkdirs', { src: '/open', permission: 0o777, createParent: false }, as(SUPERUSER));
    core.call('setPermission', { src: '/open', permission: 0o777 }, as(SUPERUSER));
    core.call('mkdirs', { src: '/open/bob/alice', permission: 0o777, createParent: true }, as('bob'));
    core.call('setOwner', { src: '/open/bob/alice', username: 'alice', groupname: null }, as(SUPERUSER));
    core.call('setPermission', { src: '/open/bob/alice', permission: 0o555 }, as(SUPERUSER));
    core.call('create', file('/open/bob/alice/f'), as(SUPERUSER));
    expect(thrown(() => core.call('delete', { src: '/open/bob', recursive: true }, as('bob'))).message).toBe(
      'Permission denied: user=bob, access=ALL, inode="/open/bob/alice":alice:supergroup:dr-xr-xr-x',
    );
  });

  it('lets only the owner change a permission, and only the superuser give a file away', () => {
    const { core, as } = withAliceDir({ alice: ['alice', 'staff'] });
    core.call('create', file('/d/f'), as('alice'));
    expect(
      thrown(() => core.call('setPermission', { src: '/d/f', permission: 0o777 }, as('bob'))).message,
    ).toBe('Permission denied. user=bob is not the owner of inode=/d/f');
    expect(
      thrown(() => core.call('setOwner', { src: '/d/f', username: 'bob', groupname: null }, as('alice')))
        .message,
    ).toBe('User alice is not a super user (non-super user cannot change owner).');
    expect(
      thrown(() => core.call('setOwner', { src: '/d/f', username: null, groupname: 'wheel' }, as('alice')))
        .message,
    ).toBe('User alice does not belong to wheel');
    core.call('setOwner', { src: '/d/f', username: null, groupname: 'staff' }, as('alice'));
    core.call('setPermission', { src: '/d/f', permission: 0o640 }, as('alice'));
    const f = core.call('getFileInfo', { src: '/d/f' }, as('alice')).result;
    expect([f?.owner, f?.group, f?.permission]).toEqual(['alice', 'staff', 0o640]);
  });

  it('treats members of dfs.permissions.superusergroup as superusers', () => {
    const { core, as } = withAliceDir({ root2: ['supergroup'] });
    core.call('create', file('/d/by-super'), as('root2'));
    core.call('setOwner', { src: '/d/by-super', username: 'bob', groupname: null }, as('root2'));
    expect(core.call('getFileInfo', { src: '/d/by-super' }, as('bob')).result?.owner).toBe('bob');
    expect(thrown(() => core.call('setSafeMode', { action: 'SAFEMODE_ENTER' }, as('bob'))).message).toBe(
      'Access denied for user bob. Superuser privilege is required',
    );
  });

  it('checks nothing with dfs.permissions.enabled false', () => {
    const { core, as } = testCore({ conf: { 'dfs.permissions.enabled': 'false' } });
    core.call('mkdirs', { src: '/d', permission: 0o700, createParent: false }, as(SUPERUSER));
    core.call('create', file('/d/f'), as('bob'));
    expect(core.call('getFileInfo', { src: '/d/f' }, as('bob')).result?.owner).toBe('bob');
  });

  it('replays setPermission and setOwner from the edit log', () => {
    const { core, as } = withAliceDir();
    const ops = [
      ...core.call('setPermission', { src: '/d', permission: 0o1777 }, as('alice')).ops,
      ...core.call('setOwner', { src: '/d', username: null, groupname: 'staff' }, as(SUPERUSER)).ops,
    ];
    expect(ops).toEqual([
      { op: 'OP_SET_PERMISSIONS', src: '/d', mode: 0o1777 },
      { op: 'OP_SET_OWNER', src: '/d', username: null, groupname: 'staff' },
    ]);
    const d = core.call('getFileInfo', { src: '/d' }, as('bob')).result;
    expect([d?.owner, d?.group, d?.permission]).toEqual(['alice', 'staff', 0o1777]);
  });
});
