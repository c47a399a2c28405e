/**
 * What the lab records of a student's commands for `lab grade` (lab/answers/command-log.ts),
 * how the answers file carries it, and how the grader reads it back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatAnswerSheet, parseAnswerSheet } from '../../lab/answers/answer-sheet.js';
import {
  commandText,
  commandToRecord,
  markExercise,
  ranSection,
  readRanLog,
} from '../../lab/answers/command-log.js';
import { loadAnswers, recordStudentCommand, saveAnswers } from '../../lab/runner/store.js';
import { readRanCommands } from '../../lab/answers/task-commands.js';
import { splitWords } from '../../lab/cli/shell-words.js';

const noFiles = () => undefined;

describe('which commands are recorded', () => {
  it('records commands that change the cluster, without --home', () => {
    expect(commandToRecord(['--home', '/h', 'fs', '-setrep', '-w', '2', '/e1/a'], noFiles)).toEqual({
      argv: ['fs', '-setrep', '-w', '2', '/e1/a'],
      sizes: {},
    });
    expect(commandToRecord(['kill', 'dn3'], noFiles)?.argv).toEqual(['kill', 'dn3']);
    expect(commandToRecord(['--on', 'dn2', 'fs', '-put', '-', '/x'], noFiles)?.argv).toEqual([
      '--on',
      'dn2',
      'fs',
      '-put',
      '-',
      '/x',
    ]);
    expect(commandToRecord(['dfsadmin', '-safemode', 'enter'], noFiles)).toBeDefined();
    // Reading a corrupt replica makes the client report it: reads of data are recorded.
    expect(commandToRecord(['fs', '-cat', '/e9/data.bin'], noFiles)).toBeDefined();
  });

  it('leaves out reads of metadata, config and files, and help', () => {
    for (const argv of [
      ['fs', '-ls', '/'],
      ['fs', '-D', 'x=y', '-stat', '/a'],
      ['fsck', '/', '-files'],
      ['getconf', '-confKey', 'dfs.blocksize'],
      ['dfsadmin', '-report'],
      ['traffic'],
      ['status'],
      ['check', 'upload-blocks'],
      ['fs', '-put', '--help'],
    ])
      expect(commandToRecord(argv, noFiles), argv.join(' ')).toBeUndefined();
  });

  it('records the sizes of the local files an upload reads, not of its target or stdin', () => {
    const sizes: Record<string, number> = { '/tmp/a.bin': 50331648, 'b.txt': 12, '/e1/x': 7, 'wire.txt': 12 };
    expect(
      commandToRecord(
        ['fs', '-D', 'dfs.blocksize=32m', '-put', '-f', '-t', '2', '/tmp/a.bin', 'b.txt', '-', '/e1/x'],
        (f) => sizes[f],
      )?.sizes,
    ).toEqual({ '/tmp/a.bin': 50331648, 'b.txt': 12 });
    // wire-bytes' `lab fs --on dn7 -put wire.txt /e14/wire.txt`: the grader, which has no wire.txt,
    // needs its size (npm run pack-walk failed there).
    expect(
      commandToRecord(['fs', '--on', 'dn7', '-put', 'wire.txt', '/e14/wire.txt'], (f) => sizes[f])?.sizes,
    ).toEqual({ 'wire.txt': 12 });
  });

  it('writes a command line the grader splits back into the same words', () => {
    const argv = ['fs', '-stat', '%n %r', "it's", '/a'];
    expect(splitWords(commandText(argv))).toEqual(['lab', ...argv]);
  });
});

describe('the ran section', () => {
  it('puts commands under the exercise turned to last, with sizes where files were read', () => {
    const ran = ranSection([
      { argv: ['fs', '-rm', '/before'] }, // before any exercise: not the pack's
      { exercise: 'upload-blocks' },
      { argv: ['fs', '-put', '/tmp/a', '/e1/a'], sizes: { '/tmp/a': 3 } },
      { exercise: 'who-talks' },
      { argv: ['kill', 'dn2'] },
      { exercise: 'upload-blocks' },
      { argv: ['fs', '-setrep', '2', '/e1/a'] },
    ]);
    expect(ran).toEqual({
      'upload-blocks': [
        { run: 'lab fs -put /tmp/a /e1/a', sizes: { '/tmp/a': '3' } },
        'lab fs -setrep 2 /e1/a',
      ],
      'who-talks': ['lab kill dn2'],
    });
  });

  it('survives the answers file round trip and is read back as commands for the grader', () => {
    const text = formatAnswerSheet({
      pack: 'p',
      answers: { ex: { q: '1' } },
      ran: { ex: [{ run: "lab fs -put 'my file' /x", sizes: { 'my file': '5' } }, 'lab kill dn3'] },
    });
    expect(text).toMatch(/# ran: what you ran/);
    const read = parseAnswerSheet(text);
    expect(read.unreadable).toEqual([]);
    expect(read.sheet.answers).toEqual({ ex: { q: '1' } });
    const commands = readRanCommands(read.sheet.ran?.ex);
    expect(commands.problems).toEqual([]);
    expect(commands.commands).toEqual([
      {
        kind: 'lab',
        text: "lab fs -put 'my file' /x",
        argv: ['fs', '-put', 'my file', '/x'],
        sizes: { 'my file': 5 },
      },
      { kind: 'lab', text: 'lab kill dn3', argv: ['kill', 'dn3'] },
    ]);
  });

  it('names what the grader cannot run', () => {
    const read = readRanCommands(['lab stop', { run: 'lab fs -put a /a', sizes: { a: 'big' } }]);
    expect(read.commands).toEqual([]);
    expect(read.problems).toHaveLength(2);
  });
});

describe('recording in a lab home', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-ran-'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('records nothing until the runner has turned to an exercise', () => {
    recordStudentCommand(home, ['fs', '-mkdir', '/x'], home);
    expect(fs.existsSync(path.join(home, 'exercises'))).toBe(false);
  });

  it('records into the answers file, keeping the answers there', () => {
    saveAnswers(home, { pack: 'p', seed: 's', answers: { ex: { q: '2' } } });
    markExercise(home, 'ex');
    markExercise(home, 'ex'); // turning to the same exercise again adds no marker
    fs.writeFileSync(path.join(home, 'local.bin'), Buffer.alloc(1234));
    recordStudentCommand(home, ['fs', '-put', 'local.bin', '/e/local.bin'], home);
    recordStudentCommand(home, ['fs', '-ls', '/e'], home);
    expect(readRanLog(home)).toHaveLength(2);
    const { sheet } = loadAnswers({ home });
    expect(sheet.answers).toEqual({ ex: { q: '2' } });
    expect(sheet.ran).toEqual({
      ex: [{ run: 'lab fs -put local.bin /e/local.bin', sizes: { 'local.bin': '1234' } }],
    });
  });
});
