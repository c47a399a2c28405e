import { describe, expect, it } from 'vitest';
import {
  formatAnswerSheet,
  mergeAnswerSheets,
  parseAnswerSheet,
  withAnswer,
} from '../../lab/answers/answer-sheet.js';

describe('answers file', () => {
  it('keeps answers as written and reads a file without the answers: wrapper', () => {
    const { sheet, unreadable } = parseAnswerSheet(
      'pack: p\nseed: alice\nanswers:\n  ex:\n    a: 007\n    b: [128m, 22m]\n    c: "yes"\n    g: { rf: 3 }\n',
    );
    expect(unreadable).toEqual([]);
    expect(sheet).toEqual({
      pack: 'p',
      seed: 'alice',
      answers: { ex: { a: '007', b: ['128m', '22m'], c: 'yes', g: { rf: '3' } } },
    });
    expect(parseAnswerSheet('ex:\n  a: 2\n').sheet.answers).toEqual({ ex: { a: '2' } });
  });

  it('reads a malformed file as far as it goes and names what it could not read, with its line', () => {
    const text = [
      'answers:',
      '  ex:',
      '    a: 2',
      '    deep: [[[1]]]',
      '    b: [1, 2',
      '  other: 5',
      '',
    ].join('\n');
    const { sheet, unreadable } = parseAnswerSheet(text);
    expect(sheet.answers.ex?.a).toBe('2');
    expect(unreadable.some((u) => u.name === 'ex/deep' && u.line === 4)).toBe(true);
    expect(unreadable.some((u) => u.message.startsWith('YAML:'))).toBe(true);
  });

  it('names an exercise that is not a map and ignores blank answers', () => {
    const { sheet, unreadable } = parseAnswerSheet('answers:\n  ex: 3\n  ok:\n    a:\n    b: x\n');
    expect(unreadable).toEqual([expect.objectContaining({ name: 'ex', line: 2 })]);
    expect(sheet.answers.ok).toEqual({ b: 'x' });
  });

  it('names a ran or hints section that is not a map, and keeps none of it', () => {
    const { sheet, unreadable } = parseAnswerSheet('answers:\n  ok:\n    b: x\nran: 3\nhints: [1]\n');
    expect(unreadable).toEqual([
      expect.objectContaining({ line: 4, message: 'ran should be a map of exercises to lists of commands' }),
      expect.objectContaining({
        line: 5,
        message: 'hints should be a map of exercises to the number of hints taken',
      }),
    ]);
    expect(sheet.ran).toBeUndefined();
    expect(sheet.hints).toBeUndefined();
    expect(parseAnswerSheet('answers:\n  ok:\n    b: x\nran:\n').sheet.ran).toBeUndefined();
  });

  it('keeps the ran and hints entries it can read and names the others by section and exercise', () => {
    const { sheet, unreadable } = parseAnswerSheet(
      'ran:\n  ex: [lab fs -ls /]\n  bad: lab fs -ls /\nhints:\n  ex: 2\n  bad: lots\n',
    );
    expect(sheet.ran).toEqual({ ex: ['lab fs -ls /'] });
    expect(sheet.hints).toEqual({ ex: 2 });
    expect(unreadable).toEqual([
      expect.objectContaining({ name: 'ran/bad', line: 3, message: 'expected a list of commands' }),
      expect.objectContaining({ name: 'hints/bad', line: 6 }),
    ]);
  });

  it('never reads an answer from Object.prototype keys', () => {
    const { sheet, unreadable } = parseAnswerSheet(
      'answers:\n  __proto__:\n    a: 1\n  ex:\n    constructor: 2\n',
    );
    expect(Object.getPrototypeOf(sheet.answers)).toBe(Object.prototype);
    expect(unreadable).toHaveLength(2);
  });

  it('writes what it reads back, and merges question by question', () => {
    const sheet = withAnswer({ pack: 'p', answers: { ex: { a: '1', b: '2' } } }, 'ex', 'b', '3');
    expect(parseAnswerSheet(formatAnswerSheet(sheet)).sheet).toEqual({
      pack: 'p',
      answers: { ex: { a: '1', b: '3' } },
    });
    const merged = mergeAnswerSheets(sheet, { seed: 's', answers: { ex: { c: '4' }, other: { x: 'y' } } });
    expect(merged).toEqual({
      pack: 'p',
      seed: 's',
      answers: { ex: { a: '1', b: '3', c: '4' }, other: { x: 'y' } },
    });
  });
});
