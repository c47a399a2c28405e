/**
 * Hadoop-style arguments for the HDFS-shaped commands (getconf, fs, fsck, dfsadmin, oiv, oev):
 * single-dash long options (`-confKey KEY`, `-put`, `-files`), generic `-D key=value`, plus the
 * lab's own `--json`. Commander does not parse those, so such commands take their argv raw
 * (`allowUnknownOption().allowExcessArguments()`) and parse it here.
 */
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

/** `lab fs -ls -R /`: the first argument is the sub-command, the rest its arguments. */
export function splitHadoopCommand(argv: readonly string[]): { command: string | undefined; rest: string[] } {
  const [command, ...rest] = argv;
  return { command, rest };
}

function usageError(spec: HadoopArgsSpec, message: string): UsageError {
  return new UsageError(`${spec.command}: ${message}`, spec.usage);
}
