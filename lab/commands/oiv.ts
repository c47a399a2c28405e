/**
 * `lab oiv -p XML|Delimited|FileDistribution|Web -i FSIMAGE [-o OUT] [-addr HOST:PORT]` — HDFS's
 * Offline Image Viewer over an fsimage file (the running cluster's, or a copy): no cluster needed.
 * Without -o the output goes to stdout (Hadoop's `-o -`); `-p Web`, Hadoop's default, serves the
 * read-only WebHDFS ops over the image until Ctrl-C (oiv-web.ts); `-p ReverseXML -i XML -o FSIMAGE`
 * writes the image (and its .md5) back from the XML. The shared input/output handling of the offline viewers
 * (this and `lab oev`) lives here too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseXml, XmlSyntaxError } from '../../cluster/common/xml-tree.js';
import { decodeImage, encodeImage, ImageFormatError } from '../../cluster/namenode/fsimage/codec.js';
import { md5FileLine, md5Hex } from '../../cluster/namenode/fsimage/md5.js';
import { imageFromXml, ImageXmlError } from '../../cluster/namenode/fsimage/oiv-reverse.js';
import type { FsImage } from '../../cluster/namenode/fsimage/image.js';
import { imageToDelimited, imageToXml } from '../../cluster/namenode/fsimage/oiv.js';
import type { Command } from '../cli/commander.js';
import { UsageError } from '../cli/errors.js';
import { parseHadoopArgs, type HadoopArgs } from '../cli/hadoop-args.js';
import { runWebImageViewer, WEB_IMAGE_VIEWER_ADDR_DEFAULT } from './oiv-web.js';

const USAGE = `Usage: lab oiv [OPTIONS] -i INPUTFILE [-o OUTPUTFILE]
  -i,--inputFile <arg>   FSImage file to process (e.g. <home>/dfs/name/current/fsimage_<txid>)
  -o,--outputFile <arg>  Name of output file; stdout when absent or '-'
  -p,--processor <arg>   Web (the default) | XML | Delimited | FileDistribution | ReverseXML (the fsimage from its XML)
  -addr <arg>            Web: the address to listen on (default localhost:5978)
  -delimiter <arg>       Delimited: the field separator (default a tab)
  -step <arg>            FileDistribution: bucket width in bytes (default 2097152)
  -maxSize <arg>         FileDistribution: the largest size with its own bucket (default 137438953472)`;

/** FileDistributionCalculator's defaults: 2 MiB buckets up to 128 GiB. */
export const FILE_DISTRIBUTION_STEP_DEFAULT = 2_097_152;
export const FILE_DISTRIBUTION_MAX_SIZE_DEFAULT = 137_438_953_472;
/** Hadoop refuses more intervals than this (FileDistributionCalculator.MAX_INTERVALS). */
const FILE_DISTRIBUTION_INTERVALS_MAX = 10_000_000;

export function registerOiv(program: Command): void {
  program
    .command('oiv')
    .description(
      'view an fsimage file: -p XML | Delimited | FileDistribution -i FSIMAGE [-o OUT], or -p Web (read-only WebHDFS); -p ReverseXML back',
    )
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .argument('[args...]')
    .action(async (args: string[]) => {
      const parsed = parseViewerArgs('oiv', args, USAGE, ['delimiter', 'step', 'maxSize', 'addr']);
      const processor = (one(parsed, 'p') ?? 'Web').toUpperCase();
      const input = required(parsed, 'i', 'oiv', USAGE);
      if (processor === 'REVERSEXML') {
        reverseXml(input, one(parsed, 'o'));
        return;
      }
      const image = readImage(input);
      if (processor === 'WEB') {
        await runWebImageViewer(image, one(parsed, 'addr') ?? WEB_IMAGE_VIEWER_ADDR_DEFAULT);
        return;
      }
      let text: string;
      if (processor === 'XML') text = imageToXml(image);
      else if (processor === 'DELIMITED') {
        const delimiter = one(parsed, 'delimiter');
        text = imageToDelimited(image, delimiter === undefined ? {} : { delimiter });
      } else if (processor === 'FILEDISTRIBUTION') {
        text = fileDistribution(image, {
          step: wholeNumber(parsed, 'step', FILE_DISTRIBUTION_STEP_DEFAULT),
          maxSize: wholeNumber(parsed, 'maxSize', FILE_DISTRIBUTION_MAX_SIZE_DEFAULT),
        });
      } else {
        throw new UsageError(
          `oiv: the lab has no ${one(parsed, 'p')} processor; use -p Web, -p XML, -p Delimited, -p FileDistribution or -p ReverseXML`,
          USAGE,
        );
      }
      writeDumpOutput(one(parsed, 'o'), text);
    });
}

/**
 * The options both viewers take: -p, -i, -o (and their --long forms) plus `extra` one-value options
 * and `flags` (no value; each with its --long form, e.g. oev's `-f` / `--fix-txids`).
 */
export function parseViewerArgs(
  command: string,
  args: readonly string[],
  usage: string,
  extra: string[] = [],
  flags: Record<string, string> = {},
): HadoopArgs {
  const long: Record<string, string> = { '--processor': '-p', '--inputFile': '-i', '--outputFile': '-o' };
  for (const [name, longName] of Object.entries(flags)) long[`--${longName}`] = `-${name}`;
  const options = [
    ...['p', 'i', 'o', ...extra].map((name) => ({ name, values: 1 })),
    ...Object.keys(flags).map((name) => ({ name })),
  ];
  const parsed = parseHadoopArgs(
    args.map((a) => long[a] ?? a),
    { command, usage, options },
  );
  if (parsed.operands.length > 0)
    throw new UsageError(`${command}: unexpected argument ${parsed.operands[0]}`, usage);
  return parsed;
}

export function one(parsed: HadoopArgs, name: string): string | undefined {
  return parsed.options.get(name)?.at(-1);
}

export function required(parsed: HadoopArgs, name: string, command: string, usage: string): string {
  const value = one(parsed, name);
  if (value === undefined) throw new UsageError(`${command}: Missing required option: ${name}`, usage);
  return value;
}

function wholeNumber(parsed: HadoopArgs, name: string, fallback: number): number {
  const text = one(parsed, name);
  if (text === undefined) return fallback;
  if (!/^[1-9]\d*$/.test(text))
    throw new UsageError(`oiv: -${name} expects a positive whole number, got '${text}'`, USAGE);
  return Number(text);
}

/** Reads an offline viewer's input; a missing or unreadable file is a usage error saying what was expected. */
export function readDumpInput(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(
      `cannot read ${file} (${code}); expected ${what}, e.g. one listed by \`ls $LAB_HOME/dfs/name/current\``,
    );
  }
}

/** `-o FILE` writes the file; no -o (or `-o -`) writes stdout. */
export function writeDumpOutput(target: string | undefined, text: string | Uint8Array): void {
  if (target === undefined || target === '-') {
    process.stdout.write(text);
    return;
  }
  try {
    fs.writeFileSync(target, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot write ${target} (${code})`);
  }
}

/**
 * `-p ReverseXML` (OfflineImageReconstructor): the fsimage rebuilt from oiv's XML, and beside it the
 * `.md5` file MD5FileUtils.saveMD5File writes, so the NameNode can load it as `fsimage_<txid>`.
 */
function reverseXml(input: string, output: string | undefined): void {
  if (output === undefined || output === '-') {
    throw new UsageError(
      'oiv: -p ReverseXML writes an fsimage: name it with -o FILE (e.g. fsimage_<19-digit txid>)',
      USAGE,
    );
  }
  const text = readDumpInput(input, 'the XML of an fsimage (`lab oiv -p XML -o FILE`)').toString('utf8');
  let bytes: Buffer;
  try {
    bytes = encodeImage(imageFromXml(parseXml(text)));
  } catch (error) {
    if (
      error instanceof XmlSyntaxError ||
      error instanceof ImageXmlError ||
      error instanceof ImageFormatError
    )
      throw new UsageError(`oiv: ${input}: not the XML of an fsimage: ${error.message}`);
    throw error;
  }
  writeDumpOutput(output, bytes);
  writeDumpOutput(`${output}.md5`, md5FileLine(md5Hex(bytes), path.basename(output)));
}

function readImage(file: string): FsImage {
  const bytes = readDumpInput(file, 'an fsimage file (fsimage_<19-digit txid>)');
  try {
    return decodeImage(bytes);
  } catch (error) {
    const hint = /edits/.test(file) ? ' This looks like an edit log segment: dump it with `lab oev -i`.' : '';
    const detail =
      error instanceof ImageFormatError ? error.message : `unreadable image (${(error as Error).message})`;
    throw new UsageError(`oiv: ${file}: ${detail}.${hint}`);
  }
}

/**
 * `hdfs oiv -p FileDistribution` (FileDistributionCalculator): files counted in buckets of `step`
 * bytes by length (bucket = ceil(length / step), the last one for everything above maxSize), then
 * totals; totalSpace counts every replica (length × replication).
 */
export function fileDistribution(image: FsImage, options: { step: number; maxSize: number }): string {
  const intervals = Math.floor(options.maxSize / options.step);
  if (intervals > FILE_DISTRIBUTION_INTERVALS_MAX) {
    throw new UsageError(
      `oiv: too many distribution intervals (maxSize/step = ${intervals}, should be less than ${FILE_DISTRIBUTION_INTERVALS_MAX})`,
    );
  }
  const distribution = new Map<number, number>();
  let totalFiles = 0;
  let totalDirectories = 0;
  let totalBlocks = 0;
  let totalSpace = 0;
  let maxFileSize = 0;
  for (const inode of image.inodes) {
    if (inode.type === 'DIRECTORY') {
      totalDirectories++;
      continue;
    }
    if (!inode.file) continue;
    totalFiles++;
    totalBlocks += inode.file.blocks.length;
    const size = inode.file.blocks.reduce((sum, b) => sum + b.numBytes, 0);
    maxFileSize = Math.max(maxFileSize, size);
    totalSpace += size * inode.file.replication;
    const bucket = Math.min(size > options.maxSize ? intervals : Math.ceil(size / options.step), intervals);
    distribution.set(bucket, (distribution.get(bucket) ?? 0) + 1);
  }
  const lines = ['Processed 0 inodes.', 'Size\tNumFiles'];
  for (const bucket of [...distribution.keys()].sort((a, b) => a - b)) {
    lines.push(`${bucket * options.step}\t${distribution.get(bucket)}`);
  }
  lines.push(
    `totalFiles = ${totalFiles}`,
    `totalDirectories = ${totalDirectories}`,
    `totalBlocks = ${totalBlocks}`,
    `totalSpace = ${totalSpace}`,
    `maxFileSize = ${maxFileSize}`,
  );
  return lines.join('\n') + '\n';
}
