/**
 * `-cp -p[topax]`: CommandWithDestination's preserved attributes. Cp.popPreserveOption takes the
 * first argument starting with `-p` wherever it stands (before `--`), ahead of CommandFormat;
 * `-p` alone is timestamps, ownership and permission (setPreserve(true)), `-pa` the ACL with the
 * permission (an ACL is a superset of it), `-px` the extended attributes. preserveAttributes sets
 * them on each copied file, and on each copied directory once its contents are in.
 */
import { logicalAcl } from '../../cluster/namenode/acl.js';
import type { FileStatus } from '../../cluster/protocol/types.js';
import { opId, type FsContext } from './fs-command.js';

/** CommandWithDestination.FileAttribute's symbols. */
const ATTRIBUTES = 'topax';
/** setPreserve(true): TIMESTAMPS, OWNERSHIP, PERMISSION. */
const PRESERVE_STATUS = 'top';

/**
 * An exception FsShell.run does not expect (not an IOException, not an IllegalArgumentException):
 * it prints `-cmd: Fatal internal error`, then the exception's stack (its first line here), and
 * exits -1.
 */
export class FatalInternalError extends Error {
  override readonly name = 'FatalInternalError';
}

/** Cp.popPreserveOption: the arguments without the first `-p…`, and the attributes it names. */
export function popPreserveOption(args: readonly string[]): { rest: string[]; preserve: string } {
  const end = args.indexOf('--');
  const at = args.findIndex((a, i) => (end < 0 || i < end) && a.startsWith('-p'));
  if (at < 0) return { rest: [...args], preserve: '' };
  const arg = args[at] as string;
  const rest = [...args.slice(0, at), ...args.slice(at + 1)];
  if (arg.length === 2) return { rest, preserve: PRESERVE_STATUS };
  let preserve = '';
  for (const symbol of arg.slice(2)) {
    // FileAttribute.getAttribute throws NoSuchElementException, which FsShell reports as fatal.
    if (!ATTRIBUTES.includes(symbol))
      throw new FatalInternalError(`java.util.NoSuchElementException: No attribute for ${symbol}`);
    if (!preserve.includes(symbol)) preserve += symbol;
  }
  return { rest, preserve };
}

/** What preserveAttributes reads of a source: an HDFS file's status, or a local file's (-put -p). */
export type PreservedStatus = Pick<
  FileStatus,
  'path' | 'modificationTime' | 'accessTime' | 'owner' | 'group' | 'permission' | 'hasAcl'
>;

/**
 * CommandWithDestination.preserveAttributes from `source` to `target`, in its order: times, owner
 * and group, permission (for `p` or `a`), the ACL when the source has one, then every extended
 * attribute the caller may read.
 */
export async function preserveAttributes(
  ctx: FsContext,
  move: { source: PreservedStatus; target: string; preserve: string },
): Promise<void> {
  const { source, target, preserve } = move;
  if (preserve === '') return;
  const call = ctx.session.namenode;
  const op = { opId: opId('cp') };
  if (preserve.includes('t')) {
    await call.call(
      'setTimes',
      { src: target, mtime: source.modificationTime, atime: source.accessTime },
      op,
    );
  }
  if (preserve.includes('o')) {
    await call.call('setOwner', { src: target, username: source.owner, groupname: source.group }, op);
  }
  if (preserve.includes('p') || preserve.includes('a')) {
    await call.call('setPermission', { src: target, permission: source.permission }, op);
  }
  if (preserve.includes('a') && source.hasAcl === true) {
    const { entries } = await call.call('getAclStatus', { src: source.path }, op);
    await call.call('setAcl', { src: target, aclSpec: logicalAcl(source.permission, entries) }, op);
  }
  if (preserve.includes('x')) {
    for (const xattr of await call.call('getXAttrs', { src: source.path, xattrs: [] }, op)) {
      await call.call('setXAttr', { src: target, xattr, flags: { create: true, replace: true } }, op);
    }
  }
}
