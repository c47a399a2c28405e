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
import { requireDescription } from '../../cluster/home/home.js';
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

  describe('generic options (GenericOptionsParser) before the command', () => {
    const local = (): string => {
      const file = path.join(work, 'three-mb.bin');
      if (!fs.existsSync(file)) fs.writeFileSync(file, Buffer.alloc(3 * 1024 * 1024, 7));
      return file;
    };

    it('-D dfs.blocksize=2m really writes 2 MB blocks (Stat %o is the block size)', async () => {
      await ok('fs', '-D', 'dfs.blocksize=2m', '-put', local(), '/two.bin');
      expect((await ok('fs', '-stat', '%o %b', '/two.bin')).trim()).toBe(
        `${2 * 1024 * 1024} ${3 * 1024 * 1024}`,
      );
    });

    it("-Ddfs.block.size maps the deprecated key with Configuration.deprecation's warning", async () => {
      const r = await lab('fs', '-Ddfs.block.size=3145728', '-put', local(), '/three.bin');
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(
        /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO Configuration\.deprecation: dfs\.block\.size is deprecated\. Instead, use dfs\.blocksize$/m,
      );
      expect((await ok('fs', '-stat', '%o', '/three.bin')).trim()).toBe('3145728');
    });

    it('-D after the command is an option of the command, which -put does not have', async () => {
      const r = await lab('fs', '-put', '-D', 'dfs.blocksize=2m', local(), '/nope.bin');
      expect(r.code).toBe(255);
      expect(r.stderr.split('\n')[0]).toBe('-put: Illegal option -D');
    });

    it('-fs hdfs://HOST:PORT talks to that NameNode; file:/// is refused', async () => {
      const nn = requireDescription(home).namenode;
      const listing = await ok('fs', '-fs', `hdfs://${nn.host}:${nn.port}`, '-ls', '-d', '/');
      expect(listing).toMatch(/ \/$/m);
      const local = await lab('fs', '-fs', 'file:///', '-ls', '/');
      expect(local.code).toBe(1);
      expect(local.stderr).toContain('not HDFS');
    });

    it('-conf FILE and -D reach getconf, fsck and dfsadmin too', async () => {
      const conf = path.join(work, 'extra.xml');
      fs.writeFileSync(
        conf,
        '<?xml version="1.0"?>\n<configuration>\n  <property>\n    <name>dfs.replication</name>\n    <value>1</value>\n  </property>\n</configuration>\n',
      );
      expect((await ok('getconf', '-conf', conf, '-confKey', 'dfs.replication')).trim()).toBe('1');
      expect((await ok('getconf', '-D', 'dfs.replication=2', '-confKey', 'dfs.replication')).trim()).toBe(
        '2',
      );
      const fsck = await lab('fsck', '-D', 'dfs.replication=1', '/two.bin');
      expect(fsck.code).toBe(0);
      expect(fsck.stdout).toContain('HEALTHY');
      const report = await lab('dfsadmin', '-D', 'dfs.replication=1', '-report');
      expect(report.code).toBe(0);
      expect(report.stdout).toMatch(/^Configured Capacity: /m);
    });
  });
});
