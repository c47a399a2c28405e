/**
 * Gradescope's autograder results.json: `score`, `output`, `tests[]` with score, max_score,
 * status passed/failed, name, output. Hidden checks stay listed with their score; their output is
 * withheld like everywhere else. Hints taken are named in `output`; `score` is net of their cost.
 */
import { feedbackOf, fileProblems, hintNote } from './feedback.js';
import type { GradeReport } from '../answers/score.js';

export function gradescopeJson(report: GradeReport): string {
  const problems = fileProblems(report);
  const header = `hdfs-lab ${report.lab.version}, pack ${report.pack.id} ${report.pack.version} (${report.pack.hash}), seed ${report.seed}: ${report.status}`;
  const body = {
    score: report.score,
    output: [
      header,
      ...problems.map((p) => `unreadable: ${p}`),
      ...report.hints.map((h) => `hints: ${hintNote(h)}`),
    ].join('\n'),
    visibility: 'visible',
    stdout_visibility: 'hidden',
    tests: report.tests.map((t) => ({
      name: t.name,
      score: t.score,
      max_score: t.maxScore,
      status: t.status === 'pass' ? 'passed' : 'failed',
      output: feedbackOf(report, t),
      visibility: 'visible',
    })),
    extra_data: { lab_status: report.status, pack: report.pack, seed: report.seed, lab: report.lab },
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
