/**
 * What every report format says about one check: its message with hidden details withheld, and
 * the unreadable answers that concern it.
 */
import { formatUnreadable } from '../answers/answer-sheet.js';
import { publicMessage, type CheckResult } from '../answers/judge.js';
import type { GradeReport, HintDeduction } from '../answers/score.js';

export function feedbackOf(report: GradeReport, test: CheckResult): string {
  const unreadable = report.unreadable.filter(
    (u) => u.name === test.name || u.name?.startsWith(`${test.name}/`),
  );
  const notes = unreadable.map((u) => `unreadable answer: ${formatUnreadable(u, report.answersFile)}`);
  return [publicMessage(test), ...notes].join('\n');
}

/** Unreadable parts of the answers file that belong to no single check (a YAML error, a bad exercise). */
export function fileProblems(report: GradeReport): string[] {
  const names = new Set(report.tests.map((t) => t.name));
  return report.unreadable
    .filter(
      (u) => u.name === undefined || ![...names].some((n) => u.name === n || u.name!.startsWith(`${n}/`)),
    )
    .map((u) => formatUnreadable(u, report.answersFile));
}

/** `upload-blocks: 2 hints taken, costing 3 points: −3` (capped where the exercise earned less). */
export function hintNote(h: HintDeduction): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const capped = h.deducted < h.cost ? ` (capped at the ${h.deducted} the exercise earned)` : '';
  return `${h.exercise}: ${plural(h.taken, 'hint')} taken, costing ${plural(h.cost, 'point')}: -${h.deducted}${capped}`;
}
