/**
 * The `lab …` commands a pack prints — in its introductions, steps, prompts, explanations and
 * hints — and whether each is a command `lab` reads, pure. A student copies them into a second
 * terminal as printed, so a typo in a sub-command or a flag is a dead end in the middle of an
 * exercise. Commands are taken from `inline code` and from the lines of fenced code blocks; what a
 * shell adds after them (`| head`, `> /dev/null`, `# a comment`) is cut off, and a placeholder the
 * student fills in (`<that DataNode>`) stands for one word.
 */
import type { Command } from '../cli/commander.js';
import { splitWords } from '../cli/shell-words.js';
import { questionHints, type Exercise } from './pack.js';

export interface TextCommand {
  /** `upload-blocks` step 2, hint 1, question mine-last, … */
  where: string;
  command: string;
}

/** A word the student replaces: `<that DataNode>`, `<edits_inprogress_…>`. */
const PLACEHOLDER = /<[^<>\n]*>/g;

/** Fences whose text is output to compare with, not commands to type: ```text. */
const OUTPUT_FENCES = new Set(['text', 'console', 'output']);

/** What a student types from a text: a fenced block (a script), or one inline command. */
export interface TextScript {
  kind: 'block' | 'inline';
  script: string;
}

/** A fenced block, or an inline code span, in reading order. */
const CODE = /```([^\n]*)\n([\s\S]*?)```|`([^`\n]+)`/g;

/** What a shell line may put before `lab`: `HADOOP_USER_NAME=bob`, `time`, `… |`. */
const BEFORE_LAB = /^.*?\|\s*(?=(?:npx )?lab\b)|^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:time\s+)?/;
/** A line or span that runs lab: `lab …`, `time lab …`, `HADOOP_USER_NAME=bob lab …`, `… | lab …`. */
const RUNS_LAB = /(?:^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:time\s+)?|\|\s*)(?:npx )?lab(?:\s|$)/;

/**
 * The scripts of a Markdown text, in reading order: every fenced block but output (```text),
 * and every inline span that runs `lab`.
 */
export function scriptsInText(markdown: string): TextScript[] {
  const found: TextScript[] = [];
  for (const match of markdown.matchAll(CODE)) {
    if (match[3] !== undefined) {
      const text = match[3].trim();
      if (RUNS_LAB.test(text)) found.push({ kind: 'inline', script: text });
    } else if (!OUTPUT_FENCES.has(match[1]!.trim()))
      found.push({ kind: 'block', script: match[2]!.trimEnd() });
  }
  return found;
}

/** Every `lab …` of a Markdown text, in reading order: inline code spans and fenced code lines. */
export function commandsInText(markdown: string): string[] {
  return scriptsInText(markdown).flatMap(({ script }) =>
    script
      .split('\n')
      .map((line) => line.replace(/^\s*\$\s+/, '').trim())
      .filter((line) => RUNS_LAB.test(line))
      .map((line) => commandPart(line.replace(BEFORE_LAB, ''))),
  );
}

/** The command without what the shell adds: pipes, redirections, `&&`, a trailing `&`, comments. */
function commandPart(text: string): string {
  return text
    .replace(/\s#.*$/, '')
    .split(/\s(?:\|\||\||>|>>|2>|&&|;|&)(?:\s|$)/)[0]!
    .trim();
}

/** The texts a student sees in an exercise, with where each is. */
function exerciseTexts(exercise: Exercise): { where: string; text: string }[] {
  const texts: { where: string; text: string }[] = [];
  if (exercise.intro !== undefined) texts.push({ where: 'introduction', text: exercise.intro });
  exercise.steps.forEach((s, i) => texts.push({ where: `step ${i + 1}`, text: s.markdown }));
  for (const q of exercise.questions) {
    const leaves = q.type === 'group' ? [q, ...q.parts] : [q];
    for (const leaf of leaves) {
      texts.push({ where: `question ${leaf.id}`, text: leaf.prompt });
      if (leaf.explanation !== undefined)
        texts.push({ where: `question ${leaf.id} explanation`, text: leaf.explanation });
    }
    questionHints(q).forEach((h, i) => texts.push({ where: `question ${q.id} hint ${i + 1}`, text: h.text }));
  }
  exercise.hints.forEach((h, i) => texts.push({ where: `hint ${i + 1}`, text: h.text }));
  return texts.map(({ where, text }) => ({ where: `${exercise.id} ${where}`, text }));
}

/** Every command a student sees in an exercise, with where it is. */
export function exerciseCommands(exercise: Exercise): TextCommand[] {
  return exerciseTexts(exercise).flatMap(({ where, text }) =>
    commandsInText(text).map((command) => ({ where, command })),
  );
}

/** Every script a student types for an exercise, in the order the runner shows the texts. */
export function exerciseScripts(exercise: Exercise): (TextScript & { where: string })[] {
  return exerciseTexts(exercise).flatMap(({ where, text }) =>
    scriptsInText(text).map((s) => ({ ...s, where })),
  );
}

/**
 * The words without the program's own options (`--on dn3`, `--home DIR`), which commander reads
 * anywhere on the line; a flag before the sub-command that the program does not have is an error.
 */
function withoutGlobalOptions(words: readonly string[], program: Command): string[] | string {
  const out: string[] = [];
  let seenCommand = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const flag = word.includes('=') ? word.slice(0, word.indexOf('=')) : word;
    const option = program.options.find((o) => o.long === flag || o.short === flag);
    if (option !== undefined) {
      if (!word.includes('=') && (option.required || option.optional)) i++;
      continue;
    }
    if (!seenCommand && word.startsWith('-')) return `lab: unknown option ${word}`;
    seenCommand = true;
    out.push(word);
  }
  return out;
}

/** `lab fs [-D key=value]… -put …`: the shell command after Hadoop's generic options. */
function fsShellCommand(words: readonly string[]): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--json' || word === '--trace' || word.startsWith('-D') || !word.startsWith('-')) {
      if (word === '-D' || word === '-fs' || word === '-conf') i++;
      continue;
    }
    if (word === '-fs' || word === '-conf') {
      i++;
      continue;
    }
    return word;
  }
  return undefined;
}

/** Commander keeps these private; they decide whether a flag it does not know is an error. */
interface CommandInternals {
  _allowUnknownOption?: boolean;
}

/**
 * Why `lab` would refuse this command line, or undefined when it reads it. `npx lab` is refused:
 * outside the repository it runs an unrelated npm package named `lab`.
 */
export function commandProblem(
  text: string,
  program: Command,
  fsCommands: ReadonlySet<string>,
): string | undefined {
  let words: string[];
  try {
    words = splitWords(text.replace(PLACEHOLDER, 'PLACEHOLDER'));
  } catch (error) {
    return (error as Error).message;
  }
  if (words[0] === 'npx')
    return '`npx lab` outside the repository runs an unrelated npm package: print `lab …`';
  if (words[0] !== 'lab') return 'not a lab command';
  const argv = withoutGlobalOptions(words.slice(1), program);
  if (typeof argv === 'string') return argv;
  let command: Command = program;
  let rest = argv;
  // `lab pack test …`: sub-commands of sub-commands.
  while (command.commands.length > 0) {
    const name = rest[0];
    if (name === undefined)
      return `lab ${command === program ? '' : `${command.name()} `}needs a sub-command`;
    const sub = command.commands.find((c) => c.name() === name || c.aliases().includes(name));
    if (sub === undefined)
      return `lab ${command === program ? '' : `${command.name()} `}${name}: no such command`;
    command = sub;
    rest = rest.slice(1);
  }
  const name = command.name();
  if (name === 'fs') {
    const shell = fsShellCommand(rest);
    if (shell === undefined || !fsCommands.has(shell.slice(1)))
      return `lab fs ${shell ?? ''}: no such file system command`;
    return undefined;
  }
  if ((command as unknown as CommandInternals)._allowUnknownOption === true) return undefined;
  const unknown = command.parseOptions(rest).unknown.find((w) => w.startsWith('-'));
  return unknown === undefined ? undefined : `lab ${name}: unknown option ${unknown}`;
}
