/**
 * The `lab …` commands a pack prints — in its introductions, steps, prompts, explanations and
 * hints — and whether each is a command `lab` reads, pure. A student copies them into a second
 * terminal as printed, so a typo in a sub-command or a flag is a dead end in the middle of an
 * exercise. Commands are taken from `inline code` and from the lines of fenced code blocks; what a
 * shell adds after them (`| head`, `> /dev/null`, `# a comment`) is cut off, and a placeholder the
 * student fills in (`<that DataNode>`) stands for one word.
 */
import type { Command } from '../cli/commander.js';
import { splitWords } from '../grading/task-commands.js';
import type { Exercise } from './pack.js';

export interface TextCommand {
  /** `upload-blocks` step 2, hint 1, question mine-last, … */
  where: string;
  command: string;
}

/** A word the student replaces: `<that DataNode>`, `<edits_inprogress_…>`. */
const PLACEHOLDER = /<[^<>\n]*>/g;

/** Every `lab …` of a Markdown text: inline code spans and fenced code lines. */
export function commandsInText(markdown: string): string[] {
  const found: string[] = [];
  const fence = /```[^\n]*\n([\s\S]*?)```/g;
  for (const block of markdown.matchAll(fence)) {
    for (const line of block[1]!.split('\n')) {
      const text = line.replace(/^\s*\$\s+/, '').trim();
      if (/^(npx )?lab\b/.test(text)) found.push(text);
    }
  }
  const outside = markdown.replace(fence, ' ');
  for (const span of outside.matchAll(/`([^`\n]+)`/g)) {
    const text = span[1]!.trim();
    if (/^(npx )?lab\s/.test(text)) found.push(text);
  }
  return found.map(commandPart);
}

/** The command without what the shell adds: pipes, redirections, `&&`, comments. */
function commandPart(text: string): string {
  return text
    .replace(/\s#.*$/, '')
    .split(/\s(?:\||>|>>|2>|&&|;)\s/)[0]!
    .trim();
}

/** Every command a student sees in an exercise, with where it is. */
export function exerciseCommands(exercise: Exercise): TextCommand[] {
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
  }
  exercise.hints.forEach((h, i) => texts.push({ where: `hint ${i + 1}`, text: h.text }));
  return texts.flatMap(({ where, text }) =>
    commandsInText(text).map((command) => ({ where: `${exercise.id} ${where}`, command })),
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
