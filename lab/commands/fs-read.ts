/**
 * `lab fs -head`, `-text` and `-getmerge`: FsShell's Head, Display.Text and CopyCommands.Merge.
 * They read files through the lab's DFSClient, block by block from the DataNodes.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { listAll } from '../../cluster/client/listing.js';
import type { FileStatus } from '../../cluster/protocol/types.js';
import { err } from '../cli/output.js';
import {
  childDisplay,
  eachPath,
  opId,
  PATH_ERRORS,
  PathError,
  shellError,
  stat,
  writeStdout,
  type FsCommandSpec,
  type FsContext,
} from './fs-command.js';

/** Head.endingOffset: the first kilobyte. */
const HEAD_BYTES = 1024;

/** A file's status, refusing a directory as PathIsDirectoryException. */
async function fileStatus(ctx: FsContext, p: string): Promise<FileStatus> {
  const status = await stat(ctx, p);
  if (status.type === 'DIRECTORY') throw new PathError(p, PATH_ERRORS.isDirectory);
  return status;
}

export const HEAD: FsCommandSpec = {
  usage: '-head <file>',
  description: 'Show the first 1KB of the file.\n',
  min: 1,
  max: 1,
  run: async (a, ctx) => {
    // Head.expandArgument: the path is taken literally, not as a glob.
    const p = a.operands[0] as string;
    try {
      const status = await fileStatus(ctx, p);
      let left = HEAD_BYTES;
      for await (const chunk of ctx.client.readFile(status.path, { opId: opId('head') })) {
        await writeStdout(chunk.subarray(0, left));
        left -= Math.min(left, chunk.length);
        if (left === 0) break;
      }
      return 0;
    } catch (error) {
      err(shellError(ctx.name, p, error));
      return 1;
    }
  },
};

/** The bytes of a file, decompressed as Display.Text does: gzip by its magic, zlib by `.deflate`. */
async function* textOf(ctx: FsContext, status: FileStatus): AsyncGenerator<Buffer> {
  const chunks = ctx.client.readFile(status.path, { opId: opId('text') });
  const first = await chunks.next();
  if (first.done) return;
  const all = (async function* () {
    yield first.value;
    yield* chunks;
  })();
  // Text.getInputStream: 0x1f8b (RFC 1952) is gzip; else the codec of the file's extension.
  const gzip = first.value.length >= 2 && first.value[0] === 0x1f && first.value[1] === 0x8b;
  const codec = gzip ? zlib.createGunzip() : status.path.endsWith('.deflate') ? zlib.createInflate() : null;
  if (codec === null) {
    yield* all;
    return;
  }
  yield* Readable.from(all).pipe(codec) as AsyncIterable<Buffer>;
}

export const TEXT: FsCommandSpec = {
  usage: '-text [-ignoreCrc] <src> ...',
  description:
    'Takes a source file and outputs the file in text format.\n' +
    'The allowed formats are zip and TextRecordInputStream and Avro.',
  min: 1,
  run: async (a, ctx) =>
    eachPath(ctx, a.operands, async (p) => {
      const status = await fileStatus(ctx, p);
      for await (const chunk of textOf(ctx, status)) await writeStdout(chunk);
    }),
};

export const GETMERGE: FsCommandSpec = {
  usage: '-getmerge [-nl] [-skip-empty-file] <src> <localdst>',
  local: 'destination',
  description:
    'Get all the files in the directories that match the source file pattern and merge and sort them ' +
    'to only one file on local fs. <src> is kept.\n' +
    '-nl: Add a newline character at the end of each file.\n' +
    '-skip-empty-file: Do not add new line character for empty file.',
  min: 2,
  run: async (a, ctx) => {
    const localDst = a.operands.at(-1) as string;
    if (fs.existsSync(localDst) && fs.statSync(localDst).isDirectory()) {
      err(shellError(ctx.name, localDst, new PathError(localDst, PATH_ERRORS.isDirectory)));
      return 1;
    }
    // Merge.processPath: a file is merged; a directory's files (not its subdirectories) are.
    const sources: FileStatus[] = [];
    const code = await eachPath(ctx, a.operands.slice(0, -1), async (p) => {
      const status = await stat(ctx, p);
      if (status.type !== 'DIRECTORY') {
        sources.push(status);
        return;
      }
      const children = (await listAll(ctx.session.namenode, status.path)) ?? [];
      const files = children.filter((c) => c.type !== 'DIRECTORY');
      files.sort((x, y) => compare(childDisplay(p, x.path), childDisplay(p, y.path)));
      sources.push(...files);
    });
    // Merge.processArguments: nothing is written when a source was missing.
    if (code !== 0) return code;
    const delimiter = a.options.has('nl') ? Buffer.from('\n') : null;
    const out = fs.createWriteStream(localDst);
    try {
      for (const source of sources) {
        if (source.length > 0) {
          for await (const chunk of ctx.client.readFile(source.path, { opId: opId('getmerge') }))
            await write(out, chunk);
        } else if (a.options.has('skip-empty-file')) continue;
        if (delimiter) await write(out, delimiter);
      }
    } finally {
      await new Promise<void>((resolve, reject) =>
        out.end((e?: Error | null) => (e ? reject(e) : resolve())),
      );
    }
    return 0;
  },
};

function compare(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

function write(out: fs.WriteStream, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.write(chunk, (e) => (e ? reject(e) : undefined))) resolve();
    else out.once('drain', () => resolve());
  });
}
