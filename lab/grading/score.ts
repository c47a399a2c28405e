/**
 * Scoring, pure: check results → a grade. The overall status is Maelstrom's: fail if any check
 * failed (or was skipped for a failure), else unknown if any check could not be decided, else pass;
 * exit codes 0 / 1 / 2 follow it.
 */
import type { UnreadableAnswer } from '../exercises/answer-sheet.js';
import type { CheckResult } from '../exercises/checks.js';

export type GradeStatus = 'pass' | 'fail' | 'unknown';

export interface GradeReport {
  lab: { version: string };
  pack: { id: string; version: string; hash: string };
  seed: string;
  status: GradeStatus;
  score: number;
  maxScore: number;
  tests: CheckResult[];
  /** Answers (or parts of the file) that could not be read; graded as unanswered. */
  unreadable: UnreadableAnswer[];
  /** The answers file, for messages. */
  answersFile: string;
}

export interface GradeInput {
  labVersion: string;
  pack: { id: string; version: string; hash: string };
  seed: string;
  results: readonly CheckResult[];
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

export function buildGrade(input: GradeInput): GradeReport {
  const tests = [...input.results];
  return {
    lab: { version: input.labVersion },
    pack: input.pack,
    seed: input.seed,
    status: gradeStatus(tests),
    score: round2(tests.reduce((sum, t) => sum + t.score, 0)),
    maxScore: round2(tests.reduce((sum, t) => sum + t.maxScore, 0)),
    tests,
    unreadable: [...(input.unreadable ?? [])],
    answersFile: input.answersFile ?? 'answers.yaml',
  };
}

/** 0 pass, 1 fail, 2 unknown (the cluster did not settle: grade again). */
export function exitCodeOf(status: GradeStatus): 0 | 1 | 2 {
  return status === 'pass' ? 0 : status === 'fail' ? 1 : 2;
}
