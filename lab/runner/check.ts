/**
 * `lab check ID`: every question of an exercise checked without prompting, against the saved
 * answers or an answers file, and the verdicts recorded as progress. Questions that depend on
 * another exercise's see that exercise's saved results.
 */
import { exitCodeOf, gradeStatus } from '../answers/score.js';
import type { RawAnswer } from '../pack/answer-types.js';
import { checkExercise, type CheckEnv, type CheckResult } from '../answers/judge.js';
import type { Exercise, Pack } from '../pack/pack.js';
import type { Progress } from './progress.js';
import { renderResult, type Style } from './render.js';

/** Results of earlier checks of the pack's other exercises, for cross-exercise `depends`. */
export function earlierResults(progress: Progress, pack: Pack, except: Exercise): Map<string, CheckResult> {
  const earlier = new Map<string, CheckResult>();
  for (const [exercise, p] of Object.entries(progress.packs[pack.id]?.exercises ?? {})) {
    if (exercise === except.id) continue;
    for (const [question, c] of Object.entries(p.checks)) {
      const name = `${exercise}/${question}`;
      earlier.set(name, {
        name,
        exercise,
        question,
        status: c.status,
        score: c.score,
        maxScore: c.score,
        hidden: false,
        message: 'saved result',
      });
    }
  }
  return earlier;
}

export interface CheckRun {
  pack: Pack;
  exercise: Exercise;
  answers: Readonly<Record<string, RawAnswer>> | undefined;
  progress: Progress;
  env: CheckEnv;
}

export async function checkSaved(run: CheckRun): Promise<{ results: CheckResult[]; exitCode: 0 | 1 | 2 }> {
  const results = await checkExercise(
    run.exercise,
    run.answers,
    run.env,
    earlierResults(run.progress, run.pack, run.exercise),
  );
  return { results, exitCode: exitCodeOf(gradeStatus(results)) };
}

export function renderCheck(exercise: Exercise, results: readonly CheckResult[], style: Style): string {
  const score = results.reduce((sum, r) => sum + r.score, 0);
  const max = results.reduce((sum, r) => sum + r.maxScore, 0);
  const right = results.filter((r) => r.status === 'pass').length;
  const lines = [
    `${style.bold(exercise.id)} — ${exercise.title}`,
    ...results.map((r) => renderResult(r, style)),
  ];
  lines.push(
    `${right}/${results.length} right · ${Number.isInteger(score) ? score : score.toFixed(2)}/${max} points`,
  );
  if (results.some((r) => r.status === 'unknown'))
    lines.push(
      'Some checks could not decide (the cluster had not settled): run `lab check` again in a moment.',
    );
  return lines.join('\n');
}
