/**
 * Grading an answers sheet against a pack: every exercise in order (cross-exercise dependencies
 * see earlier results), answers for exercises or questions the pack does not have named as
 * unreadable, then the scores. The cluster is reached only through the probes in `env`; booting
 * it and replaying setup is the caller's (`lab grade`).
 */
import type { AnswerSheet, UnreadableAnswer } from './answer-sheet.js';
import { checkExercise, type CheckEnv, type CheckResult } from './judge.js';
import type { Pack } from '../pack/pack.js';
import type { Position } from '../cli/yaml.js';
import { buildGrade, hintDeductions, type GradeReport } from './score.js';

export interface GradeRequest {
  pack: Pack;
  packHash: string;
  labVersion: string;
  seed: string;
  sheet: AnswerSheet;
  unreadable: readonly UnreadableAnswer[];
  /** Where answers were written (from parseAnswerSheet), to place messages about stray ones. */
  positions?: ReadonlyMap<string, Position>;
  answersFile?: string;
}

/** Answers the pack has no question for: named, so a typo in an id is not silently ignored. */
export function strayAnswers(
  pack: Pack,
  sheet: AnswerSheet,
  positions: ReadonlyMap<string, Position> = new Map(),
): UnreadableAnswer[] {
  const stray: UnreadableAnswer[] = [];
  const at = (name: string) => positions.get(name) ?? { line: 1, column: 1 };
  for (const [exerciseId, answers] of Object.entries(sheet.answers)) {
    const exercise = pack.exercises.find((e) => e.id === exerciseId);
    if (!exercise) {
      stray.push({ name: exerciseId, ...at(exerciseId), message: `the pack has no exercise ${exerciseId}` });
      continue;
    }
    for (const questionId of Object.keys(answers)) {
      if (!exercise.questions.some((q) => q.id === questionId)) {
        stray.push({
          name: `${exerciseId}/${questionId}`,
          ...at(`${exerciseId}/${questionId}`),
          message: `exercise ${exerciseId} has no question ${questionId}`,
        });
      }
    }
  }
  return stray;
}

export async function gradeSheet(request: GradeRequest, env: CheckEnv): Promise<GradeReport> {
  const earlier = new Map<string, CheckResult>();
  const results: CheckResult[] = [];
  for (const exercise of request.pack.exercises) {
    const answers = Object.hasOwn(request.sheet.answers, exercise.id)
      ? request.sheet.answers[exercise.id]
      : undefined;
    results.push(...(await checkExercise(exercise, answers, env, earlier)));
  }
  return buildGrade({
    labVersion: request.labVersion,
    pack: { id: request.pack.id, version: request.pack.version, hash: request.packHash },
    seed: request.seed,
    results,
    hints: hintDeductions(request.pack, request.sheet.hints, results),
    unreadable: [...request.unreadable, ...strayAnswers(request.pack, request.sheet, request.positions)],
    ...(request.answersFile === undefined ? {} : { answersFile: request.answersFile }),
  });
}
