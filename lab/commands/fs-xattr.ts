/**
 * `lab fs -setfattr` / `-getfattr` (FsShell's XAttrCommands): values are written as XAttrCodec
 * reads them ("text" in quotes, 0x… hex, 0s… base64, anything else as text) and printed as
 * `# file: <path>` then `name=<value>` in the encoding asked for (-e text|hex|base64).
 */
import {
  decodeXAttrValue,
  encodeXAttrValue,
  parseXAttrName,
  type XAttrEncoding,
} from '../../cluster/namenode/xattr.js';
import type { XAttr } from '../../cluster/protocol/messages.js';
import { UsageError } from '../cli/errors.js';
import { out } from '../cli/output.js';
import { eachPath, listRecursive, opId, stat, type FsCommandSpec } from './fs-command.js';

type Encoding = XAttrEncoding;

export { decodeXAttrValue, encodeXAttrValue };

/** GetfattrCommand.printXAttr: `name=value`, just `name` for an empty value. */
export function xattrLine(name: string, value: Buffer, encoding: Encoding): string {
  return value.length === 0 ? name : `${name}=${encodeXAttrValue(value, encoding)}`;
}

const prefixed = (x: XAttr): string => `${x.namespace.toLowerCase()}.${x.name}`;

export const SETFATTR: FsCommandSpec = {
  usage: '-setfattr {-n name [-v value] | -x name} <path>',
  min: 1,
  max: 1,
  run: async (a, ctx) => {
    const set = a.options.get('n')?.[0];
    const remove = a.options.get('x')?.[0];
    if ((set === undefined) === (remove === undefined))
      throw new UsageError('-setfattr: Must specify either -n or -x', `Usage: lab fs ${SETFATTR.usage}`);
    return eachPath(ctx, a.operands, async (p) => {
      const status = await stat(ctx, p);
      if (remove !== undefined) {
        const x = parseXAttrName(remove);
        await ctx.session.namenode.call(
          'removeXAttr',
          { src: status.path, xattr: x },
          { opId: opId('setfattr') },
        );
        return;
      }
      const x = parseXAttrName(set!);
      const given = a.options.get('v')?.[0];
      const value = given === undefined ? Buffer.alloc(0) : decodeXAttrValue(given);
      await ctx.session.namenode.call(
        'setXAttr',
        {
          src: status.path,
          xattr: { ...x, value: value.toString('base64') },
          flags: { create: true, replace: true },
        },
        { opId: opId('setfattr') },
      );
    });
  },
};

export const GETFATTR: FsCommandSpec = {
  usage: '-getfattr [-R] {-n name | -d} [-e en] <path>',
  min: 1,
  max: 1,
  run: async (a, ctx) => {
    const name = a.options.get('n')?.[0];
    const dump = a.options.has('d');
    if (name === undefined && !dump)
      throw new UsageError(
        '-getfattr: Must specify -n name or -d option.',
        `Usage: lab fs ${GETFATTR.usage}`,
      );
    const en = (a.options.get('e')?.[0] ?? 'text').toLowerCase();
    if (en !== 'text' && en !== 'hex' && en !== 'base64') {
      throw new UsageError(
        `-getfattr: Invalid/unsupported encoding option specified: ${a.options.get('e')?.[0]}`,
        `Usage: lab fs ${GETFATTR.usage}`,
      );
    }
    const encoding: Encoding = en;
    return eachPath(ctx, a.operands, async (p) => {
      const status = await stat(ctx, p);
      const items = [{ shown: p, path: status.path }];
      if (a.options.has('R') && status.type === 'DIRECTORY') {
        for (const e of await listRecursive(ctx, status.path, p))
          items.push({ shown: e.shown, path: e.status.path });
      }
      for (const item of items) {
        const wanted = name === undefined ? [] : [parseXAttrName(name)];
        const xattrs = await ctx.session.namenode.call(
          'getXAttrs',
          { src: item.path, xattrs: wanted },
          { opId: opId('getfattr') },
        );
        out(`# file: ${item.shown}`);
        for (const x of xattrs) {
          const label = name ?? prefixed(x);
          out(xattrLine(label, Buffer.from(x.value ?? '', 'base64'), encoding));
        }
      }
    });
  },
};
