/**
 * What `lab oiv` and `lab oev` share: their command lines as commons-cli's PosixParser reads them
 * (OfflineImageViewerPB.run, OfflineEditsViewer.run), their help and exit codes, and reading and
 * writing the files they work on. Both print their help on stdout: with no arguments or `-h`/`--help`
 * alone it exits 0, with `-h` among other options -1 (255); a command line commons-cli refuses
 * prints `Error parsing command-line options: ` and the help, -1; a failure while working prints
 * `Encountered exception. Exiting: <message>` on stderr, -1.
 */
import fs from 'node:fs';
import { CommandExit } from '../cli/errors.js';
import { err } from '../cli/output.js';

/** What both viewers return for a refused command line or a failure (`return -1`). */
export const VIEWER_FAILED = 255;

/** One option of the viewer's buildOptions(): its short name, long name and whether it takes a value. */
export interface ViewerOption {
  name: string;
  /** Its long names (`--inputFile`; oev's buildOptions says `--inputFilename`, its help `--inputFile`). */
  long?: readonly string[];
  /** Takes a value (`hasArg`, or `hasArgs` for -i/-o: only the first value is read). */
  value?: boolean;
}

export interface ViewerSpec {
  options: readonly ViewerOption[];
  /** Options commons-cli requires (`OptionBuilder.isRequired()`), in the order they were added. */
  required: readonly string[];
  /** The help as printed (printUsage / printHelp), to stdout. */
  help: string;
  /** OfflineEditsViewer appends the ParseException's message to its first line; oiv does not. */
  parseErrorWithMessage: boolean;
  /** The line a failure starts with (the two viewers differ in one space). */
  exceptionPrefix: string;
}

/** The parsed command line: each option's first value (`''` for a flag). */
export type ViewerOptions = ReadonlyMap<string, string>;

/** A failure while the viewer works (an unreadable input, an unwritable output). */
export class ViewerFailure extends Error {
  override readonly name = 'ViewerFailure';
}

/** commons-cli's ParseException texts. */
class ParseError extends Error {}

/** The help, then the exit code: 0 when it was asked for alone. */
function helpExit(spec: ViewerSpec, code: number): never {
  process.stdout.write(spec.help);
  throw new CommandExit(code);
}

/** isHelpOption: `-h` or `--help`, any case. */
function isHelpOption(arg: string): boolean {
  return ['-h', '--help'].includes(arg.toLowerCase());
}

/**
 * The viewer's run() up to its options: the help for no arguments or `-h` alone, the parse, the
 * required options, then `-h` among others.
 */
export function parseViewerCommandLine(args: readonly string[], spec: ViewerSpec): ViewerOptions {
  if (args.length === 0 || (args.length === 1 && isHelpOption(args[0] as string))) helpExit(spec, 0);
  let parsed: Map<string, string>;
  try {
    parsed = parsePosix(args, spec);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    const message = spec.parseErrorWithMessage ? error.message : '';
    process.stdout.write(`Error parsing command-line options: ${message}\n`);
    helpExit(spec, VIEWER_FAILED);
  }
  if (parsed.has('h')) helpExit(spec, VIEWER_FAILED);
  return parsed;
}

/** PosixParser over the viewer's options: `-x V`, `--long V`, `--long=V`; other words are ignored. */
function parsePosix(args: readonly string[], spec: ViewerSpec): Map<string, string> {
  const byToken = new Map<string, ViewerOption>();
  for (const o of spec.options) {
    byToken.set(`-${o.name}`, o);
    for (const long of o.long ?? []) byToken.set(`--${long}`, o);
  }
  const parsed = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-') continue;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const token = eq > 0 ? arg.slice(0, eq) : arg;
    const option = byToken.get(token);
    if (option === undefined) throw new ParseError(`Unrecognized option: ${arg}`);
    let value = '';
    if (option.value) {
      const next = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (next === undefined) throw new ParseError(`Missing argument for option: ${option.name}`);
      value = next;
    }
    if (!parsed.has(option.name)) parsed.set(option.name, value);
  }
  const missing = spec.required.filter((name) => !parsed.has(name));
  if (missing.length > 0) {
    throw new ParseError(`Missing required option${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  }
  return parsed;
}

/** Runs the viewer's work; a ViewerFailure prints the viewer's exception line and exits -1. */
export async function runViewer(spec: ViewerSpec, work: () => void | Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof ViewerFailure)) throw error;
    err(`${spec.exceptionPrefix}${error.message}`);
    throw new CommandExit(VIEWER_FAILED);
  }
}

/** Reads an offline viewer's input; a missing or unreadable file is a failure saying what was expected. */
export function readDumpInput(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ViewerFailure(
      `cannot read ${file} (${code}); expected ${what}, e.g. one listed by \`ls $LAB_HOME/dfs/name/current\``,
    );
  }
}

/** `-o FILE` writes the file; no -o (or `-o -`) writes stdout. */
export function writeDumpOutput(target: string | undefined, text: string | Uint8Array): void {
  if (target === undefined || target === '-') {
    process.stdout.write(text);
    return;
  }
  try {
    fs.writeFileSync(target, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ViewerFailure(`cannot write ${target} (${code})`);
  }
}
