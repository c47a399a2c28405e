/**
 * Sizes, durations and numbers written the way Hadoop reads and prints them.
 *
 * - parseSize: Configuration.getLongBytes (TraditionalBinaryPrefix.string2long: `64m`, `1g`, binary)
 *   plus human forms the lab's flags accept (`128 MB`, `128MiB`, `1.5 GB`, also binary).
 * - parseDuration: Configuration.getTimeDuration (`3s`, `300000` in the key's own unit).
 * - formatByteDesc / formatHumanReadable: StringUtils.byteDesc and TraditionalBinaryPrefix.long2String.
 * - javaFixed: Java's `String.format("%.Nf")`, which rounds the shortest decimal form of the double
 *   half-up (so 1.005 → "1.01", where JS toFixed gives "1.00").
 * - javaFloatToString: Java's Float.toString, which fsck uses for its percentages (`33.333332`).
 */

export class UnitParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnitParseError';
  }
}

/** Binary prefixes in TraditionalBinaryPrefix order: K = 2^10 … E = 2^60. */
const PREFIX_SYMBOLS = ['K', 'M', 'G', 'T', 'P', 'E'] as const;

function prefixValue(index: number): number {
  return 2 ** (10 * (index + 1));
}

function prefixIndexOf(symbol: string): number {
  return PREFIX_SYMBOLS.indexOf(symbol.toUpperCase() as (typeof PREFIX_SYMBOLS)[number]);
}

const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

/** Java's Long.parseLong (radix 10): an optional sign and digits, within a long, else NumberFormatException. */
export function javaParseLong(text: string): bigint | null {
  if (!/^[+-]?\d+$/.test(text)) return null;
  const value = BigInt(text);
  return value > LONG_MAX || value < LONG_MIN ? null : value;
}

/**
 * StringUtils.TraditionalBinaryPrefix.string2long: digits, or digits and one of k m g t p e (any
 * case, powers of 1024), trimmed. A bad number is Long.parseLong's NumberFormatException
 * (`For input string: "…"`); a bad last letter, or a product past a long, an IllegalArgumentException.
 */
export function string2long(
  text: string,
): { value: bigint } | { error: 'NumberFormatException' | 'IllegalArgumentException'; message: string } {
  const s = text.trim();
  const numberFormat = (digits: string) =>
    ({ error: 'NumberFormatException', message: `For input string: "${digits}"` }) as const;
  const last = s.at(-1) ?? '';
  if (/\d/.test(last)) {
    const value = javaParseLong(s);
    return value === null ? numberFormat(s) : { value };
  }
  const index = prefixIndexOf(last);
  if (index < 0) {
    return {
      error: 'IllegalArgumentException',
      message: `Invalid size prefix '${last}' in '${s}'. Allowed prefixes are k, m, g, t, p, e(case insensitive)`,
    };
  }
  const num = javaParseLong(s.slice(0, -1));
  if (num === null) return numberFormat(s.slice(0, -1));
  const prefix = BigInt(prefixValue(index));
  if (num > LONG_MAX / prefix || num < LONG_MIN / prefix) {
    return { error: 'IllegalArgumentException', message: `${s} does not fit in a Long` };
  }
  return { value: num * prefix };
}

const SIZE_FORMS =
  'bytes (134217728), a Hadoop suffix (512k, 64m, 1g) or a size with units (128 MB, 128MiB, 1.5 GB)';

function sizeError(text: string, why: string): UnitParseError {
  return new UnitParseError(`Invalid size '${text}': ${why}; expected ${SIZE_FORMS}`);
}

function checkedBytes(text: string, value: number): number {
  if (!Number.isSafeInteger(value)) {
    throw sizeError(text, Number.isInteger(value) ? 'too large' : 'not a whole number of bytes');
  }
  return value;
}

/**
 * Parses a byte count. Hadoop's forms: plain digits and digits + one of k m g t p e (any case,
 * powers of 1024, as Configuration.getLongBytes). Human forms: a number (decimals allowed) with
 * B, KB/KiB, MB/MiB, … (also powers of 1024, the way Hadoop prints them), space optional.
 */
export function parseSize(text: string): number {
  const s = text.trim();
  if (s === '') throw sizeError(text, 'empty');
  if (/^\d+$/.test(s)) return checkedBytes(text, Number(s));
  const hadoop = /^(\d+)([kmgtpe])$/i.exec(s);
  if (hadoop) return checkedBytes(text, Number(hadoop[1]) * prefixValue(prefixIndexOf(hadoop[2]!)));
  const human = /^(\d+(?:\.\d+)?|\.\d+)\s*(?:([kmgtpe])(?:i?b)?|(b|bytes?))$/i.exec(s);
  if (human) {
    const amount = Number(human[1]);
    const factor = human[2] === undefined ? 1 : prefixValue(prefixIndexOf(human[2]));
    return checkedBytes(text, amount * factor);
  }
  if (s.startsWith('-')) throw sizeError(text, 'sizes cannot be negative');
  throw sizeError(text, 'not a size');
}

export type DurationUnit = 'ns' | 'us' | 'ms' | 's' | 'm' | 'h' | 'd';

/** Suffixes in Configuration.ParsedTimeDuration order: the first one the text ends with wins. */
const DURATION_UNITS: ReadonlyArray<{ suffix: DurationUnit; ms: number }> = [
  { suffix: 'ns', ms: 1e-6 },
  { suffix: 'us', ms: 1e-3 },
  { suffix: 'ms', ms: 1 },
  { suffix: 's', ms: 1000 },
  { suffix: 'm', ms: 60_000 },
  { suffix: 'h', ms: 3_600_000 },
  { suffix: 'd', ms: 86_400_000 },
];

/**
 * Parses a duration as Configuration.getTimeDuration does and returns milliseconds. A bare number
 * is in `defaultUnit` (the unit of the key: `300000` for the recheck interval is ms, `3` for the
 * heartbeat interval is s). Suffixes are case-sensitive and the number is a whole (possibly
 * negative) integer, as Long.parseLong requires. Sub-millisecond results truncate toward zero, as
 * TimeUnit.convert does.
 */
export function parseDuration(text: string, defaultUnit: DurationUnit): number {
  const s = text.trim();
  const unit = DURATION_UNITS.find((u) => s.endsWith(u.suffix));
  const numberText = unit ? s.slice(0, s.lastIndexOf(unit.suffix)) : s;
  if (!/^[+-]?\d+$/.test(numberText)) {
    throw new UnitParseError(
      `Invalid duration '${text}': expected a whole number with an optional unit ` +
        `(ns, us, ms, s, m, h, d), e.g. 3s, 3600s, 300000 (a bare number is in ${defaultUnit})`,
    );
  }
  const factor = (unit ?? DURATION_UNITS.find((u) => u.suffix === defaultUnit)!).ms;
  const ms = Math.trunc(Number(numberText) * factor);
  return ms === 0 ? 0 : ms; // no -0
}

/** The shortest decimal digits that read back as `x` (as Java's Double.toString chooses them). */
function shortestDigits(x: number): { digits: string; exponent: number } {
  // toExponential() without an argument gives as many digits as needed to be unique: d.ddde±n.
  const [mantissa, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  return { digits: mantissa.replace('.', ''), exponent: Number(exp) };
}

/** Rounds a digit string `0.d1d2… × 10^(pointPos)` half-up to `places` decimals. */
function roundDigitsHalfUp(digits: string, pointPos: number, places: number): string {
  // Work on an integer string scaled by 10^places.
  const keep = pointPos + places; // number of leading digits kept
  let intDigits: string;
  if (keep <= 0) {
    const roundUp = keep === 0 && Number(digits[0]) >= 5;
    intDigits = roundUp ? '1' : '0';
  } else {
    const padded = digits.padEnd(keep, '0');
    intDigits = padded.slice(0, keep);
    if (Number(padded[keep] ?? '0') >= 5) intDigits = (BigInt(intDigits) + 1n).toString();
  }
  const whole = intDigits.padStart(places + 1, '0');
  if (places === 0) return whole.replace(/^0+(?=\d)/, '');
  const head = whole.slice(0, whole.length - places).replace(/^0+(?=\d)/, '');
  return `${head}.${whole.slice(whole.length - places)}`;
}

/** Java `String.format(Locale.ENGLISH, "%.<places>f", x)`. */
export function javaFixed(x: number, places: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return sign + (0).toFixed(places);
  const { digits, exponent } = shortestDigits(x);
  return sign + roundDigitsHalfUp(digits, exponent + 1, places);
}

/**
 * Java's Float.toString for a float32 value: the shortest digits that read back as the same
 * float, printed plain with at least one decimal between 10^-3 and 10^7, else as `d.dddE±n`.
 */
export function javaFloatToString(value: number): string {
  const f = Math.fround(value);
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? 'Infinity' : '-Infinity';
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  const sign = f < 0 ? '-' : '';
  const abs = Math.abs(f);
  let chosen = abs.toPrecision(9);
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = abs.toPrecision(precision);
    if (Math.fround(Number(candidate)) === abs) {
      chosen = candidate;
      break;
    }
  }
  const [mantissa, exp] = Number(chosen).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exp);
  if (abs >= 1e-3 && abs < 1e7) {
    const pointPos = exponent + 1;
    if (pointPos <= 0) return `${sign}0.${'0'.repeat(-pointPos)}${digits}`;
    const intPart = digits.slice(0, pointPos).padEnd(pointPos, '0');
    const fracPart = digits.slice(pointPos) || '0';
    return `${sign}${intPart}.${fracPart}`;
  }
  const frac = digits.slice(1) || '0';
  return `${sign}${digits[0]}.${frac}E${exponent}`;
}

/** Java's Float.toString of `x` narrowed to float, e.g. 100 → "100.0", 100/3 → "33.333332". */
export function javaFloatPercent(x: number): string {
  return javaFloatToString(Math.fround(x));
}

/**
 * `(float) (part * 100) / (float) total` as fsck computes it, in float32 arithmetic. Returns the
 * float value; print it with javaFloatPercent.
 */
export function floatPercentOf(part: number, total: number): number {
  return Math.fround(Math.fround(part * 100) / Math.fround(total));
}

/**
 * TraditionalBinaryPrefix.long2String: below 1024 the plain number (+ " unit" when a unit is
 * given); an exact multiple of a prefix as an integer; otherwise `decimalPlaces` decimals, moving
 * to the next prefix when rounding reaches 1024.
 */
export function long2String(n: number, unit: string, decimalPlaces: number): string {
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  if (abs < 1024) return sign + String(abs) + (unit === '' ? '' : ` ${unit}`);
  let index = 0;
  while (index + 1 < PREFIX_SYMBOLS.length && abs >= prefixValue(index + 1)) index++;
  let text: string;
  if (abs % prefixValue(index) === 0) {
    text = String(abs / prefixValue(index));
  } else {
    text = javaFixed(abs / prefixValue(index), decimalPlaces);
    if (text.startsWith('1024') && index + 1 < PREFIX_SYMBOLS.length) {
      index++;
      text = javaFixed(abs / prefixValue(index), decimalPlaces);
    }
  }
  return `${sign}${text} ${PREFIX_SYMBOLS[index]}${unit}`;
}

/** StringUtils.byteDesc: `30 B`, `48 KB`, `18.58 GB` (dfsadmin -report, fsck sizes in words). */
export function formatByteDesc(n: number): string {
  return long2String(n, 'B', 2);
}

/** What `-h` prints in ls, du, df and count: `0`, `1023`, `1.5 K`, `128 M`. */
export function formatHumanReadable(n: number): string {
  return long2String(n, '', 1);
}

/** StringUtils.formatPercent(fraction, places): `"%.Nf%%"` of fraction × 100. */
export function formatPercent(fraction: number, decimalPlaces: number): string {
  return `${javaFixed(fraction * 100, decimalPlaces)}%`;
}
