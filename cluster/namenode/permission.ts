/**
 * HDFS permissions as FSPermissionChecker enforces them (dfs.permissions.enabled): POSIX-style
 * owner / group / other classes over the 9 rwx bits plus the sticky bit, checked against the
 * caller's short user name and groups. The superuser — the user who started the NameNode, or any
 * member of dfs.permissions.superusergroup — is never checked. Pure: the Namespace hands it the
 * INodes along a path and it throws AccessControlException in HDFS's words.
 */
import { RemoteError } from '../protocol/errors.js';
import type { PermissionStatus } from './editlog/ops.js';
import type { AclEntry } from '../protocol/messages.js';

/** FsAction: a set of r/w/x bits (READ=4, WRITE=2, EXECUTE=1), named as HDFS prints them. */
export const FS_ACTION = {
  NONE: 0,
  EXECUTE: 1,
  WRITE: 2,
  WRITE_EXECUTE: 3,
  READ: 4,
  READ_EXECUTE: 5,
  READ_WRITE: 6,
  ALL: 7,
} as const;

export type FsAction = keyof typeof FS_ACTION;

/** The FsAction with these bits (FsAction.values()[bits]: NONE 0 … ALL 7). */
export function fsActionOf(bits: number): FsAction {
  const found = (Object.keys(FS_ACTION) as FsAction[]).find((name) => FS_ACTION[name] === bits);
  if (found === undefined) throw new RangeError(`FsAction bits ${bits} outside 0..7`);
  return found;
}

/** The most a permission may carry: setuid, setgid, sticky and rwx for user, group and other. */
export const PERMISSION_MAX = 0o7777;
/** HDFS keeps only the sticky bit and the 9 rwx bits (FsPermission's short). */
export const PERMISSION_STORED_MASK = 0o1777;
const STICKY_BIT = 0o1000;

/** The INode facts a check reads. */
export interface PermissionSubject {
  permission: PermissionStatus;
  isDirectory: boolean;
  /** The INode's AclFeature entries; absent or [] = no ACL. */
  acl?: readonly AclEntry[];
}

/** FsPermission.toString: `rwxr-xr-x`, the sticky bit as `t` (or `T` when other has no x). */
export function modeString(mode: number): string {
  const bits = (shift: number): string => {
    const v = (mode >> shift) & 7;
    return (v & 4 ? 'r' : '-') + (v & 2 ? 'w' : '-') + (v & 1 ? 'x' : '-');
  };
  let s = bits(6) + bits(3) + bits(0);
  if (mode & STICKY_BIT) s = s.slice(0, 8) + (s.endsWith('x') ? 't' : 'T');
  return s;
}

const implies = (granted: number, wanted: number): boolean => (granted & wanted) === wanted;

/** The caller of one request, as FSPermissionChecker sees it. */
export class PermissionChecker {
  readonly isSuperUser: boolean;

  constructor(
    readonly user: string,
    readonly groups: readonly string[],
    superuser: { fsOwner: string; supergroup: string },
  ) {
    this.isSuperUser = user === superuser.fsOwner || groups.includes(superuser.supergroup);
  }

  isMemberOf(group: string): boolean {
    return this.groups.includes(group);
  }

  /**
   * FSPermissionChecker.hasPermission: whether the caller's class (owner, group or other) of
   * `subject` grants every bit of `access`; an INode with an access ACL is judged by its entries.
   */
  has(subject: PermissionSubject, access: FsAction): boolean {
    const { user, group, mode } = subject.permission;
    const wanted = FS_ACTION[access];
    if (subject.acl?.[0]?.scope === 'ACCESS') return this.hasAclPermission(subject, wanted);
    const shift = this.user === user ? 6 : this.isMemberOf(group) ? 3 : 0;
    return implies((mode >> shift) & 7, wanted);
  }

  /**
   * FSPermissionChecker.hasAclPermission: the owner by the owner bits; else the named user entry,
   * or any group entry (owning or named) of a group the caller is in, each masked by the group bits
   * (which hold the mask); else, when no entry matched, the other bits.
   */
  private hasAclPermission(subject: PermissionSubject, wanted: number): boolean {
    const { user, group, mode } = subject.permission;
    if (this.user === user) return implies((mode >> 6) & 7, wanted);
    const mask = (mode >> 3) & 7;
    let matched = false;
    for (const e of subject.acl ?? []) {
      if (e.scope === 'DEFAULT') break;
      if (e.type === 'USER' && e.name === this.user) return implies(e.permission & mask, wanted);
      if (e.type === 'GROUP' && this.isMemberOf(e.name ?? group)) {
        if (implies(e.permission & mask, wanted)) return true;
        matched = true;
      }
    }
    return !matched && implies(mode & 7, wanted);
  }

  /** FSPermissionChecker.check: `path` is the path of `subject` itself. */
  check(subject: PermissionSubject, path: string, access: FsAction): void {
    if (!this.has(subject, access)) throw this.denied(subject, path, access);
  }

  /** toAccessControlString: checkAccessAcl's refusal (an INode with an access ACL) ends in `+`. */
  denied(subject: PermissionSubject, path: string, access: FsAction): RemoteError {
    const { user, group, mode } = subject.permission;
    const fromAcl = subject.acl?.[0]?.scope === 'ACCESS' ? '+' : '';
    return new RemoteError(
      'AccessControlException',
      `Permission denied: user=${this.user}, access=${access}, inode="${path}":${user}:${group}:${subject.isDirectory ? 'd' : '-'}${modeString(mode)}${fromAcl}`,
    );
  }

  /** FSPermissionChecker.checkOwner. */
  checkOwner(subject: PermissionSubject, path: string): void {
    if (this.user === subject.permission.user) return;
    throw new RemoteError(
      'AccessControlException',
      `Permission denied. user=${this.user} is not the owner of inode=${path}`,
    );
  }

  /** FSPermissionChecker.checkStickyBit: in a sticky directory only the owner of it or of the entry may remove or rename. */
  checkStickyBit(
    parent: PermissionSubject,
    parentPath: string,
    entry: PermissionSubject,
    entryPath: string,
  ): void {
    if ((parent.permission.mode & STICKY_BIT) === 0) return;
    if (parent.permission.user === this.user || entry.permission.user === this.user) return;
    const describe = (s: PermissionSubject): string =>
      `${s.permission.user}:${s.permission.group}:${s.isDirectory ? 'd' : '-'}${modeString(s.permission.mode)}`;
    throw new RemoteError(
      'AccessControlException',
      `Permission denied by sticky bit: user=${this.user}, path="${entryPath}":${describe(entry)}, parent="${parentPath}":${describe(parent)}`,
    );
  }

  /** FSPermissionChecker.checkSuperuserPrivilege. */
  checkSuperuserPrivilege(): void {
    if (this.isSuperUser) return;
    throw new RemoteError(
      'AccessControlException',
      `Access denied for user ${this.user}. Superuser privilege is required`,
    );
  }
}
