/**
 * `lab grade` without the CLI: a pack, a seed and an answers file in; a GradeReport out, from a
 * fresh cluster (pack-cluster.ts). The pure parts — reading task answers into commands, the
 * results of questions that could not be checked — are exported for tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AnswerSheet, UnreadableAnswer } from '../exercises/answer-sheet.js';
import type { RawAnswer } from '../exercises/answers.js';
import { checkExercise, type CheckResult } from '../exercises/checks.js';
import { formatDiagnostic, type Exercise } from '../exercises/pack.js';
import { loadSeededPack, readAnswersText, type SeededPack, type SeededScope } from '../exercises/seeded.js';
import type { Position } from '../exercises/yaml.js';
import { strayAnswers } from './grade.js';
import { labVersion, withPackCluster, type CommandOutcome, type PackClusterOptions } from './pack-cluster.js';
import { buildGrade, hintDeductions, type GradeReport } from './score.js';
import { readRanCommands, readTaskAnswer, type TaskCommand } from './task-commands.js';

/** A pack that does not validate: the instructor's problem, reported with file:line:column. */
export class PackError extends Error {
  override readonly name = 'PackError';
}

export type ReadySeededPack = PackClusterOptions['seeded'];

export function loadReadyPack(dir: string, seed: string): ReadySeededPack {
  if (!fs.existsSync(path.join(dir, 'pack.yaml')))
    throw new PackError(`${dir}: no pack.yaml here; --pack names a pack folder`);
  const seeded: SeededPack = loadSeededPack(dir, seed);
  if (!seeded.pack || !seeded.variant) {
    const lines = seeded.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => formatDiagnostic(d, dir));
    throw new PackError(`the pack does not validate (lab pack validate ${dir}):\n${lines.join('\n')}`);
  }
  return seeded as ReadySeededPack;
}

/**
 * The answers file, read as far as it goes, with the student's template values rendered as `lab
 * check` renders them; a file that cannot be read at all is one problem.
 */
export function readSheetFile(
  file: string,
  scope: SeededScope | undefined,
): {
  sheet: AnswerSheet;
  unreadable: UnreadableAnswer[];
  positions: Map<string, Position>;
} {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return {
      sheet: { answers: {} },
      unreadable: [
        { line: 1, column: 1, message: `cannot read the answers file (${code}): graded as unanswered` },
      ],
      positions: new Map(),
    };
  }
  return readAnswersText(text, scope);
}

/** A sheet whose header names another pack or seed is still graded, with the mismatch named. */
export function headerProblems(sheet: AnswerSheet, pack: string, seed: string): UnreadableAnswer[] {
  const problems: UnreadableAnswer[] = [];
  if (sheet.pack !== undefined && sheet.pack !== pack)
    problems.push({
      line: 1,
      column: 1,
      message: `the answers are for pack ${sheet.pack}, graded against ${pack}`,
    });
  if (sheet.seed !== undefined && sheet.seed !== seed)
    problems.push({
      line: 1,
      column: 1,
      message: `the answers were written for seed ${sheet.seed}, graded with seed ${seed}: answers that depend on the seed will differ`,
    });
  return problems;
}

export interface PreparedAnswers {
  /** The answers as the checks read them: a task's input in place of its map. */
  answers: Record<string, RawAnswer>;
  /** Commands to run before checking, by question id, in question order. */
  commands: { question: string; commands: TaskCommand[] }[];
  unreadable: UnreadableAnswer[];
}

/** Split an exercise's answers into what the checks read and the tasks' commands. */
export function prepareAnswers(
  exercise: Exercise,
  answers: Readonly<Record<string, RawAnswer>> | undefined,
  positions: ReadonlyMap<string, Position> = new Map(),
): PreparedAnswers {
  const prepared: PreparedAnswers = { answers: { ...answers }, commands: [], unreadable: [] };
  for (const question of exercise.questions) {
    if (question.type !== 'task' || answers === undefined || !Object.hasOwn(answers, question.id)) continue;
    const name = `${exercise.id}/${question.id}`;
    const read = readTaskAnswer(answers[question.id], question.input !== undefined);
    if (read.input === undefined) delete prepared.answers[question.id];
    else prepared.answers[question.id] = read.input;
    if (read.commands.length > 0) prepared.commands.push({ question: question.id, commands: read.commands });
    const at = positions.get(name) ?? { line: 1, column: 1 };
    for (const message of read.problems) prepared.unreadable.push({ name, ...at, message });
  }
  return prepared;
}

/** Every question of an exercise, unknown: the cluster it needs could not be had. */
export function unknownResults(exercise: Exercise, reason: string): CheckResult[] {
  return exercise.questions.map((q) => ({
    name: `${exercise.id}/${q.id}`,
    exercise: exercise.id,
    question: q.id,
    status: 'unknown' as const,
    score: 0,
    maxScore: q.points,
    hidden: q.hidden ?? false,
    message: `not checked: ${reason}`,
  }));
}

/** Add what a task's commands did to its result, so a failing task says which command went wrong. */
export function withCommandNotes(
  results: CheckResult[],
  notes: ReadonlyMap<string, CommandOutcome[]>,
): CheckResult[] {
  return results.map((r) => {
    const outcomes = notes.get(r.question);
    if (outcomes === undefined || r.status === 'pass') return r;
    const failed = outcomes.filter((o) => !o.ok);
    const lines =
      failed.length === 0
        ? [`ran ${outcomes.length} command(s)`]
        : failed.map((o) => `\`${o.command}\`: ${o.detail}`);
    return { ...r, message: `${r.message}\n${lines.join('\n')}` };
  });
}

export interface GradeOnClusterOptions extends Omit<PackClusterOptions, 'seeded'> {
  packDir: string;
  seed: string;
  answersFile: string;
}

/** Boot, replay, check, score, stop. Throws PackError for a pack that does not validate. */
export async function gradeOnCluster(options: GradeOnClusterOptions): Promise<GradeReport> {
  const seeded = loadReadyPack(options.packDir, options.seed);
  const read = readSheetFile(options.answersFile, seeded.scope);
  const unreadable = [
    ...read.unreadable,
    ...headerProblems(read.sheet, seeded.pack.id, options.seed),
    ...strayAnswers(seeded.pack, read.sheet, read.positions),
  ];
  const cwd = path.dirname(path.resolve(options.answersFile));
  const earlier = new Map<string, CheckResult>();
  const results: CheckResult[] = [];
  // Until the student's first command, the cluster holds only what the setups made: a task is
  // judged on one reading then, as `lab pack test` judges its unsolved pass (nothing was done and
  // nothing is coming), instead of waiting out the deadline for a change no one asked for.
  let studentRan = false;
  await withPackCluster({ ...options, seeded }, async (exercise, stage) => {
    const own = Object.hasOwn(read.sheet.answers, exercise.id) ? read.sheet.answers[exercise.id] : undefined;
    const prepared = prepareAnswers(exercise, own, read.positions);
    unreadable.push(...prepared.unreadable);
    if (!stage.ready) {
      const unknown = unknownResults(exercise, stage.reason);
      for (const r of unknown) earlier.set(r.name, r);
      results.push(...unknown);
      return;
    }
    // What the student ran on their cluster during this exercise, in order, before their tasks'
    // own commands: the ids they read off their cluster are then the ones this cluster has.
    const ran = readRanCommands(read.sheet.ran?.[exercise.id]);
    const ranAt = read.positions.get(`ran/${exercise.id}`) ?? { line: 1, column: 1 };
    for (const message of ran.problems) unreadable.push({ name: `ran/${exercise.id}`, ...ranAt, message });
    if (ran.commands.length > 0) {
      options.log?.(`${exercise.id}: running the ${ran.commands.length} command(s) the student ran`);
      for (const outcome of await stage.runCommands(ran.commands, cwd))
        options.log?.(`  ${outcome.command}: ${outcome.detail}`);
    }
    const notes = new Map<string, CommandOutcome[]>();
    for (const { question, commands } of prepared.commands) {
      options.log?.(`${exercise.id}/${question}: running the student's ${commands.length} command(s)`);
      notes.set(question, await stage.runCommands(commands, cwd));
    }
    if (ran.commands.length > 0 || prepared.commands.length > 0) studentRan = true;
    const env = studentRan ? stage.env : { ...stage.env, tasksOnce: true };
    const checked = await checkExercise(exercise, prepared.answers, env, earlier);
    results.push(...withCommandNotes(checked, notes));
  });
  return buildGrade({
    labVersion: labVersion(),
    pack: { id: seeded.pack.id, version: seeded.pack.version, hash: seeded.hash },
    seed: options.seed,
    results,
    hints: hintDeductions(seeded.pack, read.sheet.hints, results),
    unreadable,
    answersFile: options.answersFile,
  });
}
