/**
 * `lab fs -setfacl` / `-getfacl` (FsShell's AclCommands). getfacl prints `# file:`, `# owner:`,
 * `# group:` (and `# flags:` for a sticky directory), the access ACL, the default ACL, and an empty
 * line; an entry the mask narrows gets a tab and `#effective:` with what it really grants.
 */
import {
  aclEntryText,
  fsActionSymbol,
  logicalAcl,
  parseAclSpec,
  type AclEntry,
} from '../../cluster/namenode/acl.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import type { FileStatus } from '../../cluster/protocol/types.js';
import { UsageError } from '../cli/errors.js';
import { out } from '../cli/output.js';
import { eachPath, listRecursive, opId, stat, type FsCommandSpec, type FsContext } from './fs-command.js';

/** The paths a command works on: the one named, and with -R everything below a directory. */
async function targets(
  ctx: FsContext,
  p: string,
  recursive: boolean,
): Promise<{ shown: string; status: FileStatus }[]> {
  const status = await stat(ctx, p);
  const items = [{ shown: p, status }];
  if (recursive && status.type === 'DIRECTORY') items.push(...(await listRecursive(ctx, status.path, p)));
  return items;
}

/** GetfaclCommand.printAclEntriesForSingleScope: a narrowed entry shows `#effective:`. */
export function aclScopeLines(entries: readonly AclEntry[]): string[] {
  if (entries.length <= 3) return entries.map(aclEntryText);
  // The ACL's order puts the mask second to last.
  const mask = entries.at(-2)!.permission;
  return entries.map((e) => {
    const masked = e.type !== 'MASK' && (e.name !== null || e.type === 'GROUP');
    const effective = e.permission & mask;
    return masked && effective !== e.permission
      ? `${aclEntryText(e)}\t#effective:${fsActionSymbol(effective)}`
      : aclEntryText(e);
  });
}

/** GetfaclCommand.processPath's lines for one path. */
export function getfaclLines(
  shown: string,
  status: FileStatus,
  featureEntries: readonly AclEntry[],
): string[] {
  const mode = status.permission;
  const lines = [`# file: ${shown}`, `# owner: ${status.owner}`, `# group: ${status.group}`];
  if (mode & 0o1000) lines.push(`# flags: --${mode & 1 ? 't' : 'T'}`);
  const acl = logicalAcl(mode, featureEntries);
  lines.push(...aclScopeLines(acl.filter((e) => e.scope === 'ACCESS')));
  lines.push(...aclScopeLines(acl.filter((e) => e.scope === 'DEFAULT')));
  lines.push('');
  return lines;
}

export const GETFACL: FsCommandSpec = {
  usage: '-getfacl [-R] <path>',
  run: async (a, ctx) => {
    if (a.operands.length === 0)
      throw new UsageError('-getfacl: <path> is missing', `Usage: lab fs ${GETFACL.usage}`);
    if (a.operands.length > 1)
      throw new UsageError('-getfacl: Too many arguments', `Usage: lab fs ${GETFACL.usage}`);
    return eachPath(ctx, a.operands, async (p) => {
      for (const item of await targets(ctx, p, a.options.has('R'))) {
        const entries = item.status.hasAcl
          ? (
              await ctx.session.namenode.call(
                'getAclStatus',
                { src: item.status.path },
                { opId: opId('getfacl') },
              )
            ).entries
          : [];
        for (const line of getfaclLines(item.shown, item.status, entries)) out(line);
      }
    });
  },
};

type SetfaclAction = 'removeAcl' | 'removeDefaultAcl' | 'modifyAclEntries' | 'removeAclEntries' | 'setAcl';

/** SetfaclCommand.processOptions: which call, and the ACL spec it needs. */
function setfaclAction(a: { options: Map<string, string[]>; operands: string[] }): {
  action: SetfaclAction | null;
  spec: AclEntry[];
  path: string;
} {
  const has = (o: string): boolean => a.options.has(o);
  const usage = (message: string): UsageError =>
    new UsageError(`-setfacl: ${message}`, `Usage: lab fs ${SETFACL.usage}`);
  const remove = has('b') || has('k');
  const modify = has('m') || has('x');
  if (
    (has('b') && has('k')) ||
    (has('m') && has('x')) ||
    (remove && modify) ||
    (has('-set') && (remove || modify))
  )
    throw usage('Specified flags contains both remove and modify flags');
  const operands = [...a.operands];
  let spec: AclEntry[] = [];
  if (modify || has('-set')) {
    if (operands.length < 2) throw usage('<acl_spec> is missing');
    try {
      spec = parseAclSpec(operands.shift()!, !has('x'));
    } catch (error) {
      if (error instanceof RemoteError) throw usage(error.message);
      throw error;
    }
  }
  if (operands.length === 0) throw usage('<path> is missing');
  if (operands.length > 1) throw usage('Too many arguments');
  // Without a flag SetfaclCommand.processPath does nothing.
  const action: SetfaclAction | null = has('b')
    ? 'removeAcl'
    : has('k')
      ? 'removeDefaultAcl'
      : has('m')
        ? 'modifyAclEntries'
        : has('x')
          ? 'removeAclEntries'
          : has('-set')
            ? 'setAcl'
            : null;
  return { action, spec, path: operands[0]! };
}

export const SETFACL: FsCommandSpec = {
  usage: '-setfacl [-R] [{-b|-k} {-m|-x <acl_spec>} <path>]|[--set <acl_spec> <path>]',
  options: [{ name: 'R' }, { name: 'b' }, { name: 'k' }, { name: 'm' }, { name: 'x' }, { name: '-set' }],
  run: async (a, ctx) => {
    const { action, spec, path } = setfaclAction(a);
    // -R gives files only the access entries: only directories may have a default ACL.
    const accessOnly = spec.filter((e) => e.scope === 'ACCESS');
    return eachPath(ctx, [path], async (p) => {
      for (const item of await targets(ctx, p, a.options.has('R'))) {
        const src = item.status.path;
        const call = { opId: opId('setfacl') };
        if (action === null) continue;
        if (action === 'removeAcl' || action === 'removeDefaultAcl') {
          await ctx.session.namenode.call(action, { src }, call);
          continue;
        }
        const entries = a.options.has('R') && item.status.type !== 'DIRECTORY' ? accessOnly : spec;
        if (entries.length > 0) await ctx.session.namenode.call(action, { src, aclSpec: entries }, call);
      }
    });
  },
};
