import { describe, expect, it } from 'vitest';
import { generatedContent, judgeExpect } from '../../lab/scenario/runner.js';
import { parseScenario, ScenarioFileError } from '../../lab/scenario/scenario-file.js';
import { corruptBytes, corruptionOffset } from '../../lab/scenario/corrupt.js';

describe('scenario files', () => {
  it('reads steps and reports a bad step at its line', () => {
    const ok = parseScenario('seed: 7\nsteps:\n  - mkdir: { path: /a }\n  - heal: {}\n', 's.yaml');
    expect(ok.seed).toBe('7');
    expect(ok.steps).toHaveLength(2);
    expect(() => parseScenario('steps:\n  - mkdir: { path: /a }\n  - explode: {}\n', 's.yaml')).toThrow(
      ScenarioFileError,
    );
    expect(() => parseScenario('steps:\n  - mkdir: { path: relative }\n', 's.yaml')).toThrow(
      /s\.yaml:2:\d+: an HDFS path is absolute/,
    );
  });
});

describe('generated content', () => {
  it('is the same for a seed and path, whatever the pieces it is generated in', () => {
    const whole = generatedContent({ seed: 's', path: '/a', offset: 0, length: 3000, content: 'random' });
    const tail = generatedContent({ seed: 's', path: '/a', offset: 1000, length: 2000, content: 'random' });
    expect(tail.equals(whole.subarray(1000))).toBe(true);
    expect(
      generatedContent({ seed: 't', path: '/a', offset: 0, length: 3000, content: 'random' }).equals(whole),
    ).toBe(false);
    expect(
      generatedContent({ seed: 's', path: '/t', offset: 0, length: 64, content: 'text' }).toString(),
    ).toMatch(/^\/t line 0\.+\n$/);
  });
});

describe('expect verdicts', () => {
  it('compares with the exercise rules and notMatches', () => {
    const lines = { status: 'ok' as const, value: 'nn: dn3 dead (last heartbeat 11.0 s ago)\nnn: dn3 live' };
    expect(judgeExpect({ probe: 'journal.lines', matches: 'dn3 dead' }, lines).pass).toBe(true);
    const absent = judgeExpect({ probe: 'journal.lines', notMatches: 'dn3 dead' }, lines);
    expect(absent).toEqual({
      pass: false,
      message: 'expected journal.lines not matching /dn3 dead/, found "dn3 dead"',
    });
    const length = judgeExpect(
      { probe: 'file.info', select: 'length', equals: '2m' },
      { status: 'ok', value: { length: 1024 } },
    );
    expect(length).toEqual({ pass: false, message: 'expected file.info length = "2m", found 1024' });
  });
});

describe('corruption', () => {
  it('writes BADBAD in the first half, reproducibly, and always changes the bytes', () => {
    const offset = corruptionOffset(1_048_576, '7', 'blk_1_1001:dn1');
    expect(offset).toBe(corruptionOffset(1_048_576, '7', 'blk_1_1001:dn1'));
    expect(offset).toBeLessThan(524_288);
    expect(corruptBytes(Buffer.from('hello!')).toString()).toBe('BADBAD');
    expect(corruptBytes(Buffer.from('BADBAD')).equals(Buffer.from('BADBAD'))).toBe(false);
  });
});
