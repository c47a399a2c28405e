/**
 * `lab oev [-p xml|stats|binary] [-f] [-r] -i EDITS [-o OUT]` — HDFS's Offline Edits Viewer over
 * an edit log segment (finalized `edits_S-E` or the open `edits_inprogress_S`, the running
 * cluster's or a copy): no cluster needed. As Hadoop's, an input named `*.xml` (any case) is read
 * as oev XML, anything else as a binary segment; `-p binary` writes a segment back (XML → binary
 * gives the bytes the XML came from). `-f` renumbers txids, `-r` skips corrupt records of a binary
 * input. Without -o the output goes to stdout. A torn last record (a crash mid-write) is reported
 * on stderr and the records before it are used.
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
import { UsageError } from '../cli/errors.js';
import { err } from '../cli/output.js';
import { one, parseViewerArgs, readDumpInput, required, writeDumpOutput } from './oiv.js';

const USAGE = `Usage: lab oev [OPTIONS] -i INPUT_FILE [-o OUTPUT_FILE]
  -i,--inputFile <arg>   edits file to process, xml (case insensitive) extension means XML format,
                         any other filename means binary format
                         (e.g. <home>/dfs/name/current/edits_<start>-<end>)
  -o,--outputFile <arg>  Name of output file; stdout when absent or '-'
  -p,--processor <arg>   xml (default) | stats | binary (native binary format that Hadoop uses)
  -f,--fix-txids         Renumber the transaction IDs in the input, so that there are no gaps or
                         invalid transaction IDs
  -r,--recover           When reading binary edit logs, use recovery mode: skip corrupt parts`;

const PROCESSORS = ['xml', 'stats', 'binary'] as const;

/** The first bytes of an fsimage, to tell a student who passed one to oev. */
const IMAGE_MAGIC = 'HDFSIMG1';

const WHAT = 'an edit log segment (edits_<start>-<end> or edits_inprogress_<start>) or its oev XML';

export function registerOev(program: Command): void {
  program
    .command('oev')
    .description('dump or rebuild an edit log segment: -p xml | stats | binary [-f] [-r] -i EDITS [-o OUT]')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .argument('[args...]')
    .action((args: string[]) => {
      const parsed = parseViewerArgs('oev', args, USAGE, [], { f: 'fix-txids', r: 'recover' });
      const processor = (one(parsed, 'p') ?? 'xml').toLowerCase() as (typeof PROCESSORS)[number];
      if (!PROCESSORS.includes(processor)) {
        throw new UsageError(
          `oev: unknown processor ${one(parsed, 'p')}; use -p xml, -p stats or -p binary`,
          USAGE,
        );
      }
      const input = required(parsed, 'i', 'oev', USAGE);
      const output = one(parsed, 'o');
      if (processor === 'binary' && output === undefined) {
        throw new UsageError('oev: -p binary writes an edits file: name it with -o FILE', USAGE);
      }
      const loaded = input.toLowerCase().endsWith('.xml')
        ? readXml(input)
        : readSegment(input, parsed.options.has('r'));
      const ops = parsed.options.has('f') ? renumberTxids(loaded.ops) : loaded.ops;
      writeDumpOutput(output, render(processor, { layoutVersion: loaded.layoutVersion, ops }));
    });
}

function render(
  processor: (typeof PROCESSORS)[number],
  segment: { layoutVersion: number; ops: EditLogOp[] },
): string | Buffer {
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
      throw new UsageError(`oev: ${file}: not oev XML: ${error.message}`);
    throw error;
  }
  checkLayoutVersion(file, loaded.layoutVersion, '<EDITS_VERSION>');
  return loaded;
}

function readSegment(file: string, recover: boolean): DecodedSegment {
  const bytes = readDumpInput(file, WHAT);
  if (bytes.subarray(0, IMAGE_MAGIC.length).toString('latin1') === IMAGE_MAGIC) {
    throw new UsageError(
      `oev: ${file} is an fsimage, not ${WHAT}; dump it with \`lab oiv -p XML -i ${file}\``,
    );
  }
  if (bytes.length >= 4) checkLayoutVersion(file, bytes.readInt32BE(0), 'layout version');
  let segment: DecodedSegment;
  try {
    segment = decodeSegment(bytes, { recover });
  } catch (error) {
    const where = error instanceof EditLogCorruptionError ? ` at offset ${error.offset}` : '';
    const hint = recover ? '' : '; -r (recovery mode) skips corrupt records';
    throw new UsageError(`oev: ${file}: not a readable edit log${where}: ${(error as Error).message}${hint}`);
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
    throw new UsageError(
      `oev: ${file}: expected ${WHAT} with ${what} ${EDITS_LAYOUT_VERSION} (the only layout the lab reads and writes), found ${found}`,
    );
  }
}
