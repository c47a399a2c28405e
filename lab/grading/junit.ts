/**
 * JUnit XML, one <testsuite> per exercise and one <testcase> per check: failed → <failure>,
 * unknown → <error> (not decided), skipped → <skipped>. CI systems render it without plugins.
 */
import { escapeXml } from '../format/xml-text.js';
import { feedbackOf, fileProblems } from './feedback.js';
import type { GradeReport } from '../answers/score.js';

export function junitXml(report: GradeReport): string {
  const exercises = [...new Set(report.tests.map((t) => t.exercise))];
  const count = (status: string) => report.tests.filter((t) => t.status === status).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(report.pack.id)}" tests="${report.tests.length}" failures="${count('fail')}" errors="${count('unknown')}" skipped="${count('skip')}">`,
  ];
  for (const exercise of exercises) {
    const tests = report.tests.filter((t) => t.exercise === exercise);
    const n = (status: string) => tests.filter((t) => t.status === status).length;
    lines.push(
      `  <testsuite name="${escapeXml(exercise)}" tests="${tests.length}" failures="${n('fail')}" errors="${n('unknown')}" skipped="${n('skip')}">`,
      '    <properties>',
      `      <property name="lab.version" value="${escapeXml(report.lab.version)}"/>`,
      `      <property name="pack.version" value="${escapeXml(report.pack.version)}"/>`,
      `      <property name="pack.hash" value="${escapeXml(report.pack.hash)}"/>`,
      `      <property name="seed" value="${escapeXml(report.seed)}"/>`,
      ...report.hints
        .filter((h) => h.exercise === exercise)
        .map((h) => `      <property name="hints.deducted" value="${h.deducted}"/>`),
      '    </properties>',
    );
    for (const t of tests) {
      const head = `    <testcase name="${escapeXml(t.question)}" classname="${escapeXml(`${report.pack.id}.${exercise}`)}"`;
      const message = escapeXml(feedbackOf(report, t));
      const score = `score ${t.score}/${t.maxScore}`;
      if (t.status === 'pass') lines.push(`${head}/>`);
      else if (t.status === 'skip')
        lines.push(`${head}>`, `      <skipped message="${message}"/>`, '    </testcase>');
      else {
        const tag = t.status === 'fail' ? 'failure' : 'error';
        lines.push(
          `${head}>`,
          `      <${tag} message="${message}">${escapeXml(score)}</${tag}>`,
          '    </testcase>',
        );
      }
    }
    lines.push('  </testsuite>');
  }
  const problems = fileProblems(report);
  if (problems.length > 0)
    lines.push(`  <!-- unreadable answers: ${escapeXml(problems.join('; ')).replace(/--/g, '- -')} -->`);
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
