/**
 * A validated pack, as the runner and the grader use it: every file read, every reference
 * resolved, every question's points settled. Built by validate.ts from a pack's files.
 */
import type { Step } from '../scenario/steps.js';
import type { ClusterSpec, Question } from './schema.js';
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

export function findExercise(pack: Pack, id: string): Exercise | undefined {
  return pack.exercises.find((e) => e.id === id);
}
