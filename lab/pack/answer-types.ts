/**
 * Reading and comparing answers, pure. A student's answer and the expected answer (stored in the
 * pack or read from the cluster) go through the same reader for the question's type, so a correct
 * answer is never failed on its format: `128 MB`, `128m` and `134217728` are one number of bytes;
 * `/data//a/` is `/data/a`; `Yes` is true; `B` and `b)` are option b.
 */
import { formatByteDesc, parseSize } from '../../cluster/common/units.js';
import type { ChoiceOptionSpec, LeafQuestion } from './schema.js';

/** An answer as written: text, a list of texts, or (group questions) answers by part id. */
export type RawAnswer = string | RawAnswer[] | { [part: string]: RawAnswer };

/** An answer read as its question's type. */
export type Value = number | string | boolean | Value[];

export type Read<T> = { ok: true; value: T } | { ok: false; message: string };

/** The questions whose answers are read and compared (tasks with an input read that input). */
export type ReadableQuestion = Exclude<LeafQuestion, { type: 'task' }>;

type ItemSpec = {
  type: 'number' | 'text' | 'path';
  unit?: 'bytes' | 'ms' | 's' | undefined;
  tolerance?: number | string | undefined;
  caseSensitive?: boolean | undefined;
};

/** Any value from YAML, a prompt or a probe, as the text the readers work on. */
export function toRaw(value: unknown): RawAnswer {
  if (Array.isArray(value)) return value.map(toRaw);
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toRaw(v)]));
  }
  return String(value);
}

function ok<T>(value: T): Read<T> {
  return { ok: true, value };
}

function bad<T>(message: string): Read<T> {
  return { ok: false, message };
}

function asText(raw: RawAnswer): string | undefined {
  return typeof raw === 'string' ? raw : undefined;
}

/** Surrounding quotes and backticks that people paste with an answer. */
function unquote(text: string): string {
  const t = text.trim();
  const m = /^(["'`])(.*)\1$/s.exec(t);
  return (m ? m[2]! : t).trim();
}

// ---- numbers ---------------------------------------------------------------------------------

const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i;
const THOUSANDS = /^[-+]?\d{1,3}(?:[,_ ]\d{3})+(?:\.\d+)?$/;

function plainNumber(text: string): number | undefined {
  const t = text.trim();
  // Forms a student copies from what they read: `0x200` (xxd, a hex dump) and `blk_1073741888`
  // (a block's name, for its id).
  if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t.slice(2), 16);
  if (/^blk_\d+$/.test(t)) return Number(t.slice('blk_'.length));
  if (THOUSANDS.test(t)) return Number(t.replace(/[,_ ]/g, ''));
  if (NUMBER.test(t)) return Number(t);
  if (/^[-+]?\d+(?:_\d+)+$/.test(t)) return Number(t.replace(/_/g, ''));
  return undefined;
}

const DURATION_UNITS_MS: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
};

const SIZE_WORD = /^(?:[kmgtpe]i?b?|b|bytes?)$/i;

function readNumber(text: string, spec: Pick<ItemSpec, 'unit'>): Read<number> {
  const t = unquote(text);
  if (t === '') return bad('empty');
  if (spec.unit === 'bytes') {
    const plain = plainNumber(t);
    if (plain !== undefined)
      return Number.isInteger(plain) ? ok(plain) : bad(`'${t}' is not a whole number of bytes`);
    try {
      return ok(parseSize(t.replace(/(\d)[,_](?=\d{3}\b)/g, '$1')));
    } catch {
      return bad(`'${t}' is not a size (134217728, 128m or 128 MB)`);
    }
  }
  if (spec.unit === 'ms' || spec.unit === 's') {
    const m = /^([-+]?(?:\d+(?:\.\d*)?|\.\d+))\s*([a-z]+)?$/i.exec(t);
    const factor = m?.[2] === undefined ? undefined : DURATION_UNITS_MS[m[2].toLowerCase()];
    if (!m || (m[2] !== undefined && factor === undefined))
      return bad(`'${t}' is not a duration (30, 30s, 500ms, 2min)`);
    const unitMs = spec.unit === 'ms' ? 1 : 1000;
    return ok((Number(m[1]) * (factor ?? unitMs)) / unitMs);
  }
  // A count: "2", "2 blocks", "1,024". A size unit here is a sign the answer means something else.
  const m = /^(\S+)(?:\s+([a-z][a-z ]*))?$/i.exec(t);
  const value = m ? plainNumber(m[1]!) : undefined;
  if (value === undefined) return bad(`'${t}' is not a number`);
  if (m?.[2] !== undefined && SIZE_WORD.test(m[2].trim())) {
    return bad(`'${t}' has a size unit, but this question asks for a plain number`);
  }
  return ok(value);
}

function toleranceOf(spec: ItemSpec, expected: number): number {
  const tolerance = spec.tolerance;
  if (tolerance === undefined) return spec.unit === undefined ? 1e-9 : 0;
  if (typeof tolerance === 'number') return tolerance;
  const percent = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(tolerance);
  if (percent) return (Math.abs(expected) * Number(percent[1])) / 100;
  const read = readNumber(tolerance, spec);
  return read.ok ? Math.abs(read.value) : 0;
}

/** Whether `tolerance` can be read for this unit: for validate.ts. */
export function toleranceProblem(spec: ItemSpec): string | undefined {
  if (typeof spec.tolerance !== 'string' || /^\s*\d+(?:\.\d+)?\s*%\s*$/.test(spec.tolerance))
    return undefined;
  const read = readNumber(spec.tolerance, spec);
  return read.ok ? undefined : `tolerance: ${read.message}; or a percentage like "5%"`;
}

// ---- text and paths --------------------------------------------------------------------------

function normaliseText(text: string, caseSensitive: boolean | undefined): string {
  const t = unquote(text)
    .replace(/\s+/g, ' ')
    .replace(/[.!]+$/, '')
    .trim();
  return caseSensitive === true ? t : t.toLowerCase();
}

/**
 * `hdfs://localhost:9000/data//a/./b/` → `/data/a/b`. Relative paths stay relative; `..` is
 * resolved where it can be.
 */
export function normalisePath(text: string): string {
  let t = unquote(text).replace(/^hdfs:\/\/[^/]*/i, '');
  const absolute = t.startsWith('/');
  const parts: string[] = [];
  for (const part of t.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (part !== '..' || !absolute) parts.push(part);
  }
  t = parts.join('/');
  return absolute ? `/${t}` : t;
}

// ---- choices ---------------------------------------------------------------------------------

export interface Choice {
  id: string;
  text: string;
}

/** Options as written: strings get ids a, b, c, …; objects keep theirs. */
export function choicesOf(options: readonly ChoiceOptionSpec[]): Choice[] {
  return options.map((option, i) =>
    typeof option === 'string' ? { id: String.fromCharCode(97 + i), text: option } : option,
  );
}

function readChoice(text: string, choices: readonly Choice[]): Read<string> {
  const t = unquote(text);
  const bare = t.replace(/^[([]?\s*(.*?)\s*[)\].:]?$/, '$1').toLowerCase();
  const byId = choices.find((c) => c.id.toLowerCase() === bare || c.id.toLowerCase() === t.toLowerCase());
  if (byId) return ok(byId.id);
  const byText = choices.find((c) => normaliseText(c.text, false) === normaliseText(t, false));
  if (byText) return ok(byText.id);
  // "b) Two replicas": an id followed by its text.
  const lead = /^[([]?\s*([^\s).:\]]+)\s*[)\].:]\s+(.*)$/.exec(t);
  const byLead = lead ? choices.find((c) => c.id.toLowerCase() === lead[1]!.toLowerCase()) : undefined;
  if (byLead) return ok(byLead.id);
  const listed = choices.map((c) => `${c.id}) ${c.text}`).join(', ');
  return bad(`'${t}' is not one of the options: ${listed}`);
}

function readChoices(raw: RawAnswer, choices: readonly Choice[]): Read<string[]> {
  const attempt = (items: string[]): Read<string[]> => {
    const ids = new Set<string>();
    for (const item of items.filter((i) => i.trim() !== '')) {
      const one = readChoice(item, choices);
      if (!one.ok) return one;
      ids.add(one.value);
    }
    return ok([...ids].sort());
  };
  if (Array.isArray(raw)) return attempt(raw.map((r) => asText(r) ?? ''));
  const text = asText(raw);
  if (text === undefined) return bad('expected the ids of the chosen options');
  const byComma = attempt(text.split(/[,;\n]/));
  if (byComma.ok) return byComma;
  const bySpace = attempt(text.split(/\s+/));
  return bySpace.ok ? bySpace : byComma;
}

// ---- true / false ----------------------------------------------------------------------------

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n']);

function readBoolean(text: string): Read<boolean> {
  const t = normaliseText(text, false);
  if (TRUE_WORDS.has(t)) return ok(true);
  if (FALSE_WORDS.has(t)) return ok(false);
  return bad(`'${unquote(text)}' is not true or false (true/false, yes/no, t/f)`);
}

// ---- lists and sets --------------------------------------------------------------------------

function readItem(raw: RawAnswer, spec: ItemSpec): Read<Value> {
  const text = asText(raw);
  if (text === undefined) return bad('expected a single value');
  if (spec.type === 'number') return readNumber(text, spec);
  if (spec.type === 'path') return ok(normalisePath(text));
  return ok(normaliseText(text, spec.caseSensitive));
}

function readItems(raw: RawAnswer, spec: ItemSpec): Read<Value[]> {
  let items: RawAnswer[];
  if (Array.isArray(raw)) items = raw;
  else if (typeof raw === 'string') items = raw.split(/[,;\n]/).filter((s) => s.trim() !== '');
  else return bad('expected a list');
  const values: Value[] = [];
  for (const [i, item] of items.entries()) {
    const read = readItem(item, spec);
    if (!read.ok) return bad(`element ${i + 1}: ${read.message}`);
    values.push(read.value);
  }
  return ok(values);
}

function itemSpec(question: ReadableQuestion): ItemSpec {
  if (question.type === 'list' || question.type === 'set') {
    return {
      type: question.items ?? 'text',
      unit: question.unit,
      tolerance: question.tolerance,
      caseSensitive: question.caseSensitive,
    };
  }
  if (question.type === 'number')
    return { type: 'number', unit: question.unit, tolerance: question.tolerance };
  if (question.type === 'path') return { type: 'path' };
  if (question.type === 'text') return { type: 'text', caseSensitive: question.caseSensitive };
  return { type: 'text' };
}

// ---- the entry points ------------------------------------------------------------------------

/** Read an answer (the student's, a stored one, or a probe's value) as the question's type. */
export function readAnswer(question: ReadableQuestion, raw: RawAnswer): Read<Value> {
  switch (question.type) {
    case 'number':
    case 'text':
    case 'path': {
      const text = Array.isArray(raw) && raw.length === 1 ? raw[0]! : raw;
      return readItem(text, itemSpec(question));
    }
    case 'true-false': {
      const text = asText(raw);
      return text === undefined ? bad('expected true or false') : readBoolean(text);
    }
    case 'choice': {
      const text = asText(Array.isArray(raw) && raw.length === 1 ? raw[0]! : raw);
      return text === undefined ? bad('expected one option') : readChoice(text, choicesOf(question.options));
    }
    case 'multiple-choice':
      return readChoices(raw, choicesOf(question.options));
    case 'list':
      return readItems(raw, itemSpec(question));
    case 'set': {
      const read = readItems(raw, itemSpec(question));
      return read.ok ? ok(dedupe(read.value)) : read;
    }
  }
}

/** Read a task's input (the value substituted for "$answer"). */
export function readInput(type: 'number' | 'text' | 'path', raw: RawAnswer): Read<Value> {
  return readItem(Array.isArray(raw) && raw.length === 1 ? raw[0]! : raw, { type, caseSensitive: true });
}

function dedupe(values: Value[]): Value[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = JSON.stringify(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function itemsEqual(found: Value, expected: Value, spec: ItemSpec): boolean {
  if (typeof found === 'number' && typeof expected === 'number') {
    return Math.abs(found - expected) <= toleranceOf(spec, expected);
  }
  if (spec.type === 'path' && typeof found === 'string' && typeof expected === 'string')
    return pathsMatch(found, expected);
  return JSON.stringify(found) === JSON.stringify(expected);
}

/** HDFS keeps a storage directory's contents under `current/` (beside `in_use.lock`). */
const STORAGE_CURRENT = 'current/';

/**
 * The same path, written from where the student stood: `dc2/rack3` for `/dc2/rack3`; and for a
 * path the pack gives relative to a folder (a block file from the lab home,
 * `dfs/data/dn3/current/BP-…/blk_…`), the absolute path or one relative to another folder that
 * ends with it — what `find` prints from wherever it was run — or the part from the storage
 * directory on (`current/BP-…/blk_…`, what `find` prints in `dfs/data/dn3`). A path that merely
 * looks right (another pool id, another block, another DataNode's copy) is not it.
 */
export function pathsMatch(found: string, expected: string): boolean {
  if (found === expected) return true;
  if (expected.startsWith('/')) return !found.startsWith('/') && `/${found}` === expected;
  if (expected === '') return false;
  const storage = expected.startsWith(STORAGE_CURRENT) ? 0 : expected.indexOf(`/${STORAGE_CURRENT}`) + 1;
  const fromStorage = storage > 0 && found === expected.slice(storage);
  return fromStorage || found.endsWith(`/${expected}`);
}

/**
 * How much of the expected answer the found one has: 1 right, 0 wrong, in between for lists,
 * sets and multiple choice that give partial credit. Text answers match the expected answer, any
 * of `accept`, or `regex`.
 */
export function compareAnswer(question: ReadableQuestion, found: Value, expected: Value | undefined): number {
  const spec = itemSpec(question);
  if (question.type === 'text') {
    const accepted = [
      expected,
      ...(question.accept ?? []).map((a) => normaliseText(a, question.caseSensitive)),
    ];
    if (accepted.some((a) => a !== undefined && found === a)) return 1;
    if (question.regex !== undefined && typeof found === 'string') {
      const flags = question.caseSensitive === true ? 'u' : 'iu';
      return new RegExp(`^(?:${question.regex})$`, flags).test(found) ? 1 : 0;
    }
    return 0;
  }
  if (expected === undefined) return 0;
  const partial = 'partialCredit' in question && question.partialCredit === true;
  if (question.type === 'list' && Array.isArray(found) && Array.isArray(expected)) {
    const length = Math.max(found.length, expected.length);
    const matched = expected.filter((e, i) => i < found.length && itemsEqual(found[i]!, e, spec)).length;
    const fraction = length === 0 ? 1 : matched / length;
    return partial ? fraction : fraction === 1 ? 1 : 0;
  }
  if (
    (question.type === 'set' || question.type === 'multiple-choice') &&
    Array.isArray(found) &&
    Array.isArray(expected)
  ) {
    const unmatched = [...found];
    let matched = 0;
    for (const e of expected) {
      const at = unmatched.findIndex((f) => itemsEqual(f, e, spec));
      if (at >= 0) {
        matched++;
        unmatched.splice(at, 1);
      }
    }
    const exact = matched === expected.length && unmatched.length === 0;
    if (exact) return 1;
    if (!partial || expected.length === 0) return 0;
    return Math.max(0, (matched - unmatched.length) / expected.length);
  }
  return itemsEqual(found, expected, spec) ? 1 : 0;
}

/** An answer for messages: sizes also in words (`23068672 (22 MB)`), lists in brackets. */
/**
 * An answer as it is shown back to a student: read as for matching, but in the case it was
 * written (text matching ignores case unless the pack says otherwise; "expected dn_b" for a pack's
 * "DN_B" would put words in the pack's mouth).
 */
export function displayAnswer(question: ReadableQuestion, raw: RawAnswer): string | undefined {
  const keepsCase = question.type === 'text' || question.type === 'list' || question.type === 'set';
  const asWritten = keepsCase ? ({ ...question, caseSensitive: true } as ReadableQuestion) : question;
  const read = readAnswer(asWritten, raw);
  return read.ok ? displayValue(question, read.value) : undefined;
}

export function displayValue(question: ReadableQuestion, value: Value): string {
  const unit = 'unit' in question ? question.unit : undefined;
  if (Array.isArray(value)) return `[${value.map((v) => displayValue(question, v)).join(', ')}]`;
  if (typeof value === 'number' && unit === 'bytes')
    return value >= 1024 ? `${value} (${formatByteDesc(value)})` : `${value} B`;
  if (typeof value === 'number' && unit !== undefined) return `${value} ${unit}`;
  if (question.type === 'choice' && typeof value === 'string') {
    const choice = choicesOf(question.options).find((c) => c.id === value);
    return choice ? `${choice.id}) ${choice.text}` : value;
  }
  return String(value);
}
