/**
 * `lab fs -chmod`, `-chown`, `-chgrp` (FsShellPermissions): `[-R]`, a mode or owner first, then
 * paths. Modes are ChmodParser's: octal (`755`, `1777`) or symbolic (`u+x,go-w`, `a=r`, `+t`, `X`),
 * with no umask; an unchanged file gets no RPC, as Hadoop skips it.
 */
import type { FileStatus } from '../../cluster/protocol/types.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import { CommandFormatError, type HadoopArgs } from '../cli/hadoop-args.js';
import {
  eachPath,
  listRecursive,
  opId,
  qualify,
  stat,
  type FsCommandSpec,
  type FsContext,
} from './fs-command.js';

/** ChmodParser's two patterns: `[+][01]ddd`, and `[ugoa]*[+=-]+[rwxXt]+` separated by commas. */
const OCTAL_MODE = /^\s*[+]?([01]?)([0-7]{3})\s*$/;
const SYMBOLIC_MODE = /\s*([ugoa]*)([+=-]+)([rwxXt]+)([,\s]*)\s*/y;

interface Segment {
  /** '+', '-' or '='. */
  type: string;
  /** rwx bits, with 8 for X (execute only where it makes sense). */
  mode: number;
}

/** How a mode string changes a permission: sticky, user, group and other segments. */
export interface ModeChange {
  sticky: Segment;
  user: Segment;
  group: Segment;
  other: Segment;
}

/** Parses a -chmod mode as PermissionParser does; throws the IllegalArgumentException text. */
export function parseChmodMode(text: string): ModeChange {
  const keep = (): Segment => ({ type: '+', mode: 0 });
  const change: ModeChange = { sticky: keep(), user: keep(), group: keep(), other: keep() };
  SYMBOLIC_MODE.lastIndex = 0;
  let match: RegExpExecArray | null = SYMBOLIC_MODE.exec(text);
  if (match) {
    for (;;) {
      const who: string = match[1] ?? '';
      const ops: string = match[2] ?? '';
      const perms: string = match[3] ?? '';
      const separator: string = match[4] ?? '';
      const type = ops.at(-1) as string;
      const all = !/[ugo]/.test(who);
      let mode = 0;
      for (const c of perms) mode |= c === 'r' ? 4 : c === 'w' ? 2 : c === 'x' ? 1 : c === 'X' ? 8 : 0;
      if (all || who.includes('u')) change.user = { type, mode };
      if (all || who.includes('g')) change.group = { type, mode };
      if (all || who.includes('o')) {
        change.other = { type, mode };
        change.sticky = { type, mode: perms.includes('t') ? 1 : 0 };
      }
      if (SYMBOLIC_MODE.lastIndex >= text.length) return change;
      // Another clause must follow a comma.
      match = separator.includes(',') ? SYMBOLIC_MODE.exec(text) : null;
      if (!match) throw badMode(text);
    }
  }
  const octal = OCTAL_MODE.exec(text);
  if (!octal) throw badMode(text);
  const [, sticky = '', digits = ''] = octal;
  const digit = (i: number): Segment => ({ type: '=', mode: Number(digits[i]) });
  return {
    sticky: { type: '=', mode: sticky === '' ? 0 : Number(sticky) },
    user: digit(0),
    group: digit(1),
    other: digit(2),
  };
}

function badMode(text: string): CommandFormatError {
  // Chmod.processOptions rewrites ChmodParser's exception with this text.
  return new CommandFormatError(`chmod : mode '${text}' does not match the expected pattern.`);
}

/** PermissionParser.combineModeSegments: one rwx triple. */
function combine(segment: Segment, existing: number, executeOk: boolean): number {
  let mode = segment.mode;
  const capitalX = (mode & 8) !== 0;
  if (capitalX) mode = (mode & ~8) | 1;
  if (segment.type === '+') mode |= existing;
  else if (segment.type === '-') mode = ~mode & existing;
  if (capitalX && !executeOk && (mode & 1) !== 0 && (existing & 1) === 0) mode &= ~1;
  return mode & 7;
}

/** ChmodParser.applyNewPermission: X sets execute on directories and on files already executable. */
export function applyMode(change: ModeChange, existing: number, isDirectory: boolean): number {
  const executeOk = isDirectory || (existing & 0o111) !== 0;
  return (
    (combine(change.sticky, (existing >>> 9) & 1, false) << 9) |
    (combine(change.user, (existing >>> 6) & 7, executeOk) << 6) |
    (combine(change.group, (existing >>> 3) & 7, executeOk) << 3) |
    combine(change.other, existing & 7, executeOk)
  );
}

/** Runs `body` on each path and, with -R, on everything under it (parents first). */
async function eachTarget(
  a: HadoopArgs,
  ctx: FsContext,
  body: (status: FileStatus, shown: string) => Promise<void>,
): Promise<number> {
  return eachPath(ctx, a.operands.slice(1), async (p) => {
    const status = await stat(ctx, p);
    await body(status, p);
    if (!a.options.has('R') || status.type !== 'DIRECTORY') return;
    for (const entry of await listRecursive(ctx, status.path, p)) await body(entry.status, entry.shown);
  });
}

/** FsShellPermissions wraps a refused change as `changing permissions of 'PATH': <reason>`. */
async function changing(what: string, shown: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof RemoteError)) throw error;
    throw new RemoteError(error.errorClass, `changing ${what} of '${shown}': ${error.message}`);
  }
}

export const CHMOD: FsCommandSpec = {
  usage: '-chmod [-R] <MODE[,MODE]... | OCTALMODE> PATH...',
  description:
    "Changes permissions of a file. This works similar to the shell's chmod command with a few exceptions.\n" +
    '-R: modifies the files recursively. This is the only option currently supported.\n' +
    "<MODE>: Mode is the same as mode used for the shell's command. The only letters recognized are " +
    "'rwxXt', e.g. +t,a+r,g-w,+rwx,o=r.\n" +
    '<OCTALMODE>: Mode specifed in 3 or 4 digits. If 4 digits, the first may be 1 or 0 to turn the ' +
    'sticky bit on or off, respectively.  Unlike the shell command, it is not possible to specify ' +
    'only part of the mode, e.g. 754 is same as u=rwx,g=rx,o=r.\n\n' +
    "If none of 'augo' is specified, 'a' is assumed and unlike the shell command, no umask is applied.",
  min: 2,
  ignoreUnknownOptions: true,
  run: async (a, ctx) => {
    const change = parseChmodMode(a.operands[0] as string);
    return eachTarget(a, ctx, async (status, shown) => {
      const existing = status.permission & 0o1777;
      const permission = applyMode(change, existing, status.type === 'DIRECTORY');
      if (permission === existing) return;
      await changing('permissions', shown, () =>
        ctx.session.namenode.call('setPermission', { src: status.path, permission }, { opId: opId('chmod') }),
      );
    });
  },
};

/** FsShellPermissions.allowedChars on a Unix client. */
const NAME_CHARS = '[-+_./@a-zA-Z0-9]';
const OWNER_GROUP = new RegExp(`^\\s*(${NAME_CHARS}+)?([:](${NAME_CHARS}*))?\\s*$`);
const GROUP_ONLY = new RegExp(`^\\s*(${NAME_CHARS}+)\\s*$`);

/** Chown.parseOwnerGroup: `[OWNER][:[GROUP]]`. */
export function parseOwnerGroup(text: string): { owner: string | null; group: string | null } {
  const m = OWNER_GROUP.exec(text);
  if (!m) throw new CommandFormatError(`'${text}' does not match expected pattern for [owner][:group].`);
  const owner = m[1] ?? null;
  const group = m[3] === undefined || m[3] === '' ? null : m[3];
  if (owner === null && group === null)
    throw new CommandFormatError(`'${text}' does not specify owner or group.`);
  return { owner, group };
}

function chownSpec(
  usage: string,
  description: string,
  parse: (text: string) => { owner: string | null; group: string | null },
): FsCommandSpec {
  const spec: FsCommandSpec = {
    usage,
    description,
    min: 2,
    run: async (a, ctx) => {
      const { owner, group } = parse(a.operands[0] as string);
      return eachTarget(a, ctx, async (status, shown) => {
        // Chown.processPath sends only what differs.
        const username = owner === null || owner === status.owner ? null : owner;
        const groupname = group === null || group === status.group ? null : group;
        if (username === null && groupname === null) return;
        await changing('ownership', shown, () =>
          ctx.session.namenode.call(
            'setOwner',
            { src: qualify(status.path), username, groupname },
            { opId: opId('chown') },
          ),
        );
      });
    },
  };
  return spec;
}

export const CHOWN = chownSpec(
  '-chown [-R] [OWNER][:[GROUP]] PATH...',
  "Changes owner and group of a file. This is similar to the shell's chown command with a few " +
    'exceptions.\n' +
    '-R: modifies the files recursively. This is the only option currently supported.\n\n' +
    'If only the owner or group is specified, then only the owner or group is modified. The owner ' +
    `and group names may only consist of digits, alphabet, and any of ${NAME_CHARS}. The names are ` +
    'case sensitive.\n\n' +
    "WARNING: Avoid using '.' to separate user name and group though Linux allows it. If user names " +
    'have dots in them and you are using local file system, you might see surprising results since ' +
    "the shell command 'chown' is used for local files.",
  parseOwnerGroup,
);

export const CHGRP = chownSpec(
  '-chgrp [-R] GROUP PATH...',
  'This is equivalent to -chown ... :GROUP ...',
  (text) => {
    const m = GROUP_ONLY.exec(text);
    if (!m) throw new CommandFormatError(`'${text}' does not match expected pattern for group`);
    return { owner: null, group: m[1] as string };
  },
);
