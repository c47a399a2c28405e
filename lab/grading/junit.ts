/**
 * JUnit XML, one <testsuite> per exercise and one <testcase> per check: failed → <failure>,
 * unknown → <error> (not decided), skipped → <skipped>. CI systems render it without plugins.
 */
import { renderXml, xmlComment, xmlElement, type XmlNode } from '../format/xml-text.js';
import { feedbackOf, fileProblems } from './feedback.js';
import type { GradeReport } from '../answers/score.js';

type GradeTest = GradeReport['tests'][number];

/** tests, failures, errors, skipped: the counts a <testsuites> and each <testsuite> carry. */
function counts(tests: readonly GradeTest[]): Record<string, number> {
  const n = (status: string) => tests.filter((t) => t.status === status).length;
  return { tests: tests.length, failures: n('fail'), errors: n('unknown'), skipped: n('skip') };
}

function testCase(report: GradeReport, exercise: string, t: GradeTest): XmlNode {
  const attributes = { name: t.question, classname: `${report.pack.id}.${exercise}` };
  const message = feedbackOf(report, t);
  if (t.status === 'pass') return xmlElement('testcase', attributes);
  if (t.status === 'skip') return xmlElement('testcase', attributes, [xmlElement('skipped', { message })]);
  const tag = t.status === 'fail' ? 'failure' : 'error';
  const score = `score ${t.score}/${t.maxScore}`;
  return xmlElement('testcase', attributes, [xmlElement(tag, { message }, score)]);
}

function testSuite(report: GradeReport, exercise: string): XmlNode {
  const tests = report.tests.filter((t) => t.exercise === exercise);
  const property = (name: string, value: string | number) => xmlElement('property', { name, value });
  const properties = xmlElement('properties', {}, [
    property('lab.version', report.lab.version),
    property('pack.version', report.pack.version),
    property('pack.hash', report.pack.hash),
    property('seed', report.seed),
    ...report.hints.filter((h) => h.exercise === exercise).map((h) => property('hints.deducted', h.deducted)),
  ]);
  return xmlElement('testsuite', { name: exercise, ...counts(tests) }, [
    properties,
    ...tests.map((t) => testCase(report, exercise, t)),
  ]);
}

export function junitXml(report: GradeReport): string {
  const exercises = [...new Set(report.tests.map((t) => t.exercise))];
  const problems = fileProblems(report);
  const root = xmlElement('testsuites', { name: report.pack.id, ...counts(report.tests) }, [
    ...exercises.map((exercise) => testSuite(report, exercise)),
    ...(problems.length > 0 ? [xmlComment(`unreadable answers: ${problems.join('; ')}`)] : []),
  ]);
  return renderXml(root, { declaration: true });
}
