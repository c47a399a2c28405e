/**
 * A golden shell script (test/integration/testdata/tutorial.txt) run against a live cluster: each
 * `lab …` line is run as typed in the student's folder, in this process with the CLI's own program
 * table and error boundary (its input lines as standard input), and its output is
 * compared with the expected text after the values that differ run to run are named
 * (`<nn>`, `<user>`, `<home>`, the date patterns). The file's header says its directives.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { MockInstance } from 'vitest';
import { vi } from 'vitest';
import { splitWords } from '../../lab/cli/shell-words.js';
import { requireDescription } from '../../cluster/home/home.js';
import { homePaths } from '../../cluster/home/description.js';
import { hadoopUser } from '../../cluster/common/user.js';
import type { Directive, Handler } from '../datadriven.js';
import { labInProcess } from '../unit/lab-in-process.js';

export interface ShellScriptOptions {
  /** The lab home of the running cluster. */
  home: string;
  /** The student's folder: local files and the commands' working directory. */
  work: string;
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export function shellScriptHandler(o: ShellScriptOptions): Handler {
  const nn = requireDescription(o.home).namenode;
  const address = `${nn.host}:${nn.port}`;
  const local = (name: string): string => path.join(o.work, name);
  return async (d: Directive) => {
    switch (d.cmd) {
      case 'file': {
        const zeros = d.args.find((a) => a.key === 'zeros')?.values[0];
        const body =
          zeros === undefined ? d.input.map((l) => `${l}\n`).join('') : Buffer.alloc(Number(zeros));
        fs.writeFileSync(local(d.positional(0)), body);
        return '';
      }
      case 'rm':
        fs.rmSync(local(d.positional(0)));
        return '';
      case 'head':
        return fs
          .readFileSync(local(d.positional(1)), 'utf8')
          .split('\n')
          .slice(0, Number(d.positional(0)))
          .join('\n');
      case 'lab': {
        // The words after `lab`.
        const words = splitWords(fillIn(d.line, { '<nn>': address, ...nameDirFiles(o.home) }));
        const ran = await inProcess(o, words, d.input.map((l) => `${l}\n`).join(''));
        return named(shown(ran), { address, home: o.home, user: hadoopUser() });
      }
      default:
        throw new Error(`${d.pos}: unknown directive ${d.cmd}`);
    }
  };
}

/** What the script shows of a run: stdout, each stderr line after `2> `, `[exit N]` unless 0. */
function shown(ran: Ran): string {
  const lines = ran.stdout === '' ? [] : ran.stdout.replace(/\n$/, '').split('\n');
  if (ran.stderr !== '')
    lines.push(
      ...ran.stderr
        .replace(/\n$/, '')
        .split('\n')
        .map((l) => `2> ${l}`),
    );
  if (ran.code !== 0) lines.push(`[exit ${ran.code}]`);
  return lines.join('\n');
}

/** The run's values named as the script writes them. */
function named(text: string, v: { address: string; home: string; user: string }): string {
  return (
    text
      .split(v.address)
      .join('<nn>')
      .split(v.home)
      .join('<home>')
      // log4j's ISO8601 date, then Ls's SimpleDateFormat("yyyy-MM-dd HH:mm").
      .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}/g, 'yyyy-MM-dd HH:mm:ss,SSS')
      .replace(/\d{4}-\d\d-\d\d \d\d:\d\d/g, 'yyyy-MM-dd HH:mm')
      // Ls's owner column (and only it: the name may be a word of a path too).
      .replace(/^([-dl][-rwxsStT]{9}\+? +\S+ )(\S+)/gm, (all, head: string, owner: string) =>
        owner === v.user ? `${head}<user>` : all,
      )
  );
}

function fillIn(line: string, values: Record<string, string>): string {
  let typed = line;
  for (const [key, value] of Object.entries(values)) typed = typed.split(key).join(value);
  return typed;
}

/** `<edits_inprogress>` and `<fsimage>`: the files `ls <name dir>/current` shows a student. */
function nameDirFiles(home: string): Record<string, string> {
  const current = path.join(homePaths(home).nameDir, 'current');
  const names = fs.readdirSync(current).sort();
  const found: Record<string, string> = {};
  const edits = names.find((n) => n.startsWith('edits_inprogress_'));
  const image = names.filter((n) => /^fsimage_\d+$/.test(n)).at(-1);
  if (edits !== undefined) found['<edits_inprogress>'] = path.join(current, edits);
  if (image !== undefined) found['<fsimage>'] = path.join(current, image);
  return found;
}

/** `lab ARGS…` in this process, `input` as its standard input, in the student's folder. */
async function inProcess(o: ShellScriptOptions, args: string[], input: string): Promise<Ran> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const spies: MockInstance[] = [
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => stdout.push(String(chunk)) > 0),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0),
    vi
      .spyOn(process, 'stdin', 'get')
      .mockReturnValue(Readable.from([Buffer.from(input)]) as typeof process.stdin),
  ];
  const cwd = process.cwd();
  process.chdir(o.work);
  try {
    const code = await labInProcess(o.home, ...args);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    process.chdir(cwd);
    for (const spy of spies) spy.mockRestore();
  }
}
