/**
 * Template variables of a pack, pure: `{{ file.size }}`, `{{ ceil(file.size / cluster.blockSize) }}`,
 * `{{ file.size | human }}` in any YAML or Markdown file of a pack are replaced by the student's
 * own values before the pack is validated (seeded.ts). The language is small on purpose:
 * dotted names, numbers, sizes with a Hadoop suffix (`10m`), + - * /, parentheses, the functions
 * ceil, floor, round, min, max, pad (`pad(T, 19)`: zeros in front), and a final format (`| bytes`, `| human`, `| mb`).
 *
 * Sizes keep their kind through arithmetic (size + size, size * n, size / n stay sizes; size /
 * size is a number), so `{{ file.size }}` renders as `22m` — what a `put` step and `lab fs -D
 * dfs.blocksize=` read — while `{{ file.size | human }}` renders as `22 MB` for the exercise text.
 */
import { formatByteDesc, parseSize } from '../../cluster/common/units.js';
import { TEMPLATE_PAD_WIDTH_MAX } from '../../cluster/protocol/limits.js';

export type TemplateValue = number | string | { size: number };

export type TemplateScope = ReadonlyMap<string, TemplateValue>;

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** `{{ … }}`; a backslash before the braces (`\{{`) keeps them literally. */
const TEMPLATE = /\\?\{\{([^{}]*)\}\}/g;

export interface RenderProblem {
  /** 1-based, of the `{{`. */
  line: number;
  column: number;
  message: string;
}

/** Replace every template; problems (unknown names, bad syntax) are named and left unreplaced. */
export function renderTemplate(
  text: string,
  scope: TemplateScope,
): { text: string; problems: RenderProblem[] } {
  const problems: RenderProblem[] = [];
  const rendered = text.replace(TEMPLATE, (whole: string, body: string, offset: number) => {
    if (whole.startsWith('\\')) return whole.slice(1);
    try {
      return formatValue(evaluateTemplate(body, scope));
    } catch (error) {
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      const column = offset - before.lastIndexOf('\n');
      problems.push({ line, column, message: `template {{${body}}}: ${(error as Error).message}` });
      return whole;
    }
  });
  return { text: rendered, problems };
}

/** Whether a text holds a template at all (files without one are left byte for byte). */
export function hasTemplate(text: string): boolean {
  return /\{\{[^{}]*\}\}/.test(text);
}

/** `22m`, `512k`, or plain bytes: the form sizes are written in packs and flags. */
export function compactSize(bytes: number): string {
  for (const [suffix, unit] of [
    ['g', 1024 ** 3],
    ['m', 1024 ** 2],
    ['k', 1024],
  ] as const) {
    if (bytes !== 0 && bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}

export function formatValue(value: TemplateValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)));
  return compactSize(value.size);
}

const FORMATS: Record<string, (v: TemplateValue) => TemplateValue> = {
  bytes: (v) => String(numberOf(v)),
  human: (v) => formatByteDesc(numberOf(v)),
  mb: (v) => String(Number((numberOf(v) / 1024 ** 2).toFixed(2))),
  upper: (v) => formatValue(v).toUpperCase(),
  lower: (v) => formatValue(v).toLowerCase(),
};

export function evaluateTemplate(body: string, scope: TemplateScope): TemplateValue {
  const [expression = '', ...formats] = body.split('|').map((s) => s.trim());
  let value = evaluateExpression(expression, scope);
  for (const format of formats) {
    const f = FORMATS[format];
    if (!f) throw new TemplateError(`unknown format '${format}' (${Object.keys(FORMATS).join(', ')})`);
    value = f(value);
  }
  return value;
}

function numberOf(v: TemplateValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'object') return v.size;
  throw new TemplateError(`'${v}' is not a number`);
}

type Token =
  { kind: 'num'; value: TemplateValue } | { kind: 'name'; value: string } | { kind: 'op'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?)([kmgt])?(?![\w.])|([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)|([-+*/(),]))/gy;
  let at = 0;
  while (at < text.length) {
    if (text.slice(at).trim() === '') break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw new TemplateError(`cannot read '${text.slice(at).trim()}'`);
    at = re.lastIndex;
    if (m[1] !== undefined) {
      tokens.push({
        kind: 'num',
        value: m[2] === undefined ? Number(m[1]) : { size: parseSize(`${m[1]}${m[2]}`) },
      });
    } else if (m[3] !== undefined) tokens.push({ kind: 'name', value: m[3] });
    else tokens.push({ kind: 'op', value: m[4]! });
  }
  return tokens;
}

const FUNCTIONS: Record<string, (args: TemplateValue[]) => TemplateValue> = {
  ceil: (a) => keepKind(a[0], Math.ceil(numberOf(one(a)))),
  floor: (a) => keepKind(a[0], Math.floor(numberOf(one(a)))),
  round: (a) => keepKind(a[0], Math.round(numberOf(one(a)))),
  min: (a) => a.reduce((x, y) => (numberOf(y) < numberOf(x) ? y : x)),
  max: (a) => a.reduce((x, y) => (numberOf(y) > numberOf(x) ? y : x)),
  pad: padded,
};

/**
 * `pad(T, 19)`: a whole number written with leading zeros to a width, as the NameNode names its
 * files (`edits_inprogress_0000000000000000086`, NNStorage's `%019d`).
 */
function padded(args: TemplateValue[]): TemplateValue {
  if (args.length !== 2)
    throw new TemplateError(`pad takes a number and a width, got ${args.length} argument(s)`);
  const n = numberOf(args[0]!);
  const width = numberOf(args[1]!);
  if (!Number.isSafeInteger(n) || n < 0) throw new TemplateError(`pad: ${n} is not a whole number ≥ 0`);
  if (!Number.isInteger(width) || width < 1 || width > TEMPLATE_PAD_WIDTH_MAX)
    throw new TemplateError(`pad: the width must be 1 to ${TEMPLATE_PAD_WIDTH_MAX}, got ${width}`);
  return String(n).padStart(width, '0');
}

function one(args: TemplateValue[]): TemplateValue {
  if (args.length !== 1) throw new TemplateError(`expected one argument, got ${args.length}`);
  return args[0]!;
}

function keepKind(like: TemplateValue | undefined, n: number): TemplateValue {
  return typeof like === 'object' ? { size: n } : n;
}

function arithmetic(op: string, a: TemplateValue, b: TemplateValue): TemplateValue {
  const x = numberOf(a);
  const y = numberOf(b);
  const sizes = (typeof a === 'object' ? 1 : 0) + (typeof b === 'object' ? 1 : 0);
  switch (op) {
    case '+':
    case '-': {
      const n = op === '+' ? x + y : x - y;
      return sizes > 0 ? { size: n } : n;
    }
    case '*':
      return sizes === 1 ? { size: x * y } : x * y;
    default:
      if (y === 0) throw new TemplateError('division by zero');
      return typeof a === 'object' && typeof b !== 'object' ? { size: x / y } : x / y;
  }
}

/** Recursive descent: sum := product (('+'|'-') product)*; product := unary (('*'|'/') unary)*. */
function evaluateExpression(text: string, scope: TemplateScope): TemplateValue {
  const tokens = tokenize(text);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const isOp = (value: string): boolean => {
    const t = peek();
    return t?.kind === 'op' && t.value === value;
  };
  const expectOp = (value: string): void => {
    if (!isOp(value)) throw new TemplateError(`expected '${value}'`);
    i++;
  };
  const sum = (): TemplateValue => {
    let value = product();
    while (isOp('+') || isOp('-')) {
      const op = (tokens[i++] as Token).value as string;
      value = arithmetic(op, value, product());
    }
    return value;
  };
  const product = (): TemplateValue => {
    let value = unary();
    while (isOp('*') || isOp('/')) {
      const op = (tokens[i++] as Token).value as string;
      value = arithmetic(op, value, unary());
    }
    return value;
  };
  const unary = (): TemplateValue => {
    if (isOp('-')) {
      i++;
      return arithmetic('-', 0, unary());
    }
    return primary();
  };
  const primary = (): TemplateValue => {
    const t = tokens[i++];
    if (t === undefined) throw new TemplateError('empty expression');
    if (t.kind === 'num') return t.value;
    if (t.kind === 'op') {
      if (t.value !== '(') throw new TemplateError(`unexpected '${t.value}'`);
      const value = sum();
      expectOp(')');
      return value;
    }
    if (isOp('(')) {
      const f = FUNCTIONS[t.value];
      if (!f) throw new TemplateError(`unknown function ${t.value} (${Object.keys(FUNCTIONS).join(', ')})`);
      i++;
      const args = [sum()];
      while (isOp(',')) {
        i++;
        args.push(sum());
      }
      expectOp(')');
      return f(args);
    }
    const value = scope.get(t.value);
    if (value === undefined) throw new TemplateError(`unknown variable '${t.value}'`);
    return value;
  };
  const value = sum();
  if (i < tokens.length) throw new TemplateError(`unexpected '${String(tokens[i]!.value)}'`);
  return value;
}
