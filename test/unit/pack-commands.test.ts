/**
 * Every command the built-in pack prints runs as printed: each `lab …` of its introductions,
 * steps, prompts, explanations, hints and where-to-look lines is a command `lab` reads (its
 * sub-command and flags exist; `lab fs`'s shell command exists), and none is `npx lab`, which
 * outside the repository runs an unrelated npm package. And `lab` itself is reachable the way the
 * README's set-up puts it on PATH (bin/lab), from a folder outside the repository.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../lab/program.js';
import { fsUsage } from '../../lab/commands/fs.js';
import { lookAt, type ProbeName } from '../../lab/checks/registry.js';
import { loadSeededPack } from '../../lab/pack/seeded.js';
import {
  commandProblem,
  commandsInText,
  exerciseCommands,
  scriptsInText,
} from '../../lab/pack/text-commands.js';
import { BUILT } from '../integration/requirements.js';

const repo = path.resolve(import.meta.dirname, '../..');
/** The shipped packs. */
const PACK_DIRS = ['hdfs-basics', 'hdfs-features'].map((id) => path.join(repo, 'exercises', id));
const fsCommands = new Set([...fsUsage().matchAll(/\[-(\w+)/g)].map((m) => m[1]!));

describe('commands in texts', () => {
  it('are found in code spans and fenced blocks, in reading order, without what the shell adds', () => {
    const text = [
      'Run `lab fsck /a -files` and `ls -l`, then:',
      '```',
      '$ lab fs --on <that DataNode> -cat /e9/x.txt > /dev/null',
      'lab traffic --op reportBadBlocks | head   # the report',
      'xxd blk_1 | head',
      'time lab fs -get /a a.bin',
      'lab fs -put slow.bin /e11/slow.bin &',
      'HADOOP_USER_NAME=bob lab fs -cat /a || echo refused',
      '```',
      'Or pipe it: `head -c 5m /dev/zero | lab fs -put - /b`.',
      '```text',
      'lab fsck output, not a command',
      '```',
    ].join('\n');
    expect(commandsInText(text)).toEqual([
      'lab fsck /a -files',
      'lab fs --on <that DataNode> -cat /e9/x.txt',
      'lab traffic --op reportBadBlocks',
      'lab fs -get /a a.bin',
      'lab fs -put slow.bin /e11/slow.bin',
      'lab fs -cat /a',
      'lab fs -put - /b',
    ]);
  });

  it('are typed as scripts: every fenced block but output, and inline spans that run lab', () => {
    const text = [
      '`lab topology`, `ls -l`',
      '```',
      'cd /tmp',
      'lab fs -ls /',
      '```',
      '```text',
      '/',
      '```',
    ].join('\n');
    expect(scriptsInText(text)).toEqual([
      { kind: 'inline', script: 'lab topology' },
      { kind: 'block', script: 'cd /tmp\nlab fs -ls /' },
    ]);
  });

  it('are read as lab reads them: a wrong sub-command, flag or shell command is named', async () => {
    const program = await buildProgram();
    const problem = (text: string) => commandProblem(text, program, fsCommands);
    expect(problem('lab fsck /a -files -blocks -locations')).toBeUndefined();
    expect(problem('lab --on dn3 fs -cat /a')).toBeUndefined();
    expect(problem('lab pack test exercises/hdfs-basics --seeds 3')).toBeUndefined();
    expect(problem('lab fsk /a')).toBe('lab fsk: no such command');
    expect(problem('lab fs -catt /a')).toBe('lab fs -catt: no such file system command');
    expect(problem('lab traffic --opp create')).toBe('lab traffic: unknown option --opp');
    expect(problem('lab --onn dn3 fs -ls /')).toBe('lab: unknown option --onn');
    expect(problem('npx lab fs -ls /')).toMatch(/unrelated npm package/);
  });
});

describe.each(PACK_DIRS)('the shipped pack %s', (dir) => {
  const seeded = loadSeededPack(dir, 'reference');
  const pack = seeded.pack!;

  it('prints only commands lab reads, and never npx lab', async () => {
    const program = await buildProgram();
    const commands = pack.exercises.flatMap((e) => exerciseCommands(e));
    // Where-to-look lines of failed checks, for every probe a question of the pack uses.
    for (const exercise of pack.exercises)
      for (const q of exercise.questions)
        for (const leaf of q.type === 'group' ? q.parts : [q]) {
          const ref = leaf.type === 'task' ? leaf.check : leaf.expect;
          if (ref === undefined) continue;
          const look = lookAt(ref.probe as ProbeName, (ref.args ?? {}) as never);
          for (const command of look.startsWith('lab ') ? [look.replace(/\s\(.*$/, '')] : [])
            commands.push({ where: `${exercise.id} ${leaf.id} look-at`, command });
        }
    expect(commands.length).toBeGreaterThan(20);
    const problems = commands.flatMap(({ where, command }) => {
      const problem = commandProblem(command, program, fsCommands);
      return problem === undefined ? [] : [`${where}: \`${command}\`: ${problem}`];
    });
    expect(problems).toEqual([]);
  });
});

describe('lab on PATH', () => {
  it.skipIf(!BUILT)(
    'runs as `lab` from a folder outside the repository with bin/ on PATH',
    { timeout: 60_000 },
    async () => {
      const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-path-'));
      try {
        const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
          execFile(
            'lab',
            ['--help'],
            {
              cwd: outside,
              env: {
                ...process.env,
                PATH: `${path.join(repo, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
              },
            },
            (error, stdout) =>
              resolve({
                code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
                stdout,
              }),
          );
        });
        expect(result.code).toBe(0);
        expect(result.stdout).toContain('hdfs-lab');
      } finally {
        fs.rmSync(outside, { recursive: true, force: true });
      }
    },
  );
});
