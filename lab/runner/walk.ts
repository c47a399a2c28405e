/**
 * `lab exercise ID`, once the cluster is ready: the exercise's text, its steps one at a time (the
 * student works in another terminal meanwhile), then its questions, each checked against the
 * cluster as soon as it is answered. Hints on request at every pause. Answers and progress are
 * saved after every change; Ctrl-C in a prompt leaves with everything saved and the cluster as it is.
 *
 * The I/O is injected (prompts, printing, probes, clock), so tests drive the whole walk with
 * @inquirer/testing and a fake probe set.
 */
import type { RawAnswer } from '../pack/answer-types.js';
import { checkQuestion, type CheckEnv, type CheckResult } from '../answers/judge.js';
import { questionHints, type Exercise, type Pack, type PackQuestion } from '../pack/pack.js';
import { PromptCancelled, type Prompter } from './prompts.js';
import { askQuestion, questionText } from './ask.js';
import { hintCostNote, renderHint, renderMarkdown, renderResult, type Style } from './render.js';
import type { SavedState } from './saved.js';

export interface RunnerIo {
  prompter: Prompter;
  print(text: string): void;
  style: Style;
}

export interface Walk {
  pack: Pack;
  exercise: Exercise;
  saved: SavedState;
  env: CheckEnv;
  io: RunnerIo;
}

export type WalkOutcome = 'passed' | 'finished' | 'quit' | 'cancelled';

type PauseChoice = 'next' | 'hint' | 'questions' | 'quit';
type AfterChoice = 'again' | 'recheck' | 'hint' | 'skip' | 'quit';

/** Walk an exercise from where the student left it. */
export async function walkExercise(walk: Walk): Promise<WalkOutcome> {
  try {
    return await walkSteps(walk);
  } catch (error) {
    if (!(error instanceof PromptCancelled)) throw error;
    walk.io.print(
      `\nStopped. Your answers and progress are saved (${walk.saved.files.answers}); the cluster keeps running.\n` +
        `Carry on with \`lab exercise ${walk.exercise.id}\`.`,
    );
    return 'cancelled';
  }
}

async function walkSteps(walk: Walk): Promise<WalkOutcome> {
  const { pack, exercise, saved, io } = walk;
  io.print(`${io.style.bold(`${exercise.title}`)} ${io.style.dim(`(${pack.id}/${exercise.id})`)}`);
  if (exercise.intro !== undefined) io.print(`\n${renderMarkdown(exercise.intro, io.style)}`);
  const first = Math.min(saved.stepOf(pack, exercise), exercise.steps.length);
  if (first > 0 && first < exercise.steps.length) io.print(io.style.dim(`\n(resuming at step ${first + 1})`));
  for (let i = first; i < exercise.steps.length; i++) {
    const step = exercise.steps[i]!;
    const title = step.title === undefined ? '' : ` · ${step.title}`;
    io.print(
      `\n${io.style.bold(`Step ${i + 1}/${exercise.steps.length}${title}`)}\n${renderMarkdown(step.markdown, io.style)}`,
    );
    const last = i === exercise.steps.length - 1;
    const choice = await pause(walk, last ? 'Done: on to the questions' : 'Done: next step', !last);
    if (choice === 'quit') return quit(walk);
    saved.recordStep(pack, exercise, choice === 'questions' ? exercise.steps.length : i + 1);
    if (choice === 'questions') break;
  }
  return walkQuestions(walk);
}

/** Between steps: go on, a hint (then ask again), jump to the questions, or leave. */
async function pause(walk: Walk, nextLabel: string, offerQuestions: boolean): Promise<PauseChoice> {
  for (;;) {
    const choice = await walk.io.prompter.select<PauseChoice>({
      message: 'Work in another terminal, then',
      choices: [
        { value: 'next', name: nextLabel },
        { value: 'hint', name: hintLabel(walk) },
        ...(offerQuestions ? [{ value: 'questions' as const, name: 'Skip to the questions' }] : []),
        { value: 'quit', name: 'Quit (progress is saved)' },
      ],
    });
    if (choice !== 'hint') return choice;
    showHint(walk);
  }
}

/** The menu entry for the next hint (the question's own first, if any), with its cost said before it is taken. */
function hintLabel(walk: Walk, question?: PackQuestion): string {
  const next = walk.saved.peekHint(walk.pack, walk.exercise, question);
  if (next === undefined) return 'Show a hint';
  const of = next.question === undefined ? '' : ` for ${next.question.id}`;
  return `Show a hint${of}${next.hint.cost > 0 ? hintCostNote(next.hint) : ' (free)'}`;
}

function showHint(walk: Walk, question?: PackQuestion): void {
  const { pack, exercise, saved, io } = walk;
  const turn = saved.takeHint(pack, exercise, question);
  if (turn === undefined) {
    const none =
      exercise.hints.length === 0 && (question === undefined || questionHints(question).length === 0);
    io.print(none ? 'This exercise has no hints.' : 'No more hints: that was the last one.');
    return;
  }
  io.print(renderHint(turn, io.style));
}

function quit(walk: Walk): WalkOutcome {
  walk.io.print(
    `Saved. Carry on later with \`lab exercise ${walk.exercise.id}\`; the cluster keeps running.`,
  );
  return 'quit';
}

/** Which prerequisite (question or `exercise/question`) has not passed, from the saved progress. */
function blocker(walk: Walk, question: PackQuestion): string | undefined {
  for (const dep of question.depends ?? []) {
    const name = dep.includes('/') ? dep : `${walk.exercise.id}/${dep}`;
    if (walk.saved.statusOf(walk.pack, name) !== 'pass') return name;
  }
  return undefined;
}

async function walkQuestions(walk: Walk): Promise<WalkOutcome> {
  const { pack, exercise, saved, io } = walk;
  const questions = exercise.questions;
  if (questions.length > 0) io.print(`\n${io.style.bold('Questions')}`);
  const skipped: number[] = [];
  for (const [index, question] of questions.entries()) {
    if (saved.statusOf(pack, `${exercise.id}/${question.id}`) === 'pass') {
      io.print(io.style.dim(`✓ ${question.id}: already right`));
      continue;
    }
    const outcome = await answerUntilDone(walk, question, { index, total: questions.length }, false);
    if (outcome === 'quit') return quit(walk);
    if (outcome === 'skipped') skipped.push(index);
  }
  // Skipped questions (and those waiting for one) come back once, after the others.
  if (skipped.length > 0)
    io.print(
      `\n${io.style.bold(`Back to the ${skipped.length} question${skipped.length === 1 ? '' : 's'} left open`)}`,
    );
  for (const index of skipped) {
    const outcome = await answerUntilDone(walk, questions[index]!, { index, total: questions.length }, true);
    if (outcome === 'quit') return quit(walk);
  }
  const passed = questions.filter((q) => saved.statusOf(pack, `${exercise.id}/${q.id}`) === 'pass').length;
  if (passed === questions.length) {
    io.print(io.style.good(`\nExercise ${exercise.id} passed.`) + nextExercise(pack, exercise));
    return 'passed';
  }
  io.print(
    `\n${passed}/${questions.length} right. Come back with \`lab exercise ${exercise.id}\`, or re-check with \`lab check ${exercise.id}\`.`,
  );
  return 'finished';
}

function nextExercise(pack: Pack, exercise: Exercise): string {
  const visible = pack.exercises.filter((e) => !e.hidden);
  const next = visible[visible.findIndex((e) => e.id === exercise.id) + 1];
  return next === undefined
    ? ' That was the last exercise of the pack.'
    : ` Next: \`lab exercise ${next.id}\`.`;
}

/**
 * Ask until the question is right or the student moves on. In the last round (`final`) a
 * question left after a wrong answer is settled: its explanation is shown then.
 */
async function answerUntilDone(
  walk: Walk,
  question: PackQuestion,
  where: { index: number; total: number },
  final: boolean,
): Promise<'done' | 'skipped' | 'quit'> {
  const { pack, exercise, saved, io } = walk;
  const blockedBy = blocker(walk, question);
  io.print(`\n${questionText(question, where, io.style)}`);
  if (blockedBy !== undefined) {
    io.print(io.style.dim(`- skipped for now: ${blockedBy} must be right first`));
    return 'skipped';
  }
  const leave = (checked: boolean): 'done' | 'skipped' => {
    if (!final) return 'skipped';
    if (checked && question.explanation !== undefined)
      io.print(renderMarkdown(question.explanation, io.style));
    return 'done';
  };
  let answer: RawAnswer | undefined = saved.answer(exercise, question.id);
  let ask = true;
  for (;;) {
    if (ask) {
      answer = await askQuestion(question, answer, io);
      if (answer === undefined) {
        const next = await afterMenu(walk, question, undefined, final);
        if (next === 'quit') return 'quit';
        if (next === 'skip') return leave(false);
        continue;
      }
      if (question.type !== 'task' || question.input !== undefined)
        saved.setAnswer(exercise, question.id, answer);
    }
    io.print(io.style.dim('checking against your cluster…'));
    const result = await checkQuestion(exercise.id, question, answer, walk.env);
    saved.recordChecks(pack, exercise, [result]);
    io.print(renderResult(result, io.style));
    if (result.status === 'pass') {
      if (question.explanation !== undefined) io.print(renderMarkdown(question.explanation, io.style));
      return 'done';
    }
    const next = await afterMenu(walk, question, result, final);
    if (next === 'quit') return 'quit';
    if (next === 'skip') return leave(true);
    ask = next === 'again';
  }
}

/**
 * After a wrong or undecided answer: answer again, check again, a hint (the question's own first,
 * then the exercise's), skip or leave.
 */
async function afterMenu(
  walk: Walk,
  question: PackQuestion,
  result: CheckResult | undefined,
  final: boolean,
): Promise<AfterChoice> {
  for (;;) {
    const choice = await walk.io.prompter.select<AfterChoice>({
      message: 'What now?',
      choices: [
        { value: 'again', name: result === undefined ? 'Answer now' : 'Answer again' },
        ...(result !== undefined && result.status !== 'fail'
          ? [
              {
                value: 'recheck' as const,
                name: 'Check the same answer again (the cluster may have settled)',
              },
            ]
          : result !== undefined
            ? [{ value: 'recheck' as const, name: 'Check again (after changing the cluster)' }]
            : []),
        { value: 'hint', name: hintLabel(walk, question) },
        {
          value: 'skip',
          name: final ? 'Leave this question (it stays as it is)' : 'Skip this question for now',
        },
        { value: 'quit', name: 'Quit (progress is saved)' },
      ],
    });
    if (choice !== 'hint') return choice;
    showHint(walk, question);
  }
}
