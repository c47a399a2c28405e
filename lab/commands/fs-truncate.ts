/**
 * `lab fs -truncate [-w] <length> <path> ...` — FsShell's Truncate: each file is cut to `length`
 * (ClientProtocol.truncate). On a block boundary the NameNode answers true at once: "Truncated …".
 * Inside a block it answers false while block recovery cuts the last block's replicas: "Truncating
 * … Wait for block recovery …", or with -w, once every path is done, "Waiting for …" until the
 * file's length is `length` (Truncate.waitForRecovery polls every second), then "Truncated …".
 */
import { RemoteError } from '../../cluster/protocol/errors.js';
import { CommandFormatError, parseOptionLong } from '../cli/hadoop-args.js';
import { out } from '../cli/output.js';
import {
  eachPath,
  opId,
  PATH_ERRORS,
  PathError,
  qualify,
  stat,
  type FsCommandSpec,
  type FsContext,
} from './fs-command.js';
import { TRUNCATE_WAIT_DEADLINE_MS } from '../../cluster/protocol/limits.js';

/** Truncate.waitForRecovery's poll interval. */
const TRUNCATE_POLL_MS = 1000;

export const TRUNCATE: FsCommandSpec = {
  usage: '-truncate [-w] <length> <path> ...',
  min: 2,
  run: async (a, ctx) => {
    const newLength = parseLength(a.operands[0] as string);
    const waitList: string[] = [];
    const code = await eachPath(ctx, a.operands.slice(1), async (p) => {
      const status = await stat(ctx, p);
      // Truncate.processPath: a directory, or a length past the end, is refused before the call.
      if (status.type === 'DIRECTORY') throw new PathError(p, PATH_ERRORS.isDirectory);
      if (newLength > status.length) {
        throw new CommandFormatError(
          `Cannot truncate to a larger file size. Current size: ${status.length}, truncate size: ${newLength}.`,
        );
      }
      const done = await ctx.client.truncate(qualify(p), newLength, opId('truncate'));
      if (done) out(`Truncated ${p} to length: ${newLength}`);
      else if (a.options.has('w')) waitList.push(p);
      else {
        out(
          `Truncating ${p} to length: ${newLength}. Wait for block recovery to complete before further updating this file.`,
        );
      }
    });
    for (const p of waitList) {
      out(`Waiting for ${p} ...`);
      await waitForLength(ctx, p, newLength);
      out(`Truncated ${p} to length: ${newLength}`);
    }
    return code;
  },
};

/** Truncate.processOptions: Long.parseLong, then "length must be >= 0". */
function parseLength(arg: string): number {
  if (!/^[+-]?\d+$/.test(arg))
    throw new CommandFormatError(`Illegal length, a non-negative integer expected: ${arg}`);
  const n = parseOptionLong(arg);
  if (n < 0) throw new CommandFormatError('length must be >= 0');
  return n;
}

async function waitForLength(ctx: FsContext, p: string, newLength: number): Promise<void> {
  const deadline = Date.now() + TRUNCATE_WAIT_DEADLINE_MS;
  for (;;) {
    if ((await stat(ctx, p)).length === newLength) return;
    if (Date.now() > deadline) {
      throw new RemoteError(
        'IOException',
        `${p} is still not ${newLength} bytes long after ${TRUNCATE_WAIT_DEADLINE_MS / 1000} s: its block recovery has not finished (see lab fsck ${qualify(p)} -openforwrite)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, TRUNCATE_POLL_MS));
  }
}
