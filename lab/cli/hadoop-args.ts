/**
 * Hadoop-style arguments for the HDFS-shaped commands (getconf, fs, fsck, dfsadmin, oiv, oev):
 * single-dash long options (`-confKey KEY`, `-put`, `-files`), generic `-D key=value`, plus the
 * lab's own `--json`. Commander does not parse those, so such commands take their argv raw
 * (`allowUnknownOption().allowExcessArguments()`) and parse it here.
 */
import { javaParseLong } from '../../cluster/common/units.js';
import { UsageError } from './errors.js';

export interface HadoopOptionSpec {
  /** Without the dash, in Hadoop's spelling: 'confKey', 'files', 'p'. */
  name: string;
  /** How many values follow the option (default 0: a flag). */
  values?: number;
}

export interface HadoopArgsSpec {
  /** For messages: 'getconf', 'fsck', '-put'. */
  command: string;
  options: readonly HadoopOptionSpec[];
  /** Match option names case-insensitively (GetConf does; FsShell does not). */
  caseInsensitive?: boolean;
  /** The usage text shown with a usage error. */
  usage?: string;
}

export interface HadoopArgs {
  /** Canonical option name → its values (an empty array for a flag), for each option given. */
  options: Map<string, string[]>;
  /** Non-option arguments, in order. */
  operands: string[];
  /** `-D key=value` / `-Dkey=value` generic options, in order. */
  defines: string[];
  /** The lab's `--json`. */
  json: boolean;
}

/** Whether an argument looks like an option ('-' alone is an operand: stdin). */
export function isOptionLike(arg: string): boolean {
  return arg.length > 1 && arg.startsWith('-');
}

export function parseHadoopArgs(argv: readonly string[], spec: HadoopArgsSpec): HadoopArgs {
  const fold = (name: string): string => (spec.caseInsensitive ? name.toLowerCase() : name);
  const byName = new Map(spec.options.map((option) => [fold(option.name), option]));
  const result: HadoopArgs = { options: new Map(), operands: [], defines: [], json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      result.operands.push(...argv.slice(i + 1));
      break;
    }
    if (!isOptionLike(arg)) {
      result.operands.push(arg);
      continue;
    }
    if (arg === '--json') {
      result.json = true;
      continue;
    }
    if (arg === '-D' || arg.startsWith('-D')) {
      const define = arg === '-D' ? argv[++i] : arg.slice(2);
      if (define === undefined || !define.includes('=')) {
        throw usageError(spec, `-D expects key=value`);
      }
      result.defines.push(define);
      continue;
    }
    const option = byName.get(fold(arg.slice(1)));
    if (option === undefined) throw usageError(spec, `Illegal option ${arg}`);
    const count = option.values ?? 0;
    const values = argv.slice(i + 1, i + 1 + count);
    if (values.length < count) {
      throw usageError(spec, `${arg} expects ${count} argument${count === 1 ? '' : 's'}`);
    }
    i += count;
    result.options.set(option.name, [...(result.options.get(option.name) ?? []), ...values]);
  }
  return result;
}

function usageError(spec: HadoopArgsSpec, message: string): UsageError {
  return new UsageError(`${spec.command}: ${message}`, spec.usage);
}

/**
 * A usage error as FsShell reports it (an IllegalArgumentException out of CommandFormat.parse):
 * `<cmd>: <message>`, then the command's usage line, exit -1 (255).
 */
export class CommandFormatError extends Error {
  override readonly name = 'CommandFormatError';
}

const JAVA_INT_MAX = 2n ** 31n - 1n;
const JAVA_INT_MIN = -(2n ** 31n);
const JS_SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** NumberFormatException.forInputString's text, as FsShell prints it for an option's bad number. */
function notANumber(text: string): CommandFormatError {
  return new CommandFormatError(`For input string: "${text}"`);
}

/**
 * Long.parseLong (radix 10) of an option's value: a Java long, else NumberFormatException's text.
 * A long past ±2^53 is refused the same way: a JavaScript number cannot hold it exactly, and no
 * length or delay of the lab's comes near it.
 */
export function parseOptionLong(text: string): number {
  const value = javaParseLong(text);
  if (value === null || value > JS_SAFE_MAX || value < -JS_SAFE_MAX) throw notANumber(text);
  return Number(value);
}

/** Integer.parseInt (radix 10) of an option's value: a Java int, else NumberFormatException's text. */
export function parseOptionInt(text: string): number {
  const value = javaParseLong(text);
  if (value === null || value > JAVA_INT_MAX || value < JAVA_INT_MIN) throw notANumber(text);
  return Number(value);
}

export interface CommandFormatSpec {
  /** Fewest operands (CommandFormat's minPar). */
  min?: number;
  /** Most operands (maxPar); unbounded by default. */
  max?: number;
  /** Flags, and options that take a value (`values: 1`: CommandFormat.addOptionWithValue). */
  options: readonly HadoopOptionSpec[];
  /**
   * CommandFormat built with a null option (-chmod, -find): an unknown option is kept as an
   * operand and parsing goes on (`-chmod -w f` is mode -w).
   */
  ignoreUnknownOptions?: boolean;
}

/**
 * FsShell's option parsing (CommandFormat.parse): options come first and end at the first argument
 * that is not one ('-' is stdin, an operand; '--' is dropped and ends them), so a flag after a path
 * is a path. An option with a value takes the next argument unless it starts with '-' or taking it
 * would leave fewer than `min` operands (then its value is ''). Messages are CommandFormat's
 * UnknownOptionException / NotEnoughArgumentsException / TooManyArgumentsException texts.
 */
export function parseCommandFormat(argv: readonly string[], spec: CommandFormatSpec): HadoopArgs {
  const byName = new Map(spec.options.map((option) => [option.name, option]));
  const args = [...argv];
  const result: HadoopArgs = { options: new Map(), operands: [], defines: [], json: false };
  const min = spec.min ?? 0;
  const kept: string[] = [];
  while (args.length > 0) {
    const arg = args[0] as string;
    if (!arg.startsWith('-') || arg === '-') break;
    args.shift();
    if (arg === '--') break;
    const option = byName.get(arg.slice(1));
    if (option === undefined && spec.ignoreUnknownOptions) {
      kept.push(arg);
      continue;
    }
    if (option === undefined) throw new CommandFormatError(`Illegal option ${arg}`);
    if ((option.values ?? 0) === 0) {
      result.options.set(option.name, []);
      continue;
    }
    const next = args[0];
    const value = next !== undefined && args.length > min && !next.startsWith('-') ? next : '';
    if (value !== '') args.shift();
    result.options.set(option.name, [value]);
  }
  args.unshift(...kept);
  if (args.length < min) {
    throw new CommandFormatError(`Not enough arguments: expected ${min} but got ${args.length}`);
  }
  const max = spec.max ?? Number.POSITIVE_INFINITY;
  if (args.length > max) {
    throw new CommandFormatError(`Too many arguments: expected ${max} but got ${args.length}`);
  }
  result.operands = args;
  return result;
}
