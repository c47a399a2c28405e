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

  it('renumbers txids with -f and refuses to write binary to the terminal', async () => {
    const ops = scriptedHistory().map((op) => ({ ...op, txid: op.txid * 10 }));
    fs.writeFileSync(file('gappy'), encodeSegment(ops));
    expect(await lab('oev', '-p', 'binary', '--fix-txids', '-i', file('gappy'), '-o', file('fixed'))).toBe(0);
    expect(await lab('oev', '-p', 'stats', '-i', file('fixed'))).toBe(0);
    expect(await lab('oev', '-i', file('fixed'))).toBe(0);
    const xml = output.stdout.join('');
    expect([...xml.matchAll(/<TXID>(\d+)<\/TXID>/g)].map((m) => Number(m[1]))).toEqual(
      ops.map((_, i) => 10 + i),
    );
    expect(await lab('oev', '-p', 'binary', '-i', file('gappy'))).toBe(1);
    expect(output.stderr.join('')).toContain('oev: -p binary writes an edits file: name it with -o FILE');
  });

  it('skips a corrupt record with -r and says where, and without -r says -r exists', async () => {
    const { file: bytes, offset, recordBytes } = segmentWithCorruptRecord(scriptedHistory(), 1); // txid 2
    fs.writeFileSync(file('corrupt'), bytes);
    expect(await lab('oev', '-i', file('corrupt'))).toBe(1);
    expect(output.stderr.join('')).toContain('-r (recovery mode) skips corrupt records');
    output.stderr.length = 0;
    expect(await lab('oev', '-r', '-p', 'binary', '-i', file('corrupt'), '-o', file('recovered'))).toBe(0);
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
    expect(await lab('oev', '-p', 'binary', '-i', file('bad.xml'), '-o', file('out'))).toBe(1);
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
    expect(await lab('oiv', '-p', 'ReverseXML', '-i', file('image.xml'))).toBe(1);
    expect(await lab('oiv', '-p', 'reversexml', '-i', file('image.xml'), '-o', file('out'))).toBe(1);
    expect(output.stderr.join('')).toContain('oiv: -p ReverseXML writes an fsimage: name it with -o FILE');
    expect(output.stderr.join('')).toContain(
      'not the XML of an fsimage: <version> on line 1: no <onDiskVersion> element',
    );
    expect(fs.existsSync(file('out'))).toBe(false);
  });
});
