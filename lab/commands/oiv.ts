/**
 * `lab oiv -p XML|Delimited|FileDistribution|DetectCorruption|Web -i FSIMAGE [-o OUT] [-addr HOST:PORT]` — HDFS's
 * Offline Image Viewer over an fsimage file (the running cluster's, or a copy): no cluster needed.
 * Without -o the output goes to stdout (Hadoop's `-o -`); `-p Web`, Hadoop's default, serves the
 * read-only WebHDFS ops over the image until Ctrl-C (oiv-web.ts); `-p ReverseXML -i XML -o FSIMAGE`
 * writes the image (and its .md5) back from the XML. The command line, usage and exit codes are
 * OfflineImageViewerPB.run's (offline-viewer.ts): no generic options, as its main() has none.
 */
import path from 'node:path';
import { parseXml, XmlSyntaxError } from '../../cluster/common/xml-tree.js';
import { decodeImage, encodeImage, ImageFormatError } from '../../cluster/namenode/fsimage/codec.js';
import { md5FileLine, md5Hex } from '../../cluster/namenode/fsimage/md5.js';
import { imageFromXml, ImageXmlError } from '../../cluster/namenode/fsimage/oiv-reverse.js';
import type { FsImage } from '../../cluster/namenode/fsimage/image.js';
import { imageToDelimited, imageToXml } from '../../cluster/namenode/fsimage/oiv.js';
import { imageCorruptions } from '../../cluster/namenode/fsimage/oiv-corruption.js';
import type { Command } from '../cli/commander.js';
import { CommandExit } from '../cli/errors.js';
import { registerHadoopCommand } from '../cli/hadoop-command.js';
import { err } from '../cli/output.js';
import {
  parseViewerCommandLine,
  readDumpInput,
  runViewer,
  VIEWER_FAILED,
  ViewerFailure,
  writeDumpOutput,
  type ViewerOptions,
  type ViewerSpec,
} from './offline-viewer.js';
import { runWebImageViewer, WEB_IMAGE_VIEWER_ADDR_DEFAULT } from './oiv-web.js';

/**
 * OfflineImageViewerPB's usage (Hadoop 3.3, `lab oiv` for `bin/hdfs oiv`, the processors the lab
 * has), printed with println.
 */
const USAGE =
  'Usage: lab oiv [OPTIONS] -i INPUTFILE -o OUTPUTFILE\n' +
  'Offline Image Viewer\n' +
  'View a Hadoop fsimage INPUTFILE using the specified PROCESSOR,\n' +
  'saving the results in OUTPUTFILE.\n' +
  '\n' +
  'The oiv utility will attempt to parse correctly formed image files\n' +
  'and will abort fail with mal-formed image files.\n' +
  '\n' +
  'The tool works offline and does not require a running cluster in\n' +
  'order to process an image file.\n' +
  '\n' +
  'The following image processors are available:\n' +
  '  * XML: This processor creates an XML document with all elements of\n' +
  '    the fsimage enumerated, suitable for further analysis by XML\n' +
  '    tools.\n' +
  '  * ReverseXML: This processor takes an XML file and creates a\n' +
  '    binary fsimage containing the same elements.\n' +
  '  * FileDistribution: This processor analyzes the file size\n' +
  '    distribution in the image.\n' +
  '    -maxSize specifies the range [0, maxSize] of file sizes to be\n' +
  '     analyzed (128GB by default).\n' +
  '    -step defines the granularity of the distribution. (2MB by default)\n' +
  '    -format formats the output result in a human-readable fashion\n' +
  '     rather than a number of bytes. (false by default)\n' +
  '  * Web: Run a viewer to expose read-only WebHDFS API.\n' +
  '    -addr specifies the address to listen. (localhost:5978 by default)\n' +
  '    It does not support secure mode nor HTTPS.\n' +
  '  * Delimited (experimental): Generate a text file with all of the elements common\n' +
  '    to both inodes and inodes-under-construction, separated by a\n' +
  '    delimiter. The default delimiter is \\t, though this may be\n' +
  '    changed via the -delimiter argument.\n' +
  '  * DetectCorruption: Detect potential corruption of the image by\n' +
  '    selectively loading parts of it and actively searching for\n' +
  '    inconsistencies. Outputs a summary of the found corruptions\n' +
  '    in a delimited format.\n' +
  '    Note that the check is not exhaustive, and only catches\n' +
  '    missing nodes during the namespace reconstruction.\n' +
  '\n' +
  'Required command line arguments:\n' +
  '-i,--inputFile <arg>   FSImage or XML file to process.\n' +
  '\n' +
  'Optional command line arguments:\n' +
  '-o,--outputFile <arg>  Name of output file. If the specified\n' +
  '                       file exists, it will be overwritten.\n' +
  '                       (output to stdout by default)\n' +
  '                       If the input file was an XML file, we\n' +
  '                       will also create an <outputFile>.md5 file.\n' +
  '-p,--processor <arg>   Select which type of processor to apply\n' +
  '                       against image file. (XML|FileDistribution|\n' +
  '                       ReverseXML|Web|Delimited|DetectCorruption)\n' +
  '                       The default is Web.\n' +
  '-delimiter <arg>       Delimiting string to use with Delimited or \n' +
  '                       DetectCorruption processor. \n' +
  '-t,--temp <arg>        Use temporary dir to cache intermediate\n' +
  '                       result to generate DetectCorruption or\n' +
  '                       Delimited outputs. If not set, the processor\n' +
  '                       constructs the namespace in memory \n' +
  '                       before outputting text.\n' +
  '-h,--help              Display usage information and exit\n' +
  '\n';

/** OfflineImageViewerPB.buildOptions. */
const OIV: ViewerSpec = {
  options: [
    { name: 'i', long: ['inputFile'], value: true },
    { name: 'o', long: ['outputFile'], value: true },
    { name: 'p', long: ['processor'], value: true },
    { name: 'h', long: ['help'] },
    { name: 'maxSize', value: true },
    { name: 'step', value: true },
    { name: 'format' },
    { name: 'addr', value: true },
    { name: 'delimiter', value: true },
    { name: 'sp' },
    { name: 't', long: ['temp'], value: true },
  ],
  required: ['i'],
  help: USAGE,
  parseErrorWithMessage: false,
  exceptionPrefix: 'Encountered exception.  Exiting: ',
};

/** FileDistributionCalculator's defaults: 2 MiB buckets up to 128 GiB. */
export const FILE_DISTRIBUTION_STEP_DEFAULT = 2_097_152;
export const FILE_DISTRIBUTION_MAX_SIZE_DEFAULT = 137_438_953_472;
/** Hadoop refuses more intervals than this (FileDistributionCalculator.MAX_INTERVALS). */
const FILE_DISTRIBUTION_INTERVALS_MAX = 10_000_000;

/** The options of a processor the lab does not carry out, and where the same facts are. */
const NOT_IN_THE_LAB: Readonly<Record<string, string>> = {
  format: "-format (human-readable FileDistribution sizes) is not the lab's yet: sizes print in bytes",
  sp: "-sp (a storage policy column) is not the lab's yet: every lab file has the one policy, HOT",
};

export function registerOiv(program: Command): void {
  registerHadoopCommand(program, {
    name: 'oiv',
    description:
      'view an fsimage file: -p XML | Delimited | FileDistribution | DetectCorruption -i FSIMAGE [-o OUT], or -p Web (read-only WebHDFS); -p ReverseXML back',
    labFlags: [],
    // OfflineImageViewerPB.main parses its own arguments: no ToolRunner, no generic options.
    genericOptions: false,
    run: ({ args }) => {
      const options = parseViewerCommandLine(args, OIV);
      return runViewer(OIV, () => viewImage(options));
    },
  });
}

/** OfflineImageViewerPB.run's switch over the processor (upper-cased), Web by default. */
async function viewImage(options: ViewerOptions): Promise<void> {
  const input = options.get('i') as string;
  const output = options.get('o');
  const processor = options.get('p') ?? 'Web';
  for (const [name, why] of Object.entries(NOT_IN_THE_LAB))
    if (options.has(name)) throw new ViewerFailure(why);
  switch (processor.toUpperCase()) {
    case 'REVERSEXML':
      return reverseXml(input, output);
    case 'WEB':
      return runWebImageViewer(readImage(input), options.get('addr') ?? WEB_IMAGE_VIEWER_ADDR_DEFAULT);
    case 'XML':
      return writeDumpOutput(output, imageToXml(readImage(input)));
    case 'DELIMITED':
      return writeDumpOutput(output, imageToDelimited(readImage(input), delimiterOf(options)));
    case 'DETECTCORRUPTION':
      return writeDumpOutput(output, imageCorruptions(readImage(input), delimiterOf(options)));
    case 'FILEDISTRIBUTION': {
      const step = wholeNumber(options, 'step', FILE_DISTRIBUTION_STEP_DEFAULT);
      const maxSize = wholeNumber(options, 'maxSize', FILE_DISTRIBUTION_MAX_SIZE_DEFAULT);
      return writeDumpOutput(output, fileDistribution(readImage(input), { step, maxSize }));
    }
    default:
      err(`Invalid processor specified : ${processor}`);
      process.stdout.write(USAGE);
      throw new CommandExit(VIEWER_FAILED);
  }
}

/** -delimiter, for Delimited and DetectCorruption (PBImageTextWriter's tab by default). */
function delimiterOf(options: ViewerOptions): { delimiter?: string } {
  const delimiter = options.get('delimiter');
  return delimiter === undefined ? {} : { delimiter };
}

/** -step / -maxSize: FileDistributionCalculator takes 0 (Hadoop's default text) as its default. */
function wholeNumber(options: ViewerOptions, name: string, fallback: number): number {
  const text = options.get(name);
  if (text === undefined || text === '0') return fallback;
  if (!/^[1-9]\d*$/.test(text))
    throw new ViewerFailure(`-${name} expects a positive whole number, got '${text}'`);
  return Number(text);
}

/**
 * `-p ReverseXML` (OfflineImageReconstructor): the fsimage rebuilt from oiv's XML, and beside it the
 * `.md5` file MD5FileUtils.saveMD5File writes, so the NameNode can load it as `fsimage_<txid>`.
 */
function reverseXml(input: string, output: string | undefined): void {
  try {
    if (output === undefined || output === '-') {
      throw new ViewerFailure(
        '-p ReverseXML writes an fsimage: name it with -o FILE (e.g. fsimage_<19-digit txid>)',
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
        throw new ViewerFailure(`${input}: not the XML of an fsimage: ${error.message}`);
      throw error;
    }
    writeDumpOutput(output, bytes);
    writeDumpOutput(`${output}.md5`, md5FileLine(md5Hex(bytes), path.basename(output)));
  } catch (error) {
    if (!(error instanceof ViewerFailure)) throw error;
    // OfflineImageViewerPB.run: the reconstructor's failure is its own line, and exit status 1.
    err(`OfflineImageReconstructor failed: ${error.message}`);
    throw new CommandExit(1);
  }
}

function readImage(file: string): FsImage {
  const bytes = readDumpInput(file, 'an fsimage file (fsimage_<19-digit txid>)');
  try {
    return decodeImage(bytes);
  } catch (error) {
    const hint = /edits/.test(file) ? ' This looks like an edit log segment: dump it with `lab oev -i`.' : '';
    const detail =
      error instanceof ImageFormatError ? error.message : `unreadable image (${(error as Error).message})`;
    throw new ViewerFailure(`${file}: ${detail}.${hint}`);
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
    throw new ViewerFailure(
      `too many distribution intervals (maxSize/step = ${intervals}, should be less than ${FILE_DISTRIBUTION_INTERVALS_MAX})`,
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
