/**
 * What the student ran on their own cluster, for `lab grade` to run again.
 *
 * Every block id, generation stamp, txid and inode id a student reads off their cluster depends
 * on everything done to it before; the grader builds a fresh cluster, so it must do the same
 * things in the same order. The lab records them: once `lab exercise ID` has prepared the
 * cluster, every `lab` command that acts on that cluster (an upload, a setrep, a kill…; not a
 * read of metadata) is appended to `<home>/exercises/ran.jsonl`, under the exercise the student
 * was working on, and the answers file carries them as `ran:` — exercise by exercise, in order.
 * `lab grade` runs an exercise's setup, then what the student ran during it, then its checks.
 *
 * A local file a command uploads cannot travel with the answers file: its size is recorded
 * (`sizes:`), and the grader uploads a file of that many bytes in its place (ids, block counts
 * and lengths follow from the size, not from the bytes).
 *
 * Pure: which commands are recorded, their text, the `ran` section. I/O: the two appenders and
 * the reader, at the bottom.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { RawAnswer } from '../pack/answer-types.js';

/** Limits, with why: a student's session is hundreds of commands, not thousands. */
export const RAN_LIMITS = {
  /** Per exercise, in the answers file and in what the grader runs. */
  commandsPerExerciseMax: 300,
  /** The log is read whole on every save; past this it is a script, not a student. */
  logBytesMax: 4 * 1024 * 1024,
} as const;

/** `lab` sub-commands that act on the running cluster. Reads of config and files are left out. */
export const RECORDED_LAB_COMMANDS: ReadonlySet<string> = new Set([
  'fs',
  'dfsadmin',
  'kill',
  'restart',
  'corrupt',
  'partition',
  'heal',
  'checkpoint',
  'balancer',
  'add-datanode',
]);

/** FsShell commands that only read the namespace: they change nothing a later answer reads. */
const FS_READS_ONLY = new Set([
  '-ls',
  '-lsr',
  '-stat',
  '-du',
  '-dus',
  '-count',
  '-test',
  '-df',
  '-find',
  '-help',
  '-usage',
  '-getfacl',
  '-getfattr',
]);
const DFSADMIN_READS_ONLY = new Set(['-report', '-printTopology', '-help']);

/** FsShell commands whose sources (every path argument but the last) are local files. */
const FS_LOCAL_SOURCES = new Set(['-put', '-copyFromLocal', '-moveFromLocal', '-appendToFile']);
/** Their flags that take a value. */
const FS_VALUE_FLAGS = new Set(['-t', '-q']);

/** Global options of `lab` and whether they take a value. */
const GLOBAL_VALUE_OPTIONS = new Set(['--home', '--on']);

export interface RecordedCommand {
  /** The arguments after `lab`, without `--home` (the grader chooses the cluster). */
  argv: string[];
  /** Local files the command reads, as written in argv, with their sizes in bytes. */
  sizes: Record<string, number>;
}

/** The sub-command of a `lab` command line and where it is, past the global options. */
function subCommandOf(argv: readonly string[]): { index: number; name: string } | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (GLOBAL_VALUE_OPTIONS.has(word)) i++;
    else if (!word.startsWith('-')) return { index: i, name: word };
  }
  return undefined;
}

/** The arguments without `--home`, which names this student's cluster, not the grader's. */
function withoutHome(argv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--home') i++;
    else if (!word.startsWith('--home=')) kept.push(word);
  }
  return kept;
}

/**
 * The FsShell command (`-put`) of `lab fs …` and the words after it; generic options skipped, and
 * the lab's own options that may follow `fs` (`lab fs --on dn7 -put …`, as the texts write it).
 */
function fsCommandOf(words: readonly string[]): { name: string; rest: string[] } | undefined {
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-D' || word === '-fs' || word === '-conf' || GLOBAL_VALUE_OPTIONS.has(word)) i++;
    else if (word.startsWith('-D')) continue;
    else if (word.startsWith('-')) return { name: word, rest: words.slice(i + 1) };
  }
  return undefined;
}

/** The local sources of `-put a b /dst`: every operand but the last ("-" is stdin, not a file). */
function localSources(rest: readonly string[]): string[] {
  const operands: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (FS_VALUE_FLAGS.has(word)) i++;
    else if (word === '-' || !word.startsWith('-')) operands.push(word);
  }
  return operands.slice(0, -1).filter((w) => w !== '-');
}

/**
 * The command as it is recorded, or undefined when it is not one that changes the cluster.
 * `statSize` reads a local file's size (undefined when there is no such file).
 */
export function commandToRecord(
  argv: readonly string[],
  statSize: (file: string) => number | undefined,
): RecordedCommand | undefined {
  const sub = subCommandOf(argv);
  if (sub === undefined || !RECORDED_LAB_COMMANDS.has(sub.name)) return undefined;
  const after = argv.slice(sub.index + 1);
  if (after.includes('--help') || after.includes('-h')) return undefined;
  const sizes: Record<string, number> = {};
  if (sub.name === 'fs') {
    const fsCommand = fsCommandOf(after);
    if (fsCommand === undefined || FS_READS_ONLY.has(fsCommand.name)) return undefined;
    if (FS_LOCAL_SOURCES.has(fsCommand.name))
      for (const source of localSources(fsCommand.rest)) {
        const size = statSize(source);
        if (size !== undefined) sizes[source] = size;
      }
  }
  if (sub.name === 'dfsadmin' && after.every((w) => !w.startsWith('-') || DFSADMIN_READS_ONLY.has(w)))
    return undefined;
  return { argv: withoutHome(argv), sizes };
}

/** One word as a POSIX shell (and splitWords in lab/cli/shell-words.ts) reads it back. */
export function quoteWord(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export function commandText(argv: readonly string[]): string {
  return ['lab', ...argv].map(quoteWord).join(' ');
}

/** A line of ran.jsonl: the exercise the student turned to, or a command they ran. */
export type RanLine = { exercise: string } | { argv: string[]; sizes?: Record<string, number> };

/**
 * The `ran` section of the answers file from the log: commands under the exercise last turned
 * to, in order; a command without a size to record is a plain string.
 */
export function ranSection(lines: readonly RanLine[]): Record<string, RawAnswer[]> {
  const ran: Record<string, RawAnswer[]> = {};
  let exercise: string | undefined;
  for (const line of lines) {
    if ('exercise' in line) {
      exercise = line.exercise;
      continue;
    }
    if (exercise === undefined) continue;
    const list = (ran[exercise] ??= []);
    if (list.length >= RAN_LIMITS.commandsPerExerciseMax) continue;
    const text = commandText(line.argv);
    const sizes = Object.entries(line.sizes ?? {});
    list.push(
      sizes.length === 0
        ? text
        : { run: text, sizes: Object.fromEntries(sizes.map(([file, bytes]) => [file, String(bytes)])) },
    );
  }
  return ran;
}

/** The runner's log of what the student ran; it exists once `lab exercise` has set a cluster up. */
export function ranLogFile(home: string): string {
  return path.join(home, 'exercises', 'ran.jsonl');
}

/** The log, read; lines that are not ours are passed over. */
export function readRanLog(home: string): RanLine[] {
  const file = ranLogFile(home);
  if (!existsSync(file)) return [];
  if (statSync(file).size > RAN_LIMITS.logBytesMax) return [];
  const lines: RanLine[] = [];
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (text.trim() === '') continue;
    try {
      const value = JSON.parse(text) as Partial<{
        exercise: string;
        argv: string[];
        sizes: Record<string, number>;
      }>;
      if (typeof value.exercise === 'string') lines.push({ exercise: value.exercise });
      else if (Array.isArray(value.argv) && value.argv.every((w) => typeof w === 'string'))
        lines.push({ argv: value.argv, ...(value.sizes === undefined ? {} : { sizes: value.sizes }) });
    } catch {
      // A torn last line (the machine stopped mid-write): the rest is still read.
    }
  }
  return lines;
}

/** The runner turns to an exercise: later commands are recorded under it. */
export function markExercise(home: string, exercise: string): void {
  const lines = readRanLog(home);
  const last = [...lines].reverse().find((l): l is { exercise: string } => 'exercise' in l);
  if (last?.exercise === exercise) return;
  mkdirSync(path.dirname(ranLogFile(home)), { recursive: true });
  appendFileSync(ranLogFile(home), `${JSON.stringify({ exercise })}\n`);
}

/**
 * Record a `lab` command run against `home`, when the student works through a pack there (the
 * runner has started the log) and the command acts on the cluster. Returns whether it did.
 */
export function recordCommand(home: string, argv: readonly string[], cwd: string): boolean {
  if (!existsSync(ranLogFile(home))) return false;
  const recorded = commandToRecord(argv, (file) => {
    try {
      const stat = statSync(path.resolve(cwd, file));
      return stat.isFile() ? stat.size : undefined;
    } catch {
      return undefined;
    }
  });
  if (recorded === undefined) return false;
  const line: RanLine = {
    argv: recorded.argv,
    ...(Object.keys(recorded.sizes).length === 0 ? {} : { sizes: recorded.sizes }),
  };
  appendFileSync(ranLogFile(home), `${JSON.stringify(line)}\n`);
  return true;
}

/** `lab reset ID` reset the exercise's part of the cluster: the grader does it at this point too. */
export function recordReset(home: string, exercise: string): void {
  if (!existsSync(ranLogFile(home))) return;
  appendFileSync(ranLogFile(home), `${JSON.stringify({ argv: ['reset', exercise] })}\n`);
}
