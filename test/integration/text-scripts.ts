/**
 * What a pack's texts print, run as a student types it in a second terminal: every fenced block
 * (a shell script: `cd`, `head -c … > f`, `lab …`, pipes) and every inline `lab …` span, from the
 * student's own folder with `lab` on PATH the way the README's set-up puts it (bin/), in the order
 * the runner shows the texts. A placeholder (`<lab home>`) gets the value a student would type, from
 * the caller's table; one missing from the table is a problem, so a new placeholder is never run
 * as `<…>`. A command the texts print twice runs once.
 *
 * A script fails the text when it exits non-zero (bash with `set -eo pipefail`: an unknown
 * command, a usage error, a `grep` that finds nothing), unless the caller lists it as a failure
 * the text announces; a command whose text says it fails must fail. `--follow` runs until it has
 * printed a line, then is stopped, as a student stops it with Ctrl-C.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { TextScript } from '../../lab/pack/text-commands.js';
import { REPO } from './lab-process.js';
import { waitFor } from './wait-for.js';

export interface TextScriptsOptions {
  scripts: readonly (TextScript & { where: string })[];
  /** The student's folder. */
  cwd: string;
  /** The student's environment: LAB_HOME, LAB_PORTS… (PATH gets bin/ in front). */
  env: NodeJS.ProcessEnv;
  /** `<lab home>` → its value, computed when a script needs it. */
  placeholders: Readonly<Record<string, () => Promise<string>>>;
  /** Inline spans that name a command in a sentence (`lab trace`'s arrows), not one to run. */
  mentions: ReadonlySet<string>;
  /** Inline commands the text says fail (`lab fs -ls /` while the NameNode is down). */
  failures: ReadonlySet<string>;
  /** How long one script may take (SCRIPT_MS by default). */
  scriptMs?: number;
}

export interface TextScriptsOutcome {
  /** Scripts run, as typed (placeholders filled in). */
  ran: string[];
  /** Mentions and examples with an ellipsis (`lab fs -put …`), not run. */
  skipped: string[];
  /** What a student would trip over, one line each with where it is. */
  problems: string[];
}

const PLACEHOLDER = /<[^<>\n]*>/;
/** How long `--follow` may take to print its first line. */
const FOLLOW_FIRST_LINE_MS = 30_000;
const OUTPUT_TAIL_CHARS = 1500;
/** One script at most: the 150 MB uploads of the block-size experiment on a loaded machine. */
const SCRIPT_MS = 300_000;

export async function runTextScripts(o: TextScriptsOptions): Promise<TextScriptsOutcome> {
  const outcome: TextScriptsOutcome = { ran: [], skipped: [], problems: [] };
  // A command already typed (a question repeating a step's line) is not typed again.
  const seen = new Set<string>();
  const typedLines = new Set<string>();
  const env = { ...o.env, PATH: `${path.join(REPO, 'bin')}${path.delimiter}${o.env.PATH ?? ''}` };
  for (const { where, kind, script } of o.scripts) {
    if (seen.has(script) || (kind === 'inline' && typedLines.has(script))) continue;
    seen.add(script);
    for (const line of script.split('\n')) typedLines.add(line.trim());
    if (kind === 'inline' && o.mentions.has(script)) {
      outcome.skipped.push(script);
      continue;
    }
    const typed = await fillIn(script, o.placeholders);
    const unknown = PLACEHOLDER.exec(typed);
    if (unknown !== null) {
      outcome.problems.push(`${where}: no value for ${unknown[0]} in the test's placeholders: ${script}`);
      continue;
    }
    if (typed.includes('…')) {
      outcome.skipped.push(script);
      continue;
    }
    outcome.ran.push(typed);
    const problem = await runOne(typed, {
      cwd: o.cwd,
      env,
      expectFailure: o.failures.has(script),
      ms: o.scriptMs,
    });
    if (problem !== undefined) outcome.problems.push(`${where}: \`${typed}\`: ${problem}`);
  }
  return outcome;
}

/** The script with every placeholder of the table replaced, longest first. */
async function fillIn(script: string, placeholders: TextScriptsOptions['placeholders']): Promise<string> {
  let typed = script;
  const keys = Object.keys(placeholders).sort((a, b) => b.length - a.length);
  for (const key of keys) if (typed.includes(key)) typed = typed.split(key).join(await placeholders[key]!());
  return typed;
}

interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  expectFailure: boolean;
  ms: number | undefined;
}

/** Why the script let the student down, or undefined. */
async function runOne(script: string, o: RunOptions): Promise<string | undefined> {
  const follow = /\s--follow\b/.test(script);
  const child = spawn('bash', ['-c', `set -eo pipefail\n${script}`], {
    cwd: o.cwd,
    env: o.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : -1))),
  );
  let stopped = false;
  const stop = () => {
    stopped = true;
    try {
      process.kill(-child.pid!, 'SIGINT');
    } catch {
      // already gone
    }
  };
  const limitMs = follow ? FOLLOW_FIRST_LINE_MS : (o.ms ?? SCRIPT_MS);
  const timer = setTimeout(stop, limitMs);
  try {
    if (follow) {
      const printed = await Promise.race([
        waitFor('a line from --follow', () => (output.includes('\n') ? true : undefined), limitMs),
        exited.then(() => false),
      ]).catch(() => false);
      const endedByItself = child.exitCode !== null;
      stop();
      const code = await exited;
      if (!printed) return `--follow printed no line in ${limitMs} ms:\n${tail(output)}`;
      return endedByItself && code !== 0 ? `exit ${code}:\n${tail(output)}` : undefined;
    }
    const code = await exited;
    if (stopped) return `still running after ${limitMs} ms, stopped:\n${tail(output)}`;
    if (code === 0 && o.expectFailure) return `the text says this fails, and it exited 0:\n${tail(output)}`;
    if (code !== 0 && !o.expectFailure) return `exit ${code}:\n${tail(output)}`;
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

function tail(text: string): string {
  return text.length <= OUTPUT_TAIL_CHARS ? text : `…${text.slice(-OUTPUT_TAIL_CHARS)}`;
}
