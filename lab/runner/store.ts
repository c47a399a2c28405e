/**
 * Where progress and answers live in the lab home, and the file I/O around the pure readers:
 * `<home>/exercises/progress.json` and `<home>/exercises/answers.yaml` (the file a student
 * submits). Writes go to a temporary file and are renamed, so Ctrl-C never leaves half a file; an
 * unreadable file is kept aside (`.unreadable`), never overwritten.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readRanLog, ranSection, recordCommand } from '../answers/command-log.js';
import {
  formatAnswerSheet,
  parseAnswerSheet,
  type AnswerSheet,
  type ReadSheet,
} from '../answers/answer-sheet.js';
import { emptyProgress, formatProgress, parseProgress, type Progress } from './progress.js';

export function exercisePaths(home: string) {
  const dir = path.join(home, 'exercises');
  return { dir, progress: path.join(dir, 'progress.json'), answers: path.join(dir, 'answers.yaml') };
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

/**
 * The saved progress, read only (a viewer such as `lab web` never moves a file): a broken file
 * reads as no progress, with the parser's message in `problem`.
 */
export function readProgress(home: string): { progress: Progress; problem?: string } {
  const file = exercisePaths(home).progress;
  if (!existsSync(file)) return { progress: emptyProgress() };
  const parsed = parseProgress(readFileSync(file, 'utf8'));
  return parsed.ok ? { progress: parsed.progress } : { progress: emptyProgress(), problem: parsed.message };
}

/** The saved progress; a broken file is moved aside and named in `warning`. */
export function loadProgress(home: string): { progress: Progress; warning?: string } {
  const read = readProgress(home);
  if (read.problem === undefined) return { progress: read.progress };
  const file = exercisePaths(home).progress;
  const aside = `${file}.unreadable`;
  renameSync(file, aside);
  return {
    progress: emptyProgress(),
    warning: `${file}: ${read.problem}; kept as ${aside}, starting afresh`,
  };
}

export function saveProgress(home: string, progress: Progress): void {
  writeAtomically(exercisePaths(home).progress, formatProgress(progress));
}

/** The saved answers (an answers file given by path otherwise), read as far as they go. */
export function loadAnswers(homeOrFile: { home: string } | { file: string }): ReadSheet & { file: string } {
  const file = 'home' in homeOrFile ? exercisePaths(homeOrFile.home).answers : homeOrFile.file;
  if (!existsSync(file)) return { file, sheet: { answers: {} }, unreadable: [], positions: new Map() };
  return { file, ...parseAnswerSheet(readFileSync(file, 'utf8')) };
}

/**
 * Write the answers file, with what the student ran (command-log.ts) as its `ran` section: the
 * log is the record, so every writer — the runner, a recorded `lab` command — writes the same.
 */
export function saveAnswers(home: string, sheet: AnswerSheet): void {
  const lines = readRanLog(home);
  const withRan = lines.length === 0 ? sheet : { ...sheet, ran: ranSection(lines) };
  writeAtomically(exercisePaths(home).answers, formatAnswerSheet(withRan));
}

/** After a recorded command: the answers file gets it too, so it is in what the student submits. */
export function refreshRan(home: string): void {
  const loaded = loadAnswers({ home });
  // An answers file the student broke by hand is not rewritten (their text would be lost).
  if (loaded.unreadable.length > 0) return;
  saveAnswers(home, loaded.sheet);
}

/**
 * The CLI's hook before every command (lab/cli/program.ts): a command that acts on the cluster of
 * a student working through a pack is recorded. Recording never stands in the command's way.
 */
export function recordStudentCommand(home: string, argv: readonly string[], cwd: string): void {
  try {
    if (recordCommand(home, argv, cwd)) refreshRan(home);
  } catch {
    // A read-only or full disk: the command still runs; the answers file misses this line.
  }
}
