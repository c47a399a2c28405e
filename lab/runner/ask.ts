/**
 * Asking one question with the right prompt: a number prompt for plain counts, text input (read
 * the same way the checker reads it, so a badly formed answer is caught before it is checked) for
 * sizes, durations, text, paths, lists and sets, a select for a choice and true/false, a checkbox
 * for multiple choice, a confirm for a "do it" task. The answer comes back as written (RawAnswer),
 * which is what the answers file keeps.
 */
import {
  choicesOf,
  readAnswer,
  readInput,
  type RawAnswer,
  type ReadableQuestion,
} from '../pack/answer-types.js';
import type { PackQuestion } from '../pack/pack.js';
import type { Prompter } from './prompts.js';
import type { LeafQuestion } from '../pack/schema.js';
import { renderMarkdown, type Style } from './render.js';

function previousText(previous: RawAnswer | undefined): string | undefined {
  if (previous === undefined) return undefined;
  if (typeof previous === 'string') return previous === '' ? undefined : previous;
  if (Array.isArray(previous)) return previous.map((p) => (typeof p === 'string' ? p : '')).join(', ');
  return undefined;
}

function formHint(question: ReadableQuestion): string {
  if (question.type === 'list') return ' (comma-separated, in order)';
  if (question.type === 'set') return ' (comma-separated, any order)';
  if (question.type === 'number' && question.unit === 'bytes') return ' (e.g. 134217728, 128m or 128 MB)';
  if (question.type === 'number' && question.unit !== undefined)
    return ` (in ${question.unit}, or with a unit)`;
  return '';
}

/** Ask one leaf question; undefined when a task's student says it is not done yet. */
export async function askLeaf(
  question: LeafQuestion,
  previous: RawAnswer | undefined,
  prompter: Prompter,
): Promise<RawAnswer | undefined> {
  const before = previousText(previous);
  switch (question.type) {
    case 'task': {
      if (question.input === undefined) {
        const done = await prompter.confirm({ message: 'Done? Check the cluster now', default: true });
        return done ? 'done' : undefined;
      }
      const type = question.input;
      return prompter.input({
        message: `Your ${type === 'path' ? 'path' : 'answer'}`,
        ...(before === undefined ? {} : { default: before }),
        validate: (text) => {
          const read = readInput(type, text);
          return read.ok ? true : read.message;
        },
      });
    }
    case 'choice': {
      const choices = choicesOf(question.options).map((c) => ({ value: c.id, name: `${c.id}) ${c.text}` }));
      const value = await prompter.select({
        message: 'Your choice',
        choices,
        ...(before !== undefined && choices.some((c) => c.value === before) ? { default: before } : {}),
      });
      return value;
    }
    case 'multiple-choice': {
      const chosen = Array.isArray(previous)
        ? previous.filter((p): p is string => typeof p === 'string')
        : [];
      const choices = choicesOf(question.options).map((c) => ({
        value: c.id,
        name: `${c.id}) ${c.text}`,
        checked: chosen.includes(c.id),
      }));
      return prompter.checkbox({ message: 'Your choices (space to pick, enter to answer)', choices });
    }
    case 'true-false': {
      const choices = [
        { value: 'true', name: 'True' },
        { value: 'false', name: 'False' },
      ] as const;
      return prompter.select({
        message: 'True or false?',
        choices: [...choices],
        ...(before === 'true' || before === 'false' ? { default: before } : {}),
      });
    }
    case 'number':
      if (question.unit === undefined) {
        const value = await prompter.number({
          message: 'Your answer',
          ...(before !== undefined && Number.isFinite(Number(before)) ? { default: Number(before) } : {}),
          validate: (n) => (n === undefined ? 'a number, please' : true),
        });
        return value === undefined ? '' : String(value);
      }
      return askText(question, before, prompter);
    default:
      return askText(question, before, prompter);
  }
}

async function askText(
  question: ReadableQuestion,
  before: string | undefined,
  prompter: Prompter,
): Promise<RawAnswer> {
  const text = await prompter.input({
    message: `Your answer${formHint(question)}`,
    ...(before === undefined ? {} : { default: before }),
    validate: (t) => {
      if (t.trim() === '') return 'an answer, please';
      const read = readAnswer(question, t);
      return read.ok ? true : read.message;
    },
  });
  // Lists and sets are kept as lists in the answers file, the way a student would write them there.
  if (question.type === 'list' || question.type === 'set')
    return text
      .split(/[,;\n]/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
  return text;
}

/** The question's text, for printing before its prompt. */
export function questionText(
  question: PackQuestion | LeafQuestion,
  where: { index: number; total: number } | undefined,
  style: Style,
): string {
  const points = 'points' in question && question.points ? style.dim(` (${question.points} pt)`) : '';
  const head =
    where === undefined ? `${question.id}` : `Question ${where.index + 1}/${where.total} · ${question.id}`;
  return `${style.bold(head)}${points}\n${renderMarkdown(question.prompt, style)}`;
}

/** Ask a question (a group part by part); undefined when the student has nothing to give yet. */
export async function askQuestion(
  question: PackQuestion,
  previous: RawAnswer | undefined,
  io: { prompter: Prompter; print: (text: string) => void; style: Style },
): Promise<RawAnswer | undefined> {
  if (question.type !== 'group') return askLeaf(question, previous, io.prompter);
  const before =
    previous !== undefined && typeof previous === 'object' && !Array.isArray(previous) ? previous : {};
  const parts: Record<string, RawAnswer> = {};
  for (const part of question.parts) {
    io.print(questionText(part, undefined, io.style));
    const answer = await askLeaf(
      part,
      Object.hasOwn(before, part.id) ? before[part.id] : undefined,
      io.prompter,
    );
    if (answer !== undefined) parts[part.id] = answer;
  }
  return parts;
}
