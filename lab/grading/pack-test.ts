/**
 * `lab pack test`: the instructor's proof that a pack works. For each seed, on a freshly booted
 * cluster, after each exercise's setup: every question left unanswered must not pass (an exercise
 * that passes unsolved checks nothing), then the reference solution's task commands run and every
 * one of its answers must pass. Reference solutions are answers files under
 * `solutions/<pack-id>/` (every *.yaml there, merged), rendered with each seed's template
 * variables, so `mine-blocks: '{{ ceil(10m / cluster.blockSize) }}'` is right for every student.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mergeAnswerSheets, type AnswerSheet, formatUnreadable } from '../answers/answer-sheet.js';
import { checkExercise, publicMessage, type CheckResult } from '../answers/judge.js';
import { type SeededScope } from '../pack/seeded.js';
import { readAnswersText } from '../answers/prepare.js';
import { loadReadyPack, unknownResults, withCommandNotes } from './grade-cluster.js';
import { prepareAnswers } from '../answers/prepare.js';
import {
  withPackCluster,
  type CommandOutcome,
  type ExerciseStage,
  type PackClusterOptions,
} from './pack-cluster.js';
import type { Exercise } from '../pack/pack.js';
import type { GradeStatus } from '../answers/score.js';

/** Seeds `lab pack test` uses: stable names, so a failure names a seed that reproduces it. */
export function testSeeds(count: number, prefix = 'pack-test'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
}

/** `solutions/<id>` beside the pack's parent folder (exercises/<id> → solutions/<id>), else inside it. */
export function defaultSolutionsDir(packDir: string, packId: string): string | undefined {
  const candidates = [
    path.resolve(packDir, '..', '..', 'solutions', packId),
    path.resolve(packDir, '..', 'solutions', packId),
    path.resolve(packDir, 'solutions'),
  ];
  return candidates.find((dir) => fs.existsSync(dir) && fs.statSync(dir).isDirectory());
}

function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return yamlFiles(full);
      return /\.ya?ml$/.test(entry.name) ? [full] : [];
    })
    .sort();
}

/** The solution sheets, rendered for a seed and merged; what could not be read, named. */
export function readSolution(dir: string, scope: SeededScope): { sheet: AnswerSheet; problems: string[] } {
  let sheet: AnswerSheet = { answers: {} };
  const problems: string[] = [];
  for (const file of yamlFiles(dir)) {
    const read = readAnswersText(fs.readFileSync(file, 'utf8'), scope);
    problems.push(...read.unreadable.map((u) => formatUnreadable(u, file)));
    sheet = mergeAnswerSheets(sheet, read.sheet);
  }
  return { sheet, problems };
}

export interface SeedResult {
  seed: string;
  /** With the reference solution's answers: each must pass. */
  solved: CheckResult[];
  /** Unanswered: none may pass. */
  unsolved: CheckResult[];
  problems: string[];
}

export interface PackTestOptions extends Omit<PackClusterOptions, 'seeded'> {
  packDir: string;
  seeds: readonly string[];
  solutionsDir?: string | undefined;
}

export async function packTest(options: PackTestOptions): Promise<SeedResult[]> {
  const results: SeedResult[] = [];
  for (const seed of options.seeds) {
    if (options.signal?.aborted) break;
    results.push(await testSeed(options, seed));
  }
  return results;
}

async function testSeed(options: PackTestOptions, seed: string): Promise<SeedResult> {
  const seeded = loadReadyPack(options.packDir, seed);
  const dir = options.solutionsDir ?? defaultSolutionsDir(options.packDir, seeded.pack.id);
  const result: SeedResult = { seed, solved: [], unsolved: [], problems: [] };
  if (dir === undefined) {
    result.problems.push(
      `no reference solution: expected solutions/${seeded.pack.id}/*.yaml; give --solutions DIR`,
    );
    return result;
  }
  const solution = readSolution(dir, seeded.scope!);
  result.problems.push(...solution.problems);
  const earlierSolved = new Map<string, CheckResult>();
  const earlierUnsolved = new Map<string, CheckResult>();
  options.log?.(`seed ${seed}: ${seeded.variant.datanodes} DataNodes, solution from ${dir}`);
  // With --exercises, the exercises before them are not checked, but their solution's tasks are
  // done, as the student the solution stands for did them: later block ids, genstamps and txids
  // then are the ones the solution's answers name.
  const passBy = async (exercise: Exercise, stage: Extract<ExerciseStage, { ready: true }>) => {
    for (const { commands } of prepareAnswers(exercise, solution.sheet.answers[exercise.id]).commands)
      await stage.runCommands(commands, dir);
  };
  await withPackCluster({ ...options, seeded, passBy }, async (exercise, stage) => {
    if (!stage.ready) {
      result.solved.push(...unknownResults(exercise, stage.reason));
      return;
    }
    result.unsolved.push(
      ...(await checkExercise(exercise, {}, { ...stage.env, tasksOnce: true }, earlierUnsolved)),
    );
    const own = solution.sheet.answers[exercise.id];
    const prepared = prepareAnswers(exercise, own);
    result.problems.push(...prepared.unreadable.map((u) => `${u.name ?? exercise.id}: ${u.message}`));
    const notes = new Map<string, CommandOutcome[]>();
    for (const { question, commands } of prepared.commands)
      notes.set(question, await stage.runCommands(commands, dir));
    const checked = await checkExercise(exercise, prepared.answers, stage.env, earlierSolved);
    result.solved.push(...withCommandNotes(checked, notes));
  });
  return result;
}

/** fail: a solution answer failed, an unsolved one passed, or the solution is unreadable. */
export function packTestStatus(results: readonly SeedResult[]): GradeStatus {
  const all = results.flatMap((r) => r.solved);
  if (
    results.some((r) => r.problems.length > 0 || r.unsolved.some((u) => u.status === 'pass')) ||
    all.some((t) => t.status === 'fail' || t.status === 'skip')
  )
    return 'fail';
  return all.some((t) => t.status === 'unknown') ? 'unknown' : 'pass';
}

export function formatPackTest(results: readonly SeedResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const passed = r.solved.filter((t) => t.status === 'pass').length;
    const leaky = r.unsolved.filter((t) => t.status === 'pass');
    lines.push(
      `seed ${r.seed}: solution ${passed}/${r.solved.length} pass; unsolved ${r.unsolved.length - leaky.length}/${r.unsolved.length} fail`,
    );
    for (const t of r.solved.filter((t) => t.status !== 'pass'))
      lines.push(
        `  solution ${t.status.padEnd(7)} ${t.name}: ${publicMessage({ ...t, hidden: false })
          .split('\n')
          .join(' | ')}`,
      );
    for (const t of leaky) lines.push(`  unsolved passes ${t.name}: it checks nothing a student must do`);
    for (const p of r.problems) lines.push(`  problem ${p}`);
  }
  lines.push(`pack test: ${packTestStatus(results)}`);
  return `${lines.join('\n')}\n`;
}
