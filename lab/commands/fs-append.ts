/**
 * `lab fs -appendToFile <localsrc> ... <dst>` — FsShell's AppendToFile: creates `dst` when it does
 * not exist, then appends every local file (or stdin, given as `-`, which must then be the only
 * source) through one append stream (DFSClient.append: docs/wire.md, "Append").
 */
import fs from 'node:fs';
import path from 'node:path';
import { err } from '../cli/output.js';
import { localError, opId, qualify, shellError, type FsCommandSpec, type FsContext } from './fs-command.js';

export const APPEND_TO_FILE: FsCommandSpec = {
  usage: '-appendToFile <localsrc> ... <dst>',
  local: 'sources',
  run: (a, ctx) => appendToFile(a.operands, ctx),
};

async function appendToFile(operands: string[], ctx: FsContext): Promise<number> {
  // AppendToFile.processOptions: its own check and words, not CommandFormat's.
  if (operands.length < 2) {
    err('appendToFile: missing destination argument');
    return 1;
  }
  const dst = operands.at(-1) as string;
  const sources = operands.slice(0, -1);
  if (sources.includes('-') && sources.length > 1) {
    err('appendToFile: stdin (-) must be the sole input argument when present');
    return 1;
  }
  const id = opId('appendToFile');
  try {
    const existing = await ctx.session.namenode.call('getFileInfo', { src: qualify(dst) });
    if (!existing) await (await ctx.client.create(qualify(dst), { overwrite: false, opId: id })).close();
    const stream = await ctx.client.append(qualify(dst), { opId: id });
    try {
      for (const source of sources) {
        // PathData.toFile: the local path made absolute against the working directory.
        const input = source === '-' ? process.stdin : fs.createReadStream(path.resolve(source));
        for await (const chunk of input) await stream.write(chunk as Buffer);
      }
    } finally {
      await stream.close();
    }
  } catch (error) {
    // A local source that cannot be read: java.io.FileInputStream's words, as FsShell prints them.
    const local = localError(error);
    if (local?.path !== undefined) err(`appendToFile: ${local.path} (${local.text})`);
    else err(shellError('appendToFile', dst, error));
    return 1;
  }
  return 0;
}
