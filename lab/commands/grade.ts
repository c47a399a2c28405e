/**
 * `lab grade --pack DIR --answers FILE --seed S [--format F] [--out FILE]`: headless grading. A
 * fresh cluster in a temporary home, the pack's setup replayed, the answers checked against it,
 * the report written, every process stopped (also on an error or Ctrl-C). Exit 0 pass, 1 fail,
 * 2 unknown (the cluster did not settle: grade again).
 *
 * The readable summary goes to stdout; with a --format and no --out the report takes stdout and
 * the summary goes to stderr, so `lab grade … --format classroom > result.json` works.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../cli/commander.js';
import { CommandExit, UsageError } from '../cli/errors.js';
import { err, out } from '../cli/output.js';
import { parseIdList, parseWholeNumber } from '../cli/parse.js';
import { isReportFormat, REPORT_FORMATS, renderReport, type ReportFormat } from '../grading/formats.js';
import { gradeOnCluster, PackError } from '../grading/grade-cluster.js';
import { exitCodeOf, type GradeReport } from '../answers/score.js';

/** 128 + SIGINT, as shells report an interrupted command. */
const EXIT_INTERRUPTED = 130;

interface GradeFlags {
  pack: string;
  answers: string;
  seed: string;
  format?: string;
  out?: string;
  exercises?: string[];
  keepHome?: boolean;
  deadline?: number;
  verbose?: boolean;
}

export function registerGrade(program: Command): void {
  program
    .command('grade')
    .description(
      'grade an answers file on a fresh cluster built from the pack and the seed (exit 0 pass, 1 fail, 2 unknown)',
    )
    .requiredOption('--pack <dir>', 'the pack folder (holding pack.yaml)')
    .requiredOption('--answers <file>', "the student's answers.yaml")
    .requiredOption('--seed <seed>', "the student's seed (e.g. their GitHub user name)")
    .option('--format <format>', `report format: ${Object.keys(REPORT_FORMATS).join(', ')} (default text)`)
    .option('--out <file>', 'write the report here (the summary still goes to stdout)')
    .option(
      '--exercises <ids>',
      'grade only these exercises (comma-separated; earlier setups still run)',
      parseIdList,
    )
    .option(
      '--deadline <seconds>',
      'how long a check waits for the cluster to settle (default 15)',
      parseWholeNumber,
    )
    .option('--keep-home', "keep the grading cluster's temporary home (logs) afterwards")
    .option('--verbose', 'print every setup step')
    .action(async (flags: GradeFlags) => {
      const code = await grade(flags);
      if (code !== 0) throw new CommandExit(code);
    });
}

export async function grade(flags: GradeFlags): Promise<number> {
  const format = flags.format ?? 'text';
  if (!isReportFormat(format))
    throw new UsageError(
      `grade: --format ${format}: choose one of ${Object.keys(REPORT_FORMATS).join(', ')}`,
    );
  if (!fs.existsSync(flags.pack)) throw new UsageError(`grade: no pack folder ${flags.pack}`);
  const interrupt = interruptOnSignals();
  let report: GradeReport;
  try {
    report = await gradeOnCluster({
      packDir: flags.pack,
      seed: flags.seed,
      answersFile: flags.answers,
      exercises: flags.exercises,
      keepHome: flags.keepHome,
      deadlineMsDefault: flags.deadline === undefined ? undefined : flags.deadline * 1000,
      signal: interrupt.signal,
      log:
        flags.verbose === true
          ? err
          : (line) =>
              /^setup of |: running the student|stopped \d+ proc|kept in/.test(line) ? err(line) : undefined,
    });
  } catch (error) {
    if (error instanceof PackError) throw new UsageError(`grade: ${error.message}`);
    if (error instanceof Error && /the pack has no exercise/.test(error.message))
      throw new UsageError(`grade: ${error.message}`);
    throw error;
  } finally {
    interrupt.dispose();
  }
  if (interrupt.signal.aborted) {
    err('lab grade: interrupted; the grading cluster was stopped and no report was written');
    return EXIT_INTERRUPTED;
  }
  writeReport(report, format, flags.out);
  return exitCodeOf(report.status);
}

function writeReport(report: GradeReport, format: ReportFormat, file: string | undefined): void {
  const summary = renderReport(report, 'text');
  if (file !== undefined) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, renderReport(report, format));
    out(summary);
    out(`report (${format}) written to ${file}`);
  } else if (format === 'text') out(summary);
  else {
    err(summary);
    out(renderReport(report, format));
  }
}

/** SIGINT / SIGTERM abort the grading; the cluster is stopped by the grader's own cleanup. */
function interruptOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals): void => {
    err(`lab grade: ${signal}: stopping the grading cluster…`);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
