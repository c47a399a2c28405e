/**
 * ACLs as HDFS has them: AclTransformation's four changes and their errors, AclStorage's split of an
 * ACL into permission bits and AclFeature, FSPermissionChecker's ACL rules, default ACLs inherited by
 * new children (AclStorage.copyINodeDefaultAcl, HDFS-6962), OP_SET_ACL and the ACL entries of
 * OP_MKDIR / OP_ADD in the edit log and oev, the AclFeature in the fsimage and oiv, and FsShell's
 * -setfacl spec and -getfacl lines.
 */
import { describe, expect, it } from 'vitest';
import {
  mergeAclEntries,
  parseAclSpec,
  replaceAclEntries,
  filterAclEntriesByAclSpec,
  type AclEntry,
} from '../../cluster/namenode/acl.js';
import { decodeSegment, encodeOp, encodeSegment } from '../../cluster/namenode/editlog/codec.js';
import { editsToXml } from '../../cluster/namenode/editlog/oev.js';
import type { EditLogOp, PendingOp } from '../../cluster/namenode/editlog/ops.js';
import { decodeImage, encodeImage } from '../../cluster/namenode/fsimage/codec.js';
import { imageToXml } from '../../cluster/namenode/fsimage/oiv.js';
import { Namespace } from '../../cluster/namenode/namespace.js';
import { getfaclLines } from '../../lab/commands/fs-acl.js';
import { SUPERUSER, testCore } from './namenode-test-core.js';
import { createFile } from './namespace-files.js';

const spec = (text: string): AclEntry[] => parseAclSpec(text, true);
/** A file's permission as alice creates it in /p. */
const ALICE_FILE = { user: 'alice', group: 'staff', mode: 0o644 };
const texts = (entries: readonly AclEntry[]): string[] =>
  entries.map(
    (e) =>
      `${e.scope === 'DEFAULT' ? 'default:' : ''}${e.type.toLowerCase()}:${e.name ?? ''}:${e.permission}`,
  );

function namespaceWithDir(mode = 0o750): { ns: Namespace; log: PendingOp[] } {
  const ns = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
  const log = ns.mkdirs('/p', {
    permission: { user: 'alice', group: 'staff', mode },
    createParent: true,
    nowMs: 1,
  });
  return { ns, log };
}

describe('AclTransformation', () => {
  it('merges a named entry and calculates the mask as the union of the group class', () => {
    const existing = spec('user::rwx,group::r-x,other::---');
    expect(texts(mergeAclEntries(existing, spec('user:bruce:rw-')))).toEqual([
      'user::7',
      'user:bruce:6',
      'group::5',
      'mask::7',
      'other::0',
    ]);
  });

  it('keeps a mask given in the spec, and copies missing default base entries from the access ACL', () => {
    const existing = spec('user::rwx,group::r-x,other::---');
    const merged = mergeAclEntries(existing, spec('user:bruce:rwx,mask::r--,default:user:bruce:r-x'));
    expect(texts(merged)).toEqual([
      'user::7',
      'user:bruce:7',
      'group::5',
      'mask::4',
      'other::0',
      'default:user::7',
      'default:user:bruce:5',
      'default:group::5',
      'default:mask::5',
      'default:other::0',
    ]);
  });

  it("refuses what HDFS refuses, in AclException's words", () => {
    const extended = mergeAclEntries(spec('user::rwx,group::r-x,other::---'), spec('user:bruce:rwx'));
    expect(() => filterAclEntriesByAclSpec(extended, parseAclSpec('mask::', false))).toThrow(
      'Invalid ACL: mask is required, but it was deleted.',
    );
    expect(() => replaceAclEntries(extended, spec('user::rwx,group::r-x'))).toThrow(
      'Invalid ACL: the user, group and other entries are required.',
    );
    expect(() => mergeAclEntries(extended, spec('user:a:rwx,user:a:r--'))).toThrow(
      'Invalid ACL: multiple entries with same scope, type and name.',
    );
    expect(() => mergeAclEntries(extended, spec('other:x:rwx'))).toThrow(
      'Invalid ACL: this entry type must not have a name: other:x:rwx.',
    );
    const many = Array.from({ length: 33 }, (_, i) => `user:u${i}:r--`).join(',');
    expect(() => mergeAclEntries(extended, spec(many))).toThrow(
      'Invalid ACL: ACL spec has 33 entries, which exceeds maximum of 32.',
    );
  });

  it('reads specs as AclEntry.parseAclSpec does, with its errors', () => {
    expect(parseAclSpec('default:group:eng:r-x', true)).toEqual([
      { scope: 'DEFAULT', type: 'GROUP', name: 'eng', permission: 5 },
    ]);
    expect(parseAclSpec('user:bruce', false)).toEqual([
      { scope: 'ACCESS', type: 'USER', name: 'bruce', permission: 0 },
    ]);
    expect(() => parseAclSpec('usr:bruce:rwx', true)).toThrow(
      'Invalid type of acl in <aclSpec> :usr:bruce:rwx',
    );
    expect(() => parseAclSpec('user:bruce:rwz', true)).toThrow(
      'Invalid permission in <aclSpec> : user:bruce:rwz',
    );
    expect(() => parseAclSpec('user:bruce', true)).toThrow('Invalid <aclSpec> : user:bruce');
  });
});

describe('ACLs in the namespace', () => {
  it('keeps owner, mask and other in the permission bits and the rest in the AclFeature (FSAclBaseTest)', () => {
    const { ns } = namespaceWithDir(0o750);
    ns.changeAcl('/p', 'modifyAclEntries', spec('user:foo:rwx'));
    const status = ns.aclStatus('/p');
    // The group bits now hold the mask (rwx): 0750 becomes 0770, with the ACL bit in -ls.
    expect(status.permission).toBe(0o770);
    expect(texts(status.entries)).toEqual(['user:foo:7', 'group::5']);
    expect(ns.getFileInfo('/p')?.hasAcl).toBe(true);
  });

  it('chmod changes the mask; removeAcl puts the owning group back into the group bits', () => {
    const { ns } = namespaceWithDir(0o750);
    ns.changeAcl('/p', 'modifyAclEntries', spec('user:foo:rwx'));
    ns.setPermission('/p', 0o700);
    const lines = getfaclLines('/p', ns.getFileInfo('/p')!, ns.aclStatus('/p').entries);
    expect(lines).toEqual([
      '# file: /p',
      '# owner: alice',
      '# group: staff',
      'user::rwx',
      'user:foo:rwx\t#effective:---',
      'group::r-x\t#effective:---',
      'mask::---',
      'other::---',
      '',
    ]);
    ns.changeAcl('/p', 'removeAcl');
    expect(ns.aclStatus('/p').entries).toEqual([]);
    expect(ns.getFileInfo('/p')?.permission).toBe(0o750);
    expect(ns.getFileInfo('/p')?.hasAcl).toBeUndefined();
  });

  it('refuses a default ACL on a file', () => {
    const { ns } = namespaceWithDir();
    createFile(ns, '/p/f', { permission: ALICE_FILE, createParent: false, nowMs: 2 });
    expect(() => ns.changeAcl('/p/f', 'modifyAclEntries', spec('default:user:foo:rwx'))).toThrow(
      'Invalid ACL: only directories may have a default ACL.',
    );
  });

  it('gives new children the default ACL, filtered by the unmasked mode the client sent', () => {
    const { ns } = namespaceWithDir(0o755);
    ns.changeAcl('/p', 'setAcl', spec('default:user:foo:rwx'));
    // Defaults copied from the access ACL: default:user::rwx, group::r-x, other::r-x; mask rwx.
    const dirOps = ns.mkdirs('/p/sub', {
      permission: { user: 'alice', group: 'staff', mode: 0o755 },
      unmasked: 0o777,
      createParent: false,
      nowMs: 2,
    });
    const fileOps = createFile(ns, '/p/f', {
      permission: ALICE_FILE,
      unmasked: 0o666,
      createParent: false,
      nowMs: 3,
    }).ops;
    // A directory keeps the default ACL as its own; owner rwx & 7, mask rwx & 7, other r-x & 7.
    expect(ns.getFileInfo('/p/sub')?.permission).toBe(0o775);
    expect(texts(ns.aclStatus('/p/sub').entries)).toEqual([
      'user:foo:7',
      'group::5',
      'default:user::7',
      'default:user:foo:7',
      'default:group::5',
      'default:mask::7',
      'default:other::5',
    ]);
    // A file: owner rwx & rw-, mask rwx & rw-, other r-x & rw- (0664), no default ACL.
    expect(ns.getFileInfo('/p/f')?.permission).toBe(0o664);
    expect(texts(ns.aclStatus('/p/f').entries)).toEqual(['user:foo:7', 'group::5']);
    // The ops carry the child's full ACL, so a replay rebuilds the same tree.
    const add = fileOps.find((o) => o.op === 'OP_ADD');
    expect(add && 'aclEntries' in add ? texts(add.aclEntries ?? []) : []).toEqual([
      'user::6',
      'user:foo:7',
      'group::5',
      'mask::6',
      'other::4',
    ]);
    expect(dirOps).toHaveLength(1);
  });

  it('without an unmasked mode (the Go client) the masked mode filters the default ACL', () => {
    const { ns } = namespaceWithDir(0o755);
    ns.changeAcl('/p', 'setAcl', spec('default:user:foo:rwx'));
    ns.mkdirs('/p/sub', {
      permission: { user: 'alice', group: 'staff', mode: 0o755 },
      createParent: false,
      nowMs: 2,
    });
    expect(ns.getFileInfo('/p/sub')?.permission).toBe(0o755);
  });

  it('survives the edit log and the fsimage', () => {
    const { ns, log } = namespaceWithDir(0o755);
    log.push(
      ...ns.changeAcl(
        '/p',
        'setAcl',
        spec('user::rwx,user:foo:r-x,group::r-x,other::---,default:user:bar:rwx'),
      ),
    );
    log.push(
      ...ns.mkdirs('/p/sub', {
        permission: { user: 'alice', group: 'staff', mode: 0o755 },
        unmasked: 0o777,
        createParent: false,
        nowMs: 2,
      }),
    );
    const ops = log.map((o, i) => ({ ...o, txid: i + 1 })) as EditLogOp[];
    const replayed = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
    for (const op of decodeSegment(encodeSegment(ops)).ops) replayed.applyOp(op);
    for (const path of ['/p', '/p/sub']) {
      expect(replayed.aclStatus(path)).toEqual(ns.aclStatus(path));
      expect(replayed.getFileInfo(path)?.permission).toBe(ns.getFileInfo(path)?.permission);
    }
    const image = decodeImage(encodeImage(ns.toImage(9)));
    const restored = Namespace.fromImage(image);
    expect(restored.aclStatus('/p/sub')).toEqual(ns.aclStatus('/p/sub'));
  });
});

describe('ACLs on disk', () => {
  it('OP_SET_ACL is a delimited AclEditLogProto; oev prints ENTRY with SCOPE, TYPE, NAME, PERM', () => {
    const op = {
      op: 'OP_SET_ACL',
      txid: 5,
      src: '/p',
      entries: spec('user::rwx,user:foo:r-x,group::r-x,mask::r-x,other::---'),
    } as EditLogOp;
    const decoded = decodeSegment(encodeSegment([op]));
    expect(decoded.ops).toEqual([op]);
    expect(editsToXml(decoded)).toContain(
      '<OPCODE>OP_SET_ACL</OPCODE>\n    <DATA>\n      <TXID>5</TXID>\n      <SRC>/p</SRC>\n      <ENTRY>\n        <SCOPE>ACCESS</SCOPE>\n        <TYPE>USER</TYPE>\n        <PERM>rwx</PERM>\n      </ENTRY>\n      <ENTRY>\n        <SCOPE>ACCESS</SCOPE>\n        <TYPE>USER</TYPE>\n        <NAME>foo</NAME>\n        <PERM>r-x</PERM>\n      </ENTRY>',
    );
  });

  it("OP_MKDIR's ACL entries use AclEditLogUtil's byte: has-name bit 6, scope 5, type 3..4, perm 0..2", () => {
    const mkdir = {
      op: 'OP_MKDIR',
      txid: 2,
      inodeId: 16387,
      path: '/p/sub',
      timestamp: 7,
      permission: { user: 'alice', group: 'staff', mode: 0o755 },
      aclEntries: [{ scope: 'DEFAULT', type: 'USER', name: 'foo', permission: 7 }],
    } as EditLogOp;
    const bytes = encodeOp(mkdir);
    // count 1 (int), then 0x40 | 0x20 | 0 << 3 | 7 = 0x67, then the name.
    expect(bytes.includes(Buffer.from([0, 0, 0, 1, 0x67]))).toBe(true);
    expect(decodeSegment(encodeSegment([mkdir])).ops).toEqual([mkdir]);
  });

  it('the fsimage packs each AclFeature entry in a fixed32 (name id << 6) and oiv prints <acls>', () => {
    const { ns } = namespaceWithDir(0o750);
    ns.changeAcl('/p', 'modifyAclEntries', spec('user:foo:rwx'));
    const xml = imageToXml(decodeImage(encodeImage(ns.toImage(9))));
    expect(xml).toContain(
      '<permission>alice:staff:0770</permission><acls><acl>user:foo:rwx</acl><acl>group::r-x</acl></acls>',
    );
  });
});

describe('permission checks with ACLs (FSPermissionChecker)', () => {
  it('a named user gets what the entry grants through the mask, and is denied the rest', () => {
    const { core, as } = testCore({ groups: { alice: ['staff'], bruce: ['eng'], carol: ['eng'] } });
    core.call('mkdirs', { src: '/p', permission: 0o700, createParent: true }, as(SUPERUSER));
    core.call('setOwner', { src: '/p', username: 'alice', groupname: 'staff' }, as(SUPERUSER));
    expect(() => core.call('getListing', { src: '/p' }, as('bruce'))).toThrow(
      'Permission denied: user=bruce, access=READ_EXECUTE, inode="/p":alice:staff:drwx------',
    );
    core.call('modifyAclEntries', { src: '/p', aclSpec: spec('user:bruce:r-x') }, as('alice'));
    expect(core.call('getListing', { src: '/p' }, as('bruce')).result?.entries).toEqual([]);
    // carol matches no entry: other (---) decides.
    expect(() => core.call('getListing', { src: '/p' }, as('carol'))).toThrow('access=READ_EXECUTE');
    // The named entry cannot write, and chmod 0700 (mask ---) takes its read away too.
    expect(() =>
      core.call('mkdirs', { src: '/p/x', permission: 0o755, createParent: true }, as('bruce')),
    ).toThrow('Permission denied: user=bruce, access=WRITE, inode="/p":alice:staff:drwxr-x---+');
    core.call('setPermission', { src: '/p', permission: 0o700 }, as('alice'));
    expect(() => core.call('getListing', { src: '/p' }, as('bruce'))).toThrow('access=READ_EXECUTE');
  });

  it('only the owner changes an ACL, and the ACL calls are refused when ACLs are disabled', () => {
    const { core, as } = testCore();
    core.call('mkdirs', { src: '/p', permission: 0o777, createParent: true }, as(SUPERUSER));
    expect(() => core.call('removeAcl', { src: '/p' }, as('bruce'))).toThrow(
      'Permission denied. user=bruce is not the owner of inode=/p',
    );
    const off = testCore({ conf: { 'dfs.namenode.acls.enabled': 'false' } });
    expect(() => off.core.call('getAclStatus', { src: '/' }, off.as(SUPERUSER))).toThrow(
      'The ACL operation has been rejected.  Support for ACLs has been disabled by setting dfs.namenode.acls.enabled to false.',
    );
  });
});
