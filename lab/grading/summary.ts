/**
 * The readable summary on stdout:
 *
 *   hdfs-basics 1.0.0 · seed alice · sha256:3f2a9c1e…
 *   upload-basics
 *     pass     2/2    block-count
 *     fail     0/1    last-block: expected 23068672 (22 MB), found 16777216 (16 MB); look at: …
 *   hints taken:
 *     upload-basics: 1 hint taken, costing 1 point: -1
 *   score 6/10: fail
 */
import { feedbackOf, fileProblems, hintNote } from './feedback.js';
import type { GradeReport } from '../answers/score.js';

function points(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

export function textSummary(report: GradeReport): string {
  const lines = [
    `${report.pack.id} ${report.pack.version} · seed ${report.seed} · ${report.pack.hash.slice(0, 19)}…`,
  ];
  let exercise: string | undefined;
  for (const t of report.tests) {
    if (t.exercise !== exercise) {
      exercise = t.exercise;
      lines.push(exercise);
    }
    const [first, ...rest] = feedbackOf(report, t).split('\n');
    const head = `  ${t.status.padEnd(8)}${`${points(t.score)}/${points(t.maxScore)}`.padEnd(11)}${t.question}`;
    lines.push(t.status === 'pass' ? head : `${head}: ${first}`, ...rest.map((r) => `      ${r}`));
  }
  const problems = fileProblems(report);
  if (problems.length > 0) lines.push('unreadable answers:', ...problems.map((p) => `  ${p}`));
  if (report.hints.length > 0) lines.push('hints taken:', ...report.hints.map((h) => `  ${hintNote(h)}`));
  lines.push(`score ${points(report.score)}/${points(report.maxScore)}: ${report.status}`);
  return `${lines.join('\n')}\n`;
}
