import { describe, expect, it } from 'vitest';
import { prepareAnswers, headerProblems } from '../../lab/answers/prepare.js';
import { parseCommand, readTaskAnswer } from '../../lab/answers/task-commands.js';
import { splitWords } from '../../lab/cli/shell-words.js';
import type { Exercise } from '../../lab/pack/pack.js';

describe('task answers', () => {
  it('splits command lines like a shell, quotes included', () => {
    expect(splitWords(`lab fs -stat "%n %r" '/a b'`)).toEqual(['lab', 'fs', '-stat', '%n %r', '/a b']);
    expect(() => splitWords('lab "open')).toThrow(/unterminated " quote/);
    expect(() => splitWords(`lab fs -ls "/a" 'b`)).toThrow(/unterminated ' quote/);
  });

  it('reads quotes, backslashes and comments as bash does (`set -f; eval "set -- LINE"`)', () => {
    expect(splitWords(`lab fs -put "a\\"b" 'it'\\''s'`)).toEqual(['lab', 'fs', '-put', 'a"b', "it's"]);
    expect(splitWords('lab fs -mkdir a\\ b')).toEqual(['lab', 'fs', '-mkdir', 'a b']);
    expect(splitWords('x "a\\nb" c\\d')).toEqual(['x', 'a\\nb', 'cd']);
    expect(splitWords("lab fs -ls '' /x")).toEqual(['lab', 'fs', '-ls', '', '/x']);
    expect(splitWords('lab fs -count /e1 # all of it')).toEqual(['lab', 'fs', '-count', '/e1']);
    expect(splitWords('lab fs -ls /e1/*')).toEqual(['lab', 'fs', '-ls', '/e1/*']);
  });

  it('expands nothing and refuses what a shell would run beyond one command', () => {
    expect(splitWords('lab fs -ls $HOME/x')).toEqual(['lab', 'fs', '-ls', '$HOME/x']);
    expect(() => splitWords('lab fs -cat /a | head')).toThrow(/'\|': one lab command a line/);
    expect(() => splitWords('lab fs -ls /a;lab fs -ls /b')).toThrow(/';': one lab command a line/);
    expect(() => splitWords('lab fs -put a#b /x')).toThrow(/'#' inside a word/);
  });

  it('reads lab commands and one-line steps, refusing what would leave the cluster', () => {
    expect(parseCommand('lab fs -setrep -w 2 /a')).toMatchObject({
      kind: 'lab',
      argv: ['fs', '-setrep', '-w', '2', '/a'],
    });
    expect(parseCommand('put /t.bin size=48m blockSize=32m')).toEqual({
      kind: 'step',
      text: 'put /t.bin size=48m blockSize=32m',
      step: { put: { path: '/t.bin', size: '48m', blockSize: '32m' } },
    });
    expect(() => parseCommand('lab stop')).toThrow(/a task may run lab fs/);
    expect(() => parseCommand('lab --home /x fs -ls /')).toThrow(/--home/);
    expect(() => parseCommand('start')).toThrow(/cannot start/);
    expect(() => parseCommand('put /t.bin size=lots')).toThrow(/put\.size/);
  });

  it('takes a task input from a map with run, or alone', () => {
    expect(readTaskAnswer({ input: '/t.bin', run: ['put /t.bin size=1m'] }, true)).toMatchObject({
      input: '/t.bin',
      commands: [{ kind: 'step' }],
      problems: [],
    });
    expect(readTaskAnswer('/t.bin', true)).toEqual({ input: '/t.bin', commands: [], problems: [] });
    expect(readTaskAnswer(['lab kill dn2', 'wait-for dead target=dn2'], false).commands).toHaveLength(2);
    expect(readTaskAnswer({ input: '/a', extra: 'x' }, true).problems[0]).toMatch(/unknown key/);
  });

  it('hands the checks the input and keeps the commands, with unreadable ones placed', () => {
    const exercise = {
      id: 'ex',
      questions: [
        { id: 'do', type: 'task', check: { probe: 'file.info' }, points: 1 },
        { id: 'name', type: 'task', input: 'path', check: { probe: 'file.info' }, points: 1 },
        { id: 'n', type: 'number', points: 1 },
      ],
    } as unknown as Exercise;
    const prepared = prepareAnswers(
      exercise,
      { do: 'lab shutdown', name: { input: '/x', run: 'put /x size=1m' }, n: '3' },
      new Map([['ex/do', { line: 4, column: 5 }]]),
    );
    expect(prepared.answers).toEqual({ name: '/x', n: '3' });
    expect(prepared.commands.map((c) => c.question)).toEqual(['name']);
    expect(prepared.unreadable).toEqual([expect.objectContaining({ name: 'ex/do', line: 4, column: 5 })]);
  });

  it('names a sheet written for another pack or seed', () => {
    expect(headerProblems({ pack: 'p', seed: 'bob', answers: {} }, 'p', 'alice')[0]?.message).toMatch(
      /written for seed bob, graded with seed alice/,
    );
    expect(headerProblems({ answers: {} }, 'p', 'alice')).toEqual([]);
  });
});
