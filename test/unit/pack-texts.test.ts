/**
 * What a student reads in the built-in pack names no document they do not have: the seed
 * documents the pack was written from ("seed 003 §4.2") are for its authors (comments and
 * docs/pack-hdfs-basics.md), never in an intro, a step, a prompt, an explanation or a hint.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { questionHints } from '../../lab/pack/pack.js';
import { loadSeededPack } from '../../lab/pack/seeded.js';

const PACK = path.resolve(import.meta.dirname, '../../exercises/hdfs-basics');

describe('the texts of the built-in pack', () => {
  it('cite no seed document by number or section', () => {
    const { pack } = loadSeededPack(PACK, 'pack-texts');
    expect(pack).toBeDefined();
    const cited: string[] = [];
    for (const exercise of pack!.exercises) {
      const texts = [
        exercise.title,
        exercise.intro ?? '',
        ...exercise.steps.map((s) => s.markdown),
        ...exercise.hints.map((h) => h.text),
        ...exercise.questions.flatMap((q) => [
          q.prompt,
          q.explanation ?? '',
          ...questionHints(q).map((h) => h.text),
          ...('parts' in q ? q.parts.flatMap((p) => [p.prompt, p.explanation ?? '']) : []),
        ]),
      ];
      for (const text of texts)
        for (const line of text.split('\n'))
          if (/\bseed 00\d\b|§\s?\d/i.test(line)) cited.push(`${exercise.id}: ${line.trim()}`);
    }
    expect(cited).toEqual([]);
  });
});
