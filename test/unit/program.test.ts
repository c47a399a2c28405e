import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runCli } from '../../lab/cli/boundary.js';
import { Command } from '../../lab/cli/commander.js';
import { buildProgram, COMMAND_MODULES, commandNameOf } from '../../lab/program.js';
import { captureOutput } from './lab-in-process.js';

const namesOf = (program: Command): string[] => program.commands.flatMap((c) => [c.name(), ...c.aliases()]);

describe('the lab program', () => {
  it('names, for each command module, exactly the commands it registers', async () => {
    for (const m of COMMAND_MODULES) {
      const program = new Command('lab');
      (await m.load())(program);
      expect(namesOf(program).sort()).toEqual([...m.names].sort());
    }
  });

  it('finds the command after the program options, whose values are not commands', () => {
    expect(commandNameOf(['fs', '-ls', '/'])).toBe('fs');
    expect(commandNameOf(['--home', 'fs', '--on', 'dn1', 'dfsadmin', '-report'])).toBe('dfsadmin');
    expect(commandNameOf(['--home=/tmp/x', 'status'])).toBe('status');
    expect(commandNameOf(['--help'])).toBeUndefined();
  });

  it('loads only the module of the command it runs; help and unknown commands see every command', async () => {
    expect(namesOf(await buildProgram(['--home', '/tmp/x', 'hint', 'e1']))).toEqual([
      'exercises',
      'exercise',
      'check',
      'hint',
      'progress',
      'reset',
    ]);
    expect(namesOf(await buildProgram(['dfs', '-ls']))).toEqual(['fs', 'dfs']);
    const all = COMMAND_MODULES.flatMap((m) => m.names);
    expect(namesOf(await buildProgram(['--help']))).toEqual(all);
    expect(namesOf(await buildProgram(['fsk', '/a']))).toEqual(all);
  });

  it('lab help prints the help and exits 0, as --help does', async () => {
    const output = captureOutput();
    try {
      expect(await runCli(await buildProgram(['help']), ['help'])).toBe(0);
      expect(output.stdout.join('')).toMatch(/^Usage: lab \[options\] \[command\]/);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it("records a student's lab fs command for lab grade, though only fs's module is loaded", async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-program-'));
    try {
      const log = path.join(home, 'exercises', 'ran.jsonl');
      fs.mkdirSync(path.dirname(log), { recursive: true });
      fs.writeFileSync(log, `${JSON.stringify({ exercise: 'upload-blocks' })}\n`);
      const argv = ['--home', home, 'fs', '-mkdir', '/mine'];
      // No cluster runs under this home: the command fails after the hook has recorded it.
      await runCli(await buildProgram(argv), argv);
      const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
      expect(lines.map((l) => JSON.parse(l) as unknown).at(-1)).toEqual({ argv: ['fs', '-mkdir', '/mine'] });
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
