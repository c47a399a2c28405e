/**
 * "Do it" tasks in a submitted answers file. A task is checked by observing the cluster, and a
 * grader boots a fresh cluster, so the answer to a task is what the student did — the commands —
 * which the grader runs on that cluster before checking:
 *
 *   setrep-two: lab fs -setrep -w 2 /e1/mine.bin          # a task without input: its commands
 *   upload-16m-tail:                                      # a task with input: the value and how
 *     input: /e1/tail16.bin
 *     run:
 *       - put /e1/tail16.bin size=48m blockSize=32m       # a setup step in its one-line form
 *
 * A command is either `lab …` (run as the lab CLI against the grading cluster; only commands that
 * act on a running cluster) or a setup step written as `describeStep` prints it. Pure here:
 * parsing; running is in lab/grading/pack-cluster.ts (runCommands).
 */
import type { RawAnswer } from '../pack/answer-types.js';
import { RAN_LIMITS, RECORDED_LAB_COMMANDS } from './command-log.js';
import { check } from '../cli/schema-check.js';
import { StepSchema, STEP_NAMES, type Step, type StepName } from '../scenario/steps.js';
import { splitWords } from '../cli/shell-words.js';

/** Limits, with why: a task is a handful of commands; more is a script, not an answer. */
export const TASK_COMMAND_LIMITS = {
  commandsPerTaskMax: 20,
  commandBytesMax: 1000,
} as const;

/**
 * `lab` sub-commands a task may run: they act on a running cluster and leave it running — the ones
 * a student's log records, and the reads a task may do on its way (fsck, getconf, topology, oiv…).
 */
export const TASK_LAB_COMMANDS: ReadonlySet<string> = new Set([
  ...RECORDED_LAB_COMMANDS,
  'fsck',
  'getconf',
  'topology',
  'distance',
  'oiv',
  'oev',
]);

export type TaskCommand =
  | {
      kind: 'lab';
      text: string;
      argv: string[];
      /** Local files the student's command read, as written in argv → bytes (command-log.ts). */
      sizes?: Record<string, number>;
    }
  | { kind: 'step'; text: string; step: Step }
  /** `lab reset ID` in what a student ran: that exercise's folders removed and its setup rerun. */
  | { kind: 'reset'; text: string; exercise: string };

export interface TaskAnswer {
  /** What the check reads as the task's input (`$answer`), when the task takes one. */
  input?: RawAnswer;
  commands: TaskCommand[];
  /** Commands that could not be read, with why. */
  problems: string[];
}

/** The option a step's bare first word sets: `put /a` → path, `kill dn3` → datanode. */
const LEAD: Partial<Record<StepName, string>> = {
  mkdir: 'path',
  put: 'path',
  get: 'path',
  rm: 'path',
  setrep: 'path',
  corrupt: 'path',
  kill: 'datanode',
  stop: 'datanode',
  restart: 'datanode',
  exclude: 'datanode',
  maintenance: 'datanode',
  'wait-for': 'condition',
  expect: 'probe',
  'hold-lease': 'path',
};

function scalarOf(text: string): string | number | boolean {
  if (/^\d+$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/** `put /e1/a.bin size=48m blockSize=32m` → `{ put: { path, size, blockSize } }`, validated. */
export function parseStepLine(text: string): Step {
  const [name, ...rest] = splitWords(text);
  if (name === undefined || !(STEP_NAMES as readonly string[]).includes(name))
    throw new Error(`'${name ?? ''}' is neither \`lab …\` nor a step (${STEP_NAMES.join(', ')})`);
  if (name === 'start') throw new Error('a task cannot start another cluster');
  const options: Record<string, unknown> = {};
  for (const [index, word] of rest.entries()) {
    const eq = word.indexOf('=');
    if (eq > 0) options[word.slice(0, eq)] = scalarOf(word.slice(eq + 1));
    else if (index === 0 && LEAD[name as StepName] !== undefined)
      options[LEAD[name as StepName]!] = scalarOf(word);
    else throw new Error(`'${word}': options are key=value (e.g. size=48m)`);
  }
  if (name === 'wait-for' && options.deadline === undefined) options.deadline = '60s';
  const read = check(StepSchema, { [name]: options });
  if (!read.ok)
    throw new Error(read.issues.map((i) => `${[name, ...i.path].join('.')}: ${i.message}`).join('; '));
  return read.value as Step;
}

export function parseCommand(text: string): TaskCommand {
  if (text.length > TASK_COMMAND_LIMITS.commandBytesMax)
    throw new Error(`longer than ${TASK_COMMAND_LIMITS.commandBytesMax} characters`);
  const words = splitWords(text.trim());
  if (words[0] === 'lab' || words[0] === 'npx') {
    const argv = words[0] === 'npx' ? words.slice(words[1] === 'lab' ? 2 : 1) : words.slice(1);
    if (argv.some((w) => w === '--home' || w.startsWith('--home=')))
      throw new Error('--home: the grader chooses the cluster');
    const sub = argv.find((w) => !w.startsWith('-'));
    if (sub === undefined || !TASK_LAB_COMMANDS.has(sub))
      throw new Error(
        `lab ${sub ?? ''}: a task may run lab ${[...TASK_LAB_COMMANDS].join(', ')} (on the running cluster)`,
      );
    return { kind: 'lab', text, argv };
  }
  return { kind: 'step', text, step: parseStepLine(text) };
}

function commandTexts(raw: RawAnswer | undefined): string[] {
  if (raw === undefined) return [];
  if (typeof raw === 'string') return raw.trim() === '' ? [] : [raw];
  if (Array.isArray(raw)) return raw.flatMap((r) => commandTexts(r));
  return [];
}

/**
 * A task's answer, read. Without input: the answer is its commands. With input: a plain value is
 * the input alone; a map gives `input` and `run`.
 */
export function readTaskAnswer(raw: RawAnswer | undefined, takesInput: boolean): TaskAnswer {
  const isMap = raw !== undefined && typeof raw === 'object' && !Array.isArray(raw);
  const map = isMap ? (raw as Record<string, RawAnswer>) : undefined;
  const input = map ? map.input : takesInput ? raw : undefined;
  const texts = commandTexts(map ? map.run : takesInput ? undefined : raw);
  const commands: TaskCommand[] = [];
  const problems: string[] = [];
  if (map) {
    const unknown = Object.keys(map).filter((k) => k !== 'input' && k !== 'run');
    if (unknown.length > 0)
      problems.push(`unknown key(s) ${unknown.join(', ')}: a task answer has input and run`);
  }
  for (const text of texts.slice(0, TASK_COMMAND_LIMITS.commandsPerTaskMax)) {
    try {
      commands.push(parseCommand(text));
    } catch (error) {
      problems.push(`\`${text}\`: ${(error as Error).message}`);
    }
  }
  if (texts.length > TASK_COMMAND_LIMITS.commandsPerTaskMax)
    problems.push(`more than ${TASK_COMMAND_LIMITS.commandsPerTaskMax} commands; the rest were not run`);
  return { ...(input === undefined ? {} : { input }), commands, problems };
}

/** One entry of the answers file's `ran` list: a command line, or `{ run, sizes }`. */
function readRanEntry(raw: RawAnswer): TaskCommand {
  if (typeof raw === 'string') {
    const words = splitWords(raw.trim());
    if (words.length === 3 && words[0] === 'lab' && words[1] === 'reset')
      return { kind: 'reset', text: raw, exercise: words[2]! };
    return parseCommand(raw);
  }
  if (Array.isArray(raw) || typeof raw.run !== 'string')
    throw new Error('expected a command line, or { run, sizes }');
  const command = parseCommand(raw.run);
  const sizes: Record<string, number> = {};
  const given = raw.sizes;
  if (given !== undefined) {
    if (typeof given !== 'object' || Array.isArray(given))
      throw new Error('sizes: expected a map of file: bytes');
    for (const [file, bytes] of Object.entries(given)) {
      if (typeof bytes !== 'string' || !/^\d+$/.test(bytes) || Number(bytes) > Number.MAX_SAFE_INTEGER)
        throw new Error(`sizes: ${file}: expected a number of bytes`);
      sizes[file] = Number(bytes);
    }
  }
  if (command.kind !== 'lab' || Object.keys(sizes).length === 0) return command;
  return { ...command, sizes };
}

/** What a student ran during an exercise (the answers file's `ran`), read for the grader to run. */
export function readRanCommands(raw: readonly RawAnswer[] | undefined): {
  commands: TaskCommand[];
  problems: string[];
} {
  const commands: TaskCommand[] = [];
  const problems: string[] = [];
  const entries = raw ?? [];
  for (const entry of entries.slice(0, RAN_LIMITS.commandsPerExerciseMax)) {
    try {
      commands.push(readRanEntry(entry));
    } catch (error) {
      const text = typeof entry === 'string' ? entry : JSON.stringify(entry);
      problems.push(`\`${text}\`: ${(error as Error).message}`);
    }
  }
  if (entries.length > RAN_LIMITS.commandsPerExerciseMax)
    problems.push(`more than ${RAN_LIMITS.commandsPerExerciseMax} commands; the rest were not run`);
  return { commands, problems };
}
