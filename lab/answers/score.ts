/**
 * Scoring, pure: check results → a grade. The overall status is Maelstrom's: fail if any check
 * failed (or was skipped for a failure), else unknown if any check could not be decided, else pass;
 * exit codes 0 / 1 / 2 follow it.
 */
import type { UnreadableAnswer } from './answer-sheet.js';
import type { CheckResult } from './judge.js';
import { hintKey, questionHints, type Pack } from '../pack/pack.js';

export type GradeStatus = 'pass' | 'fail' | 'unknown';

export interface GradeReport {
  lab: { version: string };
  pack: { id: string; version: string; hash: string };
  seed: string;
  status: GradeStatus;
  score: number;
  maxScore: number;
  tests: CheckResult[];
  /** Points taken off for hints the student took, per exercise (none when no hint cost anything). */
  hints: HintDeduction[];
  /** Answers (or parts of the file) that could not be read; graded as unanswered. */
  unreadable: UnreadableAnswer[];
  /** The answers file, for messages. */
  answersFile: string;
}

/** What an exercise's hints cost: the pack's costs of the first `taken` hints, never more than it earned. */
export interface HintDeduction {
  exercise: string;
  taken: number;
  /** The sum of the costs of the hints taken, as the pack says. */
  cost: number;
  /** What came off the score: the cost, capped at the points the exercise earned. */
  deducted: number;
}

export interface GradeInput {
  labVersion: string;
  pack: { id: string; version: string; hash: string };
  seed: string;
  results: readonly CheckResult[];
  hints?: readonly HintDeduction[];
  unreadable?: readonly UnreadableAnswer[];
  answersFile?: string;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

export function gradeStatus(results: readonly CheckResult[]): GradeStatus {
  if (results.some((r) => r.status === 'fail' || r.status === 'skip')) return 'fail';
  if (results.some((r) => r.status === 'unknown')) return 'unknown';
  return 'pass';
}

/**
 * The hints an answers file says were taken (`hints: { exercise: count, exercise/question: count }`),
 * priced by the pack: an exercise's own hints under its id, a question's under `exercise/question`.
 * Hints are shown in order, so the first `count` were taken; a count past the hints is all of them.
 * An exercise never goes below zero points for its hints.
 */
export function hintDeductions(
  pack: Pick<Pack, 'exercises'>,
  taken: Readonly<Record<string, number>> | undefined,
  results: readonly CheckResult[],
): HintDeduction[] {
  const deductions: HintDeduction[] = [];
  for (const exercise of pack.exercises) {
    const lists = [
      { key: hintKey(exercise), hints: exercise.hints },
      ...exercise.questions.map((q) => ({ key: hintKey(exercise, q), hints: questionHints(q) })),
    ];
    let count = 0;
    let cost = 0;
    for (const { key, hints } of lists) {
      const shown = hints.slice(0, taken?.[key] ?? 0);
      count += shown.length;
      cost += shown.reduce((sum, h) => sum + h.cost, 0);
    }
    if (cost <= 0) continue;
    const earned = results.filter((r) => r.exercise === exercise.id).reduce((sum, r) => sum + r.score, 0);
    deductions.push({ exercise: exercise.id, taken: count, cost, deducted: round2(Math.min(cost, earned)) });
  }
  return deductions;
}

export function buildGrade(input: GradeInput): GradeReport {
  const tests = [...input.results];
  const hints = [...(input.hints ?? [])];
  const earned = tests.reduce((sum, t) => sum + t.score, 0);
  return {
    lab: { version: input.labVersion },
    pack: input.pack,
    seed: input.seed,
    status: gradeStatus(tests),
    score: round2(earned - hints.reduce((sum, h) => sum + h.deducted, 0)),
    maxScore: round2(tests.reduce((sum, t) => sum + t.maxScore, 0)),
    tests,
    hints,
    unreadable: [...(input.unreadable ?? [])],
    answersFile: input.answersFile ?? 'answers.yaml',
  };
}

/** 0 pass, 1 fail, 2 unknown (the cluster did not settle: grade again). */
export function exitCodeOf(status: GradeStatus): 0 | 1 | 2 {
  return status === 'pass' ? 0 : status === 'fail' ? 1 : 2;
}
