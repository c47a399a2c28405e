/**
 * JSON results in the GitHub Classroom autograding / Exercism shape: `status`, `max_score`,
 * `tests[]` with name, status, score, message. `classroom` is that shape alone; `json` adds what
 * reproduces the grade (lab version, pack hash, seed) and the lab's own per-check details. Hints
 * taken are one more entry per exercise whose score is what they cost (negative), so the tests'
 * scores add up to the grade.
 */
import { feedbackOf, fileProblems, hintNote } from './feedback.js';
import type { GradeReport } from '../answers/score.js';

/** Hints taken, as entries whose (negative) score is what they cost. */
function hintTests(report: GradeReport) {
  return report.hints.map((h) => ({
    name: `${h.exercise}/hints`,
    status: 'pass' as const,
    score: -h.deducted,
    message: hintNote(h),
  }));
}

/** Classroom and Exercism know pass / fail / error; "unknown" (not settled) is an error there. */
function externalStatus(status: string): 'pass' | 'fail' | 'error' {
  return status === 'pass' ? 'pass' : status === 'unknown' ? 'error' : 'fail';
}

export function classroomJson(report: GradeReport): string {
  const problems = fileProblems(report);
  const body = {
    version: 1,
    status: externalStatus(report.status),
    max_score: report.maxScore,
    ...(problems.length > 0 ? { message: problems.join('\n') } : {}),
    tests: [
      ...report.tests.map((t) => ({
        name: t.name,
        status: externalStatus(t.status),
        score: t.score,
        message: feedbackOf(report, t),
      })),
      ...hintTests(report),
    ],
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

export function labJson(report: GradeReport): string {
  const problems = fileProblems(report);
  const body = {
    version: 1,
    status: externalStatus(report.status),
    lab_status: report.status,
    score: report.score,
    max_score: report.maxScore,
    lab: report.lab,
    pack: report.pack,
    seed: report.seed,
    ...(problems.length > 0 ? { message: problems.join('\n') } : {}),
    tests: report.tests.map((t) => ({
      name: t.name,
      exercise: t.exercise,
      question: t.question,
      status: externalStatus(t.status),
      lab_status: t.status,
      score: t.score,
      max_score: t.maxScore,
      message: feedbackOf(report, t),
    })),
    hints: report.hints,
    unreadable: report.unreadable,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
