/**
 * Datadriven tests in the style of cockroachdb/datadriven (etcd-io/raft's testdata): a file of
 * directives, each a command line with arguments, optional input lines, a `----` line and the
 * exact output expected, ended by a blank line:
 *
 *     # a comment
 *     put /a.txt size=1m targets=(dn1,dn2)
 *     ----
 *     the output, up to a blank line
 *
 * Output with blank lines in it sits between a doubled `----` and a doubled `----`. A file's
 * directives run in order against one state (the handler keeps it; a first directive such as
 * `cluster …` usually makes it). `UPDATE_GOLDEN=1` rewrites every expected output with what the
 * handler printed, the rest of the file untouched: review the diff before committing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** One argument: a bare word (`/a.txt`, `sync`), `key=value` or `key=(a,b)`. */
export interface DirectiveArg {
  key: string;
  values: string[];
  /** Written as `key=(…)`: a list, even of one value or none. */
  list: boolean;
}

export class Directive {
  constructor(
    /** Where the directive is (file:line), for failure messages. */
    readonly pos: string,
    readonly cmd: string,
    readonly args: DirectiveArg[],
    /** The lines between the directive and `----`. */
    readonly input: string[],
    /** The directive's line as written, without its command word (a shell command line's words). */
    readonly line = '',
  ) {}

  /** The bare word at `index` among the bare words (`put /a.txt` → positional(0) is /a.txt). */
  positional(index: number): string {
    const word = this.args.filter((a) => a.values.length === 0 && !a.list)[index]?.key;
    if (word === undefined) throw new Error(`${this.pos}: ${this.cmd} needs argument ${index + 1}`);
    return word;
  }

  /** Whether a bare word or a key is there (`sync`, `last`). */
  has(key: string): boolean {
    return this.args.some((a) => a.key === key);
  }

  /** The one value of `key=value`, or the fallback (an error when there is none). */
  get(key: string, fallback?: string): string {
    const arg = this.args.find((a) => a.key === key);
    const value = arg?.values[0] ?? fallback;
    if (value === undefined) throw new Error(`${this.pos}: ${this.cmd} needs ${key}=…`);
    return value;
  }

  int(key: string, fallback?: number): number {
    const text = this.get(key, fallback === undefined ? undefined : String(fallback));
    const n = Number(text);
    if (!Number.isInteger(n)) throw new Error(`${this.pos}: ${key}=${text} is not an integer`);
    return n;
  }

  /** The values of `key=(a,b)` (or `key=a`), [] when the key is absent. */
  list(key: string): string[] {
    return this.args.find((a) => a.key === key)?.values ?? [];
  }
}

/** A handler's answer to one directive: its output lines, or the output as one text (or a promise of them). */
export type Handler = (d: Directive) => string | string[] | Promise<string | string[]>;

const SEPARATOR = '----';

interface Parsed {
  directive: Directive;
  expected: string;
  /** The file's lines [from, to) that hold the expected output (with its `----` lines). */
  from: number;
  to: number;
}

export function parseArgs(words: string[]): DirectiveArg[] {
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq < 0) return { key: word, values: [], list: false };
    const value = word.slice(eq + 1);
    const list = /^\((.*)\)$/.exec(value);
    return {
      key: word.slice(0, eq),
      values: list ? (list[1] === '' ? [] : (list[1] as string).split(',')) : [value],
      list: list !== null,
    };
  });
}

/** Splits a directive line into words; a `(…)` list keeps its spaces. */
function words(line: string): string[] {
  return line.match(/[^\s(]*\([^)]*\)[^\s]*|[^\s]+/g) ?? [];
}

function parse(file: string, lines: string[]): Parsed[] {
  const out: Parsed[] = [];
  const name = path.basename(file);
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === '' || line.startsWith('#')) {
      i++;
      continue;
    }
    const [cmd, ...rest] = words(line.trim());
    const pos = `${name}:${i + 1}`;
    const input: string[] = [];
    for (i++; i < lines.length && lines[i] !== SEPARATOR; i++) input.push(lines[i] as string);
    if (i >= lines.length) throw new Error(`${pos}: ${cmd} has no ${SEPARATOR} line`);
    const from = i;
    const expected: string[] = [];
    if (lines[i + 1] === SEPARATOR) {
      // The doubled form: up to a doubled ---- (the output may hold blank lines).
      for (i += 2; i < lines.length && !(lines[i] === SEPARATOR && lines[i + 1] === SEPARATOR); i++)
        expected.push(lines[i] as string);
      i += 2;
    } else {
      for (i++; i < lines.length && lines[i] !== ''; i++) expected.push(lines[i] as string);
    }
    const text = line
      .trim()
      .slice((cmd as string).length)
      .trim();
    const directive = new Directive(pos, cmd as string, parseArgs(rest), input, text);
    out.push({ directive, expected: expected.map((l) => `${l}\n`).join(''), from, to: i });
  }
  return out;
}

/** The expected-output block for `output`, in the doubled form when it holds a blank line. */
function block(output: string): string[] {
  const lines = output === '' ? [] : output.replace(/\n$/, '').split('\n');
  return lines.includes('') ? [SEPARATOR, SEPARATOR, ...lines, SEPARATOR, SEPARATOR] : [SEPARATOR, ...lines];
}

function text(answer: string | string[]): string {
  const joined = Array.isArray(answer) ? answer.map((l) => `${l}\n`).join('') : answer;
  return joined === '' || joined.endsWith('\n') ? joined : `${joined}\n`;
}

/** Runs one testdata file through `handler`; with UPDATE_GOLDEN=1, rewrites its expected outputs. */
export async function runFile(file: string, handler: Handler): Promise<void> {
  const lines = fs.readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
  const parsed = parse(file, lines);
  if (process.env.UPDATE_GOLDEN === '1') {
    const rewritten: string[] = [];
    let at = 0;
    for (const p of parsed) {
      rewritten.push(...lines.slice(at, p.from), ...block(text(await handler(p.directive))));
      at = p.to;
    }
    rewritten.push(...lines.slice(at));
    fs.writeFileSync(file, `${rewritten.join('\n')}\n`);
    return;
  }
  for (const p of parsed) {
    const d = p.directive;
    const input = d.input.length > 0 ? `\n${d.input.join('\n')}` : '';
    const line = `${d.cmd} ${d.args.map((a) => (a.values.length ? `${a.key}=${a.values.join(',')}` : a.key)).join(' ')}`;
    expect(text(await handler(d)), `${d.pos}: ${line.trim()}${input}`).toBe(p.expected);
  }
}

/** A describe block with one test per `*.txt` file of `dir`, each with a fresh handler. */
export function datadriven(title: string, dir: string, makeHandler: (file: string) => Handler): void {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort();
  describe(title, () => {
    for (const file of files) it(file, () => runFile(path.join(dir, file), makeHandler(file)));
  });
}
