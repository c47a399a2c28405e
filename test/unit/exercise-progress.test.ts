import { mkdtempSync, readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../lab/answers/judge.js';
import {
  emptyProgress,
  mergeProgress,
  recordChecks,
  hintsShownOf,
  hintsTaken,
  recordHint,
  recordStep,
  resetExercise,
} from '../../lab/runner/progress.js';
import {
  exercisePaths,
  loadAnswers,
  loadProgress,
  saveAnswers,
  saveProgress,
} from '../../lab/runner/store.js';

const where = { pack: 'p', exercise: 'ex' };
const result = (question: string, status: CheckResult['status']): CheckResult => ({
  name: `ex/${question}`,
  exercise: 'ex',
  question,
  status,
  score: status === 'pass' ? 1 : 0,
  maxScore: 1,
  hidden: false,
  message: '',
});

describe('progress', () => {
  it('moves an exercise to passed once every question passes', () => {
    const t = new Date('2026-01-01T00:00:00Z');
    let p = recordStep(emptyProgress(), where, 1, t);
    expect(p.packs.p?.exercises.ex?.status).toBe('in-progress');
    p = recordChecks(p, { ...where, questions: 2 }, [result('a', 'pass'), result('b', 'fail')], t);
    expect(p.packs.p?.exercises.ex?.status).toBe('in-progress');
    p = recordChecks(p, { ...where, questions: 2 }, [result('b', 'pass')], t);
    expect(p.packs.p?.exercises.ex?.status).toBe('passed');
    expect(resetExercise(p, where).packs.p?.exercises.ex).toBeUndefined();
  });

  it('shows hints one at a time and no more than there are', () => {
    const t = new Date(0);
    const first = recordHint(emptyProgress(), { ...where, hints: 1 }, t);
    expect(first.hint).toBe(0);
    expect(recordHint(first.progress, { ...where, hints: 1 }, t).hint).toBeUndefined();
  });

  it("counts a question's own hints apart from the exercise's, and all of them as taken", () => {
    const t = new Date(0);
    const own = recordHint(emptyProgress(), { ...where, question: 'b', hints: 2 }, t);
    expect(own.hint).toBe(0);
    const again = recordHint(own.progress, { ...where, question: 'b', hints: 2 }, t);
    expect(again.hint).toBe(1);
    const exercise = recordHint(again.progress, { ...where, hints: 1 }, t);
    expect(exercise.hint).toBe(0);
    expect(hintsShownOf(exercise.progress, { ...where, question: 'b' })).toBe(2);
    expect(hintsShownOf(exercise.progress, where)).toBe(1);
    expect(hintsTaken(exercise.progress.packs.p!.exercises.ex!)).toBe(3);
  });

  it('merges two progress files by the later update per exercise', () => {
    const a = recordStep(emptyProgress(), where, 1, new Date('2026-01-01T00:00:00Z'));
    const b = recordStep(emptyProgress(), where, 4, new Date('2026-01-02T00:00:00Z'));
    expect(mergeProgress(a, b).packs.p?.exercises.ex?.step).toBe(4);
    expect(mergeProgress(b, a).packs.p?.exercises.ex?.step).toBe(4);
  });

  it('saves to <home>/exercises and keeps an unreadable file aside instead of losing it', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'lab-progress-'));
    const p = recordStep(emptyProgress(), where, 2, new Date(0));
    saveProgress(home, p);
    expect(loadProgress(home).progress).toEqual(p);
    saveAnswers(home, { pack: 'p', answers: { ex: { a: '128 MB' } } });
    expect(loadAnswers({ home }).sheet.answers.ex?.a).toBe('128 MB');

    const paths = exercisePaths(home);
    mkdirSync(paths.dir, { recursive: true });
    writeFileSync(paths.progress, '{ not json');
    const loaded = loadProgress(home);
    expect(loaded.progress).toEqual(emptyProgress());
    expect(loaded.warning).toContain('progress.json.unreadable');
    expect(readFileSync(`${paths.progress}.unreadable`, 'utf8')).toBe('{ not json');
    expect(existsSync(paths.progress)).toBe(false);
  });
});
