import { describe, expect, it } from 'vitest';
import { parseIdList, parseWholeNumber } from '../../lab/cli/parse.js';

describe('option value parsers', () => {
  it('reads --exercises as ids, spaces and empty items dropped', () => {
    expect(parseIdList('upload-blocks, who-talks,,placement ')).toEqual([
      'upload-blocks',
      'who-talks',
      'placement',
    ]);
    expect(parseIdList(',')).toEqual([]);
  });

  it('refuses a --deadline that is not a whole number, naming what came', () => {
    expect(parseWholeNumber(' 15 ')).toBe(15);
    expect(() => parseWholeNumber('1.5')).toThrow("expected a whole number, got '1.5'.");
  });
});
