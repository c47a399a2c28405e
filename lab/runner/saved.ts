/**
 * The student's saved state as the runner uses it: progress and answers, loaded once, changed
 * through pure functions (progress.ts, answer-sheet.ts) and written back to the lab home after
 * every change, so Ctrl-C at any moment loses at most the answer being typed.
 */
import { answerOf, formatUnreadable, withAnswer, type AnswerSheet } from '../answers/answer-sheet.js';
import type { RawAnswer } from '../pack/answer-types.js';
import type { CheckResult } from '../answers/judge.js';
import {
  hintKey,
  questionHints,
  type Exercise,
  type Hint,
  type Pack,
  type PackQuestion,
} from '../pack/pack.js';
import {
  hintsShownOf,
  recordChecks,
  recordHint,
  recordStep,
  resetExercise,
  type Progress,
} from './progress.js';
import { exercisePaths, loadAnswers, loadProgress, saveAnswers, saveProgress } from './store.js';

/** The hint a student gets next: which list it is of (a question's own, or the exercise's) and where in it. */
export interface HintTurn {
  hint: Hint;
  index: number;
  total: number;
  /** The question whose own hint it is; undefined for the exercise's. */
  question?: PackQuestion;
}

export class SavedState {
  progress: Progress;
  sheet: AnswerSheet;
  /** Problems met while loading (an unreadable file set aside, answers that could not be read). */
  readonly warnings: string[] = [];

  constructor(
    readonly home: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    const loaded = loadProgress(home);
    this.progress = loaded.progress;
    if (loaded.warning !== undefined) this.warnings.push(loaded.warning);
    const answers = loadAnswers({ home });
    this.sheet = answers.sheet;
    for (const u of answers.unreadable) this.warnings.push(formatUnreadable(u, answers.file));
  }

  get files(): { progress: string; answers: string } {
    return exercisePaths(this.home);
  }

  seedOf(pack: Pack): string | undefined {
    return this.progress.packs[pack.id]?.seed;
  }

  /** The seed this pack is worked with, kept in progress and in the answers file's header. */
  setSeed(pack: Pack, seed: string): void {
    const packProgress = this.progress.packs[pack.id] ?? { exercises: {} };
    this.progress = {
      ...this.progress,
      packs: { ...this.progress.packs, [pack.id]: { ...packProgress, seed } },
    };
    this.sheet = { ...this.sheet, pack: pack.id, seed };
    this.save();
  }

  answer(exercise: Exercise, question: string): RawAnswer | undefined {
    return answerOf(this.sheet, exercise.id, question);
  }

  answersOf(exercise: Exercise): Record<string, RawAnswer> | undefined {
    return Object.hasOwn(this.sheet.answers, exercise.id) ? this.sheet.answers[exercise.id] : undefined;
  }

  setAnswer(exercise: Exercise, question: string, answer: RawAnswer): void {
    this.sheet = withAnswer(this.sheet, exercise.id, question, answer);
    saveAnswers(this.home, this.sheet);
  }

  recordChecks(pack: Pack, exercise: Exercise, results: readonly CheckResult[]): void {
    this.progress = recordChecks(
      this.progress,
      { pack: pack.id, exercise: exercise.id, questions: exercise.questions.length },
      results,
      this.now(),
    );
    saveProgress(this.home, this.progress);
  }

  recordStep(pack: Pack, exercise: Exercise, step: number): void {
    this.progress = recordStep(this.progress, { pack: pack.id, exercise: exercise.id }, step, this.now());
    saveProgress(this.home, this.progress);
  }

  /**
   * The hint the student gets next, without taking it: on a question, its own hints first, then
   * the exercise's; between steps (no question), the exercise's. Undefined when all are shown.
   */
  peekHint(pack: Pack, exercise: Exercise, question?: PackQuestion): HintTurn | undefined {
    for (const q of question === undefined ? [undefined] : [question, undefined]) {
      const hints = q === undefined ? exercise.hints : questionHints(q);
      const index = hintsShownOf(this.progress, { pack: pack.id, exercise: exercise.id, question: q?.id });
      const hint = hints[index];
      if (hint !== undefined)
        return { hint, index, total: hints.length, ...(q === undefined ? {} : { question: q }) };
    }
    return undefined;
  }

  /**
   * Take the next hint (`peekHint`'s), counted in progress and in the answers file (`hints:`,
   * under `hintKey`), where `lab grade` reads what the hints cost.
   */
  takeHint(pack: Pack, exercise: Exercise, question?: PackQuestion): HintTurn | undefined {
    const turn = this.peekHint(pack, exercise, question);
    if (turn === undefined) return undefined;
    this.progress = recordHint(
      this.progress,
      { pack: pack.id, exercise: exercise.id, question: turn.question?.id, hints: turn.total },
      this.now(),
    ).progress;
    saveProgress(this.home, this.progress);
    this.sheet = {
      ...this.sheet,
      hints: { ...this.sheet.hints, [hintKey(exercise, turn.question)]: turn.index + 1 },
    };
    saveAnswers(this.home, this.sheet);
    return turn;
  }

  stepOf(pack: Pack, exercise: Exercise): number {
    return this.progress.packs[pack.id]?.exercises[exercise.id]?.step ?? 0;
  }

  /** The status of `exercise/question` (or `question` of `exercise`) as last checked. */
  statusOf(pack: Pack, name: string): CheckResult['status'] | undefined {
    const [exercise, question] = name.split('/', 2) as [string, string];
    return this.progress.packs[pack.id]?.exercises[exercise]?.checks[question]?.status;
  }

  /** Forget an exercise's progress, hints and answers. */
  reset(pack: Pack, exercise: Exercise): void {
    this.progress = resetExercise(this.progress, { pack: pack.id, exercise: exercise.id });
    const { [exercise.id]: _gone, ...rest } = this.sheet.answers;
    const hints = Object.fromEntries(
      Object.entries(this.sheet.hints ?? {}).filter(
        ([key]) => key !== exercise.id && !key.startsWith(`${exercise.id}/`),
      ),
    );
    this.sheet = { ...this.sheet, answers: rest, hints };
    saveProgress(this.home, this.progress);
    saveAnswers(this.home, this.sheet);
  }

  save(): void {
    saveProgress(this.home, this.progress);
    saveAnswers(this.home, this.sheet);
  }
}
