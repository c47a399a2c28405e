/**
 * `lab oev` and `lab oiv` as commands over files in a temporary directory (no cluster): the
 * processors that write files back (oev -p binary, oiv -p ReverseXML) and their flags.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeSegment } from '../../cluster/namenode/editlog/codec.js';
import { encodeImage } from '../../cluster/namenode/fsimage/codec.js';
import { scriptedHistory, scriptedImage } from '../golden/history.js';
import { segmentWithCorruptRecord } from './edit-record.js';
import { captureOutput, labInProcess, type CapturedOutput } from './lab-in-process.js';

let dir = '';
let output: CapturedOutput = { stdout: [], stderr: [] };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-offline-'));
  output = captureOutput();
});

afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

const lab = (...args: string[]): Promise<number> => labInProcess(dir, ...args);
const file = (name: string): string => path.join(dir, name);

describe('lab oev -p binary', () => {
  it('writes back, from the XML it printed, the segment it read (edits → xml → edits)', async () => {
    const original = encodeSegment(scriptedHistory());
    fs.writeFileSync(file('edits_0000000000000000001-0000000000000000018'), original);
    expect(
      await lab('oev', '-i', file('edits_0000000000000000001-0000000000000000018'), '-o', file('e.XML')),
    ).toBe(0);
    expect(await lab('oev', '-p', 'binary', '-i', file('e.XML'), '-o', file('edits'))).toBe(0);
    expect(fs.readFileSync(file('edits')).equals(original)).toBe(true);
    expect(output.stderr.join('')).toBe('');
  });

  it('renumbers txids with -f; refuses binary to binary and writing binary to the terminal', async () => {
    const ops = scriptedHistory().map((op) => ({ ...op, txid: op.txid * 10 }));
    fs.writeFileSync(file('gappy'), encodeSegment(ops));
    expect(await lab('oev', '--fix-txids', '-i', file('gappy'), '-o', file('fixed.xml'))).toBe(0);
    expect(await lab('oev', '-p', 'binary', '-i', file('fixed.xml'), '-o', file('fixed'))).toBe(0);
    expect(await lab('oev', '-p', 'stats', '-i', file('fixed'))).toBe(0);
    expect(await lab('oev', '-i', file('fixed'))).toBe(0);
    const xml = output.stdout.join('');
    expect([...xml.matchAll(/<TXID>(\d+)<\/TXID>/g)].map((m) => Number(m[1]))).toEqual(
      ops.map((_, i) => 10 + i),
    );
    // OfflineEditsViewer.go refuses a processor of the input's own format, exit -1.
    expect(await lab('oev', '-p', 'binary', '-i', file('gappy'), '-o', file('again'))).toBe(255);
    expect(await lab('oev', '-i', file('fixed.xml'), '-o', file('again.xml'))).toBe(255);
    expect(output.stderr.join('')).toBe(
      'Binary format input file is not allowed to be processed by Binary processor.\n' +
        'XML format input file is not allowed to be processed by XML processor.\n',
    );
    expect(await lab('oev', '-p', 'binary', '-i', file('fixed.xml'))).toBe(255);
    expect(output.stderr.join('')).toContain(
      'Encountered exception. Exiting: -p binary writes an edits file: name it with -o FILE',
    );
  });

  it('-v prints the file names and copies what it writes to the screen (OfflineEditsViewer.go)', async () => {
    fs.writeFileSync(file('edits'), encodeSegment(scriptedHistory()));
    expect(await lab('oev', '-v', '-p', 'stats', '-i', file('edits'), '-o', file('stats.txt'))).toBe(0);
    const screen = output.stdout.join('');
    expect(screen.startsWith(`input  [${file('edits')}]\noutput [${file('stats.txt')}]\n`)).toBe(true);
    expect(screen.slice(screen.indexOf('\n', screen.indexOf('output [')) + 1)).toBe(
      fs.readFileSync(file('stats.txt'), 'utf8'),
    );
  });

  it('skips a corrupt record with -r and says where, and without -r says -r exists', async () => {
    const { file: bytes, offset, recordBytes } = segmentWithCorruptRecord(scriptedHistory(), 1); // txid 2
    fs.writeFileSync(file('corrupt'), bytes);
    expect(await lab('oev', '-i', file('corrupt'))).toBe(255);
    expect(output.stderr.join('')).toContain('-r (recovery mode) skips corrupt records');
    output.stderr.length = 0;
    // Binary to binary is refused (OfflineEditsViewer.go): recover into XML, then write it back.
    expect(await lab('oev', '-r', '-i', file('corrupt'), '-o', file('recovered.xml'))).toBe(0);
    expect(await lab('oev', '-p', 'binary', '-i', file('recovered.xml'), '-o', file('recovered'))).toBe(0);
    expect(output.stderr.join('')).toMatch(
      new RegExp(
        `recovery mode skipped ${recordBytes} byte\\(s\\) at offset ${offset} \\(OP_MKDIR: checksum mismatch`,
      ),
    );
    const expected = encodeSegment(scriptedHistory().filter((op) => op.txid !== 2));
    expect(fs.readFileSync(file('recovered')).equals(expected)).toBe(true);
  });

  it('refuses XML that is not oev XML, naming the line', async () => {
    fs.writeFileSync(file('bad.xml'), '<EDITS>\n<EDITS_VERSION>-66</EDITS_VERSION>\n<RECORD>\n</EDITS>\n');
    expect(await lab('oev', '-p', 'binary', '-i', file('bad.xml'), '-o', file('out'))).toBe(255);
    expect(output.stderr.join('')).toContain(
      'not oev XML: line 4: </EDITS> where </RECORD> (opened on line 3) was expected',
    );
    expect(fs.existsSync(file('out'))).toBe(false);
  });
});

describe('lab oiv -p ReverseXML', () => {
  it('writes back, from the XML it printed, the fsimage it read and the .md5 MD5FileUtils writes', async () => {
    const image = encodeImage(scriptedImage());
    const name = 'fsimage_0000000000000000016';
    fs.writeFileSync(file(name), image);
    expect(await lab('oiv', '-p', 'XML', '-i', file(name), '-o', file('image.xml'))).toBe(0);
    fs.mkdirSync(file('back'));
    expect(await lab('oiv', '-p', 'ReverseXML', '-i', file('image.xml'), '-o', file(`back/${name}`))).toBe(0);
    expect(fs.readFileSync(file(`back/${name}`)).equals(image)).toBe(true);
    const md5 = createHash('md5').update(image).digest('hex');
    expect(fs.readFileSync(file(`back/${name}.md5`), 'utf8')).toBe(`${md5} *${name}\n`);
  });

  it('needs -o and says what is wrong with the XML', async () => {
    fs.writeFileSync(file('image.xml'), '<fsimage><version></version></fsimage>');
    // OfflineImageViewerPB.run: "OfflineImageReconstructor failed: …", exit 1.
    expect(await lab('oiv', '-p', 'ReverseXML', '-i', file('image.xml'))).toBe(1);
    expect(await lab('oiv', '-p', 'reversexml', '-i', file('image.xml'), '-o', file('out'))).toBe(1);
    expect(output.stderr.join('')).toContain(
      'OfflineImageReconstructor failed: -p ReverseXML writes an fsimage: name it with -o FILE',
    );
    expect(output.stderr.join('')).toContain(
      'not the XML of an fsimage: <version> on line 1: no <onDiskVersion> element',
    );
    expect(fs.existsSync(file('out'))).toBe(false);
  });
});

describe('the viewers’ command lines (OfflineEditsViewer.run, OfflineImageViewerPB.run, commons-cli)', () => {
  const stdout = (): string => output.stdout.join('');

  it('oev: help with no arguments or --help alone (exit 0), with other options -1; then the generic options', async () => {
    expect(await lab('oev')).toBe(0);
    const help = stdout();
    expect(
      help.startsWith('Usage: lab oev [OPTIONS] -i INPUT_FILE -o OUTPUT_FILE\nOffline edits viewer\n'),
    ).toBe(true);
    // printHelp: println(summary), println(), then ToolRunner.printGenericCommandUsage.
    expect(help).toContain('processing time (default is false).\n\n\nGeneric options supported are:\n');
    expect(help.endsWith('command [genericOptions] [commandOptions]\n\n')).toBe(true);
    output.stdout.length = 0;
    expect(await lab('oev', '--HELP')).toBe(0);
    expect(stdout()).toBe(help);
    output.stdout.length = 0;
    expect(await lab('oev', '-h', '-i', file('edits'))).toBe(255);
    expect(stdout()).toBe(help);
  });

  it('oev: a refused command line prints the ParseException, then the help; exit -1', async () => {
    expect(await lab('oev', '-x', '-i', file('edits'))).toBe(255);
    expect(
      stdout().startsWith('Error parsing command-line options: Unrecognized option: -x\nUsage: lab oev'),
    ).toBe(true);
    output.stdout.length = 0;
    expect(await lab('oev', '-p', 'stats')).toBe(255);
    expect(stdout().split('\n')[0]).toBe('Error parsing command-line options: Missing required option: i');
    output.stdout.length = 0;
    expect(await lab('oev', '-i')).toBe(255);
    expect(stdout().split('\n')[0]).toBe(
      'Error parsing command-line options: Missing argument for option: i',
    );
  });

  it('oev takes generic options in front (a Tool) and names an unknown processor as its visitor factory does', async () => {
    fs.writeFileSync(file('edits'), encodeSegment(scriptedHistory()));
    expect(await lab('oev', '-D', 'dfs.replication=1', '-p', 'stats', '-i', file('edits'))).toBe(0);
    expect(stdout()).toMatch(/OP_MKDIR/);
    expect(await lab('oev', '-p', 'json', '-i', file('edits'))).toBe(255);
    expect(output.stderr.join('')).toBe(
      'Encountered exception. Exiting: Unknown proccesor json (valid processors: xml, binary, stats)\n',
    );
  });

  it('oiv: usage with no arguments (exit 0); no generic options; an invalid processor; a failure', async () => {
    expect(await lab('oiv')).toBe(0);
    const usage = stdout();
    expect(
      usage.startsWith('Usage: lab oiv [OPTIONS] -i INPUTFILE -o OUTPUTFILE\nOffline Image Viewer\n'),
    ).toBe(true);
    expect(usage.endsWith('-h,--help              Display usage information and exit\n\n')).toBe(true);
    output.stdout.length = 0;
    // OfflineImageViewerPB.main is no Tool: -D is an option it does not know; its parse error has no message.
    expect(await lab('oiv', '-D', 'a=b', '-i', file('fsimage'))).toBe(255);
    expect(stdout()).toBe(`Error parsing command-line options: \n${usage}`);
    output.stdout.length = 0;
    expect(await lab('oiv', '-p', 'Foo', '-i', file('fsimage'))).toBe(255);
    expect(output.stderr.join('')).toBe('Invalid processor specified : Foo\n');
    expect(stdout()).toBe(usage);
    output.stderr.length = 0;
    expect(await lab('oiv', '-p', 'XML', '-i', file('fsimage'))).toBe(255);
    expect(output.stderr.join('')).toMatch(
      /^Encountered exception\. {2}Exiting: cannot read .*fsimage \(ENOENT\)/,
    );
  });
});
