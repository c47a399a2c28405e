/**
 * A student's progress through packs, pure: which step each exercise is at, hints shown, the last
 * result of each check. Saved as `<home>/exercises/progress.json` by store.ts.
 */
import type { CheckResult, CheckStatus } from '../answers/judge.js';

export const PROGRESS_VERSION = 1;

export interface QuestionProgress {
  status: CheckStatus;
  score: number;
  /** ISO time of the check. */
  at: string;
}

export interface ExerciseProgress {
  status: 'not-started' | 'in-progress' | 'passed';
  /** Index of the next step to show. */
  step: number;
  /** The exercise's own hints shown. */
  hintsShown: number;
  /** Each question's own hints shown, by question id (absent until one is). */
  questionHintsShown?: Record<string, number>;
  checks: Record<string, QuestionProgress>;
  updatedAt: string;
}

export interface PackProgress {
  seed?: string;
  exercises: Record<string, ExerciseProgress>;
}

export interface Progress {
  version: typeof PROGRESS_VERSION;
  packs: Record<string, PackProgress>;
}

export function emptyProgress(): Progress {
  return { version: PROGRESS_VERSION, packs: {} };
}

function exerciseOf(progress: Progress, pack: string, exercise: string): ExerciseProgress {
  return (
    progress.packs[pack]?.exercises[exercise] ?? {
      status: 'not-started',
      step: 0,
      hintsShown: 0,
      checks: {},
      updatedAt: '',
    }
  );
}

function withExercise(progress: Progress, pack: string, exercise: string, next: ExerciseProgress): Progress {
  const packProgress = progress.packs[pack] ?? { exercises: {} };
  return {
    ...progress,
    packs: {
      ...progress.packs,
      [pack]: { ...packProgress, exercises: { ...packProgress.exercises, [exercise]: next } },
    },
  };
}

/** Record the results of checking an exercise; it is passed when every question passes. */
export function recordChecks(
  progress: Progress,
  where: { pack: string; exercise: string; questions: number },
  results: readonly CheckResult[],
  now: Date,
): Progress {
  const current = exerciseOf(progress, where.pack, where.exercise);
  const at = now.toISOString();
  const checks = { ...current.checks };
  for (const r of results) checks[r.question] = { status: r.status, score: r.score, at };
  const passed = Object.values(checks).filter((c) => c.status === 'pass').length;
  const status = passed >= where.questions && where.questions > 0 ? 'passed' : 'in-progress';
  return withExercise(progress, where.pack, where.exercise, { ...current, checks, status, updatedAt: at });
}

/** Move to a step (the runner shows steps in order; skipping ahead replays earlier setup). */
export function recordStep(
  progress: Progress,
  where: { pack: string; exercise: string },
  step: number,
  now: Date,
): Progress {
  const current = exerciseOf(progress, where.pack, where.exercise);
  const status = current.status === 'not-started' ? 'in-progress' : current.status;
  return withExercise(progress, where.pack, where.exercise, {
    ...current,
    step,
    status,
    updatedAt: now.toISOString(),
  });
}

/** Every hint of the exercise shown, its own and its questions'. */
export function hintsTaken(exercise: ExerciseProgress): number {
  return Object.values(exercise.questionHintsShown ?? {}).reduce((sum, n) => sum + n, exercise.hintsShown);
}

/** How many hints of the exercise (`question` undefined) or of one of its questions were shown. */
export function hintsShownOf(
  progress: Progress,
  where: { pack: string; exercise: string; question?: string },
): number {
  const current = exerciseOf(progress, where.pack, where.exercise);
  return where.question === undefined
    ? current.hintsShown
    : (current.questionHintsShown?.[where.question] ?? 0);
}

/**
 * One more hint shown, of the exercise's (`question` undefined) or of a question's own; returns the
 * progress and the index of the hint to show.
 */
export function recordHint(
  progress: Progress,
  where: { pack: string; exercise: string; question?: string; hints: number },
  now: Date,
): { progress: Progress; hint: number | undefined } {
  const shown = hintsShownOf(progress, where);
  if (shown >= where.hints) return { progress, hint: undefined };
  const current = exerciseOf(progress, where.pack, where.exercise);
  const counted =
    where.question === undefined
      ? { hintsShown: shown + 1 }
      : { questionHintsShown: { ...current.questionHintsShown, [where.question]: shown + 1 } };
  const next = { ...current, ...counted, updatedAt: now.toISOString() };
  return { progress: withExercise(progress, where.pack, where.exercise, next), hint: shown };
}

/** Forget one exercise (`lab reset ID`). */
export function resetExercise(progress: Progress, where: { pack: string; exercise: string }): Progress {
  const packProgress = progress.packs[where.pack];
  if (!packProgress) return progress;
  const { [where.exercise]: _gone, ...rest } = packProgress.exercises;
  return { ...progress, packs: { ...progress.packs, [where.pack]: { ...packProgress, exercises: rest } } };
}

/** Two progress files (two machines): per exercise, the more recently updated wins. */
export function mergeProgress(a: Progress, b: Progress): Progress {
  let merged = a;
  for (const [pack, packProgress] of Object.entries(b.packs)) {
    for (const [exercise, theirs] of Object.entries(packProgress.exercises)) {
      const ours = a.packs[pack]?.exercises[exercise];
      if (!ours || theirs.updatedAt > ours.updatedAt) merged = withExercise(merged, pack, exercise, theirs);
    }
  }
  return merged;
}

/** progress.json text → Progress; a file that is not ours gives a reason instead. */
export function parseProgress(
  text: string,
): { ok: true; progress: Progress } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const v = value as Partial<Progress> | null;
  if (
    v === null ||
    typeof v !== 'object' ||
    v.version !== PROGRESS_VERSION ||
    typeof v.packs !== 'object' ||
    v.packs === null
  ) {
    return { ok: false, message: `not a version ${PROGRESS_VERSION} progress file` };
  }
  return { ok: true, progress: v as Progress };
}

export function formatProgress(progress: Progress): string {
  return `${JSON.stringify(progress, null, 2)}\n`;
}
