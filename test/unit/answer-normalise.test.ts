import { describe, expect, it } from 'vitest';
import {
  compareAnswer,
  normalisePath,
  readAnswer,
  type ReadableQuestion,
} from '../../lab/pack/answer-types.js';
import { judgeAnswer } from '../../lab/answers/judge.js';

const base = { id: 'q', prompt: 'Q?' };
const bytes = { ...base, type: 'number', unit: 'bytes' } as ReadableQuestion;

function same(question: ReadableQuestion, given: string | string[], expected: string | string[]): number {
  const found = readAnswer(question, given);
  const want = readAnswer(question, expected);
  if (!found.ok || !want.ok) throw new Error(`unreadable: ${JSON.stringify([found, want])}`);
  return compareAnswer(question, found.value, want.value);
}

describe('number answers', () => {
  it('reads 128 MB, 134217728, 128m and 128MiB as the same number of bytes', () => {
    for (const given of ['128 MB', '134217728', '128m', '128MiB', '134,217,728', '"128 MB"']) {
      expect(same(bytes, given, '134217728'), given).toBe(1);
    }
  });

  it('fails a wrong size and says why a non-size cannot be read', () => {
    expect(same(bytes, '64m', '128m')).toBe(0);
    expect(readAnswer(bytes, 'lots')).toMatchObject({
      ok: false,
      message: expect.stringContaining('not a size'),
    });
  });

  it('accepts a count with a word after it but not a size unit where a count is asked', () => {
    const count = { ...base, type: 'number' } as ReadableQuestion;
    expect(same(count, '2 blocks', '2')).toBe(1);
    expect(same(count, '2.0', '2')).toBe(1);
    expect(readAnswer(count, '2 MB')).toMatchObject({ ok: false });
  });

  it('applies absolute, size and percentage tolerances', () => {
    const abs = { ...base, type: 'number', tolerance: 0.5 } as ReadableQuestion;
    expect(same(abs, '10.4', '10')).toBe(1);
    expect(same(abs, '10.6', '10')).toBe(0);
    const size = { ...base, type: 'number', unit: 'bytes', tolerance: '1m' } as ReadableQuestion;
    expect(same(size, '22.5 MB', '22m')).toBe(1);
    const pct = { ...base, type: 'number', tolerance: '5%' } as ReadableQuestion;
    expect(same(pct, '104', '100')).toBe(1);
    expect(same(pct, '106', '100')).toBe(0);
  });

  it('reads durations in the question unit', () => {
    const seconds = { ...base, type: 'number', unit: 's' } as ReadableQuestion;
    expect(same(seconds, '630000ms', '630')).toBe(1);
    expect(same(seconds, '10.5 min', '630')).toBe(1);
  });
});

describe('text, path, choice and true/false answers', () => {
  it('ignores case, spacing, quotes and a final full stop; accepts alternatives and a regex', () => {
    const text = { ...base, type: 'text', accept: ['a block'] } as ReadableQuestion;
    expect(same(text, '  Block. ', 'block')).toBe(1);
    expect(same(text, 'A   BLOCK', 'block')).toBe(1);
    const regex = { ...base, type: 'text', regex: 'blk_\\d+' } as ReadableQuestion;
    const found = readAnswer(regex, 'BLK_1073741825');
    expect(found.ok && compareAnswer(regex, found.value, undefined)).toBe(1);
  });

  it('shows a wrong text answer and the expected one as they were written, though matching ignores case', () => {
    const text = { ...base, type: 'text' } as ReadableQuestion;
    const wrong = judgeAnswer(text, ' DataNode  Dn2 ', { kind: 'stored', value: 'DataNode DN1' });
    expect(wrong.status).toBe('fail');
    expect(wrong.message).toBe('expected DataNode DN1, found DataNode Dn2');
    const list = { ...base, type: 'list', items: 'text' } as ReadableQuestion;
    expect(
      judgeAnswer(list, ['Rack1', 'RACK2'], { kind: 'stored', value: ['rack1', 'Rack3'] }).message,
    ).toMatch(/^expected \[rack1, Rack3\], found \[Rack1, RACK2\]/);
    expect(judgeAnswer(text, 'datanode dn1', { kind: 'stored', value: 'DataNode DN1' }).status).toBe('pass');
  });

  it('normalises paths: duplicate and trailing slashes, dots, hdfs:// prefixes', () => {
    expect(normalisePath('/data//a/')).toBe('/data/a');
    expect(normalisePath('hdfs://localhost:9000/data/./x/../a')).toBe('/data/a');
    expect(normalisePath('/')).toBe('/');
    expect(same({ ...base, type: 'path' } as ReadableQuestion, '/dfs/name/', '/dfs//name')).toBe(1);
  });

  it('takes an option by id, by "b)", or by its text', () => {
    const choice = {
      ...base,
      type: 'choice',
      options: ['The NameNode', 'The DataNodes'],
    } as ReadableQuestion;
    for (const given of ['b', 'B', 'b)', 'the datanodes', 'b) The DataNodes'])
      expect(same(choice, given, 'b'), given).toBe(1);
    expect(readAnswer(choice, 'z')).toMatchObject({
      ok: false,
      message: expect.stringContaining('a) The NameNode'),
    });
  });

  it('reads multiple choice as a set, with partial credit when asked', () => {
    const options = ['NameNode', 'DataNode', 'ResourceManager'];
    const strict = { ...base, type: 'multiple-choice', options } as ReadableQuestion;
    expect(same(strict, 'b, a', ['a', 'b'])).toBe(1);
    expect(same(strict, 'a c', ['a', 'b'])).toBe(0);
    const partial = { ...strict, partialCredit: true } as ReadableQuestion;
    expect(same(partial, ['a'], ['a', 'b'])).toBe(0.5);
  });

  it('reads true/false from true, yes, t, y and their opposites', () => {
    const tf = { ...base, type: 'true-false' } as ReadableQuestion;
    for (const yes of ['true', 'Yes', 'T', 'y']) expect(same(tf, yes, 'true'), yes).toBe(1);
    for (const no of ['false', 'NO', 'f']) expect(same(tf, no, 'false'), no).toBe(1);
    expect(readAnswer(tf, 'maybe')).toMatchObject({ ok: false });
  });
});

describe('lists and sets', () => {
  it('compares lists in order and sets in any order, element by element with units', () => {
    const list = { ...base, type: 'list', items: 'number', unit: 'bytes' } as ReadableQuestion;
    expect(same(list, '128m, 22m', ['134217728', '23068672'])).toBe(1);
    expect(same(list, '22m, 128m', ['134217728', '23068672'])).toBe(0);
    const set = { ...base, type: 'set', items: 'path' } as ReadableQuestion;
    expect(same(set, ['/rack2/', '/rack1'], ['/rack1', '/rack2'])).toBe(1);
    expect(same(set, '/rack1, /rack1, /rack2', ['/rack1', '/rack2'])).toBe(1);
  });

  it('gives partial credit for sets (extras cost) and lists (by position)', () => {
    const set = { ...base, type: 'set', partialCredit: true } as ReadableQuestion;
    expect(same(set, 'dn1, dn2', ['dn1', 'dn2', 'dn3', 'dn4'])).toBe(0.5);
    expect(same(set, 'dn1, dn2, dn9', ['dn1', 'dn2', 'dn3', 'dn4'])).toBe(0.25);
    const list = { ...base, type: 'list', partialCredit: true } as ReadableQuestion;
    expect(same(list, 'a, x, c', ['a', 'b', 'c'])).toBeCloseTo(2 / 3);
  });
});

describe('forms a student copies from what they read', () => {
  const count = { ...base, type: 'number' } as ReadableQuestion;
  const path = { ...base, type: 'path' } as ReadableQuestion;

  it('reads a hex dump value and a block name as numbers', () => {
    expect(same(bytes, '0x200', '512')).toBe(1);
    expect(same(count, 'blk_1073741888', '1073741888')).toBe(1);
    expect(same(count, 'blk_1073741889', '1073741888')).toBe(0);
  });

  it('accepts a rack written with or without its slashes', () => {
    for (const given of ['dc2/rack3', '/dc2/rack3/', '/dc2/rack3'])
      expect(same(path, given, '/dc2/rack3')).toBe(1);
    expect(same(path, 'dc2/rack4', '/dc2/rack3')).toBe(0);
  });

  it("accepts a block file's path as find prints it from anywhere, and no look-alike", () => {
    const inDataDir = 'current/BP-7-127.0.0.1-17/current/finalized/subdir0/subdir0/blk_1073741840';
    const inHome = `dfs/data/dn3/${inDataDir}`;
    for (const expected of [inDataDir, inHome])
      for (const given of [
        inDataDir,
        `./${inDataDir}`,
        inHome,
        `/home/alice/.hdfs-lab/dfs/data/dn3/${inDataDir}`,
      ])
        expect(same(path, given, expected), `${given} for ${expected}`).toBe(1);
    for (const given of [
      inDataDir.replace('BP-7-', 'BP-1-'), // a made-up pool id
      inDataDir.replace('blk_1073741840', 'blk_1073741841'), // another block
      `/x/y${inDataDir}`, // not at a folder boundary
      'blk_1073741840',
      'current/finalized/subdir0/subdir0/blk_1073741840', // not from a storage directory
    ])
      expect(same(path, given, inHome), given).toBe(0);
    // From the lab home, the path names the DataNode: dn1's copy of the same block is not dn3's.
    for (const given of [`dfs/data/dn1/${inDataDir}`, `/home/alice/.hdfs-lab/dfs/data/dn1/${inDataDir}`])
      expect(same(path, given, inHome), given).toBe(0);
  });
});
