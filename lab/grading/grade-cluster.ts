/**
 * `lab grade` without the CLI: a pack, a seed and an answers file in; a GradeReport out, from a
 * fresh cluster (pack-cluster.ts). The answers are read and prepared by lab/answers/prepare.ts;
 * the pure parts here — the results of questions that could not be checked, a task's command
 * notes — are exported for tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { strayAnswers } from '../answers/grade.js';
import { checkExercise, type CheckResult } from '../answers/judge.js';
import { headerProblems, prepareAnswers, readSheetFile } from '../answers/prepare.js';
import { buildGrade, hintDeductions, type GradeReport } from '../answers/score.js';
import { readRanCommands } from '../answers/task-commands.js';
import { formatDiagnostic, type Exercise } from '../pack/pack.js';
import { loadSeededPack, type SeededPack } from '../pack/seeded.js';
import {
  labVersion,
  withPackCluster,
  type CommandOutcome,
  type ExerciseStage,
  type PackClusterOptions,
} from './pack-cluster.js';

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
  // With --exercises, the exercises before them are not graded, but what the student did there is
  // done again: the ids they read later follow from it.
  const passBy = async (exercise: Exercise, stage: Extract<ExerciseStage, { ready: true }>) => {
    const own = Object.hasOwn(read.sheet.answers, exercise.id) ? read.sheet.answers[exercise.id] : undefined;
    const ran = readRanCommands(read.sheet.ran?.[exercise.id]).commands;
    const tasks = prepareAnswers(exercise, own, read.positions).commands;
    await stage.runCommands(ran, cwd);
    for (const { commands } of tasks) await stage.runCommands(commands, cwd);
    if (ran.length > 0 || tasks.length > 0) studentRan = true;
  };
  await withPackCluster({ ...options, seeded, passBy }, async (exercise, stage) => {
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
