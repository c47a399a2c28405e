/**
 * POSIX ACLs as HDFS stores and changes them (AclStorage, AclTransformation, AclUtil). Pure: lists
 * of entries in, lists out, errors in HDFS's words (AclException).
 *
 * How an INode keeps its ACL (AclStorage): the owner, mask and other entries of the access ACL live
 * in the permission bits — the *group* bits hold the mask — and the AclFeature holds the rest: the
 * named user entries, the unnamed group entry and the named group entries of the access ACL, then
 * every default entry. An INode without a feature has the minimal ACL its three rwx classes make.
 * `chmod` on an INode with an ACL therefore changes its mask, as in HDFS.
 */
import { RemoteError } from '../protocol/errors.js';
import type { AclEntry, AclEntryScope, AclEntryType } from '../protocol/messages.js';
import { ACL_ENTRY_TYPES as TYPES, aclEntryText } from '../protocol/acl-text.js';

export type { AclEntry, AclEntryScope, AclEntryType } from '../protocol/messages.js';
export { aclEntryText, fsActionOfSymbol, fsActionSymbol, parseAclSpec } from '../protocol/acl-text.js';

/** AclTransformation.MAX_ENTRIES: entries an ACL (or a spec) may have. */
export const ACL_ENTRIES_MAX = 32;

const STICKY_BIT = 0o1000;
const SCOPES: readonly AclEntryScope[] = ['ACCESS', 'DEFAULT'];

const aclError = (message: string): RemoteError => new RemoteError('AclException', message);

/**
 * AclTransformation.ACL_ENTRY_COMPARATOR: access before default; then owner, named users, owning
 * group, named groups, mask, other (unnamed before named, names in Java's String order).
 */
export function compareAclEntries(a: AclEntry, b: AclEntry): number {
  const scope = SCOPES.indexOf(a.scope) - SCOPES.indexOf(b.scope);
  if (scope !== 0) return scope;
  const type = TYPES.indexOf(a.type) - TYPES.indexOf(b.type);
  if (type !== 0) return type;
  if (a.name === b.name) return 0;
  if (a.name === null) return -1;
  if (b.name === null) return 1;
  return a.name < b.name ? -1 : 1;
}

const sameKey = (a: AclEntry, b: AclEntry): boolean => compareAclEntries(a, b) === 0;
const sorted = (entries: readonly AclEntry[]): AclEntry[] =>
  entries.map((e) => ({ ...e })).sort(compareAclEntries);
const entry = (scope: AclEntryScope, type: AclEntryType, permission: number): AclEntry => ({
  scope,
  type,
  name: null,
  permission,
});

/** AclUtil.getMinimalAcl: user, group and other from the permission bits. */
export function minimalAcl(mode: number): AclEntry[] {
  return [
    entry('ACCESS', 'USER', (mode >> 6) & 7),
    entry('ACCESS', 'GROUP', (mode >> 3) & 7),
    entry('ACCESS', 'OTHER', mode & 7),
  ];
}

/** AclUtil.isMinimalAcl: exactly the three base entries. */
export function isMinimalAcl(entries: readonly AclEntry[]): boolean {
  return entries.length === 3;
}

/**
 * AclStorage.readINodeLogicalAcl (and AclUtil.getAclFromPermAndEntries, which getfacl uses): the
 * full ACL from the permission bits and the AclFeature's entries.
 */
export function logicalAcl(mode: number, feature: readonly AclEntry[]): AclEntry[] {
  const access = feature.filter((e) => e.scope === 'ACCESS');
  const defaults = feature.filter((e) => e.scope === 'DEFAULT').map((e) => ({ ...e }));
  if (access.length === 0) return [...minimalAcl(mode), ...defaults];
  return [
    entry('ACCESS', 'USER', (mode >> 6) & 7),
    ...access.map((e) => ({ ...e })),
    entry('ACCESS', 'MASK', (mode >> 3) & 7),
    entry('ACCESS', 'OTHER', mode & 7),
    ...defaults,
  ];
}

/** What an INode keeps of an ACL: its permission bits and its AclFeature's entries ([] = none). */
export interface StoredAcl {
  mode: number;
  feature: AclEntry[];
}

/**
 * AclStorage.updateINodeAcl: a full, valid, sorted ACL into permission bits (owner, mask or group,
 * other; the sticky bit kept) and feature entries. Only directories may have a default ACL.
 */
export function storeAcl(
  acl: readonly AclEntry[],
  current: { mode: number; isDirectory: boolean },
): StoredAcl {
  const sticky = current.mode & STICKY_BIT;
  const access = acl.filter((e) => e.scope === 'ACCESS');
  const defaults = acl.filter((e) => e.scope === 'DEFAULT');
  if (isMinimalAcl(acl)) return { mode: sticky | permissionBits(access, 1), feature: [] };
  if (defaults.length > 0 && !current.isDirectory)
    throw aclError('Invalid ACL: only directories may have a default ACL.');
  const named = isMinimalAcl(access) ? [] : access.slice(1, -2);
  const maskAt = isMinimalAcl(access) ? 1 : access.length - 2;
  return {
    mode: sticky | permissionBits(access, maskAt),
    feature: [...named, ...defaults].map((e) => ({ ...e })),
  };
}

/** Owner from the first entry, the group class from entries[groupAt], other from the last. */
function permissionBits(access: readonly AclEntry[], groupAt: number): number {
  return (access[0]!.permission << 6) | (access[groupAt]!.permission << 3) | access.at(-1)!.permission;
}

/**
 * AclStorage.removeINodeAcl: the permission bits once the feature is gone — the owning group's
 * entry goes back into the group bits, replacing the mask.
 */
export function removedAclMode(mode: number, feature: readonly AclEntry[]): number {
  const group = feature.find((e) => e.scope === 'ACCESS' && e.type === 'GROUP' && e.name === null);
  if (!group) return mode;
  return (mode & ~0o070) | (group.permission << 3);
}

/**
 * AclStorage.copyINodeDefaultAcl: a new child of a directory with a default ACL gets it as its
 * access ACL, the owner, mask (or group, for a minimal default) and other entries filtered by the
 * child's mode; a new directory also keeps it as its own default ACL. Null when the parent has no
 * default ACL (the child keeps its mode).
 */
export function inheritedAcl(
  parentFeature: readonly AclEntry[],
  child: { mode: number; isDirectory: boolean },
): StoredAcl | null {
  const defaults = parentFeature.filter((e) => e.scope === 'DEFAULT');
  if (defaults.length === 0) return null;
  const minimal = isMinimalAcl(defaults);
  const childBits = { USER: (child.mode >> 6) & 7, GROUP: (child.mode >> 3) & 7, OTHER: child.mode & 7 };
  const access = defaults.map((d): AclEntry => {
    let permission = d.permission;
    if (d.type === 'USER' && d.name === null) permission &= childBits.USER;
    else if (d.type === 'GROUP' && minimal) permission &= childBits.GROUP;
    else if (d.type === 'MASK') permission &= childBits.GROUP;
    else if (d.type === 'OTHER') permission &= childBits.OTHER;
    return { ...d, scope: 'ACCESS', permission };
  });
  const ownDefaults = child.isDirectory ? defaults.map((e) => ({ ...e })) : [];
  const sticky = child.mode & STICKY_BIT;
  if (isMinimalAcl(access) && ownDefaults.length === 0)
    return { mode: sticky | permissionBits(access, 1), feature: [] };
  return storeAcl([...access, ...ownDefaults], child);
}

// ------------------------------------------------------------------------------------------------
// AclTransformation: the four changes, each validated, sorted and with its masks calculated
// ------------------------------------------------------------------------------------------------

/** AclTransformation.mergeAclEntries (modifyAclEntries, `-setfacl -m`). */
export function mergeAclEntries(existing: readonly AclEntry[], spec: readonly AclEntry[]): AclEntry[] {
  const aclSpec = validatedSpec(spec);
  const b = new MaskState();
  const found: AclEntry[] = [];
  for (const e of existing) {
    const s = aclSpec.find((x) => sameKey(x, e));
    if (s) {
      found.push(s);
      b.changed(s);
    } else b.keep(e);
  }
  for (const s of aclSpec) if (!found.some((f) => sameKey(f, s))) b.changed(s);
  return b.build();
}

/** AclTransformation.filterAclEntriesByAclSpec (removeAclEntries, `-setfacl -x`). */
export function filterAclEntriesByAclSpec(
  existing: readonly AclEntry[],
  spec: readonly AclEntry[],
): AclEntry[] {
  const aclSpec = validatedSpec(spec);
  const b = new MaskState();
  for (const e of existing) {
    if (aclSpec.some((x) => sameKey(x, e))) b.removed(e);
    else b.keep(e);
  }
  return b.build();
}

/** AclTransformation.filterDefaultAclEntries (removeDefaultAcl, `-setfacl -k`). */
export function filterDefaultAclEntries(existing: readonly AclEntry[]): AclEntry[] {
  return buildAndValidate(existing.filter((e) => e.scope === 'ACCESS').map((e) => ({ ...e })));
}

/**
 * AclTransformation.replaceAclEntries (setAcl, `-setfacl --set`): each scope the spec names is
 * replaced; a scope it does not name is kept.
 */
export function replaceAclEntries(existing: readonly AclEntry[], spec: readonly AclEntry[]): AclEntry[] {
  const aclSpec = validatedSpec(spec);
  const b = new MaskState();
  for (const s of aclSpec) b.changed(s);
  for (const e of existing) if (!b.scopeDirty.has(e.scope)) b.keep(e);
  return b.build();
}

function validatedSpec(spec: readonly AclEntry[]): AclEntry[] {
  if (spec.length > ACL_ENTRIES_MAX) {
    throw aclError(
      `Invalid ACL: ACL spec has ${spec.length} entries, which exceeds maximum of ${ACL_ENTRIES_MAX}.`,
    );
  }
  return sorted(spec);
}

/** The builder AclTransformation's methods share: entries kept, masks provided, scopes changed. */
class MaskState {
  readonly entries: AclEntry[] = [];
  readonly providedMask = new Map<AclEntryScope, AclEntry>();
  readonly maskDirty = new Set<AclEntryScope>();
  readonly scopeDirty = new Set<AclEntryScope>();

  keep(e: AclEntry): void {
    if (e.type === 'MASK') this.providedMask.set(e.scope, { ...e });
    else this.entries.push({ ...e });
  }

  /** An entry of the spec: added or replacing one. */
  changed(e: AclEntry): void {
    this.scopeDirty.add(e.scope);
    if (e.type === 'MASK') {
      this.providedMask.set(e.scope, { ...e });
      this.maskDirty.add(e.scope);
    } else this.entries.push({ ...e });
  }

  removed(e: AclEntry): void {
    this.scopeDirty.add(e.scope);
    if (e.type === 'MASK') this.maskDirty.add(e.scope);
  }

  build(): AclEntry[] {
    copyDefaultsIfNeeded(this.entries);
    this.calculateMasks();
    return buildAndValidate(this.entries);
  }

  /**
   * AclTransformation.calculateMasks: a mask is required when a scope has named entries; a mask
   * given in the spec wins; otherwise a changed scope gets the union of its group-class entries.
   */
  private calculateMasks(): void {
    const found = new Set<AclEntryScope>();
    const union = new Map<AclEntryScope, number>();
    const needed = new Set<AclEntryScope>();
    for (const e of this.entries) {
      found.add(e.scope);
      if (e.type === 'GROUP' || e.name !== null) union.set(e.scope, (union.get(e.scope) ?? 0) | e.permission);
      if (e.name !== null) needed.add(e.scope);
    }
    for (const scope of SCOPES.filter((s) => found.has(s))) {
      const provided = this.providedMask.get(scope);
      if (!provided && needed.has(scope) && this.maskDirty.has(scope))
        throw aclError('Invalid ACL: mask is required, but it was deleted.');
      if (provided && (!this.scopeDirty.has(scope) || this.maskDirty.has(scope))) this.entries.push(provided);
      else if (needed.has(scope)) this.entries.push(entry(scope, 'MASK', union.get(scope) ?? 0));
    }
  }
}

/** AclTransformation.copyDefaultsIfNeeded: a default ACL lacking user, group or other copies the access entry. */
function copyDefaultsIfNeeded(entries: AclEntry[]): void {
  if (!entries.some((e) => e.scope === 'DEFAULT')) return;
  for (const type of ['USER', 'GROUP', 'OTHER'] as const) {
    const has = (scope: AclEntryScope): AclEntry | undefined =>
      entries.find((e) => e.scope === scope && e.type === type && e.name === null);
    const access = has('ACCESS');
    if (!has('DEFAULT') && access) entries.push({ ...access, scope: 'DEFAULT' });
  }
}

/** AclTransformation.buildAndValidateAcl: sorted, no duplicates, the base entries present. */
function buildAndValidate(entries: AclEntry[]): AclEntry[] {
  if (entries.length > ACL_ENTRIES_MAX) {
    throw aclError(
      `Invalid ACL: ACL has ${entries.length} entries, which exceeds maximum of ${ACL_ENTRIES_MAX}.`,
    );
  }
  const acl = sorted(entries);
  acl.forEach((e, i) => {
    if (i > 0 && sameKey(acl[i - 1]!, e))
      throw aclError('Invalid ACL: multiple entries with same scope, type and name.');
    if (e.name !== null && (e.type === 'MASK' || e.type === 'OTHER'))
      throw aclError(`Invalid ACL: this entry type must not have a name: ${aclEntryText(e)}.`);
  });
  const base = (scope: AclEntryScope): boolean =>
    (['USER', 'GROUP', 'OTHER'] as const).every((type) =>
      acl.some((e) => e.scope === scope && e.type === type && e.name === null),
    );
  if (!base('ACCESS')) throw aclError('Invalid ACL: the user, group and other entries are required.');
  if (acl.some((e) => e.scope === 'DEFAULT') && !base('DEFAULT'))
    throw aclError('Invalid default ACL: the user, group and other entries are required.');
  return acl;
}
