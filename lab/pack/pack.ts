/**
 * A validated pack, as the runner and the grader use it: every file read, every reference
 * resolved, every question's points settled. Built by validate.ts from a pack's files.
 */
import type { Step } from '../scenario/steps.js';
import type { ClusterSpec, HintSpec, Question } from './schema.js';
import type { Position } from '../cli/yaml.js';

export interface Diagnostic {
  /** Relative to the pack folder, with forward slashes: `upload-basics/exercise.yaml`. */
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning';
  message: string;
}

/** `upload-basics/exercise.yaml:12:5: error: unknown key 'pionts'` (compilers' form, clickable). */
export function formatDiagnostic(d: Diagnostic, folder?: string): string {
  const file = folder === undefined ? d.file : `${folder.replace(/\/+$/, '')}/${d.file}`;
  return `${file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}

export interface StepText {
  title?: string;
  markdown: string;
  /** The file it came from, when not inline. */
  file?: string;
}

export interface Hint {
  text: string;
  /** Points taken off when shown in a graded run (0 by default). */
  cost: number;
}

/** A question with its points settled (and its parts', for groups). */
export type PackQuestion = Question & { points: number; pos: Position };

export interface Exercise {
  id: string;
  title: string;
  /** Sum of its questions' points. */
  points: number;
  depends: string[];
  hidden: boolean;
  setup: Step[];
  /** README.md of the exercise folder, if any. */
  intro?: string;
  steps: StepText[];
  questions: PackQuestion[];
  hints: Hint[];
  /** `upload-basics/exercise.yaml` */
  file: string;
}

export interface Pack {
  id: string;
  title: string;
  version: string;
  description?: string;
  cluster: ClusterSpec;
  exercises: Exercise[];
}

/** A hint as a pack writes it (a plain string is free) as the runner and the grader use it. */
export function toHint(spec: HintSpec): Hint {
  return typeof spec === 'string' ? { text: spec, cost: 0 } : { text: spec.text, cost: spec.cost ?? 0 };
}

/** A question's own hints (none for most), shown before the exercise's while the student is on it. */
export function questionHints(question: Pick<Question, 'hints'>): Hint[] {
  return (question.hints ?? []).map(toHint);
}

/**
 * Where the hints a student took are counted, in progress.json and the answers file's `hints:`:
 * `upload-blocks` for the exercise's, `upload-blocks/eighty-sizes` for a question's own.
 */
export function hintKey(exercise: Pick<Exercise, 'id'>, question?: Pick<Question, 'id'>): string {
  return question === undefined ? exercise.id : `${exercise.id}/${question.id}`;
}

export function findExercise(pack: Pack, id: string): Exercise | undefined {
  return pack.exercises.find((e) => e.id === id);
}
