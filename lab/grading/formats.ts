/** The report formats of `lab grade --format`, by name. */
import { classroomJson, labJson } from './classroom.js';
import { gradescopeJson } from './gradescope.js';
import { junitXml } from './junit.js';
import type { GradeReport } from '../answers/score.js';
import { textSummary } from './summary.js';

export const REPORT_FORMATS = {
  json: labJson,
  classroom: classroomJson,
  junit: junitXml,
  gradescope: gradescopeJson,
  text: textSummary,
} as const satisfies Record<string, (report: GradeReport) => string>;

export type ReportFormat = keyof typeof REPORT_FORMATS;

export function isReportFormat(name: string): name is ReportFormat {
  return Object.hasOwn(REPORT_FORMATS, name);
}

export function renderReport(report: GradeReport, format: ReportFormat): string {
  return REPORT_FORMATS[format](report);
}
