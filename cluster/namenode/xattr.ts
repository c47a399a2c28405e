/**
 * Extended attributes (FSDirXAttrOp, XAttrPermissionFilter, XAttrSetFlag): name/value pairs in one
 * of HDFS's namespaces on any INode. Values travel as base64 text inside the lab (JSON-safe in the
 * journal) and as bytes on the wire, in the edit log and in the fsimage.
 */
import { RemoteError } from '../protocol/errors.js';

import type { XAttr, XAttrNamespace } from '../protocol/messages.js';

export type { XAttr, XAttrNamespace } from '../protocol/messages.js';

export const XATTR_NAMESPACES: readonly XAttrNamespace[] = ['USER', 'TRUSTED', 'SECURITY', 'SYSTEM', 'RAW'];

/** dfs.namenode.fs-limits.max-xattrs-per-inode. */
export const XATTRS_PER_INODE_MAX = 32;
/** dfs.namenode.fs-limits.max-xattr-size: name (without prefix) + value bytes. */
export const XATTR_SIZE_MAX = 16_384;

/** XAttrCodec's encodings (getfattr -e, WebHDFS's `encoding`). */
export type XAttrEncoding = 'text' | 'hex' | 'base64';

/** XAttrCodec.decodeValue: "text" in quotes, 0x… hex, 0s… base64, anything else as text. */
export function decodeXAttrValue(value: string): Buffer {
  if (value.length >= 2) {
    const prefix = value.slice(0, 2).toLowerCase();
    if (value.startsWith('"') && value.endsWith('"')) return Buffer.from(value.slice(1, -1), 'utf8');
    if (prefix === '0x') return Buffer.from(value.slice(2), 'hex');
    if (prefix === '0s') return Buffer.from(value.slice(2), 'base64');
  }
  return Buffer.from(value, 'utf8');
}

/** XAttrCodec.encodeValue. */
export function encodeXAttrValue(value: Buffer, encoding: XAttrEncoding): string {
  if (encoding === 'hex') return `0x${value.toString('hex')}`;
  if (encoding === 'base64') return `0s${value.toString('base64')}`;
  return `"${value.toString('utf8')}"`;
}

/** XAttrHelper.getPrefixedName: `user.a1`. */
export function prefixedName(x: { namespace: XAttrNamespace; name: string }): string {
  return `${x.namespace.toLowerCase()}.${x.name}`;
}

/**
 * XAttrHelper.buildXAttr: the namespace prefix (any case) and the rest. Throws HDFS's
 * HadoopIllegalArgumentException for a name without a known prefix.
 */
export function parseXAttrName(prefixed: string): { namespace: XAttrNamespace; name: string } {
  const dot = prefixed.indexOf('.');
  const prefix = dot > 0 ? prefixed.slice(0, dot).toUpperCase() : '';
  const name = dot > 0 ? prefixed.slice(dot + 1) : '';
  if (!XATTR_NAMESPACES.includes(prefix as XAttrNamespace) || name === '') {
    throw new RemoteError(
      'HadoopIllegalArgumentException',
      "An XAttr name must be prefixed with user/trusted/security/system/raw, followed by a '.'",
    );
  }
  return { namespace: prefix as XAttrNamespace, name };
}

const sameName = (a: XAttr, b: { namespace: XAttrNamespace; name: string }): boolean =>
  a.namespace === b.namespace && a.name === b.name;

/**
 * XAttrPermissionFilter.checkPermissionForApi: which namespaces a caller may name at all.
 * USER and SECURITY: anyone (file permissions decide); TRUSTED: the superuser; SYSTEM and RAW:
 * nobody through ClientProtocol (RAW only under /.reserved/raw, which the lab does not have).
 */
export function checkXAttrNamespace(
  x: { namespace: XAttrNamespace; name: string },
  isSuperUser: boolean,
): void {
  if (x.namespace === 'USER' || x.namespace === 'SECURITY') return;
  if (x.namespace === 'TRUSTED' && isSuperUser) return;
  throw new RemoteError(
    'AccessControlException',
    `User doesn't have permission for xattr: ${prefixedName(x)}`,
  );
}

/** XAttrPermissionFilter.filterXAttrsForApi: what a listing shows the caller. */
export function visibleXAttrs(xattrs: readonly XAttr[], isSuperUser: boolean): XAttr[] {
  return xattrs.filter(
    (x) => x.namespace === 'USER' || x.namespace === 'SECURITY' || (x.namespace === 'TRUSTED' && isSuperUser),
  );
}

export interface XAttrSetFlags {
  create: boolean;
  replace: boolean;
}

/** FSDirXAttrOp.setINodeXAttrs with XAttrSetFlag.validate and the fs-limits: the INode's new list. */
export function withXAttrSet(existing: readonly XAttr[], x: XAttr, flags: XAttrSetFlags): XAttr[] {
  const name = prefixedName(x);
  if (!flags.create && !flags.replace)
    throw new RemoteError('HadoopIllegalArgumentException', 'A flag must be specified.');
  const size =
    Buffer.byteLength(x.name, 'utf8') + (x.value === null ? 0 : Buffer.from(x.value, 'base64').length);
  if (size > XATTR_SIZE_MAX) {
    throw new RemoteError(
      'HadoopIllegalArgumentException',
      `The XAttr is too big. The maximum combined size of the name and value is ${XATTR_SIZE_MAX}, but the total size is ${size}`,
    );
  }
  const exists = existing.some((e) => sameName(e, x));
  if (exists && !flags.replace)
    throw new RemoteError(
      'IOException',
      `XAttr: ${name} already exists. The REPLACE flag must be specified.`,
    );
  if (!exists && !flags.create)
    throw new RemoteError('IOException', `XAttr: ${name} does not exist. The CREATE flag must be specified.`);
  const next = exists ? existing.map((e) => (sameName(e, x) ? { ...x } : e)) : [...existing, { ...x }];
  // The limit counts the user-visible namespaces (USER and TRUSTED), as FSDirXAttrOp does.
  const counted = next.filter((e) => e.namespace === 'USER' || e.namespace === 'TRUSTED').length;
  if (counted > XATTRS_PER_INODE_MAX) {
    throw new RemoteError(
      'IOException',
      `Cannot add additional XAttr to inode, would exceed limit of ${XATTRS_PER_INODE_MAX}`,
    );
  }
  return next;
}

/** The list with `x` in place of the attribute of the same name, or added at the end (no checks: replay). */
export function withXAttrReplaced(existing: readonly XAttr[], x: XAttr): XAttr[] {
  const exists = existing.some((e) => sameName(e, x));
  return exists ? existing.map((e) => (sameName(e, x) ? { ...x } : e)) : [...existing, { ...x }];
}

/** The INode's list without `x`; throws HDFS's IOException when it has no such attribute. */
export function withXAttrRemoved(
  existing: readonly XAttr[],
  x: { namespace: XAttrNamespace; name: string },
): XAttr[] {
  if (!existing.some((e) => sameName(e, x)))
    throw new RemoteError('IOException', 'No matching attributes found for remove operation');
  return existing.filter((e) => !sameName(e, x));
}

/** FSDirXAttrOp.getXAttrs: the named attributes (all visible ones when none is named). */
export function selectXAttrs(
  existing: readonly XAttr[],
  wanted: readonly { namespace: XAttrNamespace; name: string }[],
  isSuperUser: boolean,
): XAttr[] {
  const visible = visibleXAttrs(existing, isSuperUser);
  if (wanted.length === 0) return visible.map((x) => ({ ...x }));
  return wanted.map((w) => {
    checkXAttrNamespace(w, isSuperUser);
    const found = visible.find((e) => sameName(e, w));
    if (!found)
      throw new RemoteError('IOException', 'At least one of the attributes provided was not found.');
    return { ...found };
  });
}
