/**
 * `lab oev [-p xml|stats|binary] [-f] [-r] [-v] -i EDITS [-o OUT]` — HDFS's Offline Edits Viewer over
 * an edit log segment (finalized `edits_S-E` or the open `edits_inprogress_S`, the running
 * cluster's or a copy): no cluster needed. As Hadoop's, an input named `*.xml` (any case) is read
 * as oev XML, anything else as a binary segment, and neither goes to the processor of its own
 * format; `-p binary` writes a segment back (XML → binary gives the bytes the XML came from). `-f`
 * renumbers txids, `-r` skips corrupt records of a binary input, `-v` prints the file names and
 * copies a written file to the screen. Without -o the output goes to stdout (Hadoop requires -o).
 * A torn last record (a crash mid-write) is reported on stderr and the records before it are used.
 * Generic options come first (a Tool under ToolRunner); the command line, help and exit codes are
 * OfflineEditsViewer.run's (offline-viewer.ts).
 */
import { parseXml, XmlSyntaxError } from '../../cluster/common/xml-tree.js';
import {
  decodeSegment,
  EditLogCorruptionError,
  encodeSegment,
  type DecodedSegment,
} from '../../cluster/namenode/editlog/codec.js';
import { editsFromXml, EditsXmlError, renumberTxids } from '../../cluster/namenode/editlog/oev-loader.js';
import { editsStats, editsToXml } from '../../cluster/namenode/editlog/oev.js';
import { EDITS_LAYOUT_VERSION, type EditLogOp } from '../../cluster/namenode/editlog/ops.js';
import type { Command } from '../cli/commander.js';
import { CommandExit } from '../cli/errors.js';
import { GENERIC_USAGE_PRINTED } from '../cli/generic-options.js';
import { registerHadoopCommand } from '../cli/hadoop-command.js';
import { err, out } from '../cli/output.js';
import {
  parseViewerCommandLine,
  readDumpInput,
  runViewer,
  VIEWER_FAILED,
  ViewerFailure,
  writeDumpOutput,
  type ViewerSpec,
} from './offline-viewer.js';

/**
 * OfflineEditsViewer.printHelp: its summary (`lab oev` for `bin/hdfs oev`; -o optional, as the
 * lab writes stdout without it), println's newline, an empty println, then the generic options.
 */
const HELP =
  'Usage: lab oev [OPTIONS] -i INPUT_FILE -o OUTPUT_FILE\n' +
  'Offline edits viewer\n' +
  'Parse a Hadoop edits log file INPUT_FILE and save results\n' +
  'in OUTPUT_FILE.\n' +
  'Required command line arguments:\n' +
  '-i,--inputFile <arg>   edits file to process, xml (case\n' +
  '                       insensitive) extension means XML format,\n' +
  '                       any other filename means binary format.\n' +
  '                       XML/Binary format input file is not allowed\n' +
  '                       to be processed by the same type processor.\n' +
  '-o,--outputFile <arg>  Name of output file. If the specified\n' +
  '                       file exists, it will be overwritten,\n' +
  '                       format of the file is determined\n' +
  '                       by -p option (the lab: stdout when absent)\n' +
  '\n' +
  'Optional command line arguments:\n' +
  '-p,--processor <arg>   Select which type of processor to apply\n' +
  '                       against image file, currently supported\n' +
  '                       processors are: binary (native binary format\n' +
  '                       that Hadoop uses), xml (default, XML\n' +
  '                       format), stats (prints statistics about\n' +
  '                       edits file)\n' +
  '-h,--help              Display usage information and exit\n' +
  '-f,--fix-txids         Renumber the transaction IDs in the input,\n' +
  '                       so that there are no gaps or invalid\n' +
  '                       transaction IDs.\n' +
  '-r,--recover           When reading binary edit logs, use recovery \n' +
  '                       mode.  This will give you the chance to skip \n' +
  '                       corrupt parts of the edit log.\n' +
  '-v,--verbose           More verbose output, prints the input and\n' +
  '                       output filenames, for processors that write\n' +
  '                       to a file, also output to screen. On large\n' +
  '                       image files this will dramatically increase\n' +
  '                       processing time (default is false).\n' +
  '\n\n' +
  GENERIC_USAGE_PRINTED;

/** OfflineEditsViewer.buildOptions (both long names of -i and -o: its help's and its parser's). */
const OEV: ViewerSpec = {
  options: [
    { name: 'o', long: ['outputFilename', 'outputFile'], value: true },
    { name: 'i', long: ['inputFilename', 'inputFile'], value: true },
    { name: 'p', long: ['processor'], value: true },
    { name: 'v', long: ['verbose'] },
    { name: 'f', long: ['fix-txids'] },
    { name: 'r', long: ['recover'] },
    { name: 'h', long: ['help'] },
  ],
  required: ['i'],
  help: HELP,
  parseErrorWithMessage: true,
  exceptionPrefix: 'Encountered exception. Exiting: ',
};

const PROCESSORS = ['xml', 'stats', 'binary'] as const;
type Processor = (typeof PROCESSORS)[number];

/** The first bytes of an fsimage, to tell a student who passed one to oev. */
const IMAGE_MAGIC = 'HDFSIMG1';

const WHAT = 'an edit log segment (edits_<start>-<end> or edits_inprogress_<start>) or its oev XML';

export function registerOev(program: Command): void {
  registerHadoopCommand(program, {
    name: 'oev',
    description:
      'dump or rebuild an edit log segment: -p xml | stats | binary [-f] [-r] [-v] -i EDITS [-o OUT]',
    labFlags: [],
    run: ({ args }) => {
      const options = parseViewerCommandLine(args, OEV);
      return runViewer(OEV, () => viewEdits(options));
    },
  });
}

/** OfflineEditsViewer.go: -v's two lines, the same-format refusal, the visitor, then the loader. */
function viewEdits(options: ReadonlyMap<string, string>): void {
  const input = options.get('i') as string;
  const output = options.get('o');
  const verbose = options.has('v');
  const processor = (options.get('p') ?? 'xml').toLowerCase();
  if (verbose) {
    out(`input  [${input}]`);
    out(`output [${output ?? '-'}]`);
  }
  const xmlInput = input.toLowerCase().endsWith('.xml');
  if ((xmlInput && processor === 'xml') || (!xmlInput && processor === 'binary')) {
    const format = xmlInput ? 'XML' : 'Binary';
    err(`${format} format input file is not allowed to be processed by ${format} processor.`);
    throw new CommandExit(VIEWER_FAILED);
  }
  if (!PROCESSORS.includes(processor as Processor)) {
    // OfflineEditsVisitorFactory.getEditsVisitor's IOException (its spelling).
    throw new ViewerFailure(`Unknown proccesor ${options.get('p')} (valid processors: xml, binary, stats)`);
  }
  if (processor === 'binary' && output === undefined) {
    throw new ViewerFailure('-p binary writes an edits file: name it with -o FILE');
  }
  const loaded = xmlInput ? readXml(input) : readSegment(input, options.has('r'));
  const ops = options.has('f') ? renumberTxids(loaded.ops) : loaded.ops;
  const rendered = render(processor as Processor, { layoutVersion: loaded.layoutVersion, ops });
  writeDumpOutput(output, rendered);
  // -v: a processor that writes a file writes the screen too (a TeeOutputStream); binary does not.
  if (verbose && output !== undefined && output !== '-' && processor !== 'binary')
    writeDumpOutput('-', rendered);
}

function render(processor: Processor, segment: { layoutVersion: number; ops: EditLogOp[] }): string | Buffer {
  if (processor === 'xml') return editsToXml(segment);
  if (processor === 'stats') return editsStats(segment.ops, segment.layoutVersion);
  return encodeSegment(segment.ops, segment.layoutVersion);
}

function readXml(file: string): { layoutVersion: number; ops: EditLogOp[] } {
  const text = readDumpInput(file, WHAT).toString('utf8');
  let loaded: ReturnType<typeof editsFromXml>;
  try {
    loaded = editsFromXml(parseXml(text));
  } catch (error) {
    if (error instanceof XmlSyntaxError || error instanceof EditsXmlError)
      throw new ViewerFailure(`${file}: not oev XML: ${error.message}`);
    throw error;
  }
  checkLayoutVersion(file, loaded.layoutVersion, '<EDITS_VERSION>');
  return loaded;
}

function readSegment(file: string, recover: boolean): DecodedSegment {
  const bytes = readDumpInput(file, WHAT);
  if (bytes.subarray(0, IMAGE_MAGIC.length).toString('latin1') === IMAGE_MAGIC) {
    throw new ViewerFailure(`${file} is an fsimage, not ${WHAT}; dump it with \`lab oiv -p XML -i ${file}\``);
  }
  if (bytes.length >= 4) checkLayoutVersion(file, bytes.readInt32BE(0), 'layout version');
  let segment: DecodedSegment;
  try {
    segment = decodeSegment(bytes, { recover });
  } catch (error) {
    const where = error instanceof EditLogCorruptionError ? ` at offset ${error.offset}` : '';
    const hint = recover ? '' : '; -r (recovery mode) skips corrupt records';
    throw new ViewerFailure(`${file}: not a readable edit log${where}: ${(error as Error).message}${hint}`);
  }
  if (segment.tornTail) {
    err(
      `oev: ${file}: ignored a torn last record at offset ${segment.tornTail.offset} (${segment.tornTail.reason})`,
    );
  }
  for (const s of segment.skipped ?? []) {
    err(`oev: ${file}: recovery mode skipped ${s.bytes} byte(s) at offset ${s.offset} (${s.reason})`);
  }
  return segment;
}

function checkLayoutVersion(file: string, found: number, what: string): void {
  if (found !== EDITS_LAYOUT_VERSION) {
    throw new ViewerFailure(
      `${file}: expected ${WHAT} with ${what} ${EDITS_LAYOUT_VERSION} (the only layout the lab reads and writes), found ${found}`,
    );
  }
}
