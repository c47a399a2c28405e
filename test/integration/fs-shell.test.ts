/**
 * `lab fs` as FsShell: a real cluster (one DataNode, ephemeral ports, its own run directory) and
 * the `lab` binary. Expected texts come from Hadoop's shell classes, named at each assertion;
 * the lab prints `lab fs` where Hadoop prints `hadoop fs` (docs/shell.md lists the differences).
 */
import { execa } from 'execa';
import fs, { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, stopNodes } from '../../cluster/launcher/launcher.js';

const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'bin/lab.js');
const built = existsSync(path.join(repo, 'dist/cluster/runtime/main.js'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe.skipIf(!built)('lab fs behaves as FsShell', () => {
  let home = '';
  let work = '';
  const lab = async (...args: string[]): Promise<Run> => {
    const r = await execa('node', [bin, '--home', home, ...args], {
      reject: false,
      cwd: work,
      env: { TZ: 'UTC' },
    });
    return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const ok = async (...args: string[]): Promise<string> => {
    const r = await lab(...args);
    expect(r.code, `lab ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-fs-shell-'));
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-fs-shell-work-'));
    await startCluster({
      home,
      datanodes: 1,
      racks: 1,
      blockSize: '1m',
      replication: 1,
      seed: 'fs-shell',
      ephemeralPorts: true,
    });
  }, 120_000);

  afterAll(async () => {
    if (home) {
      await stopNodes(home);
      fs.rmSync(home, { recursive: true, force: true });
    }
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  describe('usage errors (FsShell.run, CommandFormat.parse)', () => {
    it('with no arguments prints every usage on stderr and exits -1', async () => {
      const r = await lab('fs');
      expect(r.code).toBe(255);
      // FsShell.printInfo: usagePrefix, then "\t[" + instance.getUsage() + "]" per command.
      expect(r.stderr.split('\n')[0]).toBe('Usage: lab fs [generic options]');
      expect(r.stderr).toContain('\t[-mkdir [-p] <path> ...]');
    });

    it('names an unknown command, and a known one typed without its dash', async () => {
      // UnknownCommandException: "Unknown command"; displayError adds the "Did you mean" line.
      const r = await lab('fs', '-nope');
      expect(r.code).toBe(255);
      expect(r.stderr).toBe('-nope: Unknown command');
      const dashless = await lab('fs', 'ls');
      expect(dashless.code).toBe(255);
      expect(dashless.stderr).toBe(
        'ls: Unknown command\nDid you mean -ls?  This command begins with a dash.',
      );
    });

    it('prints an illegal option with the command usage and exits -1', async () => {
      // CommandFormat.UnknownOptionException: "Illegal option " + option; FsShell.printInstanceUsage.
      const r = await lab('fs', '-mkdir', '-x', '/a');
      expect(r.code).toBe(255);
      expect(r.stderr).toBe(
        '-mkdir: Illegal option -x\nUsage: lab fs [generic options] -mkdir [-p] <path> ...',
      );
    });

    it('counts operands as CommandFormat does', async () => {
      // NotEnoughArgumentsException: "Not enough arguments: expected " + min + " but got " + n.
      const r = await lab('fs', '-mv', 'a');
      expect(r.code).toBe(255);
      expect(r.stderr.split('\n')[0]).toBe('-mv: Not enough arguments: expected 2 but got 1');
      // Test: CommandFormat(1, 1, …) and "No test flag given".
      const t = await lab('fs', '-test', '/');
      expect(t.stderr.split('\n')[0]).toBe('-test: No test flag given');
      expect(t.code).toBe(255);
    });
  });

  it('takes a flag after a path as a path (options end at the first operand)', async () => {
    await ok('fs', '-mkdir', '-p', '/flags/d');
    const r = await lab('fs', '-ls', '/flags', '-d');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('/flags/d');
    expect(r.stderr).toBe("ls: `-d': No such file or directory");
    const d = await ok('fs', '-ls', '-d', '/flags');
    expect(d.trim()).toMatch(/^drwxr-xr-x +- \S+ +\S+ +0 \d{4}-\d\d-\d\d \d\d:\d\d \/flags$/);
  });
});
