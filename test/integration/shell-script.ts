/**
 * A golden shell script (test/integration/testdata/tutorial.txt) run against a live cluster: each
 * `lab …` line is run as typed in the student's folder, in this process with the CLI's own program
 * table and error boundary (its input lines as standard input), and its output is
 * compared with the expected text after the values that differ run to run are named
 * (`<nn>`, `<user>`, `<home>`, the date patterns). The file's header says its directives.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
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
  // A DataNode's transfer address is <dnN>, its IPC address (ClientDatanodeProtocol) <dnN-ipc>.
  const datanodes = requireDescription(o.home).datanodes.flatMap((dn) => [
    { address: `${dn.host}:${dn.port}`, id: dn.id },
    ...(dn.ipcPort === undefined ? [] : [{ address: `${dn.host}:${dn.ipcPort}`, id: `${dn.id}-ipc` }]),
  ]);
  const ipcAddresses = Object.fromEntries(
    datanodes.filter((dn) => dn.id.endsWith('-ipc')).map((dn) => [`<${dn.id}>`, dn.address]),
  );
  const values = {
    address,
    http: `${nn.host}:${nn.httpPort}`,
    datanodes,
    home: o.home,
    user: hadoopUser(),
    work: o.work,
  };
  /** `lab LINE`: the words after `lab`, its input lines as standard input. */
  const run = async (line: string, input: string[]): Promise<string> => {
    const words = splitWords(fillIn(line, { '<nn>': address, ...ipcAddresses, ...nameDirFiles(o.home) }));
    const ran = await inProcess(o, words, input.map((l) => `${l}\n`).join(''));
    return named(shown(ran), values);
  };
  return async (d: Directive) => {
    switch (d.cmd) {
      case 'file': {
        const zeros = d.args.find((a) => a.key === 'zeros')?.values[0];
        const text = d.input.map((l) => `${l}\n`).join('');
        const body =
          zeros !== undefined ? Buffer.alloc(Number(zeros)) : d.has('gzip') ? zlib.gzipSync(text) : text;
        fs.mkdirSync(path.dirname(local(d.positional(0))), { recursive: true });
        fs.writeFileSync(local(d.positional(0)), body);
        // `mode=640` and `mtime=2020-01-02T03:04:05Z`: the file's permission and times, as chmod and touch -d set them.
        const mode = d.args.find((a) => a.key === 'mode')?.values[0];
        const mtime = d.args.find((a) => a.key === 'mtime')?.values[0];
        if (mode !== undefined) fs.chmodSync(local(d.positional(0)), parseInt(mode, 8));
        if (mtime !== undefined) fs.utimesSync(local(d.positional(0)), new Date(mtime), new Date(mtime));
        return '';
      }
      case 'rm':
        fs.rmSync(local(d.positional(0)), { recursive: true });
        return '';
      case 'cat':
        return fs.readFileSync(local(d.positional(0)), 'utf8');
      case 'mkdir':
        fs.mkdirSync(local(d.positional(0)), { recursive: true });
        return '';
      case 'ls':
        return localTree(o.work, d.positional(0));
      case 'stat': {
        // `stat NAME`: a local file's mode (octal) and modification time (UTC), as `stat -c '%a %y'`.
        const st = fs.statSync(local(d.positional(0)));
        return `${(st.mode & 0o7777).toString(8)} ${st.mtime.toISOString()}`;
      }
      case 'grep': {
        // `grep PATTERN NAME`: the lines of a local file that match (an extended regular expression).
        const [pattern, name] = splitWords(d.line) as [string, string];
        const re = new RegExp(pattern);
        const lines = fs.readFileSync(local(name), 'utf8').split('\n');
        return named(lines.filter((l) => re.test(l)).join('\n'), values);
      }
      case 'head':
        return fs
          .readFileSync(local(d.positional(1)), 'utf8')
          .split('\n')
          .slice(0, Number(d.positional(0)))
          .join('\n');
      case 'lab':
        return run(d.line, d.input);
      default: {
        // `NAME=value … lab ARGS…`: the command with those environment variables, as a shell runs it.
        const words = [d.cmd, ...splitWords(d.line)];
        const at = words.findIndex((w) => !ENV_ASSIGNMENT.test(w));
        if (at < 1 || words[at] !== 'lab') throw new Error(`${d.pos}: unknown directive ${d.cmd}`);
        const env = Object.fromEntries(words.slice(0, at).map((w) => w.split(/=(.*)/s).slice(0, 2)));
        const line = d.line.slice(d.line.indexOf('lab') + 'lab'.length).trim();
        return withEnv(env, () => run(line, d.input));
      }
    }
  };
}

const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** `fn` with `env` set in process.env (the in-process command reads it), then as before. */
async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** The files under a local directory as `find NAME -type f` names them, sorted, each with its size. */
function localTree(work: string, name: string): string {
  const dir = path.join(work, name);
  const files = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
  return files
    .map((f) => `${path.join(name, path.relative(dir, f))} ${fs.statSync(f).size}`)
    .sort()
    .join('\n');
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
function named(
  text: string,
  v: {
    address: string;
    http: string;
    datanodes: { address: string; id: string }[];
    home: string;
    user: string;
    work: string;
  },
): string {
  const withDatanodes = v.datanodes.reduce((t, dn) => t.split(dn.address).join(`<${dn.id}>`), text);
  return (
    withDatanodes
      .split(v.address)
      .join('<nn>')
      .split(v.http)
      .join('<nn-http>')
      .split(v.home)
      .join('<home>')
      .split(v.work)
      .join('<work>')
      // log4j's ISO8601 date, then Ls's SimpleDateFormat("yyyy-MM-dd HH:mm"): a date of this
      // run (a time set with -touch -t or -setTimes years ago prints as it is).
      .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}/g, (d) => recent(d, 'yyyy-MM-dd HH:mm:ss,SSS'))
      .replace(/\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?/g, (d, s?: string) =>
        recent(d, s === undefined ? 'yyyy-MM-dd HH:mm' : 'yyyy-MM-dd HH:mm:ss'),
      )
      // java.util.Date.toString (fsck's start and end lines) and fsck's duration.
      .replace(
        /\b[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d [A-Z]+ \d{4}\b/g,
        'EEE MMM dd HH:mm:ss zzz yyyy',
      )
      .replace(/ in \d+ milliseconds$/gm, ' in N milliseconds')
      // Identifiers of this run: the block pool, a block and its generation stamp, a transaction id.
      .replace(/\bBP-\d+-[\d.]+-\d+\b/g, '<bpid>')
      .replace(/\bblk_\d+_\d+\b/g, 'blk_<id>_<gs>')
      .replace(/\btxid \d+\b/g, 'txid <txid>')
      // A DataNode's uptime in seconds (DFSAdmin.getDatanodeInfo).
      .replace(/^Uptime: \d+,/gm, 'Uptime: N,')
      // A client's RPC id (ClientId: a random UUID), and who ran fsck.
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uuid>')
      .split(`ugi=${v.user}&`)
      .join('ugi=<user>&')
      .split(`started by ${v.user} `)
      .join('started by <user> ')
      // Ls's owner column (and only it: the name may be a word of a path too).
      .replace(/^([-dl][-rwxsStT]{9}\+? +\S+ )(\S+)/gm, (all, head: string, owner: string) =>
        owner === v.user ? `${head}<user>` : all,
      )
  );
}

/** A date near now (any time zone) is the run's: its pattern; another stays as printed. */
function recent(date: string, pattern: string): string {
  const ms = Date.parse(`${date.slice(0, 16).replace(' ', 'T')}Z`);
  return Math.abs(ms - Date.now()) < RUN_DATE_WINDOW_MS ? pattern : date;
}

/** Local time is up to 14 hours from UTC; a run takes minutes. */
const RUN_DATE_WINDOW_MS = 2 * 24 * 3600_000;

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
