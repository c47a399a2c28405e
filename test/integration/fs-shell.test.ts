/**
 * `lab fs` as FsShell: a real cluster (one DataNode, ephemeral ports, its own run directory) and
 * the `lab` binary. Expected texts come from Hadoop's shell classes, named at each assertion;
 * the lab prints `lab fs` where Hadoop prints `hadoop fs` (docs/shell.md lists the differences).
 */
import { execa } from 'execa';
import fs from 'node:fs';
import zlib from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTestCluster, startTestCluster } from './lab-process.js';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { connectDatanodeIpc } from '../../cluster/client/datanode-ipc-client.js';
import { waitFor } from './wait-for.js';
import { requireDescription } from '../../cluster/home/home.js';
import { BUILT } from './requirements.js';
import { runFile } from '../datadriven.js';
import { shellScriptHandler } from './shell-script.js';

const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'bin/lab.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe.skipIf(!BUILT)('lab fs behaves as FsShell', () => {
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
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-fs-shell-work-'));
    home = await startTestCluster('lab-fs-shell-', {
      datanodes: 1,
      racks: 1,
      blockSize: '1m',
      replication: 1,
      seed: 'fs-shell',
    });
  }, 120_000);

  afterAll(async () => {
    await removeTestCluster(home);
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

    it('-usage and -help print FsShell.printInfo: all usages and the generic options, or one command', async () => {
      const all = await ok('fs', '-usage');
      expect(all).toContain('\t[-ls [-C] [-d] [-h] [-q] [-R] [-t] [-S] [-r] [-u] [-e] [<path> ...]]');
      // GenericOptionsParser.printGenericCommandUsage follows the list.
      expect(all).toContain('\n\nGeneric options supported are:\n-conf <configuration file>');
      expect(await ok('fs', '-usage', 'mkdir')).toBe(
        'Usage: lab fs [generic options] -mkdir [-p] <path> ...',
      );
      const unknown = await lab('fs', '-help', 'nope');
      expect(unknown.code).toBe(255);
      expect(unknown.stderr.split('\n')[0]).toBe("-help: `nope': Unknown command");
    });

    it('--help works on fs, dfsadmin, fsck and getconf without a running cluster', async () => {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-fs-shell-nohome-'));
      try {
        for (const command of ['fs', 'dfsadmin', 'fsck', 'getconf']) {
          const r = await execa('node', [bin, '--home', empty, command, '--help'], { reject: false });
          expect(r.exitCode, command).toBe(0);
          expect(r.stdout, command).toMatch(/^(Usage: lab |lab dfsadmin performs|hdfs getconf is utility)/);
        }
      } finally {
        fs.rmSync(empty, { recursive: true, force: true });
      }
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
      // NamenodeFsck prints StoragePolicySummary after the erasure-coded summary: every block of
      // /two.bin on DISK replicas, which the default policy (HOT) asks for.
      const fsck = await lab('fsck', '-D', 'dfs.replication=1', '/two.bin', '-storagepolicies');
      expect(fsck.code).toBe(0);
      expect(fsck.stdout).toContain('HEALTHY');
      expect(fsck.stdout).toMatch(
        /\nBlocks satisfying the specified storage policy:\nStorage Policy {18}# of blocks {7}% of blocks\nDISK:\d\(HOT\) +\d+ +100\.0000%\n\nAll blocks satisfy specified storage policy\.\nFSCK ended at /,
      );
      // DFSAdmin.report pops the filters it knows and ignores the rest (-bogus): the whole report.
      const report = await lab('dfsadmin', '-D', 'dfs.replication=1', '-report', '-bogus');
      expect(report.code).toBe(0);
      expect(report.stdout).toMatch(/^Configured Capacity: /m);
      expect(report.stdout).toMatch(/^Live datanodes \(\d+\):$/m);
    });
  });

  describe('FsShell paths, globs and errors (PathData, Command, CommandWithDestination)', () => {
    const small = (): string => {
      const file = path.join(work, 'small.txt');
      fs.writeFileSync(file, 'hello\n');
      return file;
    };

    it('-ls with no path lists /user/<name> with bare names; a relative path stays relative', async () => {
      // Ls.processOptions adds "." ; PathData.getStringForChildPath prints a child of "." bare.
      const missing = await lab('fs', '-ls');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe("ls: `.': No such file or directory");
      await ok('fs', '-mkdir', '-p', 'rdir/sub');
      await ok('fs', '-put', small(), 'rdir');
      expect(await ok('fs', '-ls')).toMatch(/^Found 1 items\ndrwxr-xr-x +- \S+ +\S+ +0 [\d-]+ [\d:]+ rdir$/);
      const rdir = (await ok('fs', '-ls', 'rdir')).split('\n');
      expect(rdir[0]).toBe('Found 2 items');
      expect(rdir[1]).toMatch(/ rdir\/small\.txt$/);
      expect(rdir[2]).toMatch(/ rdir\/sub$/);
      const nn = requireDescription(home).namenode;
      const uri = `hdfs://${nn.host}:${nn.port}/flags`;
      expect(await ok('fs', '-ls', uri)).toContain(` ${uri}/d`);
      expect(await ok('fs', '-ls', '-C', 'rdir')).toBe('rdir/small.txt\nrdir/sub');
    });

    it('expands globs, sorted, and says No such file or directory when nothing matches', async () => {
      await ok('fs', '-mkdir', '-p', '/g/b', '/g/a');
      await ok('fs', '-touchz', '/g/b/part-1', '/g/a/part-0', '/g/a/x');
      expect(await ok('fs', '-ls', '-C', '/g/*/part-*')).toBe('/g/a/part-0\n/g/b/part-1');
      expect(await ok('fs', '-ls', '-C', '/g/{b,a}/part-?')).toBe('/g/a/part-0\n/g/b/part-1');
      const none = await lab('fs', '-cat', '/g/*/nothing*');
      expect(none.code).toBe(1);
      expect(none.stderr).toBe("cat: `/g/*/nothing*': No such file or directory");
      const rm = await ok('fs', '-rm', '/g/*/part-*');
      expect(rm).toBe('Deleted /g/a/part-0\nDeleted /g/b/part-1');
      // Rm.expandArgument: -f makes an unmatched pattern silent.
      expect((await lab('fs', '-rm', '-f', '/g/*/part-*')).code).toBe(0);
    });

    it('keeps hdfs:/, hdfs:/// and hdfs://HOST:PORT as typed; another NameNode is Wrong FS', async () => {
      await ok('fs', '-mkdir', '-p', '/sch/d');
      await ok('fs', '-touchz', '/sch/d/f');
      // PathData.toString: scheme + ':' + the scheme-specific part, as typed.
      expect(await ok('fs', '-ls', '-C', 'hdfs:/sch', 'hdfs:///sch')).toBe('hdfs:/sch/d\nhdfs:///sch/d');
      // PathData.expandAsGlob: a pattern with a scheme and no authority prints removeAuthority's form.
      expect(await ok('fs', '-ls', '-C', '-d', 'hdfs:/sch/*', 'hdfs:///sch/d/*')).toBe(
        'hdfs:///sch/d\nhdfs:///sch/d/f',
      );
      // localhost resolves to the NameNode's address: the same file system (FileSystem.checkPath).
      const nn = requireDescription(home).namenode;
      const missing = await lab('fs', '-ls', `hdfs://localhost:${nn.port}/sch/none`);
      expect(missing.stderr).toBe(`ls: \`hdfs://localhost:${nn.port}/sch/none': No such file or directory`);
      const other = await lab('fs', '-ls', 'hdfs://localhost:9/sch');
      expect(other.code).toBe(1);
      // FileSystem.checkPath's IllegalArgumentException text, then where the lab's NameNode is.
      expect(other.stderr.split('\n')[0]).toBe(
        `ls: Wrong FS: hdfs://localhost:9/sch, expected: hdfs://${nn.host}:${nn.port}`,
      );
    });

    it('names what Hadoop names, and goes on with the next argument', async () => {
      // Mkdir.processNonexistentPath: PathNotFoundException of the parent.
      const mkdir = await lab('fs', '-mkdir', '/m1/m2/m3');
      expect(mkdir.stderr).toBe("mkdir: `/m1/m2': No such file or directory");
      // Mkdir.processPath: PathExistsException.
      const exists = await lab('fs', '-mkdir', 'rdir');
      expect(exists.stderr).toBe("mkdir: `rdir': File exists");
      // Rm.processPath: PathIsDirectoryException; the next argument is still deleted; exit 1.
      await ok('fs', '-touchz', '/r1');
      const rm = await lab('fs', '-rm', 'rdir', '/r1');
      expect(rm.stderr).toBe("rm: `rdir': Is a directory");
      expect(rm.stdout).toBe('Deleted /r1');
      expect(rm.code).toBe(1);
      // PathIOException(dir, "is a subdirectory of itself") with its target.
      const mv = await lab('fs', '-mv', 'rdir', 'rdir/sub');
      expect(mv.stderr).toBe("mv: `rdir' to `rdir/sub/rdir': is a subdirectory of itself");
    });

    it('refuses a missing parent for -put, -cp, -mv and -touchz (CommandWithDestination, Touchz)', async () => {
      const nn = requireDescription(home).namenode;
      const fq = `hdfs://${nn.host}:${nn.port}/nodir/f`;
      for (const [cmd, args] of [
        ['put', [small(), '/nodir/f']],
        ['cp', ['rdir/small.txt', '/nodir/f']],
        ['mv', ['rdir/small.txt', '/nodir/f']],
        ['touchz', ['/nodir/f']],
      ] as const) {
        const r = await lab('fs', `-${cmd}`, ...args);
        expect(r.code, cmd).toBe(1);
        expect(r.stderr, cmd).toBe(`${cmd}: \`/nodir/f': No such file or directory: \`${fq}'`);
      }
      expect((await lab('fs', '-test', '-e', '/nodir')).code).toBe(1);
    });

    it('refuses to delete the root: the NameNode never deletes / (FSDirDeleteOp)', async () => {
      const r = await lab('fs', '-rm', '-r', '-skipTrash', '/');
      expect(r.code).toBe(1);
      expect(r.stderr).toBe("rm: `/': Input/output error");
      expect((await lab('fs', '-test', '-d', '/g')).code).toBe(0);
    });

    it('copies directories recursively with -cp and -put, and -put - reads standard input', async () => {
      await ok('fs', '-cp', 'rdir', 'rcopy');
      expect(await ok('fs', '-ls', '-C', '-R', 'rcopy')).toBe('rcopy/small.txt\nrcopy/sub');
      const tree = path.join(work, 'tree');
      fs.mkdirSync(path.join(tree, 'inner'), { recursive: true });
      fs.writeFileSync(path.join(tree, 'inner', 'leaf.txt'), 'leaf');
      await ok('fs', '-put', tree, '/tree');
      expect(await ok('fs', '-cat', '/tree/inner/leaf.txt')).toBe('leaf');
      // Get copies a directory recursively too (Get.processOptions: setRecursive(true)).
      await ok('fs', '-get', '/tree', path.join(work, 'tree-back'));
      expect(fs.readFileSync(path.join(work, 'tree-back', 'inner', 'leaf.txt'), 'utf8')).toBe('leaf');
      const piped = await execa('node', [bin, '--home', home, 'fs', '-put', '-', '/tree/stdin.txt'], {
        input: 'from stdin\n',
        reject: false,
        cwd: work,
      });
      expect(piped.exitCode).toBe(0);
      expect(await ok('fs', '-cat', '/tree/stdin.txt')).toBe('from stdin');
      // Rm -safely: 2 files > hadoop.shell.safely.delete.limit.num.files asks ToolRunner.confirmPrompt,
      // which repeats on anything but y/yes/n/no; "N" aborts with Rm's line and deletes nothing.
      const limit = ['-D', 'hadoop.shell.safely.delete.limit.num.files=1'];
      const rm = await execa('node', [bin, '--home', home, 'fs', ...limit, '-rm', '-r', '-safely', '/tree'], {
        input: 'maybe\nN\n',
        reject: false,
        cwd: work,
      });
      expect(rm.stderr).toBe(
        'Proceed deleting 2 files? (Y or N) Invalid input: maybe\n' +
          'Proceed deleting 2 files? (Y or N) Delete aborted at user request.\n',
      );
      expect([rm.exitCode, rm.stdout]).toEqual([0, '']);
    });

    it("prints -ls times in the local zone (TZ), as Ls's SimpleDateFormat does", async () => {
      const utc = await ok('fs', '-ls', '-d', '/g');
      const shifted = await execa('node', [bin, '--home', home, 'fs', '-ls', '-d', '/g'], {
        env: { TZ: 'Asia/Kolkata' },
        cwd: work,
      });
      const time = (line: string): number => {
        const m = / (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d) /.exec(line)!;
        return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
      };
      expect(time(shifted.stdout) - time(utc)).toBe(330 * 60_000);
    });
  });
  describe('a tutorial golden script', () => {
    it("the FileSystemShell guide's first examples and a university lab sheet print Hadoop's text, line for line", async () => {
      // testdata/tutorial.txt: each expected text names the Hadoop class and format it comes from.
      const folder = fs.mkdtempSync(path.join(work, 'tutorial-'));
      await runFile(
        path.join(import.meta.dirname, 'testdata/tutorial.txt'),
        shellScriptHandler({ home, work: folder }),
      );
    });
  });

  describe('more FsShell commands (FsShellPermissions, Delete.Rmdir, Touch, Head, Text, Find, Merge, MoveCommands)', () => {
    it('-chmod octal and symbolic, -R, and -chown/-chgrp as FsShellPermissions does', async () => {
      await ok('fs', '-mkdir', '-p', '/perm/sub');
      await ok('fs', '-touchz', '/perm/f', '/perm/sub/g');
      // Stat's %a is the octal permission (FsPermission.toOctal), %u:%g owner and group.
      await ok('fs', '-chmod', '640', '/perm/f');
      expect(await ok('fs', '-stat', '%a', '/perm/f')).toBe('640');
      // ChmodParser: u+x on 640 is 740; a CommandFormat with a null option keeps '-w' as the mode.
      await ok('fs', '-chmod', 'u+x,g-r', '/perm/f');
      expect(await ok('fs', '-stat', '%a', '/perm/f')).toBe('700');
      await ok('fs', '-chmod', '-R', 'go-rx', '/perm');
      expect(await ok('fs', '-stat', '%a', '/perm', '/perm/sub', '/perm/sub/g')).toBe('700\n700\n600');
      await ok('fs', '-chmod', '-w', '/perm/f');
      expect(await ok('fs', '-stat', '%a', '/perm/f')).toBe('500');
      // Chmod.processOptions: "chmod : mode '...' does not match the expected pattern.", usage, -1.
      const bad = await lab('fs', '-chmod', '9z', '/perm/f');
      expect(bad.code).toBe(255);
      expect(bad.stderr.split('\n')).toEqual([
        "-chmod: chmod : mode '9z' does not match the expected pattern.",
        'Usage: lab fs [generic options] -chmod [-R] <MODE[,MODE]... | OCTALMODE> PATH...',
      ]);
      await ok('fs', '-chown', '-R', 'alice:students', '/perm');
      await ok('fs', '-chgrp', 'staff', '/perm/f');
      expect(await ok('fs', '-stat', '%u:%g', '/perm', '/perm/sub/g', '/perm/f')).toBe(
        'alice:students\nalice:students\nalice:staff',
      );
    });

    it('-rmdir removes empty directories only; --ignore-fail-on-non-empty (Delete.Rmdir)', async () => {
      await ok('fs', '-mkdir', '-p', '/rd/empty', '/rd/full/x');
      await ok('fs', '-touchz', '/rd/file');
      const r = await lab('fs', '-rmdir', '/rd/full', '/rd/file', '/rd/empty');
      // PathIsNotEmptyDirectoryException, PathIsNotDirectoryException; the empty one goes.
      expect(r.stderr.split('\n')).toEqual([
        "rmdir: `/rd/full': Directory is not empty",
        "rmdir: `/rd/file': Is not a directory",
      ]);
      expect(r.code).toBe(1);
      expect((await lab('fs', '-test', '-e', '/rd/empty')).code).toBe(1);
      expect((await lab('fs', '-rmdir', '--ignore-fail-on-non-empty', '/rd/full')).code).toBe(0);
    });

    it('-touch creates or sets times: -t yyyyMMdd:HHmmss, -a, -m, -c (TouchCommands.Touch)', async () => {
      // -stat %y is the modification time and %x the access time, in UTC (Stat's timeFmt).
      await ok('fs', '-touch', '-t', '20240229:101112', '/touched');
      expect(await ok('fs', '-stat', '%y|%x|%b', '/touched')).toBe(
        '2024-02-29 10:11:12|2024-02-29 10:11:12|0',
      );
      await ok('fs', '-touch', '-m', '-t', '20250101:000000', '/touched');
      expect(await ok('fs', '-stat', '%y|%x', '/touched')).toBe('2025-01-01 00:00:00|2024-02-29 10:11:12');
      await ok('fs', '-touch', '-a', '-t', '20250102:000000', '/touched');
      expect(await ok('fs', '-stat', '%x', '/touched')).toBe('2025-01-02 00:00:00');
      await ok('fs', '-touch', '-c', '/not-created');
      expect((await lab('fs', '-test', '-e', '/not-created')).code).toBe(1);
      const bad = await lab('fs', '-touch', '-t', '2024', '/touched');
      expect(bad.code).toBe(255);
      expect(bad.stderr.split('\n')[0]).toBe(
        '-touch: Unable to parse the specified timestamp 2024. The expected format is yyyyMMdd:HHmmss',
      );
    });

    it('-head prints the first KB, -text decompresses gzip, -getmerge merges a directory (Head, Text, Merge)', async () => {
      const big = Buffer.alloc(3000, 'a');
      big.write('END', 2997);
      fs.writeFileSync(path.join(work, 'big.txt'), big);
      fs.writeFileSync(path.join(work, 'words.gz'), zlib.gzipSync('one\ntwo\n'));
      await ok('fs', '-mkdir', '/merge');
      await ok('fs', '-put', path.join(work, 'big.txt'), path.join(work, 'words.gz'), '/merge');
      await ok('fs', '-touchz', '/merge/empty');
      // Head.endingOffset = 1024.
      expect(await ok('fs', '-head', '/merge/big.txt')).toBe('a'.repeat(1024));
      const dir = await lab('fs', '-head', '/merge');
      expect(dir.stderr).toBe("head: `/merge': Is a directory");
      // Text.getInputStream: 0x1f8b is gzip.
      expect(await ok('fs', '-text', '/merge/words.gz')).toBe('one\ntwo');
      // Merge: the directory's files in name order, -nl after each, -skip-empty-file skips empties.
      const merged = path.join(work, 'merged.out');
      await ok('fs', '-getmerge', '-nl', '-skip-empty-file', '/merge', merged);
      const gz = fs.readFileSync(path.join(work, 'words.gz'));
      const expected = Buffer.concat([big, Buffer.from('\n'), gz, Buffer.from('\n')]);
      expect(fs.readFileSync(merged).equals(expected)).toBe(true);
      await ok('fs', '-getmerge', '-nl', '/merge/empty', '/merge/empty', merged);
      expect(fs.readFileSync(merged, 'utf8')).toBe('\n\n');
      const missing = await lab('fs', '-getmerge', '/merge/nope', merged);
      expect(missing.stderr).toBe("getmerge: `/merge/nope': No such file or directory");
    });

    it('-find with -name/-iname prints matching paths, parents first (Find, Name, Print)', async () => {
      await ok('fs', '-mkdir', '-p', '/fnd/A/b');
      await ok('fs', '-touchz', '/fnd/A/x.TXT', '/fnd/A/b/y.txt', '/fnd/z.log');
      expect(await ok('fs', '-find', '/fnd')).toBe(
        '/fnd\n/fnd/A\n/fnd/A/b\n/fnd/A/b/y.txt\n/fnd/A/x.TXT\n/fnd/z.log',
      );
      expect(await ok('fs', '-find', '/fnd', '-name', '*.txt', '-print')).toBe('/fnd/A/b/y.txt');
      expect(await ok('fs', '-find', '/fnd', '-iname', '*.txt')).toBe('/fnd/A/b/y.txt\n/fnd/A/x.TXT');
      const bad = await lab('fs', '-find', '/fnd', '-size', '1');
      expect(bad.code).toBe(1);
      expect(bad.stderr).toBe('find: Unexpected argument: -size');
    });

    it('-test -w/-r ask the NameNode, -stat -R recurses, -count -u/-t/-e, -tail refuses a directory, -put -t', async () => {
      const local = path.join(work, 'opts.txt');
      fs.writeFileSync(local, 'opts\n');
      // CopyCommandWithMultiThread: -t takes a thread count, parsed as an int.
      await ok('fs', '-mkdir', '/opts');
      await ok('fs', '-put', '-t', '2', local, '/opts/f');
      const badThreads = await lab('fs', '-put', '-t', 'two', local, '/opts/g');
      expect([badThreads.code, badThreads.stderr.split('\n')[0]]).toEqual([
        255,
        '-put: For input string: "two"',
      ]);
      await ok('fs', '-chmod', '444', '/opts/f');
      // Test.testAccess: FileSystem.access (checkAccess) as the caller; the superuser passes every check.
      const asBob = (...args: string[]) =>
        execa('node', [bin, '--home', home, 'fs', ...args], {
          reject: false,
          cwd: work,
          env: { HADOOP_USER_NAME: 'bob' },
        });
      expect((await asBob('-test', '-w', '/opts/f')).exitCode).toBe(1);
      expect((await asBob('-test', '-r', '/opts/f')).exitCode).toBe(0);
      expect((await lab('fs', '-test', '-w', '/opts/f')).code).toBe(0);
      // Stat with -R: the directory, then its entries (Command.recursePath).
      expect(await ok('fs', '-stat', '-R', '%n %F %a', '/opts')).toBe(
        'opts directory 755\nf regular file 444',
      );
      // Count -u -v -e: QuotaUsage.getHeader, the policy column, then QuotaUsage's columns; a
      // directory's policy name is "" (no policy xattr), which Count prints as "EC:".
      expect((await ok('fs', '-count', '-u', '-v', '-e', '/opts', '/opts/f')).split('\n')).toEqual([
        '       QUOTA       REM_QUOTA     SPACE_QUOTA REM_SPACE_QUOTA ERASURECODING_POLICY PATHNAME',
        '        none             inf            none             inf EC: /opts',
        '        none             inf            none             inf Replicated /opts/f',
      ]);
      expect(await ok('fs', '-count', '-q', '-t', 'DISK', '/opts')).toBe(
        '         none               inf /opts',
      );
      // Tail.processPath: PathIsDirectoryException.
      const tail = await lab('fs', '-tail', '/opts');
      expect([tail.code, tail.stderr]).toEqual([1, "tail: `/opts': Is a directory"]);
    });

    it('-cp -p[topax] keeps times, permission and extended attributes, directories included (CommandWithDestination.preserveAttributes)', async () => {
      // The source is made and the copy read through the lab's client, sparing lab processes.
      const client = await DFSClient.connect({ home, warn: () => undefined });
      try {
        const call = client.call.bind(client);
        await call('mkdirs', { src: '/keep', permission: 0o750, createParent: false });
        await (await client.create('/keep/f', { permission: 0o600 })).close();
        await call('setTimes', { src: '/keep/f', mtime: Date.UTC(2020, 0, 2, 3, 4, 5), atime: -1 });
        const xattr = { namespace: 'USER' as const, name: 'k', value: Buffer.from('v1').toString('base64') };
        await call('setXAttr', { src: '/keep/f', xattr, flags: { create: true, replace: true } });
        const facts = async (p: string) => {
          const st = await call('getFileInfo', { src: p });
          return [st?.permission, st?.modificationTime];
        };
        const before = [await facts('/keep'), await facts('/keep/f')];
        // popPreserveOption takes -ptopx even after the paths.
        await ok('fs', '-cp', '/keep', '/kept', '-ptopx');
        expect([await facts('/kept'), await facts('/kept/f')]).toEqual(before);
        expect(await call('getXAttrs', { src: '/kept/f', xattrs: [] })).toEqual([xattr]);
      } finally {
        await client.close();
      }
    });

    it('dfsadmin -setBalancerBandwidth reaches the DataNode on a heartbeat reply (BalancerBandwidthCommand)', async () => {
      // DFSAdmin.setBalancerBandwidth: "Balancer bandwidth is set to " + the long string2long read.
      expect(await ok('dfsadmin', '-setBalancerBandwidth', '10m')).toBe(
        'Balancer bandwidth is set to 10485760',
      );
      // The DataNode's ClientDatanodeProtocol.getBalancerBandwidth (what -getBalancerBandwidth asks)
      // answers the new rate once a heartbeat reply has carried it.
      const client = await DFSClient.connect({ home, warn: () => undefined });
      try {
        const [dn] = await client.call('getDatanodeReport', { type: 'LIVE' });
        const ipc = await connectDatanodeIpc({
          description: requireDescription(home),
          journal: client.journal,
          host: dn!.ipAddr,
          port: dn!.ipcPort,
        });
        try {
          await waitFor('the DataNode to take the new balancer bandwidth', async () => {
            const { bytesPerSec } = await ipc.call('getBalancerBandwidth', {});
            return bytesPerSec === 10_485_760 ? true : undefined;
          });
        } finally {
          ipc.close();
        }
      } finally {
        await client.close();
      }
    });

    it("dfsadmin -metasave writes FSNamesystem.metaSave's file in the lab home's logs directory", async () => {
      // DFSAdmin.metaSave: "Created metasave file " + name + " in the log directory of namenode " +
      // the file system's URI (testHDFSConf.xml's comparator for it).
      const nn = requireDescription(home).namenode;
      expect(await ok('dfsadmin', '-metasave', 'meta.txt')).toBe(
        `Created metasave file meta.txt in the log directory of namenode hdfs://${nn.host}:${nn.port}`,
      );
      const lines = fs.readFileSync(path.join(home, 'logs', 'meta.txt'), 'utf8').split('\n');
      expect(lines[0]).toMatch(/^\d+ files and directories, \d+ blocks = \d+ total filesystem objects$/);
      expect(lines.slice(1, 3)).toEqual(['Live Datanodes: 1', 'Dead Datanodes: 0']);
      expect(lines).toContain('Metasave: Number of datanodes: 1');
      // The NameNode writes only in its log directory.
      const out = await lab('dfsadmin', '-metasave', '../escape.txt');
      expect(out.code).toBe(255);
      expect(out.stderr).toMatch(/^metasave: \.\.\/escape\.txt: not a file in the NameNode's log directory /);
      expect(fs.existsSync(path.join(home, 'escape.txt'))).toBe(false);
    });

    it('-df prints a row per path and names a missing one (FsUsage.Df)', async () => {
      const r = await lab('fs', '-df', '/', '/nope', '/');
      expect(r.code).toBe(1);
      expect(r.stderr).toBe("df: `/nope': No such file or directory");
      const lines = r.stdout.split('\n');
      // TableBuilder's header, then one row for each path that exists.
      expect(lines[0]).toMatch(/^Filesystem +Size +Used +Available +Use%$/);
      expect(lines).toHaveLength(3);
      expect(lines[1]).toBe(lines[2]);
    });

    it('-moveFromLocal removes the local source once copied; -moveToLocal is not implemented (MoveCommands)', async () => {
      const local = path.join(work, 'moving.txt');
      fs.writeFileSync(local, 'moved');
      await ok('fs', '-moveFromLocal', local, '/moved.txt');
      expect(fs.existsSync(local)).toBe(false);
      expect(await ok('fs', '-cat', '/moved.txt')).toBe('moved');
      const r = await lab('fs', '-moveToLocal', '/moved.txt', local);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe("moveToLocal: Option '-moveToLocal' is not implemented yet.");
    });
  });
});
