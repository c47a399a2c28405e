/**
 * `lab oev -p xml|stats -i EDITS [-o OUT]` — HDFS's Offline Edits Viewer over an edit log segment
 * (finalized `edits_S-E` or the open `edits_inprogress_S`, the running cluster's or a copy): no
 * cluster needed. Without -o the output goes to stdout. A torn last record (a crash mid-write) is
 * reported on stderr and the records before it are printed.
 */
import { decodeSegment, EditLogCorruptionError } from '../../cluster/namenode/editlog/codec.js';
import { editsStats, editsToXml } from '../../cluster/namenode/editlog/oev.js';
import { EDITS_LAYOUT_VERSION } from '../../cluster/namenode/editlog/ops.js';
import type { Command } from '../cli/commander.js';
import { UsageError } from '../cli/errors.js';
import { err } from '../cli/output.js';
import { one, parseViewerArgs, readDumpInput, required, writeDumpOutput } from './oiv.js';

const USAGE = `Usage: lab oev [OPTIONS] -i INPUT_FILE [-o OUTPUT_FILE]
  -i,--inputFile <arg>   edits file to process (e.g. <home>/dfs/name/current/edits_<start>-<end>)
  -o,--outputFile <arg>  Name of output file; stdout when absent or '-'
  -p,--processor <arg>   xml (default) | stats`;

/** The first bytes of an fsimage, to tell a student who passed one to oev. */
const IMAGE_MAGIC = 'HDFSIMG1';

export function registerOev(program: Command): void {
  program
    .command('oev')
    .description('dump an edit log segment: -p xml | stats -i EDITS [-o OUT]')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .argument('[args...]')
    .action((args: string[]) => {
      const parsed = parseViewerArgs('oev', args, USAGE);
      const processor = (one(parsed, 'p') ?? 'xml').toLowerCase();
      if (processor !== 'xml' && processor !== 'stats') {
        throw new UsageError(`oev: unknown processor ${one(parsed, 'p')}; use -p xml or -p stats`, USAGE);
      }
      const input = required(parsed, 'i', 'oev', USAGE);
      const segment = readSegment(input);
      if (segment.tornTail) {
        err(
          `oev: ${input}: ignored a torn last record at offset ${segment.tornTail.offset} (${segment.tornTail.reason})`,
        );
      }
      const text = processor === 'xml' ? editsToXml(segment) : editsStats(segment.ops, segment.layoutVersion);
      writeDumpOutput(one(parsed, 'o'), text);
    });
}

function readSegment(file: string): ReturnType<typeof decodeSegment> {
  const what = 'an edit log segment (edits_<start>-<end> or edits_inprogress_<start>)';
  const bytes = readDumpInput(file, what);
  if (bytes.subarray(0, IMAGE_MAGIC.length).toString('latin1') === IMAGE_MAGIC) {
    throw new UsageError(
      `oev: ${file} is an fsimage, not ${what}; dump it with \`lab oiv -p XML -i ${file}\``,
    );
  }
  const layoutVersion = bytes.length >= 4 ? bytes.readInt32BE(0) : null;
  if (layoutVersion !== null && layoutVersion !== EDITS_LAYOUT_VERSION) {
    throw new UsageError(
      `oev: ${file}: expected ${what} starting with layout version ${EDITS_LAYOUT_VERSION}, found ${layoutVersion}`,
    );
  }
  let segment: ReturnType<typeof decodeSegment>;
  try {
    segment = decodeSegment(bytes);
  } catch (error) {
    const where = error instanceof EditLogCorruptionError ? ` at offset ${error.offset}` : '';
    throw new UsageError(`oev: ${file}: not a readable edit log${where}: ${(error as Error).message}`);
  }
  return segment;
}
