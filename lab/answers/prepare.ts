/**
 * Answer preparation: an answers file as the checks read it — templates rendered with the
 * student's seed, the header compared with the pack graded, a task's commands taken apart from
 * its input. `lab check --answers`, `lab grade` and `lab pack test` all read answers through here.
 */
import fs from 'node:fs';
import type { Position } from '../cli/yaml.js';
import { hasTemplate, renderTemplate } from '../pack/seeded-template.js';
import type { SeededScope } from '../pack/seeded.js';
import type { Exercise } from '../pack/pack.js';
import type { RawAnswer } from '../pack/answer-types.js';
import { parseAnswerSheet, type AnswerSheet, type ReadSheet, type UnreadableAnswer } from './answer-sheet.js';
import { readTaskAnswer, type TaskCommand } from './task-commands.js';

/**
 * An answers file as one student's checks read it: `{{ … }}` rendered with the seed's values
 * (a reference solution's `'{{ 1073741832 + ceil(10m / cluster.blockSize) }}'`, a task's `lab
 * restart {{ killed }}`), then parsed. `lab check --answers`, `lab grade` and `lab pack test` read
 * answers files through this one function, so the three can never disagree on what a file says.
 * A template that cannot be rendered is an unreadable answer at its line and column; the rest of
 * the file is read.
 */
export function readAnswersText(text: string, scope: SeededScope | undefined): ReadSheet {
  if (scope === undefined || !hasTemplate(text)) return parseAnswerSheet(text);
  const rendered = renderTemplate(text, scope.pack);
  const read = parseAnswerSheet(rendered.text);
  for (const p of rendered.problems)
    read.unreadable.push({ line: p.line, column: p.column, message: p.message });
  return read;
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
