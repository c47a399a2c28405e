/**
 * An ACL entry as text, both ways (hadoop-common's AclEntry and FsAction): what `-getfacl` and
 * oiv/oev print and what `-setfacl` reads. The vocabulary's text form, below the NameNode's ACL
 * rules (namenode/acl.ts), so the fsimage and edit-log viewers can use it too.
 */
import { RemoteError } from './errors.js';
import type { AclEntry, AclEntryScope, AclEntryType } from './messages.js';

/** AclEntryType in its declaration order, which AclTransformation's comparator sorts by. */
export const ACL_ENTRY_TYPES: readonly AclEntryType[] = ['USER', 'GROUP', 'MASK', 'OTHER'];
/** FsAction.SYMBOL by ordinal (the ordinal is the rwx bits). */
const SYMBOLS = ['---', '--x', '-w-', '-wx', 'r--', 'r-x', 'rw-', 'rwx'] as const;

export function fsActionSymbol(bits: number): string {
  return SYMBOLS[bits & 7]!;
}

/** FsAction.getFsAction: the bits of `rwx`-style text, or null when it is not one of the eight. */
export function fsActionOfSymbol(text: string): number | null {
  const i = SYMBOLS.indexOf(text as (typeof SYMBOLS)[number]);
  return i < 0 ? null : i;
}

/** AclEntry.toStringStable: `default:user:bruce:rwx`, `group::r-x`, `mask::rw-`. */
export function aclEntryText(e: AclEntry): string {
  const scope = e.scope === 'DEFAULT' ? 'default:' : '';
  return `${scope}${e.type.toLowerCase()}:${e.name ?? ''}:${fsActionSymbol(e.permission)}`;
}

/**
 * AclEntry.parseAclSpec: comma-separated `[default:]type:[name][:perm]`; the permission is
 * required for -m and --set and absent for -x. Throws HadoopIllegalArgumentException in HDFS's words.
 */
export function parseAclSpec(spec: string, includePermission: boolean): AclEntry[] {
  return spec
    .split(',')
    .filter((s) => s !== '')
    .map((s) => parseAclEntry(s, includePermission));
}

function parseAclEntry(text: string, includePermission: boolean): AclEntry {
  const invalid = (what = 'Invalid <aclSpec> : '): RemoteError =>
    new RemoteError('HadoopIllegalArgumentException', `${what}${text}`);
  const split = javaSplit(text, ':');
  if (split.length === 0) throw invalid();
  let index = 0;
  let scope: AclEntryScope = 'ACCESS';
  if (split[0] === 'default') {
    index++;
    scope = 'DEFAULT';
  }
  if (split.length <= index) throw invalid();
  const type = split[index]!.toUpperCase() as AclEntryType;
  if (!ACL_ENTRY_TYPES.includes(type)) throw invalid('Invalid type of acl in <aclSpec> :');
  index++;
  let name: string | null = null;
  if (split.length > index) {
    if (split[index] !== '') name = split[index]!;
    index++;
  }
  let permission = 0;
  if (includePermission) {
    if (split.length <= index) throw invalid();
    const bits = fsActionOfSymbol(split[index]!);
    if (bits === null) throw invalid('Invalid permission in <aclSpec> : ');
    permission = bits;
    index++;
  }
  if (split.length > index) throw invalid();
  return { scope, type, name, permission };
}

/** Java's String.split: trailing empty strings are dropped ("user:bob:" → ["user", "bob"]). */
function javaSplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts.at(-1) === '') parts.pop();
  return parts;
}
