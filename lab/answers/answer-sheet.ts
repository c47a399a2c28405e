/**
 * The answers file a student submits (`<home>/exercises/answers.yaml`), pure: read it as far as it
 * goes, naming what cannot be read; write it; merge two of them.
 *
 *   # hdfs-lab answers. Submit this file.
 *   pack: hdfs-basics
 *   seed: alice
 *   answers:
 *     upload-basics:
 *       block-count: 2
 *       last-block: 22 MB
 *       sizes: [128m, 22m]
 *
 * Scalars are kept as written (`007` stays `007`), and each question's reader decides what they
 * mean. A file without `answers:` whose top-level keys are exercises is read the same way.
 */
import type { RawAnswer } from '../pack/answer-types.js';
import { parseYaml, stringifyYaml, type Position, type YamlMap, type YamlNode } from '../cli/yaml.js';
import { ANSWER_DEPTH_MAX } from '../../cluster/protocol/limits.js';

export interface AnswerSheet {
  pack?: string;
  seed?: string;
  /** exercise id → question id → answer (a map of part id → answer for group questions). */
  answers: Record<string, Record<string, RawAnswer>>;
  /**
   * What the student ran on their cluster, exercise by exercise, in order (command-log.ts): a
   * command line, or `{ run, sizes }` for one that uploaded local files. `lab grade` runs it again.
   */
  ran?: Record<string, RawAnswer[]>;
  /**
   * How many hints the student took, written by the runner (`hints:`): an exercise's under its id,
   * a question's own under `exercise/question`; `lab grade` takes the pack's cost of them off.
   */
  hints?: Record<string, number>;
}

/** An answer (or a part of the file) that could not be read, with where it is. */
export interface UnreadableAnswer {
  /** `upload-basics/block-count`, `upload-basics`, or undefined for the file itself. */
  name?: string;
  line: number;
  column: number;
  message: string;
}

export interface ReadSheet {
  sheet: AnswerSheet;
  unreadable: UnreadableAnswer[];
  /** Where each exercise (`ex`) and answer (`ex/q`) was written, for messages about them. */
  positions: Map<string, Position>;
}

const HEADER_KEYS = new Set(['pack', 'seed', 'version']);
/** Top-level keys beside the answers. */
const SECTION_KEYS = new Set(['answers', 'ran', 'hints']);
/** Keys that would reach Object.prototype when used as properties. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function emptySheet(header: { pack?: string; seed?: string } = {}): AnswerSheet {
  return { ...header, answers: {} };
}

export function parseAnswerSheet(text: string): ReadSheet {
  const parsed = parseYaml(text);
  const unreadable: UnreadableAnswer[] = parsed.errors.map((e) => ({
    ...e.pos,
    message: `YAML: ${e.message}`,
  }));
  const sheet = emptySheet();
  const positions = new Map<string, Position>();
  const root = parsed.root;
  if (root === undefined || (root.kind === 'scalar' && root.value === null))
    return { sheet, unreadable, positions };
  if (root.kind !== 'map') {
    unreadable.push({
      ...root.pos,
      message: 'expected a map of exercises (answers: { exercise: { question: answer } })',
    });
    return { sheet, unreadable, positions };
  }
  let exercises: YamlMap | undefined = root;
  for (const entry of root.entries) {
    if (entry.value?.kind !== 'scalar' && HEADER_KEYS.has(entry.key)) {
      unreadable.push({ ...entry.keyPos, message: `${entry.key} should be a single value` });
    } else if (entry.key === 'pack' || entry.key === 'seed') {
      const value = entry.value?.kind === 'scalar' ? entry.value.source : '';
      if (value !== '') sheet[entry.key] = value;
    } else if (entry.key === 'answers') {
      if (entry.value?.kind === 'map') exercises = entry.value;
      else if (!(entry.value?.kind === 'scalar' && entry.value.value === null)) {
        unreadable.push({ ...entry.keyPos, message: 'answers should be a map of exercises' });
        exercises = undefined;
      } else exercises = undefined;
    } else if (entry.key === 'ran') readRan(entry.value, entry.keyPos, { sheet, unreadable, positions });
    else if (entry.key === 'hints') readHints(entry.value, entry.keyPos, { sheet, unreadable, positions });
  }
  for (const exercise of exercises?.entries ?? []) {
    if (exercises === root && (HEADER_KEYS.has(exercise.key) || SECTION_KEYS.has(exercise.key))) continue;
    if (UNSAFE_KEYS.has(exercise.key)) {
      unreadable.push({ ...exercise.keyPos, message: `'${exercise.key}' cannot be an exercise id` });
      continue;
    }
    positions.set(exercise.key, exercise.keyPos);
    readExercise(exercise.key, exercise.value, exercise.keyPos, sheet, unreadable, positions);
  }
  return { sheet, unreadable, positions };
}

function readExercise(
  id: string,
  node: YamlNode | undefined,
  keyPos: Position,
  sheet: AnswerSheet,
  unreadable: UnreadableAnswer[],
  positions: Map<string, Position>,
): void {
  const entries = mapEntries(node, unreadable, {
    name: id,
    ...keyPos,
    message: 'expected a map of question ids to answers',
  });
  if (entries === undefined) return;
  const answers: Record<string, RawAnswer> = {};
  for (const entry of entries) {
    const name = `${id}/${entry.key}`;
    positions.set(name, entry.keyPos);
    if (UNSAFE_KEYS.has(entry.key)) {
      unreadable.push({ name, ...entry.keyPos, message: `'${entry.key}' cannot be a question id` });
      continue;
    }
    if (
      entry.value === undefined ||
      (entry.value.kind === 'scalar' && entry.value.value === null && entry.value.source === '')
    ) {
      continue; // left blank: not answered
    }
    const read = readRaw(entry.value, 1);
    if (read.ok) answers[entry.key] = read.value;
    else unreadable.push({ name, ...read.pos, message: read.message });
  }
  sheet.answers[id] = { ...sheet.answers[id], ...answers };
}

/** `ran: { exercise: [command, …] }`, kept raw; the grader reads each command. */
function readRan(node: YamlNode | undefined, keyPos: Position, read: ReadSheet): void {
  const ran = readExerciseMap(
    'ran',
    node,
    { ...keyPos, message: 'ran should be a map of exercises to lists of commands' },
    read,
    (entry): EntryRead<RawAnswer[]> | undefined => {
      if (entry.value === undefined) return undefined;
      const raw = readRaw(entry.value, 0);
      if (!raw.ok) return raw;
      if (!Array.isArray(raw.value))
        return { ok: false, pos: entry.keyPos, message: 'expected a list of commands' };
      return { ok: true, value: raw.value };
    },
  );
  if (ran) read.sheet.ran = ran;
}

/** `hints: { exercise: count }`: how many hints were taken, a whole number each. */
function readHints(node: YamlNode | undefined, keyPos: Position, read: ReadSheet): void {
  const hints = readExerciseMap(
    'hints',
    node,
    { ...keyPos, message: 'hints should be a map of exercises to the number of hints taken' },
    read,
    (entry): EntryRead<number> => {
      const source = entry.value?.kind === 'scalar' ? entry.value.source : '';
      if (/^\d{1,4}$/.test(source)) return { ok: true, value: Number(source) };
      return {
        ok: false,
        pos: entry.value?.pos ?? entry.keyPos,
        message: `expected the number of hints taken (0, 1, 2 …), found ${JSON.stringify(source)}`,
      };
    },
  );
  if (hints) read.sheet.hints = hints;
}

type EntryRead<T> = { ok: true; value: T } | { ok: false; pos: Position; message: string };

/**
 * A section of `exercise: value` entries (ran, hints): each value as `readEntry` reads it (an
 * entry it passes over is left out), the unreadable ones noted as `<section>/<exercise>`.
 * Undefined when the section holds no map.
 */
function readExerciseMap<T>(
  section: string,
  node: YamlNode | undefined,
  notMap: UnreadableAnswer,
  { unreadable, positions }: ReadSheet,
  readEntry: (entry: YamlMap['entries'][number]) => EntryRead<T> | undefined,
): Record<string, T> | undefined {
  const entries = mapEntries(node, unreadable, notMap);
  if (entries === undefined) return undefined;
  const values: Record<string, T> = {};
  for (const entry of entries) {
    if (UNSAFE_KEYS.has(entry.key)) continue;
    const name = `${section}/${entry.key}`;
    positions.set(name, entry.keyPos);
    const read = readEntry(entry);
    if (read?.ok) values[entry.key] = read.value;
    else if (read) unreadable.push({ name, ...read.pos, message: read.message });
  }
  return values;
}

/**
 * A map's entries. Undefined when there is nothing to read: the key left out or nothing after its
 * colon, or a value that is not a map (then `notMap` is noted as unreadable).
 */
function mapEntries(
  node: YamlNode | undefined,
  unreadable: UnreadableAnswer[],
  notMap: UnreadableAnswer,
): YamlMap['entries'] | undefined {
  if (node === undefined || (node.kind === 'scalar' && node.value === null)) return undefined;
  if (node.kind === 'map') return node.entries;
  unreadable.push(notMap);
  return undefined;
}

function readRaw(
  node: YamlNode,
  depth: number,
): { ok: true; value: RawAnswer } | { ok: false; pos: Position; message: string } {
  if (node.kind === 'scalar') return { ok: true, value: node.source };
  if (depth >= ANSWER_DEPTH_MAX)
    return { ok: false, pos: node.pos, message: 'nested too deeply to be an answer' };
  if (node.kind === 'seq') {
    const items: RawAnswer[] = [];
    for (const item of node.items) {
      const read = readRaw(item, depth + 1);
      if (!read.ok) return read;
      items.push(read.value);
    }
    return { ok: true, value: items };
  }
  const parts: Record<string, RawAnswer> = {};
  for (const entry of node.entries) {
    if (UNSAFE_KEYS.has(entry.key))
      return { ok: false, pos: entry.keyPos, message: `'${entry.key}' cannot be a part id` };
    if (entry.value === undefined) continue;
    const read = readRaw(entry.value, depth + 1);
    if (!read.ok) return read;
    parts[entry.key] = read.value;
  }
  return { ok: true, value: parts };
}

/** The file as the lab writes it: a header comment, then pack, seed and the answers. */
export function formatAnswerSheet(sheet: AnswerSheet): string {
  const body: Record<string, unknown> = {};
  if (sheet.pack !== undefined) body.pack = sheet.pack;
  if (sheet.seed !== undefined) body.seed = sheet.seed;
  body.answers = sheet.answers;
  const ran = Object.entries(sheet.ran ?? {}).filter(([, commands]) => commands.length > 0);
  if (ran.length > 0) body.ran = Object.fromEntries(ran);
  const hints = Object.entries(sheet.hints ?? {}).filter(([, taken]) => taken > 0);
  if (hints.length > 0) body.hints = Object.fromEntries(hints);
  return (
    '# hdfs-lab answers: edit with care, then submit this file.\n' +
    (ran.length > 0
      ? '# ran: what you ran on your cluster during each exercise, recorded by the lab; `lab grade`\n' +
        '# runs it again on its own cluster, so the ids you read off yours are the ones it checks.\n'
      : '') +
    (hints.length > 0
      ? "# hints: how many hints you took, per exercise (exercise/question: that question's own);\n" +
        '# `lab grade` takes their cost off your score.\n'
      : '') +
    stringifyYaml(body)
  );
}

/** `update`'s answers over `base`'s, question by question; `update`'s header where it has one. */
export function mergeAnswerSheets(base: AnswerSheet, update: AnswerSheet): AnswerSheet {
  const answers: AnswerSheet['answers'] = { ...base.answers };
  for (const [exercise, questions] of Object.entries(update.answers)) {
    answers[exercise] = { ...answers[exercise], ...questions };
  }
  const pack = update.pack ?? base.pack;
  const seed = update.seed ?? base.seed;
  const ran = update.ran ?? base.ran;
  const hints =
    base.hints === undefined && update.hints === undefined ? undefined : { ...base.hints, ...update.hints };
  return {
    ...(pack === undefined ? {} : { pack }),
    ...(seed === undefined ? {} : { seed }),
    answers,
    ...(ran === undefined ? {} : { ran }),
    ...(hints === undefined ? {} : { hints }),
  };
}

/** Set one answer (a new sheet; the old one is unchanged). */
export function withAnswer(
  sheet: AnswerSheet,
  exercise: string,
  question: string,
  answer: RawAnswer,
): AnswerSheet {
  return mergeAnswerSheets(sheet, { answers: { [exercise]: { [question]: answer } } });
}

export function answerOf(sheet: AnswerSheet, exercise: string, question: string): RawAnswer | undefined {
  return sheet.answers[exercise]?.[question];
}

/** `answers.yaml:7:5: upload-basics/sizes: nested too deeply to be an answer`. */
export function formatUnreadable(u: UnreadableAnswer, file = 'answers.yaml'): string {
  return `${file}:${u.line}:${u.column}: ${u.name === undefined ? '' : `${u.name}: `}${u.message}`;
}
